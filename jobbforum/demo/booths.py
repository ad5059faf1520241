"""Demo booth visits: participants with mixed sharing levels scanned at approved exhibitors'
booths, with notes and tags, and one booth scanner link printed with the logins.

Idempotent: sharing levels and visits are chosen by registration and exhibitor ids (not by the
random generator); a visit is one per booth and registration (a repeated scan only updates it),
and the booth link is reused while it is valid.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import sqlalchemy as sa

from jobbforum.extensions import db
from jobbforum.models import (
    BoothSharing,
    BoothVisit,
    Event,
    ExhibitorRegistration,
    ExhibitorStatus,
    PrivateLink,
    Registration,
    RegistrationStatus,
    Role,
    utcnow,
)
from jobbforum.services import booths, links

if TYPE_CHECKING:
    from jobbforum.demo import DemoContext

#: (note, tags) booth staff wrote, chosen by visit.
NOTES = [
    ("Undersköterska från Syrien, vill validera sin examen. Ring efter mässan.", ["follow_up", "education"]),
    ("Intresserad av praktik på lagret i vår.", ["internship"]),
    ("Truckkort, söker heltid. Skicka annonsen för lagerarbetare.", ["job", "follow_up"]),
    ("Frågade om medlemskap och a-kassa.", []),
    ("Ingenjör (el), vill ha en mentor i branschen.", ["mentoring"]),
    ("Boka intervju vecka 12.", ["interview", "follow_up"]),
    ("", []),
]
#: Sharing levels of the demo participants, by registration id (most share nothing).
LEVELS = (BoothSharing.visit_only, BoothSharing.contact, BoothSharing.visit_only,
          BoothSharing.contact_phone, BoothSharing.contact)
VISITS_PER_BOOTH = 12


def _booth_link(exhibitor: ExhibitorRegistration) -> str:
    link = db.session.scalar(sa.select(PrivateLink).where(
        PrivateLink.purpose == booths.LINK_PURPOSE, PrivateLink.subject_id == exhibitor.id,
        PrivateLink.revoked_at.is_(None), PrivateLink.expires_at > utcnow()))
    return links.token_for(link) if link is not None else booths.issue_link(exhibitor, actor_label="demo")


def load_booth_visits(context: DemoContext) -> None:
    from jobbforum.demo import DEMO_EVENT

    event = db.session.scalar(sa.select(Event).where(Event.slug == DEMO_EVENT))
    if event is None:
        return
    exhibitors = db.session.scalars(sa.select(ExhibitorRegistration).where(
        ExhibitorRegistration.event_id == event.id,
        ExhibitorRegistration.status == ExhibitorStatus.approved).order_by(ExhibitorRegistration.id)).all()
    people = db.session.scalars(sa.select(Registration).where(
        Registration.event_id == event.id, Registration.status == RegistrationStatus.confirmed,
        Registration.role.in_((Role.participant, Role.mentor, Role.visitor)))
        .order_by(Registration.id)).all()
    if not exhibitors or not people:
        return
    for registration in people:
        registration.booth_sharing = LEVELS[registration.id % len(LEVELS)]
    db.session.flush()
    done = {(e, r) for e, r in db.session.execute(
        sa.select(BoothVisit.exhibitor_id, BoothVisit.registration_id).where(
            BoothVisit.exhibitor_id.in_([e.id for e in exhibitors])))}
    for number, exhibitor in enumerate(exhibitors):
        # Popular booths first: the first exhibitors draw more visitors.
        wanted = max(2, VISITS_PER_BOOTH - number)
        visitors = [r for r in people if (r.id * 7 + exhibitor.id) % 3 == 0][:wanted]
        for registration in visitors:
            if (exhibitor.id, registration.id) in done or registration.active_ticket is None:
                continue
            at = event.starts_at + timedelta(minutes=10 + (registration.id * 13 + number) % 240)
            visit, _ = booths.record_visit(exhibitor, registration.active_ticket.code, now=at)
            note, tags = NOTES[(visit.exhibitor_id + visit.registration_id) % len(NOTES)]
            booths.annotate(visit, note=note, tags=tags)
    context.logins.append((f"booth {exhibitors[0].organisation.name}",
                           f"/booth/{_booth_link(exhibitors[0])}", "booth scanner link"))
