"""Faults: disk full for uploads, and background jobs (waiting lists, retention) that must be
idempotent. (Mail server down: tests/test_participant_mail.py signs up over HTTP with the SMTP
server down, keeps the registration and retries; a database outage: tests/test_api_fuzz.py for
the 503 answer, tests/test_faults_pg.py for a real restart in the middle of a check-in burst.)"""

from __future__ import annotations

import errno
import io
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from jobbforum.extensions import db as _db
from jobbforum.models import (
    ExhibitorRegistration,
    OutgoingMail,
    Registration,
    RegistrationStatus,
)
from jobbforum.services import jobs
from tests.exhibitor_builders import own_outbox, png_bytes, registration_form  # noqa: F401


@pytest.mark.usefixtures("own_outbox")
def test_disk_full_for_a_logo_is_a_clear_error_and_keeps_the_form(
        client: Any, make_event: Any, monkeypatch: Any, app: Any) -> None:
    event = make_event()
    real_write = Path.write_bytes

    def disk_full(self: Path, data: bytes) -> int:
        if self.name.endswith(".tmp"):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(self, data)

    monkeypatch.setattr(Path, "write_bytes", disk_full)
    client.set_cookie("lang", "en")
    data = registration_form(name="Diskfull AB")
    data["logo"] = (io.BytesIO(png_bytes()), "logga.png")
    response = client.post(f"/events/{event.slug}/exhibitors/register", data=data,
                           content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "storage is full" in html and 'value="Diskfull AB"' in html
    assert _db.session.scalar(sa.select(sa.func.count()).select_from(ExhibitorRegistration)) == 0
    leftovers = list(Path(app.config["UPLOAD_DIR"]).glob("logos/.*.tmp"))
    assert leftovers == []


def test_waitlist_job_promotes_and_queues_mail_once(db: Any, make_event: Any) -> None:
    from tests.participants_builders import sign_up

    event = make_event(capacity=1)
    first = sign_up(event, email="first@example.com", name="First Person")
    second = sign_up(event, email="second@example.com", name="Second Person", waitlist_ok=True)
    assert second.registration.status is RegistrationStatus.waitlisted
    assert first.registration.status is RegistrationStatus.confirmed
    event.capacity = 2  # staff make room (a cancellation promotes at once, by itself)
    db.session.commit()
    mails_before = db.session.scalar(sa.select(sa.func.count()).select_from(OutgoingMail))

    [result] = jobs.run_jobs(["waitlist-promote"])
    assert result.ran and result.summary == "promoted 1"
    db.session.expire_all()
    promoted = db.session.get(Registration, second.registration.id)
    assert promoted.status is RegistrationStatus.confirmed and promoted.active_ticket is not None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutgoingMail)) == \
        mails_before + 1
    assert jobs.run_jobs(["waitlist-promote"])[0].summary == "promoted 0"  # idempotent


def test_retention_job_needs_a_setting_then_purges(app: Any, db: Any, make_event: Any,
                                                   make_person: Any) -> None:
    assert jobs.run_jobs(["retention-purge"])[0].summary.startswith("skipped")
    app.config["RETENTION_DAYS"] = 30
    try:
        summary = jobs.run_jobs(["retention-purge"])[0].summary
        assert summary.startswith("purged 0 people")
    finally:
        app.config.pop("RETENTION_DAYS")


def test_every_job_is_listed_by_the_cli(app: Any, db: Any) -> None:
    output = app.test_cli_runner().invoke(args=["jobs", "list"]).output
    for name in ("mail-retry", "waitlist-promote", "retention-purge"):
        assert name in output


