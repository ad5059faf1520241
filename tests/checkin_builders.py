"""Builders for the check-in tests: a registration with a real ticket, a device with its token.

Import the fixtures into a test module with ``from tests.checkin_builders import *``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from jobbforum.models import Registration, RegistrationStatus, Role

__all__ = ["make_ticket", "make_device"]


@pytest.fixture()
def make_ticket(db: Any, make_event: Callable[..., Any], make_person: Callable[..., Any]
                ) -> Callable[..., Any]:
    """``make_ticket(event=None, role="participant", **person)`` → an active Ticket of a new
    confirmed registration (made through ``services.tickets.issue_ticket``)."""
    from jobbforum.services import tickets

    def build(event: Any = None, role: str | Role = "participant",
              status: RegistrationStatus = RegistrationStatus.confirmed, **person_kw: Any) -> Any:
        event = event or make_event()
        person = make_person(**person_kw)
        registration = Registration(event_id=event.id, person_id=person.id, role=Role(role),
                                    status=status)
        db.session.add(registration)
        db.session.flush()
        ticket = tickets.issue_ticket(registration, actor_label="test")
        db.session.commit()
        return ticket

    return build


@pytest.fixture()
def make_device(db: Any) -> Callable[..., Any]:
    """``make_device(event, gate="North door")`` → (Device, token)."""
    from jobbforum.services import devices

    def build(event: Any, gate: str = "North door") -> tuple[Any, str]:
        device, token = devices.create_device(event, gate, actor_label="test")
        db.session.commit()
        return device, token

    return build
