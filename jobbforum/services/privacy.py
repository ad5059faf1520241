"""Privacy: purge old personal data, erase one person, and export one person's data.

Participants are a vulnerable group (GDPR, data minimisation). What identifies a person — name,
email, phone, the mails sent to them, exhibitor contacts' details, staff notes and logos — is kept
only as long as it is needed. What the evaluation needs — the pseudonymous ``participant_code``,
gender, round, registrations, check-ins, bookings and survey responses — stays, so the indicator
figures and the attendance export are the same before and after a purge.

Every purge, erasure and access export is audited (who, when, what, how many rows).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

import sqlalchemy as sa

from jobbforum.extensions import db
from jobbforum.models import (
    Booking,
    CheckIn,
    CheckInList,
    Event,
    ExhibitorRegistration,
    OutgoingMail,
    Person,
    ProgrammeRound,
    Registration,
    StaffUser,
    SurveyResponse,
    Ticket,
    WorkshopSession,
)
from jobbforum.services import (
    audit,
    booths,
    checkin,
    links,
    registrations,
    uploads,
    workshops,
)
from jobbforum.services.errors import N_, NotFound
from jobbforum.timeutil import local_to_utc


@dataclass(frozen=True)
class PurgeReport:
    """How many rows a purge changed (or would change, in a dry run)."""

    ended_before: date
    people: int
    exhibitor_contacts: int
    logos: int
    mails: int
    dry_run: bool
    #: Booth visits whose shared name, email, phone and note were removed.
    booth_visits: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"ended_before": self.ended_before.isoformat(), "people": self.people,
                "exhibitor_contacts": self.exhibitor_contacts, "logos": self.logos,
                "mails": self.mails, "dry_run": self.dry_run,
                "booth_visits": self.booth_visits}


def _last_activity() -> sa.Subquery:
    """Per person id: when their last event, session or round ended (UTC or date)."""
    events = (sa.select(Registration.person_id.label("person_id"),
                        sa.func.max(Event.ends_at).label("last"))
              .join(Event, Event.id == Registration.event_id).group_by(Registration.person_id))
    sessions = (sa.select(Booking.person_id.label("person_id"),
                          sa.func.max(WorkshopSession.ends_at).label("last"))
                .join(WorkshopSession, WorkshopSession.id == Booking.session_id)
                .group_by(Booking.person_id))
    return sa.union_all(events, sessions).subquery()


def _people_to_purge(ended_before: date) -> sa.Select:
    """Ids of not-yet-purged people whose last event, session and round ended before the date.

    A person with no event, session or round at all counts from when they were created.
    """
    cutoff = local_to_utc(datetime.combine(ended_before, time()))
    activity = _last_activity()
    late_activity = sa.select(activity.c.person_id).where(activity.c.last >= cutoff)
    late_round = sa.select(ProgrammeRound.id).where(ProgrammeRound.ends_on >= ended_before)
    any_activity = sa.select(activity.c.person_id)
    return sa.select(Person.id).where(
        _not_purged(),
        Person.id.not_in(late_activity),
        sa.or_(Person.round_id.is_(None), Person.round_id.not_in(late_round)),
        sa.or_(Person.id.in_(any_activity), Person.round_id.is_not(None),
               Person.created_at < cutoff),
    )


def _not_purged() -> sa.ColumnElement[bool]:
    return sa.or_(Person.name != "", Person.email.is_not(None), Person.phone.is_not(None))


def _contacts_to_purge(ended_before: date) -> sa.Select:
    cutoff = local_to_utc(datetime.combine(ended_before, time()))
    return (sa.select(ExhibitorRegistration.id)
            .join(Event, Event.id == ExhibitorRegistration.event_id)
            .where(Event.ends_at < cutoff,
                   sa.or_(ExhibitorRegistration.contact_name != "",
                          ExhibitorRegistration.contact_email != "",
                          ExhibitorRegistration.contact_phone != "",
                          ExhibitorRegistration.notes != "",
                          ExhibitorRegistration.decline_reason != "",
                          ExhibitorRegistration.logo_filename.is_not(None))))


def _remove_logo(filename: str | None) -> bool:
    """Delete the stored logo file (where :func:`uploads.save_image` put it)."""
    if not filename:
        return False
    uploads.delete("logos", filename)
    return True


def purge(ended_before: date, *, dry_run: bool = False, actor: StaffUser | None = None,
          actor_label: str = "") -> PurgeReport:
    """Remove personal data of people and exhibitor contacts whose last event ended before the date.

    People: name emptied, email and phone removed, mails to their address deleted. Exhibitor
    registrations of events that ended before the date: contact name, email and phone, staff
    notes and decline reason emptied, the logo file deleted. The people's booth visits lose the
    name, email, phone and note exhibitors held (the visits still count), and the door's scan
    log no longer names them. Keeps participant codes, gender, rounds, registrations, tickets,
    check-ins, bookings and survey responses: the attendance export and the indicators are
    unchanged. With *dry_run* counts only. Audited either way.
    """
    people_ids = list(db.session.scalars(_people_to_purge(ended_before)))
    contacts = list(db.session.scalars(sa.select(ExhibitorRegistration).where(
        ExhibitorRegistration.id.in_(_contacts_to_purge(ended_before)))))
    emails = [e for e in db.session.scalars(
        sa.select(Person.email).where(Person.id.in_(people_ids), Person.email.is_not(None)))]
    mails = _mails_to(emails)
    logos = sum(1 for c in contacts if c.logo_filename)
    if not dry_run:
        for start in range(0, len(people_ids), 1000):
            db.session.execute(sa.update(Person)
                               .where(Person.id.in_(people_ids[start:start + 1000]))
                               .values(name="", email=None, phone=None))
        for contact in contacts:
            _remove_logo(contact.logo_filename)
            contact.contact_name = contact.contact_email = contact.contact_phone = ""
            contact.notes = contact.decline_reason = ""
            contact.logo_filename = None
        _delete_mails(emails)
        visits = booths.purge_for_people(people_ids)
        checkin.forget_holder_names(people_ids)  # the door's scan log named them too
        db.session.flush()
        db.session.expire_all()
    else:
        visits = booths.count_personal_for_people(people_ids)
    report = PurgeReport(ended_before, len(people_ids), len(contacts), logos, mails, dry_run, visits)
    audit.record("privacy.purge_dry_run" if dry_run else "privacy.purge", actor=actor,
                 actor_label=actor_label, details=report.as_dict())
    return report


def _mails_to(emails: list[str]) -> int:
    total = 0
    for start in range(0, len(emails), 1000):
        total += db.session.scalar(sa.select(sa.func.count()).select_from(OutgoingMail).where(
            OutgoingMail.to.in_(emails[start:start + 1000]))) or 0
    return total


def _delete_mails(emails: list[str]) -> None:
    for start in range(0, len(emails), 1000):
        db.session.execute(sa.delete(OutgoingMail).where(
            OutgoingMail.to.in_(emails[start:start + 1000])))


def find_person(participant_code: str) -> Person:
    """The person with this code (normalised), or :class:`NotFound`."""
    from jobbforum.codes import normalise_participant_code

    person = db.session.scalar(sa.select(Person).where(
        Person.participant_code == normalise_participant_code(participant_code)))
    if person is None:
        raise NotFound(N_("No person has that participant code."), field="participant_code")
    return person


def erase_person(person: Person, *, include_attendance_link: bool = False,
                 actor: StaffUser | None = None, actor_label: str = "") -> dict[str, int]:
    """Right to erasure. Returns how many rows of each kind were erased or emptied.

    Always: name, email, phone, language and gender removed; mails to the person deleted; what
    exhibitors hold from booth scans (name, email, phone, note) deleted. Without
    *include_attendance_link* the person's private links (ticket and booking pages) are revoked
    and their name is taken out of the door's scan log.
    With *include_attendance_link*: the person is deleted altogether — registrations, tickets,
    check-ins, bookings and both survey responses go too, so nothing links the participant code
    to attendance or answers any more (the indicator figures then no longer count them); so do
    the private links to their tickets and booking page.
    """
    code = person.participant_code
    counts = {"mails": _mails_to([person.email] if person.email else []),
              "booth_visits": booths.purge_for_people([person.id])}
    if person.email:
        _delete_mails([person.email])
    if include_attendance_link:
        counts["registrations"] = len(person.registrations)
        counts["bookings"] = db.session.scalar(
            sa.select(sa.func.count()).select_from(Booking).where(Booking.person_id == person.id)) or 0
        counts["survey_responses"] = db.session.execute(sa.delete(SurveyResponse).where(
            SurveyResponse.participant_code == code)).rowcount or 0
        counts["private_links"] = (
            links.forget(registrations.LINK_PURPOSE, [r.id for r in person.registrations])
            + links.forget(workshops.LINK_PURPOSE, [person.id]))
        counts["calendar_feeds"] = workshops.forget_feed(person)
        db.session.delete(person)
        counts["people"] = 1
    else:
        person.name, person.email, person.phone = "", None, None
        person.gender, person.preferred_language = None, "sv"
        # The door's log keeps each scan's answer, which named the holder.
        counts["scan_log_names"] = checkin.forget_holder_names([person.id])
        counts["people"] = 1
        # The registrations stay (attendance), but nobody should act for the person any more
        # through their old ticket or booking links: revoked, they answer "no longer valid".
        counts["private_links"] = (
            sum(links.revoke_all(registrations.LINK_PURPOSE, r.id) for r in person.registrations)
            + links.revoke_all(workshops.LINK_PURPOSE, person.id))
        counts["calendar_feeds"] = workshops.forget_feed(person)
    db.session.flush()
    # The code is pseudonymous; the audit log keeps which record was erased, never a name.
    audit.record("privacy.erase", actor=actor, actor_label=actor_label,
                 details={"participant_code": code,
                          "include_attendance_link": include_attendance_link, **counts})
    return counts


def access_export(person: Person, *, actor: StaffUser | None = None,
                  actor_label: str = "") -> dict[str, Any]:
    """Everything stored about the person, as a JSON-ready dict (right of access). Audited.

    Ticket codes are left out: they are secrets that admit the holder, not data about them.
    """
    registrations = db.session.scalars(
        sa.select(Registration).where(Registration.person_id == person.id)
        .order_by(Registration.created_at)).all()
    checkins = db.session.execute(
        sa.select(Event.slug, CheckInList.name, CheckIn.checked_in_at)
        .select_from(CheckIn).join(Ticket, Ticket.id == CheckIn.ticket_id)
        .join(Registration, Registration.id == Ticket.registration_id)
        .join(CheckInList, CheckInList.id == CheckIn.list_id)
        .join(Event, Event.id == CheckInList.event_id)
        .where(Registration.person_id == person.id).order_by(CheckIn.checked_in_at)).all()
    bookings = db.session.execute(
        sa.select(WorkshopSession.theme, WorkshopSession.title, WorkshopSession.starts_at,
                  Booking.status)
        .join(WorkshopSession, WorkshopSession.id == Booking.session_id)
        .where(Booking.person_id == person.id).order_by(WorkshopSession.starts_at)).all()
    responses = db.session.scalars(sa.select(SurveyResponse).where(
        SurveyResponse.participant_code == person.participant_code)).all()
    mails = (db.session.scalars(sa.select(OutgoingMail).where(OutgoingMail.to == person.email)
                                .order_by(OutgoingMail.created_at)).all() if person.email else [])
    data: dict[str, Any] = {
        "person": {
            "participant_code": person.participant_code, "name": person.name,
            "email": person.email, "phone": person.phone,
            "preferred_language": person.preferred_language,
            "gender": person.gender.value if person.gender else None,
            "round": person.round.slug if person.round else None,
            "created_at": person.created_at.isoformat(),
        },
        "registrations": [{
            "event": r.event.slug, "role": r.role.value, "status": r.status.value,
            "registered_at": r.created_at.isoformat(),
            "consent_at": r.consent_at.isoformat() if r.consent_at else None,
            "consent_version": r.consent_version,
            "tickets": [{"status": t.status.value, "issued_at": t.issued_at.isoformat()}
                        for t in r.tickets],
        } for r in registrations],
        "checkins": [{"event": slug, "list": name, "at": at.isoformat()}
                     for slug, name, at in checkins],
        "bookings": [{"theme": theme.value, "title": title, "starts_at": starts.isoformat(),
                      "status": status.value} for theme, title, starts, status in bookings],
        "survey_responses": [_response_dict(r) for r in responses],
        "booth_visits": booths.visits_of_person(person),
        "mails": [{"subject": m.subject, "status": m.status.value,
                   "created_at": m.created_at.isoformat(),
                   "sent_at": m.sent_at.isoformat() if m.sent_at else None} for m in mails],
    }
    audit.record("privacy.access_export", actor=actor, actor_label=actor_label,
                 details={"participant_code": person.participant_code,
                          "rows": sum(len(v) for k, v in data.items() if k != "person") + 1})
    return data


def _response_dict(response: SurveyResponse) -> dict[str, Any]:
    from jobbforum.services.surveys_parse import COLUMNS

    out: dict[str, Any] = {"kind": response.kind.value}
    for name in COLUMNS[1:]:
        value = getattr(response, name)
        out[name] = value.isoformat() if isinstance(value, date) else getattr(value, "value", value)
    out["imported_at"] = response.imported_at.isoformat()
    return out
