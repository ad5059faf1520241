"""Many phones at one booth scan the same badge at once: exactly one visit, every scan counted
(PostgreSQL, real threads). The control runs the obvious check-then-insert against a copy of
the table without the guard (no unique constraint) and shows that the race is real."""

from __future__ import annotations

import time
from collections import Counter

import pytest
import sqlalchemy as sa

from jobbforum.extensions import db as _db
from jobbforum.models import BoothVisit, ExhibitorRegistration
from jobbforum.services import booths
from tests.booths_builders import *  # noqa: F403
from tests.test_checkin_race import THREADS, big_pool, run_at_once  # noqa: F401


@pytest.mark.postgres_only
def test_concurrent_scans_of_one_badge_make_one_visit(app, db, make_fair, big_pool):  # noqa: F811
    fair = make_fair()
    exhibitor_id, code = fair.exhibitors[0].id, fair.visitor().code

    def scan(_i: int) -> bool:
        _visit, created = booths.record_visit(_db.session.get(ExhibitorRegistration, exhibitor_id), code)
        _db.session.commit()
        return created

    answers = run_at_once(app, scan)
    assert Counter(answers) == {True: 1, False: THREADS - 1}, answers
    db.session.rollback()
    [visit] = db.session.scalars(sa.select(BoothVisit)).all()
    assert visit.scan_count == THREADS


@pytest.mark.postgres_only
def test_control_without_the_guard_duplicates(app, db, make_fair, big_pool):  # noqa: F811
    fair = make_fair()
    exhibitor_id, registration_id = fair.exhibitors[0].id, fair.visitor().registration_id
    unguarded = sa.Table("booth_visits_unguarded", sa.MetaData(),
                         sa.Column("id", sa.Integer, primary_key=True),
                         sa.Column("exhibitor_id", sa.Integer), sa.Column("registration_id", sa.Integer))
    unguarded.create(_db.engine)
    try:
        def naive(_i: int) -> bool:
            found = _db.session.execute(sa.select(unguarded.c.id).where(
                unguarded.c.exhibitor_id == exhibitor_id,
                unguarded.c.registration_id == registration_id)).first()
            if found:
                return False
            time.sleep(0.01)  # the request's own work between the check and the insert
            _db.session.execute(unguarded.insert().values(exhibitor_id=exhibitor_id,
                                                          registration_id=registration_id))
            _db.session.commit()
            return True

        answers = run_at_once(app, naive)
        with _db.engine.connect() as conn:
            rows = conn.scalar(sa.select(sa.func.count()).select_from(unguarded))
        assert rows > 1, "the control should show the race"
        assert Counter(answers)[True] == rows
    finally:
        unguarded.drop(_db.engine)
