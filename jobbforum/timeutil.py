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
