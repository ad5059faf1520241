"""Where the app's templates, static files and migrations are.

In a checkout (plain or editable install) they sit next to the ``jobbforum`` package; in a
wheel they are installed inside it (``jobbforum/templates`` …), see ``package_dir`` in setup.cfg.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
CHECKOUT_DIR = PACKAGE_DIR.parent


def resource_dir(name: str) -> Path:
    """The directory ``name`` (``templates``, ``static``, ``migrations``) wherever it is installed."""
    for candidate in (PACKAGE_DIR / name, CHECKOUT_DIR / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"Jobbforum's {name}/ directory is missing from the installation")


TRANSLATIONS_DIR = PACKAGE_DIR / "translations"
