"""People: participants, mentors and visitors, across events."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jobbforum.models.base import Base, TimestampMixin, enum_type

if TYPE_CHECKING:
    from jobbforum.models.events import ProgrammeRound
    from jobbforum.models.tickets import Registration


class Gender(enum.Enum):
    """Optional; the programme reports outcomes for women and men separately."""

    woman = "woman"
    man = "man"
    other = "other"
    #: The person chose "prefer not to say".
    undisclosed = "undisclosed"


class Person(TimestampMixin, Base):
    """A person who takes part: the same person across events, keyed by ``participant_code``.

    Holds the minimum personal data the programme needs. Exports and surveys use only the
    pseudonymous ``participant_code``; names, emails and phones never leave the system.
    """

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Pseudonymous, stable, human-typable code (Crockford base32 + check character). The surveys
    #: and every export use it instead of the name.
    participant_code: Mapped[str] = mapped_column(sa.String(16), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    email: Mapped[str | None] = mapped_column(sa.String(254), index=True, nullable=True)
    phone: Mapped[str | None] = mapped_column(sa.String(32), nullable=True)
    #: Interface and email language (a code from ``LANGUAGES``).
    preferred_language: Mapped[str] = mapped_column(sa.String(8), default="sv")
    gender: Mapped[Gender | None] = mapped_column(enum_type(Gender, "gender"), nullable=True)
    #: The programme round the person belongs to (participants and mentors).
    round_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("programme_rounds.id", ondelete="SET NULL"), index=True, nullable=True
    )

    round: Mapped[ProgrammeRound | None] = relationship()
    registrations: Mapped[list[Registration]] = relationship(
        back_populates="person", cascade="all, delete-orphan", passive_deletes=True
    )

    def __repr__(self) -> str:
        return f"<Person {self.participant_code}>"
