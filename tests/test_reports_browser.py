"""End to end: a coordinator uploads both surveys and sees the indicator chart (Chromium)."""

from __future__ import annotations

import pytest

from jobbforum.models import Gender
from tests.conftest import TEST_PASSWORD, run_axe
from tests.indicators_builders import survey_csv, survey_line

pytestmark = pytest.mark.browser

#: Twelve participants: enough above the default suppression threshold (5) for the "all" row.
CODES = [f"K{i:07d}Z" for i in range(12)]


def _log_in(page, staff) -> None:
    page.goto("/login")
    page.fill("input[name=email]", staff.email)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/admin/")


def _assert_accessible(page) -> None:
    violations = run_axe(page)
    assert violations == [], [(v["id"], [n["html"][:200] for n in v["nodes"]]) for v in violations]


def _upload(page, kind: str, data: bytes, name: str) -> None:
    page.goto("/reports/surveys")
    page.check(f"input[name=kind][value={kind}]")
    page.set_input_files("input[type=file]", files=[
        {"name": name, "mimeType": "text/csv", "buffer": data}])
    page.click("form[enctype] button[type=submit]")
    page.wait_for_selector("dl.facts")
    page.click("form[action$='/reports/surveys/confirm'] button[type=submit]")
    page.wait_for_url("**/reports/indicators")


def test_coordinator_uploads_both_surveys_and_sees_the_chart(page, make_staff, make_round,
                                                             make_person, artifacts):
    rnd = make_round(slug="ht2026-demo")
    for i, code in enumerate(CODES):
        make_person(participant_code=code, round=rnd,
                    gender=Gender.woman if i % 4 else Gender.man)
    _log_in(page, make_staff("coordinator"))

    # A bad file first: the row errors are listed and nothing is imported.
    page.goto("/reports/surveys")
    page.check("input[name=kind][value=baseline]")
    page.set_input_files("input[type=file]", files=[{
        "name": "bad.csv", "mimeType": "text/csv",
        "buffer": survey_csv(survey_line("ZZZZZZZZ9"), survey_line(CODES[0], employment="x"))}])
    page.click("form[enctype] button[type=submit]")
    assert page.locator("table.row-errors tbody tr").count() == 2
    _assert_accessible(page)
    page.screenshot(path=str(artifacts / "reports-survey-errors.png"), full_page=True)

    _upload(page, "baseline", survey_csv(*[survey_line(c) for c in CODES]), "baslinje.csv")
    result = [survey_line(c, answered_on="2027-04-20",
                          employment="part_time" if i % 3 == 0 else "none",
                          internship=int(i % 3 == 1), network_expanded=int(i % 5 != 0))
              for i, c in enumerate(CODES)]
    _upload(page, "result", survey_csv(*result), "resultat.csv")

    assert page.locator("svg.bar-chart").count() == 2
    desc = page.locator("#chart-work_or_steps-desc").text_content()
    assert "66" in desc  # 8 of 12 got work or took steps
    assert page.locator("table.indicator-table tbody tr").first.locator("td").nth(3).text_content() == "12"
    _assert_accessible(page)
    page.screenshot(path=str(artifacts / "reports-indicators.png"), full_page=True)

    page.select_option("select[name=by]", "gender")
    page.fill("input[name=suppress_below]", "0")
    page.click("form.filters button[type=submit]")
    assert page.locator("svg.bar-chart").first.locator("text.bar-label").count() == 3
    _assert_accessible(page)
    page.screenshot(path=str(artifacts / "reports-indicators-gender.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(artifacts / "reports-indicators-phone.png"), full_page=True)
    page.goto("/reports/surveys")
    page.screenshot(path=str(artifacts / "reports-survey-upload-phone.png"), full_page=True)


def test_coordinator_downloads_attendance_and_handles_a_privacy_request(
        page, make_staff, make_round, make_person, artifacts):
    rnd = make_round(slug="ht2026-demo")
    make_person(participant_code=CODES[0], round=rnd, name="Amina Hemlig",
                email="amina@example.com", gender=Gender.woman)
    _log_in(page, make_staff("coordinator"))

    page.goto("/reports/attendance")
    page.check("input[name=rounds][value=ht2026-demo]")
    _assert_accessible(page)
    page.screenshot(path=str(artifacts / "reports-attendance.png"), full_page=True)
    with page.expect_download() as download:
        page.click("main form button[type=submit]")
    text = open(download.value.path(), encoding="utf-8").read()
    assert text.startswith("participant_code,") and CODES[0] in text and "Amina" not in text

    page.goto("/reports/people")
    page.fill("input[name=code]", CODES[0].lower())
    page.click("main form button[type=submit]")
    assert page.locator("text=Amina Hemlig").count() == 1
    _assert_accessible(page)
    page.screenshot(path=str(artifacts / "reports-person.png"), full_page=True)
    page.check("input[name=confirm]")
    page.click("form[action$='/erase'] button[type=submit]")
    page.wait_for_selector(".flash-success")
