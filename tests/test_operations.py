"""Operations: backups round trip, background jobs."""

from __future__ import annotations

import sqlalchemy as sa

from jobbforum.models import Event, MailStatus, OutgoingMail
from jobbforum.services import jobs, mailer


def test_backup_and_restore_round_trip(app, db, make_event, tmp_path):
    make_event(slug="kept", title="Kept event")
    runner = app.test_cli_runner()
    out = tmp_path / "backup.dump"
    result = runner.invoke(args=["backup", str(out)])
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 0
    make_event(slug="after-backup")
    db.session.execute(sa.update(Event).where(Event.slug == "kept").values(title="Changed"))
    db.session.commit()
    db.session.remove()
    result = runner.invoke(args=["restore", str(out), "--yes"])
    assert result.exit_code == 0, result.output
    db.session.remove()
    slugs = set(db.session.scalars(sa.select(Event.slug)))
    assert "kept" in slugs and "after-backup" not in slugs
    assert db.session.scalar(sa.select(Event.title).where(Event.slug == "kept")) == "Kept event"


def test_jobs_run_retries_mail_and_is_idempotent(app, db):
    mail = mailer.queue("x@example.com", "Hej", "Text")
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["jobs", "run", "mail-retry"])
    assert result.exit_code == 0, result.output
    assert "sent 1" in result.output
    db.session.expire_all()
    assert db.session.get(OutgoingMail, mail.id).status is MailStatus.sent
    again = app.test_cli_runner().invoke(args=["jobs", "run", "mail-retry"])
    assert "sent 0" in again.output


def test_jobs_run_unknown_name(app, db):
    result = app.test_cli_runner().invoke(args=["jobs", "run", "nope"])
    assert result.exit_code != 0 and "unknown job" in result.output


def test_job_lock_is_exclusive_on_postgresql(app, db):
    if db.engine.dialect.name != "postgresql":
        assert jobs.try_lock("mail-retry") is True
        return
    other = db.engine.connect()
    try:
        key = jobs._lock_key("mail-retry")
        assert other.execute(sa.text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar()
        assert jobs.try_lock("mail-retry") is False
        db.session.rollback()
        results = jobs.run_jobs(["mail-retry"])
        assert results[0].ran is False and "another host" in results[0].summary
    finally:
        other.execute(sa.text("SELECT pg_advisory_unlock_all()"))
        other.close()
