"""Workshop services: conflicts, bookings with waiting lists, promotion mails, moves, calendars,
roll call and session attendance."""

from __future__ import annotations

import email
from datetime import timedelta
from pathlib import Path

import icalendar
import pytest
import sqlalchemy as sa

from jobbforum.extensions import db as _db
from jobbforum.models import (
    Audience,
    AuditEvent,
    BookingStatus,
    CheckIn,
    Role,
    Theme,
    utcnow,
)
from jobbforum.services import workshops as ws
from tests.workshops_builders import make_room, make_session, members  # noqa: F401


def _book(person, session, **kw):
    result = ws.book_session(person, session, **kw)
    _db.session.commit()
    return result.booking


# --------------------------------------------------------------------------- conflicts


def test_conflicts_are_detected_before_saving(db, make_session, make_room, make_round):
    programme_round = make_round()
    room = make_room(capacity=20)
    first = make_session(rounds=[programme_round], room=room, facilitator="Reza Karimi")
    data = dict(theme=Theme.networking, room_id=room.id, starts_at=first.starts_at + timedelta(hours=1),
                ends_at=first.ends_at + timedelta(hours=1), capacity=25, facilitator="reza karimi ")
    kinds = {c.kind for c in ws.check_session(data)}
    assert kinds == {"room", "facilitator", "capacity"}

    with pytest.raises(ws.UnconfirmedConflicts) as caught:
        ws.save_session(None, actor=None, rounds=[programme_round], **data)
    assert len(caught.value.conflicts) == 3
    _db.session.rollback()
    saved = ws.save_session(None, actor=None, actor_label="t", rounds=[programme_round],
                            confirm_conflicts=True, **data)
    _db.session.commit()
    entry = _db.session.scalar(sa.select(AuditEvent).where(
        AuditEvent.action == "workshop_session.created", AuditEvent.object_id == str(saved.id)))
    assert len(entry.details["confirmed_conflicts"]) == 3

    # Back-to-back sessions in the same room are fine.
    later = dict(data, starts_at=first.ends_at, ends_at=first.ends_at + timedelta(hours=1),
                 capacity=10, facilitator="")
    assert [c.kind for c in ws.check_session(later, session_id=None)] == ["room"]  # `saved` overlaps


def test_person_conflict_when_moving_a_session(db, make_session, make_round, members):
    programme_round = make_round()
    a = make_session(rounds=[programme_round], theme=Theme.interview)
    b = make_session(rounds=[programme_round], theme=Theme.networking, days=11)
    person, = members(programme_round, 1)
    _book(person, a)
    _book(person, b)
    moved = dict(room_id=b.room_id, starts_at=a.starts_at, ends_at=a.ends_at, capacity=10,
                 facilitator="")
    conflicts = ws.check_session(moved, session_id=b.id)
    assert [c.kind for c in conflicts] == ["person"]
    assert "1" in conflicts[0].message


# --------------------------------------------------------------------------- booking


def test_capacity_waitlist_order_and_promotion_mail(app, db, make_session, make_round, members):
    programme_round = make_round()
    session = make_session(rounds=[programme_round], capacity=2)
    people = members(programme_round, 4)
    bookings = [_book(p, session) for p in people]
    assert [b.status for b in bookings] == [BookingStatus.booked] * 2 + [BookingStatus.waitlisted] * 2
    assert bookings[2].position < bookings[3].position
    assert ws.seat_counts([session.id])[session.id] == (2, 2)

    outbox = Path(app.config["OUTBOX_DIR"])
    before = set(outbox.glob("*.eml")) if outbox.exists() else set()
    result = ws.cancel_booking(bookings[0])
    _db.session.commit()
    ws.deliver(result.mails)
    _db.session.commit()
    assert [b.person_id for b in result.promoted] == [people[2].id]
    assert bookings[2].status is BookingStatus.booked and bookings[3].status is BookingStatus.waitlisted
    new = set(outbox.glob("*.eml")) - before
    assert len(new) == 1
    message = email.message_from_bytes(new.pop().read_bytes())
    assert message["To"] == people[2].email
    assert "/b/" in message.get_payload(decode=True).decode()

    # Re-booking after cancelling goes to the end of the queue.
    again = _book(people[0], session)
    assert again.status is BookingStatus.waitlisted and again.position > bookings[3].position


def test_one_booking_per_theme_and_no_overlaps(db, make_session, make_round, members):
    programme_round = make_round()
    a = make_session(rounds=[programme_round], theme=Theme.interview)
    b = make_session(rounds=[programme_round], theme=Theme.interview, days=11)
    c = make_session(rounds=[programme_round], theme=Theme.networking, starts_at=a.starts_at,
                     ends_at=a.ends_at)
    person, = members(programme_round, 1)
    _book(person, a)
    assert _book(person, a).session_id == a.id  # idempotent
    with pytest.raises(ws.AlreadyBooked):
        ws.book_session(person, b)
    with pytest.raises(ws.OverlappingBooking):
        ws.book_session(person, c)


def test_self_service_rules(db, make_session, make_round, members, make_person):
    programme_round, other_round = make_round(), make_round()
    session = make_session(rounds=[programme_round], audience=Audience.mentors)
    person, = members(programme_round, 1)
    with pytest.raises(ws.NotForYou):  # participants may not book a mentor session
        ws.book_session(person, session)
    outsider = make_person(round_id=other_round.id)
    open_session = make_session(rounds=[programme_round], days=12)
    with pytest.raises(ws.NotForYou):
        ws.book_session(outsider, open_session)
    ws.set_collect_preferences(programme_round, Theme.interview, True, actor=None)
    with pytest.raises(ws.PreferencesOnly):
        ws.book_session(person, open_session)


def test_cancel_deadline(db, make_session, make_round, members):
    programme_round = make_round()
    session = make_session(rounds=[programme_round], days=3)
    person, = members(programme_round, 1)
    booking = _book(person, session)
    with pytest.raises(ws.CancelTooLate):
        ws.cancel_booking(booking, now=session.starts_at - timedelta(hours=2))
    ws.cancel_booking(booking, now=session.starts_at - timedelta(days=2))
    assert booking.status is BookingStatus.cancelled


def test_coordinator_override_move_and_book_on_behalf(db, make_session, make_round, members,
                                                      make_staff):
    coordinator = make_staff("coordinator")
    programme_round = make_round()
    full = make_session(rounds=[programme_round], capacity=1)
    other = make_session(rounds=[programme_round], capacity=1, days=12)
    a, b, c = members(programme_round, 3)
    _book(a, full)
    waiting = _book(b, full)
    assert waiting.status is BookingStatus.waitlisted
    forced = _book(c, full, actor=coordinator, override_capacity=True)
    assert forced.status is BookingStatus.booked
    assert ws.seat_counts([full.id])[full.id] == (2, 1)
    entry = _db.session.scalar(sa.select(AuditEvent).where(
        AuditEvent.action == "booking.created_by_staff"))
    assert entry.details["override_capacity"] is True and entry.actor_user_id == coordinator.id

    # Moving c away does not promote b: the session is still at capacity (a).
    result = ws.move_booking(forced, other, actor=coordinator)
    _db.session.commit()
    assert result.promoted == [] and result.booking.session_id == other.id
    # Moving a away frees the seat: b is promoted.
    a_booking = ws.active_booking(a, Theme.interview)
    result = ws.move_booking(a_booking, other, actor=coordinator)
    _db.session.commit()
    assert [p.person_id for p in result.promoted] == [b.id]
    assert result.booking.status is BookingStatus.waitlisted  # other has 1 seat, taken by c
    assert _db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "booking.moved")) == 2


def test_mentor_role_comes_from_registrations(db, make_session, make_round, members):
    programme_round = make_round()
    session = make_session(rounds=[programme_round], audience=Audience.mentors)
    mentor, = members(programme_round, 1)
    ws.ensure_ticket(mentor, session, Role.mentor)
    assert ws.person_role(mentor) is Role.mentor
    assert _book(mentor, session).status is BookingStatus.booked


# --------------------------------------------------------------------------- calendars


def test_ics_per_booking_and_feed_parse_back(app, db, make_session, make_round, members):
    programme_round = make_round()
    a = make_session(rounds=[programme_round], title="Intervjuträning", language_support="Arabiska")
    b = make_session(rounds=[programme_round], theme=Theme.networking, days=14)
    person, = members(programme_round, 1)
    booking = _book(person, a)
    _book(person, b)

    cal = icalendar.Calendar.from_ical(ws.booking_ics(booking))
    events = cal.walk("VEVENT")
    assert len(events) == 1
    event = events[0]
    assert str(event["summary"]) == "Intervjuträning"
    assert event.decoded("dtstart") == a.starts_at and event.decoded("dtend") == a.ends_at
    assert a.room.name in str(event["location"])
    assert person.name not in ws.booking_ics(booking).decode()

    secret = ws.feed_secret(person)
    assert ws.feed_secret(person) == secret and ws.person_for_feed(secret) == person
    feed = icalendar.Calendar.from_ical(ws.person_feed(person))
    assert sorted(e.decoded("dtstart") for e in feed.walk("VEVENT")) == [a.starts_at, b.starts_at]
    with pytest.raises(ws.NotFound):
        ws.person_for_feed("nope")


# --------------------------------------------------------------------------- attendance


def test_roll_call_is_idempotent_and_feeds_session_attendance(db, make_session, make_round,
                                                             members, make_staff):
    staff = make_staff("door")
    programme_round = make_round()
    kickoff = make_session(rounds=[programme_round], theme=Theme.kickoff)
    interview = make_session(rounds=[programme_round], theme=Theme.interview, days=12)
    a, b, c = members(programme_round, 3)
    for p in (a, b):
        _book(p, kickoff)
    _book(a, interview)
    ticks = [{"person_id": a.id, "present": True, "nonce": "n1"},
             {"person_id": b.id, "present": True, "nonce": "n2"},
             {"person_id": c.id, "present": True, "nonce": "n3"}]  # c is not booked: ignored
    assert ws.record_roll_call(kickoff, ticks, actor=staff) == {"checked_in": 2, "removed": 0,
                                                               "ignored": 1}
    assert ws.record_roll_call(kickoff, ticks, actor=staff)["checked_in"] == 0  # replayed queue
    ws.record_roll_call(kickoff, [{"person_id": b.id, "present": False, "nonce": "n4"}], actor=staff)
    ws.record_roll_call(interview, [{"person_id": a.id, "present": True}], actor=staff)
    _db.session.commit()
    assert _db.session.scalar(sa.select(sa.func.count()).select_from(CheckIn)) == 2
    assert [r.present for r in ws.roll_call(kickoff)] == [True, False]

    attendance = ws.session_attendance([a.id, b.id, c.id])
    assert attendance[a.id]["kickoff"] and attendance[a.id]["interview"]
    assert attendance[a.id]["sessions_attended"] == 2
    assert attendance[b.id] == {"kickoff": False, "interview": False, "networking": False,
                                "mentor_training": False, "other": False, "sessions_attended": 0}
    assert set(ws.session_attendance()) == {a.id}
    checkin_list = ws.session_list(kickoff)
    assert checkin_list.workshop_session_id == kickoff.id
    assert checkin_list.event.kind.value == "workshop_day"


def test_unticking_a_door_scan_keeps_its_answer_for_retries(db, make_session, make_round,
                                                           members, make_staff):
    """A check-in a door scan made on a session's list is that scan's only record; when the
    roll call removes it, the scan is logged first, so a retry of its nonce gets its first
    answer and checks nobody in again."""
    from jobbforum.models import Scan
    from jobbforum.services import checkin

    staff = make_staff("door")
    programme_round = make_round()
    kickoff = make_session(rounds=[programme_round], theme=Theme.kickoff)
    (person,) = members(programme_round, 1)
    _book(person, kickoff)
    checkin_list = ws.ensure_session_list(kickoff)
    ticket = ws.ensure_ticket(person, kickoff)
    first = checkin.redeem(checkin_list.event, ticket.code, list_name=checkin_list.name,
                           nonce="door-1", staff=staff)
    _db.session.commit()
    assert first.status == "ok"
    assert ws.record_roll_call(kickoff, [{"person_id": person.id, "present": False}],
                               actor=staff)["removed"] == 1
    _db.session.commit()
    again = checkin.redeem(checkin_list.event, ticket.code, list_name=checkin_list.name,
                           nonce="door-1", staff=staff)
    _db.session.commit()
    assert again.as_json() == first.as_json()
    assert _db.session.scalar(sa.select(sa.func.count()).select_from(CheckIn)) == 0
    assert _db.session.scalar(sa.select(Scan.status).where(Scan.nonce == "door-1")) == "ok"


def test_week_calendar_groups_by_week(app, db, make_session, make_round):
    programme_round = make_round()
    make_session(rounds=[programme_round], days=10)
    make_session(rounds=[programme_round], days=10.2, theme=Theme.networking)
    make_session(rounds=[programme_round], days=24, theme=Theme.kickoff)
    weeks = ws.week_calendar(ws.list_sessions(round_id=programme_round.id))
    assert 2 <= len(weeks) <= 3
    assert sum(len(s) for _w, days in weeks for _d, s in days) == 3
