"""Writing the audit log."""

from __future__ import annotations

from typing import Any

from jobbforum.extensions import db
from jobbforum.models import AuditEvent, StaffUser


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
