"""100 simultaneous bookings for 10 seats: exactly 10 booked and 90 waitlisted, because the
session's row is locked (SELECT … FOR UPDATE). The control run removes the lock and shows the
race: the session is overbooked."""

from __future__ import annotations

import threading
import time

import pytest
import sqlalchemy as sa

from jobbforum.extensions import db as _db
from jobbforum.models import Booking, BookingStatus, Person, WorkshopSession
from jobbforum.services import workshops as ws
from tests.workshops_builders import make_room, make_session, members  # noqa: F401

N = 100


def _race(app, session_id: int, person_ids: list[int]) -> list[BaseException]:
    barrier = threading.Barrier(len(person_ids))
    errors: list[BaseException] = []

    def worker(person_id: int) -> None:
        with app.app_context():
            try:
                barrier.wait()
                person = _db.session.get(Person, person_id)
                session = _db.session.get(WorkshopSession, session_id)
                ws.book_session(person, session)
                _db.session.commit()
            except BaseException as exc:  # noqa: BLE001 - reported by the test
                errors.append(exc)
                _db.session.rollback()
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=worker, args=(pid,)) for pid in person_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def _counts(session_id: int) -> dict[BookingStatus, int]:
    _db.session.expire_all()
    rows = _db.session.execute(sa.select(Booking.status, sa.func.count()).where(
        Booking.session_id == session_id).group_by(Booking.status))
    return dict(rows.all())


@pytest.fixture()
def crowd(app, make_session, make_round, members):
    programme_round = make_round()
    session = make_session(rounds=[programme_round], capacity=10)
    people = members(programme_round, N)
    return session.id, [p.id for p in people]


@pytest.mark.postgres_only
def test_100_simultaneous_bookings_for_10_seats(app, db, crowd):
    session_id, person_ids = crowd
    errors = _race(app, session_id, person_ids)
    assert errors == []
    counts = _counts(session_id)
    assert counts == {BookingStatus.booked: 10, BookingStatus.waitlisted: N - 10}
    positions = _db.session.scalars(sa.select(Booking.position).where(
        Booking.session_id == session_id)).all()
    assert sorted(positions) == list(range(1, N + 1))  # one queue, no ties


@pytest.mark.postgres_only
def test_control_without_the_lock_overbooks(app, db, crowd, monkeypatch):
    session_id, person_ids = crowd
    real_count = ws._booked_count

    def slow_count(sid: int) -> int:  # widen the read-then-write window, as a slow server would
        value = real_count(sid)
        time.sleep(0.05)
        return value

    monkeypatch.setattr(ws, "lock_session", lambda sid: None)
    monkeypatch.setattr(ws, "_booked_count", slow_count)
    _race(app, session_id, person_ids)
    counts = _counts(session_id)
    assert counts.get(BookingStatus.booked, 0) > 10, counts
