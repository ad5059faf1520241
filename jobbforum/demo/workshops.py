"""Demo workshop sessions: every theme for both demo rounds, bookings, a full session with a
waiting list, preferences waiting to be assigned (networking), and attendance at last week's
kick-off."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

import sqlalchemy as sa

from jobbforum.extensions import db
from jobbforum.models import (
    Audience,
    BookingStatus,
    Registration,
    Role,
    Room,
    Theme,
)
from jobbforum.services import workshops as ws
from jobbforum.timeutil import local_to_utc

if TYPE_CHECKING:
    from jobbforum.demo import DemoContext

#: (theme, days after today, start hour, hours, room index per round, capacity, facilitator,
#: language support, audience)
SCHEDULE = [
    (Theme.kickoff, -7, 17, 3, 2, 120, "Programme staff", "Interpretation to Arabic", Audience.both),
    (Theme.mentor_training, 12, 17, 2, 0, 30, "Karin Lindqvist", "", Audience.mentors),
    (Theme.interview, 17, 13, 3, 1, 12, "Reza Karimi", "", Audience.participants),
    (Theme.interview, 24, 13, 3, 1, 20, "Reza Karimi", "Interpretation to Tigrinya",
     Audience.participants),
    (Theme.networking, 31, 13, 3, 0, 30, "Sofia Berg", "", Audience.participants),
    (Theme.networking, 38, 9, 3, 0, 30, "Sofia Berg", "Interpretation to Ukrainian",
     Audience.participants),
]
#: Rooms of the base demo by county: round 0 (Stockholm) uses 0–2, round 1 (Uppsala) 3–4.
ROOMS_BY_ROUND = [[0, 1, 2], [3, 4, 3]]


def _at(days: int, hour: int) -> datetime:
    return local_to_utc(datetime.combine(date.today() + timedelta(days=days), time(hour)))


def load_workshops(context: DemoContext) -> None:
    rounds = context.created["rounds"]
    rooms: list[Room] = context.created["rooms"]  # type: ignore[assignment]
    mentors = context.created.get("mentors", [])
    participants = context.created.get("participants", [])
    for index, programme_round in enumerate(rounds):  # type: ignore[arg-type]
        per_theme: dict[Theme, int] = {}
        for theme, days, hour, hours, room_i, cap, who, lang, audience in SCHEDULE:
            # Stable key: the n-th demo session of a theme in a round (dates move with today).
            nth = per_theme[theme] = per_theme.get(theme, -1) + 1
            if len(ws.list_sessions(round_id=programme_round.id, theme=theme)) > nth:
                continue
            room = rooms[ROOMS_BY_ROUND[index][room_i]]
            # No title: pages show the theme's name in the reader's language.
            ws.save_session(None, actor=None, actor_label="demo", rounds=[programme_round],
                            confirm_conflicts=True, theme=theme, title="", room_id=room.id,
                            starts_at=_at(days + index, hour),
                            ends_at=_at(days + index, hour + hours),
                            capacity=min(cap, room.capacity), facilitator=who,
                            language_support=lang, audience=audience)
    db.session.flush()
    for mentor in mentors:  # mentors are mentors at the workshops too
        _ensure_mentor(mentor)
    people = participants + mentors
    for programme_round in rounds:  # type: ignore[attr-defined]
        members = [p for p in people if p.round_id == programme_round.id]
        _seat_at_past_kickoff(members, programme_round.id)
        _book_everyone([m for m in members if m in mentors], Theme.mentor_training,
                       programme_round.id)
        # Fill the first interview session beyond capacity: a waiting list.
        _book_everyone([p for p in members if p in participants][:16], Theme.interview,
                       programme_round.id, first_only=True)
        # Networking: coordinator collects preferences; a few rank, the rest will be assigned.
        ws.set_collect_preferences(programme_round, Theme.networking, True, actor=None,
                                   actor_label="demo")
        sessions = ws.list_sessions(round_id=programme_round.id, theme=Theme.networking)
        for i, person in enumerate(p for p in members if p in participants):
            if i % 3 == 2 or ws.preferences_of(person).get(Theme.networking):
                continue
            order = sessions if i % 2 else list(reversed(sessions))
            ws.set_preferences(person, Theme.networking, [s.id for s in order])
        # Attendance: most of those booked came to the kick-off (last week).
        for session in ws.list_sessions(round_id=programme_round.id, theme=Theme.kickoff):
            rows = ws.roll_call(session)
            ticks = [{"person_id": r.booking.person_id, "present": True,
                      "nonce": f"demo-{session.id}-{r.booking.person_id}"}
                     for i, r in enumerate(rows) if i % 5 != 4]
            ws.record_roll_call(session, ticks, actor=None, actor_label="demo")


def _ensure_mentor(person: object) -> None:
    sessions = ws.list_sessions(round_id=person.round_id, theme=Theme.kickoff)  # type: ignore[attr-defined]
    if sessions:
        event = ws.ensure_session_list(sessions[0]).event
        exists = db.session.scalar(sa.select(Registration.id).where(
            Registration.event_id == event.id, Registration.person_id == person.id))  # type: ignore[attr-defined]
        if exists is None:
            ws.ensure_ticket(person, sessions[0], Role.mentor)  # type: ignore[arg-type]


def _seat_at_past_kickoff(people: list, round_id: int) -> None:
    """The kick-off was last week: give seats directly (booking is closed for past sessions)."""
    for session in ws.list_sessions(round_id=round_id, theme=Theme.kickoff)[:1]:
        booked = ws.seat_counts([session.id])[session.id][0]
        for person in people:
            if booked < session.capacity and ws.active_booking(person, Theme.kickoff) is None:
                ws.place(person, session, BookingStatus.booked)
                booked += 1


def _book_everyone(people: list, theme: Theme, round_id: int, first_only: bool = False) -> None:
    sessions = ws.list_sessions(round_id=round_id, theme=theme)
    if not sessions:
        return
    for person in people:
        if ws.active_booking(person, theme) is None:
            ws.book_session(person, sessions[0], actor=None, actor_label="demo")
