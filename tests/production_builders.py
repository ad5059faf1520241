"""Builders for the production-readiness tests: one small world with an object behind every URL
argument, and a client per role (anonymous, private links, staff roles, door device)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask import Flask

from jobbforum.extensions import db
from jobbforum.models import (Booking, BookingStatus, County, Registration, RegistrationStatus,
                              Role, StaffRole)
from jobbforum.services import checkin, devices, events, links, registrations, users
from jobbforum.services import workshops as ws

ROLES = ("anon", "participant", "exhibitor", "door", "coordinator", "admin", "device")
PASSWORD = "correct horse battery staple"
#: A token-shaped string that resolves to nothing.
BOGUS_TOKEN = "not-a-valid-token"


@dataclass
class World:
    """Real objects for every URL argument; ``args(role)`` gives the values a role would use."""

    values: dict[str, Any]
    #: URL arguments that carry a private link; only the role holding that link knows it.
    secrets: dict[str, tuple[str, str]] = field(default_factory=dict)

    def args(self, role: str, endpoint: str, names: set[str]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name in names:
            if (endpoint, name) in self.secrets:
                owner, value = self.secrets[(endpoint, name)]
                out[name] = value if owner in (role, "*") else BOGUS_TOKEN
            elif name in self.values:
                out[name] = self.values[name]
            else:
                raise KeyError(f"no builder for URL argument <{name}> of {endpoint}")
        return out


def build_world(app: Flask) -> World:
    """Create a round, an event, a registration with its ticket, a device, a workshop session with
    a booking, staff of every role, private links — and return the URL arguments."""
    from jobbforum.models import Audience, Theme, utcnow

    now = utcnow().replace(microsecond=0)
    programme_round = events.create_round(
        actor=None, actor_label="test", slug="ht26", name="HT 2026", county=County.stockholm,
        term="HT2026", starts_on=date(2026, 9, 1), ends_on=date(2027, 4, 30))
    from datetime import timedelta

    from jobbforum.models import EventKind, EventStatus
    # 08:00–13:00 UTC in two weeks: never across midnight in Stockholm (mails name the day).
    fair_day = (now + timedelta(days=14)).replace(hour=8, minute=0, second=0)
    event = events.create_event(
        actor=None, actor_label="test", slug="fair", title="Jobbforum", kind=EventKind.jobbforum,
        status=EventStatus.published, venue="Stora salen", starts_at=fair_day,
        ends_at=fair_day + timedelta(hours=5))
    result = registrations.sign_up(event, registrations.SignUpData(
        role=Role.participant, name="Amina Hassan", email="amina@example.com", phone="",
        consent=True, preferred_language="sv"))
    registration: Registration = result.registration
    person = registration.person
    person.round_id = programme_round.id
    device, device_token = devices.create_device(event, "North door", actor_label="test")
    entrance = checkin.get_list(event)
    outcome = checkin.redeem(event, registration.tickets[0].code)
    room = ws.save_room(None, actor=None, actor_label="test", name="Room A", capacity=30,
                        county=County.stockholm, address="Sveavägen 44")
    session = ws.save_session(
        None, actor=None, actor_label="test", rounds=[programme_round], room_id=room.id,
        confirm_conflicts=True, theme=Theme.interview, title="", capacity=10, facilitator="Eva",
        language_support="", audience=Audience.both, starts_at=now + timedelta(days=10),
        ends_at=now + timedelta(days=10, hours=2))
    booking = Booking(session_id=session.id, person_id=person.id, status=BookingStatus.booked)
    db.session.add(booking)
    db.session.flush()
    booking_token = links.issue(ws.LINK_PURPOSE, person.id, expires_at=now + timedelta(days=30))
    feed_secret = ws.feed_secret(person)
    exhibitor, exhibitor_token, logo = _exhibitor(event)
    for role in ("door", "coordinator", "admin"):
        users.create_user(f"{role}@example.org", PASSWORD, StaffRole(role), actor_label="test")
    db.session.commit()
    assert registration.status == RegistrationStatus.confirmed
    values: dict[str, Any] = {
        "slug": event.slug, "registration_id": registration.id, "device_id": device.id,
        "list_id": entrance.id, "checkin_id": outcome.checkin_id, "session_id": session.id,
        "booking_id": booking.id, "room_id": room.id, "code": person.participant_code,
        "fmt": "csv", "theme": Theme.interview.value, "filename": "css/site.css",
        "device_token": device_token, "exhibitor_id": exhibitor.id, "sector_id":
        exhibitor.sectors[0].id, "name": logo,
    }
    world = World(values)
    for endpoint in ("participant.ticket", "participant.ticket_ics", "participant.ticket_pdf"):
        world.secrets[(endpoint, "token")] = ("participant", result.token)
    for endpoint in ("workshops.my_bookings", "workshops.book", "workshops.cancel",
                     "workshops.rank", "workshops.booking_ics",
                     "workshops.new_calendar_address"):
        world.secrets[(endpoint, "token")] = ("participant", booking_token)
    world.secrets[("workshops.feed", "secret")] = ("participant", feed_secret)
    for endpoint in ("exhibitor.edit", "exhibitor.add_staff", "exhibitor.remove_staff"):
        world.secrets[(endpoint, "token")] = ("exhibitor", exhibitor_token)
    from jobbforum.services import booths
    booth_token = booths.issue_link(exhibitor, actor_label="test")
    for endpoint in ("booths.annotate", "booths.export", "booths.scanner"):
        world.secrets[(endpoint, "token")] = ("exhibitor", booth_token)
    world.secrets[("booths.open_scanner", "token")] = ("exhibitor", exhibitor_token)
    for endpoint in ("booths.change_sharing", "booths.withdraw"):
        world.secrets[(endpoint, "token")] = ("participant", result.token)
    world.values["visit_id"] = 1  # no visit yet (scanning opens on the day)
    world.secrets[("exhibitor.remove_staff", "registration_id")] = (
        "*", exhibitor.booth_staff[0].id)
    # Round-level pages take the round's slug, not the event's.
    for endpoint in ("admin.round_edit", "workshops.assign", "workshops.round_settings"):
        world.secrets[(endpoint, "slug")] = ("*", programme_round.slug)
    db.session.commit()
    return world


def _exhibitor(event: Any) -> tuple[Any, str, str]:
    """An approved exhibitor with one sector, one booth staff member and a stored logo."""
    import io

    from jobbforum.models import ExhibitorStatus, OrganisationType
    from jobbforum.services import exhibitors, uploads
    from tests.exhibitor_builders import png_bytes

    sector = exhibitors.create_sector(slug="it", name_sv="IT", name_en="IT", actor=None,
                                      actor_label="test")
    logo = uploads.save_image(io.BytesIO(png_bytes()))
    details = exhibitors.ExhibitorDetails(
        name="Exempel AB", type=OrganisationType.employer, contact_name="Kim",
        contact_email="kim@example.se", description_sv="Vi anställer", offers=["jobs"],
        languages=["sv"], sector_ids=[sector.id], booth_staff_count=2)
    exhibitor, token = exhibitors.register_exhibitor(
        event, details, staff_names=["Sam Berg"], logo_filename=logo, consent_version="test")
    exhibitors.set_status(exhibitor, ExhibitorStatus.approved, actor=None, actor_label="test")
    return exhibitor, token, logo
