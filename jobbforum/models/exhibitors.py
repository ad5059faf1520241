"""Organisations and their exhibitor registrations for events."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jobbforum.models.base import Base, TimestampMixin, UTCDateTime, enum_type

if TYPE_CHECKING:
    from jobbforum.models.events import Event
    from jobbforum.models.tickets import Registration


class OrganisationType(enum.Enum):
    recruitment_company = "recruitment_company"
    staffing_company = "staffing_company"
    hr_consultancy = "hr_consultancy"
    trade_union = "trade_union"
    university = "university"
    government_agency = "government_agency"
    municipality = "municipality"
    employer = "employer"
    non_profit = "non_profit"
    other = "other"


class ExhibitorStatus(enum.Enum):
    pending = "pending"
    approved = "approved"
    declined = "declined"
    waitlisted = "waitlisted"
    withdrawn = "withdrawn"


class Organisation(TimestampMixin, Base):
    """An organisation that exhibits (or partners) with the programme, across events."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    #: Lower-cased name without punctuation or legal suffixes; identifies organisations without
    #: an organisation number.
    normalised_name: Mapped[str] = mapped_column(sa.String(200), index=True)
    #: Swedish organisation number ``NNNNNN-NNNN`` (Luhn-checked); empty for foreign organisations.
    org_number: Mapped[str | None] = mapped_column(sa.String(11), unique=True, nullable=True)
    type: Mapped[OrganisationType] = mapped_column(enum_type(OrganisationType, "organisation_type"))
    website: Mapped[str] = mapped_column(sa.String(300), default="")


class Sector(Base):
    """A labour-market sector exhibitors choose from (a list staff can edit)."""

    __tablename__ = "sectors"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name_sv: Mapped[str] = mapped_column(sa.String(120))
    name_en: Mapped[str] = mapped_column(sa.String(120))
    active: Mapped[bool] = mapped_column(default=True)


exhibitor_sectors = sa.Table(
    "exhibitor_sectors",
    Base.metadata,
    sa.Column(
        "exhibitor_id",
        sa.ForeignKey("exhibitor_registrations.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("sector_id", sa.ForeignKey("sectors.id", ondelete="CASCADE"), primary_key=True,
              index=True),
)


class ExhibitorRegistration(TimestampMixin, Base):
    """An organisation's registration to exhibit at one event."""

    __tablename__ = "exhibitor_registrations"
    __table_args__ = (
        sa.UniqueConstraint("event_id", "organisation_id"),
        #: A booth label is used by at most one exhibitor per event (NULLs: not yet assigned).
        sa.UniqueConstraint("event_id", "booth_label"),
        sa.CheckConstraint("booth_staff_count >= 0", name="booth_staff_nonnegative"),
        #: The public list filters approved exhibitors of one event.
        sa.Index("ix_exhibitor_registrations_event_status", "event_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[ExhibitorStatus] = mapped_column(
        enum_type(ExhibitorStatus, "exhibitor_status"), default=ExhibitorStatus.pending
    )
    description_sv: Mapped[str] = mapped_column(sa.Text, default="")
    description_en: Mapped[str] = mapped_column(sa.Text, default="")
    #: What they offer at the booth: list of offer keys (``jobs``, ``internships``, …).
    offers: Mapped[list[Any]] = mapped_column(sa.JSON, default=list)
    #: Languages spoken at the booth: list of language codes (``sv``, ``ar``, …).
    languages: Mapped[list[Any]] = mapped_column(sa.JSON, default=list)
    #: Booth needs: list of keys (``table``, ``power``, ``screen``).
    needs: Mapped[list[Any]] = mapped_column(sa.JSON, default=list)
    contact_name: Mapped[str] = mapped_column(sa.String(200))
    contact_email: Mapped[str] = mapped_column(sa.String(254))
    contact_phone: Mapped[str] = mapped_column(sa.String(32), default="")
    #: Language of emails to the contact person (the interface language they registered in).
    contact_language: Mapped[str] = mapped_column(sa.String(8), default="sv", server_default="sv")
    booth_staff_count: Mapped[int] = mapped_column(default=1)
    #: Server-generated file name of the re-encoded logo under the upload directory.
    logo_filename: Mapped[str | None] = mapped_column(sa.String(80), nullable=True)
    booth_label: Mapped[str | None] = mapped_column(sa.String(32), nullable=True)
    #: Staff-only notes.
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    decline_reason: Mapped[str] = mapped_column(sa.Text, default="")
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    consent_version: Mapped[str | None] = mapped_column(sa.String(32), nullable=True)

    event: Mapped[Event] = relationship()
    organisation: Mapped[Organisation] = relationship()
    sectors: Mapped[list[Sector]] = relationship(secondary=exhibitor_sectors, order_by="Sector.name_sv")
    #: Booth staff: people registered for the event in the ``exhibitor`` role for this exhibitor.
    booth_staff: Mapped[list[Registration]] = relationship(
        viewonly=True, order_by="Registration.id", overlaps="exhibitor")


class ExhibitorSettings(Base):
    """Per-event exhibitor settings (kept apart from :class:`Event`, which other areas own)."""

    __tablename__ = "exhibitor_settings"
    __table_args__ = (
        sa.CheckConstraint("booth_capacity IS NULL OR booth_capacity > 0", name="booth_capacity_positive"),
    )

    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)
    #: How many exhibitors can be approved (booths available); ``None`` means no limit.
    booth_capacity: Mapped[int | None] = mapped_column(sa.Integer, nullable=True)
