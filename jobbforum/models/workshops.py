"""Rooms, workshop sessions (kick-off, workshops, mentor training) and bookings."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jobbforum.models.base import Base, TimestampMixin, UTCDateTime, enum_type, utcnow
from jobbforum.models.events import County

if TYPE_CHECKING:
    from jobbforum.models.events import ProgrammeRound
    from jobbforum.models.people import Person


class Theme(enum.Enum):
    kickoff = "kickoff"
    #: Workshop on job interviews (*anställningsintervjuer*).
    interview = "interview"
    #: Workshop on networking and LinkedIn.
    networking = "networking"
    mentor_training = "mentor_training"
    other = "other"


class Audience(enum.Enum):
    participants = "participants"
    mentors = "mentors"
    both = "both"


class Room(TimestampMixin, Base):
    """A room where sessions take place."""

    __tablename__ = "rooms"
    __table_args__ = (sa.CheckConstraint("capacity > 0", name="capacity_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    capacity: Mapped[int]
    county: Mapped[County] = mapped_column(enum_type(County, "county"))
    address: Mapped[str] = mapped_column(sa.String(300), default="")
    accessibility_notes: Mapped[str] = mapped_column(sa.Text, default="")


session_rounds = sa.Table(
    "session_rounds",
    Base.metadata,
    sa.Column(
        "session_id", sa.ForeignKey("workshop_sessions.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("round_id", sa.ForeignKey("programme_rounds.id", ondelete="CASCADE"), primary_key=True,
              index=True),
)


class WorkshopSession(TimestampMixin, Base):
    """One scheduled group meeting of a theme, serving one or more programme rounds."""

    __tablename__ = "workshop_sessions"
    __table_args__ = (
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        sa.CheckConstraint("capacity > 0", name="capacity_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    theme: Mapped[Theme] = mapped_column(enum_type(Theme, "theme"))
    title: Mapped[str] = mapped_column(sa.String(200), default="")
    room_id: Mapped[int] = mapped_column(sa.ForeignKey("rooms.id", ondelete="RESTRICT"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    capacity: Mapped[int]
    facilitator: Mapped[str] = mapped_column(sa.String(200), default="")
    #: E.g. "Interpretation to Arabic".
    language_support: Mapped[str] = mapped_column(sa.String(200), default="")
    audience: Mapped[Audience] = mapped_column(enum_type(Audience, "audience"), default=Audience.both)
    #: Bookings may be cancelled (by the person) until this time; ``None``: 24 hours before start.
    cancel_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    room: Mapped[Room] = relationship()
    rounds: Mapped[list[ProgrammeRound]] = relationship(secondary=session_rounds)
    bookings: Mapped[list[Booking]] = relationship(
        back_populates="session", cascade="all, delete-orphan", passive_deletes=True
    )


class BookingStatus(enum.Enum):
    booked = "booked"
    waitlisted = "waitlisted"
    cancelled = "cancelled"


class Booking(Base):
    """A person's seat (or place on the waiting list) in a workshop session."""

    __tablename__ = "bookings"
    __table_args__ = (sa.UniqueConstraint("session_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("workshop_sessions.id", ondelete="CASCADE")
    )
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"), index=True)
    status: Mapped[BookingStatus] = mapped_column(
        enum_type(BookingStatus, "booking_status"), default=BookingStatus.booked
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    #: Place in the session's queue, given under the session's row lock: the waiting list is
    #: served in this order. Increases with every booking or re-booking of the session.
    position: Mapped[int] = mapped_column(default=0, server_default="0")
    #: When a waitlisted booking got its seat (by a cancellation or a coordinator).
    promoted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    session: Mapped[WorkshopSession] = relationship(back_populates="bookings")
    person: Mapped[Person] = relationship()


class ThemeSetting(Base):
    """How people of one round get a session of one theme.

    Without a row, people book directly (first come, first served, with a waiting list).
    With ``collect_preferences`` they rank the sessions instead, and a coordinator assigns
    everyone at once (:mod:`jobbforum.services.workshop_assign`).
    """

    __tablename__ = "workshop_theme_settings"
    __table_args__ = (sa.UniqueConstraint("round_id", "theme"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        sa.ForeignKey("programme_rounds.id", ondelete="CASCADE")
    )
    theme: Mapped[Theme] = mapped_column(enum_type(Theme, "theme"))
    collect_preferences: Mapped[bool] = mapped_column(default=False)


class Preference(Base):
    """A person's ranking of one session (rank 1 is the first choice) for round-wide assignment."""

    __tablename__ = "workshop_preferences"
    __table_args__ = (
        sa.UniqueConstraint("person_id", "session_id"),
        sa.UniqueConstraint("person_id", "theme", "rank"),
        sa.CheckConstraint("rank >= 1", name="rank_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"))
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("workshop_sessions.id", ondelete="CASCADE"), index=True
    )
    #: Copied from the session so "one rank per theme" is a schema constraint.
    theme: Mapped[Theme] = mapped_column(enum_type(Theme, "theme"))
    rank: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    session: Mapped[WorkshopSession] = relationship()


class CalendarFeed(Base):
    """The secret that names a person's personal iCalendar feed (``/cal/<secret>.ics``).

    The secret is random (not derived from personal data) and can be replaced to cut off an old
    subscription.
    """

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(
        sa.ForeignKey("people.id", ondelete="CASCADE"), unique=True
    )
    secret: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
