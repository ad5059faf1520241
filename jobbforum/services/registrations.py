"""Sign-up for events: people, registrations, the waiting list, tickets and private ticket links.

The rules, in one place:

* A person is matched to who they already are: by the participant code they type (together with
  the email or mobile number stored for them), else by their
  email address (or, when they give no email, their mobile number); otherwise they get a new
  participant code. A matched person's stored name is
  never overwritten from an anonymous form (only empty fields are filled in).
* Registration is possible only while the event's registration window is open.
* While confirmed registrations are below the event's capacity, a sign-up is confirmed and gets
  an active ticket; after that, only someone who asked for it goes on the waiting list (no ticket).
  Cancelling a confirmed registration moves the first person on the waiting list up.
* Consent to the privacy text is required and stored with its time and text version.
* One active ticket per registration (see :mod:`jobbforum.services.tickets`).

Services flush; the caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import phonenumbers
import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask import current_app

from jobbforum.codes import (
    is_acceptable_imported_code,
    new_participant_code,
    normalise_participant_code,
)
from jobbforum.config import PRIVACY_TEXT_VERSION
from jobbforum.extensions import db
from jobbforum.models import (
    BoothSharing,
    Event,
    Gender,
    OutgoingMail,
    Person,
    ProgrammeRound,
    Registration,
    RegistrationStatus,
    Role,
    StaffUser,
    Ticket,
    TicketStatus,
    utcnow,
)
from jobbforum.services import audit, links, mailer, tickets
from jobbforum.services.errors import Conflict, DomainError, InvalidInput, N_, NotFound

#: Roles people choose themselves on the sign-up form (booth staff are registered by exhibitors).
SELF_SERVICE_ROLES = (Role.participant, Role.mentor, Role.visitor)
#: Roles that belong to a programme round.
ROUND_ROLES = (Role.participant, Role.mentor)
#: Roles counted against the event's capacity (booth staff come with their exhibitor's stand).
CAPACITY_ROLES = SELF_SERVICE_ROLES
#: Private ticket links stay valid this long after the event ends.
LINK_VALID_AFTER_EVENT = timedelta(days=30)
LINK_PURPOSE = "ticket"
DEFAULT_REGION = "SE"


class RegistrationClosed(DomainError):
    """Registration for this event is not open."""

    code = "registration_closed"
    http_status = 409
    message = N_("Registration for this event is not open.")


class EventFull(DomainError):
    """The event is full. You can join the waiting list."""

    code = "event_full"
    http_status = 409
    message = N_("The event is full. You can join the waiting list.")


class AlreadyRegistered(Conflict):
    """You are already registered for this event."""

    code = "already_registered"
    message = N_("You are already registered for this event.")


class UnknownParticipantCode(InvalidInput):
    """We could not find this participant code with this mobile number or email. Check them, or
    leave the code empty."""

    code = "unknown_participant_code"
    message = N_("We could not find this participant code with this mobile number or email. "
                 "Check them, or leave the code empty.")


@dataclass
class SignUpData:
    """What a person enters on the sign-up form (already trimmed; empty strings mean "not given")."""

    role: Role
    name: str
    email: str = ""
    phone: str = ""
    round_id: int | None = None
    preferred_language: str = "sv"
    gender: Gender | None = None
    participant_code: str = ""
    consent: bool = False
    #: The person agreed to go on the waiting list if the event is full.
    waitlist_ok: bool = False
    #: What a booth scan of the badge shares with exhibitors (see :mod:`jobbforum.services.booths`).
    booth_sharing: BoothSharing = BoothSharing.visit_only


@dataclass
class SignUpResult:
    registration: Registration
    #: The active ticket, or ``None`` on the waiting list.
    ticket: Ticket | None
    #: Token of the private ticket link (``/t/<token>``).
    token: str
    #: Whether the person already existed (matched by code or email).
    matched: bool


# --------------------------------------------------------------------------- normalisation


def normalise_email(text: str) -> str:
    """A syntactically valid email address (domain lower-cased), or raise :class:`InvalidInput`."""
    try:
        checked = validate_email(text.strip(), check_deliverability=False)
    except EmailNotValidError:
        raise InvalidInput(N_("Write an email address like name@example.com."), field="email") from None
    return checked.normalized.lower()


def normalise_phone(text: str, region: str = DEFAULT_REGION) -> str:
    """A phone number in E.164 form (``+46701234567``); Swedish numbers may be written ``070…``."""
    try:
        number = phonenumbers.parse(text.strip(), region)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise InvalidInput(N_("Write a mobile number, like 070 123 45 67."), field="phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def unique_participant_code() -> str:
    """A new participant code no person has yet."""
    while True:
        code = new_participant_code()
        if db.session.scalar(sa.select(Person.id).where(Person.participant_code == code)) is None:
            return code


def find_person_by_code(code: str) -> Person | None:
    code = normalise_participant_code(code)
    if not code:
        return None
    return db.session.scalar(sa.select(Person).where(Person.participant_code == code))


def find_person_by_email(email: str) -> Person | None:
    if not email:
        return None
    return db.session.scalar(sa.select(Person).where(sa.func.lower(Person.email) == email.lower())
                             .order_by(Person.id).limit(1))


def find_person_by_phone(phone: str) -> Person | None:
    """By a normalised (E.164) phone number."""
    if not phone:
        return None
    return db.session.scalar(sa.select(Person).where(Person.phone == phone)
                             .order_by(Person.id).limit(1))


# --------------------------------------------------------------------------- queries


def get_registration(event: Event, registration_id: int) -> Registration:
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.event_id != event.id:
        raise NotFound(N_("No such registration."))
    return registration


def confirmed_count(event: Event) -> int:
    return db.session.scalar(sa.select(sa.func.count(Registration.id)).where(
        Registration.event_id == event.id, Registration.status == RegistrationStatus.confirmed,
        Registration.role.in_(CAPACITY_ROLES))) or 0


def places_left(event: Event) -> int | None:
    """Free places, or ``None`` for an event without a capacity limit."""
    if event.capacity is None:
        return None
    return max(0, event.capacity - confirmed_count(event))


def waiting_position(registration: Registration) -> int | None:
    """1 for the first person on the waiting list; ``None`` if not waitlisted."""
    if registration.status is not RegistrationStatus.waitlisted:
        return None
    ahead = db.session.scalar(sa.select(sa.func.count(Registration.id)).where(
        Registration.event_id == registration.event_id,
        Registration.status == RegistrationStatus.waitlisted,
        sa.or_(Registration.created_at < registration.created_at,
               sa.and_(Registration.created_at == registration.created_at,
                       Registration.id < registration.id)))) or 0
    return ahead + 1


def list_registrations(event: Event, *, role: Role | None = None, round_id: int | None = None,
                       status: RegistrationStatus | None = None, search: str = "") -> list[Registration]:
    """The event's registrations, filtered; ordered by name. ``search`` matches name, email,
    phone or participant code."""
    query = (sa.select(Registration).join(Registration.person)
             .where(Registration.event_id == event.id)
             .options(sa.orm.selectinload(Registration.tickets),
                      sa.orm.contains_eager(Registration.person).joinedload(Person.round),
                      sa.orm.joinedload(Registration.exhibitor))
             .order_by(Person.name, Registration.id))
    if role is not None:
        query = query.where(Registration.role == role)
    if round_id is not None:
        query = query.where(Person.round_id == round_id)
    if status is not None:
        query = query.where(Registration.status == status)
    if search.strip():
        like = f"%{search.strip().lower()}%"
        query = query.where(sa.or_(sa.func.lower(Person.name).like(like),
                                   sa.func.lower(Person.email).like(like),
                                   Person.phone.like(like),
                                   sa.func.lower(Person.participant_code).like(like)))
    return list(db.session.scalars(query).unique())


def registration_from_token(token: str, *, now: datetime | None = None) -> Registration:
    """The registration a private ticket link opens; raises the errors of :func:`links.resolve`."""
    link = links.resolve(token, LINK_PURPOSE, now=now)
    registration = db.session.get(Registration, link.subject_id)
    if registration is None:
        raise links.LinkInvalid()
    links.touch(link)
    return registration


def issue_link(registration: Registration) -> str:
    """A new private link to the registration's ticket page; valid until a while after the event."""
    return links.issue(LINK_PURPOSE, registration.id,
                       expires_at=registration.event.ends_at + LINK_VALID_AFTER_EVENT)


def ticket_url(token: str) -> str:
    """The absolute URL of the ticket page (for emails)."""
    return f"{current_app.config['BASE_URL'].rstrip('/')}/t/{token}"


# --------------------------------------------------------------------------- sign-up


def _validate(event: Event, data: SignUpData) -> tuple[str, str]:
    """Check the form data against the event; returns the normalised email and phone."""
    if data.role not in SELF_SERVICE_ROLES:
        raise InvalidInput(N_("Choose how you take part."), field="role")
    if not data.name.strip():
        raise InvalidInput(N_("Write your name."), field="name")
    email = normalise_email(data.email) if data.email.strip() else ""
    phone = normalise_phone(data.phone) if data.phone.strip() else ""
    if not email and not phone:
        raise InvalidInput(N_("Write your mobile number or your email address (at least one)."),
                           field="phone")
    if data.role in ROUND_ROLES and event.rounds:
        if data.round_id not in {r.id for r in event.rounds}:
            raise InvalidInput(N_("Choose your programme round."), field="round_id")
    if data.preferred_language not in current_app.config["LANGUAGES"]:
        raise InvalidInput(N_("Choose a language."), field="preferred_language")
    if not data.consent:
        raise InvalidInput(N_("You need to agree so that we can register you."), field="consent")
    return email, phone


def _same_contact(person: Person, email: str, phone: str) -> bool:
    """Whether the entered email or phone is the one stored for ``person``."""
    return bool((email and person.email and email.lower() == person.email.lower())
                or (phone and person.phone and phone == person.phone))


def _match_person(data: SignUpData, email: str, phone: str,
                  round_: ProgrammeRound | None) -> tuple[Person, bool]:
    if data.participant_code.strip():
        person = find_person_by_code(data.participant_code)
        # A code alone is not proof (codes imported from surveys can be short): it must come with
        # the email or mobile number we have for that person, or the page would show their name.
        if person is None or not _same_contact(person, email, phone):
            raise UnknownParticipantCode(field="participant_code")
    else:
        person = find_person_by_email(email) or (None if email else find_person_by_phone(phone))
    if person is None:
        person = Person(participant_code=unique_participant_code(), name=data.name.strip(),
                        email=email or None, phone=phone or None,
                        preferred_language=data.preferred_language, gender=data.gender,
                        round=round_)
        db.session.add(person)
        db.session.flush()
        return person, False
    # Fill in what is missing; never overwrite stored data from an anonymous form.
    person.email = person.email or email or None
    person.phone = person.phone or phone or None
    person.gender = person.gender or data.gender
    person.round = person.round or round_
    person.preferred_language = data.preferred_language
    db.session.flush()
    return person, True


def _lock_event(event: Event) -> None:
    """Serialise sign-ups per event, so capacity holds under concurrent requests (PostgreSQL row
    lock; SQLite already allows only one writer at a time)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.select(Event.id).where(Event.id == event.id).with_for_update())


def sign_up(event: Event, data: SignUpData, *, now: datetime | None = None) -> SignUpResult:
    """Register a person (found or new) for ``event``.

    Guarantees: the registration window is respected; confirmed registrations never exceed the
    capacity, even under concurrent sign-ups; a confirmed registration has exactly one active
    ticket; a waitlisted one has none; consent is stored with its time and the privacy text
    version. Raises :class:`RegistrationClosed`, :class:`EventFull` (unless ``waitlist_ok``),
    :class:`AlreadyRegistered` (with ``registration`` in its context), :class:`UnknownParticipantCode`
    or :class:`InvalidInput` (with ``field``).
    """
    now = now or utcnow()
    if not event.registration_is_open(now):
        raise RegistrationClosed()
    email, phone = _validate(event, data)
    round_ = db.session.get(ProgrammeRound, data.round_id) if (
        data.round_id and data.role in ROUND_ROLES) else None
    _lock_event(event)
    person, matched = _match_person(data, email, phone, round_)
    existing = db.session.scalar(sa.select(Registration).where(
        Registration.event_id == event.id, Registration.person_id == person.id))
    if existing is not None and existing.status is not RegistrationStatus.cancelled:
        raise AlreadyRegistered(registration=existing)
    left = places_left(event)
    status = RegistrationStatus.confirmed
    if left == 0:
        if not data.waitlist_ok:
            raise EventFull()
        status = RegistrationStatus.waitlisted
    registration = existing or Registration(event_id=event.id, person_id=person.id)
    registration.role, registration.status = data.role, status
    registration.booth_sharing = data.booth_sharing
    registration.consent_at = now
    registration.consent_version = current_app.config.get("PRIVACY_TEXT_VERSION",
                                                          PRIVACY_TEXT_VERSION)
    if existing is not None:
        # A person who cancelled and signs up again starts at the back of the waiting list.
        registration.created_at = now
    db.session.add(registration)
    db.session.flush()
    ticket = tickets.issue_ticket(registration) if status is RegistrationStatus.confirmed else None
    token = issue_link(registration)
    return SignUpResult(registration=registration, ticket=ticket, token=token, matched=matched)


# --------------------------------------------------------------------------- staff operations


def reissue(registration: Registration, *, actor: StaffUser | None, actor_label: str = "") -> str:
    """Give a confirmed registration a new ticket and a new private link; the old code and the old
    links stop working at once. Returns the new link's token (the caller sends it)."""
    if registration.status is not RegistrationStatus.confirmed:
        raise Conflict(N_("Only confirmed registrations have tickets."))
    ticket = tickets.issue_ticket(registration, actor=actor, actor_label=actor_label)
    revoked_links = links.revoke_all(LINK_PURPOSE, registration.id)
    audit.record("registration.reissued", actor=actor, actor_label=actor_label, obj=registration,
                 event_id=registration.event_id,
                 details={"ticket_id": ticket.id, "links_revoked": revoked_links})
    return issue_link(registration)


def revoke(registration: Registration, *, actor: StaffUser | None, actor_label: str = "") -> None:
    """Revoke the registration's active ticket (if any); nobody gets in with it any more."""
    ticket = registration.active_ticket
    if ticket is not None:
        tickets.revoke_ticket(ticket, actor=actor, actor_label=actor_label)


def cancel(registration: Registration, *, actor: StaffUser | None,
           actor_label: str = "") -> list[Registration]:
    """Cancel a registration (its ticket is revoked) and move people up from the waiting list
    into the freed places. Returns the registrations moved up (they now have tickets)."""
    if registration.status is RegistrationStatus.cancelled:
        return []
    revoke(registration, actor=actor, actor_label=actor_label)
    previous = registration.status
    registration.status = RegistrationStatus.cancelled
    db.session.flush()
    audit.record("registration.cancelled", actor=actor, actor_label=actor_label, obj=registration,
                 event_id=registration.event_id, details={"status": [previous, "cancelled"]})
    return promote_waitlisted(registration.event, actor=actor, actor_label=actor_label)


def promote_waitlisted(event: Event, *, actor: StaffUser | None = None,
                       actor_label: str = "") -> list[Registration]:
    """Confirm people from the waiting list, first come first served, while places are free."""
    _lock_event(event)
    left = places_left(event)
    waiting = db.session.scalars(sa.select(Registration).where(
        Registration.event_id == event.id, Registration.status == RegistrationStatus.waitlisted)
        .order_by(Registration.created_at, Registration.id)
        .limit(left if left is not None else None)).all()
    for registration in waiting:
        registration.status = RegistrationStatus.confirmed
        db.session.flush()
        tickets.issue_ticket(registration, actor=actor, actor_label=actor_label)
        audit.record("registration.promoted", actor=actor, actor_label=actor_label,
                     obj=registration, event_id=event.id)
    return list(waiting)


def register_person(event: Event, person: Person, role: Role, *, actor: StaffUser | None,
                    actor_label: str = "", exhibitor_id: int | None = None) -> Registration:
    """Register a known person (staff, roster import, demo, booth staff) as confirmed with an
    active ticket; returns the existing registration if there is one (reactivated if cancelled)."""
    registration = db.session.scalar(sa.select(Registration).where(
        Registration.event_id == event.id, Registration.person_id == person.id))
    if registration is None:
        registration = Registration(event_id=event.id, person_id=person.id, role=role,
                                    exhibitor_id=exhibitor_id)
        db.session.add(registration)
    registration.status = RegistrationStatus.confirmed
    db.session.flush()
    if db.session.scalar(sa.select(Ticket.id).where(
            Ticket.registration_id == registration.id, Ticket.status == TicketStatus.active)) is None:
        tickets.issue_ticket(registration, actor=actor, actor_label=actor_label)
    return registration


# --------------------------------------------------------------------------- confirmation mail


def queue_confirmation(registration: Registration, token: str) -> OutgoingMail | None:
    """Queue the confirmation email (ticket PDF attached, private link, in the person's language).
    Returns the queued mail, or ``None`` if the person gave no email address."""
    from jobbforum.documents import emails

    person = registration.person
    if not person.email:
        return None
    message = emails.confirmation(registration, ticket_url(token))
    attachments = ([{"kind": "ticket_pdf", "registration_id": registration.id}]
                   if registration.status is RegistrationStatus.confirmed else [])
    return mailer.queue(person.email, message.subject, message.text, message.html,
                        attachments=attachments)


def send_queued(mail: OutgoingMail | None) -> None:
    """Try to deliver a queued mail now (after the caller committed); failures stay queued for
    ``jobbforum mail retry`` and never undo the registration."""
    if mail is None:
        return
    try:
        mailer.deliver(mail)
    except Exception:  # noqa: BLE001 - e.g. the PDF failed to build: keep the mail for a retry
        current_app.logger.exception("Mail %s not sent; it stays queued", mail.id)


def normalise_imported_code(text: str) -> str:
    """A participant code from a roster (existing survey codes are accepted as they are)."""
    code = normalise_participant_code(text)
    if not is_acceptable_imported_code(code):
        raise InvalidInput(N_("A participant code has 4–16 letters A–Z and digits."),
                           field="participant_code")
    return code
