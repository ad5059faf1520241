"""Booth scanning with consent: the exhibitor's booth scanner, the participant's sharing choices
on the ticket page, and the coordinators' visit statistics."""

from flask import Blueprint

bp = Blueprint("booths", __name__)

from blueprints.booths import participant, staff, views  # noqa: E402,F401
