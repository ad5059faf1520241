"""Calendar files (iCalendar, RFC 5545) for "add to calendar" links."""

from __future__ import annotations

from typing import TYPE_CHECKING

from icalendar import Calendar
from icalendar import Event as VEvent

if TYPE_CHECKING:
    from jobbforum.models import Event


def event_ics(event: Event, *, url: str = "", domain: str = "jobbforum") -> bytes:
    """One VEVENT for ``event`` (times in UTC). Holds only the event's public details: no name,
    no ticket code, so the file may be forwarded or synced to any calendar service."""
    calendar = Calendar()
    calendar.add("prodid", "-//Jobbforum//Jobbforum//SV")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    vevent = VEvent()
    vevent.add("uid", f"event-{event.id}-{event.slug}@{domain}")
    vevent.add("dtstamp", event.updated_at or event.created_at)
    vevent.add("dtstart", event.starts_at)
    vevent.add("dtend", event.ends_at)
    vevent.add("summary", event.title)
    location = ", ".join(part for part in (event.venue, event.address) if part)
    if location:
        vevent.add("location", location)
    if event.description:
        vevent.add("description", event.description)
    if url:
        vevent.add("url", url)
    calendar.add_component(vevent)
    return calendar.to_ical()
