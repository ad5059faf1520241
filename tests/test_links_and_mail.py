"""Private links and the mail queue."""

from __future__ import annotations

import email
from datetime import timedelta
from pathlib import Path

import pytest

from jobbforum.models import MailStatus, utcnow
from jobbforum.services import links, mailer


def test_link_round_trip(db):
    token = links.issue("ticket", 42, expires_at=utcnow() + timedelta(days=1))
    assert links.resolve(token, "ticket").subject_id == 42


def test_link_tampered_wrong_purpose_expired_revoked(db):
    token = links.issue("ticket", 1, expires_at=utcnow() + timedelta(days=1))
    with pytest.raises(links.LinkInvalid):
        links.resolve(token[:-2] + ("AA" if not token.endswith("AA") else "BB"), "ticket")
    with pytest.raises(links.LinkInvalid):
        links.resolve(token, "exhibitor")
    with pytest.raises(links.LinkInvalid):
        links.resolve("garbage", "ticket")
    with pytest.raises(links.LinkExpired):
        links.resolve(token, "ticket", now=utcnow() + timedelta(days=2))
    assert links.revoke_all("ticket", 1) == 1
    with pytest.raises(links.LinkRevoked):
        links.resolve(token, "ticket")


def test_mail_goes_to_outbox_by_default(app, db):
    mail = mailer.queue("a@example.com", "Hej", "Text", "<p>Text</p>")
    assert mailer.deliver(mail) is True
    assert mail.status is MailStatus.sent
    files = list(Path(app.config["OUTBOX_DIR"]).glob("*.eml"))
    message = email.message_from_bytes(files[-1].read_bytes())
    assert message["To"] == "a@example.com"


def test_failed_send_is_kept_and_retried(app, db):
    app.config["MAIL_URL"] = "smtp://127.0.0.1:1"  # nothing listens there
    try:
        mail = mailer.queue("b@example.com", "Hej", "Text")
        assert mailer.deliver(mail) is False
        assert mail.status is MailStatus.pending and mail.attempts == 1 and mail.last_error
    finally:
        app.config["MAIL_URL"] = None
    sent, failed = mailer.retry_pending(ignore_backoff=True)
    assert (sent, failed) == (1, 0)
    assert mail.status is MailStatus.sent
