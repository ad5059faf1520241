"""Views of the checkin area."""

from blueprints.checkin import bp  # noqa: F401
