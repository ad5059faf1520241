"""Coordinators' reports: attendance export, survey upload, indicators, privacy actions."""

from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/reports")

from blueprints.reports import views  # noqa: E402,F401
