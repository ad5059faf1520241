"""Indicators through the database path: import surveys, join attendance, group, suppress, CLI."""

from __future__ import annotations

import csv
import io
import json

import pytest

from jobbforum.models import Gender, Role, SurveyKind, Theme
from jobbforum.services import surveys
from jobbforum.services.indicator_data import indicator_table
from tests.indicators_builders import attend, make_session, survey_csv, survey_line  # noqa: F401

# code → (gender, baseline kwargs, result kwargs, expected outcome)
CASES = {
    # got_work, clause 1: none → part_time
    "W1AAAAAA1": ("woman", {}, {"employment": "part_time"}, "work"),
    # got_work, clause 2: part_time → full_time
    "W2AAAAAA2": ("man", {"employment": "part_time"}, {"employment": "full_time"}, "work"),
    # got_work, clause 3: changed job (also with steps: still only work)
    "W3AAAAAA3": ("woman", {"employment": "full_time"}, {"employment": "full_time",
                                                         "job_changed": 1, "internship": 1}, "work"),
    # steps: internship
    "S1AAAAAA4": ("woman", {}, {"internship": 1}, "steps"),
    # steps: relevant education
    "S2AAAAAA5": ("man", {}, {"relevant_education": 1}, "steps"),
    # steps: exactly 2 more interviews
    "S3AAAAAA6": ("woman", {"interviews": 1}, {"interviews": 3}, "steps"),
    # none: only 1 more interview
    "N1AAAAAA7": ("woman", {"interviews": 1}, {"interviews": 2}, "none"),
    # steps: exactly 5 small steps, network expanded among them
    "S4AAAAAA8": ("man", {}, dict(cv_improved=1, network_expanded=1, got_reference=1,
                                  visited_workplace=1, learned_education=1), "steps+net"),
    # none: 4 small steps
    "N2AAAAAA9": ("woman", {}, dict(cv_improved=1, network_expanded=1, got_reference=1,
                                    visited_workplace=1), "net"),
    # part_time → part_time: not work
    "N3AAAAAAA": ("woman", {"employment": "part_time"}, {"employment": "part_time"}, "none"),
}


@pytest.fixture()
def imported(db, make_round, make_person, make_session, attend):
    rnd = make_round(slug="r1")
    event, door = make_session(Theme.interview)
    people = {}
    for code, (gender, _, _, _) in CASES.items():
        people[code] = make_person(participant_code=code, gender=Gender(gender), round=rnd)
    missing_result = make_person(participant_code="MRAAAAAAB", gender=Gender.woman, round=rnd)
    mentor = make_person(participant_code="MEAAAAAAC", round=rnd)
    attend(mentor, event, door, role=Role.mentor)
    for code in ("W1AAAAAA1", "S1AAAAAA4", "N1AAAAAA7"):
        attend(people[code], event, door)
    baseline = [survey_line(code, **b) for code, (_, b, _, _) in CASES.items()]
    baseline.append(survey_line(missing_result.participant_code))
    baseline.append(survey_line(mentor.participant_code))
    result = [survey_line(code, answered_on="2027-04-01", **r) for code, (_, _, r, _) in CASES.items()]
    surveys.import_survey(survey_csv(*baseline), "b.csv", SurveyKind.baseline)
    surveys.import_survey(survey_csv(*result), "r.csv", SurveyKind.result)
    db.session.commit()
    return rnd


def test_each_clause_counts_as_defined(imported):
    (row,) = indicator_table(suppress_below=0)
    expected = [o for (_, _, _, o) in CASES.values()]
    assert row.participants == 11  # the mentor is not a participant
    assert (row.baseline_responses, row.result_responses, row.n) == (11, 10, 10)
    assert row.got_work == expected.count("work") == 3
    assert row.measurable_steps == sum(o.startswith("steps") for o in expected) == 4
    assert row.work_or_steps == 7
    assert row.network_expanded == 2
    assert (row.work_or_steps_pct, row.network_expanded_pct) == (70.0, 20.0)


def test_groups_by_gender_and_attendance(imported):
    rows = {r.group: r for r in indicator_table(by="gender", suppress_below=0)}
    assert [g for g in rows] == ["all", "man", "woman"]
    assert (rows["man"].n, rows["man"].got_work, rows["man"].measurable_steps) == (3, 1, 2)
    rows = {r.group: r for r in indicator_table(by="attended_interview_workshop", suppress_below=0)}
    assert (rows["1"].participants, rows["1"].work_or_steps) == (3, 2)
    assert rows["0"].participants == 8


def test_suppression_and_cli_csv_json_agree_with_the_page_function(app, imported):
    runner = app.test_cli_runner()
    out = runner.invoke(args=["indicators", "--by", "gender", "--format", "csv"])
    assert out.exit_code == 0, out.output
    rows = list(csv.DictReader(io.StringIO(out.output)))
    table = indicator_table(by="gender")
    assert [r["group"] for r in rows] == [r.group for r in table]
    man = rows[1]
    assert man["n"] == "" and man["got_work_pct"] == ""  # 3 < 5: suppressed
    assert rows[0]["n"] == "10"
    js = json.loads(runner.invoke(args=["indicators", "--by", "gender", "--format", "json",
                                        "--suppress-below", "0"]).output)
    assert js["goals"] == {"work_or_steps": 90.0, "network_expanded": 80.0}
    assert js["rows"][1]["n"] == 3 and js["rows"][0]["work_or_steps_pct"] == 70.0
    unknown = runner.invoke(args=["indicators", "--round", "nope"])
    assert unknown.exit_code != 0 and "nope" in unknown.output
