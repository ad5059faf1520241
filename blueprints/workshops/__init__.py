"""The workshops area."""

from flask import Blueprint

bp = Blueprint("workshops", __name__)

from blueprints.workshops import views  # noqa: E402,F401
