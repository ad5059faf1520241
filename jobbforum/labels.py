"""How the interface names stored values: one translated label for each member of each enum.

Templates show ``label(x)`` (a Jinja global), never ``x.value``: the stable values stay where
machines read them — CSS classes, data attributes, form values, URLs and exports (whose columns
and values are contracted). Forms and services take their option texts from here too. A form
that *asks* a person something may word its options as answers ("I prefer not to say" on the
sign-up form); everything that *shows* a stored value uses these labels.

The labels are lazy: translated when shown, into the request's language (or the one of
``force_locale``, as for emails), so also in the CLI and in mail sent from it; English only
without an app.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any

from flask import has_app_context
from flask_babel import LazyString, gettext

from jobbforum.models import (
    Audience,
    BookingStatus,
    BoothSharing,
    County,
    Employment,
    EventKind,
    EventStatus,
    ExhibitorStatus,
    Gender,
    MailStatus,
    OrganisationType,
    RegistrationStatus,
    Role,
    StaffRole,
    SurveyKind,
    Theme,
    TicketStatus,
)



def _text(message: str) -> str:
    return gettext(message) if has_app_context() else message


def _l(message: str) -> LazyString:  # extracted by Babel like every ``_l``
    return LazyString(_text, message)


EVENT_KIND = {
    EventKind.jobbforum: _l("Jobbforum (job fair)"),
    EventKind.kickoff: _l("Kick-off meeting"),
    EventKind.workshop_day: _l("Workshop day"),
    EventKind.other: _l("Other"),
}
EVENT_STATUS = {
    EventStatus.draft: _l("Draft"),
    EventStatus.published: _l("Published"),
    EventStatus.closed: _l("Closed"),
    EventStatus.cancelled: _l("Cancelled"),
}
COUNTY = {
    County.stockholm: _l("Stockholm County"),
    County.uppsala: _l("Uppsala County"),
    County.other: _l("Other"),
}
ORGANISATION_TYPE = {
    OrganisationType.recruitment_company: _l("Recruitment company"),
    OrganisationType.staffing_company: _l("Staffing company"),
    OrganisationType.hr_consultancy: _l("HR consultancy"),
    OrganisationType.trade_union: _l("Trade union"),
    OrganisationType.university: _l("University or college"),
    OrganisationType.government_agency: _l("Government agency"),
    OrganisationType.municipality: _l("Municipality or region"),
    OrganisationType.employer: _l("Employer"),
    OrganisationType.non_profit: _l("Non-profit organisation"),
    OrganisationType.other: _l("Other"),
}
EXHIBITOR_STATUS = {
    ExhibitorStatus.pending: _l("Waiting for approval"),
    ExhibitorStatus.approved: _l("Approved"),
    ExhibitorStatus.declined: _l("Declined"),
    ExhibitorStatus.waitlisted: _l("Waiting list"),
    ExhibitorStatus.withdrawn: _l("Withdrawn"),
}
#: Also printed on badges, in the holder's language.
ROLE = {
    Role.participant: _l("Participant"),
    Role.mentor: _l("Mentor"),
    Role.visitor: _l("Visitor"),
    Role.exhibitor: _l("Exhibitor"),
}
REGISTRATION_STATUS = {
    RegistrationStatus.confirmed: _l("Confirmed"),
    RegistrationStatus.waitlisted: _l("Waiting list"),
    RegistrationStatus.cancelled: _l("Cancelled"),
}
TICKET_STATUS = {
    TicketStatus.active: _l("Active"),
    TicketStatus.revoked: _l("Revoked"),
}
THEME = {
    Theme.kickoff: _l("Kick-off meeting"),
    Theme.interview: _l("Workshop: job interviews"),
    Theme.networking: _l("Workshop: networking and LinkedIn"),
    Theme.mentor_training: _l("Mentor training"),
    Theme.other: _l("Other meeting"),
}
AUDIENCE = {
    Audience.participants: _l("Participants"),
    Audience.mentors: _l("Mentors"),
    Audience.both: _l("Participants and mentors"),
}
BOOKING_STATUS = {
    BookingStatus.booked: _l("Booked"),
    BookingStatus.waitlisted: _l("Waiting list"),
    BookingStatus.cancelled: _l("Cancelled"),
}
GENDER = {
    Gender.woman: _l("Woman"),
    Gender.man: _l("Man"),
    Gender.other: _l("Other"),
    Gender.undisclosed: _l("Prefer not to say"),
}
BOOTH_SHARING = {
    BoothSharing.visit_only: _l("Only the visit"),
    BoothSharing.contact: _l("Name and email"),
    BoothSharing.contact_phone: _l("Name, email and phone"),
}
STAFF_ROLE = {
    StaffRole.admin: _l("Administrator"),
    StaffRole.coordinator: _l("Coordinator"),
    StaffRole.door: _l("Door staff"),
}
SURVEY_KIND = {
    SurveyKind.baseline: _l("Baseline survey"),
    SurveyKind.result: _l("Result survey"),
}
EMPLOYMENT = {
    Employment.none: _l("No work"),
    Employment.part_time: _l("Part-time work"),
    Employment.full_time: _l("Full-time work"),
}
MAIL_STATUS = {
    MailStatus.pending: _l("Waiting to be sent"),
    MailStatus.sent: _l("Sent"),
    MailStatus.failed: _l("Could not be sent"),
}

#: Every enum the interface shows, with its labels.
LABELS: dict[type[enum.Enum], Mapping[Any, Any]] = {
    EventKind: EVENT_KIND, EventStatus: EVENT_STATUS, County: COUNTY,
    OrganisationType: ORGANISATION_TYPE, ExhibitorStatus: EXHIBITOR_STATUS, Role: ROLE,
    RegistrationStatus: REGISTRATION_STATUS, TicketStatus: TICKET_STATUS, Theme: THEME,
    Audience: AUDIENCE, BookingStatus: BOOKING_STATUS, Gender: GENDER,
    BoothSharing: BOOTH_SHARING, StaffRole: STAFF_ROLE, SurveyKind: SURVEY_KIND,
    Employment: EMPLOYMENT, MailStatus: MAIL_STATUS,
}

#: The door scanner's answers (``services.checkin.STATUSES``), stored as text on each scan.
SCAN_RESULT = {
    "ok": _l("Checked in"),
    "already_checked_in": _l("Already checked in"),
    "unknown_code": _l("Unknown code"),
    "revoked": _l("Ticket revoked"),
    "wrong_event": _l("Ticket for another event"),
    "not_allowed": _l("Not admitted on this list"),
}
#: Stored values that are plain text rather than an enum, by the name templates give them.
TEXT_LABELS: dict[str, Mapping[str, Any]] = {"scan_result": SCAN_RESULT}


def label(value: enum.Enum | str | None, kind: str | None = None) -> str:
    """The translated label of a stored value: ``label(event.status)``, or for values stored as
    plain text ``label(scan.status, "scan_result")``. ``None`` gives ``""``; an unknown text value
    is shown as it is (better than a broken page), an enum without labels is a bug (KeyError)."""
    if value is None:
        return ""
    if kind is not None:
        return str(TEXT_LABELS[kind].get(str(value), value))
    if not isinstance(value, enum.Enum):
        raise TypeError(f"label() needs an enum member or a kind, not {value!r}")
    return str(LABELS[type(value)][value])


def choices(enum_type: type[enum.Enum], **overrides: Any) -> list[tuple[str, Any]]:
    """``(value, label)`` pairs for a select or radio field, in the enum's order; ``overrides``
    words some options differently (by member name), e.g. a hint on a form."""
    labels = LABELS[enum_type]
    return [(member.value, overrides.get(member.name, labels[member])) for member in enum_type]
