"""Check-in lists, door devices and check-ins."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jobbforum.models.base import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from jobbforum.models.events import Event
    from jobbforum.models.tickets import Ticket

#: Name of the list every event has.
ENTRANCE = "entrance"


class CheckInList(Base):
    """A place where tickets are checked in: the event's entrance, a session's room door, …"""

    __tablename__ = "checkin_lists"
    __table_args__ = (sa.UniqueConstraint("event_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(sa.String(80))
    #: Registration roles this list admits, comma-separated (``participant,mentor``); empty: all.
    allowed_roles: Mapped[str] = mapped_column(sa.String(120), default="")
    #: Set when the list is the door of one workshop session.
    workshop_session_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("workshop_sessions.id", ondelete="CASCADE"), nullable=True, index=True
    )

    event: Mapped[Event] = relationship()

    def admits(self, role: str) -> bool:
        return roles_admit(self.allowed_roles, role)


def roles_admit(allowed_roles: str, role: str) -> bool:
    """Whether a list whose ``allowed_roles`` is this comma-separated text admits ``role``."""
    roles = {r for r in allowed_roles.split(",") if r}
    return not roles or role in roles


class Device(Base):
    """A shared door device (e.g. a tablet at the north door), authenticated by a bearer token."""

    __tablename__ = "devices"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), index=True)
    gate: Mapped[str] = mapped_column(sa.String(80))
    #: SHA-256 of the token; the token itself is shown once and never stored.
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    event: Mapped[Event] = relationship()


class CheckIn(Base):
    """One ticket checked in on one list. The schema allows exactly one per ticket and list."""

    __tablename__ = "checkins"
    __table_args__ = (sa.UniqueConstraint("ticket_id", "list_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("tickets.id", ondelete="CASCADE"))
    list_id: Mapped[int] = mapped_column(
        sa.ForeignKey("checkin_lists.id", ondelete="CASCADE"), index=True
    )
    #: When the server recorded it.
    checked_in_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: When the device scanned it (differs from ``checked_in_at`` for offline uploads).
    scanned_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    gate: Mapped[str] = mapped_column(sa.String(80), default="")
    device_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("devices.id", ondelete="SET NULL"), nullable=True
    )
    staff_user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("staff_users.id", ondelete="SET NULL"), nullable=True
    )
    #: The client's idempotency key: the same nonce always gets the same answer.
    nonce: Mapped[str | None] = mapped_column(sa.String(64), unique=True, nullable=True)
    #: Recorded with ``force`` (offline upload) although the ticket was revoked or already used.
    forced: Mapped[bool] = mapped_column(default=False)
    #: Needs a look from staff.
    flagged: Mapped[bool] = mapped_column(default=False)

    ticket: Mapped[Ticket] = relationship()
    list: Mapped[CheckInList] = relationship()


class Scan(Base):
    """A scan received by the check-in API with a client nonce that did not simply check a
    ticket in, and the answer it got: unknown codes, revoked tickets, wrong event, not allowed,
    already checked in, forced check-ins to review, and check-ins undone since.

    A scan that checked a ticket in with nothing to flag is recorded once, as its
    :class:`CheckIn` (which keeps the nonce, time, gate and device or staff member). The nonce
    makes retries idempotent (the same nonce is answered from ``answer``, or from its check-in,
    never recorded twice), and the rows are the door's log: forced uploads of revoked or
    already-used tickets are kept here with ``flagged`` for staff review.
    """

    __tablename__ = "checkin_scans"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), index=True)
    list_id: Mapped[int] = mapped_column(
        sa.ForeignKey("checkin_lists.id", ondelete="CASCADE"), index=True
    )
    #: The client's idempotency key (a UUID the scanner makes per scan).
    nonce: Mapped[str] = mapped_column(sa.String(64), unique=True)
    #: The ticket the scanned text matched, if any.
    ticket_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("tickets.id", ondelete="CASCADE"), nullable=True, index=True
    )
    #: The check-in this scan created (``None`` if it created none, or it was undone).
    checkin_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("checkins.id", ondelete="SET NULL"), nullable=True, index=True
    )
    #: ``ok``, ``already_checked_in``, ``unknown_code``, ``revoked``, ``wrong_event``, ``not_allowed``.
    status: Mapped[str] = mapped_column(sa.String(32))
    #: The JSON answer given, returned as-is to a retry with the same nonce.
    answer: Mapped[dict] = mapped_column(sa.JSON)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    scanned_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    gate: Mapped[str] = mapped_column(sa.String(80), default="")
    device_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("devices.id", ondelete="SET NULL"), nullable=True
    )
    staff_user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("staff_users.id", ondelete="SET NULL"), nullable=True
    )
    forced: Mapped[bool] = mapped_column(default=False)
    #: Needs a look from staff (a forced upload of a revoked or already-used ticket).
    flagged: Mapped[bool] = mapped_column(default=False)

    ticket: Mapped[Ticket | None] = relationship()
