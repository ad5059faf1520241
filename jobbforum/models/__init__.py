"""All models; importing this package registers every table on the metadata."""

from jobbforum.models.audit import AuditEvent
from jobbforum.models.base import MAX_ID, Base, utcnow
from jobbforum.models.booths import BoothSharing, BoothVisit
from jobbforum.models.checkins import ENTRANCE, CheckIn, CheckInList, Device, Scan
from jobbforum.models.events import County, Event, EventKind, EventStatus, ProgrammeRound, event_rounds
from jobbforum.models.exhibitors import (
    ExhibitorRegistration,
    ExhibitorSettings,
    ExhibitorStatus,
    Organisation,
    OrganisationType,
    Sector,
    exhibitor_sectors,
)
from jobbforum.models.links import PrivateLink
from jobbforum.models.mail import MailStatus, OutgoingMail
from jobbforum.models.people import Gender, Person
from jobbforum.models.surveys import Employment, SurveyKind, SurveyResponse
from jobbforum.models.tickets import Registration, RegistrationStatus, Role, Ticket, TicketStatus
from jobbforum.models.users import StaffRole, StaffUser
from jobbforum.models.workshops import (
    Audience,
    Booking,
    BookingStatus,
    CalendarFeed,
    Preference,
    Room,
    ThemeSetting,
    Theme,
    WorkshopSession,
    session_rounds,
)

__all__ = [
    "Audience", "AuditEvent", "Base", "Booking", "BoothSharing", "BoothVisit", "BookingStatus", "CheckIn", "CheckInList",
    "County", "Device", "ENTRANCE", "MAX_ID", "Employment", "Event", "EventKind", "EventStatus",
    "ExhibitorRegistration", "ExhibitorSettings", "ExhibitorStatus", "Gender", "MailStatus", "OutgoingMail", "PrivateLink", "Organisation", "OrganisationType",
    "Person", "ProgrammeRound", "Registration", "RegistrationStatus", "Role", "Room", "Sector",
    "StaffRole", "StaffUser", "SurveyKind", "SurveyResponse", "Theme", "Ticket", "TicketStatus",
    "Scan",
    "WorkshopSession", "event_rounds", "CalendarFeed", "Preference", "ThemeSetting",
    "exhibitor_sectors", "session_rounds", "utcnow",
]
