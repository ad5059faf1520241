"""Capacity under concurrent sign-ups (PostgreSQL, real threads), with a control run without the lock."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from jobbforum.extensions import db as _db
from jobbforum.models import Event, Registration, RegistrationStatus
from jobbforum.services import registrations
from tests.participants_builders import sign_up_data

pytestmark = pytest.mark.postgres_only

THREADS = 6
CAPACITY = 2


def race(app, slug: str, monkeypatch) -> int:
    """Sign up THREADS people at once; every thread waits after counting free places, so all of
    them count before any of them inserts unless something serialises them. Returns how many
    were confirmed."""
    barrier = threading.Barrier(THREADS, timeout=0.5)
    counted = registrations.places_left

    def places_left_then_wait(event):  # type: ignore[no-untyped-def]
        left = counted(event)
        try:
            barrier.wait()
        except threading.BrokenBarrierError:
            pass
        return left

    monkeypatch.setattr(registrations, "places_left", places_left_then_wait)
    errors: list[BaseException] = []

    def one(i: int) -> None:
        with app.app_context():
            try:
                event = _db.session.scalar(sa.select(Event).where(Event.slug == slug))
                registrations.sign_up(event, sign_up_data(email=f"p{i}@example.com"))
                _db.session.commit()
            except registrations.EventFull:
                _db.session.rollback()
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=one, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    with app.app_context():
        return _db.session.scalar(sa.select(sa.func.count(Registration.id)).join(Event).where(
            Event.slug == slug, Registration.status == RegistrationStatus.confirmed))


def test_capacity_holds_under_concurrent_sign_ups(app, db, make_event, monkeypatch):
    event = make_event(capacity=CAPACITY)
    assert race(app, event.slug, monkeypatch) == CAPACITY


def test_control_without_the_lock_overbooks(app, db, make_event, monkeypatch):
    """Shows the race the lock prevents: without it, more people are confirmed than fit."""
    monkeypatch.setattr(registrations, "_lock_event", lambda event: None)
    event = make_event(capacity=CAPACITY)
    assert race(app, event.slug, monkeypatch) > CAPACITY
