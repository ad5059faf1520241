"""The workshops area: coordinator pages under /admin/workshops, the participant booking page
from the emailed private link (/b/<token>), calendar feeds (/cal/<secret>.ics) and the
facilitators' roll call."""

from flask import Blueprint

bp = Blueprint("workshops", __name__)

from blueprints.workshops import views  # noqa: E402,F401
