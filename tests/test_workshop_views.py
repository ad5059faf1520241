"""Workshop pages over HTTP: coordinator forms with conflict warnings, bookings, assignment
preview/confirm, PDFs, roll-call sync; the participant booking page from the private link."""

from __future__ import annotations

from datetime import timedelta

import icalendar
import sqlalchemy as sa

from jobbforum.extensions import db as _db
from jobbforum.models import Booking, BookingStatus, CheckIn, Theme, utcnow
from jobbforum.services import workshops as ws
from jobbforum.timeutil import utc_to_local
from tests.workshops_builders import make_room, make_session, members  # noqa: F401


def _local(value):
    return utc_to_local(value).strftime("%Y-%m-%dT%H:%M")


def test_session_form_shows_conflicts_then_saves_when_confirmed(staff_client, make_room,
                                                                make_session, make_round):
    client = staff_client("coordinator")
    programme_round = make_round()
    room = make_room(capacity=20)
    existing = make_session(rounds=[programme_round], room=room)
    form = {"theme": "networking", "audience": "both", "rounds": [programme_round.id],
            "room_id": room.id, "capacity": 25, "facilitator": existing.facilitator,
            "starts_at": _local(existing.starts_at), "ends_at": _local(existing.ends_at)}
    response = client.post("/admin/workshops/sessions/new", data=form)
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert 'class="conflict-room"' in page and 'class="conflict-facilitator"' in page
    assert 'class="conflict-capacity"' in page and 'value="25"' in page  # input kept
    assert _db.session.scalar(sa.select(sa.func.count()).select_from(ws.WorkshopSession)) == 1
    response = client.post("/admin/workshops/sessions/new", data={**form, "confirm_conflicts": "y"})
    assert response.status_code == 302
    assert _db.session.scalar(sa.select(sa.func.count()).select_from(ws.WorkshopSession)) == 2

    bad = client.post("/admin/workshops/sessions/new", data={**form, "ends_at": form["starts_at"]})
    assert bad.status_code == 400 and "must end after" in bad.get_data(as_text=True)


def test_coordinator_pages_render(staff_client, make_session, make_round, members):
    client = staff_client("coordinator")
    programme_round = make_round()
    session = make_session(rounds=[programme_round], capacity=1)
    a, b = members(programme_round, 2)
    for path in ("/admin/workshops/", f"/admin/workshops/?round={programme_round.slug}&county=stockholm",
                 "/admin/workshops/rooms", "/admin/workshops/rooms/new",
                 f"/admin/workshops/sessions/{session.id}",
                 f"/admin/workshops/sessions/{session.id}/edit",
                 f"/admin/workshops/rounds/{programme_round.slug}"):
        assert client.get(path).status_code == 200, path
    for path in ("/admin/workshops/timetable.pdf", f"/admin/workshops/sessions/{session.id}/door-sign.pdf"):
        response = client.get(path)
        assert response.status_code == 200 and response.data.startswith(b"%PDF"), path

    # Book on behalf: the second is waitlisted unless capacity is overridden.
    url = f"/admin/workshops/sessions/{session.id}/book"
    assert client.post(url, data={"participant_code": a.participant_code}).status_code == 302
    assert client.post(url, data={"participant_code": "NOPE"}).status_code == 400
    client.post(url, data={"participant_code": b.participant_code.lower(), "override_capacity": "y"})
    assert ws.seat_counts([session.id])[session.id] == (2, 0)
    door = staff_client("door")
    assert door.get("/admin/workshops/").status_code == 403
    assert door.get(f"/admin/workshops/sessions/{session.id}/rollcall").status_code == 200


def test_assignment_preview_then_confirm(staff_client, make_session, make_round, members):
    client = staff_client("coordinator")
    programme_round = make_round()
    make_session(rounds=[programme_round], theme=Theme.kickoff, capacity=5)
    members(programme_round, 3)
    url = f"/admin/workshops/rounds/{programme_round.slug}/assign/kickoff"
    page = client.get(url)
    assert page.status_code == 200 and "Confirm" in page.get_data(as_text=True)
    assert _db.session.scalar(sa.select(sa.func.count()).select_from(Booking)) == 0
    assert client.post(url, data={"fingerprint": "stale"}).status_code == 200  # refused, re-shown
    assert _db.session.scalar(sa.select(sa.func.count()).select_from(Booking)) == 0
    from jobbforum.services import workshop_assign

    fingerprint = workshop_assign.preview(programme_round, Theme.kickoff).fingerprint
    assert client.post(url, data={"fingerprint": fingerprint}).status_code == 302
    assert _db.session.scalar(sa.select(sa.func.count()).select_from(Booking)) == 3
    assert client.get(f"/admin/workshops/rounds/{programme_round.slug}/assign/nope").status_code == 404


def test_rollcall_sync_api(staff_client, make_session, make_round, members):
    client = staff_client("door")
    programme_round = make_round()
    session = make_session(rounds=[programme_round])
    person, = members(programme_round, 1)
    ws.book_session(person, session)
    _db.session.commit()
    url = f"/admin/workshops/sessions/{session.id}/rollcall/sync"
    tick = {"person_id": person.id, "present": True, "nonce": "abc", "at": "2026-12-01T10:00:00Z"}
    response = client.post(url, json={"ticks": [tick]})
    assert response.status_code == 200 and response.json["checked_in"] == 1
    assert client.post(url, json={"ticks": [tick]}).json["checked_in"] == 0
    bad = client.post(url, json={"ticks": "x"})
    assert bad.status_code == 400 and bad.json["status"] == "error"
    assert _db.session.scalar(sa.select(sa.func.count()).select_from(CheckIn)) == 1
    # Without JavaScript: the form posts the ticked boxes.
    client.post(f"/admin/workshops/sessions/{session.id}/rollcall", data={})
    assert _db.session.scalar(sa.select(sa.func.count()).select_from(CheckIn)) == 0


def test_participant_books_ranks_cancels_and_downloads_calendar(client, make_session, make_round,
                                                               members):
    programme_round = make_round()
    session = make_session(rounds=[programme_round], theme=Theme.interview)
    ranked = make_session(rounds=[programme_round], theme=Theme.networking, days=12)
    ws.set_collect_preferences(programme_round, Theme.networking, True, actor=None)
    person, = members(programme_round, 1)
    token = ws.booking_url(person).rsplit("/", 1)[1]
    _db.session.commit()
    page = client.get(f"/b/{token}")
    assert page.status_code == 200
    assert "Choice 1" in page.get_data(as_text=True)
    assert client.post(f"/b/{token}/book/{session.id}").status_code == 302
    booking = ws.active_booking(person, Theme.interview)
    assert booking.status is BookingStatus.booked
    ics = client.get(f"/b/{token}/booking/{booking.id}.ics")
    assert ics.mimetype == "text/calendar"
    assert icalendar.Calendar.from_ical(ics.data).walk("VEVENT")[0].decoded("dtstart") == session.starts_at
    secret = ws.feed_secret(person)
    _db.session.commit()
    assert len(icalendar.Calendar.from_ical(client.get(f"/cal/{secret}.ics").data).walk("VEVENT")) == 1

    assert client.post(f"/b/{token}/rank/networking", data={"choice": [str(ranked.id)]}).status_code == 302
    assert ws.preferences_of(person) == {Theme.networking: [ranked.id]}
    client.post(f"/b/{token}/book/{ranked.id}")  # preferences only: refused with a message
    assert ws.active_booking(person, Theme.networking) is None

    assert client.post(f"/b/{token}/cancel/{booking.id}").status_code == 302
    _db.session.refresh(booking)
    assert booking.status is BookingStatus.cancelled
    assert client.get("/b/garbage").status_code == 404
    assert client.get("/cal/garbage.ics").status_code == 404


def test_participant_replaces_the_calendar_address_and_erasure_ends_it(client, make_round, members):
    from jobbforum.services import privacy

    person, = members(make_round(), 1)
    token = ws.booking_url(person).rsplit("/", 1)[1]
    old = ws.feed_secret(person)
    _db.session.commit()
    assert old in client.get(f"/b/{token}").get_data(as_text=True)
    response = client.post(f"/b/{token}/calendar/new", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "new address" in page and old not in page
    new = ws.feed_secret(person)
    assert new != old and new in page
    assert client.get(f"/cal/{old}.ics").status_code == 404
    assert client.get(f"/cal/{new}.ics").status_code == 200
    privacy.erase_person(person, actor_label="test")
    _db.session.commit()
    assert client.get(f"/cal/{new}.ics").status_code == 404


def test_door_scan_accepts_the_jobbforum_badge(staff_client, make_event, make_session, make_round,
                                               members):
    from jobbforum.models import Registration, Role
    from jobbforum.services import tickets

    client = staff_client("door")
    programme_round = make_round()
    session = make_session(rounds=[programme_round], theme=Theme.kickoff)
    booked, walk_in = members(programme_round, 2)
    ws.book_session(booked, session)
    fair = make_event()
    badges = {}
    for person in (booked, walk_in):
        registration = Registration(event_id=fair.id, person_id=person.id, role=Role.participant)
        _db.session.add(registration)
        _db.session.flush()
        badges[person.id] = tickets.issue_ticket(registration).code
    _db.session.commit()
    url = f"/admin/workshops/sessions/{session.id}/rollcall/scan"
    page = client.post(url, data={"code": f" {badges[booked.id]}\n"}, follow_redirects=True)
    assert "is checked in" in page.get_data(as_text=True)
    assert ws.session_attendance([booked.id])[booked.id]["kickoff"] is True
    page = client.post(url, data={"code": badges[walk_in.id]}, follow_redirects=True)
    assert "is not booked into this session" in page.get_data(as_text=True)
    page = client.post(url, data={"code": "nonsense"}, follow_redirects=True)
    assert "not a valid ticket" in page.get_data(as_text=True)
    assert _db.session.scalar(sa.select(sa.func.count()).select_from(CheckIn)) == 1


def test_participant_page_hides_cancel_after_the_deadline_and_past_sessions(
        client, make_session, make_round, members):
    programme_round = make_round()
    soon = make_session(rounds=[programme_round], theme=Theme.kickoff, days=0.5)
    past = make_session(rounds=[programme_round], theme=Theme.interview, days=-3)
    person, = members(programme_round, 1)
    ws.book_session(person, soon)
    token = ws.booking_url(person).rsplit("/", 1)[1]
    _db.session.commit()
    page = client.get(f"/b/{token}?lang=en").get_data(as_text=True)
    assert "too late to cancel" in page and "Cancel booking" not in page
    assert f"/book/{past.id}" not in page
    booking = ws.active_booking(person, Theme.kickoff)
    client.post(f"/b/{token}/cancel/{booking.id}")
    _db.session.refresh(booking)
    assert booking.status is BookingStatus.booked


def test_move_between_sessions(staff_client, make_session, make_round, members):
    client = staff_client("coordinator")
    programme_round = make_round()
    first = make_session(rounds=[programme_round], capacity=1)
    second = make_session(rounds=[programme_round], capacity=1, days=12)
    a, b = members(programme_round, 2)
    ws.book_session(a, first)
    ws.book_session(b, first)
    _db.session.commit()
    booking = ws.active_booking(a, Theme.interview)
    response = client.post(f"/admin/workshops/sessions/{first.id}/move",
                           data={"move-booking_id": booking.id, "move-target": second.id})
    assert response.status_code == 302
    _db.session.expire_all()
    assert ws.active_booking(a, Theme.interview).session_id == second.id
    assert ws.active_booking(b, Theme.interview).status is BookingStatus.booked  # promoted
    bad = client.post(f"/admin/workshops/sessions/{first.id}/move",
                      data={"move-booking_id": ws.active_booking(b, Theme.interview).id,
                            "move-target": first.id})
    assert bad.status_code == 400 and "already in that session" in bad.get_data(as_text=True)
