"""Outgoing mail, kept until it is sent, so that a failed send never loses anything."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from jobbforum.models.base import Base, UTCDateTime, enum_type, utcnow


class MailStatus(enum.Enum):
    pending = "pending"
    sent = "sent"
    #: Gave up after too many attempts; staff see it.
    failed = "failed"


class OutgoingMail(Base):
    """A message waiting to be sent (or sent). Attachments are rebuilt from ``attachments_spec``
    when retrying, so no document with personal data is stored twice."""

    __tablename__ = "outgoing_mail"

    id: Mapped[int] = mapped_column(primary_key=True)
    to: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(300))
    text: Mapped[str] = mapped_column(sa.Text)
    html: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    #: How to rebuild attachments: ``[{"kind": "ticket_pdf", "registration_id": 3}]``.
    attachments_spec: Mapped[list[Any]] = mapped_column(sa.JSON, default=list)
    status: Mapped[MailStatus] = mapped_column(
        enum_type(MailStatus, "mail_status"), default=MailStatus.pending, index=True
    )
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
