"""The exhibitor service: registration, duplicates, decisions, booths, booth staff, lists, partners."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from jobbforum.documents.exports import csv_bytes, xlsx_bytes
from jobbforum.extensions import db as _db
from jobbforum.models import (
    AuditEvent,
    EventStatus,
    ExhibitorStatus,
    OrganisationType,
    RegistrationStatus,
    Role,
    TicketStatus,
    utcnow,
)
from jobbforum.services import exhibitors, links
from jobbforum.services.errors import Conflict, InvalidInput, NotFound
from tests.exhibitor_builders import make_exhibitor, make_sector  # noqa: F401

pytestmark = pytest.mark.usefixtures("db")


def _details(**kw):
    data = dict(name="Svea Logistik AB", type=OrganisationType.employer, contact_name="Karin Lind",
                contact_email="Karin@Example.se", description_sv="Lager.", org_number="5560360793")
    data.update(kw)
    return exhibitors.ExhibitorDetails(**data)


def test_register_creates_pending_registration_link_and_audit(make_event):
    event = make_event()
    exhibitor, token = exhibitors.register_exhibitor(event, _details(), consent_version="v1")
    assert exhibitor.status is ExhibitorStatus.pending
    assert exhibitor.organisation.org_number == "556036-0793"
    assert exhibitor.contact_email == "karin@example.se"
    assert exhibitors.exhibitor_for_link(token) is exhibitor
    assert links.resolve(token, "exhibitor").expires_at == exhibitors.edit_deadline(event)
    entry = _db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "exhibitor.registered"))
    assert "karin" not in str(entry.details).lower()  # no contact data in the log


def test_duplicate_by_org_number_and_by_normalised_name(make_event):
    event = make_event()
    exhibitors.register_exhibitor(event, _details(), consent_version="v1")
    with pytest.raises(exhibitors.AlreadyRegistered) as info:
        exhibitors.register_exhibitor(event, _details(name="Helt annat namn"), consent_version="v1")
    assert "Svea Logistik AB" in str(info.value.message)
    exhibitors.register_exhibitor(event, _details(name="Café Nord AB", org_number=""), consent_version="v1")
    with pytest.raises(exhibitors.AlreadyRegistered):
        exhibitors.register_exhibitor(event, _details(name="  CAFÉ  NORD ", org_number=""),
                                      consent_version="v1")
    # The same organisation may register for another event, and is reused.
    other, _ = exhibitors.register_exhibitor(make_event(), _details(), consent_version="v1")
    assert other.organisation.name == "Svea Logistik AB"


def test_closed_or_draft_event_refuses_registration(make_event):
    past = datetime.now(UTC) - timedelta(days=3)
    with pytest.raises(exhibitors.RegistrationClosed):
        exhibitors.register_exhibitor(make_event(starts_at=past, ends_at=past + timedelta(hours=3)),
                                      _details(), consent_version="v1")
    with pytest.raises(exhibitors.RegistrationClosed):
        exhibitors.register_exhibitor(make_event(status=EventStatus.draft), _details(), consent_version="v1")


@pytest.mark.parametrize("changes, field", [
    (dict(name="  "), "name"),
    (dict(org_number="556036-0794"), "org_number"),
    (dict(website="www.example.se"), "website"),
    (dict(description_sv="", description_en=" "), "description_sv"),
    (dict(offers=["free-coffee"]), "offers"),
    (dict(languages=["xx"]), "languages"),
    (dict(booth_staff_count=0), "booth_staff_count"),
])
def test_invalid_details_name_the_field(make_event, changes, field):
    with pytest.raises(InvalidInput) as info:
        exhibitors.register_exhibitor(make_event(), _details(**changes), consent_version="v1")
    assert info.value.context["field"] == field


def test_booth_staff_get_tickets_only_while_approved(make_event, make_exhibitor):
    exhibitor = make_exhibitor(staff_names=("Ahmed Aziz", "Elin Berg"))
    staff = exhibitor.booth_staff
    assert [r.role for r in staff] == [Role.exhibitor, Role.exhibitor]
    assert all(r.status is RegistrationStatus.waitlisted and r.active_ticket is None for r in staff)
    exhibitors.set_status(exhibitor, ExhibitorStatus.approved, actor=None, actor_label="test")
    _db.session.expire_all()
    assert all(r.status is RegistrationStatus.confirmed and r.active_ticket for r in exhibitor.booth_staff)
    added = exhibitors.add_booth_staff(exhibitor, "Sara Holm")
    assert added.active_ticket is not None and added.person.participant_code
    exhibitors.set_status(exhibitor, ExhibitorStatus.declined, actor=None, reason="Inga platser kvar")
    _db.session.expire_all()
    assert all(r.status is RegistrationStatus.cancelled and r.active_ticket is None
               for r in exhibitor.booth_staff)
    assert all(t.status is TicketStatus.revoked for r in exhibitor.booth_staff for t in r.tickets)


def test_more_names_than_booth_staff_is_refused(make_event):
    with pytest.raises(InvalidInput) as info:
        exhibitors.register_exhibitor(make_event(), _details(booth_staff_count=1),
                                      staff_names=["A", "B"], consent_version="v1")
    assert info.value.context["field"] == "booth_staff_names"


def test_remove_booth_staff_only_own(make_exhibitor, make_event):
    event = make_event()
    mine = make_exhibitor(event, staff_names=("Ahmed Aziz",))
    theirs = make_exhibitor(event, staff_names=("Elin Berg",))
    with pytest.raises(NotFound):
        exhibitors.remove_booth_staff(mine, theirs.booth_staff[0].id)
    exhibitors.remove_booth_staff(mine, mine.booth_staff[0].id)
    assert mine.booth_staff == [] and len(theirs.booth_staff) == 1


def test_decline_needs_a_reason(make_exhibitor):
    exhibitor = make_exhibitor()
    with pytest.raises(InvalidInput) as info:
        exhibitors.set_status(exhibitor, ExhibitorStatus.declined, actor=None)
    assert info.value.context["field"] == "reason"


def test_booth_capacity_limits_approvals(make_event, make_exhibitor):
    event = make_event()
    exhibitors.set_booth_capacity(event, 1, actor=None, actor_label="test")
    first, second = make_exhibitor(event), make_exhibitor(event)
    exhibitors.set_status(first, ExhibitorStatus.approved, actor=None)
    with pytest.raises(exhibitors.BoothsFull):
        exhibitors.set_status(second, ExhibitorStatus.approved, actor=None)
    exhibitors.set_status(second, ExhibitorStatus.waitlisted, actor=None)
    exhibitors.set_booth_capacity(event, 2, actor=None)
    exhibitors.set_status(second, ExhibitorStatus.approved, actor=None)
    with pytest.raises(Conflict):
        exhibitors.set_booth_capacity(event, 1, actor=None)


def test_booth_labels_unique_and_auto_numbering(make_event, make_exhibitor):
    event = make_event()
    a, b, c = (make_exhibitor(event, status=ExhibitorStatus.approved, name=n)
               for n in ("Alfa AB", "Beta AB", "Gamma AB"))
    exhibitors.assign_booth(b, " 1 ", actor=None)
    assert b.booth_label == "1"
    with pytest.raises(Conflict):
        exhibitors.assign_booth(a, "1", actor=None)
    assert exhibitors.auto_assign_booths(event, actor=None) == 2
    assert (a.booth_label, b.booth_label, c.booth_label) == ("2", "1", "3")
    exhibitors.set_status(c, ExhibitorStatus.withdrawn, actor=None)
    assert c.booth_label is None


def test_update_through_link_is_audited_without_personal_data(make_exhibitor):
    exhibitor = make_exhibitor()
    details = _details(name="Nytt Namn AB", contact_email="ny@example.se", offers=["internships"])
    exhibitors.update_exhibitor(exhibitor, details)
    assert exhibitor.organisation.name == "Nytt Namn AB" and exhibitor.offers == ["internships"]
    assert exhibitor.organisation.org_number is None  # the link cannot set or change the number
    entry = _db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "exhibitor.updated"))
    assert entry.actor_label == "exhibitor-link"
    assert entry.details["contact_email"] == ["(changed)"]
    assert "ny@example.se" not in str(entry.details)


def test_link_edits_stop_at_the_deadline(make_exhibitor):
    exhibitor = make_exhibitor()
    later = exhibitors.edit_deadline(exhibitor.event) + timedelta(minutes=1)
    with pytest.raises(exhibitors.RegistrationClosed):
        exhibitors.update_exhibitor(exhibitor, _details(), now=later)
    with pytest.raises(exhibitors.RegistrationClosed):
        exhibitors.add_booth_staff(exhibitor, "Sara", now=later)
    with pytest.raises(links.LinkExpired):
        exhibitors.exhibitor_for_link(exhibitor.token, now=later)


def test_public_list_filters(make_event, make_exhibitor, make_sector):
    event = make_event()
    vard = make_sector("vard")
    make_exhibitor(event, status=ExhibitorStatus.approved, name="Region Uppsala",
                   type=OrganisationType.municipality, sectors=[vard], offers=["jobs", "internships"],
                   languages=["sv", "ar"], description_en="Hospitals 100% open")
    make_exhibitor(event, status=ExhibitorStatus.approved, name="Tjänstefacket",
                   type=OrganisationType.trade_union, offers=["union_info"], languages=["sv", "so"])
    make_exhibitor(event, name="Väntande AB", offers=["jobs"])  # pending: never public
    make_exhibitor(make_event(), status=ExhibitorStatus.approved, name="Annan mässa AB")

    def names(**args):
        filters = exhibitors.ExhibitorFilter.from_args(args)
        return [e.organisation.name for e in exhibitors.list_exhibitors(event, filters)]

    assert names() == ["Region Uppsala", "Tjänstefacket"]
    assert names(type="trade_union") == ["Tjänstefacket"]
    assert names(sector="vard") == ["Region Uppsala"]
    assert names(offer="jobs") == ["Region Uppsala"]
    assert names(language="so") == ["Tjänstefacket"]
    assert names(q="region") == ["Region Uppsala"]
    assert names(q="100%") == ["Region Uppsala"]
    assert names(q="1_0") == []
    assert names(offer="jobs", language="so") == []
    assert names(type="bogus") == ["Region Uppsala", "Tjänstefacket"]  # ignored on the web page
    with pytest.raises(InvalidInput):
        exhibitors.ExhibitorFilter.from_args({"type": "bogus"}, strict=True)


def test_collaboration_partners_distinct_by_number_else_name(make_event, make_exhibitor):
    e2027 = make_event(starts_at=datetime(2026, 12, 31, 23, 30, tzinfo=UTC),  # 2027-01-01 in Sweden
                       ends_at=datetime(2027, 1, 1, 2, 0, tzinfo=UTC))
    e2026 = make_event(starts_at=utcnow() + timedelta(days=3), ends_at=utcnow() + timedelta(days=3, hours=2))
    approved = ExhibitorStatus.approved
    make_exhibitor(e2027, status=approved, name="Svea AB", org_number="556036-0793")
    make_exhibitor(e2026, status=approved, name="Svea Logistik (nytt namn)", org_number="5560360793")
    make_exhibitor(e2027, status=approved, name="Café Nord AB", type=OrganisationType.non_profit)
    make_exhibitor(e2026, status=approved, name="CAFÉ NORD", type=OrganisationType.non_profit)
    make_exhibitor(e2026, name="Bara Ansökt AB")  # pending: not a partner
    report = exhibitors.collaboration_partners()
    assert report.total == 2
    assert report.by_type == {OrganisationType.employer: 1, OrganisationType.non_profit: 1}
    assert report.by_year == {2026: 2, 2027: 2}


def test_export_rows_and_formula_injection(make_exhibitor):
    exhibitor = make_exhibitor(name="=HYPERLINK(\"http://evil\",\"klick\")", contact_name="+46 70 123")
    rows = exhibitors.export_rows(exhibitor.event)
    text = csv_bytes(exhibitors.EXPORT_COLUMNS, rows).decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'+46 70 123" in text
    workbook = load_workbook(io.BytesIO(xlsx_bytes(exhibitors.EXPORT_COLUMNS, rows, title="Utställare")))
    sheet = workbook["Utställare"]
    assert [c.value for c in sheet[1]][:2] == ["id", "organisation"]
    cell = sheet.cell(row=2, column=2)
    assert cell.data_type == "s" and cell.value.startswith("'=")


@pytest.mark.parametrize("value, expected", [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@SUM(A1)", "'@SUM(A1)"), ("\t=1", "'\t=1"),
    (" =1", "' =1"), ("Alfa", "Alfa"), (3, "3"), (None, ""), ("a\x00b", "ab"),
])
def test_csv_and_xlsx_cells(value, expected):
    text = csv_bytes(["v"], [[value]]).decode("utf-8-sig").splitlines()
    assert text[1].strip('"') == expected.replace("\x00", "") or expected == "ab"
    sheet = load_workbook(io.BytesIO(xlsx_bytes(["v"], [[value]]))).active
    got = sheet.cell(row=2, column=1).value
    assert (got if got is not None else "") in (expected, 3)
