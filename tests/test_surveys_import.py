"""Survey import: every bad row reported, nothing changed on error, idempotent, confirmed replace."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from openpyxl import Workbook

from jobbforum.models import AuditEvent, Employment, SurveyKind, SurveyResponse
from jobbforum.services import surveys
from jobbforum.services.surveys_parse import COLUMNS
from tests.indicators_builders import SURVEY_HEADER, survey_csv, survey_line

A, B = "AAAAAAAA1", "BBBBBBBB2"


@pytest.fixture()
def people(make_person):
    return [make_person(participant_code=A), make_person(participant_code=B)]


def _count(db) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(SurveyResponse))


def test_import_creates_one_response_per_person_and_kind(db, people):
    data = survey_csv(survey_line(A, employment="part_time", interviews=3, internship=1),
                      survey_line(B))
    preview = surveys.import_survey(data, "baseline.csv", SurveyKind.baseline, actor_label="t")
    db.session.commit()
    assert preview.summary() == dict(rows=2, errors=0, new=2, unchanged=0, changed=0)
    stored = db.session.scalar(sa.select(SurveyResponse).where(SurveyResponse.participant_code == A))
    assert (stored.employment, stored.interviews, stored.internship) == (Employment.part_time, 3, True)
    # The same file again: nothing changes, nothing audited.
    again = surveys.import_survey(data, "baseline.csv", SurveyKind.baseline)
    assert again.summary()["unchanged"] == 2 and _count(db) == 2
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "survey.imported")) == 1
    # The same codes as the other kind are separate responses.
    surveys.import_survey(data, "result.csv", SurveyKind.result)
    assert _count(db) == 4


def test_semicolon_bom_csv_and_xlsx_are_accepted(db, people):
    text = "\ufeff" + survey_csv(survey_line(A)).decode().replace(",", ";")
    assert surveys.import_survey(text.encode(), "b.csv", SurveyKind.baseline).summary()["new"] == 1
    book = Workbook()
    sheet = book.active
    sheet.append(list(COLUMNS))
    sheet.append(survey_line(B).split(","))
    buf = io.BytesIO()
    book.save(buf)
    assert surveys.import_survey(buf.getvalue(), "r.xlsx", SurveyKind.result).summary()["new"] == 1


def test_a_newer_file_replaces_only_after_confirmation(db, people):
    surveys.import_survey(survey_csv(survey_line(A)), "b.csv", SurveyKind.result)
    db.session.commit()
    newer = survey_csv(survey_line(A, employment="full_time"), survey_line(B))
    preview = surveys.preview_import(newer, "b.csv", SurveyKind.result)
    assert (preview.changed, preview.new) == ([A], [B])
    with pytest.raises(surveys.ReplaceNeedsConfirmation):
        surveys.import_survey(newer, "b.csv", SurveyKind.result)
    assert _count(db) == 1  # nothing, not even the new row
    surveys.import_survey(newer, "b.csv", SurveyKind.result, replace=True)
    db.session.commit()
    stored = db.session.scalar(sa.select(SurveyResponse).where(SurveyResponse.participant_code == A))
    assert stored.employment is Employment.full_time and _count(db) == 2


BAD_ROWS = [
    # (line, column expected in the error)
    (survey_line("ZZZZZZZZ9"), "participant_code"),  # unknown code: reported, not invented
    (survey_line("AB"), "participant_code"),  # too short
    (survey_line(A, answered_on="2026-13-40"), "answered_on"),
    (survey_line(A, employment="sometimes"), "employment"),
    (survey_line(A, interviews=-1), "interviews"),
    (survey_line(A, improved_work_swedish=2), "improved_work_swedish"),
    (survey_line(A).rsplit(",", 1)[0] + ",", "improved_work_swedish"),  # empty value
]


@pytest.mark.parametrize(("line", "column"), BAD_ROWS)
def test_every_kind_of_bad_row_is_reported_and_nothing_changes(db, people, line, column):
    data = survey_csv(survey_line(B), line)
    with pytest.raises(surveys.SurveyImportError) as caught:
        surveys.import_survey(data, "b.csv", SurveyKind.baseline)
    errors = caught.value.preview.errors
    assert [(e.row_number, e.column) for e in errors] == [(3, column)]
    assert _count(db) == 0


def test_all_errors_of_a_file_are_reported_together(db, people):
    data = survey_csv(survey_line("ZZZZZZZZ9"), survey_line(A, employment="x"), survey_line(A),
                      survey_line(A))
    preview = surveys.preview_import(data, "b.csv", SurveyKind.baseline)
    assert [(e.row_number, e.column) for e in preview.errors] == [
        (2, "participant_code"), (3, "employment"), (4, "participant_code"),
        (5, "participant_code")]


def test_header_and_file_problems(db, people):
    bad_header = survey_csv(survey_line(A), header=SURVEY_HEADER.replace("interviews", "intervjuer"))
    errors = surveys.preview_import(bad_header, "b.csv", SurveyKind.baseline).errors
    assert {e.row_number for e in errors} == {1}
    assert surveys.preview_import(b"", "b.csv", SurveyKind.baseline).errors[0].row_number == 0
    assert surveys.preview_import(b"x", "b.pdf", SurveyKind.baseline).errors[0].row_number == 0


def test_cli_import_dry_run_and_replace(app, db, people, tmp_path):
    path = tmp_path / "r.csv"
    path.write_bytes(survey_csv(survey_line(A)))
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["survey", "import", str(path), "--kind", "result", "--dry-run"])
    assert dry.exit_code == 0 and "1 new" in dry.output and _count(db) == 0
    assert runner.invoke(args=["survey", "import", str(path), "--kind", "result"]).exit_code == 0
    path.write_bytes(survey_csv(survey_line(A, employment="full_time")))
    refused = runner.invoke(args=["survey", "import", str(path), "--kind", "result"])
    assert refused.exit_code != 0 and "--replace" in refused.output
    done = runner.invoke(args=["survey", "import", str(path), "--kind", "result", "--replace"])
    assert done.exit_code == 0, done.output
    path.write_bytes(survey_csv(survey_line("ZZZZZZZZ9")))
    bad = runner.invoke(args=["survey", "import", str(path), "--kind", "result"])
    assert bad.exit_code != 0 and "row 2, participant_code" in bad.output
