"""Views of the exhibitor area."""

from blueprints.exhibitor import bp  # noqa: F401
