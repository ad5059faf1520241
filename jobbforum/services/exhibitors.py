"""Exhibitors: registration, the exhibitor's own edits and booth staff, staff decisions, booths,
the public list and the collaboration-partner count.

Privacy: the contact person's name, email and phone are personal data. They are never put in
URLs or log lines, and the audit log records only that they changed, not their values. The
public list and the API expose organisation data only.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, load_only, selectinload

from jobbforum.codes import new_participant_code
from jobbforum.extensions import db
from jobbforum.models import (
    Event,
    EventStatus,
    ExhibitorRegistration,
    ExhibitorSettings,
    ExhibitorStatus,
    Organisation,
    OrganisationType,
    Person,
    Registration,
    RegistrationStatus,
    Role,
    Sector,
    StaffUser,
    TicketStatus,
    utcnow,
)
from jobbforum.services import audit, links, orgnumber, tickets
from jobbforum.services.errors import Conflict, DomainError, InvalidInput, N_, NotFound

#: What an exhibitor can offer at the booth (stored keys; labels live in the UI).
OFFERS = ("jobs", "internships", "education", "career_advice", "union_info", "mentoring")
#: What a booth can need.
NEEDS = ("table", "power", "screen")
#: Languages that can be spoken at a booth (ISO 639 codes); the programme's participants speak
#: Arabic, Dari, Persian, Somali, Tigrinya, Ukrainian and more.
BOOTH_LANGUAGES = ("sv", "en", "ar", "fa", "prs", "ps", "so", "ti", "am", "uk", "ru", "tr", "ku",
                   "bs", "es", "fr", "de", "pl", "zh", "th")
#: Query parameters of the public list and the API.
FILTER_PARAMETERS = ("type", "sector", "offer", "language", "q")
#: Link purpose of the exhibitor's private edit page.
LINK_PURPOSE = "exhibitor"
#: Actor label in the audit log for changes made through the private link.
LINK_ACTOR = "exhibitor-link"
MAX_BOOTH_STAFF = 12
#: Fields of a registration the audit diff covers. Contact fields are reported as changed
#: without their values (personal data stays out of the log).
_AUDITED = ("description_sv", "description_en", "offers", "languages", "needs",
            "booth_staff_count", "logo_filename", "status", "booth_label", "decline_reason")
_CONTACT = ("contact_name", "contact_email", "contact_phone")
_ORG_AUDITED = ("name", "type", "website")
#: Legal-form words dropped when comparing organisation names.
_LEGAL_SUFFIXES = {"ab", "aktiebolag", "publ", "hb", "kb", "handelsbolag", "kommanditbolag", "ek",
                   "för", "ekonomisk", "förening", "ideell", "stiftelsen", "stiftelse", "ltd",
                   "limited", "inc", "gmbh", "as", "asa", "oy", "aps", "bv", "sa", "the"}


class RegistrationClosed(DomainError):
    """Registration and changes for this event are closed."""

    code = "registration_closed"
    http_status = 403
    message = N_("Registration and changes for this event are closed.")


class AlreadyRegistered(Conflict):
    """This organisation is already registered for this event."""

    code = "already_registered"
    message = N_("This organisation is already registered for this event.")


class BoothsFull(Conflict):
    """Every booth is taken."""

    code = "booths_full"
    message = N_("Every booth is taken.")


@dataclass
class ExhibitorDetails:
    """What an exhibitor fills in (the registration form and the edit page)."""

    name: str
    type: OrganisationType
    contact_name: str
    contact_email: str
    org_number: str = ""
    website: str = ""
    description_sv: str = ""
    description_en: str = ""
    sector_ids: list[int] = field(default_factory=list)
    offers: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    needs: list[str] = field(default_factory=list)
    contact_phone: str = ""
    contact_language: str = "sv"
    booth_staff_count: int = 1


@dataclass(frozen=True)
class ExhibitorFilter:
    """Filters of the exhibitor lists (public page, API and staff list)."""

    type: OrganisationType | None = None
    sector: str | None = None
    offer: str | None = None
    language: str | None = None
    q: str = ""
    status: ExhibitorStatus | None = None

    @classmethod
    def from_args(cls, args: Mapping[str, str], *, strict: bool = False,
                  allow_status: bool = False) -> ExhibitorFilter:
        """Parse query parameters. Unknown values are ignored, or with ``strict`` raise
        :class:`InvalidInput` naming the parameter (for the API)."""

        def choice(name: str, allowed: Sequence[str]) -> str | None:
            value = (args.get(name) or "").strip()
            if not value:
                return None
            if value not in allowed:
                if strict:
                    raise InvalidInput(N_("Unknown value for '%(name)s'."), field=name, name=name)
                return None
            return value

        type_value = choice("type", [t.value for t in OrganisationType])
        status_value = choice("status", [s.value for s in ExhibitorStatus]) if allow_status else None
        sector = (args.get("sector") or "").strip()[:64] or None
        return cls(
            type=OrganisationType(type_value) if type_value else None,
            sector=sector,
            offer=choice("offer", OFFERS),
            language=choice("language", BOOTH_LANGUAGES),
            q=" ".join((args.get("q") or "").split())[:100],
            status=ExhibitorStatus(status_value) if status_value else None,
        )

    @property
    def active(self) -> bool:
        return any((self.type, self.sector, self.offer, self.language, self.q, self.status))


# --------------------------------------------------------------------------- look-ups


def normalise_name(name: str) -> str:
    """An organisation name for comparison: case, accents of foreign letters, punctuation and
    legal form ignored (``Städbolaget i Uppsala AB`` = ``STÄDBOLAGET I UPPSALA``)."""
    text = unicodedata.normalize("NFKC", name).casefold()
    text = re.sub(r"[^\w]+", " ", text)
    words = [w for w in text.split() if w not in _LEGAL_SUFFIXES]
    return " ".join(words or text.split())[:200]


def edit_deadline(event: Event) -> datetime:
    """Until when exhibitors may register and edit: registration closing, else the event start."""
    return event.registration_closes_at or event.starts_at


def is_open_for_exhibitors(event: Event, now: datetime | None = None) -> bool:
    return event.status is EventStatus.published and (now or utcnow()) < edit_deadline(event)


def get_exhibitor(event: Event, exhibitor_id: int) -> ExhibitorRegistration:
    found = db.session.get(ExhibitorRegistration, exhibitor_id)
    if found is None or found.event_id != event.id:
        raise NotFound(N_("No such exhibitor."))
    return found


def get_public_exhibitor(event: Event, exhibitor_id: int) -> ExhibitorRegistration:
    """An approved exhibitor of a published or closed event (what anyone may see)."""
    found = get_exhibitor(event, exhibitor_id)
    if found.status is not ExhibitorStatus.approved or event.status is EventStatus.draft:
        raise NotFound(N_("No such exhibitor."))
    return found


def exhibitor_for_link(token: str, *, now: datetime | None = None) -> ExhibitorRegistration:
    """The registration a private link opens (raises the link errors of :mod:`links`)."""
    link = links.resolve(token, LINK_PURPOSE, now=now)
    found = db.session.get(ExhibitorRegistration, link.subject_id)
    if found is None:
        raise links.LinkInvalid()
    links.touch(link)
    return found


def find_organisation(org_number: str, name: str) -> Organisation | None:
    """The organisation with this organisation number, else (without one) with this name."""
    if org_number:
        return db.session.scalar(sa.select(Organisation).where(Organisation.org_number == org_number))
    return db.session.scalar(
        sa.select(Organisation).where(Organisation.normalised_name == normalise_name(name),
                                      Organisation.org_number.is_(None)).order_by(Organisation.id).limit(1))


def list_sectors(*, active_only: bool = True) -> list[Sector]:
    query = sa.select(Sector).order_by(Sector.name_sv)
    if active_only:
        query = query.where(Sector.active.is_(True))
    return list(db.session.scalars(query))


def settings_for(event: Event) -> ExhibitorSettings:
    """The event's exhibitor settings (created with defaults when missing)."""
    found = db.session.get(ExhibitorSettings, event.id)
    if found is None:
        found = ExhibitorSettings(event_id=event.id, booth_capacity=None)
        db.session.add(found)
        db.session.flush()
    return found


def approved_count(event: Event) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(ExhibitorRegistration).where(
        ExhibitorRegistration.event_id == event.id,
        ExhibitorRegistration.status == ExhibitorStatus.approved)) or 0


# --------------------------------------------------------------------------- validation


def _clean(details: ExhibitorDetails) -> ExhibitorDetails:
    """Check and normalise what an exhibitor typed; raises :class:`InvalidInput` for the first
    problem (the form has already shown field-level messages for the rest)."""
    details.name = " ".join(details.name.split())
    if not details.name:
        raise InvalidInput(N_("Write the organisation's name."), field="name")
    details.org_number = orgnumber.normalise(details.org_number) if details.org_number.strip() else ""
    details.website = details.website.strip()
    if details.website and not re.match(r"^https?://[^\s/]+\.[^\s]+$", details.website, re.I):
        raise InvalidInput(N_("Write the web address in full, starting with https://."), field="website")
    details.description_sv = details.description_sv.strip()
    details.description_en = details.description_en.strip()
    if not (details.description_sv or details.description_en):
        raise InvalidInput(N_("Describe the organisation in Swedish or English (or both)."),
                           field="description_sv")
    for name, allowed in (("offers", OFFERS), ("languages", BOOTH_LANGUAGES), ("needs", NEEDS)):
        values = list(dict.fromkeys(getattr(details, name)))
        if any(v not in allowed for v in values):
            raise InvalidInput(N_("Choose from the list."), field=name)
        setattr(details, name, values)
    if not 1 <= details.booth_staff_count <= MAX_BOOTH_STAFF:
        raise InvalidInput(N_("Booth staff: between 1 and %(max)s people."), max=MAX_BOOTH_STAFF,
                           field="booth_staff_count")
    details.contact_name = " ".join(details.contact_name.split())
    details.contact_email = details.contact_email.strip().lower()
    details.contact_phone = details.contact_phone.strip()
    return details


def _sectors(ids: Sequence[int]) -> list[Sector]:
    if not ids:
        return []
    found = list(db.session.scalars(sa.select(Sector).where(Sector.id.in_(set(ids)))))
    if len(found) != len(set(ids)):
        raise InvalidInput(N_("Choose from the list."), field="sectors")
    return found


def _snapshot(exhibitor: ExhibitorRegistration) -> dict[str, Any]:
    data = {name: getattr(exhibitor, name) for name in _AUDITED}
    data.update({f"organisation.{name}": getattr(exhibitor.organisation, name) for name in _ORG_AUDITED})
    data["sectors"] = sorted(s.slug for s in exhibitor.sectors)
    data.update({name: hash(getattr(exhibitor, name)) for name in _CONTACT})
    return data


def _audit_changes(exhibitor: ExhibitorRegistration, before: dict[str, Any], action: str, *,
                   actor: StaffUser | None, actor_label: str) -> None:
    changed = audit.diff(before, _snapshot(exhibitor))
    for name in _CONTACT:
        if name in changed:
            changed[name] = ["(changed)"]  # that it changed, never the personal data itself
    if changed:
        audit.record(action, actor=actor, actor_label=actor_label, obj=exhibitor,
                     event_id=exhibitor.event_id, details=changed)


# --------------------------------------------------------------------------- the exhibitor


def register_exhibitor(event: Event, details: ExhibitorDetails, *, staff_names: Sequence[str] = (),
                       logo_filename: str | None = None, consent_version: str,
                       now: datetime | None = None) -> tuple[ExhibitorRegistration, str]:
    """Register an organisation to exhibit; returns the pending registration and the token of
    its private edit link (valid until :func:`edit_deadline`).

    Guarantees: at most one registration per organisation and event (organisations are the same
    by organisation number, else by normalised name), also under concurrent submissions (the
    database's unique constraints decide, and the loser gets :class:`AlreadyRegistered`).
    """
    now = now or utcnow()
    if not is_open_for_exhibitors(event, now):
        raise RegistrationClosed(N_("Exhibitor registration for this event is closed."))
    details = _clean(details)
    names = _clean_staff_names(staff_names, details.booth_staff_count)
    sectors = _sectors(details.sector_ids)
    organisation = find_organisation(details.org_number, details.name)
    if organisation is not None and db.session.scalar(sa.select(ExhibitorRegistration.id).where(
            ExhibitorRegistration.event_id == event.id,
            ExhibitorRegistration.organisation_id == organisation.id)) is not None:
        raise _already_registered(organisation)
    try:
        with db.session.begin_nested():
            if organisation is None:
                organisation = Organisation(
                    name=details.name, normalised_name=normalise_name(details.name),
                    org_number=details.org_number or None, type=details.type, website=details.website)
                db.session.add(organisation)
                db.session.flush()
            exhibitor = ExhibitorRegistration(
                event_id=event.id, organisation_id=organisation.id, status=ExhibitorStatus.pending,
                logo_filename=logo_filename, consent_at=now, consent_version=consent_version,
                **{k: getattr(details, k) for k in (
                    "description_sv", "description_en", "offers", "languages", "needs",
                    "contact_name", "contact_email", "contact_phone", "contact_language",
                    "booth_staff_count")})
            exhibitor.sectors = sectors
            db.session.add(exhibitor)
            db.session.flush()
    except IntegrityError:
        raise _already_registered(organisation) from None
    for name in names:
        _add_staff_person(exhibitor, name)
    audit.record("exhibitor.registered", actor_label="exhibitor-form", obj=exhibitor,
                 event_id=event.id, details={"organisation": organisation.name,
                                             "type": organisation.type})
    token = links.issue(LINK_PURPOSE, exhibitor.id, expires_at=edit_deadline(event))
    return exhibitor, token


def renew_link(exhibitor: ExhibitorRegistration, *, actor: StaffUser | None,
               actor_label: str = "") -> str:
    """Revoke every live edit link of the exhibitor and issue a new one (e.g. the contact person
    changed, or a link was forwarded by mistake); returns the new token."""
    revoked = links.revoke_all(LINK_PURPOSE, exhibitor.id)
    token = links.issue(LINK_PURPOSE, exhibitor.id, expires_at=edit_deadline(exhibitor.event))
    audit.record("exhibitor.link_renewed", actor=actor, actor_label=actor_label, obj=exhibitor,
                 event_id=exhibitor.event_id, details={"revoked": revoked})
    return token


def _already_registered(organisation: Organisation | None) -> AlreadyRegistered:
    name = organisation.name if organisation is not None else ""
    return AlreadyRegistered(
        N_("%(name)s is already registered for this event. Use the link in the confirmation "
           "email to change the registration, or contact the organisers."), name=name,
        field="org_number" if organisation is not None and organisation.org_number else "name")


def _clean_staff_names(names: Sequence[str], count: int) -> list[str]:
    cleaned = [" ".join(n.split())[:200] for n in names if n and n.strip()]
    if len(cleaned) > count:
        raise InvalidInput(N_("You named more booth staff than the number of booth staff."),
                           field="booth_staff_names")
    return cleaned


def update_exhibitor(exhibitor: ExhibitorRegistration, details: ExhibitorDetails, *,
                     logo_filename: str | None = None, actor: StaffUser | None = None,
                     actor_label: str = LINK_ACTOR, now: datetime | None = None) -> ExhibitorRegistration:
    """Apply an edit. Through the private link (no ``actor``) only until the edit deadline; the
    organisation number cannot change (it identifies the organisation). Audited with a diff."""
    if actor is None and not is_open_for_exhibitors(exhibitor.event, now):
        raise RegistrationClosed(N_("Changes for this event are closed. Contact the organisers."))
    details.org_number = ""
    details = _clean(details)
    if details.booth_staff_count < len(exhibitor.booth_staff):
        raise InvalidInput(N_("Remove booth staff below before lowering the number."),
                           field="booth_staff_count")
    before = _snapshot(exhibitor)
    organisation = exhibitor.organisation
    organisation.name, organisation.type, organisation.website = details.name, details.type, details.website
    organisation.normalised_name = normalise_name(details.name)
    for name in ("description_sv", "description_en", "offers", "languages", "needs", "contact_name",
                 "contact_email", "contact_phone", "booth_staff_count"):
        setattr(exhibitor, name, getattr(details, name))
    exhibitor.sectors = _sectors(details.sector_ids)
    if logo_filename:
        exhibitor.logo_filename = logo_filename
    db.session.flush()
    _audit_changes(exhibitor, before, "exhibitor.updated", actor=actor, actor_label=actor_label)
    return exhibitor


def _add_staff_person(exhibitor: ExhibitorRegistration, name: str) -> Registration:
    person = Person(name=name, participant_code=_unique_participant_code(), email=None,
                    preferred_language=exhibitor.contact_language)
    db.session.add(person)
    db.session.flush()
    registration = Registration(event_id=exhibitor.event_id, person_id=person.id, role=Role.exhibitor,
                                exhibitor_id=exhibitor.id, status=RegistrationStatus.waitlisted)
    db.session.add(registration)
    db.session.flush()
    db.session.expire(exhibitor, ["booth_staff"])
    _sync_staff_registration(exhibitor, registration)
    return registration


def _unique_participant_code() -> str:
    while True:
        code = new_participant_code()
        if db.session.scalar(sa.select(Person.id).where(Person.participant_code == code)) is None:
            return code


def add_booth_staff(exhibitor: ExhibitorRegistration, name: str, *, actor: StaffUser | None = None,
                    actor_label: str = LINK_ACTOR, now: datetime | None = None) -> Registration:
    """Add a named person to the booth staff (a registration in the ``exhibitor`` role; with a
    ticket once the exhibitor is approved). Raises the number of booth staff if needed."""
    if actor is None and not is_open_for_exhibitors(exhibitor.event, now):
        raise RegistrationClosed(N_("Changes for this event are closed. Contact the organisers."))
    name = " ".join((name or "").split())[:200]
    if not name:
        raise InvalidInput(N_("Write the person's name."), field="name")
    if len(exhibitor.booth_staff) >= MAX_BOOTH_STAFF:
        raise InvalidInput(N_("Booth staff: between 1 and %(max)s people."), max=MAX_BOOTH_STAFF,
                           field="name")
    registration = _add_staff_person(exhibitor, name)
    exhibitor.booth_staff_count = max(exhibitor.booth_staff_count, len(exhibitor.booth_staff))
    audit.record("exhibitor.staff_added", actor=actor, actor_label=actor_label, obj=exhibitor,
                 event_id=exhibitor.event_id, details={"registration_id": registration.id})
    return registration


def remove_booth_staff(exhibitor: ExhibitorRegistration, registration_id: int, *,
                       actor: StaffUser | None = None, actor_label: str = LINK_ACTOR,
                       now: datetime | None = None) -> None:
    """Remove one of *this* exhibitor's booth staff (anyone else's is :class:`NotFound`); their
    ticket stops working with the registration."""
    if actor is None and not is_open_for_exhibitors(exhibitor.event, now):
        raise RegistrationClosed(N_("Changes for this event are closed. Contact the organisers."))
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.exhibitor_id != exhibitor.id:
        raise NotFound(N_("No such person among your booth staff."))
    person = registration.person
    db.session.delete(registration)
    db.session.flush()
    if not db.session.scalar(sa.select(sa.func.count()).select_from(Registration).where(
            Registration.person_id == person.id)):
        db.session.delete(person)  # booth staff people exist only for this booth
    db.session.flush()
    db.session.expire(exhibitor, ["booth_staff"])
    audit.record("exhibitor.staff_removed", actor=actor, actor_label=actor_label, obj=exhibitor,
                 event_id=exhibitor.event_id, details={"registration_id": registration_id})


def _sync_staff_registration(exhibitor: ExhibitorRegistration, registration: Registration) -> None:
    """Booth staff hold a working ticket exactly while their exhibitor is approved."""
    if exhibitor.status is ExhibitorStatus.approved:
        registration.status = RegistrationStatus.confirmed
        db.session.flush()
        if not any(t.status is TicketStatus.active for t in registration.tickets):
            tickets.issue_ticket(registration, actor_label="exhibitor-approval")
            db.session.expire(registration, ["tickets"])
    else:
        registration.status = (RegistrationStatus.waitlisted
                               if exhibitor.status in (ExhibitorStatus.pending, ExhibitorStatus.waitlisted)
                               else RegistrationStatus.cancelled)
        for ticket in registration.tickets:
            if ticket.status is TicketStatus.active:
                tickets.revoke_ticket(ticket, actor_label="exhibitor-status")
        db.session.flush()


def _sync_booth_staff(exhibitor: ExhibitorRegistration) -> None:
    db.session.expire(exhibitor, ["booth_staff"])
    for registration in exhibitor.booth_staff:
        _sync_staff_registration(exhibitor, registration)


# --------------------------------------------------------------------------- staff decisions


def set_status(exhibitor: ExhibitorRegistration, status: ExhibitorStatus, *, actor: StaffUser | None,
               actor_label: str = "", reason: str = "") -> ExhibitorRegistration:
    """Approve, decline (a reason is required; it is emailed), waitlist or mark withdrawn.

    Guarantees: no more approved exhibitors than the event's booth capacity; booth staff hold
    active tickets exactly while approved; a declined or withdrawn exhibitor gives up its booth.
    """
    reason = (reason or "").strip()
    if status is ExhibitorStatus.declined and not reason:
        raise InvalidInput(N_("Write the reason for declining; it is sent to the exhibitor."),
                           field="reason")
    if status is exhibitor.status and reason == exhibitor.decline_reason:
        return exhibitor
    if status is ExhibitorStatus.approved and exhibitor.status is not ExhibitorStatus.approved:
        capacity = _lock_booths(exhibitor.event)
        if capacity is not None and approved_count(exhibitor.event) >= capacity:
            raise BoothsFull(N_("All %(n)s booths are taken. Raise the booth capacity or put the "
                                "exhibitor on the waiting list."), n=capacity)
    before = _snapshot(exhibitor)
    exhibitor.status = status
    exhibitor.decline_reason = reason if status is ExhibitorStatus.declined else ""
    if status in (ExhibitorStatus.declined, ExhibitorStatus.withdrawn):
        exhibitor.booth_label = None
    db.session.flush()
    _sync_booth_staff(exhibitor)
    _audit_changes(exhibitor, before, f"exhibitor.{status.value}", actor=actor, actor_label=actor_label)
    return exhibitor


def _lock_booths(event: Event) -> int | None:
    """The event's booth capacity, with its settings row locked until the transaction ends, so
    two staff approving at once cannot both take the last booth (PostgreSQL; SQLite has a single
    writer anyway)."""
    settings_for(event)
    return db.session.scalar(sa.select(ExhibitorSettings.booth_capacity).where(
        ExhibitorSettings.event_id == event.id).with_for_update())


def assign_booth(exhibitor: ExhibitorRegistration, label: str, *, actor: StaffUser | None,
                 actor_label: str = "") -> ExhibitorRegistration:
    """Give the exhibitor a booth label (``A12``, ``7``…; empty removes it). Labels are unique
    per event (also enforced by the database)."""
    label = " ".join((label or "").split())[:32] or None
    if label is not None and db.session.scalar(sa.select(ExhibitorRegistration.id).where(
            ExhibitorRegistration.event_id == exhibitor.event_id,
            ExhibitorRegistration.booth_label == label,
            ExhibitorRegistration.id != exhibitor.id)) is not None:
        raise Conflict(N_("Booth %(label)s is already assigned to another exhibitor."), label=label,
                       field="booth_label")
    before = _snapshot(exhibitor)
    exhibitor.booth_label = label
    db.session.flush()
    _audit_changes(exhibitor, before, "exhibitor.booth_assigned", actor=actor, actor_label=actor_label)
    return exhibitor


def auto_assign_booths(event: Event, *, actor: StaffUser | None, actor_label: str = "") -> int:
    """Number the approved exhibitors that have no booth yet (1, 2, 3… skipping labels in use),
    in name order; returns how many got a booth."""
    rows = list(db.session.scalars(
        sa.select(ExhibitorRegistration).join(Organisation)
        .where(ExhibitorRegistration.event_id == event.id,
               ExhibitorRegistration.status == ExhibitorStatus.approved)
        .order_by(sa.func.lower(Organisation.name))))
    used = {r.booth_label for r in rows if r.booth_label}
    used |= set(db.session.scalars(sa.select(ExhibitorRegistration.booth_label).where(
        ExhibitorRegistration.event_id == event.id, ExhibitorRegistration.booth_label.is_not(None))))
    number, assigned = 1, 0
    for exhibitor in rows:
        if exhibitor.booth_label:
            continue
        while str(number) in used:
            number += 1
        exhibitor.booth_label = str(number)
        used.add(str(number))
        assigned += 1
    db.session.flush()
    if assigned:
        audit.record("exhibitor.booths_auto_assigned", actor=actor, actor_label=actor_label,
                     event_id=event.id, details={"assigned": assigned})
    return assigned


def set_notes(exhibitor: ExhibitorRegistration, notes: str, *, actor: StaffUser | None,
              actor_label: str = "") -> ExhibitorRegistration:
    """Replace the staff-only notes (the audit entry says that they changed, not the text)."""
    notes = (notes or "").strip()[:5000]
    if notes != exhibitor.notes:
        exhibitor.notes = notes
        db.session.flush()
        audit.record("exhibitor.notes_changed", actor=actor, actor_label=actor_label, obj=exhibitor,
                     event_id=exhibitor.event_id, details={"length": len(notes)})
    return exhibitor


def set_booth_capacity(event: Event, capacity: int | None, *, actor: StaffUser | None,
                       actor_label: str = "") -> ExhibitorSettings:
    """Set how many exhibitors can be approved (``None``: no limit); never below the number
    already approved."""
    if capacity is not None and capacity < 1:
        raise InvalidInput(N_("Capacity must be at least 1, or empty for no limit."), field="booth_capacity")
    approved = approved_count(event)
    if capacity is not None and capacity < approved:
        raise Conflict(N_("%(n)s exhibitors are already approved; the capacity cannot be lower."),
                       n=approved, field="booth_capacity")
    settings = settings_for(event)
    if settings.booth_capacity != capacity:
        old, settings.booth_capacity = settings.booth_capacity, capacity
        db.session.flush()
        audit.record("exhibitor.booth_capacity_set", actor=actor, actor_label=actor_label,
                     event_id=event.id, details={"booth_capacity": [old, capacity]})
    return settings


# --------------------------------------------------------------------------- sectors


def create_sector(*, slug: str, name_sv: str, name_en: str, actor: StaffUser | None,
                  actor_label: str = "") -> Sector:
    from jobbforum.services.events import SLUG_RE

    slug = slug.strip()
    if not SLUG_RE.match(slug):
        raise InvalidInput(N_("Use only a–z, 0–9 and hyphens."), field="slug")
    if db.session.scalar(sa.select(Sector.id).where(Sector.slug == slug)) is not None:
        raise Conflict(N_("Another sector already uses this short name."), field="slug")
    sector = Sector(slug=slug, name_sv=name_sv.strip(), name_en=name_en.strip(), active=True)
    db.session.add(sector)
    db.session.flush()
    audit.record("sector.created", actor=actor, actor_label=actor_label, obj=sector,
                 details={"slug": slug, "name_sv": sector.name_sv, "name_en": sector.name_en})
    return sector


def update_sector(sector: Sector, *, name_sv: str, name_en: str, active: bool,
                  actor: StaffUser | None, actor_label: str = "") -> Sector:
    """Rename or hide a sector (hidden sectors stay on existing registrations)."""
    before = {"name_sv": sector.name_sv, "name_en": sector.name_en, "active": sector.active}
    sector.name_sv, sector.name_en, sector.active = name_sv.strip(), name_en.strip(), active
    db.session.flush()
    changed = audit.diff(before, {"name_sv": sector.name_sv, "name_en": sector.name_en,
                                  "active": sector.active})
    if changed:
        audit.record("sector.updated", actor=actor, actor_label=actor_label, obj=sector, details=changed)
    return sector


# --------------------------------------------------------------------------- lists


def _filtered(query: sa.Select[Any], filters: ExhibitorFilter) -> sa.Select[Any]:
    if filters.type is not None:
        query = query.where(Organisation.type == filters.type)
    if filters.status is not None:
        query = query.where(ExhibitorRegistration.status == filters.status)
    if filters.sector:
        query = query.where(ExhibitorRegistration.sectors.any(Sector.slug == filters.sector))
    # Offers and languages are JSON lists of fixed keys (validated on input), so a text match on
    # the quoted key is exact and portable between SQLite and PostgreSQL.
    if filters.offer:
        query = query.where(sa.cast(ExhibitorRegistration.offers, sa.Text).contains(f'"{filters.offer}"'))
    if filters.language:
        query = query.where(
            sa.cast(ExhibitorRegistration.languages, sa.Text).contains(f'"{filters.language}"'))
    for word in filters.q.split()[:8]:
        query = query.where(sa.or_(
            Organisation.name.icontains(word, autoescape=True),
            ExhibitorRegistration.description_sv.icontains(word, autoescape=True),
            ExhibitorRegistration.description_en.icontains(word, autoescape=True),
            ExhibitorRegistration.booth_label.icontains(word, autoescape=True),
        ))
    return query


def _list_query(event: Event, filters: ExhibitorFilter, public: bool) -> sa.Select[Any]:
    query = (sa.select(ExhibitorRegistration).join(ExhibitorRegistration.organisation)
             .where(ExhibitorRegistration.event_id == event.id))
    if public:
        query = query.where(ExhibitorRegistration.status == ExhibitorStatus.approved)
        filters = ExhibitorFilter(**{**filters.__dict__, "status": None})
    return _filtered(query, filters)


#: What a card in the public list shows: only these columns are loaded for it.
_CARD_COLUMNS = (ExhibitorRegistration.id, ExhibitorRegistration.event_id,
                 ExhibitorRegistration.organisation_id, ExhibitorRegistration.status,
                 ExhibitorRegistration.offers, ExhibitorRegistration.languages,
                 ExhibitorRegistration.booth_label, ExhibitorRegistration.logo_filename)


def list_exhibitors(event: Event, filters: ExhibitorFilter = ExhibitorFilter(), *,
                    public: bool = True, limit: int | None = None, offset: int = 0,
                    cards: bool = False) -> list[ExhibitorRegistration]:
    """The event's exhibitors matching ``filters``, by name, with organisation and sectors loaded
    in two queries. ``public`` lists approved exhibitors only; ``limit``/``offset`` page;
    ``cards`` loads only what a card in the public list shows (the list's hot path)."""
    organisation = contains_eager(ExhibitorRegistration.organisation)
    if cards:
        organisation = organisation.load_only(Organisation.id, Organisation.name, Organisation.type)
    query = (_list_query(event, filters, public)
             .options(organisation, selectinload(ExhibitorRegistration.sectors))
             .order_by(sa.func.lower(Organisation.name), ExhibitorRegistration.id)
             .limit(limit).offset(offset))
    if cards:
        query = query.options(load_only(*_CARD_COLUMNS))
    return list(db.session.scalars(query).unique())


def count_exhibitors(event: Event, filters: ExhibitorFilter = ExhibitorFilter(), *,
                     public: bool = True) -> int:
    """How many exhibitors :func:`list_exhibitors` would list without a limit."""
    query = _list_query(event, filters, public).with_only_columns(sa.func.count(ExhibitorRegistration.id))
    return db.session.scalar(query) or 0


def status_counts(event: Event) -> dict[ExhibitorStatus, int]:
    rows = db.session.execute(sa.select(ExhibitorRegistration.status, sa.func.count())
                              .where(ExhibitorRegistration.event_id == event.id)
                              .group_by(ExhibitorRegistration.status))
    counts = dict.fromkeys(ExhibitorStatus, 0)
    counts.update({status: n for status, n in rows})
    return counts


EXPORT_COLUMNS = (
    "id", "organisation", "org_number", "type", "status", "booth", "sectors", "offers", "languages",
    "needs", "booth_staff_count", "booth_staff_registered", "website", "contact_name",
    "contact_email", "contact_phone", "registered_at",
)


def export_rows(event: Event) -> list[list[Any]]:
    """One row per exhibitor (columns :data:`EXPORT_COLUMNS`) for the staff's CSV/XLSX export.

    The contact person is included: the export is for staff organising the fair (behind login,
    audited by the caller); booth staff names are not (their codes are on their badges).
    """
    tz = ZoneInfo("Europe/Stockholm")
    rows = []
    for e in list_exhibitors(event, public=False):
        rows.append([
            e.id, e.organisation.name, e.organisation.org_number or "", e.organisation.type.value,
            e.status.value, e.booth_label or "", [s.slug for s in e.sectors], e.offers, e.languages,
            e.needs, e.booth_staff_count, len(e.booth_staff), e.organisation.website,
            e.contact_name, e.contact_email, e.contact_phone,
            e.created_at.astimezone(tz).replace(tzinfo=None, microsecond=0),
        ])
    return rows


# --------------------------------------------------------------------------- partners


@dataclass
class PartnerReport:
    """Collaboration partners (*samverkansaktörer*): distinct organisations that exhibited."""

    total: int
    by_type: dict[OrganisationType, int]
    by_year: dict[int, int]
    by_year_and_type: dict[int, dict[OrganisationType, int]]


def partner_key(organisation: Organisation) -> str:
    """Organisations are the same partner by organisation number, else by normalised name."""
    return f"nr:{organisation.org_number}" if organisation.org_number else f"name:{organisation.normalised_name}"


def collaboration_partners(*, statuses: Sequence[ExhibitorStatus] = (ExhibitorStatus.approved,)
                           ) -> PartnerReport:
    """Count distinct organisations with an (approved) exhibitor registration across all events,
    in total, by type and by the year of the event (Stockholm time). An organisation counts once
    per year and once in the total, whatever the number of events."""
    rows = db.session.execute(
        sa.select(Organisation, Event.starts_at).join(
            ExhibitorRegistration, ExhibitorRegistration.organisation_id == Organisation.id)
        .join(Event, Event.id == ExhibitorRegistration.event_id)
        .where(ExhibitorRegistration.status.in_(list(statuses)))).all()
    tz = ZoneInfo("Europe/Stockholm")
    types: dict[str, OrganisationType] = {}
    years: defaultdict[int, set[str]] = defaultdict(set)
    for organisation, starts_at in rows:
        key = partner_key(organisation)
        types.setdefault(key, organisation.type)
        years[starts_at.astimezone(tz).year].add(key)
    by_year_and_type = {year: dict(Counter(types[k] for k in keys)) for year, keys in sorted(years.items())}
    return PartnerReport(total=len(types), by_type=dict(Counter(types.values())),
                         by_year={year: len(keys) for year, keys in sorted(years.items())},
                         by_year_and_type=by_year_and_type)
