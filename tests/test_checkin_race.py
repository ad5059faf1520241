"""50 requests for the same badge at once: exactly one check-in (PostgreSQL, real threads).

The control runs the obvious check-then-insert against a copy of the table without the guard
(no unique constraint, no row lock) and shows that the race really produces duplicates.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter
from typing import Any

import pytest
import sqlalchemy as sa

from jobbforum.extensions import db as _db
from jobbforum.models import CheckIn, Scan
from jobbforum.services import checkin, events
from tests.checkin_builders import *  # noqa: F403

THREADS = 50


def run_at_once(app: Any, work: Any) -> list[Any]:
    """Run ``work()`` in THREADS threads, each in its own app context, released together."""
    barrier = threading.Barrier(THREADS)
    answers: list[Any] = [None] * THREADS

    def worker(i: int) -> None:
        with app.app_context():
            barrier.wait()
            try:
                answers[i] = work(i)
            except Exception as exc:  # noqa: BLE001 - reported by the assertions
                answers[i] = exc
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return answers


@pytest.fixture()
def big_pool(app):
    """Enough connections for every thread (the default pool is 5 + 10)."""
    engine = _db.engine
    old = engine.pool
    engine.pool = sa.pool.QueuePool(old._creator, pool_size=THREADS + 5,  # type: ignore[attr-defined]
                                    max_overflow=0)
    yield
    engine.pool.dispose()
    engine.pool = old


@pytest.mark.postgres_only
def test_fifty_concurrent_scans_make_one_checkin(app, db, make_ticket, big_pool):
    ticket = make_ticket()
    slug, code = ticket.registration.event.slug, ticket.code

    def scan(i: int) -> str:
        result = checkin.redeem(events.get_event(slug), code, nonce=str(uuid.uuid4()),
                                gate=f"gate {i % 3}")
        _db.session.commit()
        return result.status

    answers = run_at_once(app, scan)
    assert Counter(answers) == {"ok": 1, "already_checked_in": THREADS - 1}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CheckIn)) == 1


@pytest.mark.postgres_only
def test_fifty_concurrent_retries_of_one_nonce(app, db, make_ticket, big_pool):
    ticket = make_ticket()
    slug, code, nonce = ticket.registration.event.slug, ticket.code, str(uuid.uuid4())

    def scan(_i: int) -> Any:
        result = checkin.redeem(events.get_event(slug), code, nonce=nonce)
        _db.session.commit()
        return result.as_json()

    answers = run_at_once(app, scan)
    assert all(a == answers[0] for a in answers) and answers[0]["status"] == "ok"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CheckIn)) == 1
    # Recorded once: the check-in keeps the nonce, and no retry wrote to the scan log.
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Scan)) == 0


@pytest.mark.postgres_only
def test_control_without_the_guard_duplicates(app, db, make_ticket, big_pool):
    """The same race against check-then-insert with no unique constraint and no lock."""
    ticket = make_ticket()
    unguarded = sa.Table("checkins_unguarded", sa.MetaData(),
                         sa.Column("id", sa.Integer, primary_key=True),
                         sa.Column("ticket_id", sa.Integer), sa.Column("list_id", sa.Integer))
    unguarded.create(_db.engine)
    list_id = checkin.get_list(ticket.registration.event).id
    try:
        def naive(_i: int) -> str:
            already = _db.session.execute(sa.select(unguarded.c.id).where(
                unguarded.c.ticket_id == ticket.id, unguarded.c.list_id == list_id)).first()
            if already:
                return "already_checked_in"
            time.sleep(0.01)  # the request's own work between the check and the insert
            _db.session.execute(unguarded.insert().values(ticket_id=ticket.id, list_id=list_id))
            _db.session.commit()
            return "ok"

        answers = run_at_once(app, naive)
        with _db.engine.connect() as conn:
            rows = conn.scalar(sa.select(sa.func.count()).select_from(unguarded))
        assert rows > 1, "the control should show the race"
        assert Counter(answers)["ok"] == rows
    finally:
        unguarded.drop(_db.engine)


@pytest.mark.postgres_only
def test_first_scans_at_once_make_one_entrance_list(app, db, make_ticket, big_pool):
    """An event without its entrance list (an older one) gets it on the first scan, also when
    the first scans come at once: one list, every scan answered."""
    from jobbforum.models import CheckInList

    ticket = make_ticket()
    event = ticket.registration.event
    slug, code, event_id = event.slug, ticket.code, event.id
    db.session.execute(sa.delete(CheckInList).where(CheckInList.event_id == event_id))
    db.session.commit()

    def scan(_i: int) -> str:
        result = checkin.redeem(events.get_event(slug), code, nonce=str(uuid.uuid4()))
        _db.session.commit()
        return result.status

    answers = run_at_once(app, scan)
    assert Counter(answers) == {"ok": 1, "already_checked_in": THREADS - 1}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CheckInList).where(
        CheckInList.event_id == event_id)) == 1


def _records_of(nonce: str) -> int:
    """How many rows record the scan with this nonce: its check-in and its scan-log rows."""
    with _db.engine.connect() as conn:
        return (conn.scalar(sa.select(sa.func.count()).select_from(CheckIn).where(
                    CheckIn.nonce == nonce))
                + conn.scalar(sa.select(sa.func.count()).select_from(Scan).where(
                    Scan.nonce == nonce)))


@pytest.mark.postgres_only
def test_one_nonce_sent_with_different_codes_at_once_gets_one_answer(app, db, make_ticket,
                                                                     big_pool):
    """A client bug: one nonce for a valid badge and for junk, all at once. A check-in and a
    scan-log row could each claim the nonce; the nonce's lock makes them decide one after the
    other: one answer for all, one record."""
    ticket = make_ticket()
    slug, code, nonce = ticket.registration.event.slug, ticket.code, str(uuid.uuid4())

    def scan(i: int) -> Any:
        result = checkin.redeem(events.get_event(slug), code if i % 2 else "junk-code",
                                nonce=nonce)
        _db.session.commit()
        return result.as_json()

    answers = run_at_once(app, scan)
    assert all(a == answers[0] for a in answers), Counter(a["status"] for a in answers)
    assert _records_of(nonce) == 1


@pytest.mark.postgres_only
def test_a_retry_waits_for_an_undo_of_its_check_in(app, db, make_ticket):
    """An undo logs the scan and removes its check-in in one transaction; a retry of the
    scan's nonce meanwhile waits for it, then gets its first answer and records nothing."""
    ticket = make_ticket()
    event = ticket.registration.event
    slug, code = event.slug, ticket.code
    first = checkin.redeem(event, code, nonce="undo-race")
    db.session.commit()
    checkin.undo(event, first.checkin_id)  # not committed yet: holds the nonce's lock
    answer: dict[str, Any] = {}

    def retry() -> None:
        with app.app_context():
            started = time.monotonic()
            answer["json"] = checkin.redeem(events.get_event(slug), code,
                                            nonce="undo-race").as_json()
            _db.session.commit()
            answer["waited"] = time.monotonic() - started
            _db.session.remove()

    thread = threading.Thread(target=retry)
    thread.start()
    time.sleep(0.5)
    assert "json" not in answer, "the retry did not wait for the undo"
    db.session.commit()
    thread.join(30)
    assert answer["json"] == first.as_json() and answer["waited"] >= 0.4
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CheckIn)) == 0
    assert _records_of("undo-race") == 1


@pytest.mark.postgres_only
def test_undoing_one_check_in_twice_at_once(app, db, make_ticket, big_pool):
    """Two door staff undo the same scan at once: one undoes it, the other hears it is gone
    (404), and the scan is logged once."""
    from jobbforum.services.errors import NotFound

    ticket = make_ticket()
    event = ticket.registration.event
    first = checkin.redeem(event, ticket.code, nonce="double-undo")
    db.session.commit()
    slug, checkin_id = event.slug, first.checkin_id

    def undo(_i: int) -> str:
        try:
            checkin.undo(events.get_event(slug), checkin_id)
            _db.session.commit()
            return "undone"
        except NotFound:
            _db.session.rollback()
            return "gone"

    answers = run_at_once(app, undo)
    assert Counter(answers) == {"undone": 1, "gone": THREADS - 1}
    assert _records_of("double-undo") == 1
