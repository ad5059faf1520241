"""Tests for jobbforum.services.surveys_parse: reading and validating survey files."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
import enum
from datetime import date, datetime
from types import SimpleNamespace

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jobbforum import codes
from jobbforum.services import surveys_parse
from jobbforum.services.surveys_parse import (
    COLUMNS,
    FLAG_COLUMNS,
    SMALL_STEP_COLUMNS,
    Employment,
    RowError,
    SurveyParseResult,
    SurveyRow,
    parse_survey_file,
)

# --- builders ------------------------------------------------------------------------------------

VALID: dict[str, str] = {
    "participant_code": "7K3M9QXA",
    "answered_on": "2026-01-15",
    "employment": "none",
    "job_changed": "0",
    "job_more_relevant": "0",
    "internship": "1",
    "relevant_education": "0",
    "interviews": "3",
    "cv_improved": "1",
    "network_expanded": "1",
    "got_reference": "0",
    "visited_workplace": "0",
    "learned_education": "1",
    "learned_social_codes": "0",
    "improved_swedish": "1",
    "improved_work_swedish": "0",
}
CODES = ["7K3M9QXA", "8M2N4PQR", "9Z8Y7X6W", "ABCDEFGH", "0123456789"]


def row(**overrides: object) -> dict[str, object]:
    """A valid row with *overrides*."""
    return {**VALID, **overrides}


def csv_bytes(
    rows: Iterable[Mapping[str, object]] | Iterable[Sequence[object]],
    *,
    header: Sequence[str] = COLUMNS,
    delimiter: str = ",",
    newline: str = "\n",
    bom: bool = False,
) -> bytes:
    """A CSV file: rows are dicts keyed by header name, or raw sequences of cells."""
    lines = [delimiter.join(header)]
    for r in rows:
        cells = [r.get(name, "") for name in header] if isinstance(r, Mapping) else list(r)
        lines.append(delimiter.join(str(c) for c in cells))
    text = newline.join(lines) + newline
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


def xlsx_bytes(rows: Iterable[Sequence[object]], header: Sequence[object] = COLUMNS) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(list(header))
    for cells in rows:
        sheet.append(list(cells))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def parse_csv(rows: Iterable[Mapping[str, object]], **kw: object) -> SurveyParseResult:
    return parse_survey_file(csv_bytes(rows, **kw), "svar.csv")  # type: ignore[arg-type]


def only_error(result: SurveyParseResult) -> RowError:
    assert len(result.errors) == 1, result.errors
    return result.errors[0]


EXPECTED_FIRST = SurveyRow(
    participant_code="7K3M9QXA",
    answered_on=date(2026, 1, 15),
    employment=Employment.NONE,
    job_changed=False,
    job_more_relevant=False,
    internship=True,
    relevant_education=False,
    interviews=3,
    cv_improved=True,
    network_expanded=True,
    got_reference=False,
    visited_workplace=False,
    learned_education=True,
    learned_social_codes=False,
    improved_swedish=True,
    improved_work_swedish=False,
)


# --- CSV dialects --------------------------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [",", ";"])
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
@pytest.mark.parametrize("bom", [False, True])
def test_csv_dialects_parse_the_same(delimiter: str, newline: str, bom: bool) -> None:
    result = parse_csv(
        [row(), row(participant_code="8M2N4PQR", employment="full_time")],
        delimiter=delimiter, newline=newline, bom=bom,
    )
    assert result.ok, result.errors
    assert result.rows[0] == EXPECTED_FIRST
    assert [r.row_number for r in result.rows] == [2, 3]
    assert result.rows[1].employment is Employment.FULL_TIME


def test_semicolon_file_with_trailing_separators_as_swedish_excel_writes_it() -> None:
    data = csv_bytes([list(VALID.values()) + ["", ""]], delimiter=";", newline="\r\n", bom=True)
    data = data.replace(b"improved_work_swedish\r\n", b"improved_work_swedish;;\r\n")
    result = parse_survey_file(data, "Svar.CSV")
    assert result.ok, result.errors
    assert result.rows == [EXPECTED_FIRST]


def test_quoted_fields_and_column_order_and_header_case_are_free() -> None:
    header = [f'" {name.upper()} "' for name in reversed(COLUMNS)]
    values = [f'"{VALID[name]}"' for name in reversed(COLUMNS)]
    data = ("\n".join([",".join(header), ",".join(values)]) + "\n").encode()
    result = parse_survey_file(data, "svar.csv")
    assert result.ok, result.errors
    assert result.rows == [EXPECTED_FIRST]


def test_blank_rows_are_skipped_but_still_numbered() -> None:
    data = csv_bytes([row(), [], ["", " "], row(participant_code="8M2N4PQR"), [], []])
    result = parse_survey_file(data, "svar.csv")
    assert result.ok, result.errors
    assert [r.row_number for r in result.rows] == [2, 5]


def test_values_are_trimmed_and_employment_is_lenient_about_case_and_separators() -> None:
    result = parse_csv([
        row(employment=" Part time ", interviews=" 4 ", job_changed=" 1"),
        row(participant_code="8M2N4PQR", employment="FULL-TIME"),
    ])
    assert result.ok, result.errors
    assert result.rows[0].employment is Employment.PART_TIME
    assert result.rows[0].interviews == 4
    assert result.rows[0].job_changed is True
    assert result.rows[1].employment is Employment.FULL_TIME


# --- participant codes ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("7k3m-9qxa", "7K3M9QXA"),
        (" 7K3M 9QXA ", "7K3M9QXA"),
        ("7K3M\u20139QXA", "7K3M9QXA"),  # en dash from autocorrect
        ("7K3M\u00a09QXA", "7K3M9QXA"),  # non-breaking space
        ("7k3m9qxo", "7K3M9QX0"),  # confusable letters read as digits, as jobbforum.codes does
        ("iL000000", "11000000"),
        ("7K3M9QXAU", "7K3M9QXAU"),  # codes imported from earlier surveys may use any letter
        ("abcd", "ABCD"),  # 4: shortest accepted
        ("0123456789ABCDEF", "0123456789ABCDEF"),  # 16: longest accepted
    ],
)
def test_participant_code_is_normalised(raw: str, code: str) -> None:
    result = parse_csv([row(participant_code=raw)])
    assert result.ok, result.errors
    assert result.rows[0].participant_code == code


def test_codes_made_by_the_project_are_accepted() -> None:
    """jobbforum.codes makes 8 characters + a check character."""
    made = [codes.new_participant_code() for _ in range(300)]
    rows = [row(participant_code=f"{c[:4].lower()}-{c[4:]}") for c in dict.fromkeys(made)]
    result = parse_csv(rows, delimiter=";")
    assert result.ok, result.errors
    assert [r.participant_code for r in result.rows] == list(dict.fromkeys(made))


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("7K3M*9QX", "'*'"),
        ("7K3M9QX$", "'$'"),
        ("7K3M_9QX", "'_'"),
        ("7K3M9QXÄ", "'Ä'"),
        ("ABCßDEF", "'ß'"),  # would upper-case to SS, a valid pair
        ("ABC", "3 characters"),
        ("0123456789ABCDEFG", "17 characters"),
    ],
)
def test_invalid_participant_code(raw: str, fragment: str) -> None:
    error = only_error(parse_csv([row(participant_code=raw)]))
    assert (error.row_number, error.column) == (2, "participant_code")
    assert fragment in error.message
    assert "expected" in error.message


def test_empty_participant_code() -> None:
    error = only_error(parse_csv([row(participant_code=" ")]))
    assert (error.row_number, error.column) == (2, "participant_code")
    assert "empty" in error.message and "expected" in error.message


def test_duplicate_code_is_an_error_on_the_later_row_only() -> None:
    result = parse_csv([
        row(),
        row(participant_code="8M2N4PQR"),
        row(participant_code="7k3m-9qxa", interviews="5"),  # the same code once normalised
    ])
    error = only_error(result)
    assert (error.row_number, error.column) == (4, "participant_code")
    assert "7K3M9QXA" in error.message and "row 2" in error.message
    assert [r.participant_code for r in result.rows] == ["7K3M9QXA", "8M2N4PQR"]


def test_duplicate_code_is_reported_even_when_the_later_row_has_other_errors() -> None:
    result = parse_csv([row(), row(interviews="-1")])
    assert [(e.row_number, e.column) for e in result.errors] == [
        (3, "participant_code"),
        (3, "interviews"),
    ]


# --- bad values ----------------------------------------------------------------------------------


@pytest.mark.parametrize("column", FLAG_COLUMNS)
@pytest.mark.parametrize("value", ["2", "-1", "yes", "ja", "1.0", "x", "01"])
def test_bad_flag(column: str, value: str) -> None:
    error = only_error(parse_csv([row(**{column: value})]))
    assert (error.row_number, error.column) == (2, column)
    assert f'"{value}"' in error.message and "expected 0 (no) or 1 (yes)" in error.message


@pytest.mark.parametrize("value", ["-1", "2.5", "3,0", "three", "1001", "+2", "99999999999"])
def test_bad_interviews(value: str) -> None:
    error = only_error(parse_csv([row(interviews=value)], delimiter=";"))
    assert (error.row_number, error.column) == (2, "interviews")
    assert "expected a whole number from 0 to 1000" in error.message


@pytest.mark.parametrize("value", ["0", "1000"])
def test_interview_bounds_are_inclusive(value: str) -> None:
    result = parse_csv([row(interviews=value)])
    assert result.ok, result.errors
    assert result.rows[0].interviews == int(value)


@pytest.mark.parametrize(
    "value", ["2026-02-30", "15/01/2026", "2026-1-5", "20260115", "2026-01-15T10:00", "igår"]
)
def test_bad_date(value: str) -> None:
    error = only_error(parse_csv([row(answered_on=value)]))
    assert (error.row_number, error.column) == (2, "answered_on")
    assert "expected a date written as YYYY-MM-DD" in error.message


@pytest.mark.parametrize("value", ["unemployed", "heltid", "part", "1", "full__time"])
def test_bad_employment(value: str) -> None:
    error = only_error(parse_csv([row(employment=value)]))
    assert (error.row_number, error.column) == (2, "employment")
    assert "expected none, part_time or full_time" in error.message


@pytest.mark.parametrize("column", COLUMNS)
def test_empty_value_is_an_error_in_every_column(column: str) -> None:
    error = only_error(parse_csv([row(**{column: ""})]))
    assert (error.row_number, error.column) == (2, column)
    assert error.message.startswith("The value is empty; expected")


def test_every_error_of_a_row_is_reported_and_the_row_is_dropped() -> None:
    result = parse_csv([
        row(answered_on="x", employment="y", job_changed="z", interviews="-3"),
        row(participant_code="8M2N4PQR"),
    ])
    assert [(e.row_number, e.column) for e in result.errors] == [
        (2, "answered_on"),
        (2, "employment"),
        (2, "job_changed"),
        (2, "interviews"),
    ]
    assert [r.participant_code for r in result.rows] == ["8M2N4PQR"]


def test_value_without_header_is_an_error() -> None:
    data = csv_bytes([list(VALID.values()) + ["", "surprise"]])
    error = only_error(parse_survey_file(data, "svar.csv"))
    assert (error.row_number, error.column) == (2, None)
    assert "Column R" in error.message and "surprise" in error.message


def test_errors_carry_a_translatable_template_and_parameters() -> None:
    error = only_error(parse_csv([row(interviews="-1")]))
    assert error.template == surveys_parse.MSG_BAD_INTERVIEWS
    assert error.message == error.template % error.params
    assert error.params == {"value": "-1", "max": 1000}
    assert str(error).startswith("row 2, interviews: ")


# --- header --------------------------------------------------------------------------------------


def test_unknown_columns_are_named() -> None:
    header = [*COLUMNS, "Kön", "email"]
    result = parse_csv([row()], header=header)
    assert [(e.row_number, e.column) for e in result.errors] == [(1, "kön"), (1, "email")]
    assert '"kön"' in result.errors[0].message
    assert "expected only the columns" in result.errors[0].message
    assert result.rows == []


def test_missing_columns_are_named() -> None:
    header = [c for c in COLUMNS if c not in ("interviews", "improved_swedish")]
    result = parse_csv([row()], header=header)
    assert [(e.row_number, e.column) for e in result.errors] == [
        (1, "interviews"),
        (1, "improved_swedish"),
    ]
    assert all("is missing" in e.message for e in result.errors)
    assert result.rows == []


def test_duplicate_column() -> None:
    result = parse_csv([row()], header=[*COLUMNS, "Interviews"])
    error = only_error(result)
    assert (error.row_number, error.column) == (1, "interviews")
    assert "more than once" in error.message


def test_wrong_separator_gives_header_errors_not_a_crash() -> None:
    data = csv_bytes([row()], delimiter="\t")
    result = parse_survey_file(data, "svar.csv")
    assert result.rows == []
    assert all(e.row_number == 1 for e in result.errors)
    assert len(result.errors) == 1 + len(COLUMNS)  # one unknown column, all others missing


# --- whole-file problems -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "filename", "fragment"),
    [
        (b"", "svar.csv", "The file is empty"),
        (b"\xef\xbb\xbf", "svar.csv", "The file is empty"),
        (b"\n\n", "svar.csv", "The first row is empty"),
        (b"hello", "svar.pdf", "not a CSV or XLSX file"),
        (b"hello", "svar", "not a CSV or XLSX file"),
        (b"\xd0\xcf\x11\xe0rest", "svar.xls", "old Excel format"),
        (b"PK\x03\x04rest", "svar.csv", "named .csv but contains a workbook"),
        (b"participant_code\nK\xf6n\n", "svar.csv", "not UTF-8"),
        (b"not a zip", "svar.xlsx", "could not be read as an Excel workbook"),
        (b"PK\x03\x04truncated", "svar.xlsx", "could not be read as an Excel workbook"),
        (csv_bytes([]), "svar.csv", "no responses"),
        (csv_bytes([[], []]), "svar.csv", "no responses"),
    ],
)
def test_file_problems_are_a_single_row_zero_error(data: bytes, filename: str, fragment: str) -> None:
    error = only_error(parse_survey_file(data, filename))
    assert (error.row_number, error.column) == (0, None)
    assert fragment in error.message
    assert "expected" in error.message


def test_a_zip_that_is_not_a_workbook() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hello")
    error = only_error(parse_survey_file(buffer.getvalue(), "svar.xlsx"))
    assert error.row_number == 0


def test_file_size_is_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(surveys_parse, "MAX_FILE_BYTES", 100)
    error = only_error(parse_csv([row()]))
    assert error.row_number == 0 and "larger than" in error.message


def test_row_count_is_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(surveys_parse, "MAX_ROWS", 2)
    ok = parse_csv([row(), row(participant_code="8M2N4PQR"), []])
    assert ok.ok, ok.errors
    error = only_error(parse_csv([row(), row(participant_code="8M2N4PQR"), row(participant_code="ABCDEFGH")]))
    assert error.row_number == 0 and "more than 2 rows" in error.message


def test_the_default_cap_is_twenty_thousand_rows() -> None:
    assert surveys_parse.MAX_ROWS == 20_000


def test_error_count_is_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(surveys_parse, "MAX_ERRORS", 3)
    result = parse_csv([row(participant_code=f"BAD_{i}") for i in range(10)])
    assert [e.row_number for e in result.errors] == [2, 3, 4, 0]
    assert "Stopped after 3 errors" in result.errors[-1].message


def test_a_huge_csv_field_is_a_file_error_not_a_crash() -> None:
    data = csv_bytes([row(participant_code='"' + "A" * 200_000 + '"')])
    error = only_error(parse_survey_file(data, "svar.csv"))
    assert error.row_number == 0 and "could not be read" in error.message


# --- XLSX ----------------------------------------------------------------------------------------


def test_xlsx_with_native_cell_types() -> None:
    cells_by_name: dict[str, object] = {
        **{name: 0 for name in FLAG_COLUMNS},
        "participant_code": "7k3m-9qxa",
        "answered_on": date(2026, 1, 15),
        "employment": "part_time",
        "internship": True,  # boolean cell
        "relevant_education": False,
        "cv_improved": 1.0,  # float cell
        "network_expanded": "1",  # text cell
        "interviews": 3,
    }
    second = {**cells_by_name, "participant_code": 12345678, "answered_on": datetime(2026, 2, 1, 9, 30)}
    data = xlsx_bytes([
        [cells_by_name[c] for c in COLUMNS],
        [],
        [None] * len(COLUMNS),
        [second[c] for c in COLUMNS],
        [],
    ])
    result = parse_survey_file(data, "svar.XLSX")
    assert result.ok, result.errors
    first, last = result.rows
    assert first.row_number == 2 and last.row_number == 5
    assert first.participant_code == "7K3M9QXA"
    assert first.answered_on == date(2026, 1, 15)
    assert first.employment is Employment.PART_TIME
    assert (first.internship, first.relevant_education, first.cv_improved) == (True, False, True)
    assert first.network_expanded is True
    assert first.interviews == 3
    assert last.participant_code == "12345678"  # an all-digit code stored as a number
    assert last.answered_on == date(2026, 2, 1)


def test_xlsx_header_is_case_insensitive_and_order_free() -> None:
    header = [f" {c.title()} " for c in reversed(COLUMNS)]
    data = xlsx_bytes([[VALID[c] for c in reversed(COLUMNS)]], header=header)
    result = parse_survey_file(data, "svar.xlsx")
    assert result.ok, result.errors
    assert result.rows == [EXPECTED_FIRST]


@pytest.mark.parametrize(
    ("column", "value", "fragment"),
    [
        ("internship", 2, "expected 0 (no) or 1 (yes)"),
        ("internship", 0.5, "expected 0 (no) or 1 (yes)"),
        ("interviews", -1, "expected a whole number"),
        ("interviews", 2.5, "expected a whole number"),
        ("interviews", True, "expected a whole number"),
        ("answered_on", 46037, "expected a date"),
        ("answered_on", "15.01.2026", "expected a date"),
        ("employment", 1, "expected none, part_time or full_time"),
        ("participant_code", True, "is not a participant code"),
        ("participant_code", -1234567, "is not a participant code"),
        ("participant_code", date(2026, 1, 1), "is not a participant code"),
    ],
)
def test_xlsx_bad_cells(column: str, value: object, fragment: str) -> None:
    cells = [value if c == column else VALID[c] for c in COLUMNS]
    error = only_error(parse_survey_file(xlsx_bytes([cells]), "svar.xlsx"))
    assert (error.row_number, error.column) == (2, column)
    assert fragment in error.message


def test_xlsx_header_problems() -> None:
    header = [c for c in COLUMNS if c != "employment"] + ["notes"]
    result = parse_survey_file(xlsx_bytes([], header=header), "svar.xlsx")
    assert {(e.row_number, e.column) for e in result.errors} == {(1, "notes"), (1, "employment")}


def test_xlsx_reads_the_first_sheet_only() -> None:
    workbook = openpyxl.Workbook()
    first = workbook.active
    first.append(list(COLUMNS))
    first.append([VALID[c] for c in COLUMNS])
    other = workbook.create_sheet("Other")
    other.append(["junk"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = parse_survey_file(buffer.getvalue(), "svar.xlsx")
    assert result.ok and result.rows == [EXPECTED_FIRST]


# --- properties ----------------------------------------------------------------------------------

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

survey_rows = st.builds(
    SurveyRow,
    participant_code=st.builds(
        str.__add__, st.text(CROCKFORD, min_size=3, max_size=15), st.sampled_from(CROCKFORD + "U")
    ),
    answered_on=st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31)),
    employment=st.sampled_from(Employment),
    interviews=st.integers(0, surveys_parse.MAX_INTERVIEWS),
    **{name: st.booleans() for name in FLAG_COLUMNS},
)


def _spell_code(draw: st.DrawFn, code: str) -> str:
    """The same code as a person might type it."""
    if draw(st.booleans()):
        code = code.replace("0", "O").replace("1", draw(st.sampled_from("IL")))
    if draw(st.booleans()):
        code = code.lower()
    if draw(st.booleans()) and len(code) > 4:
        code = f"{code[:4]}-{code[4:]}"
    return f" {code} " if draw(st.booleans()) else code


@st.composite
def survey_files(draw: st.DrawFn) -> tuple[bytes, list[SurveyRow]]:
    rows = draw(st.lists(survey_rows, min_size=1, max_size=20, unique_by=lambda r: r.participant_code))
    header = list(draw(st.permutations(COLUMNS)))
    delimiter = draw(st.sampled_from([",", ";"]))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    bom = draw(st.booleans())
    lines = [delimiter.join(draw(st.sampled_from([h, h.upper(), f" {h} "])) for h in header)]
    for r in rows:
        values = {
            "participant_code": _spell_code(draw, r.participant_code),
            "answered_on": r.answered_on.isoformat(),
            "employment": r.employment.value,
            "interviews": str(r.interviews),
            **{name: "1" if getattr(r, name) else "0" for name in FLAG_COLUMNS},
        }
        lines.append(delimiter.join(values[h] for h in header))
    data = (newline.join(lines) + newline).encode()
    return (b"\xef\xbb\xbf" + data if bom else data), rows


@given(survey_files())
@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
def test_valid_rows_round_trip_through_csv(file_and_rows: tuple[bytes, list[SurveyRow]]) -> None:
    data, rows = file_and_rows
    result = parse_survey_file(data, "svar.csv")
    assert result.errors == []
    assert result.rows == rows
    assert [r.row_number for r in result.rows] == list(range(2, len(rows) + 2))


@given(survey_rows)
def test_small_steps_counts_the_eight_steps(r: SurveyRow) -> None:
    assert r.small_steps == sum(getattr(r, name) for name in SMALL_STEP_COLUMNS)


def _assert_only_errors(result: SurveyParseResult) -> None:
    assert isinstance(result, SurveyParseResult)
    assert all(isinstance(e, RowError) and e.message for e in result.errors)
    assert all(isinstance(r, SurveyRow) for r in result.rows)
    assert all(e.row_number >= 0 for e in result.errors)


@given(st.binary(max_size=2000), st.sampled_from(["a.csv", "a.xlsx", "a.xls", "a.txt", "a"]))
@settings(max_examples=300, deadline=None)
def test_arbitrary_bytes_never_raise(data: bytes, filename: str) -> None:
    _assert_only_errors(parse_survey_file(data, filename))


_CSV_TOKENS = list(",;\"\r\n 01-x\ufeffÄ\x00") + list(VALID.values())


@given(st.lists(st.sampled_from(_CSV_TOKENS), max_size=300).map("".join))
@settings(max_examples=300, deadline=None)
def test_arbitrary_csv_bodies_never_raise(body: str) -> None:
    data = (",".join(COLUMNS) + "\n" + body).encode()
    _assert_only_errors(parse_survey_file(data, "a.csv"))


_VALID_XLSX = xlsx_bytes([[VALID[c] for c in COLUMNS]])


@given(st.lists(st.tuples(st.integers(0, len(_VALID_XLSX) - 1), st.integers(0, 255)), max_size=8))
@settings(max_examples=150, deadline=None)
def test_corrupted_xlsx_never_raises(changes: list[tuple[int, int]]) -> None:
    data = bytearray(_VALID_XLSX)
    for position, value in changes:
        data[position] = value
    _assert_only_errors(parse_survey_file(bytes(data), "a.xlsx"))


# --- building rows from stored responses --------------------------------------------------------


class _ModelEmployment(enum.Enum):
    """Like the model's enum: the same values, different type."""

    none = "none"
    part_time = "part_time"
    full_time = "full_time"


@pytest.mark.parametrize("employment", [_ModelEmployment.part_time, "part_time", Employment.PART_TIME])
def test_survey_row_from_attributes(employment: object) -> None:
    stored = SimpleNamespace(**{**vars(EXPECTED_FIRST), "employment": employment, "id": 7, "kind": "result"})
    built = SurveyRow.from_attributes(stored)
    assert built == replace(EXPECTED_FIRST, employment=Employment.PART_TIME)
    assert built.employment is Employment.PART_TIME
