"""Door devices: a shared tablet or phone at a gate, authenticated by a bearer token.

The token is shown once when the device is created and only its SHA-256 is stored, so a copy of
the database does not let anyone check people in. A revoked token stops working at once.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from jobbforum.codes import new_secret_token
from jobbforum.extensions import db
from jobbforum.models import Device, Event, StaffUser, utcnow
from jobbforum.services import audit
from jobbforum.services.errors import InvalidInput, N_, NotFound

#: Longest accepted gate name (the column's length).
MAX_GATE_LENGTH = 80
#: Longer bearer tokens are refused unread.
MAX_TOKEN_LENGTH = 128
#: ``last_seen_at`` is refreshed at most this often (not on every scan: it would cost a write).
LAST_SEEN_RESOLUTION = timedelta(minutes=1)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_device(event: Event, gate: str, *, actor: StaffUser | None = None,
                  actor_label: str = "") -> tuple[Device, str]:
    """Create a device for ``event`` at ``gate``; returns it and its token (shown once, never stored)."""
    gate = " ".join(gate.split())
    if not gate or len(gate) > MAX_GATE_LENGTH:
        raise InvalidInput(N_("Give the gate a name of 1–%(max)s characters."), field="gate",
                           max=MAX_GATE_LENGTH)
    token = new_secret_token()
    device = Device(event_id=event.id, gate=gate, token_hash=hash_token(token))
    db.session.add(device)
    db.session.flush()
    audit.record("device.created", actor=actor, actor_label=actor_label, obj=device,
                 event_id=event.id, details={"gate": gate})
    return device, token


def revoke_device(device: Device, *, actor: StaffUser | None = None, actor_label: str = "") -> None:
    """Revoke the device's token; its next request is refused. Revoking twice changes nothing."""
    if device.revoked_at is not None:
        return
    device.revoked_at = utcnow()
    db.session.flush()
    audit.record("device.revoked", actor=actor, actor_label=actor_label, obj=device,
                 event_id=device.event_id, details={"gate": device.gate})


def rotate_token(device: Device, *, actor: StaffUser | None = None, actor_label: str = "") -> str:
    """Give the device a new token (the old one stops working at once) and return it; also
    un-revokes it. For a lost token, and for the demo, which prints a fresh one on every load."""
    token = new_secret_token()
    device.token_hash = hash_token(token)
    device.revoked_at = None
    db.session.flush()
    audit.record("device.token_rotated", actor=actor, actor_label=actor_label, obj=device,
                 event_id=device.event_id, details={"gate": device.gate})
    return token


# Built once: every scan at a door starts here.
_BY_TOKEN_HASH = (sa.select(Device).options(joinedload(Device.event, innerjoin=True))
                  .where(Device.token_hash == sa.bindparam("token_hash")))


def authenticate(token: str) -> Device | None:
    """The active device whose token this is (its event loaded), or ``None`` (unknown, revoked
    or malformed token)."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    device = db.session.scalar(_BY_TOKEN_HASH, {"token_hash": hash_token(token)})
    if device is None or device.revoked_at is not None:
        return None
    now = utcnow()
    if device.last_seen_at is None or now - device.last_seen_at > LAST_SEEN_RESOLUTION:
        device.last_seen_at = now
        db.session.flush()
    return device


def get_device(event: Event, device_id: int) -> Device:
    device = db.session.get(Device, device_id)
    if device is None or device.event_id != event.id:
        raise NotFound(N_("No such device."))
    return device


def find_devices(event: Event, gate: str | None = None) -> list[Device]:
    """The event's devices (newest first), optionally only those at ``gate``."""
    query = sa.select(Device).where(Device.event_id == event.id)
    if gate is not None:
        query = query.where(Device.gate == gate)
    return list(db.session.scalars(query.order_by(Device.created_at.desc(), Device.id.desc())))
