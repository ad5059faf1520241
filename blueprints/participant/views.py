"""Views of the participant area."""

from blueprints.participant import bp  # noqa: F401
