"""Private links: signed, expiring, revocable tokens for pages opened from an email.

A token is the signed nonce of a :class:`PrivateLink` row. It is checked in three steps:
the signature (tampering), the row (unknown or revoked), and the expiry.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from jobbforum.extensions import db
from jobbforum.models import PrivateLink, utcnow
from jobbforum.services.errors import DomainError, N_

_SALT = "jobbforum.private-link.v1"


class LinkInvalid(DomainError):
    """This link is not valid. Check that you copied the whole link from the email."""

    code = "link_invalid"
    http_status = 404
    message = N_("This link is not valid. Check that you copied the whole link from the email.")


class LinkExpired(DomainError):
    """This link has expired."""

    code = "link_expired"
    http_status = 410
    message = N_("This link has expired.")


class LinkRevoked(DomainError):
    """This link no longer works. A newer link may have been sent to you."""

    code = "link_revoked"
    http_status = 410
    message = N_("This link no longer works. A newer link may have been sent to you.")


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def issue(purpose: str, subject_id: int, *, expires_at: datetime) -> str:
    """Create a link for ``subject_id`` and return its token (to put in a URL)."""
    link = PrivateLink(purpose=purpose, subject_id=subject_id, nonce=secrets.token_urlsafe(16),
                       expires_at=expires_at)
    db.session.add(link)
    db.session.flush()
    return _serializer().dumps([purpose, link.nonce])


def resolve(token: str, purpose: str, *, now: datetime | None = None) -> PrivateLink:
    """The link row for ``token``; raises :class:`LinkInvalid`, :class:`LinkRevoked` or
    :class:`LinkExpired`. Never says which subject a bad token was for."""
    try:
        token_purpose, nonce = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        raise LinkInvalid() from None
    if token_purpose != purpose:
        raise LinkInvalid()
    link = db.session.scalar(sa.select(PrivateLink).where(PrivateLink.nonce == nonce))
    if link is None or link.purpose != purpose:
        raise LinkInvalid()
    if link.revoked_at is not None:
        raise LinkRevoked()
    if (now or utcnow()) >= link.expires_at:
        raise LinkExpired()
    return link


def touch(link: PrivateLink) -> None:
    link.last_used_at = utcnow()
    db.session.flush()


def revoke_all(purpose: str, subject_id: int) -> int:
    """Revoke every live link for the subject; returns how many."""
    links = db.session.scalars(sa.select(PrivateLink).where(
        PrivateLink.purpose == purpose, PrivateLink.subject_id == subject_id,
        PrivateLink.revoked_at.is_(None)))
    count = 0
    for link in links:
        link.revoked_at = utcnow()
        count += 1
    db.session.flush()
    return count


def forget(purpose: str, subject_ids: Iterable[int]) -> int:
    """Delete every link for these subjects, which are being deleted: a link must not outlive its
    subject (SQLite gives a new row the id of a deleted one, and the link would open that row).
    Returns how many links went."""
    ids = list(subject_ids)
    if not ids:
        return 0
    return db.session.execute(sa.delete(PrivateLink).where(
        PrivateLink.purpose == purpose, PrivateLink.subject_id.in_(ids))).rowcount or 0


def token_for(link: PrivateLink) -> str:
    """The token of an existing link (the same one :func:`issue` returned for it)."""
    return _serializer().dumps([link.purpose, link.nonce])
