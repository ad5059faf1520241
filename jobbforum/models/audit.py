"""The audit log: who changed what, when. Rows are only ever inserted."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from jobbforum.models.base import Base, UTCDateTime, utcnow


class AuditEvent(Base):
    """One audited action. ``details`` holds a diff of changed fields, never passwords or tokens."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    actor_user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("staff_users.id", ondelete="SET NULL"), nullable=True, index=True
    )
    #: Who acted when not a staff user: ``cli``, ``system``, ``exhibitor-link``, ``device:<gate>``.
    actor_label: Mapped[str] = mapped_column(sa.String(120), default="")
    #: Dotted verb, e.g. ``user.login``, ``event.updated``.
    action: Mapped[str] = mapped_column(sa.String(80), index=True)
    object_type: Mapped[str] = mapped_column(sa.String(60), default="")
    object_id: Mapped[str] = mapped_column(sa.String(60), default="")
    event_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("events.id", ondelete="SET NULL"), nullable=True, index=True
    )
    details: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
