"""Views of the workshops area."""

from blueprints.workshops import bp  # noqa: F401
