"""Demo registrations: the demo participants and mentors (and a few visitors) registered for
``jobbforum-demo`` with active tickets, so badges and check-in work at once after ``make run``.

Booth staff of the demo exhibitors are registered by the exhibitors' demo step.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from jobbforum.extensions import db
from jobbforum.models import Event, Person, Role, utcnow
from jobbforum.services import registrations

if TYPE_CHECKING:
    from jobbforum.demo import DemoContext

VISITORS = [("Karin Lund", "besokare001@example.com"), ("David Ek", "besokare002@example.com"),
            ("Noor Saleh", "besokare003@example.com")]


def load_registrations(context: DemoContext) -> None:
    """Idempotent: people already registered keep their registration and ticket."""
    event: Event = context.created["event"]  # type: ignore[assignment]
    people = [(p, Role.participant) for p in context.created["participants"]]  # type: ignore[attr-defined]
    people += [(p, Role.mentor) for p in context.created["mentors"]]  # type: ignore[attr-defined]
    for name, email in VISITORS:
        person = registrations.find_person_by_email(email)
        if person is None:
            person = Person(participant_code=registrations.unique_participant_code(), name=name,
                            email=email, preferred_language="sv")
            db.session.add(person)
            db.session.flush()
        people.append((person, Role.visitor))
    now = utcnow()
    for person, role in people:
        registration = registrations.register_person(event, person, role, actor=None,
                                                     actor_label="demo")
        if registration.consent_at is None:
            registration.consent_at = now
            registration.consent_version = "demo"
    db.session.flush()
