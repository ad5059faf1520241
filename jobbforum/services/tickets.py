"""Tickets: issue, revoke and reissue, look up by scanned code.

The QR code on a ticket holds only :attr:`Ticket.code` (see :func:`jobbforum.codes.new_ticket_code`).
"""

from __future__ import annotations

import sqlalchemy as sa

from jobbforum.codes import new_ticket_code
from jobbforum.extensions import db
from jobbforum.models import Registration, StaffUser, Ticket, TicketStatus, utcnow
from jobbforum.services import audit

#: Longest text accepted as a scanned code (anything longer is not one of ours).
MAX_CODE_LENGTH = 64


def normalise_scanned_code(text: str) -> str:
    """What a scanner or keyboard wedge typed, cleaned of whitespace and control characters."""
    if text.isascii() and text.isprintable() and " " not in text:
        return text  # a clean scan, the usual case (in printable ASCII the only space is " ")
    return "".join(ch for ch in text if ch.isprintable() and not ch.isspace())


def find_by_code(code: str) -> Ticket | None:
    """The ticket with this code (any status), or ``None``."""
    code = normalise_scanned_code(code)
    if not code or len(code) > MAX_CODE_LENGTH:
        return None
    return db.session.scalar(sa.select(Ticket).where(Ticket.code == code))


def issue_ticket(registration: Registration, *, actor: StaffUser | None = None,
                 actor_label: str = "") -> Ticket:
    """Give the registration a new active ticket, revoking any active one first.

    Guarantees at most one active ticket per registration (also enforced by a partial unique
    index); the old code stops admitting anyone at once.
    """
    now = utcnow()
    old = db.session.scalars(sa.select(Ticket).where(
        Ticket.registration_id == registration.id, Ticket.status == TicketStatus.active)).all()
    for ticket in old:
        ticket.status = TicketStatus.revoked
        ticket.revoked_at = now
    db.session.flush()
    ticket = Ticket(registration_id=registration.id, code=new_ticket_code(),
                    status=TicketStatus.active, issued_at=now)
    db.session.add(ticket)
    db.session.flush()
    if old:
        audit.record("ticket.reissued", actor=actor, actor_label=actor_label, obj=ticket,
                     event_id=registration.event_id,
                     details={"registration_id": registration.id, "revoked": [t.id for t in old]})
    return ticket


def revoke_ticket(ticket: Ticket, *, actor: StaffUser | None = None, actor_label: str = "") -> None:
    """Revoke the ticket; its code stops working at once."""
    if ticket.status is TicketStatus.revoked:
        return
    ticket.status = TicketStatus.revoked
    ticket.revoked_at = utcnow()
    db.session.flush()
    audit.record("ticket.revoked", actor=actor, actor_label=actor_label, obj=ticket,
                 event_id=ticket.registration.event_id)
