"""Booth visits: an exhibitor's booth staff scan a participant's badge, with the participant's consent."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jobbforum.models.base import Base, UTCDateTime, enum_type, utcnow

if TYPE_CHECKING:
    from jobbforum.models.exhibitors import ExhibitorRegistration
    from jobbforum.models.tickets import Registration


class BoothSharing(enum.Enum):
    """What a booth scan shares with the exhibitor; chosen by the participant per registration."""

    #: Nothing but the fact of a visit (the default): the exhibitor sees an anonymous visit.
    visit_only = "visit_only"
    #: Also name and email.
    contact = "contact"
    #: Also name, email and phone.
    contact_phone = "contact_phone"


class BoothVisit(Base):
    """One registration's visit to one exhibitor's booth (a second scan updates it).

    The *personal part* (``shared_name``, ``shared_email``, ``shared_phone``) is copied at scan time
    as far as the participant's sharing level allows, so that the exhibitor's copy is exactly what
    was shared. Withdrawal or a lower sharing level empties it at once; the retention purge empties
    it (and the note) physically after the deadline. The rest — which exhibitor, when — stays for
    the statistics.
    """

    __tablename__ = "booth_visits"
    __table_args__ = (sa.UniqueConstraint("exhibitor_id", "registration_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    exhibitor_id: Mapped[int] = mapped_column(
        sa.ForeignKey("exhibitor_registrations.id", ondelete="CASCADE"))
    registration_id: Mapped[int] = mapped_column(
        sa.ForeignKey("registrations.id", ondelete="CASCADE"), index=True)
    first_scanned_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    scanned_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    scan_count: Mapped[int] = mapped_column(default=1)
    #: The booth staff member (their ``exhibitor`` registration) who scanned last, if they said.
    scanned_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("registrations.id", ondelete="SET NULL"), nullable=True, index=True)
    #: Booth staff's short note (purged with the personal part: it may describe the person).
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    #: Tag keys from :data:`jobbforum.services.booths.TAGS`.
    tags: Mapped[list[Any]] = mapped_column(sa.JSON, default=list)
    #: The sharing level at the last scan (after any later lowering or withdrawal).
    shared_level: Mapped[BoothSharing] = mapped_column(
        enum_type(BoothSharing, "booth_sharing"), default=BoothSharing.visit_only)
    shared_name: Mapped[str | None] = mapped_column(sa.String(200), nullable=True)
    shared_email: Mapped[str | None] = mapped_column(sa.String(254), nullable=True)
    shared_phone: Mapped[str | None] = mapped_column(sa.String(32), nullable=True)
    #: The participant withdrew sharing with this exhibitor: later scans share nothing either.
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    #: The retention deadline passed and the personal part was removed.
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    exhibitor: Mapped[ExhibitorRegistration] = relationship()
    registration: Mapped[Registration] = relationship(foreign_keys=[registration_id])
    scanned_by: Mapped[Registration | None] = relationship(foreign_keys=[scanned_by_id])
