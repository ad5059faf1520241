"""The participant area."""

from flask import Blueprint

bp = Blueprint("participant", __name__)

from blueprints.participant import (
    staff,  # noqa: E402,F401
    views,  # noqa: E402,F401
)
