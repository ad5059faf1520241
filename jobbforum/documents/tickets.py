"""Tickets and badges of registrations: the bridge from the domain to :mod:`jobbforum.documents.badges`.

The PDF drawing (and the one QR implementation) lives in ``badges.py`` and ``qr.py``; this module
only says what goes on a person's ticket or badge, and registers the ticket PDF as a mail
attachment so that a retried confirmation email rebuilds it with the *current* ticket code.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from flask_babel import force_locale

from jobbforum import mail as transport
from jobbforum.documents.ics import CalendarEvent
from jobbforum.labels import label
from jobbforum.models import EventStatus, Role
from jobbforum.services import mailer

if TYPE_CHECKING:
    from jobbforum.documents.badges import BadgeData
    from jobbforum.models import Event, Registration

def badge_for(registration: Registration, *, when: str | None = None) -> BadgeData:
    """What is printed on the registration's badge: name, role (with organisation for booth staff),
    event and the active ticket code (the only thing in the QR code)."""
    from jobbforum.documents.badges import BadgeData

    ticket = registration.active_ticket
    if ticket is None:
        raise ValueError(f"registration {registration.id} has no active ticket")
    organisation = None
    if registration.exhibitor is not None:
        organisation = registration.exhibitor.organisation.name
    person = registration.person
    return BadgeData(
        ticket_code=ticket.code,
        name=person.name,
        role=registration.role.value,
        role_label=label(registration.role),
        organisation=organisation,
        event_title=registration.event.title,
        event_when=when if when is not None else event_time_text(registration.event),
        round_label=person.round.name if person.round is not None and registration.role in (
            Role.participant, Role.mentor) else None,
    )


def _venue(registration: Registration) -> str:
    event = registration.event
    return ", ".join(part for part in (event.venue, event.address) if part)


def ticket_pdf(registration: Registration) -> bytes:
    """A single A6 ticket for the registration's active ticket, in the person's language."""
    from jobbforum.documents import badges
    from jobbforum.documents.emails import mail_language

    with force_locale(mail_language(registration.person.preferred_language)):
        return badges.ticket_pdf(badge_for(registration), venue=_venue(registration))


def badge_sheet(registrations: Sequence[Registration], *, layout: str = "a4-8up",
                progress: Callable[[int], Any] | None = None, title: str = "Badges") -> bytes:
    """Badges for every registration with an active ticket (the others are left out), each with
    its role and date in the holder's preferred language (names print in any script)."""
    from jobbforum.documents import badges
    from jobbforum.documents.emails import mail_language

    whens: dict[tuple[int, str], str] = {}  # formatted once per event and language
    data = []
    for registration in registrations:
        if registration.active_ticket is None:
            continue
        language = mail_language(registration.person.preferred_language)
        with force_locale(language):
            key = (registration.event_id, language)
            if key not in whens:
                whens[key] = event_time_text(registration.event)
            data.append(badge_for(registration, when=whens[key]))
    return badges.badge_sheet_pdf(data, layout=layout, progress=progress, title=title)


def calendar_entry(event: Event, *, url: str = "") -> CalendarEvent:
    """The event for "add to calendar": only its public details (no name, no ticket code), so the
    file may be forwarded or synced to any calendar service."""
    return CalendarEvent(
        uid=f"event-{event.id}-{event.slug}@jobbforum", summary=event.title,
        starts_at=event.starts_at, ends_at=event.ends_at,
        location=", ".join(part for part in (event.venue, event.address) if part),
        description=event.description, url=url,
        cancelled=event.status is EventStatus.cancelled)


def event_time_text(event: Event) -> str:
    """The event's date and time in Stockholm time, in the current language."""
    return format_when(event.starts_at, event.ends_at)


def format_when(starts: datetime, ends: datetime) -> str:
    """A start–end span in the current language and the configured time zone."""
    from flask import current_app
    from flask_babel import get_locale

    from jobbforum.timeutil import format_span

    return format_span(starts, ends, locale=get_locale() or "sv", tz=current_app.config["TIMEZONE"])


@mailer.register_attachment("ticket_pdf")
def ticket_attachment(spec: dict[str, Any]) -> transport.Attachment:
    """The ticket PDF for ``{"kind": "ticket_pdf", "registration_id": …}``, built when sent."""
    from jobbforum.extensions import db
    from jobbforum.models import Registration

    registration = db.session.get(Registration, spec["registration_id"])
    if registration is None or registration.active_ticket is None:
        raise KeyError(f"registration {spec['registration_id']} has no active ticket")
    return transport.Attachment(filename="ticket.pdf",
                                content=ticket_pdf(registration))
