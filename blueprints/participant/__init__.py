"""The participant area."""

from flask import Blueprint

bp = Blueprint("participant", __name__)

from blueprints.participant import views  # noqa: E402,F401
from blueprints.participant import staff  # noqa: E402,F401
