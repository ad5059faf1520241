"""Staff accounts (programme staff and door staff)."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column

from jobbforum.models.base import Base, TimestampMixin, UTCDateTime, enum_type


class StaffRole(enum.Enum):
    """What a staff account may do. Admins can do everything coordinators can, and more."""

    admin = "admin"
    #: Programme staff: events, rounds, exhibitors, workshops, exports.
    coordinator = "coordinator"
    #: Door staff: the scanner and manual check-in only.
    door = "door"


class StaffUser(UserMixin, TimestampMixin, Base):
    """A person who works the system: logs in with email and password."""

    __tablename__ = "staff_users"
    __table_args__ = (sa.CheckConstraint("failed_logins >= 0", name="failed_logins_nonnegative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stored lower-case.
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[StaffRole] = mapped_column(enum_type(StaffRole, "staff_role"))
    active: Mapped[bool] = mapped_column(default=True)
    #: Consecutive failed logins; reset on success.
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    #: Bumped on logout-everywhere and password change; sessions carrying an older value are void.
    session_version: Mapped[int] = mapped_column(default=1)

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return self.active

    def has_role(self, *roles: StaffRole) -> bool:
        """Admins pass every check; others need one of ``roles``."""
        return self.role is StaffRole.admin or self.role in roles
