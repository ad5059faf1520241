"""Domain exceptions that views and the API map to messages and responses in one place.

Messages are English msgids marked with :func:`N_` (extracted by ``make translations``), never
translated in the service: a service raises ``InvalidInput(N_("Unknown round: %(rounds)s"),
field="rounds", rounds="x")``. ``error.message`` is the English text (logs, CLI, tests);
:meth:`DomainError.text` is the one place that renders it for people, in the request's language.
A subclass's default message is its ``message`` class attribute (not its docstring).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def N_(message: str) -> str:
    """Mark *message* for translation without translating it (Babel extracts ``-k N_``)."""
    return message


def _fill(template: str, params: Mapping[str, Any]) -> str:
    """``template % params``, or the template itself if it does not fit the parameters."""
    try:
        return template % params
    except (KeyError, ValueError, TypeError):
        return template


class DomainError(Exception):
    """Base of all expected, user-facing failures. ``code`` is a stable machine-readable name.

    ``context`` holds the keyword arguments: ``field`` names the form field the message belongs
    to; the others fill the message's ``%(name)s`` placeholders (and may carry data for views).
    """

    code = "error"
    http_status = 400
    #: The default message (an English msgid) when none is given.
    message: str = N_("That did not work. Please try again.")

    def __init__(self, message: str = "", **context: Any) -> None:
        #: The untranslated message (a msgid marked with :func:`N_`).
        self.template = str(message or type(self).message)
        self.context = context
        #: The English text, placeholders filled in.
        self.message = _fill(self.template, context)
        super().__init__(self.message)

    def text(self) -> str:
        """The message for people: in the request's language (English outside a request)."""
        from flask import has_request_context

        if not has_request_context():
            return self.message
        from flask_babel import gettext

        return _fill(gettext(self.template), self.context)


class NotFound(DomainError):
    """Something asked for does not exist."""

    code = "not_found"
    http_status = 404
    message = N_("Not found.")


class Conflict(DomainError):
    """The change conflicts with stored data."""

    code = "conflict"
    http_status = 409
    message = N_("That conflicts with existing data.")


class InvalidInput(DomainError):
    """The input breaks a rule; ``field`` names the form field."""

    code = "invalid"
    http_status = 400
    message = N_("The input is not valid.")


class AccountLocked(DomainError):
    """Too many failed logins."""

    code = "locked"
    http_status = 403
    message = N_("The account is locked after too many failed logins. Try again later.")


class InvalidCredentials(DomainError):
    """Email and password do not match an active account."""

    code = "invalid_credentials"
    http_status = 401
    message = N_("Wrong email or password.")


class Unauthorized(DomainError):
    """No valid credentials (e.g. an unknown or revoked device token)."""

    code = "unauthorized"
    http_status = 401
    message = N_("Sign in, or use a valid device token.")


class Forbidden(DomainError):
    """Valid credentials that do not allow this (e.g. another event's device)."""

    code = "forbidden"
    http_status = 403
    message = N_("You are not allowed to do this.")
