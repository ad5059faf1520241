"""The participant area."""

from flask import Blueprint

bp = Blueprint("participant", __name__)

from blueprints.participant import views  # noqa: E402,F401
