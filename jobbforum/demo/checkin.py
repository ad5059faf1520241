"""Demo door: a device at "Norra entrén", an exhibitor entrance list, and some check-ins.

Runs after the participants' step; with no demo registrations yet it only sets up the door.
Idempotent: the device and list are found by gate and name, and each check-in uses a stable
nonce, so loading again records nothing twice.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa

from jobbforum.extensions import db
from jobbforum.models import Event, Registration, RegistrationStatus
from jobbforum.services import checkin, devices

if TYPE_CHECKING:
    from jobbforum.demo import DemoContext

GATE = "Norra entrén"
EXHIBITOR_LIST = "Utställaringång"
#: Two in five demo registrations are already checked in (the fair is "under way"); chosen by
#: id, not by the random generator, so that loading again picks the same people.
CHECKED_IN_OF_FIVE = 2


def load_checkin(context: DemoContext) -> None:
    from jobbforum.demo import DEMO_EVENT

    event = db.session.scalar(sa.select(Event).where(Event.slug == DEMO_EVENT))
    if event is None:
        return
    device = next(iter(devices.find_devices(event, GATE)), None)
    if device is None:
        device, token = devices.create_device(event, GATE, actor_label="demo")
    else:
        token = devices.rotate_token(device, actor_label="demo")
    # Printed with the staff logins (a device token is a door login for a shared tablet).
    context.logins.append((f"device {GATE}", token, "door device"))
    if EXHIBITOR_LIST not in {c.name for c in checkin.find_lists(event)}:
        checkin.create_list(event, EXHIBITOR_LIST, "exhibitor", actor_label="demo")
    registrations = db.session.scalars(
        sa.select(Registration).where(Registration.event_id == event.id,
                                      Registration.status == RegistrationStatus.confirmed)
        .order_by(Registration.id)).all()
    for registration in registrations:
        ticket = registration.active_ticket
        if ticket is None or registration.id % 5 >= CHECKED_IN_OF_FIVE:
            continue
        checkin.redeem(event, ticket.code, nonce=f"demo-{registration.id}", gate=GATE, device=device)
