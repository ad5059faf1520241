"""Queued mail: every message is stored first, then sent; failures are retried, never lost.

Usage from a view or command::

    mail = mailer.queue(to, subject, text, html, attachments=[{"kind": "ticket_pdf", ...}])
    db.session.commit()          # the registration and the queued mail commit together
    mailer.deliver(mail)         # try now; on failure it stays pending for `jobbforum mail retry`
    db.session.commit()
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app

from jobbforum import mail as transport
from jobbforum.extensions import db
from jobbforum.models import MailStatus, OutgoingMail, utcnow

#: Attempts before a message is marked failed (with backoff: 1, 2, 4, … minutes).
MAX_ATTEMPTS = 8

#: ``kind`` → function(spec) → Attachment. Areas register the documents they attach.
ATTACHMENT_BUILDERS: dict[str, Callable[[dict[str, Any]], transport.Attachment]] = {}


def register_attachment(kind: str) -> Callable[[Callable[[dict[str, Any]], transport.Attachment]],
                                               Callable[[dict[str, Any]], transport.Attachment]]:
    def decorator(builder):  # type: ignore[no-untyped-def]
        ATTACHMENT_BUILDERS[kind] = builder
        return builder

    return decorator


def queue(to: str, subject: str, text: str, html: str | None = None,
          attachments: list[dict[str, Any]] | None = None) -> OutgoingMail:
    """Store a message to send (flushes; commits with the caller's transaction)."""
    mail = OutgoingMail(to=to, subject=subject, text=text, html=html,
                        attachments_spec=list(attachments or []), status=MailStatus.pending,
                        next_attempt_at=utcnow())
    db.session.add(mail)
    db.session.flush()
    return mail


def deliver(mail: OutgoingMail) -> bool:
    """Try to send one message now; records the outcome. Returns whether it was sent."""
    config = current_app.config
    mail.attempts += 1
    try:
        attachments = [ATTACHMENT_BUILDERS[spec["kind"]](spec) for spec in mail.attachments_spec]
        transport.send(
            transport.Message(to=mail.to, subject=mail.subject, text=mail.text, html=mail.html,
                              attachments=attachments),
            mail_url=config.get("MAIL_URL"), sender=config["MAIL_SENDER"],
            outbox_dir=config["OUTBOX_DIR"],
        )
    except (transport.MailError, KeyError, OSError) as exc:
        mail.last_error = str(exc)[:2000]
        if mail.attempts >= MAX_ATTEMPTS:
            mail.status = MailStatus.failed
        else:
            mail.next_attempt_at = utcnow() + timedelta(minutes=2 ** (mail.attempts - 1))
        current_app.logger.warning("Mail %s not sent (attempt %s): %s", mail.id, mail.attempts,
                                   mail.last_error)
        db.session.flush()
        return False
    mail.status = MailStatus.sent
    mail.sent_at = utcnow()
    mail.last_error = ""
    db.session.flush()
    return True


def retry_pending(*, limit: int = 200, ignore_backoff: bool = False) -> tuple[int, int]:
    """Send pending messages that are due; returns (sent, still pending or failed).

    Rows are claimed with ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so two hosts running this
    at once never send the same message twice.
    """
    query = sa.select(OutgoingMail).where(OutgoingMail.status == MailStatus.pending)
    if not ignore_backoff:
        query = query.where(OutgoingMail.next_attempt_at <= utcnow())
    query = query.order_by(OutgoingMail.id).limit(limit).with_for_update(skip_locked=True)
    sent = failed = 0
    for mail in db.session.scalars(query).all():
        if deliver(mail):
            sent += 1
        else:
            failed += 1
    return sent, failed
