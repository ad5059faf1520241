"""Translatable messages for code that also runs outside a request (services, CLI, tests).

``flask_babel.lazy_gettext`` needs a request to pick the language; :func:`lazy_text` is lazy
the same way (and extracted by Babel as ``_l``) but falls back to the English source text when
there is no request, so a service's error message works in the CLI too.
"""

from __future__ import annotations

from typing import Any

from flask import has_request_context
from flask_babel import LazyString, gettext


def _text(message: str, **variables: Any) -> str:
    if has_request_context():
        return gettext(message, **variables)
    return message % variables if variables else message


def lazy_text(message: str, **variables: Any) -> LazyString:
    """A message translated when it is shown (into the request's language, else English)."""
    return LazyString(_text, message, **variables)
