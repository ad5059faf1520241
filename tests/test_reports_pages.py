"""The coordinators' report pages: upload with preview and row errors, downloads, privacy actions."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
import sqlalchemy as sa

from jobbforum.models import AuditEvent, Gender, Person, SurveyKind, SurveyResponse
from tests.indicators_builders import survey_csv, survey_line

A, B = "AAAAAAAA1", "BBBBBBBB2"


@pytest.fixture()
def people(make_round, make_person):
    rnd = make_round(slug="r1")
    return [make_person(participant_code=A, gender=Gender.woman, round=rnd, name="Hawa Secret",
                        email="hawa@example.com", phone="+46709999999"),
            make_person(participant_code=B, gender=Gender.man, round=rnd)]


def _upload(client, data: bytes, kind: str = "baseline", name: str = "s.csv"):
    return client.post("/reports/surveys", data={"kind": kind, "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def _confirm(client, page: str):
    fields = dict(re.findall(r'name="(token|kind|replace)"[^>]*value="([^"]*)"', page))
    return client.post("/reports/surveys/confirm", data=fields)


def test_pages_need_a_coordinator(client, staff_client):
    assert client.get("/reports/indicators").status_code == 302
    assert staff_client("door").get("/reports/indicators").status_code == 403
    assert staff_client().get("/reports/").status_code == 200


def test_upload_shows_a_preview_and_imports_only_after_confirming(db, staff_client, people):
    c = staff_client()
    page = _upload(c, survey_csv(survey_line(A), survey_line(B)))
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "New responses" in text or "Nya" in text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SurveyResponse)) == 0
    done = _confirm(c, text)
    assert done.status_code == 302 and done.location.endswith("/reports/indicators")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SurveyResponse)) == 2
    # A newer file: the preview says what would be replaced, and confirming replaces it.
    page = _upload(c, survey_csv(survey_line(A, employment="full_time"), survey_line(B)))
    text = page.get_data(as_text=True)
    assert 'name="replace" type="hidden" value="1"' in text or 'value="1"' in text
    _confirm(c, text)
    db.session.expire_all()
    stored = db.session.scalar(sa.select(SurveyResponse).where(SurveyResponse.participant_code == A))
    assert stored.employment.value == "full_time"


@pytest.mark.parametrize(("line", "column"), [
    (survey_line("ZZZZZZZZ9"), "participant_code"),
    (survey_line(A, answered_on="31/12/2026"), "answered_on"),
    (survey_line(A, employment="maybe"), "employment"),
    (survey_line(A, interviews=-3), "interviews"),
    (survey_line(A, cv_improved=7), "cv_improved"),
])
def test_upload_lists_every_bad_row_and_changes_nothing(db, staff_client, people, line, column):
    page = _upload(staff_client(), survey_csv(survey_line(B), line))
    assert page.status_code == 400
    text = page.get_data(as_text=True)
    row = re.search(r"<tbody>(.*?)</tbody>", text, re.S).group(1)
    assert "<td>3</td>" in row and f"<td>{column}</td>" in row
    assert 'name="token"' not in text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SurveyResponse)) == 0


def test_upload_form_errors_keep_the_form(staff_client, people):
    page = staff_client().post("/reports/surveys", data={"kind": "baseline"},
                               content_type="multipart/form-data")
    assert page.status_code == 400 and "error-summary" in page.get_data(as_text=True)


def test_confirm_with_a_stale_token_is_refused(staff_client, people):
    done = staff_client().post("/reports/surveys/confirm",
                               data={"token": "x" * 24, "kind": "baseline", "replace": "0"})
    assert done.status_code == 302 and done.location.endswith("/reports/surveys")


def test_indicator_page_table_chart_and_downloads(db, staff_client, people):
    from jobbforum.services import surveys
    surveys.import_survey(survey_csv(survey_line(A), survey_line(B)), "b.csv", SurveyKind.baseline)
    surveys.import_survey(survey_csv(survey_line(A, employment="part_time"),
                                     survey_line(B, network_expanded=1)), "r.csv", SurveyKind.result)
    db.session.commit()
    c = staff_client()
    page = c.get("/reports/indicators?by=gender&suppress_below=0").get_data(as_text=True)
    assert page.count('role="img"') == 2 and "<desc" in page and "goal-line" in page
    assert "50,0 %" in page or "50.0 %" in page
    csv_text = c.post("/reports/indicators/download/csv?by=gender&suppress_below=0").get_data(
        as_text=True)
    rows = list(csv.DictReader(io.StringIO(csv_text)))
    assert [r["group"] for r in rows] == ["all", "man", "woman"] and rows[0]["n"] == "2"
    js = json.loads(c.post("/reports/indicators/download/json").get_data(as_text=True))
    assert js["rows"][0]["n"] is None  # 2 < 5: suppressed by default
    assert c.get("/reports/indicators?by=nonsense&rounds=nope").status_code == 200


def test_attendance_download_has_no_personal_data_and_is_audited(db, staff_client, people):
    c = staff_client()
    response = c.post("/reports/attendance", data={"format": "csv", "rounds": ["r1"]})
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    for secret in ("Hawa", "hawa@example.com", "+46709999999", "example.com"):
        assert secret not in text
    assert text.splitlines()[0].startswith("participant_code,round,county,role,gender")
    xlsx = c.post("/reports/attendance", data={"format": "xlsx"})
    assert xlsx.data[:2] == b"PK"
    entries = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == "export.attendance")).all()
    assert [e.details["rows"] for e in entries] == [2, 2]
    assert entries[0].actor_user_id == c.user.id
    bad = c.post("/reports/attendance", data={"format": "csv", "date_from": "2026-02-01",
                                              "date_to": "2026-01-01"})
    assert bad.status_code == 400


def test_privacy_actions(db, staff_client, people):
    c = staff_client()
    assert "Hawa Secret" in c.get(f"/reports/people?code={A.lower()}").get_data(as_text=True)
    assert c.get("/reports/people?code=NOPE0000").status_code == 404
    data = json.loads(c.post(f"/reports/people/{A}/access-export").get_data(as_text=True))
    assert data["person"]["name"] == "Hawa Secret"
    refused = c.post(f"/reports/people/{A}/erase", data={})
    assert refused.status_code == 400
    done = c.post(f"/reports/people/{A}/erase", data={"confirm": "y"})
    assert done.status_code == 302
    db.session.expire_all()
    person = db.session.scalar(sa.select(Person).where(Person.participant_code == A))
    assert (person.name, person.email) == ("", None)
    actions = set(db.session.scalars(sa.select(AuditEvent.action)))
    assert {"privacy.access_export", "privacy.erase"} <= actions


def test_chart_shows_suppressed_groups_as_text_and_a_hidden_split_as_one_bar(app):
    from blueprints.reports.charts import build_charts
    from jobbforum.services.indicators import IndicatorRow

    shown = IndicatorRow("all", 40, 40, 40, 40, 3, 20, 23, 30, None, 50.0, 57.5, 75.0)
    hidden = IndicatorRow("man", 4, 4, 4, None, None, None, None, None, None, None, None, None)
    with app.test_request_context():
        work, network = build_charts([shown, hidden], "suppressed")
    assert [s.css for s in work.bars[0].segments] == ["seg-total"]
    assert work.bars[0].segments[0].width == pytest.approx(360 * 0.575)
    assert work.legend[-1][1] == "seg-total"
    assert work.bars[1].segments == () and work.bars[1].value == "suppressed"
    assert network.bars[0].value.startswith("75")
    assert network.goal_x == pytest.approx(360 * 0.8)
