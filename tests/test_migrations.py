"""Migrations: upgrade → downgrade → upgrade on the session's engine, and no drift from the models."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from jobbforum.app import create_app
from tests.conftest import TEST_DB, _pg_create, _pg_drop


def _check_cycle(app):
    with app.app_context():
        from jobbforum.extensions import db

        upgrade()
        downgrade(revision="base")
        assert set(sa.inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(context, db.metadata) == []
        db.engine.dispose()


def test_upgrade_downgrade_upgrade_no_drift(tmp_path):
    if TEST_DB == "postgresql":
        url = _pg_create()
        try:
            _check_cycle(create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url,
                                     "INSTANCE_PATH": str(tmp_path)}))
        finally:
            _pg_drop(url)
    else:
        url = f"sqlite:///{tmp_path / 'm.sqlite3'}"
        _check_cycle(create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url,
                                 "INSTANCE_PATH": str(tmp_path)}))


def test_flask_db_check_reports_no_drift(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["db", "check"])
    assert result.exit_code == 0, result.output


@pytest.mark.postgres_only
def test_downgrade_logs_the_scans_that_only_their_check_in_recorded(tmp_path):
    """Since 71f5160c69e1 a scan that checked a ticket in is recorded once, as the check-in;
    the function before it looked for a nonce in the scan log only. Going back, the downgrade
    logs those scans, so a retry still gets its first answer and records nothing."""
    from bench.harness import migrated_app, seed_door
    from jobbforum.extensions import db
    from jobbforum.services import checkin, events

    url = _pg_create()
    try:
        with migrated_app(url, tmp_path):
            door = seed_door(1)
            db.session.commit()
            first = checkin.redeem(events.get_event(door.slug), door.codes[0], nonce="n-1")
            db.session.commit()
            assert db.session.scalar(sa.text("SELECT count(*) FROM checkin_scans")) == 0
            downgrade(revision="a222d1918429")
            again = checkin.redeem(events.get_event(door.slug), door.codes[0], nonce="n-1")
            db.session.commit()
            assert again.as_json() == first.as_json()
            assert db.session.scalar(sa.text("SELECT count(*) FROM checkin_scans")) == 1
            assert db.session.scalar(sa.text("SELECT count(*) FROM checkins")) == 1
            upgrade()
    finally:
        _pg_drop(url)


def test_upgrade_takes_erased_peoples_names_out_of_the_scan_log(tmp_path):
    """People erased before a58564c979ac kept their name in the scan log's answers."""
    from bench.harness import migrated_app, seed_door
    from jobbforum.extensions import db
    from jobbforum.models import Person, Scan
    from jobbforum.services import checkin, events

    url = (_pg_create() if TEST_DB == "postgresql"
           else f"sqlite:///{tmp_path / 'erased.sqlite3'}")
    try:
        with migrated_app(url, tmp_path):
            door = seed_door(2)
            event = events.get_event(door.slug)
            for code in door.codes:
                checkin.redeem(event, code, nonce=f"first-{code}")
                checkin.redeem(event, code, nonce=f"again-{code}")  # logged, with the name
            db.session.commit()
            downgrade(revision="71f5160c69e1")
            # As an erasure did before: the name emptied, the scan log left as it was.
            erased = db.session.scalar(sa.select(Person).order_by(Person.id))
            erased.name = ""
            db.session.commit()
            upgrade()
            db.session.expire_all()
            names = sorted(s.answer["holder"]["display_name"]
                           for s in db.session.scalars(sa.select(Scan)))
            assert names == ["", "Person 1"]
    finally:
        if TEST_DB == "postgresql":
            _pg_drop(url)
