"""Roster import: CSV and XLSX, dry run, bad rows, duplicates in the file and against the database."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from jobbforum.models import AuditEvent, Person, Registration, RegistrationStatus, Role, TicketStatus
from jobbforum.services import roster


@pytest.fixture(autouse=True)
def english(db):
    """Messages in English, whatever the default language's catalogue says."""
    from flask_babel import force_locale, get_locale

    with force_locale("en"):
        assert get_locale().language == "en"
        yield


HEADER = "name,email,phone,round,participant_code,role\n"


def csv_file(*rows: str, header: str = HEADER) -> bytes:
    return (header + "\n".join(rows) + "\n").encode("utf-8")


def count(db, model) -> int:
    return db.session.scalar(sa.select(sa.func.count(model.id)))


@pytest.fixture()
def event(make_event, make_round):
    return make_event(rounds=[make_round(slug="ht2026-stockholm", name="Omgång HT2026")])


def test_dry_run_previews_and_writes_nothing(db, event):
    content = csv_file("Amina Hassan,amina@example.com,,ht2026-stockholm,,participant",
                       "Erik Berg,,070 123 45 67,ht2026-stockholm,,mentor")
    report = roster.import_roster(event, "roster.csv", content, actor=None, dry_run=True)
    assert report.ok and not report.imported
    assert [row.action for row in report.rows] == ["new", "new"]
    assert count(db, Person) == 0 and count(db, Registration) == 0


def test_import_registers_everyone_with_tickets_and_audits(db, event, make_person):
    known = make_person(email="known@example.com", participant_code="KNOWN123")
    content = csv_file("Amina Hassan,amina@example.com,,ht2026-stockholm,SURVEY01,participant",
                       "Known Person,known@example.com,,,,mentor",
                       "Sara Visitor,,+46 70 765 43 21,,,besökare")
    report = roster.import_roster(event, "roster.csv", content, actor=None, actor_label="test")
    db.session.commit()
    assert report.imported and [r.action for r in report.rows] == ["new", "existing", "new"]
    amina = db.session.scalar(sa.select(Person).where(Person.email == "amina@example.com"))
    assert amina.participant_code == "SURVEY01" and amina.round.slug == "ht2026-stockholm"
    regs = db.session.scalars(sa.select(Registration)).all()
    assert len(regs) == 3 and all(r.status is RegistrationStatus.confirmed for r in regs)
    assert all(r.active_ticket.status is TicketStatus.active for r in regs)
    assert {r.role for r in regs} == {Role.participant, Role.mentor, Role.visitor}
    assert known.registrations[0].role is Role.mentor
    entry = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "roster.imported"))
    assert entry.details["new"] == 2 and entry.details["existing"] == 1

    again = roster.import_roster(event, "roster.csv", content, actor=None, actor_label="test")
    assert [r.action for r in again.rows] == ["registered"] * 3
    assert count(db, Registration) == 3


def test_every_bad_row_is_reported_and_nothing_imported(db, event):
    content = csv_file(
        "Good Person,good@example.com,,,,participant",
        ",nameless@example.com,,,,participant",
        "No Contact,,,,,participant",
        "Bad Email,not-an-email,,,,participant",
        "Bad Phone,,12,,,participant",
        "Bad Round,r@example.com,,no-such-round,,participant",
        "Bad Role,x@example.com,,,,boss",
        "Bad Code,y@example.com,,,AB,participant",
    )
    with pytest.raises(roster.RosterInvalid) as info:
        roster.import_roster(event, "roster.csv", content, actor=None)
    report = info.value.report
    assert [row.line for row in report.bad_rows] == [3, 4, 5, 6, 7, 8, 9]
    messages = {row.line: " ".join(row.errors) for row in report.rows}
    assert "name is missing" in messages[3]
    assert "at least one" in messages[4]
    assert "name@example.com" in messages[5]
    assert "070 123 45 67" in messages[6]
    assert "no-such-round" in messages[7]
    assert "boss" in messages[8]
    assert "4–16" in messages[9]
    assert count(db, Person) == 0 and count(db, Registration) == 0


def test_duplicates_in_file(db, event):
    content = csv_file("A One,same@example.com,,,,", "A Two,SAME@example.com,,,,",
                       "B One,,0701234567,,,", "B Two,,+46701234567,,,",
                       "C One,c1@example.com,,,CODE1234,", "C Two,c2@example.com,,,code-1234,")
    with pytest.raises(roster.RosterInvalid) as info:
        roster.import_roster(event, "roster.csv", content, actor=None)
    bad = {row.line: row.errors for row in info.value.report.bad_rows}
    assert set(bad) == {3, 5, 7}
    assert "line 2" in bad[3][0] and "line 4" in bad[5][0] and "line 6" in bad[7][0]


def test_duplicates_against_database(db, event, make_person):
    make_person(email="taken@example.com", participant_code="TAKEN123")
    make_person(email="other@example.com", participant_code="OTHER123")
    content = csv_file("Wrong Code,taken@example.com,,,NEWCODE1,",
                       "Mixed Up,other@example.com,,,TAKEN123,")
    with pytest.raises(roster.RosterInvalid) as info:
        roster.import_roster(event, "roster.csv", content, actor=None)
    bad = {row.line: " ".join(row.errors) for row in info.value.report.bad_rows}
    assert "TAKEN123" in bad[2] and "OTHER123" in bad[3]


def test_xlsx_with_swedish_headers_and_semicolon_csv(db, event):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Namn", "E-post", "Telefon", "Omgång", "Deltagarkod", "Roll"])
    sheet.append(["Olena Kovalenko", "olena@example.com", None, "Omgång HT2026", None, "deltagare"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = roster.import_roster(event, "lista.xlsx", buffer.getvalue(), actor=None, dry_run=True)
    assert report.ok and report.rows[0].values["name"] == "Olena Kovalenko"
    semicolons = "namn;e-post;telefon\nÅsa Öberg;asa@example.com;\n".encode("utf-8-sig")
    assert roster.import_roster(event, "lista.csv", semicolons, actor=None, dry_run=True).ok


def test_unreadable_and_missing_columns(db, event):
    with pytest.raises(roster.RosterUnreadable):
        roster.import_roster(event, "x.xlsx", b"not a workbook", actor=None)
    with pytest.raises(roster.RosterUnreadable):
        roster.import_roster(event, "x.csv", b"\xff\xfe\x00bad", actor=None)
    with pytest.raises(roster.RosterInvalid) as info:
        roster.import_roster(event, "x.csv", b"foo,bar\n1,2\n", actor=None)
    assert info.value.report.file_errors
