"""Two staff approving the last booth at the same moment: exactly one wins (PostgreSQL, threads).

The control run removes the row lock and shows that the race is real: both approvals succeed
and the event ends up with more exhibitors than booths.
"""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from jobbforum.extensions import db as _db
from jobbforum.models import ExhibitorRegistration, ExhibitorSettings, ExhibitorStatus
from jobbforum.services import exhibitors
from tests.exhibitor_builders import make_exhibitor  # noqa: F401

pytestmark = pytest.mark.postgres_only


def _approve_concurrently(app, ids, monkeypatch):
    """Approve ``ids`` in parallel threads; both count approved exhibitors before either commits
    (a barrier widens the race window to make it deterministic)."""
    barrier = threading.Barrier(len(ids))
    real_count = exhibitors.approved_count

    def counting_together(event):
        try:
            barrier.wait(timeout=1.5)  # a thread waiting on the row lock never arrives: fine
        except threading.BrokenBarrierError:
            pass
        return real_count(event)

    monkeypatch.setattr(exhibitors, "approved_count", counting_together)
    outcomes: list[str] = []

    def approve(exhibitor_id):
        with app.app_context():
            exhibitor = _db.session.get(ExhibitorRegistration, exhibitor_id)
            try:
                exhibitors.set_status(exhibitor, ExhibitorStatus.approved, actor=None, actor_label="test")
                _db.session.commit()
                outcomes.append("approved")
            except exhibitors.BoothsFull:
                _db.session.rollback()
                outcomes.append("full")
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=approve, args=(i,)) for i in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return sorted(outcomes)


def _setup(make_event, make_exhibitor):
    event = make_event()
    first, second = make_exhibitor(event), make_exhibitor(event)
    exhibitors.set_booth_capacity(event, 1, actor=None, actor_label="test")
    _db.session.commit()
    return event, [first.id, second.id]


def _approved(event):
    _db.session.expire_all()
    return _db.session.scalar(sa.select(sa.func.count()).select_from(ExhibitorRegistration).where(
        ExhibitorRegistration.event_id == event.id, ExhibitorRegistration.status == ExhibitorStatus.approved))


def test_last_booth_goes_to_exactly_one(app, make_event, make_exhibitor, monkeypatch):
    event, ids = _setup(make_event, make_exhibitor)
    assert _approve_concurrently(app, ids, monkeypatch) == ["approved", "full"]
    assert _approved(event) == 1


def test_control_without_the_lock_overbooks(app, make_event, make_exhibitor, monkeypatch):
    event, ids = _setup(make_event, make_exhibitor)

    def unlocked(event):
        return _db.session.scalar(sa.select(ExhibitorSettings.booth_capacity).where(
            ExhibitorSettings.event_id == event.id))

    monkeypatch.setattr(exhibitors, "_lock_booths", unlocked)
    assert _approve_concurrently(app, ids, monkeypatch) == ["approved", "approved"]
    assert _approved(event) == 2  # the race the lock prevents


def test_double_submit_registers_once(app, make_event, monkeypatch):
    """Two submissions of the same organisation at once: both pass the look-up (the control part:
    the race window is real), the database's unique constraint lets exactly one through and the
    other gets the friendly "already registered" answer, not a server error."""
    event = make_event()
    event_class, event_id = type(event), event.id
    barrier = threading.Barrier(2)
    real_find = exhibitors.find_organisation
    seen: list[object] = []

    def find_together(number, name):
        found = real_find(number, name)
        seen.append(found)
        barrier.wait(timeout=5)
        return found

    monkeypatch.setattr(exhibitors, "find_organisation", find_together)
    outcomes: list[str] = []

    def register():
        with app.app_context():
            try:
                exhibitors.register_exhibitor(
                    _db.session.get(event_class, event_id),
                    exhibitors.ExhibitorDetails(name="Svea Logistik AB", org_number="556036-0793",
                                                type=exhibitors.OrganisationType.employer,
                                                contact_name="Karin", contact_email="k@example.se",
                                                description_sv="Lager."),
                    consent_version="test")
                _db.session.commit()
                outcomes.append("registered")
            except exhibitors.AlreadyRegistered:
                _db.session.rollback()
                outcomes.append("already_registered")
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=register) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert seen == [None, None]  # neither saw the other: only the constraint can decide
    assert sorted(outcomes) == ["already_registered", "registered"]
    _db.session.expire_all()
    assert _db.session.scalar(sa.select(sa.func.count()).select_from(ExhibitorRegistration)) == 1
