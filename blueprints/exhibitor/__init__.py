"""The exhibitor area: public registration and list, the private edit page, staff pages."""

from flask import Blueprint

bp = Blueprint("exhibitor", __name__)

from blueprints.exhibitor import staff, views  # noqa: E402,F401
