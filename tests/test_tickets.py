"""Ticket issue, reissue and revoke."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from jobbforum.models import Registration, Role, Ticket, TicketStatus
from jobbforum.services import tickets


@pytest.fixture()
def registration(db, make_event, make_person):
    reg = Registration(event_id=make_event().id, person_id=make_person().id, role=Role.participant)
    db.session.add(reg)
    db.session.commit()
    return reg


def test_reissue_revokes_old_code(db, registration):
    first = tickets.issue_ticket(registration)
    second = tickets.issue_ticket(registration)
    db.session.commit()
    assert first.status is TicketStatus.revoked and first.revoked_at is not None
    assert second.status is TicketStatus.active and second.code != first.code
    assert tickets.find_by_code(f"  {second.code}\n") is second


def test_schema_allows_one_active_ticket(db, registration):
    tickets.issue_ticket(registration)
    db.session.add(Ticket(registration_id=registration.id, code="another-code-x"))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_find_rejects_junk(db):
    assert tickets.find_by_code("") is None
    assert tickets.find_by_code("x" * 500) is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Ticket)) == 0
