"""Events and programme rounds."""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa

from jobbforum.extensions import db
from jobbforum.models import (
    ENTRANCE,
    CheckInList,
    Event,
    EventKind,
    EventStatus,
    ProgrammeRound,
    StaffUser,
)
from jobbforum.services import audit
from jobbforum.services.errors import Conflict, InvalidInput, N_, NotFound

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

EVENT_FIELDS = (
    "slug", "title", "kind", "status", "description", "venue", "address", "starts_at", "ends_at",
    "capacity", "registration_opens_at", "registration_closes_at",
)
ROUND_FIELDS = ("slug", "name", "county", "term", "starts_on", "ends_on")


def slugify(text: str) -> str:
    """ASCII slug: ``Jobbforum Uppsala 2026`` → ``jobbforum-uppsala-2026``."""
    text = text.lower().translate(str.maketrans("åäöéü", "aaoeu"))
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:80]


def get_event(slug: str) -> Event:
    event = db.session.scalar(sa.select(Event).where(Event.slug == slug))
    if event is None:
        raise NotFound(N_("No event '%(slug)s'."), slug=slug)
    return event


def get_round(slug: str) -> ProgrammeRound:
    programme_round = db.session.scalar(sa.select(ProgrammeRound).where(ProgrammeRound.slug == slug))
    if programme_round is None:
        raise NotFound(N_("No programme round '%(slug)s'."), slug=slug)
    return programme_round


def _snapshot(obj: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    return {f: getattr(obj, f) for f in fields}


def _validate_event(data: dict[str, Any]) -> None:
    if not SLUG_RE.match(data["slug"] or ""):
        raise InvalidInput(N_("The short name may contain only a–z, 0–9 and hyphens."), field="slug")
    if data["ends_at"] <= data["starts_at"]:
        raise InvalidInput(N_("The event must end after it starts."), field="ends_at")
    opens, closes = data.get("registration_opens_at"), data.get("registration_closes_at")
    if opens and closes and closes <= opens:
        raise InvalidInput(N_("Registration must close after it opens."), field="registration_closes_at")
    if data.get("capacity") is not None and data["capacity"] < 1:
        raise InvalidInput(N_("Capacity must be at least 1, or empty for no limit."), field="capacity")


def ensure_entrance_list(event: Event) -> CheckInList:
    """Every event has an ``entrance`` check-in list; create it if missing (two first scans at
    once make one list: the unique name lets one insert through, the other finds it)."""
    from jobbforum.services.checkin import insert_unless_conflict

    query = sa.select(CheckInList).where(CheckInList.event_id == event.id,
                                         CheckInList.name == ENTRANCE)
    existing = db.session.scalar(query)
    if existing is None:
        db.session.flush()
        insert_unless_conflict(CheckInList.__table__,
                               {"event_id": event.id, "name": ENTRANCE, "allowed_roles": ""})
        existing = db.session.scalars(query).one()
    return existing


def create_event(
    *,
    actor: StaffUser | None,
    actor_label: str = "",
    rounds: list[ProgrammeRound] | None = None,
    **data: Any,
) -> Event:
    """Create an event with its entrance check-in list. Slugs are unique."""
    data.setdefault("kind", EventKind.jobbforum)
    data.setdefault("status", EventStatus.draft)
    data.setdefault("slug", slugify(data.get("title", "")))
    _validate_event(data)
    if db.session.scalar(sa.select(Event.id).where(Event.slug == data["slug"])) is not None:
        raise Conflict(N_("Another event already uses this short name."), field="slug")
    event = Event(**data)
    event.rounds = list(rounds or [])
    db.session.add(event)
    db.session.flush()
    ensure_entrance_list(event)
    audit.record("event.created", actor=actor, actor_label=actor_label, obj=event, event_id=event.id,
                 details=_snapshot(event, EVENT_FIELDS))
    return event


def update_event(
    event: Event,
    *,
    actor: StaffUser | None,
    actor_label: str = "",
    rounds: list[ProgrammeRound] | None = None,
    **changes: Any,
) -> Event:
    """Apply ``changes``; the audit entry holds the diff."""
    before = _snapshot(event, EVENT_FIELDS)
    data = {**before, **changes}
    _validate_event(data)
    if data["slug"] != event.slug and db.session.scalar(
        sa.select(Event.id).where(Event.slug == data["slug"])
    ) is not None:
        raise Conflict(N_("Another event already uses this short name."), field="slug")
    for key, value in changes.items():
        setattr(event, key, value)
    round_change = {}
    if rounds is not None:
        old = sorted(r.slug for r in event.rounds)
        event.rounds = list(rounds)
        new = sorted(r.slug for r in rounds)
        if old != new:
            round_change = {"rounds": [old, new]}
    db.session.flush()
    changed = audit.diff(before, _snapshot(event, EVENT_FIELDS)) | round_change
    if changed:
        audit.record("event.updated", actor=actor, actor_label=actor_label, obj=event,
                     event_id=event.id, details=changed)
    return event


def _validate_round(data: dict[str, Any]) -> None:
    if not SLUG_RE.match(data["slug"] or ""):
        raise InvalidInput(N_("The short name may contain only a–z, 0–9 and hyphens."), field="slug")
    if data["ends_on"] < data["starts_on"]:
        raise InvalidInput(N_("The round must end after it starts."), field="ends_on")


def create_round(*, actor: StaffUser | None, actor_label: str = "", **data: Any) -> ProgrammeRound:
    """Create a programme round. Slugs are unique."""
    data.setdefault("slug", slugify(data.get("name", "")))
    _validate_round(data)
    if db.session.scalar(sa.select(ProgrammeRound.id).where(ProgrammeRound.slug == data["slug"])):
        raise Conflict(N_("Another round already uses this short name."), field="slug")
    programme_round = ProgrammeRound(**data)
    db.session.add(programme_round)
    db.session.flush()
    audit.record("round.created", actor=actor, actor_label=actor_label, obj=programme_round,
                 details=_snapshot(programme_round, ROUND_FIELDS))
    return programme_round


def update_round(programme_round: ProgrammeRound, *, actor: StaffUser | None, actor_label: str = "",
                 **changes: Any) -> ProgrammeRound:
    before = _snapshot(programme_round, ROUND_FIELDS)
    data = {**before, **changes}
    _validate_round(data)
    if data["slug"] != programme_round.slug and db.session.scalar(
        sa.select(ProgrammeRound.id).where(ProgrammeRound.slug == data["slug"])
    ):
        raise Conflict(N_("Another round already uses this short name."), field="slug")
    for key, value in changes.items():
        setattr(programme_round, key, value)
    db.session.flush()
    changed = audit.diff(before, _snapshot(programme_round, ROUND_FIELDS))
    if changed:
        audit.record("round.updated", actor=actor, actor_label=actor_label, obj=programme_round,
                     details=changed)
    return programme_round


def list_events(*, public_only: bool = False) -> list[Event]:
    query = sa.select(Event).order_by(Event.starts_at.desc())
    if public_only:
        query = query.where(Event.status == EventStatus.published)
    return list(db.session.scalars(query))


def list_rounds() -> list[ProgrammeRound]:
    return list(db.session.scalars(sa.select(ProgrammeRound).order_by(ProgrammeRound.starts_on.desc())))

