"""Realistic demo data for ``jobbforum demo load`` (and so for ``make run``).

Loading is idempotent: every step looks things up by a stable key (slug, email, code) and
only creates what is missing, so running it again changes nothing but the printed passwords.
Each area adds its own step module and lists it in :data:`STEPS`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from random import Random

from jobbforum.demo import base, booths, checkin, exhibitors, indicators, workshops
from jobbforum.demo import participants as participant_demo

#: Demo event slug.
DEMO_EVENT = "jobbforum-demo"


@dataclass
class DemoContext:
    """What the steps share: sizes, a seeded RNG, and what earlier steps created."""

    participants: int
    exhibitors: int
    rng: Random = field(default_factory=lambda: Random(2026))
    logins: list[tuple[str, str, str]] = field(default_factory=list)
    created: dict[str, object] = field(default_factory=dict)


#: The steps, in order. Each takes the context and flushes; :func:`load` commits once.
STEPS: list[Callable[[DemoContext], None]] = [
    base.load_staff,
    base.load_rounds_and_events,
    base.load_rooms,
    base.load_people,
    participant_demo.load_registrations,
    exhibitors.load_exhibitors,
    workshops.load_workshops,
    indicators.load_attendance,
    indicators.load_surveys,
    checkin.load_checkin,
    booths.load_booth_visits,
]


def load(participants: int = 60, exhibitors: int = 24) -> DemoContext:
    """Run every step in one transaction; returns the context (with the staff logins)."""
    from jobbforum.extensions import db

    context = DemoContext(participants=participants, exhibitors=exhibitors)
    for step in STEPS:
        step(context)
        db.session.flush()
    db.session.commit()
    return context
