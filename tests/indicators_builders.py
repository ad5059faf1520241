"""Builders for the attendance, survey and privacy tests (import the fixtures into a test module)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from jobbforum.extensions import db
from jobbforum.models import (
    ENTRANCE,
    CheckIn,
    CheckInList,
    County,
    EventKind,
    Registration,
    RegistrationStatus,
    Role,
    Room,
    Theme,
    Ticket,
    WorkshopSession,
)
from jobbforum.services.surveys_parse import COLUMNS

SURVEY_HEADER = ",".join(COLUMNS)


def survey_line(code: str, answered_on: str = "2026-09-10", employment: str = "none",
                interviews: int = 0, **flags: int) -> str:
    values = {"participant_code": code, "answered_on": answered_on, "employment": employment,
              "interviews": str(interviews)}
    return ",".join(values.get(c, str(flags.get(c, 0))) for c in COLUMNS)


def survey_csv(*lines: str, header: str = SURVEY_HEADER) -> bytes:
    return ("\n".join([header, *lines]) + "\n").encode()


def entrance(event: Any) -> CheckInList:
    found = db.session.query(CheckInList).filter_by(event_id=event.id, name=ENTRANCE).one_or_none()
    if found is None:
        found = CheckInList(event_id=event.id, name=ENTRANCE)
        db.session.add(found)
        db.session.flush()
    return found


def register(event: Any, person: Any, role: Role = Role.participant,
             status: RegistrationStatus = RegistrationStatus.confirmed) -> Ticket:
    registration = db.session.query(Registration).filter_by(
        event_id=event.id, person_id=person.id).one_or_none()
    if registration is None:
        registration = Registration(event_id=event.id, person_id=person.id, role=role,
                                    status=status)
        db.session.add(registration)
        db.session.flush()
    if registration.active_ticket is not None:
        return registration.active_ticket
    ticket = Ticket(registration_id=registration.id, code=f"T{registration.id}-{person.id}")
    db.session.add(ticket)
    db.session.flush()
    return ticket


def check_in(ticket: Ticket, checkin_list: CheckInList) -> None:
    db.session.add(CheckIn(ticket_id=ticket.id, list_id=checkin_list.id))
    db.session.flush()


@pytest.fixture()
def make_session(db: Any, make_event: Callable[..., Any]) -> Callable[..., Any]:
    """A workshop session of *theme* on a workshop-day event, with its door check-in list."""
    counter = iter(range(1, 10_000))

    def build(theme: Theme, starts_at: datetime | None = None) -> tuple[Any, CheckInList]:
        n = next(counter)
        starts = starts_at or datetime(2026, 10, 1, 9, tzinfo=UTC) + timedelta(days=n)
        event = make_event(kind=EventKind.workshop_day, starts_at=starts,
                           ends_at=starts + timedelta(hours=3), slug=f"day-{theme.value.replace('_', '-')}-{n}")
        room = Room(name=f"Room {n}", capacity=30, county=County.stockholm)
        db.session.add(room)
        db.session.flush()
        session = WorkshopSession(theme=theme, room_id=room.id, starts_at=starts,
                                  ends_at=starts + timedelta(hours=2), capacity=30)
        db.session.add(session)
        db.session.flush()
        door = CheckInList(event_id=event.id, name=f"session-{session.id}",
                           workshop_session_id=session.id)
        db.session.add(door)
        db.session.commit()
        return event, door

    return build


@pytest.fixture()
def attend(db: Any) -> Callable[..., Any]:
    """``attend(person, event, door=None, role=...)``: register with a ticket and check in."""

    def do(person: Any, event: Any, door: CheckInList | None = None,
           role: Role = Role.participant, checked_in: bool = True) -> Ticket:
        ticket = register(event, person, role)
        if checked_in:
            check_in(ticket, door or entrance(event))
        db.session.commit()
        return ticket

    return do


JOBBFORUM_DAY = date(2026, 10, 20)
