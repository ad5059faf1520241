"""Demo staff, programme rounds, the demo Jobbforum event, rooms and people."""

from __future__ import annotations

import secrets
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

import sqlalchemy as sa

from jobbforum.codes import new_participant_code
from jobbforum.extensions import db
from jobbforum.models import (
    County,
    Event,
    EventKind,
    EventStatus,
    Gender,
    Person,
    ProgrammeRound,
    Room,
    StaffRole,
)
from jobbforum.services import events, users
from jobbforum.timeutil import local_to_utc

if TYPE_CHECKING:
    from jobbforum.demo import DemoContext

STAFF = [
    ("admin@example.org", StaffRole.admin),
    ("coordinator@example.org", StaffRole.coordinator),
    ("door@example.org", StaffRole.door),
]

#: Names as newly arrived participants in Stockholm and Uppsala carry them (Latin script, as
#: most write them in Swedish systems), plus a few in their own script.
FIRST_NAMES_WOMEN = [
    "Amina", "Fatima", "Hawa", "Samira", "Leyla", "Nour", "Rahel", "Selam", "Helen", "Saba",
    "Olena", "Iryna", "Oksana", "Kateryna", "Mariam", "Zahra", "Parisa", "Shirin", "Fadumo",
    "Hodan", "Asha", "Layla", "Rania", "Dina", "Yasmin", "Tigist", "Meron", "Natalia", "Sara",
    "Huda", "محمدة", "Олена", "ሰላም",
]
FIRST_NAMES_MEN = [
    "Ahmad", "Mohammed", "Yusuf", "Abdi", "Omar", "Ali", "Hassan", "Dawit", "Yonas", "Mehari",
    "Andriy", "Dmytro", "Mustafa", "Karim", "Reza", "Farhad", "Bilal", "Tesfay", "محمد", "Тарас",
]
LAST_NAMES = [
    "Ahmadi", "Hussein", "Mohamed", "Abdullahi", "Haile", "Tesfaye", "Gebremedhin", "Kovalenko",
    "Shevchenko", "Bondarenko", "Rahimi", "Karimi", "Hassan", "Warsame", "Osman", "Yohannes",
    "Nasser", "Al-Sayed", "Haddad", "Mansour", "Tkachenko", "Hosseini", "Ali", "Farah",
    "الأحمد", "Коваленко", "ተስፋይ",
]
MENTOR_FIRST = ["Anna", "Erik", "Maria", "Lars", "Karin", "Johan", "Eva", "Anders", "Sofia",
                "Per", "Lena", "Magnus", "Åsa", "Björn", "Ingrid", "Mikael"]
MENTOR_LAST = ["Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson",
               "Persson", "Svensson", "Gustafsson", "Lindqvist", "Öberg", "Berg", "Sjöberg"]
LANGUAGES = ["sv", "sv", "en", "en", "ar", "ar", "ti", "so", "uk", "prs"]

ROUNDS = [
    dict(slug="ht2026-stockholm", name="Omgång HT2026 Stockholm", county=County.stockholm,
         term="HT2026", starts_on=date(2026, 9, 1), ends_on=date(2027, 4, 30)),
    dict(slug="ht2026-uppsala", name="Omgång HT2026 Uppsala", county=County.uppsala,
         term="HT2026", starts_on=date(2026, 9, 15), ends_on=date(2027, 5, 15)),
]

ROOMS = [
    dict(name="Konferensrum Ljuset", capacity=40, county=County.stockholm,
         address="Sveavägen 44, 111 34 Stockholm", accessibility_notes="Hiss, hörslinga."),
    dict(name="Workshoprum Kungsholmen", capacity=24, county=County.stockholm,
         address="Fleminggatan 20, 112 26 Stockholm", accessibility_notes="Ramp vid entrén."),
    dict(name="Stora salen", capacity=120, county=County.stockholm,
         address="Sveavägen 44, 111 34 Stockholm", accessibility_notes="Hiss, hörslinga, RWC."),
    dict(name="Ekonomikum sal 3", capacity=30, county=County.uppsala,
         address="Kyrkogårdsgatan 10, 753 13 Uppsala", accessibility_notes="Hiss."),
    dict(name="Stadsbiblioteket Uppsala, Studio", capacity=20, county=County.uppsala,
         address="Svartbäcksgatan 17, 753 20 Uppsala", accessibility_notes="Entré i gatuplan."),
]


def load_staff(context: DemoContext) -> None:
    """Staff accounts; passwords are new each load (and printed), so they are never weak defaults."""
    for email, role in STAFF:
        password = secrets.token_urlsafe(12)
        user = users.find_user(email)
        if user is None:
            users.create_user(email, password, role, actor_label="demo")
        else:
            users.set_password(user, password, actor_label="demo")
        context.logins.append((email, password, role.value))


def _demo_event_times() -> tuple[datetime, datetime]:
    """Three weeks from today, 10–15 in Stockholm: always upcoming, so sign-up is open."""
    day = date.today() + timedelta(days=21)
    return (local_to_utc(datetime.combine(day, time(10))), local_to_utc(datetime.combine(day, time(15))))


def load_rounds_and_events(context: DemoContext) -> None:
    rounds = []
    for spec in ROUNDS:
        found = db.session.scalar(sa.select(ProgrammeRound).where(ProgrammeRound.slug == spec["slug"]))
        rounds.append(found or events.create_round(actor=None, actor_label="demo", **spec))
    context.created["rounds"] = rounds
    from jobbforum.demo import DEMO_EVENT

    event = db.session.scalar(sa.select(Event).where(Event.slug == DEMO_EVENT))
    if event is None:
        starts, ends = _demo_event_times()
        event = events.create_event(
            actor=None, actor_label="demo", rounds=rounds, slug=DEMO_EVENT,
            title="Jobbforum Stockholm", kind=EventKind.jobbforum, status=EventStatus.published,
            venue="Stora salen, Sveavägen 44", address="Sveavägen 44, 111 34 Stockholm",
            starts_at=starts, ends_at=ends, capacity=400,
            registration_opens_at=starts - timedelta(days=60),
            registration_closes_at=starts - timedelta(hours=12),
            description=(
                "Träffa rekryterare, bemanningsföretag, fackförbund, lärosäten och myndigheter. "
                "Lär dig hur arbetslivet i Sverige fungerar och hitta jobb, praktik och utbildning."
            ),
        )
    context.created["event"] = event


def load_rooms(context: DemoContext) -> None:
    rooms = []
    for spec in ROOMS:
        found = db.session.scalar(sa.select(Room).where(Room.name == spec["name"]))
        if found is None:
            found = Room(**spec)
            db.session.add(found)
        rooms.append(found)
    db.session.flush()
    context.created["rooms"] = rooms


def _unique_code() -> str:
    while True:
        code = new_participant_code()
        if db.session.scalar(sa.select(Person.id).where(Person.participant_code == code)) is None:
            return code


def load_people(context: DemoContext) -> None:
    """Participants (genders in the programme's proportion, 406 women of 511) and mentors."""
    rng = context.rng
    rounds: list[ProgrammeRound] = context.created["rounds"]  # type: ignore[assignment]
    participants, mentors = [], []
    n_mentors = max(2, context.participants // 3)
    for i in range(context.participants):
        is_woman = rng.random() < 406 / 511
        first = rng.choice(FIRST_NAMES_WOMEN if is_woman else FIRST_NAMES_MEN)
        gender = rng.choices([Gender.woman if is_woman else Gender.man, Gender.undisclosed, None],
                             weights=[90, 4, 6])[0]
        spec = dict(
            email=f"deltagare{i + 1:03d}@example.com",
            name=f"{first} {rng.choice(LAST_NAMES)}",
            phone=f"+4670{rng.randrange(1000000, 9999999)}",
            preferred_language=rng.choice(LANGUAGES),
            gender=gender,
            round=rounds[0] if i % 5 < 3 else rounds[1],
        )
        participants.append(_upsert_person(spec))
    for i in range(n_mentors):
        spec = dict(
            email=f"mentor{i + 1:03d}@example.com",
            name=f"{rng.choice(MENTOR_FIRST)} {rng.choice(MENTOR_LAST)}",
            phone=None, preferred_language="sv",
            gender=rng.choice([Gender.woman, Gender.man]),
            round=rounds[0] if i % 2 == 0 else rounds[1],
        )
        mentors.append(_upsert_person(spec))
    context.created["participants"] = participants
    context.created["mentors"] = mentors


def _upsert_person(spec: dict) -> Person:
    person = db.session.scalar(sa.select(Person).where(Person.email == spec["email"]))
    if person is None:
        person = Person(participant_code=_unique_code(), **spec)
        db.session.add(person)
        db.session.flush()
    return person
