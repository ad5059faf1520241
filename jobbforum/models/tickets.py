"""Registrations (a person at an event, in a role) and their QR tickets."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jobbforum.models.base import Base, TimestampMixin, UTCDateTime, enum_type, utcnow
from jobbforum.models.booths import BoothSharing

if TYPE_CHECKING:
    from jobbforum.models.events import Event
    from jobbforum.models.exhibitors import ExhibitorRegistration
    from jobbforum.models.people import Person


class Role(enum.Enum):
    """The role a person has at one event; printed on the badge."""

    participant = "participant"
    mentor = "mentor"
    visitor = "visitor"
    #: Booth staff of an exhibiting organisation.
    exhibitor = "exhibitor"


class RegistrationStatus(enum.Enum):
    confirmed = "confirmed"
    waitlisted = "waitlisted"
    cancelled = "cancelled"


class Registration(TimestampMixin, Base):
    """A person registered for an event in one role."""

    __tablename__ = "registrations"
    __table_args__ = (sa.UniqueConstraint("event_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(enum_type(Role, "registration_role"))
    status: Mapped[RegistrationStatus] = mapped_column(
        enum_type(RegistrationStatus, "registration_status"), default=RegistrationStatus.confirmed
    )
    #: For booth staff: the exhibitor they work for.
    exhibitor_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("exhibitor_registrations.id", ondelete="CASCADE"), index=True, nullable=True
    )
    #: When the person consented to the privacy text, and which version of it.
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    consent_version: Mapped[str | None] = mapped_column(sa.String(32), nullable=True)
    #: What a booth scan of this person's badge shares with the exhibitor (their choice).
    booth_sharing: Mapped[BoothSharing] = mapped_column(
        enum_type(BoothSharing, "booth_sharing"), default=BoothSharing.visit_only,
        server_default=BoothSharing.visit_only.value)

    event: Mapped[Event] = relationship(back_populates="registrations")
    person: Mapped[Person] = relationship(back_populates="registrations")
    exhibitor: Mapped[ExhibitorRegistration | None] = relationship()
    tickets: Mapped[list[Ticket]] = relationship(
        back_populates="registration",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Ticket.issued_at",
    )

    @property
    def active_ticket(self) -> Ticket | None:
        return next((t for t in self.tickets if t.status is TicketStatus.active), None)


class TicketStatus(enum.Enum):
    active = "active"
    #: Replaced or withdrawn; the code no longer admits anyone.
    revoked = "revoked"


class Ticket(Base):
    """The QR ticket of a registration. The QR code holds only ``code``: no personal data."""

    __tablename__ = "tickets"
    __table_args__ = (
        # At most one active ticket per registration, enforced by the database.
        sa.Index(
            "uq_tickets_one_active_per_registration",
            "registration_id",
            unique=True,
            postgresql_where=sa.text("status = 'active'"),
            sqlite_where=sa.text("status = 'active'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        sa.ForeignKey("registrations.id", ondelete="CASCADE"), index=True
    )
    #: ≥128 random bits, URL-safe base64; never derived from personal data.
    code: Mapped[str] = mapped_column(sa.String(64), unique=True)
    status: Mapped[TicketStatus] = mapped_column(
        enum_type(TicketStatus, "ticket_status"), default=TicketStatus.active
    )
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    registration: Mapped[Registration] = relationship(back_populates="tickets")
