"""Attendance rows and the attendance export (CSV, XLSX, data package): pseudonymous, correct."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from jobbforum.documents import attendance_export
from jobbforum.models import AuditEvent, EventKind, Gender, Role, Theme
from jobbforum.services.attendance import ATTENDANCE_COLUMNS, attendance_dicts, attendance_rows
from jobbforum.services.errors import NotFound
from tests.indicators_builders import attend, make_session  # noqa: F401

NAME, EMAIL, PHONE = "Zahra Testdottir", "zahra.secret@example.com", "+46701234567"


@pytest.fixture()
def programme(make_round, make_event, make_person, make_session, attend):
    """A round with a participant who came to everything, a mentor and a visitor."""
    rnd = make_round(slug="ht2026-sthlm")
    fair = make_event(kind=EventKind.jobbforum, slug="fair",
                      starts_at=datetime(2026, 10, 20, 8, tzinfo=UTC),
                      ends_at=datetime(2026, 10, 20, 14, tzinfo=UTC))
    sessions = {theme: make_session(theme) for theme in Theme}
    p = make_person(name=NAME, email=EMAIL, phone=PHONE, gender=Gender.woman, round=rnd,
                    participant_code="AAAAAAAA1")
    for theme in (Theme.kickoff, Theme.interview, Theme.networking, Theme.other):
        event, door = sessions[theme]
        attend(p, event, door)
    attend(p, fair)
    absent = make_person(round=rnd, gender=Gender.man, participant_code="BBBBBBBB2")
    attend(absent, fair, checked_in=False)
    mentor = make_person(round=rnd, participant_code="CCCCCCCC3")
    event, door = sessions[Theme.mentor_training]
    attend(mentor, event, door, role=Role.mentor)
    visitor = make_person(participant_code="DDDDDDDD4", gender=Gender.undisclosed)
    attend(visitor, fair, role=Role.visitor)
    booth = make_person(participant_code="EEEEEEEE5")
    attend(booth, fair, role=Role.exhibitor)
    return rnd


def test_rows_follow_the_definitions_and_applicability(programme):
    rows = {r["participant_code"]: r for r in attendance_dicts()}
    assert set(rows) == {"AAAAAAAA1", "BBBBBBBB2", "CCCCCCCC3", "DDDDDDDD4"}  # no booth staff
    assert rows["AAAAAAAA1"] == dict(
        participant_code="AAAAAAAA1", round="ht2026-sthlm", county="stockholm", role="participant",
        gender="woman", jobbforum_registered=1, jobbforum_attended=1, kickoff_attended=1,
        interview_workshop_attended=1, networking_workshop_attended=1,
        mentor_training_attended=None, sessions_attended=4, booth_visits=0)
    absent = rows["BBBBBBBB2"]
    assert (absent["jobbforum_registered"], absent["jobbforum_attended"],
            absent["kickoff_attended"], absent["sessions_attended"]) == (1, 0, 0, 0)
    mentor = rows["CCCCCCCC3"]
    assert mentor["role"] == "mentor" and mentor["mentor_training_attended"] == 1
    assert mentor["interview_workshop_attended"] is None and mentor["gender"] == ""
    visitor = rows["DDDDDDDD4"]
    assert (visitor["role"], visitor["round"], visitor["kickoff_attended"],
            visitor["jobbforum_attended"]) == ("visitor", "", None, 1)


def test_filters_by_round_and_dates(programme, make_round, make_person):
    other = make_round(slug="other-round")
    make_person(round=other, participant_code="FFFFFFFF6")
    assert [r[0] for r in attendance_rows(rounds=["other-round"])] == ["FFFFFFFF6"]
    # Only the fair's day: sessions (in October before the 20th) drop out.
    rows = {r["participant_code"]: r for r in attendance_dicts(
        date_from=date(2026, 10, 20), date_to=date(2026, 10, 20))}
    assert rows["AAAAAAAA1"]["jobbforum_attended"] == 1
    assert rows["AAAAAAAA1"]["sessions_attended"] == 0
    rows = {r["participant_code"]: r for r in attendance_dicts(date_to=date(2026, 10, 19))}
    assert rows["AAAAAAAA1"]["jobbforum_attended"] == 0 and rows["AAAAAAAA1"]["kickoff_attended"] == 1
    with pytest.raises(NotFound):
        attendance_rows(rounds=["nope"])


def _no_personal_data(text: str) -> None:
    for secret in (NAME, "Zahra", EMAIL, "example.com", PHONE, "1234567"):
        assert secret not in text


def test_csv_export_through_the_cli_has_no_personal_data_and_is_audited(app, programme, tmp_path):
    out = tmp_path / "a.csv"
    result = app.test_cli_runner().invoke(args=[
        "export", "attendance", "--round", "ht2026-sthlm", "--format", "csv", "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    _no_personal_data(text)
    rows = list(csv.reader(io.StringIO(text)))
    assert tuple(rows[0]) == ATTENDANCE_COLUMNS
    first = dict(zip(rows[0], rows[1]))
    assert first["mentor_training_attended"] == "" and first["kickoff_attended"] in "01"
    assert len(rows) == 4  # header + 3 round members
    from jobbforum.extensions import db
    entry = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "export.attendance"))
    assert entry.details["rows"] == 3 and entry.details["rounds"] == ["ht2026-sthlm"]
    assert entry.actor_label.startswith("cli")


def test_xlsx_export_has_typed_cells(app, programme, tmp_path):
    out = tmp_path / "a.xlsx"
    result = app.test_cli_runner().invoke(args=[
        "export", "attendance", "--format", "xlsx", "--out", str(out)])
    assert result.exit_code == 0, result.output
    sheet = load_workbook(out).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == ATTENDANCE_COLUMNS
    row = dict(zip(values[0], values[1]))
    assert isinstance(row["sessions_attended"], int) and row["mentor_training_attended"] is None
    _no_personal_data(json.dumps(values, default=str))


def test_formula_injection_is_neutralised():
    out = io.StringIO()
    attendance_export.write_csv([("=HYPERLINK(1)", "+1", "-x", "@a", 1, None)], out,
                                columns=["a", "b", "c", "d", "e", "f"])
    line = out.getvalue().splitlines()[1]
    assert line == "'=HYPERLINK(1),'+1,'-x,'@a,1,"


@pytest.fixture()
def csv_field_limit():
    """frictionless raises the csv module's global field size limit; put it back afterwards."""
    limit = csv.field_size_limit()
    yield
    csv.field_size_limit(limit)


def test_datapackage_validates_with_frictionless(app, programme, tmp_path, csv_field_limit):
    import frictionless
    result = app.test_cli_runner().invoke(args=[
        "export", "attendance", "--format", "csv", "--out", str(tmp_path / "a.csv"),
        "--datapackage", str(tmp_path / "pkg")])
    assert result.exit_code == 0, result.output
    descriptor = json.loads((tmp_path / "pkg" / "datapackage.json").read_text())
    fields = descriptor["resources"][0]["schema"]["fields"]
    assert [f["name"] for f in fields] == list(ATTENDANCE_COLUMNS)
    assert all(f["description"] and f["description_sv"] for f in fields)
    report = frictionless.validate(str(tmp_path / "pkg" / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    assert report.tasks[0].stats["rows"] == 4
    _no_personal_data((tmp_path / "pkg" / "attendance.csv").read_text())
