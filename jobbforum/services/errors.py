"""Domain exceptions that views and the API map to messages and responses in one place."""

from __future__ import annotations


class DomainError(Exception):
    """Base of all expected, user-facing failures. ``code`` is a stable machine-readable name."""

    code = "error"
    http_status = 400

    def __init__(self, message: str = "", **context: object) -> None:
        super().__init__(message or self.__class__.__doc__ or self.code)
        self.message = message or (self.__class__.__doc__ or self.code).strip()
        self.context = context


class NotFound(DomainError):
    """Not found."""

    code = "not_found"
    http_status = 404


class Conflict(DomainError):
    """That conflicts with existing data."""

    code = "conflict"
    http_status = 409


class InvalidInput(DomainError):
    """The input is not valid."""

    code = "invalid"
    http_status = 400


class AccountLocked(DomainError):
    """The account is locked after too many failed logins. Try again later."""

    code = "locked"
    http_status = 403


class InvalidCredentials(DomainError):
    """Wrong email or password."""

    code = "invalid_credentials"
    http_status = 401
