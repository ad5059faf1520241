"""The checkin area."""

from flask import Blueprint

bp = Blueprint("checkin", __name__)

from blueprints.checkin import views  # noqa: E402,F401
