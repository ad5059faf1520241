"""iCalendar documents (RFC 5545), made with the ``icalendar`` library: one event as an ``.ics``
file, and a feed of many events for calendar subscriptions.

Generic on purpose: callers pass plain values (:class:`CalendarEvent`), so workshop bookings,
event tickets or anything else can use the same two functions. Times are aware UTC and are
written as UTC (``…Z``); calendar apps show them in the reader's zone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from icalendar import Calendar
from icalendar import Event as IcsEvent

PRODID = "-//Jobbforum//Jobbforum//SV"


@dataclass(frozen=True)
class CalendarEvent:
    """One calendar entry. ``uid`` must be stable (same entry → same uid) so updates replace it."""

    uid: str
    summary: str
    starts_at: datetime
    ends_at: datetime
    location: str = ""
    description: str = ""
    url: str = ""
    #: Bumped when the entry changes, so clients pick up the new version.
    sequence: int = 0
    cancelled: bool = False


def _calendar(name: str | None, method: str | None) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", method)
    if name:
        cal.add("x-wr-calname", name)
    return cal


def _component(item: CalendarEvent, stamp: datetime) -> IcsEvent:
    event = IcsEvent()
    event.add("uid", item.uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", item.starts_at.astimezone(UTC))
    event.add("dtend", item.ends_at.astimezone(UTC))
    event.add("summary", item.summary)
    event.add("sequence", item.sequence)
    event.add("status", "CANCELLED" if item.cancelled else "CONFIRMED")
    if item.location:
        event.add("location", item.location)
    if item.description:
        event.add("description", item.description)
    if item.url:
        event.add("url", item.url)
    return event


def event_to_ics(item: CalendarEvent, *, now: datetime | None = None) -> bytes:
    """A single-event ``.ics`` file (``METHOD:PUBLISH``), e.g. to download or attach to a mail."""
    cal = _calendar(None, "PUBLISH")
    cal.add_component(_component(item, now or datetime.now(UTC)))
    return cal.to_ical()


def calendar_feed(items: Iterable[CalendarEvent], *, name: str,
                  now: datetime | None = None) -> bytes:
    """A feed of many events for a calendar subscription (``webcal://``)."""
    cal = _calendar(name, None)
    stamp = now or datetime.now(UTC)
    for item in items:
        cal.add_component(_component(item, stamp))
    return cal.to_ical()
