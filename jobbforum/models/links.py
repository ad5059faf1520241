"""Private links: signed, expiring, revocable links sent by email (ticket page, exhibitor edit page)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from jobbforum.models.base import Base, UTCDateTime, utcnow


class PrivateLink(Base):
    """One issued private link. The token in the URL is signed and names this row; revoking or
    expiring the row ends the link even though the signature is still valid."""

    __tablename__ = "private_links"
    __table_args__ = (sa.Index("ix_private_links_subject", "purpose", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: What the link opens, e.g. ``ticket`` (a registration) or ``exhibitor``.
    purpose: Mapped[str] = mapped_column(sa.String(32))
    #: The id of the registration / exhibitor registration / person the link opens.
    subject_id: Mapped[int]
    #: Random part of the token, so two links for the same subject differ.
    nonce: Mapped[str] = mapped_column(sa.String(32), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
