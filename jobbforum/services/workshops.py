"""Group workshops: rooms, sessions, bookings with waiting lists, preferences, calendars and
session attendance.

Guarantees
----------
* **Capacity under concurrency.** :func:`book_session`, :func:`cancel_booking` and
  :func:`move_booking` lock the session's row (``SELECT … FOR UPDATE`` on PostgreSQL) before
  counting seats, so concurrent bookings of one session are serialised: a session never has more
  ``booked`` bookings than its capacity unless a coordinator overrode it (audited). SQLite
  serialises writers itself.
* **Waiting list in order.** Bookings beyond capacity are ``waitlisted`` with an increasing
  ``position``; whenever a seat frees up the lowest position is promoted and told by email
  (the mail is queued in the caller's transaction and sent after the commit).
* **One session per theme.** A person holds at most one active booking (booked or waitlisted)
  per theme, and never two booked sessions that overlap in time.
* **Conflicts shown before saving.** :func:`check_session` lists room and facilitator
  double-bookings, capacity above the room's and people whose bookings would overlap;
  :func:`save_session` refuses to save with conflicts unless the coordinator confirms them
  (then the conflicts go into the audit entry).

Attendance: sessions are not events, but check-ins need an event, a registration and a ticket.
Each *term* (``HT2026``) gets one hidden host event of kind ``workshop_day`` (slug
``workshops-ht2026``, status ``draft``, linked to the term's rounds, spanning its sessions).
Every session has its own :class:`CheckInList` on that event (``workshop_session_id`` set), and
everyone who books gets a registration (role participant or mentor) with a ticket on the host
event. Attendance at a session is a :class:`CheckIn` of that ticket on the session's list;
:func:`session_attendance` is what the indicator export reads.

Services flush; the caller commits.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale, format_datetime, format_time
from flask_babel import gettext as _

from jobbforum.documents.emails import mail_language
from jobbforum.documents.ics import CalendarEvent, calendar_feed, event_to_ics
from jobbforum.documents.timetable import DoorSign, TimetableRow, door_sign_pdf, timetable_pdf
from jobbforum.extensions import db
from jobbforum.labels import label
from jobbforum.models import (
    Audience,
    Booking,
    BookingStatus,
    CalendarFeed,
    CheckIn,
    CheckInList,
    County,
    Event,
    EventKind,
    EventStatus,
    OutgoingMail,
    Person,
    Preference,
    ProgrammeRound,
    Registration,
    Role,
    Room,
    StaffUser,
    Theme,
    ThemeSetting,
    Ticket,
    TicketStatus,
    WorkshopSession,
    session_rounds,
    utcnow,
)
from jobbforum.services import audit, checkin, links, mailer, tickets
from jobbforum.services.errors import Conflict, DomainError, InvalidInput, N_, NotFound
from jobbforum.timeutil import utc_to_local

#: Themes people book (``other`` sessions are booked too but not counted as indicators).
THEMES: tuple[Theme, ...] = tuple(Theme)
#: Default time before the start after which people can no longer cancel themselves.
DEFAULT_CANCEL_BEFORE = timedelta(hours=24)
#: How long a booking-page link in an email stays valid.
BOOKING_LINK_DAYS = 120
#: ``PrivateLink.purpose`` of the booking page (subject: the person's id).
LINK_PURPOSE = "bookings"

ACTIVE = (BookingStatus.booked, BookingStatus.waitlisted)
AUDIENCE_ROLES = {
    Audience.participants: {Role.participant},
    Audience.mentors: {Role.mentor},
    Audience.both: {Role.participant, Role.mentor},
}
SESSION_FIELDS = ("theme", "title", "room_id", "starts_at", "ends_at", "capacity", "facilitator",
                  "language_support", "audience", "cancel_deadline")
ROOM_FIELDS = ("name", "capacity", "county", "address", "accessibility_notes")


# --------------------------------------------------------------------------- errors


class AlreadyBooked(Conflict):
    """You already have a booking for this theme. Cancel it first to choose another session."""

    code = "already_booked"
    message = N_("You already have a booking for this theme. Cancel it first to choose "
                 "another session.")


class OverlappingBooking(Conflict):
    """You are already booked into a session at the same time."""

    code = "overlapping_booking"
    message = N_("You are already booked into a session at the same time.")


class NotForYou(DomainError):
    """This session is not open to you."""

    code = "not_for_you"
    http_status = 403
    message = N_("This session is not open to you.")


class CancelTooLate(DomainError):
    """It is too late to cancel this booking. Please contact the programme staff."""

    code = "cancel_too_late"
    http_status = 409
    message = N_("It is too late to cancel this booking. Please contact the programme staff.")


class PreferencesOnly(DomainError):
    """For this theme, rank the sessions instead: everyone is placed at once afterwards."""

    code = "preferences_only"
    http_status = 409
    message = N_("For this theme, rank the sessions instead: everyone is placed at once "
                 "afterwards.")


class UnconfirmedConflicts(DomainError):
    """The session has conflicts. Check them and confirm to save anyway."""

    code = "unconfirmed_conflicts"
    http_status = 409
    message = N_("The session has conflicts. Check them and confirm to save anyway.")

    def __init__(self, conflicts: list[SessionConflict]) -> None:
        super().__init__()
        self.conflicts = conflicts


# --------------------------------------------------------------------------- rooms


def list_rooms() -> list[Room]:
    return list(db.session.scalars(sa.select(Room).order_by(Room.county, Room.name)))


def get_room(room_id: int) -> Room:
    room = db.session.get(Room, room_id)
    if room is None:
        raise NotFound(N_("No such room."))
    return room


def save_room(room: Room | None, *, actor: StaffUser | None, actor_label: str = "",
              **data: Any) -> Room:
    """Create (``room=None``) or update a room; audited with the diff."""
    if data.get("capacity") is not None and data["capacity"] < 1:
        raise InvalidInput(N_("Capacity must be at least 1."), field="capacity")
    before = _snapshot(room, ROOM_FIELDS) if room else {}
    if room is None:
        room = Room(**data)
        db.session.add(room)
    else:
        for key, value in data.items():
            setattr(room, key, value)
    db.session.flush()
    changed = audit.diff(before, _snapshot(room, ROOM_FIELDS))
    if changed:
        audit.record("room.created" if not before else "room.updated", actor=actor,
                     actor_label=actor_label, obj=room, details=changed)
    return room


# --------------------------------------------------------------------------- sessions


@dataclass(frozen=True)
class SessionConflict:
    """One problem with a session's schedule: ``kind`` is room, facilitator, capacity or person."""

    kind: str
    message: str
    other_session_id: int | None = None


def get_session(session_id: int) -> WorkshopSession:
    session = db.session.get(WorkshopSession, session_id)
    if session is None:
        raise NotFound(N_("No such session."))
    return session


def list_sessions(*, round_id: int | None = None, county: County | None = None,
                  theme: Theme | None = None, starts_after: datetime | None = None,
                  starts_before: datetime | None = None) -> list[WorkshopSession]:
    """Sessions in start order, filtered by round, the room's county, theme and time window."""
    query = sa.select(WorkshopSession).join(Room).order_by(WorkshopSession.starts_at,
                                                           WorkshopSession.id)
    if round_id is not None:
        query = query.where(WorkshopSession.id.in_(
            sa.select(session_rounds.c.session_id).where(session_rounds.c.round_id == round_id)))
    if county is not None:
        query = query.where(Room.county == county)
    if theme is not None:
        query = query.where(WorkshopSession.theme == theme)
    if starts_after is not None:
        query = query.where(WorkshopSession.starts_at >= starts_after)
    if starts_before is not None:
        query = query.where(WorkshopSession.starts_at < starts_before)
    return list(db.session.scalars(query))


def _overlapping(starts_at: datetime, ends_at: datetime, exclude_id: int | None) -> sa.Select:
    query = sa.select(WorkshopSession).where(WorkshopSession.starts_at < ends_at,
                                             WorkshopSession.ends_at > starts_at)
    if exclude_id is not None:
        query = query.where(WorkshopSession.id != exclude_id)
    return query.order_by(WorkshopSession.starts_at, WorkshopSession.id)


def session_label(session: WorkshopSession) -> str:
    local = utc_to_local(session.starts_at, current_app.config["TIMEZONE"])
    return f"{session_title(session)} {local:%Y-%m-%d %H:%M}"


def check_session(data: dict[str, Any], *, session_id: int | None = None) -> list[SessionConflict]:
    """Everything wrong with scheduling a session as ``data`` describes (nothing is saved).

    ``data`` holds at least ``room_id``, ``starts_at``, ``ends_at``, ``capacity`` and
    ``facilitator``. Finds: the room booked by another session at an overlapping time; the
    facilitator leading another overlapping session; a capacity above the room's; and (for an
    existing session being moved) people booked into it who hold another overlapping booking.
    """
    found: list[SessionConflict] = []
    starts_at, ends_at = data["starts_at"], data["ends_at"]
    room = db.session.get(Room, data["room_id"])
    others = list(db.session.scalars(_overlapping(starts_at, ends_at, session_id)))
    for other in others:
        if other.room_id == data["room_id"]:
            found.append(SessionConflict("room", _("The room is already booked for %(other)s.",
                                                   other=session_label(other)), other.id))
    facilitator = (data.get("facilitator") or "").strip().casefold()
    if facilitator:
        for other in others:
            if other.facilitator.strip().casefold() == facilitator:
                found.append(SessionConflict(
                    "facilitator", _("%(name)s already leads %(other)s at the same time.",
                                     name=data["facilitator"], other=session_label(other)), other.id))
    if room is not None and data["capacity"] > room.capacity:
        found.append(SessionConflict(
            "capacity", _("Capacity %(capacity)s is more than the room's %(room)s seats.",
                          capacity=data["capacity"], room=room.capacity)))
    if session_id is not None and others:
        booked_here = sa.select(Booking.person_id).where(Booking.session_id == session_id,
                                                         Booking.status.in_(ACTIVE))
        clashes = db.session.execute(
            sa.select(Booking.person_id, Booking.session_id)
            .where(Booking.person_id.in_(booked_here), Booking.status.in_(ACTIVE),
                   Booking.session_id.in_([o.id for o in others]))
            .order_by(Booking.session_id, Booking.person_id)).all()
        by_session: dict[int, int] = defaultdict(int)
        for _person, other_id in clashes:
            by_session[other_id] += 1
        for other in others:
            if by_session.get(other.id):
                found.append(SessionConflict(
                    "person", _("%(count)s people booked here are also booked into %(other)s.",
                                count=by_session[other.id], other=session_label(other)), other.id))
    return found


def save_session(session: WorkshopSession | None, *, actor: StaffUser | None,
                 rounds: Sequence[ProgrammeRound], confirm_conflicts: bool = False,
                 actor_label: str = "", **data: Any) -> WorkshopSession:
    """Create (``session=None``) or update a session, with its check-in list on the host event.

    Raises :class:`UnconfirmedConflicts` when :func:`check_session` finds conflicts and
    ``confirm_conflicts`` is false; confirmed conflicts are recorded in the audit entry.
    Raising the capacity promotes people from the waiting list.
    """
    full = {**(_snapshot(session, SESSION_FIELDS) if session else {}), **data}
    full.setdefault("facilitator", "")
    if not rounds:
        raise InvalidInput(N_("Choose at least one programme round."), field="rounds")
    if full["ends_at"] <= full["starts_at"]:
        raise InvalidInput(N_("The session must end after it starts."), field="ends_at")
    if full["capacity"] < 1:
        raise InvalidInput(N_("Capacity must be at least 1."), field="capacity")
    if db.session.get(Room, full["room_id"]) is None:
        raise InvalidInput(N_("Choose a room."), field="room_id")
    conflicts = check_session(full, session_id=session.id if session else None)
    if conflicts and not confirm_conflicts:
        raise UnconfirmedConflicts(conflicts)
    before = _snapshot(session, SESSION_FIELDS) if session else {}
    old_rounds = sorted(r.slug for r in session.rounds) if session else []
    if session is None:
        session = WorkshopSession(**full)
        db.session.add(session)
    else:
        for key, value in data.items():
            setattr(session, key, value)
    session.rounds = list(rounds)
    db.session.flush()
    ensure_session_list(session)
    details: dict[str, Any] = audit.diff(before, _snapshot(session, SESSION_FIELDS))
    new_rounds = sorted(r.slug for r in rounds)
    if new_rounds != old_rounds:
        details["rounds"] = [old_rounds, new_rounds]
    if conflicts:
        details["confirmed_conflicts"] = [c.message for c in conflicts]
    audit.record("workshop_session.created" if not before else "workshop_session.updated",
                 actor=actor, actor_label=actor_label, obj=session, details=details)
    if before:
        lock_session(session.id)
        promote_waitlist(session)
    return session


def session_title(session: WorkshopSession) -> str:
    """The session's own title, or the theme's name."""
    return session.title or label(session.theme)


def cancel_deadline(session: WorkshopSession) -> datetime:
    return session.cancel_deadline or session.starts_at - DEFAULT_CANCEL_BEFORE


def seat_counts(session_ids: Iterable[int]) -> dict[int, tuple[int, int]]:
    """``{session_id: (booked, waitlisted)}`` for the given sessions."""
    ids = list(session_ids)
    counts = {sid: (0, 0) for sid in ids}
    if not ids:
        return counts
    rows = db.session.execute(
        sa.select(Booking.session_id, Booking.status, sa.func.count())
        .where(Booking.session_id.in_(ids), Booking.status.in_(ACTIVE))
        .group_by(Booking.session_id, Booking.status))
    for sid, status, n in rows:
        booked, waiting = counts[sid]
        counts[sid] = (n, waiting) if status is BookingStatus.booked else (booked, n)
    return counts


# --------------------------------------------------------------------------- host event & lists


def _term_of(rounds: Sequence[ProgrammeRound]) -> str:
    return sorted(r.term for r in rounds)[0]


def ensure_host_event(session: WorkshopSession) -> Event:
    """The term's hidden ``workshop_day`` event that hosts the session check-in lists."""
    term = _term_of(session.rounds)
    slug = f"workshops-{term.lower()}"
    event = db.session.scalar(sa.select(Event).where(Event.slug == slug))
    if event is None:
        event = Event(slug=slug, title=f"Workshops {term}", kind=EventKind.workshop_day,
                      status=EventStatus.draft, starts_at=session.starts_at,
                      ends_at=session.ends_at,
                      description="Hosts the check-in lists of the term's workshop sessions.")
        db.session.add(event)
    event.starts_at = min(event.starts_at, session.starts_at)
    event.ends_at = max(event.ends_at, session.ends_at)
    for programme_round in db.session.scalars(sa.select(ProgrammeRound).where(
            ProgrammeRound.term == term)):
        if programme_round not in event.rounds:
            event.rounds.append(programme_round)
    db.session.flush()
    return event


def ensure_session_list(session: WorkshopSession) -> CheckInList:
    """The session's door check-in list (one per session), created on first use."""
    existing = session_list(session)
    if existing is not None:
        return existing
    event = ensure_host_event(session)
    checkin_list = CheckInList(event_id=event.id, name=f"session-{session.id}",
                               allowed_roles=",".join(sorted(r.value for r in
                                                             AUDIENCE_ROLES[session.audience])),
                               workshop_session_id=session.id)
    db.session.add(checkin_list)
    db.session.flush()
    return checkin_list


def session_list(session: WorkshopSession) -> CheckInList | None:
    return db.session.scalar(sa.select(CheckInList).where(
        CheckInList.workshop_session_id == session.id))


def person_role(person: Person) -> Role:
    """Participant or mentor: from the person's registrations (a mentor registration anywhere
    makes them a mentor), else participant."""
    roles = set(db.session.scalars(sa.select(Registration.role).where(
        Registration.person_id == person.id)))
    return Role.mentor if Role.mentor in roles and Role.participant not in roles else \
        Role.participant


def ensure_ticket(person: Person, session: WorkshopSession, role: Role | None = None) -> Ticket:
    """The person's active ticket on the host event of ``session`` (registered there if not yet);
    roll-call and door scans at the session check this ticket in."""
    from jobbforum.services import registrations

    event = ensure_session_list(session).event
    registration = registrations.register_person(event, person, role or person_role(person),
                                                 actor=None, actor_label="workshops")
    ticket = registration.active_ticket
    assert ticket is not None  # register_person guarantees an active ticket
    return ticket


# --------------------------------------------------------------------------- booking


@dataclass
class BookingResult:
    """What a booking operation did: the booking(s) it touched, who was promoted from the waiting
    list, and the queued mails to :func:`deliver` after the caller commits."""

    booking: Booking | None = None
    promoted: list[Booking] = field(default_factory=list)
    mails: list[OutgoingMail] = field(default_factory=list)


def lock_session(session_id: int) -> None:
    """Take the session's row lock until the end of the transaction (no-op on SQLite, which
    serialises writers)."""
    db.session.execute(sa.select(WorkshopSession.id).where(WorkshopSession.id == session_id)
                       .with_for_update())


def _booked_count(session_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Booking).where(
        Booking.session_id == session_id, Booking.status == BookingStatus.booked)) or 0


def _next_position(session_id: int) -> int:
    return (db.session.scalar(sa.select(sa.func.max(Booking.position)).where(
        Booking.session_id == session_id)) or 0) + 1


def active_booking(person: Person, theme: Theme) -> Booking | None:
    """The person's booked or waitlisted booking for a session of ``theme``."""
    return db.session.scalar(
        sa.select(Booking).join(WorkshopSession)
        .where(Booking.person_id == person.id, WorkshopSession.theme == theme,
               Booking.status.in_(ACTIVE)).order_by(Booking.id))


def _overlap_for(person: Person, session: WorkshopSession) -> WorkshopSession | None:
    return db.session.scalar(
        sa.select(WorkshopSession).join(Booking)
        .where(Booking.person_id == person.id, Booking.status == BookingStatus.booked,
               WorkshopSession.id != session.id, WorkshopSession.starts_at < session.ends_at,
               WorkshopSession.ends_at > session.starts_at))


def collects_preferences(round_id: int | None, theme: Theme) -> bool:
    if round_id is None:
        return False
    return bool(db.session.scalar(sa.select(ThemeSetting.collect_preferences).where(
        ThemeSetting.round_id == round_id, ThemeSetting.theme == theme)))


def set_collect_preferences(programme_round: ProgrammeRound, theme: Theme, value: bool, *,
                            actor: StaffUser | None, actor_label: str = "") -> None:
    """Switch a round's theme between direct booking and collecting ranked preferences."""
    setting = db.session.scalar(sa.select(ThemeSetting).where(
        ThemeSetting.round_id == programme_round.id, ThemeSetting.theme == theme))
    if setting is None:
        setting = ThemeSetting(round_id=programme_round.id, theme=theme)
        db.session.add(setting)
    if setting.collect_preferences != value:
        setting.collect_preferences = value
        audit.record("workshop.preferences_mode", actor=actor, actor_label=actor_label,
                     obj=programme_round, details={"theme": theme, "collect_preferences": value})
    db.session.flush()


def book_session(person: Person, session: WorkshopSession, *, actor: StaffUser | None = None,
                 actor_label: str = "", override_capacity: bool = False) -> BookingResult:
    """Book ``person`` into ``session``: a seat if one is free, else a place on the waiting list.

    Self-service (``actor`` is ``None``) requires the person's round to be served by the session,
    the session to admit their role, the session not to have started, and direct booking (not
    preference collection) for the theme. Always: at most one active booking per theme and no
    overlapping seats. ``override_capacity`` (coordinators only) gives a seat even when full;
    it is audited. Concurrent calls for one session are serialised by the session's row lock.
    """
    lock_session(session.id)
    db.session.refresh(session)
    role = person_role(person)
    if actor is None:
        if person.round_id not in {r.id for r in session.rounds}:
            raise NotForYou()
        if role not in AUDIENCE_ROLES[session.audience]:
            raise NotForYou()
        if session.starts_at <= utcnow():
            raise NotForYou(N_("This session has already started."))
        if collects_preferences(person.round_id, session.theme):
            raise PreferencesOnly()
    if override_capacity and actor is None:
        raise InvalidInput(N_("Only coordinators can override the capacity."))
    current = active_booking(person, session.theme)
    if current is not None:
        if current.session_id == session.id:
            return BookingResult(booking=current)
        raise AlreadyBooked()
    clash = _overlap_for(person, session)
    if clash is not None:
        raise OverlappingBooking(N_("You are already booked into %(other)s at the same time."),
                                 other=session_label(clash))
    has_seat = _booked_count(session.id) < session.capacity or override_capacity
    booking = place(person, session,
                    BookingStatus.booked if has_seat else BookingStatus.waitlisted, role)
    if actor is not None or override_capacity:
        audit.record("booking.created_by_staff", actor=actor, actor_label=actor_label,
                     obj=booking, details={"session_id": session.id, "person_id": person.id,
                                           "status": booking.status,
                                           "override_capacity": override_capacity})
    return BookingResult(booking=booking)


def place(person: Person, session: WorkshopSession, status: BookingStatus,
          role: Role | None = None) -> Booking:
    """Give ``person`` a booking of ``status`` at the end of the session's queue (re-using a
    cancelled row) and a ticket for the door. No checks: the caller holds the session's lock
    and has decided (see :func:`book_session` and the round-wide assignment)."""
    booking = db.session.scalar(sa.select(Booking).where(
        Booking.session_id == session.id, Booking.person_id == person.id))
    if booking is None:
        booking = Booking(session_id=session.id, person_id=person.id)
        db.session.add(booking)
    booking.status = status
    booking.position = _next_position(session.id)
    booking.created_at = utcnow()
    booking.cancelled_at = booking.promoted_at = None
    db.session.flush()
    ensure_ticket(person, session, role)
    return booking


def cancel_booking(booking: Booking, *, actor: StaffUser | None = None, actor_label: str = "",
                   now: datetime | None = None) -> BookingResult:
    """Cancel a booking (self-service only before :func:`cancel_deadline`) and promote the first
    on the waiting list into the freed seat; the promoted person is emailed."""
    lock_session(booking.session_id)
    db.session.refresh(booking)
    if booking.status is BookingStatus.cancelled:
        return BookingResult(booking=booking)
    if actor is None and (now or utcnow()) >= cancel_deadline(booking.session):
        raise CancelTooLate()
    was = booking.status
    booking.status = BookingStatus.cancelled
    booking.cancelled_at = utcnow()
    db.session.flush()
    if actor is not None:
        audit.record("booking.cancelled_by_staff", actor=actor, actor_label=actor_label,
                     obj=booking, details={"session_id": booking.session_id,
                                           "person_id": booking.person_id, "was": was})
    result = promote_waitlist(booking.session)
    result.booking = booking
    return result


def promote_waitlist(session: WorkshopSession) -> BookingResult:
    """Fill free seats from the waiting list, lowest position first, and queue a mail to each
    promoted person. The caller must hold the session's lock (the booking functions do)."""
    result = BookingResult()
    free = session.capacity - _booked_count(session.id)
    if free <= 0:
        return result
    waiting = db.session.scalars(
        sa.select(Booking).where(Booking.session_id == session.id,
                                 Booking.status == BookingStatus.waitlisted)
        .order_by(Booking.position, Booking.id))
    for booking in waiting:
        if free <= 0:
            break
        if _overlap_for(booking.person, session) is not None:
            continue  # they took another seat at that time meanwhile; keep their place
        booking.status = BookingStatus.booked
        booking.promoted_at = utcnow()
        free -= 1
        result.promoted.append(booking)
        db.session.flush()
        mail = _promotion_mail(booking)
        if mail is not None:
            result.mails.append(mail)
    return result


def move_booking(booking: Booking, target: WorkshopSession, *, actor: StaffUser,
                 actor_label: str = "", override_capacity: bool = False) -> BookingResult:
    """Coordinator: move a person from their session to ``target`` (a seat, or the waiting list
    when full unless ``override_capacity``); the freed seat goes to the old waiting list."""
    if booking.session_id == target.id:
        raise InvalidInput(N_("The person is already in that session."), field="target")
    person = booking.person
    first, second = sorted([booking.session_id, target.id])
    lock_session(first)
    lock_session(second)
    old_session = booking.session
    result = cancel_booking(booking, actor=actor, actor_label=actor_label)
    moved = book_session(person, target, actor=actor, actor_label=actor_label,
                         override_capacity=override_capacity)
    audit.record("booking.moved", actor=actor, actor_label=actor_label, obj=moved.booking,
                 details={"person_id": person.id, "from": old_session.id, "to": target.id,
                          "status": moved.booking.status if moved.booking else None,
                          "override_capacity": override_capacity})
    result.booking = moved.booking
    return result


def deliver(mails: Iterable[OutgoingMail]) -> None:
    """Try to send queued mails now (after the commit); failures stay queued for retry."""
    for mail in mails:
        mailer.deliver(mail)


def booking_url(person: Person) -> str:
    """A fresh private link to the person's booking page (for an email)."""
    token = links.issue(LINK_PURPOSE, person.id,
                        expires_at=utcnow() + timedelta(days=BOOKING_LINK_DAYS))
    return f"{current_app.config['BASE_URL'].rstrip('/')}/b/{token}"


def _promotion_mail(booking: Booking) -> OutgoingMail | None:
    person, session = booking.person, booking.session
    if not person.email:
        return None
    url = booking_url(person)
    with force_locale(mail_language(person.preferred_language)):
        # Dates and digits in the person's language (Babel), in Europe/Stockholm time.
        when = "–".join((format_datetime(session.starts_at, "medium"),
                         format_time(session.ends_at, "short")))
        subject = _("You got a seat: %(title)s", title=session_title(session))
        text = _(
            "Hello %(name)s,\n\nA seat became free and you have moved from the waiting list to "
            "a booked seat:\n\n%(title)s\n%(when)s\n%(room)s, %(address)s\n\n"
            "See or cancel your bookings and add them to your calendar:\n%(url)s\n",
            name=person.name, title=session_title(session),
            when=when,
            room=session.room.name, address=session.room.address, url=url)
    return mailer.queue(person.email, subject, text)


def send_booking_links(programme_round: ProgrammeRound, *, actor: StaffUser | None,
                       actor_label: str = "") -> list[OutgoingMail]:
    """Email every person of the round with an email address a link to their booking page."""
    mails = []
    people = db.session.scalars(sa.select(Person).where(
        Person.round_id == programme_round.id, Person.email.is_not(None)).order_by(Person.id))
    for person in people:
        with force_locale(mail_language(person.preferred_language)):
            subject = _("Book your group meetings")
            text = _("Hello %(name)s,\n\nBook the kick-off meeting and the workshops of your "
                     "programme round here:\n%(url)s\n\nThe link is personal.\n",
                     name=person.name, url=booking_url(person))
        mails.append(mailer.queue(person.email, subject, text))
    audit.record("workshop.booking_links_sent", actor=actor, actor_label=actor_label,
                 obj=programme_round, details={"count": len(mails)})
    return mails


# --------------------------------------------------------------------------- participant view


@dataclass
class ThemeChoice:
    """What the booking page shows for one theme: the sessions, the person's booking, the mode."""

    theme: Theme
    sessions: list[WorkshopSession]
    counts: dict[int, tuple[int, int]]
    booking: Booking | None
    collect_preferences: bool
    preferences: list[int]


def booking_overview(person: Person) -> list[ThemeChoice]:
    """For each theme with upcoming sessions open to the person (their round, their role): the
    choices, and the person's booking of the theme (which may be in a past session)."""
    if person.round_id is None:
        return []
    role = person_role(person)
    sessions = [s for s in list_sessions(round_id=person.round_id, starts_after=utcnow())
                if role in AUDIENCE_ROLES[s.audience]]
    counts = seat_counts(s.id for s in sessions)
    prefs = preferences_of(person)
    result = []
    for theme in THEMES:
        of_theme = [s for s in sessions if s.theme is theme]
        if not of_theme:
            continue
        result.append(ThemeChoice(theme, of_theme, counts, active_booking(person, theme),
                                  collects_preferences(person.round_id, theme),
                                  prefs.get(theme, [])))
    return result


def preferences_of(person: Person) -> dict[Theme, list[int]]:
    """``{theme: [session ids, best first]}``."""
    result: dict[Theme, list[int]] = defaultdict(list)
    for pref in db.session.scalars(sa.select(Preference).where(
            Preference.person_id == person.id).order_by(Preference.theme, Preference.rank)):
        result[pref.theme].append(pref.session_id)
    return dict(result)


def set_preferences(person: Person, theme: Theme, session_ids: Sequence[int]) -> list[Preference]:
    """Replace the person's ranking for ``theme`` (best first; duplicates and sessions that are
    not open to them are refused)."""
    if len(set(session_ids)) != len(session_ids):
        raise InvalidInput(N_("Choose each session only once."), field="preferences")
    allowed = {s.id for c in booking_overview(person) if c.theme is theme for s in c.sessions}
    if not set(session_ids) <= allowed:
        raise NotForYou()
    db.session.execute(sa.delete(Preference).where(Preference.person_id == person.id,
                                                   Preference.theme == theme))
    prefs = [Preference(person_id=person.id, session_id=sid, theme=theme, rank=rank)
             for rank, sid in enumerate(session_ids, start=1)]
    db.session.add_all(prefs)
    db.session.flush()
    return prefs


def person_bookings(person: Person, *, booked_only: bool = False) -> list[Booking]:
    statuses = (BookingStatus.booked,) if booked_only else ACTIVE
    return list(db.session.scalars(
        sa.select(Booking).join(WorkshopSession)
        .where(Booking.person_id == person.id, Booking.status.in_(statuses))
        .order_by(WorkshopSession.starts_at)))


def session_bookings(session: WorkshopSession) -> list[Booking]:
    """Active bookings: seats first, then the waiting list in order."""
    return list(db.session.scalars(
        sa.select(Booking).where(Booking.session_id == session.id, Booking.status.in_(ACTIVE))
        .order_by(Booking.status != BookingStatus.booked, Booking.position, Booking.id)))


def person_for_token(token: str) -> Person:
    """The person a booking-page link is for (raises the link errors from services.links)."""
    link = links.resolve(token, LINK_PURPOSE)
    person = db.session.get(Person, link.subject_id)
    if person is None:
        raise links.LinkInvalid()
    return person


def feed_secret(person: Person) -> str:
    """The secret of the person's calendar feed, created on first use."""
    feed = db.session.scalar(sa.select(CalendarFeed).where(CalendarFeed.person_id == person.id))
    if feed is None:
        feed = CalendarFeed(person_id=person.id, secret=secrets.token_urlsafe(24))
        db.session.add(feed)
        db.session.flush()
    return feed.secret


def new_feed_secret(person: Person) -> str:
    """Replace the person's calendar-feed secret: the old address stops working at once (a
    shared or lost calendar subscription). Returns the new secret."""
    feed = db.session.scalar(sa.select(CalendarFeed).where(CalendarFeed.person_id == person.id))
    if feed is None:
        return feed_secret(person)
    feed.secret = secrets.token_urlsafe(24)
    db.session.flush()
    audit.record("calendar_feed.replaced", actor_label="participant link", obj=person,
                 details={"participant_code": person.participant_code})
    return feed.secret


def forget_feed(person: Person) -> int:
    """Delete the person's calendar feed (erasure): its address stops working."""
    return db.session.execute(sa.delete(CalendarFeed).where(
        CalendarFeed.person_id == person.id)).rowcount or 0


def person_for_feed(secret: str) -> Person:
    feed = db.session.scalar(sa.select(CalendarFeed).where(CalendarFeed.secret == secret))
    if feed is None:
        raise NotFound(N_("No such calendar."))
    return db.session.get(Person, feed.person_id)  # type: ignore[return-value]


# --------------------------------------------------------------------------- attendance


@dataclass
class RollCallRow:
    booking: Booking
    present: bool


def roll_call(session: WorkshopSession) -> list[RollCallRow]:
    """The booked people of a session (by name) and whether they are checked in."""
    checkin_list = ensure_session_list(session)
    present = set(db.session.scalars(
        sa.select(Registration.person_id).join(Ticket).join(CheckIn, CheckIn.ticket_id == Ticket.id)
        .where(CheckIn.list_id == checkin_list.id)))
    rows = [RollCallRow(b, b.person_id in present) for b in session_bookings(session)
            if b.status is BookingStatus.booked]
    return sorted(rows, key=lambda r: r.booking.person.name.casefold())


def record_roll_call(session: WorkshopSession, ticks: Sequence[dict[str, Any]], *,
                     actor: StaffUser | None, actor_label: str = "",
                     gate: str = "roll-call") -> dict[str, int]:
    """Apply roll-call ticks ``{"person_id", "present", "nonce"?, "at"?}`` in order.

    Idempotent: a tick whose ``nonce`` was already recorded is skipped, a present person stays
    one check-in (the schema allows one per ticket and list), unticking removes the check-in.
    Offline devices replay their queue through this. Only people booked into the session count.
    Returns ``{"checked_in", "removed", "ignored"}``.
    """
    checkin_list = ensure_session_list(session)
    booked = {b.person_id: b for b in session_bookings(session)
              if b.status is BookingStatus.booked}
    counts = {"checked_in": 0, "removed": 0, "ignored": 0}
    for tick in ticks:
        booking = booked.get(int(tick.get("person_id", 0) or 0))
        nonce = str(tick.get("nonce") or "")[:64] or None
        if booking is None or (nonce and db.session.scalar(
                sa.select(CheckIn.id).where(CheckIn.nonce == nonce))):
            counts["ignored"] += 1
            continue
        ticket = ensure_ticket(booking.person, session)
        existing = db.session.scalar(sa.select(CheckIn).where(
            CheckIn.list_id == checkin_list.id,
            CheckIn.ticket_id.in_(sa.select(Ticket.id).where(
                Ticket.registration_id == ticket.registration_id)))
        )
        if tick.get("present"):
            if existing is None:
                db.session.add(CheckIn(ticket_id=ticket.id, list_id=checkin_list.id,
                                       scanned_at=_parse_at(tick.get("at")), gate=gate,
                                       staff_user_id=actor.id if actor else None, nonce=nonce))
                counts["checked_in"] += 1
            else:
                counts["ignored"] += 1
        elif existing is not None:
            # A door scan on the session's list may have made it: keep its answer for retries.
            checkin.log_scan_of(existing, checkin_list.event_id)
            db.session.delete(existing)
            counts["removed"] += 1
        else:
            counts["ignored"] += 1
        db.session.flush()
    if counts["checked_in"] or counts["removed"]:
        audit.record("workshop.roll_call", actor=actor, actor_label=actor_label, obj=session,
                     event_id=checkin_list.event_id, details=counts)
    return counts


class UnknownBadge(DomainError):
    """This code is not a valid ticket."""

    code = "unknown_badge"
    http_status = 404
    message = N_("This code is not a valid ticket.")


class NotBookedHere(DomainError):
    """This person is not booked into this session."""

    code = "not_booked_here"
    http_status = 409
    message = N_("This person is not booked into this session.")


def check_in_badge(session: WorkshopSession, code: str, *, actor: StaffUser | None,
                   actor_label: str = "", gate: str = "door") -> Person:
    """Check a person in at the session's door from any of their active ticket codes (their
    Jobbforum badge or their workshop ticket), scanned or typed. Only booked people are admitted
    (:class:`NotBookedHere` otherwise); scanning twice is harmless."""
    ticket = tickets.find_by_code(code)
    if ticket is None or ticket.status is not TicketStatus.active:
        raise UnknownBadge()
    person = ticket.registration.person
    if person.id not in {b.person_id for b in session_bookings(session)
                         if b.status is BookingStatus.booked}:
        raise NotBookedHere(N_("%(name)s is not booked into this session."), name=person.name)
    record_roll_call(session, [{"person_id": person.id, "present": True}], actor=actor,
                     actor_label=actor_label, gate=gate)
    return person


def _parse_at(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else None


def session_attendance(person_ids: Iterable[int] | None = None) -> dict[int, dict[str, Any]]:
    """Who attended which kind of group meeting, per person.

    Returns ``{person_id: {"kickoff": bool, "interview": bool, "networking": bool,
    "mentor_training": bool, "other": bool, "sessions_attended": int}}``, using the one definition
    of attendance in :func:`jobbforum.services.attendance.sessions_attended`. With ``person_ids``
    every given person is in the result (all false/0 if they attended nothing); without, only
    people with at least one session check-in.
    """
    from jobbforum.services.attendance import sessions_attended

    wanted = None if person_ids is None else list(person_ids)
    scope = sa.select(Person.id)
    if wanted is not None:
        scope = scope.where(Person.id.in_(wanted))

    def blank() -> dict[str, Any]:
        return {**{t.value: False for t in Theme}, "sessions_attended": 0}

    result: dict[int, dict[str, Any]] = {pid: blank() for pid in wanted or []}
    for person_id, sessions in sessions_attended(scope).items():
        row = result.setdefault(person_id, blank())
        for theme in sessions.values():
            row[theme.value] = True
        row["sessions_attended"] = len(sessions)
    return result


# --------------------------------------------------------------------------- calendar


def week_calendar(sessions: Sequence[WorkshopSession]) -> list[tuple[str, list[tuple[str, list[
        WorkshopSession]]]]]:
    """Group sessions by ISO week and local day: ``[(week label, [(day, sessions)])]``."""
    tz = current_app.config["TIMEZONE"]
    weeks: dict[tuple[int, int], dict[str, list[WorkshopSession]]] = {}
    for session in sessions:
        local = utc_to_local(session.starts_at, tz)
        year, week, _day = local.isocalendar()
        weeks.setdefault((year, week), {}).setdefault(local.date().isoformat(), []).append(session)
    return [(f"{year}-W{week:02d}", list(days.items())) for (year, week), days in
            sorted(weeks.items())]


def _snapshot(obj: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    return {f: getattr(obj, f) for f in fields} if obj is not None else {}


# --------------------------------------------------------------------------- documents


def calendar_item(session: WorkshopSession, *, cancelled: bool = False) -> CalendarEvent:
    """The session as a calendar entry (same uid for everyone; no personal data)."""
    host = current_app.config["BASE_URL"].split("//", 1)[-1].split("/", 1)[0] or "jobbforum"
    room = session.room
    details = [v for v in (session.facilitator, session.language_support) if v]
    return CalendarEvent(
        uid=f"workshop-session-{session.id}@{host}", summary=session_title(session),
        starts_at=session.starts_at, ends_at=session.ends_at,
        location=", ".join(v for v in (room.name, room.address) if v),
        description="\n".join(details), cancelled=cancelled,
        sequence=int(session.updated_at.timestamp()) % 2**31 if session.updated_at else 0)


def booking_ics(booking: Booking) -> bytes:
    return event_to_ics(calendar_item(booking.session,
                                      cancelled=booking.status is BookingStatus.cancelled))


def person_feed(person: Person) -> bytes:
    """The person's iCalendar feed: every session they have a seat in."""
    return calendar_feed([calendar_item(b.session) for b in person_bookings(person,
                                                                          booked_only=True)],
                         name=_("Jobbforum group meetings"))


def timetable(sessions: Sequence[WorkshopSession], *, title: str, subtitle: str = "") -> bytes:
    """The printable timetable PDF of ``sessions``."""
    tz = current_app.config["TIMEZONE"]
    counts = seat_counts(s.id for s in sessions)
    rows = []
    for s in sessions:
        starts, ends = utc_to_local(s.starts_at, tz), utc_to_local(s.ends_at, tz)
        rows.append(TimetableRow(
            day=f"{starts:%Y-%m-%d}", time=f"{starts:%H:%M}–{ends:%H:%M}", title=session_title(s),
            room=f"{s.room.name}, {s.room.address}" if s.room.address else s.room.name,
            facilitator=s.facilitator, language_support=s.language_support,
            audience=label(s.audience), seats=f"{counts[s.id][0]}/{s.capacity}"))
    headers = [_("Day"), _("Time"), _("Session"), _("Room"), _("Facilitator"), _("Language"),
               _("For"), _("Booked")]
    return timetable_pdf(rows, title=title, subtitle=subtitle, headers=headers)


def door_sign(session: WorkshopSession, *, checkin_url: str) -> bytes:
    """The session's door sign PDF; its QR code opens ``checkin_url`` (staff only)."""
    tz = current_app.config["TIMEZONE"]
    starts, ends = utc_to_local(session.starts_at, tz), utc_to_local(session.ends_at, tz)
    return door_sign_pdf(DoorSign(
        title=session_title(session), day=f"{starts:%Y-%m-%d}",
        time=f"{starts:%H:%M}–{ends:%H:%M}", room=session.room.name,
        facilitator=session.facilitator, language_support=session.language_support,
        qr_text=checkin_url, qr_caption=_("Staff: scan to open the roll call for this session"),
        footer=_("Jobbforum group meeting")))


def find_person(participant_code: str) -> Person:
    """The person with this participant code (typed by staff, any case or spacing)."""
    from jobbforum.codes import normalise_participant_code

    person = db.session.scalar(sa.select(Person).where(
        Person.participant_code == normalise_participant_code(participant_code)))
    if person is None:
        raise NotFound(N_("No person has that participant code."), field="participant_code")
    return person


def get_booking(booking_id: int, *, person: Person | None = None) -> Booking:
    """A booking by id; with ``person``, only one of theirs (else :class:`NotFound`)."""
    booking = db.session.get(Booking, booking_id)
    if booking is None or (person is not None and booking.person_id != person.id):
        raise NotFound(N_("No such booking."))
    return booking
