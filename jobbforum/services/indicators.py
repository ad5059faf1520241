"""The programme's outcome indicators: the one implementation behind the web page, CLI and export.

Sources: the issue's definitions; ``/work/shared/BRIEF.md`` ("The indicator data"); the project
report *Jobbsteget Tillsammans 2023–2025*, "Primära utfall", footnotes * (fått arbete) and **
(mätbara steg mot arbete). Each participant answers a baseline survey at programme start and a
result survey at the end; the two are linked by the pseudonymous ``participant_code``.

Definitions, per person in the *matched sample* (both a baseline and a result response):

**got_work** (fått arbete) if any of
  1. baseline ``employment`` is ``none`` and result ``employment`` is ``part_time`` or
     ``full_time`` (no work at start, work at the end);
  2. baseline ``employment`` is ``part_time`` and result ``employment`` is ``full_time``;
  3. result ``job_changed`` = 1 (changed job during the programme).

**measurable_steps** (mätbara steg mot arbete), only for those *without* got_work (the report
counts steps "in addition to", never overlapping, those who got work), if any of
  1. result ``internship`` = 1;
  2. result ``relevant_education`` = 1;
  3. result ``interviews`` − baseline ``interviews`` ≥ 2 (at least two more job interviews in the
     reference period);
  4. at least 5 of the 8 smaller steps are 1 in the result survey: ``cv_improved``,
     ``network_expanded``, ``got_reference``, ``visited_workplace``, ``learned_education``,
     ``learned_social_codes``, ``improved_swedish``, ``improved_work_swedish``.

**work_or_steps** = got_work or measurable_steps (programme goal 90 %, :data:`GOALS`);
**network_expanded** = result ``network_expanded`` = 1 (programme goal 80 %).

``job_more_relevant`` is deliberately *not* a clause of got_work. The report's second bullet is
"att ha bytt jobb under programmet och därigenom gått från deltids- till heltidsarbete eller till
ett mer relevant arbete": moving to a more relevant job presupposes *changing job*, which clause 3
already counts, whatever the new job is like. Adding ``job_more_relevant`` as a clause of its own
would change the result only for answers that say "more relevant job" without "changed job" —
which neither the issue nor the report counts as getting work. The column is parsed and kept on
:class:`~jobbforum.services.surveys_parse.SurveyRow` for descriptive analysis (the report looks
closer at who changed job and whether for the better).

Note that clause 2 follows the issue: part-time → full-time counts also without a change of job
(e.g. more hours with the same employer); the report phrases it as part of a job change.

Percentages are of ``n`` (the matched sample), rounded half up to one decimal; see
:func:`compute_indicators` for grouping and small-count suppression.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from fractions import Fraction

from jobbforum.services.surveys_parse import Employment, SurveyRow

__all__ = [
    "ALL_GROUP",
    "COUNT_COLUMNS",
    "DEFAULT_SUPPRESS_BELOW",
    "GOALS",
    "INDICATOR_COLUMNS",
    "PERCENT_COLUMNS",
    "UNKNOWN_GROUP",
    "IndicatorRow",
    "PersonOutcome",
    "PersonRecord",
    "compute_indicators",
    "evaluate",
    "percentage",
]

#: Programme goals, in per cent of the matched sample.
GOALS: dict[str, float] = {"work_or_steps": 90.0, "network_expanded": 80.0}

#: "At least two more job interviews" than at baseline.
MIN_MORE_INTERVIEWS = 2
#: "At least five of the eight smaller steps."
MIN_SMALL_STEPS = 5
#: Counts from 1 to this − 1 are suppressed unless the caller chooses otherwise.
DEFAULT_SUPPRESS_BELOW = 5

#: ``group`` of the first row, over everybody.
ALL_GROUP = "all"
#: ``group`` of people whose grouping value is missing or empty.
UNKNOWN_GROUP = "unknown"

# Why a person counts as got_work (PersonOutcome.got_work_reasons), in clause order.
STARTED_WORK = "started_work"
PART_TIME_TO_FULL_TIME = "part_time_to_full_time"
CHANGED_JOB = "changed_job"
# Which measurable-steps clauses the result survey meets (PersonOutcome.step_reasons).
INTERNSHIP = "internship"
RELEVANT_EDUCATION = "relevant_education"
MORE_INTERVIEWS = "more_interviews"
SMALL_STEPS = "small_steps"

_HAS_WORK = (Employment.PART_TIME, Employment.FULL_TIME)


@dataclass(frozen=True)
class PersonOutcome:
    """The indicators of one person in the matched sample."""

    participant_code: str
    got_work: bool
    #: Only ever true when ``got_work`` is false.
    measurable_steps: bool
    work_or_steps: bool
    network_expanded: bool
    #: The got_work clauses met (:data:`STARTED_WORK`, :data:`PART_TIME_TO_FULL_TIME`,
    #: :data:`CHANGED_JOB`); empty when ``got_work`` is false.
    got_work_reasons: tuple[str, ...]
    #: The measurable-steps clauses met by the answers (:data:`INTERNSHIP`,
    #: :data:`RELEVANT_EDUCATION`, :data:`MORE_INTERVIEWS`, :data:`SMALL_STEPS`). Filled also for
    #: people who got work, for analysis, although ``measurable_steps`` is then false.
    step_reasons: tuple[str, ...]
    #: Result interviews minus baseline interviews (may be negative).
    interview_increase: int
    #: How many of the eight smaller steps the result survey has.
    small_steps: int


def evaluate(baseline: SurveyRow | None, result: SurveyRow | None) -> PersonOutcome | None:
    """Apply the definitions (module docstring) to one person's two responses.

    Returns ``None`` unless both responses exist: a person outside the matched sample has no
    outcome. Raises ``ValueError`` when the two responses belong to different participants.
    """
    if baseline is None or result is None:
        return None
    if baseline.participant_code != result.participant_code:
        raise ValueError(
            f"baseline {baseline.participant_code!r} and result {result.participant_code!r} "
            "belong to different participants"
        )

    work: list[str] = []
    if baseline.employment == Employment.NONE and result.employment in _HAS_WORK:
        work.append(STARTED_WORK)
    if baseline.employment == Employment.PART_TIME and result.employment == Employment.FULL_TIME:
        work.append(PART_TIME_TO_FULL_TIME)
    if result.job_changed:
        work.append(CHANGED_JOB)

    interview_increase = result.interviews - baseline.interviews
    small_steps = result.small_steps
    steps: list[str] = []
    if result.internship:
        steps.append(INTERNSHIP)
    if result.relevant_education:
        steps.append(RELEVANT_EDUCATION)
    if interview_increase >= MIN_MORE_INTERVIEWS:
        steps.append(MORE_INTERVIEWS)
    if small_steps >= MIN_SMALL_STEPS:
        steps.append(SMALL_STEPS)

    got_work = bool(work)
    measurable_steps = not got_work and bool(steps)
    return PersonOutcome(
        participant_code=result.participant_code,
        got_work=got_work,
        measurable_steps=measurable_steps,
        work_or_steps=got_work or measurable_steps,
        network_expanded=bool(result.network_expanded),
        got_work_reasons=tuple(work),
        step_reasons=tuple(steps),
        interview_increase=interview_increase,
        small_steps=small_steps,
    )


@dataclass(frozen=True)
class PersonRecord:
    """A participant with their grouping values and whichever survey responses exist."""

    participant_code: str
    #: Grouping values by dimension, e.g. ``{"gender": "woman", "round": "VT26-STH",
    #: "county": "stockholm", "attended_interview_workshop": "1"}``.
    groups: Mapping[str, str] = field(default_factory=dict)
    baseline: SurveyRow | None = None
    result: SurveyRow | None = None


@dataclass(frozen=True)
class IndicatorRow:
    """Indicators of one group. ``None`` = suppressed (a small count) or undefined (``n`` = 0).

    Field order is the column order of every table and export (:data:`INDICATOR_COLUMNS`).
    """

    group: str
    #: People in the group.
    participants: int | None
    #: Of those, with a baseline response.
    baseline_responses: int | None
    #: Of those, with a result response.
    result_responses: int | None
    #: The matched sample: with both responses. The denominator of every percentage.
    n: int | None
    got_work: int | None
    measurable_steps: int | None
    work_or_steps: int | None
    network_expanded: int | None
    got_work_pct: float | None
    measurable_steps_pct: float | None
    work_or_steps_pct: float | None
    network_expanded_pct: float | None

    def as_dict(self) -> dict[str, str | int | float | None]:
        """The row as a JSON-ready dict in :data:`INDICATOR_COLUMNS` order.

        For CSV, pass the values to the project's safe CSV writer (formula injection: ``group``
        comes from user data).
        """
        return {name: getattr(self, name) for name in INDICATOR_COLUMNS}


#: Column names of :class:`IndicatorRow`, in order.
INDICATOR_COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(IndicatorRow))
#: The count columns (everything between ``group`` and the percentages).
COUNT_COLUMNS: tuple[str, ...] = INDICATOR_COLUMNS[1:9]
#: Each percentage column and the count it is the share of (always of ``n``).
PERCENT_COLUMNS: dict[str, str] = {
    "got_work_pct": "got_work",
    "measurable_steps_pct": "measurable_steps",
    "work_or_steps_pct": "work_or_steps",
    "network_expanded_pct": "network_expanded",
}
_OUTCOME_COLUMNS = tuple(PERCENT_COLUMNS.values())
#: work_or_steps = got_work + measurable_steps in every row (the two are disjoint).
_ADDITIVE_COLUMNS = ("got_work", "measurable_steps", "work_or_steps")


def percentage(count: int, n: int) -> float | None:
    """``count`` as a percentage of ``n``, rounded half up to one decimal; ``None`` if n = 0.

    Exact (no float rounding artefacts): 1 of 16 is 6.3, not Python's ``round(6.25, 1)`` = 6.2.
    """
    if n <= 0:
        return None
    tenths = math.floor(Fraction(1000 * count, n) + Fraction(1, 2))
    return tenths / 10


def compute_indicators(
    people: Iterable[PersonRecord],
    *,
    by: str | None = None,
    suppress_below: int = DEFAULT_SUPPRESS_BELOW,
) -> list[IndicatorRow]:
    """Count the indicators for everybody and, if *by* is given, per value of ``groups[by]``.

    Returns the row ``group="all"`` first, then one row per value of ``groups[by]`` in sorted
    order, with :data:`UNKNOWN_GROUP` (missing or blank value; values are trimmed) last. Every
    person is counted in ``participants``; those with a baseline / result response in
    ``baseline_responses`` / ``result_responses``; only the matched sample (both) in ``n`` and in
    the outcome counts. Raises ``ValueError`` if a participant code occurs twice in *people* or
    *suppress_below* is negative.

    **Suppression** (K = *suppress_below*; K ≤ 1 turns it off), so that a published table does
    not single out a few people of a vulnerable group:

    1. *Primary*: every count c with 0 < c < K becomes ``None``. Zero is shown: it says nobody in
       the group has the attribute and identifies no one —
    2. — except in a group whose ``n`` is suppressed: there all four outcome counts are
       suppressed, zeros included ("0 of fewer than K got work" would disclose each of them).
    3. *Secondary* (complementary), so that no suppressed count can be recovered by one
       subtraction from the published ones. The table has two additive identities:
       ``work_or_steps = got_work + measurable_steps`` in every row, and, per count column,
       ``all = sum of the group rows`` (each person is in exactly one group). Wherever exactly
       one cell of such an identity is suppressed, the smallest positive published cell of the
       same identity is suppressed too (a zero only if nothing else is left); repeated until no
       identity has exactly one suppressed cell.
    4. A percentage is ``None`` when its count or ``n`` is suppressed (from a percentage and
       ``n`` the count follows), and when ``n`` = 0.

    This protects one table. Comparing tables of different groupings (e.g. by gender and by
    county) or of successive uploads can still narrow suppressed cells down; publish few cuts.
    """
    if suppress_below < 0:
        raise ValueError("suppress_below must be 0 or more")
    records = list(people)
    codes = Counter(person.participant_code for person in records)
    duplicates = [code for code, count in codes.items() if count > 1]
    if duplicates:
        raise ValueError(f"participant codes occur more than once: {', '.join(sorted(duplicates))}")

    group_names = [ALL_GROUP]
    table = [_count(records)]
    if by is not None:
        by_group: dict[str, list[PersonRecord]] = {}
        for person in records:
            by_group.setdefault(_group_value(person, by), []).append(person)
        for name in sorted(by_group, key=lambda name: (name == UNKNOWN_GROUP, name)):
            group_names.append(name)
            table.append(_count(by_group[name]))

    hidden = _suppress(table, suppress_below)
    rows: list[IndicatorRow] = []
    for name, counts, hide in zip(group_names, table, hidden, strict=True):
        shown: dict[str, int | None] = {c: (None if c in hide else counts[c]) for c in COUNT_COLUMNS}
        percentages = {
            pct: (
                None
                if count in hide or "n" in hide
                else percentage(counts[count], counts["n"])
            )
            for pct, count in PERCENT_COLUMNS.items()
        }
        rows.append(IndicatorRow(group=name, **shown, **percentages))
    return rows


def _group_value(person: PersonRecord, by: str) -> str:
    value = person.groups.get(by)
    text = "" if value is None else str(value).strip()
    return text or UNKNOWN_GROUP


def _count(people: list[PersonRecord]) -> dict[str, int]:
    counts = dict.fromkeys(COUNT_COLUMNS, 0)
    for person in people:
        counts["participants"] += 1
        counts["baseline_responses"] += person.baseline is not None
        counts["result_responses"] += person.result is not None
        outcome = evaluate(person.baseline, person.result)
        if outcome is None:
            continue
        counts["n"] += 1
        for column in _OUTCOME_COLUMNS:
            counts[column] += getattr(outcome, column)
    return counts


def _suppress(table: list[dict[str, int]], k: int) -> list[set[str]]:
    """The suppressed count columns of each row of *table* (rules in :func:`compute_indicators`)."""
    hidden: list[set[str]] = [set() for _ in table]
    if k <= 1:
        return hidden
    for counts, hide in zip(table, hidden):
        hide.update(column for column in COUNT_COLUMNS if 0 < counts[column] < k)
        if "n" in hide:
            hide.update(_OUTCOME_COLUMNS)

    identities: list[list[tuple[int, str]]] = [
        [(row, column) for column in _ADDITIVE_COLUMNS] for row in range(len(table))
    ]
    if len(table) > 1:
        identities += [[(row, column) for row in range(len(table))] for column in COUNT_COLUMNS]

    changed = True
    while changed:
        changed = False
        for cells in identities:
            suppressed = [cell for cell in cells if cell[1] in hidden[cell[0]]]
            if len(suppressed) != 1:
                continue
            published = [cell for cell in cells if cell[1] not in hidden[cell[0]]]
            # Smallest positive first, zeros last; ties by position.
            row, column = min(
                published,
                key=lambda cell: (table[cell[0]][cell[1]] == 0, table[cell[0]][cell[1]]),
            )
            hidden[row].add(column)
            changed = True
    return hidden
