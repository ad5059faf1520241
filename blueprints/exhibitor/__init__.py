"""The exhibitor area."""

from flask import Blueprint

bp = Blueprint("exhibitor", __name__)

from blueprints.exhibitor import views  # noqa: E402,F401
