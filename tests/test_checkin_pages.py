"""Check-in pages over HTTP: the scanner, walk-ins, lists, devices, review; and the CLI."""

from __future__ import annotations

import re

import sqlalchemy as sa

from jobbforum.models import AuditEvent, CheckIn, CheckInList, Device, Person, Registration
from jobbforum.services import checkin, devices
from tests.checkin_builders import *  # noqa: F403


def test_scanner_page_for_staff_and_devices(client, db, make_event, staff_client):
    event = make_event(title="Jobbforum Uppsala")
    anonymous = client.get(f"/checkin/{event.slug}")
    # A shared tablet without a login gets the page (no personal data on it) in device mode.
    assert anonymous.status_code == 200 and b'data-mode="device"' in anonymous.data
    assert b"walk-in" not in anonymous.data.lower().replace(b"walk-in-", b"")
    door = staff_client("door")
    page = door.get(f"/checkin/{event.slug}")
    assert page.status_code == 200 and b'data-mode="staff"' in page.data
    assert b"Jobbforum Uppsala" in page.data and b"vendor/jsQR.js" in page.data
    assert b"<script>" not in page.data and b"style=" not in page.data
    assert client.get("/checkin/nope").status_code == 404
    assert door.get(f"/checkin/{event.slug}?list=nope").status_code == 404


def test_walk_in_registers_and_checks_in(db, make_event, make_round, staff_client):
    programme_round = make_round(name="Omgång HT2026")
    event = make_event(rounds=[programme_round])
    door = staff_client("door")
    bad = door.post(f"/checkin/{event.slug}/walk-in",
                    data={"name": "", "role": "participant", "email": "not-an-email"})
    assert bad.status_code == 400
    assert b"Hawa Warsame" not in bad.data and b"not-an-email" in bad.data
    response = door.post(f"/checkin/{event.slug}/walk-in", data={
        "name": "Hawa Warsame", "role": "participant", "email": "hawa@example.com",
        "round": programme_round.slug, "consent": "y"})
    assert response.status_code == 302
    registration = db.session.scalar(sa.select(Registration))
    assert registration.person.round_id == programme_round.id
    assert registration.consent_version
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CheckIn)) == 1
    done = door.get(response.headers["Location"])
    assert registration.person.participant_code.encode() in done.data
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "registration.walk_in"))
    again = door.post(f"/checkin/{event.slug}/walk-in", data={
        "name": "Hawa W", "role": "participant", "email": "HAWA@example.com", "consent": "y"})
    assert again.status_code == 400 and b"already registered" in again.data
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Person)) == 1


def test_lists_page(db, make_event, staff_client):
    event = make_event()
    coordinator = staff_client("coordinator")
    assert staff_client("door").get(f"/checkin/{event.slug}/lists").status_code == 403
    page = coordinator.get(f"/checkin/{event.slug}/lists")
    assert page.status_code == 200 and b"entrance" in page.data
    response = coordinator.post(f"/checkin/{event.slug}/lists",
                                data={"name": "Mentor lounge", "allowed_roles": ["mentor"]})
    assert response.status_code == 302
    lounge = db.session.scalar(sa.select(CheckInList).where(CheckInList.name == "Mentor lounge"))
    assert lounge.allowed_roles == "mentor"
    duplicate = coordinator.post(f"/checkin/{event.slug}/lists", data={"name": "Mentor lounge"})
    assert duplicate.status_code == 400 and b"already has a list" in duplicate.data
    coordinator.post(f"/checkin/{event.slug}/lists/{lounge.id}",
                     data={f"list{lounge.id}-allowed_roles": ["mentor", "visitor"]})
    db.session.refresh(lounge)
    assert lounge.allowed_roles == "mentor,visitor"


def test_devices_page_shows_token_once_and_revokes(client, db, make_event, staff_client):
    event = make_event()
    coordinator = staff_client("coordinator")
    response = coordinator.post(f"/checkin/{event.slug}/devices", data={"gate": "Norra entrén"})
    assert response.status_code == 200
    token = re.search(rb'id="device-token-value">([^<]+)<', response.data).group(1).decode()
    device = db.session.scalar(sa.select(Device))
    assert device.token_hash == devices.hash_token(token) and token not in device.token_hash
    listing = coordinator.get(f"/checkin/{event.slug}/devices")
    assert token.encode() not in listing.data and b"Norra entr" in listing.data
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get(f"/api/v1/events/{event.slug}/checkin/stats", headers=headers).status_code == 200
    coordinator.post(f"/checkin/{event.slug}/devices/{device.id}/revoke")
    assert client.get(f"/api/v1/events/{event.slug}/checkin/stats", headers=headers).status_code == 401
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "device.revoked"))
    empty = coordinator.post(f"/checkin/{event.slug}/devices", data={"gate": " "})
    assert empty.status_code == 400


def test_review_lists_flagged_scans(db, make_ticket, staff_client):
    from jobbforum.services import tickets

    ticket = make_ticket()
    event = ticket.registration.event
    tickets.revoke_ticket(ticket)
    checkin.redeem(event, ticket.code, nonce="offline-1", force=True, gate="Södra")
    db.session.commit()
    page = staff_client("coordinator").get(f"/checkin/{event.slug}/review")
    assert ticket.registration.person.participant_code.encode() in page.data
    assert ticket.registration.person.name.encode() not in page.data


def test_cli_devices(app, db, make_event):
    event = make_event()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["devices", "create", event.slug, "--gate", "Norra entrén"])
    assert result.exit_code == 0, result.output
    token = result.stdout.strip()
    assert "\n" not in token and len(token) >= 40
    device = devices.authenticate(token)
    assert device is not None and device.gate == "Norra entrén"
    listing = runner.invoke(args=["devices", "list", event.slug])
    assert "Norra entrén" in listing.output and token not in listing.output
    revoked = runner.invoke(args=["devices", "revoke", event.slug, "--gate", "Norra entrén"])
    assert revoked.exit_code == 0, revoked.output
    db.session.expire_all()
    assert devices.authenticate(token) is None
    assert runner.invoke(args=["devices", "create", "nope", "--gate", "x"]).exit_code != 0
    assert runner.invoke(args=["devices", "revoke", event.slug, "--id", "999"]).exit_code != 0


def test_demo_step_is_idempotent(db, make_person):
    from jobbforum import demo
    from jobbforum.models import Event, Registration, Role

    first = demo.load(participants=4, exhibitors=0)
    tokens = [p for label, p, _r in first.logins if label.startswith("device")]
    assert len(tokens) == 1 and devices.authenticate(tokens[0]).gate == "Norra entrén"
    event = db.session.scalar(sa.select(Event).where(Event.slug == demo.DEMO_EVENT))
    # Registrations come from the participants' demo step; make some if it is not there.
    if not event.registrations:
        from jobbforum.services import tickets

        for _ in range(20):
            registration = Registration(event_id=event.id, person_id=make_person().id,
                                        role=Role.participant)
            db.session.add(registration)
            db.session.flush()
            tickets.issue_ticket(registration)
        db.session.commit()
    demo.load(participants=4, exhibitors=0)
    checked_in = checkin.stats(event)["checked_in"]
    assert 0 < checked_in < len(event.registrations)
    again = demo.load(participants=4, exhibitors=0)
    assert checkin.stats(event)["checked_in"] == checked_in
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Device)) == 1
    new_token = [p for label, p, _r in again.logins if label.startswith("device")][0]
    assert devices.authenticate(tokens[0]) is None and devices.authenticate(new_token)


def test_walk_in_badge_pdf(db, make_event, staff_client, artifacts):
    event = make_event()
    door = staff_client("door")
    response = door.post(f"/checkin/{event.slug}/walk-in", data={
        "name": "Tigist Haile", "role": "visitor", "consent": "y"})
    registration = db.session.scalar(sa.select(Registration))
    page = door.get(response.headers["Location"])
    assert f"/badge/{registration.id}".encode() in page.data
    badge = door.get(f"/checkin/{event.slug}/badge/{registration.id}")
    assert badge.status_code == 200 and badge.data.startswith(b"%PDF")
    assert registration.person.participant_code in badge.headers["Content-Disposition"]
    (artifacts / "checkin-walk-in-badge.pdf").write_bytes(badge.data)
    assert door.get(f"/checkin/{event.slug}/badge/99999").status_code == 404
    assert staff_client("door").get(f"/checkin/{make_event().slug}/badge/{registration.id}"
                                    ).status_code == 404
