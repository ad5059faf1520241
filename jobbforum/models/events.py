"""Events (a Jobbforum, a kick-off, a workshop day) and programme rounds."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jobbforum.models.base import Base, TimestampMixin, UTCDateTime, enum_type

if TYPE_CHECKING:
    from jobbforum.models.tickets import Registration


class EventKind(enum.Enum):
    jobbforum = "jobbforum"
    kickoff = "kickoff"
    workshop_day = "workshop_day"
    other = "other"


class EventStatus(enum.Enum):
    #: Visible to staff only.
    draft = "draft"
    #: Public: people can see it and register while registration is open.
    published = "published"
    #: Over, or closed for good.
    closed = "closed"
    cancelled = "cancelled"


class County(enum.Enum):
    stockholm = "stockholm"
    uppsala = "uppsala"
    other = "other"


#: Which programme rounds an event is open to (participants and mentors pick one at sign-up).
event_rounds = sa.Table(
    "event_rounds",
    Base.metadata,
    sa.Column("event_id", sa.ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("round_id", sa.ForeignKey("programme_rounds.id", ondelete="CASCADE"), primary_key=True,
              index=True),
)


class ProgrammeRound(TimestampMixin, Base):
    """A programme round (*omgång*): ~50 participants matched with mentors for eight months."""

    __tablename__ = "programme_rounds"
    __table_args__ = (sa.CheckConstraint("ends_on >= starts_on", name="ends_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Short stable identifier used in URLs, the CLI and exports, e.g. ``ht2026-stockholm``.
    slug: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    county: Mapped[County] = mapped_column(enum_type(County, "county"))
    #: Term the round starts in, e.g. ``HT2026`` (autumn) or ``VT2027`` (spring).
    term: Mapped[str] = mapped_column(sa.String(16))
    starts_on: Mapped[date] = mapped_column(sa.Date)
    ends_on: Mapped[date] = mapped_column(sa.Date)

    events: Mapped[list[Event]] = relationship(secondary=event_rounds, back_populates="rounds")

    def __repr__(self) -> str:
        return f"<ProgrammeRound {self.slug}>"


class Event(TimestampMixin, Base):
    """Something people register for and check in to: a Jobbforum, a kick-off, a workshop day."""

    __tablename__ = "events"
    __table_args__ = (
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        sa.CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity_positive"),
        sa.CheckConstraint(
            "registration_closes_at IS NULL OR registration_opens_at IS NULL "
            "OR registration_closes_at > registration_opens_at",
            name="registration_window",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[EventKind] = mapped_column(enum_type(EventKind, "event_kind"))
    status: Mapped[EventStatus] = mapped_column(
        enum_type(EventStatus, "event_status"), default=EventStatus.draft
    )
    description: Mapped[str] = mapped_column(sa.Text, default="")
    venue: Mapped[str] = mapped_column(sa.String(200), default="")
    address: Mapped[str] = mapped_column(sa.String(300), default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: Maximum confirmed registrations; ``None`` means no limit. Later sign-ups go on a waiting list.
    capacity: Mapped[int | None] = mapped_column(sa.Integer, nullable=True)
    registration_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    registration_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    rounds: Mapped[list[ProgrammeRound]] = relationship(
        secondary=event_rounds, back_populates="events", order_by="ProgrammeRound.starts_on"
    )
    registrations: Mapped[list[Registration]] = relationship(
        back_populates="event", cascade="all, delete-orphan", passive_deletes=True
    )

    def registration_is_open(self, now: datetime) -> bool:
        """Whether people may register at ``now`` (published and inside the window)."""
        if self.status is not EventStatus.published:
            return False
        if self.registration_opens_at and now < self.registration_opens_at:
            return False
        closes = self.registration_closes_at or self.ends_at
        return now < closes

    def __repr__(self) -> str:
        return f"<Event {self.slug}>"
