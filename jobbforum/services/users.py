"""Staff accounts: creation, passwords, login with lockout."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import lru_cache

import sqlalchemy as sa
from werkzeug.security import check_password_hash, generate_password_hash

from jobbforum.extensions import db
from jobbforum.models import StaffRole, StaffUser, utcnow
from jobbforum.services import audit
from jobbforum.services.errors import AccountLocked, Conflict, InvalidCredentials, InvalidInput, N_

MIN_PASSWORD_LENGTH = 10
#: How many of the most common breached passwords are refused.
COMMON_PASSWORDS_CHECKED = 10_000
#: A hash of nothing, checked against when the email is unknown so both paths take the same time.
_DUMMY_HASH = generate_password_hash("not a real password")


def hash_password(password: str) -> str:
    """Hash with scrypt (Werkzeug's default KDF), salted."""
    return generate_password_hash(password)


@lru_cache(maxsize=1)
def _common_passwords() -> frozenset[str]:
    """The 10,000 commonest passwords from breach corpora (ranked list shipped with zxcvbn)."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"][:COMMON_PASSWORDS_CHECKED])


def check_password_policy(password: str) -> None:
    """NIST SP 800-63B: a minimum length and no commonly breached passwords; no composition
    rules (no "one digit and one capital"), which only make passwords harder to remember."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(N_("The password must be at least %(min)s characters."), min=MIN_PASSWORD_LENGTH)
    if len(password) > 256:
        raise InvalidInput(N_("The password must be at most 256 characters."))
    if password.lower() in _common_passwords():
        raise InvalidInput(N_("This password is one of the most common ones in data breaches. "
                           "Choose another, for example a few unrelated words."))


def find_user(email: str) -> StaffUser | None:
    return db.session.scalar(sa.select(StaffUser).where(StaffUser.email == email.strip().lower()))


def create_user(
    email: str, password: str, role: StaffRole, *, actor: StaffUser | None = None, actor_label: str = ""
) -> StaffUser:
    """Create a staff account; raises :class:`Conflict` if the email is taken."""
    email = email.strip().lower()
    if "@" not in email:
        raise InvalidInput(N_("Enter a valid email address."))
    check_password_policy(password)
    if find_user(email) is not None:
        raise Conflict(N_("A staff account with the email %(email)s already exists."), email=email)
    user = StaffUser(email=email, password_hash=hash_password(password), role=role)
    db.session.add(user)
    db.session.flush()
    audit.record("user.created", actor=actor, actor_label=actor_label, obj=user,
                 details={"email": email, "role": role})
    return user


def set_password(user: StaffUser, password: str, *, actor: StaffUser | None = None,
                 actor_label: str = "") -> None:
    """Change the password and end every existing session of the account."""
    check_password_policy(password)
    user.password_hash = hash_password(password)
    user.session_version += 1
    user.failed_logins = 0
    user.locked_until = None
    db.session.flush()
    audit.record("user.password_changed", actor=actor, actor_label=actor_label, obj=user)


def authenticate(
    email: str, password: str, *, threshold: int = 5, lockout: timedelta = timedelta(minutes=15),
    now: datetime | None = None,
) -> StaffUser:
    """Return the account if the password is right.

    After ``threshold`` consecutive failures the account is locked for ``lockout``; a locked
    account is refused even with the right password. Every outcome is audited.
    """
    now = now or utcnow()
    user = find_user(email)
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        audit.record("user.login_failed", actor_label="anonymous", details={"reason": "unknown"})
        raise InvalidCredentials()
    if user.locked_until is not None and user.locked_until > now:
        audit.record("user.login_locked", actor_label=user.email, obj=user)
        raise AccountLocked()
    if not user.active or not check_password_hash(user.password_hash, password):
        user.failed_logins += 1
        details: dict[str, object] = {"failed_logins": user.failed_logins}
        if user.failed_logins >= threshold:
            user.locked_until = now + lockout
            user.failed_logins = 0
            details["locked_until"] = user.locked_until
        db.session.flush()
        audit.record("user.login_failed", actor_label=user.email, obj=user, details=details)
        if user.locked_until is not None and user.locked_until > now:
            raise AccountLocked()
        raise InvalidCredentials()
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    db.session.flush()
    audit.record("user.login", actor=user, obj=user)
    return user


def logout(user: StaffUser) -> None:
    """End every session of the account (a stolen cookie stops working)."""
    user.session_version += 1
    db.session.flush()
    audit.record("user.logout", actor=user, obj=user)


def load_session_user(session_id: str) -> StaffUser | None:
    """Resolve Flask-Login's ``id:version`` token; a stale version gives ``None``."""
    try:
        user_id, version = (int(part) for part in session_id.split(":", 1))
    except ValueError:
        return None
    user = db.session.get(StaffUser, user_id)
    if user is None or user.session_version != version or not user.active:
        return None
    return user
