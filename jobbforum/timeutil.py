"""Time zones: everything is stored in UTC and shown in the configured zone (Europe/Stockholm)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

DEFAULT_TIMEZONE = "Europe/Stockholm"


def local_to_utc(value: datetime, tz: str = DEFAULT_TIMEZONE) -> datetime:
    """Interpret a naive wall-clock time in ``tz`` and convert it to aware UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(tz))
    return value.astimezone(UTC)


def utc_to_local(value: datetime, tz: str = DEFAULT_TIMEZONE) -> datetime:
    """Aware UTC → aware local time in ``tz``."""
    return value.astimezone(ZoneInfo(tz))


def format_span(starts: datetime, ends: datetime, *, locale: object, tz: str = DEFAULT_TIMEZONE,
                date_format: str = "full") -> str:
    """"måndag 14 december 2026 08:00–13:00" in ``locale``'s own words, order, digits and
    punctuation (CLDR via Babel), shown in ``tz``. A span over several days shows both dates."""
    from babel.dates import format_date, format_interval, get_datetime_format

    zone = ZoneInfo(tz)
    start, end = starts.astimezone(zone), ends.astimezone(zone)
    if start.date() != end.date():
        return format_interval(start, end, "yMMMdHm", tzinfo=zone, locale=locale)
    times = format_interval(start, end, "Hm", tzinfo=zone, locale=locale)
    day = format_date(start.date(), date_format, locale=locale)
    return get_datetime_format("long", locale=locale).replace("{1}", day).replace("{0}", times)
