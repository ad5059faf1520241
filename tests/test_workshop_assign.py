"""Round-wide assignment through the service and the CLI: preview changes nothing, confirm books
the previewed plan, the result is optimal (checked by brute force) and deterministic."""

from __future__ import annotations

import itertools

import pytest
import sqlalchemy as sa

from jobbforum.extensions import db as _db
from jobbforum.models import Audience, Booking, BookingStatus, Theme
from jobbforum.services import workshop_assign
from jobbforum.services import workshops as ws
from tests.workshops_builders import make_room, make_session, members  # noqa: F401


def _booked(session_ids=None):
    query = sa.select(Booking.person_id, Booking.session_id).where(
        Booking.status == BookingStatus.booked)
    return sorted(_db.session.execute(query).all())


@pytest.fixture()
def round_with_prefs(make_round, make_session, members):
    programme_round = make_round()
    sessions = [make_session(rounds=[programme_round], theme=Theme.networking, capacity=cap,
                             days=10 + i) for i, cap in enumerate((2, 2, 3))]
    people = members(programme_round, 6)
    s1, s2, s3 = (s.id for s in sessions)
    prefs = [[s1, s2], [s1, s3], [s1], [s2, s1], [], [s1, s2, s3]]
    for person, ranked in zip(people, prefs):
        if ranked:
            ws.set_preferences(person, Theme.networking, ranked)
    _db.session.commit()
    return programme_round, sessions, people, prefs


def test_preview_changes_nothing_and_confirm_books_it(db, round_with_prefs):
    programme_round, sessions, people, prefs = round_with_prefs
    preview = workshop_assign.preview(programme_round, Theme.networking)
    assert _booked() == []
    assert preview.plan.assigned_count == 6
    again = workshop_assign.preview(programme_round, Theme.networking)
    assert again.fingerprint == preview.fingerprint
    assert again.plan.assignments == preview.plan.assignments  # deterministic

    # Brute force: the best (first, second, third) vector over all feasible plans.
    caps = {s.id: s.capacity for s in sessions}
    best = None
    for combo in itertools.product([s.id for s in sessions], repeat=len(people)):
        if any(combo.count(sid) > cap for sid, cap in caps.items()):
            continue
        vector = tuple(sum(1 for p, sid in zip(prefs, combo) if sid in p and p.index(sid) == r)
                       for r in range(3))
        best = max(best or vector, vector)
    assert tuple(count for _r, count in preview.choice_counts[:3]) == best

    done, mails = workshop_assign.confirm(programme_round, Theme.networking, preview.fingerprint,
                                          actor=None, actor_label="test")
    _db.session.commit()
    assert dict(_booked()) == preview.plan.assignments
    # Everybody has a seat now: a new preview has nobody left to place.
    assert workshop_assign.preview(programme_round, Theme.networking).plan.total == 0


def test_confirm_refuses_a_stale_preview(db, round_with_prefs, members):
    programme_round, sessions, people, _prefs = round_with_prefs
    preview = workshop_assign.preview(programme_round, Theme.networking)
    ws.book_session(people[0], sessions[2], actor=None)  # someone books meanwhile
    _db.session.commit()
    with pytest.raises(workshop_assign.PlanChanged):
        workshop_assign.confirm(programme_round, Theme.networking, preview.fingerprint, actor=None)
    _db.session.rollback()
    assert len(_booked()) == 1


def test_audiences_and_waitlisted_people(db, make_round, make_session, members):
    programme_round = make_round()
    for_mentors = make_session(rounds=[programme_round], theme=Theme.kickoff, capacity=5,
                               audience=Audience.mentors)
    full = make_session(rounds=[programme_round], theme=Theme.kickoff, capacity=1, days=12,
                        audience=Audience.participants)
    other = make_session(rounds=[programme_round], theme=Theme.kickoff, capacity=5, days=13,
                         audience=Audience.participants)
    a, b = members(programme_round, 2)
    ws.book_session(a, full)
    waiting = ws.book_session(b, full).booking
    _db.session.commit()
    assert waiting.status is BookingStatus.waitlisted
    preview = workshop_assign.preview(programme_round, Theme.kickoff)
    assert preview.plan.assignments == {b.id: other.id}  # never the mentors' session
    workshop_assign.confirm(programme_round, Theme.kickoff, preview.fingerprint, actor=None)
    _db.session.commit()
    assert waiting.status is BookingStatus.cancelled
    assert for_mentors.id not in {sid for _p, sid in _booked()}


def test_cli_assign_preview_then_confirm(app, db, round_with_prefs):
    programme_round, *_rest = round_with_prefs
    runner = app.test_cli_runner()
    declined = runner.invoke(args=["workshops", "assign", programme_round.slug,
                                   "--theme", "networking"], input="n\n")
    assert declined.exit_code == 0, declined.output
    assert "choice 1:" in declined.output and "Nothing was changed" in declined.output
    assert _booked() == []
    done = runner.invoke(args=["workshops", "assign", programme_round.slug, "--theme",
                               "networking", "--yes"])
    assert done.exit_code == 0, done.output
    assert "Booked 6 people" in done.output and len(_booked()) == 6
    bad = runner.invoke(args=["workshops", "assign", "no-such-round", "--theme", "kickoff"])
    assert bad.exit_code != 0 and "No programme round" in bad.output
