"""Writing and reading the audit log. Entries are only ever appended: the ORM refuses to update
or delete one (see :func:`_append_only`), and the viewer is read-only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from jobbforum.extensions import db
from jobbforum.models import AuditEvent, StaffUser


class AuditLogIsAppendOnly(RuntimeError):
    """Something tried to change or delete an audit entry."""


@sa.event.listens_for(Session, "before_flush")
def _append_only(session: Session, _context: Any, _instances: Any) -> None:
    for obj in (*session.dirty, *session.deleted):
        if isinstance(obj, AuditEvent) and (obj in session.deleted or session.is_modified(obj)):
            raise AuditLogIsAppendOnly(f"audit entry {obj.id} may not be changed or deleted")


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Fields whose value changed, as ``{field: [old, new]}`` (values made JSON-friendly)."""
    changed = {}
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if old != new:
            changed[key] = [_plain(old), _plain(new)]
    return changed


def _plain(value: Any) -> Any:
    if hasattr(value, "value") and not isinstance(value, (int, float, str, bool)):
        return value.value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def record(
    action: str,
    *,
    actor: StaffUser | None = None,
    actor_label: str = "",
    obj: Any = None,
    event_id: int | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append an audit entry (flushed with the caller's transaction, so it commits with the change)."""
    entry = AuditEvent(
        action=action,
        actor_user_id=actor.id if actor is not None else None,
        actor_label=actor_label or (actor.email if actor is not None else "system"),
        object_type=type(obj).__name__ if obj is not None else "",
        object_id=str(getattr(obj, "id", "") or "") if obj is not None else "",
        event_id=event_id,
        details={k: _plain(v) for k, v in (details or {}).items()},
    )
    db.session.add(entry)
    db.session.flush()
    return entry


@dataclass(frozen=True)
class AuditFilter:
    """What the audit log viewer narrows the log to; empty fields do not filter."""

    #: An exact action (``event.updated``) or a prefix ending in a dot (``exhibitor.``).
    action: str = ""
    #: Part of the actor's label (a staff email, ``cli``, ``device:North door`` …).
    actor: str = ""
    event_id: int | None = None
    #: Inclusive UTC bounds.
    since: datetime | None = None
    until: datetime | None = None


def search(filters: AuditFilter, *, page: int = 1, per_page: int = 50
           ) -> tuple[list[AuditEvent], int]:
    """One page of the audit log, newest first, and the number of matching entries.

    Read-only: the log is only ever appended to by :func:`record`; nothing updates or deletes it.
    """
    query = sa.select(AuditEvent)
    if filters.action:
        query = query.where(AuditEvent.action.startswith(filters.action, autoescape=True)
                            if filters.action.endswith(".") else
                            AuditEvent.action == filters.action)
    if filters.actor:
        query = query.where(AuditEvent.actor_label.contains(filters.actor, autoescape=True))
    if filters.event_id is not None:
        query = query.where(AuditEvent.event_id == filters.event_id)
    if filters.since is not None:
        query = query.where(AuditEvent.at >= filters.since)
    if filters.until is not None:
        query = query.where(AuditEvent.at <= filters.until)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    rows = db.session.scalars(query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
                              .limit(per_page).offset((max(page, 1) - 1) * per_page)).all()
    return list(rows), total


def action_names() -> list[str]:
    """Every action that occurs in the log, sorted (for the viewer's filter)."""
    return list(db.session.scalars(sa.select(AuditEvent.action).distinct()
                                   .order_by(AuditEvent.action)))
