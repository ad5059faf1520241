"""The indicator table from the database: survey responses joined with attendance.

The web page, the CLI and the export all call :func:`indicator_table`; it feeds
:func:`jobbforum.services.indicators.compute_indicators` (the one implementation of the
definitions) with one :class:`PersonRecord` per participant. Participants are the people whose
attendance row (:func:`jobbforum.services.attendance.attendance_rows`) has the role
``participant``; their groups come from that same row, so "attended the interview workshop" means
the same thing in the export and in the indicators.
"""

from __future__ import annotations

from collections.abc import Sequence

from jobbforum.models import StaffUser, SurveyKind
from jobbforum.services import audit
from jobbforum.services.attendance import attendance_dicts
from jobbforum.services.indicators import (
    DEFAULT_SUPPRESS_BELOW,
    IndicatorRow,
    PersonRecord,
    compute_indicators,
)
from jobbforum.services.surveys import responses_by_code

#: ``--by`` dimension → the attendance column it reads.
GROUPINGS: dict[str, str] = {
    "gender": "gender",
    "round": "round",
    "county": "county",
    "attended_interview_workshop": "interview_workshop_attended",
    "attended_networking_workshop": "networking_workshop_attended",
    "attended_jobbforum": "jobbforum_attended",
}


def person_records(rounds: Sequence[str] = ()) -> list[PersonRecord]:
    """One record per participant (of *rounds*, or all) with groups and survey responses."""
    responses = responses_by_code()
    records = []
    for row in attendance_dicts(rounds=rounds):
        if row["role"] != "participant":
            continue
        code = str(row["participant_code"])
        answers = responses.get(code, {})
        groups = {by: "" if row[column] is None else str(row[column])
                  for by, column in GROUPINGS.items()}
        records.append(PersonRecord(participant_code=code, groups=groups,
                                    baseline=answers.get(SurveyKind.baseline),
                                    result=answers.get(SurveyKind.result)))
    return records


def indicator_table(rounds: Sequence[str] = (), by: str | None = None,
                    suppress_below: int = DEFAULT_SUPPRESS_BELOW) -> list[IndicatorRow]:
    """The indicator rows (``all`` first, then per group of *by*) for *rounds* (or all)."""
    if by is not None and by not in GROUPINGS:
        raise ValueError(f"unknown grouping {by!r}; expected one of {', '.join(GROUPINGS)}")
    return compute_indicators(person_records(rounds), by=by, suppress_below=suppress_below)


def record_export(what: str, *, rows: int, fmt: str, actor: StaffUser | None = None,
                  actor_label: str = "", **details: object) -> None:
    """Audit an export: who (actor), when (now), what, in which format and how many rows."""
    audit.record(f"export.{what}", actor=actor, actor_label=actor_label,
                 details={"format": fmt, "rows": rows,
                          **{k: v for k, v in details.items() if v not in (None, (), [])}})
