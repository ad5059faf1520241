"""Demo attendance and survey answers, so the export, the indicators page and its charts show data.

* Attendance at every kind of session: for each round and theme (kick-off, interview workshop,
  networking workshop, mentor training) the step uses a session that already exists (e.g. made by
  the workshops step) or creates one in the past on a workshop-day event of the round; people are
  registered with a ticket and checked in at the session's door list at realistic rates.
* An earlier Jobbforum (a month ago, closed) with registrations and entrance check-ins.
* Baseline answers for most participants and result answers for about 71 % of them, with outcome
  rates like the programme's report: about 29 % work, 49 % measurable steps, 84 % expanded network
  (men 38 % / 42 %, women 27 % / 52 %).

Idempotent: sessions, events, registrations and survey responses are looked up by stable keys
(slug, title, person and event, code and kind) and only created when missing.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from random import Random
from typing import TYPE_CHECKING

import sqlalchemy as sa

from jobbforum.extensions import db
from jobbforum.models import (
    Audience,
    CheckIn,
    CheckInList,
    Employment,
    Event,
    EventKind,
    EventStatus,
    Gender,
    Person,
    ProgrammeRound,
    Role,
    Room,
    SurveyKind,
    SurveyResponse,
    Theme,
    Ticket,
    WorkshopSession,
    session_rounds,
)
from jobbforum.services import events
from jobbforum.services.surveys_parse import SMALL_STEP_COLUMNS
from jobbforum.timeutil import local_to_utc

if TYPE_CHECKING:
    from jobbforum.demo import DemoContext

#: Theme → (days before today, share of the audience checked in, audience role).
SESSION_PLAN: dict[Theme, tuple[int, float, Role]] = {
    Theme.kickoff: (70, 0.88, Role.participant),
    Theme.mentor_training: (63, 0.8, Role.mentor),
    Theme.interview: (42, 0.66, Role.participant),
    Theme.networking: (35, 0.6, Role.participant),
}
THEME_TITLES = {
    Theme.kickoff: "Uppstartsträff",
    Theme.mentor_training: "Mentorsutbildning",
    Theme.interview: "Workshop: anställningsintervjuer",
    Theme.networking: "Workshop: nätverkande och LinkedIn",
}
EARLIER_FAIR = "jobbforum-demo-tidigare"
#: Outcome probabilities by gender: (got work, measurable steps).
OUTCOMES = {Gender.man: (0.38, 0.42), Gender.woman: (0.27, 0.52)}
BASELINE_SHARE, RESULT_SHARE, NETWORK_SHARE = 0.96, 0.71, 0.84


def _at(days_ago: int, hour: int) -> datetime:
    return local_to_utc(datetime.combine(date.today() - timedelta(days=days_ago), time(hour)))


def _round_people(context: DemoContext, programme_round: ProgrammeRound, role: Role) -> list[Person]:
    key = "participants" if role is Role.participant else "mentors"
    people: list[Person] = context.created.get(key, [])  # type: ignore[assignment]
    return [p for p in people if p.round_id == programme_round.id]


def _workshop_day(programme_round: ProgrammeRound) -> object:
    slug = f"gruppträffar-{programme_round.slug}".replace("ä", "a")
    found = events.get_event(slug) if _event_exists(slug) else None
    if found is None:
        found = events.create_event(
            actor=None, actor_label="demo", rounds=[programme_round], slug=slug,
            title=f"Gruppträffar {programme_round.name}", kind=EventKind.workshop_day,
            status=EventStatus.closed, starts_at=_at(75, 9), ends_at=_at(30, 17))
    return found


def _event_exists(slug: str) -> bool:
    from jobbforum.models import Event

    return db.session.scalar(sa.select(Event.id).where(Event.slug == slug)) is not None


def _session_with_door(theme: Theme, programme_round: ProgrammeRound,
                       rooms: list[Room]) -> tuple[WorkshopSession, CheckInList]:
    """A session of *theme* for the round (existing or new) and its door check-in list."""
    session = db.session.scalar(
        sa.select(WorkshopSession).join(session_rounds)
        .where(WorkshopSession.theme == theme, session_rounds.c.round_id == programme_round.id)
        .order_by(WorkshopSession.starts_at))
    if session is None:
        days_ago = SESSION_PLAN[theme][0]
        room = next((r for r in rooms if r.county == programme_round.county), rooms[0])
        session = WorkshopSession(
            theme=theme, title=THEME_TITLES[theme], room_id=room.id, capacity=room.capacity,
            starts_at=_at(days_ago, 17), ends_at=_at(days_ago, 19), facilitator="Programme staff",
            audience=Audience.mentors if theme is Theme.mentor_training else Audience.both)
        session.rounds = [programme_round]
        db.session.add(session)
        db.session.flush()
    door = db.session.scalar(sa.select(CheckInList).where(
        CheckInList.workshop_session_id == session.id))
    if door is None:
        event = _workshop_day(programme_round)
        door = CheckInList(event_id=event.id, name=f"session-{session.id}",  # type: ignore[attr-defined]
                           workshop_session_id=session.id,
                           allowed_roles="mentor" if theme is Theme.mentor_training else "")
        db.session.add(door)
        db.session.flush()
    return session, door


def _ticket(event_id: int, person: Person, role: Role) -> Ticket:
    from jobbforum.services import registrations

    registration = registrations.register_person(db.session.get(Event, event_id), person, role,
                                                 actor=None, actor_label="demo")
    return registration.active_ticket  # type: ignore[return-value]


def _check_in(ticket: Ticket, checkin_list: CheckInList, at: datetime) -> None:
    exists = db.session.scalar(sa.select(CheckIn.id).where(
        CheckIn.ticket_id == ticket.id, CheckIn.list_id == checkin_list.id))
    if exists is None:
        db.session.add(CheckIn(ticket_id=ticket.id, list_id=checkin_list.id, checked_in_at=at,
                               scanned_at=at, gate="demo"))


def load_attendance(context: DemoContext) -> None:
    """Session and earlier-Jobbforum attendance for the demo rounds."""
    rng = Random(8)  # own seed: the same people attend on every load
    rounds: list[ProgrammeRound] = context.created["rounds"]  # type: ignore[assignment]
    rooms: list[Room] = context.created["rooms"]  # type: ignore[assignment]
    for programme_round in rounds:
        for theme, (_days, share, role) in SESSION_PLAN.items():
            session, door = _session_with_door(theme, programme_round, rooms)
            for person in _round_people(context, programme_round, role):
                ticket = _ticket(door.event_id, person, role)  # everybody is invited
                if rng.random() < share:
                    _check_in(ticket, door, session.starts_at + timedelta(minutes=rng.randrange(20)))
        # Mentors come to the kick-off too.
        session, door = _session_with_door(Theme.kickoff, programme_round, rooms)
        for mentor in _round_people(context, programme_round, Role.mentor):
            if rng.random() < 0.7:
                _check_in(_ticket(door.event_id, mentor, Role.mentor), door, session.starts_at)
    _earlier_jobbforum(context, rng, rounds)
    db.session.flush()


def _earlier_jobbforum(context: DemoContext, rng: Random, rounds: list[ProgrammeRound]) -> None:
    if _event_exists(EARLIER_FAIR):
        fair = events.get_event(EARLIER_FAIR)
    else:
        fair = events.create_event(
            actor=None, actor_label="demo", rounds=rounds, slug=EARLIER_FAIR,
            title="Jobbforum Uppsala", kind=EventKind.jobbforum, status=EventStatus.closed,
            venue="Ekonomikum", address="Kyrkogårdsgatan 10, 753 13 Uppsala",
            starts_at=_at(28, 10), ends_at=_at(28, 15), capacity=300)
    entrance = events.ensure_entrance_list(fair)
    people = [*context.created.get("participants", []), *context.created.get("mentors", [])]
    for person in people:  # type: ignore[union-attr]
        role = Role.mentor if person in context.created.get("mentors", []) else Role.participant  # type: ignore[operator]
        if rng.random() < (0.78 if role is Role.participant else 0.35):
            ticket = _ticket(fair.id, person, role)
            if rng.random() < 0.82:
                _check_in(ticket, entrance, fair.starts_at + timedelta(minutes=rng.randrange(240)))


def _answers(rng: Random, code: str, kind: SurveyKind, answered_on: date, employment: Employment,
             interviews: int, steps: set[str], **flags: bool) -> SurveyResponse:
    return SurveyResponse(
        participant_code=code, kind=kind, answered_on=answered_on, employment=employment,
        interviews=interviews, **{name: name in steps for name in SMALL_STEP_COLUMNS},
        **{k: flags.get(k, False) for k in
           ("job_changed", "job_more_relevant", "internship", "relevant_education")})


def _result(rng: Random, person: Person, baseline: SurveyResponse, answered_on: date) -> SurveyResponse:
    p_work, p_steps = OUTCOMES.get(person.gender, (0.29, 0.49))  # type: ignore[arg-type]
    draw = rng.random()
    employment, interviews = baseline.employment, baseline.interviews + rng.choice([0, 0, 1])
    flags: dict[str, bool] = {}
    network = rng.random() < NETWORK_SHARE
    others = [s for s in SMALL_STEP_COLUMNS if s != "network_expanded"]
    if draw < p_work:  # got work
        if baseline.employment is Employment.none:
            employment = rng.choice([Employment.part_time, Employment.full_time])
        elif baseline.employment is Employment.part_time:
            employment = Employment.full_time
        else:
            flags["job_changed"] = True
            flags["job_more_relevant"] = rng.random() < 0.6
        steps = set(rng.sample(others, rng.randrange(2, 7)))
    elif draw < p_work + p_steps:  # measurable steps (shares of everybody, as in the report)
        clause = rng.choice(["internship", "relevant_education", "interviews", "small_steps"])
        if clause == "interviews":
            interviews = baseline.interviews + rng.randrange(2, 6)
        elif clause != "small_steps":
            flags[clause] = True
        steps = set(rng.sample(others, 5 if clause == "small_steps" else rng.randrange(1, 5)))
        if clause == "small_steps" and network:
            steps = set(list(steps)[:4])
    else:  # neither: at most 4 small steps, fewer than 2 more interviews
        steps = set(rng.sample(others, rng.randrange(0, 4 if network else 5)))
    if network:
        steps.add("network_expanded")
    return _answers(rng, person.participant_code, SurveyKind.result, answered_on, employment,
                    interviews, steps, **flags)


def load_surveys(context: DemoContext) -> None:
    """Baseline and result answers for the demo participants (outcome rates as in the report)."""
    rng = Random(29)
    participants: list[Person] = context.created.get("participants", [])  # type: ignore[assignment]
    codes = [p.participant_code for p in participants]
    stored = {(code, kind) for code, kind in db.session.execute(
        sa.select(SurveyResponse.participant_code, SurveyResponse.kind)
        .where(SurveyResponse.participant_code.in_(codes)))}
    for person in participants:
        answers_baseline = rng.random() < BASELINE_SHARE
        answers_result = rng.random() < RESULT_SHARE / BASELINE_SHARE
        start = person.round.starts_on if person.round else date.today() - timedelta(days=90)
        employment = rng.choices(list(Employment), weights=[78, 16, 6])[0]
        baseline = _answers(rng, person.participant_code, SurveyKind.baseline,
                            start + timedelta(days=rng.randrange(14)), employment,
                            rng.choice([0, 0, 0, 1, 1, 2]), set(rng.sample(
                                SMALL_STEP_COLUMNS, rng.randrange(0, 3))))
        result = _result(rng, person, baseline, date.today() - timedelta(days=rng.randrange(1, 10)))
        if not answers_baseline:
            continue
        if (person.participant_code, SurveyKind.baseline) not in stored:
            db.session.add(baseline)
        if answers_result and (person.participant_code, SurveyKind.result) not in stored:
            db.session.add(result)
    db.session.flush()
