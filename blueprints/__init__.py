"""Thin HTTP layers, one package per area. Each parses input, calls a service and renders."""

from blueprints.admin import bp as admin_bp
from blueprints.api import bp as api_bp
from blueprints.auth import bp as auth_bp
from blueprints.booths import bp as booths_bp
from blueprints.checkin import bp as checkin_bp
from blueprints.exhibitor import bp as exhibitor_bp
from blueprints.participant import bp as participant_bp
from blueprints.public import bp as public_bp
from blueprints.reports import bp as reports_bp
from blueprints.workshops import bp as workshops_bp

#: Registered by the app factory, in this order.
BLUEPRINTS = [public_bp, auth_bp, admin_bp, participant_bp, exhibitor_bp, checkin_bp,
              workshops_bp, api_bp, reports_bp, booths_bp]
