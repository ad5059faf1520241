"""Survey responses (baseline and result), keyed by the pseudonymous participant code."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from jobbforum.models.base import Base, UTCDateTime, enum_type, utcnow


class SurveyKind(enum.Enum):
    #: *Baslinjeenkät*, at programme start.
    baseline = "baseline"
    #: *Resultatenkät*, at the end.
    result = "result"


class Employment(enum.Enum):
    none = "none"
    part_time = "part_time"
    full_time = "full_time"


class SurveyResponse(Base):
    """One person's answers to one survey. Anonymous: only the participant code links it."""

    __tablename__ = "survey_responses"
    __table_args__ = (
        sa.UniqueConstraint("participant_code", "kind"),
        sa.CheckConstraint("interviews >= 0", name="interviews_nonnegative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_code: Mapped[str] = mapped_column(sa.String(16))
    kind: Mapped[SurveyKind] = mapped_column(enum_type(SurveyKind, "survey_kind"))
    answered_on: Mapped[date] = mapped_column(sa.Date)
    employment: Mapped[Employment] = mapped_column(enum_type(Employment, "employment"))
    job_changed: Mapped[bool] = mapped_column(default=False)
    job_more_relevant: Mapped[bool] = mapped_column(default=False)
    internship: Mapped[bool] = mapped_column(default=False)
    relevant_education: Mapped[bool] = mapped_column(default=False)
    #: Job interviews in the survey's reference period.
    interviews: Mapped[int] = mapped_column(default=0)
    cv_improved: Mapped[bool] = mapped_column(default=False)
    network_expanded: Mapped[bool] = mapped_column(default=False)
    got_reference: Mapped[bool] = mapped_column(default=False)
    visited_workplace: Mapped[bool] = mapped_column(default=False)
    learned_education: Mapped[bool] = mapped_column(default=False)
    learned_social_codes: Mapped[bool] = mapped_column(default=False)
    improved_swedish: Mapped[bool] = mapped_column(default=False)
    improved_work_swedish: Mapped[bool] = mapped_column(default=False)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
