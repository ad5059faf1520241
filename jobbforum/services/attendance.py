"""Attendance per person and programme round, keyed by the pseudonymous participant code.

This is what the programme adds to the survey-based indicator data: who registered for and came to
a Jobbforum, the kick-off, each workshop and the mentor training. :func:`attendance_rows` is the one
place that derives it; the export (CLI and web), the indicator groups (``attended_*``) and the demo
all read it from here.

Rows never contain a name, email or phone number: only :data:`ATTENDANCE_COLUMNS`.

Who gets a row
    Every person who belongs to a programme round (``Person.round``: participants and mentors),
    and every person with a registration as participant, mentor or visitor. Booth staff of
    exhibitors (registrations only in the role ``exhibitor``) are not in the programme and get no
    row. A person belongs to at most one round, so "one row per person and round" is one row per
    person; people without a round (visitors) have empty ``round`` and ``county``.

``role``
    The person's role in the programme: from their registrations (not cancelled), by priority
    participant > mentor > visitor; a round member without such registrations is a participant.

Applicability (empty cell = not applicable for the role, never "0")
    ==========================  =============  ==========  ==========
    column                      participant    mentor      visitor
    ==========================  =============  ==========  ==========
    jobbforum_registered        1/0            1/0         1/0
    jobbforum_attended          1/0            1/0         1/0
    kickoff_attended            1/0            1/0         empty
    interview_workshop_att.     1/0            empty       empty
    networking_workshop_att.    1/0            empty       empty
    mentor_training_attended    empty          1/0         empty
    sessions_attended           count          count       count
    booth_visits                count          count       count
    ==========================  =============  ==========  ==========

Definitions
    * ``jobbforum_registered``: a confirmed registration for an event of kind ``jobbforum``.
    * ``jobbforum_attended``: a check-in on the ``entrance`` list of an event of kind
      ``jobbforum``, for a ticket of one of the person's registrations.
    * ``<theme>_attended``: a check-in on the door list of a workshop session of that theme
      (:attr:`CheckInList.workshop_session_id`), for a ticket of the person.
    * ``sessions_attended``: distinct workshop sessions (any theme) with such a check-in.
    * ``booth_visits``: from :func:`booth_visit_counts`.

Filters: ``rounds`` keeps the people of those rounds (slugs); ``date_from``/``date_to`` (dates in
the programme's time zone, both inclusive) restrict the events and sessions counted.

Performance: a fixed number of set-based queries whatever the number of people (no N+1), and
rows are yielded one at a time from the people query.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from jobbforum.extensions import db
from jobbforum.models import (
    ENTRANCE,
    CheckIn,
    CheckInList,
    Event,
    EventKind,
    Person,
    ProgrammeRound,
    Registration,
    RegistrationStatus,
    Role,
    Theme,
    Ticket,
    WorkshopSession,
)
from jobbforum.services.errors import N_, NotFound
from jobbforum.timeutil import local_to_utc

#: The export's columns, in order.
ATTENDANCE_COLUMNS: tuple[str, ...] = (
    "participant_code",
    "round",
    "county",
    "role",
    "gender",
    "jobbforum_registered",
    "jobbforum_attended",
    "kickoff_attended",
    "interview_workshop_attended",
    "networking_workshop_attended",
    "mentor_training_attended",
    "sessions_attended",
    "booth_visits",
)

#: The boolean session columns and the theme whose door list they count.
THEME_COLUMNS: dict[str, Theme] = {
    "kickoff_attended": Theme.kickoff,
    "interview_workshop_attended": Theme.interview,
    "networking_workshop_attended": Theme.networking,
    "mentor_training_attended": Theme.mentor_training,
}

#: Which boolean columns apply to which role (the rest are empty for that role).
APPLICABLE: dict[str, frozenset[str]] = {
    Role.participant.value: frozenset({
        "jobbforum_registered", "jobbforum_attended", "kickoff_attended",
        "interview_workshop_attended", "networking_workshop_attended"}),
    Role.mentor.value: frozenset({
        "jobbforum_registered", "jobbforum_attended", "kickoff_attended",
        "mentor_training_attended"}),
    Role.visitor.value: frozenset({"jobbforum_registered", "jobbforum_attended"}),
}

#: Roles that make a person part of the export, by priority.
_ROLE_PRIORITY = (Role.participant, Role.mentor, Role.visitor)

Cell = str | int | None


@dataclass(frozen=True)
class AttendanceFilter:
    """Which people and which events/sessions count. Dates are local (Europe/Stockholm) days."""

    rounds: tuple[str, ...] = ()
    date_from: date | None = None
    date_to: date | None = None

    def time_bounds(self) -> tuple[datetime | None, datetime | None]:
        """UTC bounds ``[start, end)`` of the date range."""
        start = local_to_utc(datetime.combine(self.date_from, time())) if self.date_from else None
        end = (local_to_utc(datetime.combine(self.date_to + timedelta(days=1), time()))
               if self.date_to else None)
        return start, end


def booth_visit_counts(person_ids: sa.Select | None = None,
                       bounds: tuple[datetime | None, datetime | None] = (None, None)) -> dict[int, int]:
    """Booth visits per person id: one per exhibitor whose booth scanned the person's badge
    (:func:`jobbforum.services.booths.visit_counts_by_person`), at events starting within
    ``bounds``."""
    from jobbforum.services.booths import visit_counts_by_person

    return visit_counts_by_person(person_ids, _within(Event.starts_at, bounds))


def _check_rounds(slugs: Sequence[str]) -> None:
    if not slugs:
        return
    found = set(db.session.scalars(
        sa.select(ProgrammeRound.slug).where(ProgrammeRound.slug.in_(slugs))))
    missing = [slug for slug in slugs if slug not in found]
    if missing:
        raise NotFound(N_("Unknown programme round: %(rounds)s"), field="rounds",
                       rounds=", ".join(missing))


def _within(column: sa.ColumnElement, bounds: tuple[datetime | None, datetime | None]) -> list:
    start, end = bounds
    conditions = []
    if start is not None:
        conditions.append(column >= start)
    if end is not None:
        conditions.append(column < end)
    return conditions


def _people_in_scope(flt: AttendanceFilter) -> sa.Select:
    """Ids of the people who get a row."""
    registered = sa.select(Registration.person_id).where(
        Registration.role.in_(_ROLE_PRIORITY),
        Registration.status != RegistrationStatus.cancelled,
    )
    query = sa.select(Person.id).where(
        sa.or_(Person.round_id.is_not(None), Person.id.in_(registered)))
    if flt.rounds:
        query = query.join(ProgrammeRound, Person.round_id == ProgrammeRound.id).where(
            ProgrammeRound.slug.in_(flt.rounds))
    return query


def _roles(scope: sa.Select) -> dict[int, str]:
    rows = db.session.execute(
        sa.select(Registration.person_id, Registration.role).distinct().where(
            Registration.person_id.in_(scope),
            Registration.role.in_(_ROLE_PRIORITY),
            Registration.status != RegistrationStatus.cancelled,
        ))
    found: dict[int, set[Role]] = defaultdict(set)
    for person_id, role in rows:
        found[person_id].add(role)
    return {pid: next(r.value for r in _ROLE_PRIORITY if r in roles) for pid, roles in found.items()}


def _jobbforum_registered(scope: sa.Select, bounds: tuple) -> set[int]:
    return set(db.session.scalars(
        sa.select(Registration.person_id).distinct()
        .join(Event, Event.id == Registration.event_id)
        .where(Registration.person_id.in_(scope), Event.kind == EventKind.jobbforum,
               Registration.status == RegistrationStatus.confirmed,
               *_within(Event.starts_at, bounds))))


def _checked_in(scope: sa.Select) -> sa.Select:
    """CheckIns joined to the ticket's person and the list (caller adds columns and filters)."""
    return (sa.select(Registration.person_id)
            .select_from(CheckIn)
            .join(Ticket, Ticket.id == CheckIn.ticket_id)
            .join(Registration, Registration.id == Ticket.registration_id)
            .join(CheckInList, CheckInList.id == CheckIn.list_id)
            .where(Registration.person_id.in_(scope)))


def _jobbforum_attended(scope: sa.Select, bounds: tuple) -> set[int]:
    query = (_checked_in(scope).distinct()
             .join(Event, Event.id == CheckInList.event_id)
             .where(CheckInList.name == ENTRANCE, CheckInList.workshop_session_id.is_(None),
                    Event.kind == EventKind.jobbforum, *_within(Event.starts_at, bounds)))
    return set(db.session.scalars(query))


def sessions_attended(scope: sa.Select, bounds: tuple = (None, None)) -> dict[int, dict[int, Theme]]:
    """person id → {session id: theme} of the workshop sessions they were checked in to.

    The one definition of session attendance: a check-in of any of the person's tickets on the
    check-in list of a workshop session (``scope`` selects person ids; ``bounds`` limits the
    sessions' start times to ``[start, end)``).
    """
    query = (_checked_in(scope)
             .add_columns(WorkshopSession.id, WorkshopSession.theme).distinct()
             .join(WorkshopSession, WorkshopSession.id == CheckInList.workshop_session_id)
             .where(*_within(WorkshopSession.starts_at, bounds)))
    found: dict[int, dict[int, Theme]] = defaultdict(dict)
    for person_id, session_id, theme in db.session.execute(query):
        found[person_id][session_id] = theme
    return found


def attendance_rows(rounds: Sequence[str] = (), date_from: date | None = None,
                    date_to: date | None = None) -> Iterator[tuple[Cell, ...]]:
    """One tuple per person (see the module docstring), in :data:`ATTENDANCE_COLUMNS` order.

    Booleans are the ints 1/0, not-applicable cells ``None``, ``gender`` empty string when not
    given. Ordered by round, then participant code. Raises :class:`NotFound` for an unknown
    round slug (checked before the first row is produced).
    """
    flt = AttendanceFilter(tuple(rounds), date_from, date_to)
    _check_rounds(flt.rounds)
    return _rows(flt)


def _rows(flt: AttendanceFilter) -> Iterator[tuple[Cell, ...]]:
    scope = _people_in_scope(flt)
    bounds = flt.time_bounds()
    roles = _roles(scope)
    registered = _jobbforum_registered(scope, bounds)
    attended = _jobbforum_attended(scope, bounds)
    sessions = sessions_attended(scope, bounds)
    booths = booth_visit_counts(scope, bounds)
    people = db.session.execute(
        sa.select(Person.id, Person.participant_code, Person.gender, ProgrammeRound.slug,
                  ProgrammeRound.county)
        .outerjoin(ProgrammeRound, Person.round_id == ProgrammeRound.id)
        .where(Person.id.in_(scope))
        .order_by(ProgrammeRound.slug, Person.participant_code)
        .execution_options(yield_per=2000))
    for person_id, code, gender, round_slug, county in people:
        role = roles.get(person_id, Role.participant.value)
        applicable = APPLICABLE[role]
        themes = set(sessions.get(person_id, {}).values())
        flags: dict[str, int] = {
            "jobbforum_registered": int(person_id in registered),
            "jobbforum_attended": int(person_id in attended),
            **{column: int(theme in themes) for column, theme in THEME_COLUMNS.items()},
        }
        yield (
            code,
            round_slug or "",
            county.value if county else "",
            role,
            gender.value if gender else "",
            *(flags[c] if c in applicable else None for c in ATTENDANCE_COLUMNS[5:11]),
            len(sessions.get(person_id, ())),
            booths.get(person_id, 0),
        )


def attendance_dicts(**filters: object) -> Iterator[dict[str, Cell]]:
    """:func:`attendance_rows` as dicts keyed by column name."""
    for row in attendance_rows(**filters):  # type: ignore[arg-type]
        yield dict(zip(ATTENDANCE_COLUMNS, row, strict=True))
