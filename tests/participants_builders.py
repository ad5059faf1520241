"""Builders for the participant area's tests (sign-up data, registrations with tickets)."""

from __future__ import annotations

from typing import Any

from jobbforum.models import Role
from jobbforum.services import registrations


def sign_up_data(**kw: Any) -> registrations.SignUpData:
    data: dict[str, Any] = dict(role=Role.visitor, name="Amina Hassan", email="amina@example.com",
                                phone="", consent=True, preferred_language="sv")
    data.update(kw)
    return registrations.SignUpData(**data)


def sign_up(event: Any, **kw: Any) -> registrations.SignUpResult:
    """Sign up through the service and commit."""
    from jobbforum.extensions import db

    result = registrations.sign_up(event, sign_up_data(**kw))
    db.session.commit()
    return result
