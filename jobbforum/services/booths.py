"""Booth scanning with consent: exhibitors' booth staff scan participants' badges.

The rules, in one place:

* A participant chooses per registration what a booth scan shares (:class:`BoothSharing`):
  nothing but the visit (the default), or also name and email, or also the phone number.
  The exhibitor sees exactly that and nothing more; the personal part is copied at scan time.
* One visit per exhibitor and registration: a second scan updates the visit (time, count,
  shared part), it never adds a row — also under concurrent scans.
* Lowering the sharing level, or withdrawing sharing with one exhibitor, empties the exhibitor's
  copy at once. After a withdrawal, later scans by that exhibitor share nothing either.
* Booth staff reach the scanner through a private link (purpose ``booth``) valid until the
  retention deadline: the event's end plus ``BOOTH_RETENTION_DAYS`` (default 30). Until then they
  can scan (during the event), note, tag and export their visits; after it the personal part and
  the notes are purged (job ``booth-retention``) and exports are refused.
* An exhibitor only ever reads its own visits.

Services flush; the caller commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app

from jobbforum.extensions import db
from jobbforum.models import (
    BoothSharing,
    BoothVisit,
    Event,
    ExhibitorRegistration,
    ExhibitorStatus,
    Organisation,
    OrganisationType,
    Person,
    Registration,
    RegistrationStatus,
    Role,
    StaffUser,
    TicketStatus,
    utcnow,
)
from jobbforum.services import audit, jobs, links, tickets
from jobbforum.services.errors import DomainError, InvalidInput, N_, NotFound

LINK_PURPOSE = "booth"
LINK_ACTOR = "booth-link"
DEFAULT_RETENTION_DAYS = 30
#: Tags booth staff can put on a visit (keys; the UI translates them).
TAGS = ("follow_up", "internship", "job", "education", "interview", "mentoring")
MAX_NOTE = 500
#: The personal fields each level shares, in order.
SHARED_FIELDS: dict[BoothSharing, tuple[str, ...]] = {
    BoothSharing.visit_only: (),
    BoothSharing.contact: ("name", "email"),
    BoothSharing.contact_phone: ("name", "email", "phone"),
}
_ORDER = (BoothSharing.visit_only, BoothSharing.contact, BoothSharing.contact_phone)


class UnknownBadge(DomainError):
    """This is not a valid badge for this event."""

    code = "unknown_code"
    http_status = 404
    message = N_("This is not a valid badge for this event.")


class BadgeRevoked(DomainError):
    """This badge is no longer valid."""

    code = "revoked"
    http_status = 409
    message = N_("This badge is no longer valid.")


class NotApproved(DomainError):
    """Booth scanning opens when your registration is approved."""

    code = "not_approved"
    http_status = 403
    message = N_("Booth scanning opens when your registration is approved.")


class RetentionPassed(DomainError):
    """The retention period is over: the personal part of the visits has been removed."""

    code = "retention_passed"
    http_status = 410
    message = N_("The retention period is over: the personal part of the visits has been removed.")


class ScanningClosed(DomainError):
    """Badges can be scanned only on the day of the event."""

    code = "scanning_closed"
    http_status = 409
    message = N_("Badges can be scanned only on the day of the event.")


@dataclass(frozen=True)
class SharedPart:
    """What the exhibitor may see of a visit: ``None`` for what is not shared."""

    level: BoothSharing
    name: str | None = None
    email: str | None = None
    phone: str | None = None

    @property
    def anonymous(self) -> bool:
        return not (self.name or self.email or self.phone)


# --------------------------------------------------------------------------- deadlines, links


def retention_days() -> int:
    return int(current_app.config.get("BOOTH_RETENTION_DAYS", DEFAULT_RETENTION_DAYS))


def retention_deadline(event: Event) -> datetime:
    """Until when exhibitors keep the personal part of their visits (event end + retention days)."""
    return event.ends_at + timedelta(days=retention_days())


def scanning_window(event: Event) -> tuple[datetime, datetime]:
    """Scans are accepted from 12 hours before the start until 12 hours after the end."""
    return event.starts_at - timedelta(hours=12), event.ends_at + timedelta(hours=12)


def issue_link(exhibitor: ExhibitorRegistration, *, actor: StaffUser | None = None,
               actor_label: str = LINK_ACTOR, revoke_older: bool = False) -> str:
    """A booth-scanner link for the exhibitor's booth staff, valid until the retention deadline.
    Only approved exhibitors get one (:class:`NotApproved`). With *revoke_older* (a coordinator
    replacing a link that went astray) every earlier booth link of the exhibitor stops working."""
    if exhibitor.status is not ExhibitorStatus.approved:
        raise NotApproved()
    revoked = links.revoke_all(LINK_PURPOSE, exhibitor.id) if revoke_older else 0
    token = links.issue(LINK_PURPOSE, exhibitor.id, expires_at=retention_deadline(exhibitor.event))
    audit.record("booth.link_issued", actor=actor, actor_label=actor_label, obj=exhibitor,
                 event_id=exhibitor.event_id, details={"revoked": revoked})
    return token


def exhibitor_for_link(token: str, *, now: datetime | None = None) -> ExhibitorRegistration:
    """The approved exhibitor a booth link opens (the link errors of :mod:`links` otherwise,
    :class:`NotApproved` if the exhibitor was withdrawn or declined since)."""
    link = links.resolve(token, LINK_PURPOSE, now=now)
    exhibitor = db.session.get(ExhibitorRegistration, link.subject_id)
    if exhibitor is None:
        raise links.LinkInvalid()
    if exhibitor.status is not ExhibitorStatus.approved:
        raise NotApproved()
    links.touch(link)
    return exhibitor


# --------------------------------------------------------------------------- shared part


def _level_at_most(level: BoothSharing, ceiling: BoothSharing) -> BoothSharing:
    return level if _ORDER.index(level) <= _ORDER.index(ceiling) else ceiling


def _copy_shared(visit: BoothVisit, person: Person, level: BoothSharing) -> None:
    """Set the visit's personal part to exactly what ``level`` shares of ``person``."""
    fields = SHARED_FIELDS[level]
    visit.shared_level = level
    visit.shared_name = (person.name or None) if "name" in fields else None
    visit.shared_email = person.email if "email" in fields else None
    visit.shared_phone = person.phone if "phone" in fields else None


def _clear_shared(visit: BoothVisit) -> None:
    visit.shared_level = BoothSharing.visit_only
    visit.shared_name = visit.shared_email = visit.shared_phone = None


def shared_part(visit: BoothVisit) -> SharedPart:
    """Exactly what the exhibitor may see of the visit's person (nothing after withdrawal/purge)."""
    if visit.withdrawn_at is not None or visit.purged_at is not None:
        return SharedPart(BoothSharing.visit_only)
    fields = SHARED_FIELDS[visit.shared_level]
    return SharedPart(visit.shared_level,
                      name=visit.shared_name if "name" in fields else None,
                      email=visit.shared_email if "email" in fields else None,
                      phone=visit.shared_phone if "phone" in fields else None)


# --------------------------------------------------------------------------- booth side


def _booth_staff(exhibitor: ExhibitorRegistration, staff_id: int | None) -> Registration | None:
    if staff_id is None:
        return None
    staff = db.session.get(Registration, staff_id)
    if staff is None or staff.exhibitor_id != exhibitor.id or staff.role is not Role.exhibitor:
        raise InvalidInput(N_("Choose a person of your booth staff."), field="staff_id")
    return staff


def record_visit(exhibitor: ExhibitorRegistration, code: str, *, staff_id: int | None = None,
                 now: datetime | None = None) -> tuple[BoothVisit, bool]:
    """Record a scan of badge ``code`` at the exhibitor's booth; returns (visit, created).

    Guarantees: exactly one visit per exhibitor and registration, even under concurrent scans
    (a second scan updates time, count and the shared part); the shared part is what the
    participant's current level allows, or nothing after a withdrawal. Raises
    :class:`UnknownBadge` (not a badge of this event), :class:`BadgeRevoked`,
    :class:`ScanningClosed` (outside the event day) or :class:`InvalidInput`.
    """
    now = now or utcnow()
    event = exhibitor.event
    opens, closes = scanning_window(event)
    if not opens <= now <= closes:
        raise ScanningClosed()
    staff = _booth_staff(exhibitor, staff_id)
    ticket = tickets.find_by_code(code)
    if ticket is None or ticket.registration.event_id != exhibitor.event_id:
        raise UnknownBadge()
    registration = ticket.registration
    if ticket.status is TicketStatus.revoked or registration.status is not RegistrationStatus.confirmed:
        raise BadgeRevoked()
    visit, created = _get_or_create(exhibitor.id, registration.id, now)
    if not created:
        visit.scanned_at = max(visit.scanned_at, now)
        # In SQL, so that concurrent scans of the same badge at the same booth all count.
        visit.scan_count = BoothVisit.scan_count + 1  # type: ignore[assignment]
    visit.scanned_by_id = staff.id if staff is not None else visit.scanned_by_id
    if visit.withdrawn_at is None and visit.purged_at is None:
        _copy_shared(visit, registration.person, registration.booth_sharing)
    db.session.flush()
    return visit, created


def _get_or_create(exhibitor_id: int, registration_id: int, now: datetime) -> tuple[BoothVisit, bool]:
    query = sa.select(BoothVisit).where(BoothVisit.exhibitor_id == exhibitor_id,
                                        BoothVisit.registration_id == registration_id)
    visit = db.session.scalar(query)
    if visit is not None:
        return visit, False
    try:
        with db.session.begin_nested():
            visit = BoothVisit(exhibitor_id=exhibitor_id, registration_id=registration_id,
                               first_scanned_at=now, scanned_at=now, scan_count=1, tags=[])
            db.session.add(visit)
    except sa.exc.IntegrityError:
        # Another scan of the same badge at the same booth won the race: update that one.
        visit = db.session.scalar(query.execution_options(populate_existing=True))
        if visit is None:  # pragma: no cover - the unique constraint says it exists
            raise
        return visit, False
    return visit, True


def get_visit(exhibitor: ExhibitorRegistration, visit_id: int) -> BoothVisit:
    """One of the exhibitor's own visits; :class:`NotFound` for any other id."""
    visit = db.session.get(BoothVisit, visit_id)
    if visit is None or visit.exhibitor_id != exhibitor.id:
        raise NotFound(N_("No such visit at your booth."))
    return visit


def annotate(visit: BoothVisit, *, note: str, tags: Sequence[str]) -> BoothVisit:
    """Set the visit's note (at most 500 characters) and tags (keys of :data:`TAGS`)."""
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise InvalidInput(N_("The note is too long (at most 500 characters)."), field="note")
    unknown = [t for t in tags if t not in TAGS]
    if unknown:
        raise InvalidInput(N_("Choose tags from the list."), field="tags")
    if visit.purged_at is not None:
        raise RetentionPassed()
    visit.note = note
    visit.tags = [t for t in TAGS if t in tags]
    db.session.flush()
    return visit


def visits_for(exhibitor: ExhibitorRegistration) -> list[BoothVisit]:
    """The exhibitor's visits, latest scan first (only this exhibitor's)."""
    return list(db.session.scalars(
        sa.select(BoothVisit).where(BoothVisit.exhibitor_id == exhibitor.id)
        .order_by(BoothVisit.scanned_at.desc(), BoothVisit.id.desc())))


def visit_json(visit: BoothVisit) -> dict[str, Any]:
    """The exhibitor's view of a visit (never the participant code or the ticket)."""
    part = shared_part(visit)
    return {"id": visit.id, "scanned_at": visit.scanned_at.isoformat(),
            "first_scanned_at": visit.first_scanned_at.isoformat(), "scan_count": visit.scan_count,
            "sharing": part.level.value, "anonymous": part.anonymous, "name": part.name,
            "email": part.email, "phone": part.phone, "note": visit.note, "tags": list(visit.tags),
            "withdrawn": visit.withdrawn_at is not None}


EXPORT_COLUMNS = ("visit", "first_scanned_at", "last_scanned_at", "scans", "name", "email",
                  "phone", "tags", "note")


def export_rows(exhibitor: ExhibitorRegistration, *, now: datetime | None = None) -> list[list[Any]]:
    """Rows of the exhibitor's visit export (columns :data:`EXPORT_COLUMNS`); only until the
    retention deadline (:class:`RetentionPassed` after it). Visits are numbered, not keyed by any
    participant identifier."""
    if (now or utcnow()) >= retention_deadline(exhibitor.event):
        raise RetentionPassed()
    rows = []
    for visit in sorted(visits_for(exhibitor), key=lambda v: (v.first_scanned_at, v.id)):
        part = shared_part(visit)
        rows.append([visit.id, visit.first_scanned_at, visit.scanned_at, visit.scan_count,
                     part.name, part.email, part.phone, list(visit.tags), visit.note])
    audit.record("booth.exported", actor_label=LINK_ACTOR, obj=exhibitor,
                 event_id=exhibitor.event_id, details={"rows": len(rows)})
    return rows


# --------------------------------------------------------------------------- participant side


def visits_of(registration: Registration) -> list[BoothVisit]:
    """The booth visits of one registration (which exhibitors scanned the person)."""
    return list(db.session.scalars(
        sa.select(BoothVisit).where(BoothVisit.registration_id == registration.id)
        .order_by(BoothVisit.first_scanned_at)))


def set_sharing(registration: Registration, level: BoothSharing) -> int:
    """Change what later booth scans share. A lower level also trims what exhibitors already
    hold at once (a higher one never shares more retroactively). Returns how many visits were
    trimmed."""
    registration.booth_sharing = level
    trimmed = 0
    for visit in visits_of(registration):
        if visit.withdrawn_at is None and visit.purged_at is None and \
                _level_at_most(visit.shared_level, level) is not visit.shared_level:
            _copy_shared(visit, registration.person, level)
            trimmed += 1
    db.session.flush()
    audit.record("booth.sharing_changed", actor_label="ticket-link", obj=registration,
                 event_id=registration.event_id, details={"level": level, "trimmed": trimmed})
    return trimmed


def withdraw(registration: Registration, visit_id: int, *, now: datetime | None = None) -> BoothVisit:
    """Withdraw sharing with the exhibitor of this visit: the exhibitor's copy of name, email and
    phone is deleted at once, and later scans by that exhibitor share nothing. Only the
    registration's own visits (:class:`NotFound` otherwise)."""
    visit = db.session.get(BoothVisit, visit_id)
    if visit is None or visit.registration_id != registration.id:
        raise NotFound(N_("No such visit."))
    if visit.withdrawn_at is None:
        visit.withdrawn_at = now or utcnow()
        _clear_shared(visit)
        db.session.flush()
        audit.record("booth.withdrawn", actor_label="ticket-link", obj=visit,
                     event_id=registration.event_id, details={"exhibitor_id": visit.exhibitor_id})
    return visit


# --------------------------------------------------------------------------- purge and statistics


def _purge_visits(condition: sa.ColumnElement[bool], now: datetime) -> int:
    result = db.session.execute(
        sa.update(BoothVisit).where(condition, BoothVisit.purged_at.is_(None))
        .values(shared_name=None, shared_email=None, shared_phone=None, note="",
                shared_level=BoothSharing.visit_only, purged_at=now)
        .execution_options(synchronize_session=False))
    db.session.expire_all()
    return result.rowcount or 0


def purge_expired(*, now: datetime | None = None) -> int:
    """Physically remove the personal part and the notes of visits whose retention deadline has
    passed. Idempotent; returns how many visits were purged. Audited."""
    now = now or utcnow()
    cutoff = now - timedelta(days=retention_days())
    expired = (sa.select(ExhibitorRegistration.id).join(Event, Event.id == ExhibitorRegistration.event_id)
               .where(Event.ends_at <= cutoff))
    count = _purge_visits(BoothVisit.exhibitor_id.in_(expired), now)
    if count:
        audit.record("booth.retention_purge", actor_label="job", details={"visits": count})
    return count


def purge_for_people(person_ids: Sequence[int] | sa.Select, *, now: datetime | None = None) -> int:
    """Remove the personal part of every booth visit of these people (privacy purge, erasure)."""
    registrations = sa.select(Registration.id).where(Registration.person_id.in_(person_ids))
    return _purge_visits(BoothVisit.registration_id.in_(registrations), now or utcnow())


@jobs.job("booth-retention")
def _retention_job() -> str:
    return f"purged {purge_expired()} booth visits"


def visit_counts_by_person(person_ids: sa.Select | None = None,
                           event_conditions: Sequence[sa.ColumnElement[bool]] = ()) -> dict[int, int]:
    """Booth visits per person id (one per exhibitor visited), for the attendance export;
    ``event_conditions`` restrict the events counted."""
    query = (sa.select(Registration.person_id, sa.func.count(BoothVisit.id))
             .join(Registration, Registration.id == BoothVisit.registration_id)
             .join(Event, Event.id == Registration.event_id)
             .where(*event_conditions)
             .group_by(Registration.person_id))
    if person_ids is not None:
        query = query.where(Registration.person_id.in_(person_ids))
    return {person_id: count for person_id, count in db.session.execute(query)}


def visits_by_exhibitor(event: Event) -> list[tuple[ExhibitorRegistration, int, int]]:
    """(exhibitor, visits, visits with contact shared) for every approved exhibitor, most first."""
    shared = sa.func.sum(sa.case((BoothVisit.shared_level != BoothSharing.visit_only, 1), else_=0))
    counts = {eid: (n, int(s or 0)) for eid, n, s in db.session.execute(
        sa.select(BoothVisit.exhibitor_id, sa.func.count(BoothVisit.id), shared)
        .join(ExhibitorRegistration, ExhibitorRegistration.id == BoothVisit.exhibitor_id)
        .where(ExhibitorRegistration.event_id == event.id).group_by(BoothVisit.exhibitor_id))}
    approved = db.session.scalars(sa.select(ExhibitorRegistration).where(
        ExhibitorRegistration.event_id == event.id,
        sa.or_(ExhibitorRegistration.status == ExhibitorStatus.approved,
               ExhibitorRegistration.id.in_(list(counts)))))
    rows = [(e, *counts.get(e.id, (0, 0))) for e in approved]
    return sorted(rows, key=lambda r: (-r[1], r[0].organisation.name.lower()))


def visits_by_type(event: Event) -> list[tuple[OrganisationType, int, int, int]]:
    """Per organisation type: (type, exhibitors, visits, distinct visitors), most visits first."""
    rows = db.session.execute(
        sa.select(Organisation.type, sa.func.count(sa.distinct(BoothVisit.exhibitor_id)),
                  sa.func.count(BoothVisit.id), sa.func.count(sa.distinct(BoothVisit.registration_id)))
        .select_from(BoothVisit)
        .join(ExhibitorRegistration, ExhibitorRegistration.id == BoothVisit.exhibitor_id)
        .join(Organisation, Organisation.id == ExhibitorRegistration.organisation_id)
        .where(ExhibitorRegistration.event_id == event.id).group_by(Organisation.type))
    return sorted(((t, e, v, p) for t, e, v, p in rows), key=lambda r: (-r[2], r[0].value))



def count_personal_for_people(person_ids: Sequence[int]) -> int:
    """How many booth visits of these people still hold a personal part or a note (dry runs)."""
    return db.session.scalar(
        sa.select(sa.func.count(BoothVisit.id))
        .join(Registration, Registration.id == BoothVisit.registration_id)
        .where(Registration.person_id.in_(person_ids), BoothVisit.purged_at.is_(None))) or 0


def visits_of_person(person: Person) -> list[dict[str, Any]]:
    """The person's booth visits for the right-of-access export (what each exhibitor holds)."""
    rows = db.session.scalars(
        sa.select(BoothVisit).join(Registration, Registration.id == BoothVisit.registration_id)
        .where(Registration.person_id == person.id).order_by(BoothVisit.first_scanned_at))
    return [{"event": v.registration.event.slug, "exhibitor": v.exhibitor.organisation.name,
             "first_scanned_at": v.first_scanned_at.isoformat(), "scans": v.scan_count,
             **{k: val for k, val in visit_json(v).items()
                if k in ("sharing", "name", "email", "phone", "note", "tags", "withdrawn")}}
            for v in rows]
