"""Parse a baseline or result survey file (CSV or XLSX) into validated rows.

Participants answer a *baseline survey* (baslinjeenkät) at programme start and a *result survey*
(resultatenkät) at the end, with the same questions (see the product brief, "The indicator data",
and the project report's footnotes on "fått arbete" and "mätbara steg mot arbete"). The answers
are anonymous but carry the participant's pseudonymous ``participant_code``, which links the two
surveys at individual level. This module turns an uploaded file of either survey into
:class:`SurveyRow` objects; :mod:`jobbforum.services.indicators` computes the indicators from them.

The module is pure: no Flask, no database, no I/O beyond the bytes it is given. It does not know
which survey a file holds, nor whether a code exists; the caller decides both.

File format
-----------
* **CSV**: UTF-8 with or without BOM (Excel's "CSV UTF-8"), comma- *or* semicolon-separated (the
  separator is taken from the header line: whichever of ``;`` and ``,`` it contains more of),
  LF or CRLF line ends, fields optionally quoted with ``"``.
* **XLSX**: the first worksheet; cell types as Excel stores them (numbers, booleans, dates).
* Row 1 is the header. Header names are matched case-insensitively after trimming; order is free.
  Exactly the columns in :data:`COLUMNS` must be present: a missing or an unknown column is an error
  (so a renamed or misspelt column is never silently dropped). A column with neither header nor
  values (e.g. a trailing separator) is ignored; a value under no header is an error.
* Blank rows (all cells empty) are skipped, wherever they are; row numbers still count them, so
  :attr:`RowError.row_number` is the row number the user sees in Excel (header = 1).

Values
------
=====================  ======================================================================
``participant_code``   normalised as everywhere (:func:`jobbforum.codes.normalise_participant_code`:
                       upper-case, no spaces or hyphens, I/L → 1 and O → 0), after also removing
                       any whitespace and dash characters; then 4–16 characters of 0-9 and
                       A-Z, the same rule as for codes imported with a roster
                       (:func:`jobbforum.codes.is_acceptable_imported_code`)
``answered_on``        ``YYYY-MM-DD``; in XLSX also a date or date-time cell (the date is kept)
``employment``         ``none``, ``part_time`` or ``full_time`` (case-insensitive; ``-`` or a
                       space may stand for ``_``)
``interviews``         a whole number 0..:data:`MAX_INTERVIEWS` (job interviews in the reference
                       period)
the 0/1 flags          ``0`` or ``1``; in XLSX also the numbers 0/1/0.0/1.0 and TRUE/FALSE
=====================  ======================================================================

An empty cell is an error in every column: the survey has no optional questions here, and reading
"empty" as 0 would silently lower the indicators.

Errors
------
Every row is validated and every problem is reported as a :class:`RowError`; :attr:`SurveyParseResult.rows`
holds only the rows without errors. Problems with the file as a whole (type, encoding, size, row
limit) are a single error with ``row_number`` 0 (and a row-0 error ends the list when parsing
stopped at :data:`MAX_ERRORS`); header problems have ``row_number`` 1. Messages are
plain English and always say what was expected. Each error also carries its untranslated
``template`` (marked with :func:`N_` for Babel extraction with ``-k N_``) and ``params``, so the
web layer can show a translation with ``gettext(error.template) % error.params``.
"""

from __future__ import annotations

import csv
import io
import re
import string
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from jobbforum.codes import normalise_participant_code

__all__ = [
    "COLUMNS",
    "FLAG_COLUMNS",
    "MAX_ERRORS",
    "MAX_FILE_BYTES",
    "MAX_INTERVIEWS",
    "MAX_ROWS",
    "SMALL_STEP_COLUMNS",
    "Employment",
    "RowError",
    "SurveyParseResult",
    "SurveyRow",
    "parse_survey_file",
]

#: Largest accepted upload. 20,000 rows of this survey are about 1.5 MB as CSV.
MAX_FILE_BYTES = 10 * 1024 * 1024
#: Largest accepted number of (non-blank) data rows in one file.
MAX_ROWS = 20_000
#: Rows (blank or not, header included) read before giving up: bounds the work on a sheet whose
#: only content is far down, without limiting a normal file with some blank rows.
MAX_SCANNED_ROWS = 5 * MAX_ROWS
#: Columns read per row. The survey has 16; anything beyond this is ignored unread.
MAX_COLUMNS = 64
#: Sum of the uncompressed sizes inside an XLSX (zip) file: guards against zip bombs.
MAX_XLSX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
#: Parsing stops after this many errors (a file this wrong has a systematic problem); a last
#: error with row 0 then says so.
MAX_ERRORS = 500
#: Upper bound of ``interviews``: a typo guard (job interviews in one reference period).
MAX_INTERVIEWS = 1000

#: Participant codes: what :func:`jobbforum.codes.is_acceptable_imported_code` accepts (codes the
#: app makes are 8 Crockford base32 characters + a check character; codes imported with a roster
#: may be any 4–16 letters and digits). Whether the code exists is the caller's check.
CODE_ALPHABET = frozenset(string.digits + string.ascii_uppercase)
CODE_MIN_LENGTH = 4
CODE_MAX_LENGTH = 16


def N_(message: str) -> str:
    """Mark *message* for translation without translating it (extract with ``pybabel -k N_``)."""
    return message


class Employment(StrEnum):
    """Position on the labour market at the time of the survey."""

    NONE = "none"
    PART_TIME = "part_time"
    FULL_TIME = "full_time"


#: The eight "smaller steps" of the measurable-steps indicator, in the report's order.
SMALL_STEP_COLUMNS: tuple[str, ...] = (
    "cv_improved",
    "network_expanded",
    "got_reference",
    "visited_workplace",
    "learned_education",
    "learned_social_codes",
    "improved_swedish",
    "improved_work_swedish",
)
#: Every yes/no (0/1) column.
FLAG_COLUMNS: tuple[str, ...] = (
    "job_changed",
    "job_more_relevant",
    "internship",
    "relevant_education",
    *SMALL_STEP_COLUMNS,
)
#: The exact set of columns a survey file must have (any order), in the canonical order.
COLUMNS: tuple[str, ...] = (
    "participant_code",
    "answered_on",
    "employment",
    "job_changed",
    "job_more_relevant",
    "internship",
    "relevant_education",
    "interviews",
    *SMALL_STEP_COLUMNS,
)


@dataclass(frozen=True)
class SurveyRow:
    """One participant's answers to one survey (baseline or result; the caller knows which).

    Equality ignores :attr:`row_number`, which only records where the row came from.
    """

    participant_code: str
    answered_on: date
    employment: Employment
    #: Changed job during the reference period (result survey).
    job_changed: bool
    #: The (new) job is more relevant to the participant's field.
    job_more_relevant: bool
    #: Got an internship (praktikplats).
    internship: bool
    #: Started an education relevant to their field.
    relevant_education: bool
    #: Number of job interviews in the survey's reference period.
    interviews: int
    cv_improved: bool
    network_expanded: bool
    got_reference: bool
    visited_workplace: bool
    learned_education: bool
    learned_social_codes: bool
    improved_swedish: bool
    improved_work_swedish: bool
    #: Spreadsheet row the answers were read from (header = 1); 0 when not read from a file.
    row_number: int = field(default=0, compare=False)

    @classmethod
    def from_attributes(cls, source: Any) -> SurveyRow:
        """A row from any object with the survey's attributes, e.g. a stored ``SurveyResponse``.

        Duck-typed, so this module needs no ORM: ``employment`` may be an :class:`Employment`,
        another enum with the same values (the model's) or the plain string.
        """
        values = {name: getattr(source, name) for name in COLUMNS}
        employment = values["employment"]
        values["employment"] = Employment(getattr(employment, "value", employment))
        values["interviews"] = int(values["interviews"])
        values.update({name: bool(values[name]) for name in FLAG_COLUMNS})
        return cls(**values)

    @property
    def small_steps(self) -> int:
        """How many of the eight smaller steps (:data:`SMALL_STEP_COLUMNS`) are 1."""
        return sum(bool(getattr(self, name)) for name in SMALL_STEP_COLUMNS)


@dataclass(frozen=True)
class RowError:
    """A problem in a file: ``row_number`` 0 = the whole file, 1 = the header, ≥ 2 = a data row."""

    row_number: int
    #: The column's name (canonical; for an unknown column as the header has it, lower-cased), or
    #: ``None`` when the problem is not tied to one named column.
    column: str | None
    #: Plain-English message (``template % params``).
    message: str
    #: The untranslated message template (a msgid marked with :func:`N_`).
    template: str = field(default="", compare=False, repr=False)
    #: Values for the template's ``%(name)s`` placeholders. ``expected`` in the empty-value
    #: message is itself a msgid (marked with :func:`N_`), to be translated as well.
    params: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False, hash=False)

    def __str__(self) -> str:
        where = "file" if self.row_number == 0 else f"row {self.row_number}"
        return f"{where}, {self.column}: {self.message}" if self.column else f"{where}: {self.message}"


@dataclass
class SurveyParseResult:
    """The valid rows of a file and every problem found. Import only when :attr:`errors` is empty."""

    rows: list[SurveyRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


# --- messages -----------------------------------------------------------------------------------

MSG_EMPTY_FILE = N_(
    "The file is empty; expected a CSV or XLSX file with a header row and one row per response."
)
MSG_FILE_TOO_LARGE = N_(
    "The file is larger than %(limit_mb)s MB; expected a smaller file (split it into several)."
)
MSG_UNSUPPORTED_TYPE = N_(
    "The file %(filename)s is not a CSV or XLSX file; expected a name ending in .csv or .xlsx."
)
MSG_OLD_XLS = N_(
    "The file %(filename)s is in the old Excel format (.xls); expected .xlsx or CSV UTF-8 "
    "(in Excel: Save As and choose one of those)."
)
MSG_CSV_IS_BINARY = N_(
    "The file %(filename)s is named .csv but contains a workbook or other binary data; "
    "expected CSV text (or name an Excel file .xlsx)."
)
MSG_NOT_UTF8 = N_(
    "The file is not UTF-8 text (invalid byte at position %(position)s); expected CSV saved as "
    "\"CSV UTF-8\"."
)
MSG_CSV_UNREADABLE = N_(
    "The CSV file could not be read near row %(row)s (%(detail)s); expected comma- or "
    "semicolon-separated values."
)
MSG_XLSX_UNREADABLE = N_(
    "The file could not be read as an Excel workbook; expected an .xlsx file saved by Excel or "
    "a compatible program."
)
MSG_XLSX_TOO_LARGE = N_(
    "The workbook unpacks to more than %(limit_mb)s MB; expected a smaller file (split it into "
    "several)."
)
MSG_TOO_MANY_ROWS = N_(
    "The file has more than %(limit)s rows; expected at most %(limit)s responses per file "
    "(split it into several)."
)
MSG_TOO_MANY_ERRORS = N_(
    "Stopped after %(limit)s errors; expected a file in the survey format. Fix these and upload "
    "the file again."
)
MSG_NO_HEADER = N_(
    "The first row is empty; expected a header row with the columns: %(expected)s."
)
MSG_NO_DATA = N_("The file has a header but no responses; expected one row per response.")
MSG_UNKNOWN_COLUMN = N_(
    "Unknown column \"%(column)s\"; expected only the columns: %(expected)s."
)
MSG_MISSING_COLUMN = N_(
    "The required column \"%(column)s\" is missing; expected the columns: %(expected)s."
)
MSG_DUPLICATE_COLUMN = N_(
    "The column \"%(column)s\" appears more than once; expected each column once."
)
MSG_VALUE_WITHOUT_HEADER = N_(
    "Column %(letter)s has a value (\"%(value)s\") but no header; expected values only under "
    "the named columns."
)
MSG_EMPTY_VALUE = N_("The value is empty; expected %(expected)s.")
MSG_BAD_FLAG = N_("\"%(value)s\" is not a valid answer; expected 0 (no) or 1 (yes).")
MSG_BAD_INTERVIEWS = N_(
    "\"%(value)s\" is not a valid number of interviews; expected a whole number from 0 to "
    "%(max)s."
)
MSG_BAD_DATE = N_(
    "\"%(value)s\" is not a valid date; expected a date written as YYYY-MM-DD, e.g. 2026-01-31."
)
MSG_BAD_EMPLOYMENT = N_(
    "\"%(value)s\" is not a valid employment status; expected none, part_time or full_time."
)
MSG_CODE_LENGTH = N_(
    "\"%(value)s\" has %(length)s characters; expected a participant code of %(min)s to "
    "%(max)s characters."
)
MSG_CODE_CHARACTERS = N_(
    "\"%(value)s\" contains %(characters)s, which participant codes do not use; expected digits "
    "0-9 and the letters A-Z."
)
MSG_NOT_A_CODE = N_(
    "\"%(value)s\" is not a participant code; expected 4 to 16 characters: digits 0-9 and the "
    "letters A-Z."
)
MSG_DUPLICATE_CODE = N_(
    "The participant code %(code)s already appears on row %(first_row)s; expected one response "
    "per participant in a file."
)

#: What each column expects, for the "empty value" message.
_EXPECTED: dict[str, str] = {
    "participant_code": N_("the participant's code"),
    "answered_on": N_("a date written as YYYY-MM-DD"),
    "employment": N_("none, part_time or full_time"),
    "interviews": N_("a whole number of interviews"),
    **{name: N_("0 (no) or 1 (yes)") for name in FLAG_COLUMNS},
}


def _error(row_number: int, column: str | None, template: str, /, **params: Any) -> RowError:
    return RowError(row_number, column, template % params, template, params)


class _Invalid(Exception):
    """A cell value is invalid: carries the message template and its parameters."""

    def __init__(self, template: str, /, **params: Any) -> None:
        super().__init__(template)
        self.template = template
        self.params = params


class _FileProblem(Exception):
    """The file as a whole cannot be read; becomes a single row-0 :class:`RowError`."""

    def __init__(self, template: str, /, **params: Any) -> None:
        super().__init__(template)
        self.error = _error(0, None, template, **params)


# --- public entry point ---------------------------------------------------------------------------


def parse_survey_file(data: bytes, filename: str) -> SurveyParseResult:
    """Parse and validate a survey file; never raises on bad input.

    *filename* only decides the format by its extension (``.csv`` or ``.xlsx``, any case).
    Returns every valid row and every problem found; see the module docstring for the rules.
    A row with any error is not among :attr:`SurveyParseResult.rows`. A participant code that
    appears twice is an error on the later row (the earlier row stays valid).
    """
    try:
        table = _read_table(data, filename)
        return _parse_table(table)
    except _FileProblem as problem:
        return SurveyParseResult(rows=[], errors=[problem.error])


# --- reading a file into rows of cells -------------------------------------------------------------

Cell = Any  # str | int | float | bool | date | datetime | time | None
_ZIP_MAGIC = b"PK\x03\x04"


def _read_table(data: bytes, filename: str) -> Iterator[tuple[int, Sequence[Cell]]]:
    """An iterator of ``(row_number, cells)`` over every row of the file, blank rows included.

    Raises :class:`_FileProblem` for problems found before the first row, and the iterator may
    raise it later (e.g. a corrupt part of a workbook).
    """
    if len(data) > MAX_FILE_BYTES:
        raise _FileProblem(MSG_FILE_TOO_LARGE, limit_mb=MAX_FILE_BYTES // (1024 * 1024))
    if not data:
        raise _FileProblem(MSG_EMPTY_FILE)
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension == "csv":
        if data.startswith(_ZIP_MAGIC) or data.startswith(b"\xd0\xcf\x11\xe0"):
            raise _FileProblem(MSG_CSV_IS_BINARY, filename=name)
        return _read_csv(data)
    if extension == "xlsx":
        return _read_xlsx(data)
    if extension == "xls":
        raise _FileProblem(MSG_OLD_XLS, filename=name)
    raise _FileProblem(MSG_UNSUPPORTED_TYPE, filename=name)


def _read_csv(data: bytes) -> Iterator[tuple[int, Sequence[Cell]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _FileProblem(MSG_NOT_UTF8, position=exc.start) from None
    header_line = re.split(r"[\r\n]", text, maxsplit=1)[0]
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"', strict=False)
    return _iterate_csv(reader)


def _iterate_csv(reader: Iterator[list[str]]) -> Iterator[tuple[int, Sequence[Cell]]]:
    row_number = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:  # e.g. a field over csv.field_size_limit()
            raise _FileProblem(MSG_CSV_UNREADABLE, row=row_number + 1, detail=str(exc)) from None
        row_number += 1
        yield row_number, cells[:MAX_COLUMNS]


def _read_xlsx(data: bytes) -> Iterator[tuple[int, Sequence[Cell]]]:
    # Imported here so that CSV-only callers do not pay for openpyxl.
    import openpyxl

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError,
            NotImplementedError, RuntimeError):
        raise _FileProblem(MSG_XLSX_UNREADABLE) from None
    if unpacked > MAX_XLSX_UNCOMPRESSED_BYTES:
        raise _FileProblem(MSG_XLSX_TOO_LARGE, limit_mb=MAX_XLSX_UNCOMPRESSED_BYTES // (1024 * 1024))
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types (KeyError, InvalidFileException, XML errors …)
        raise _FileProblem(MSG_XLSX_UNREADABLE) from None
    return _iterate_xlsx(workbook)


def _iterate_xlsx(workbook: Any) -> Iterator[tuple[int, Sequence[Cell]]]:
    try:
        sheets = workbook.worksheets
        if not sheets or not hasattr(sheets[0], "iter_rows"):
            raise _FileProblem(MSG_XLSX_UNREADABLE)
        rows = sheets[0].iter_rows(max_col=MAX_COLUMNS, values_only=True)
        row_number = 0
        while True:
            try:
                cells = next(rows)
            except StopIteration:
                return
            except Exception:  # malformed sheet XML surfaces only while iterating
                raise _FileProblem(MSG_XLSX_UNREADABLE) from None
            row_number += 1
            yield row_number, cells
    finally:
        workbook.close()


# --- validating the table ----------------------------------------------------------------------------


def _is_blank(cell: Cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _column_letter(index: int) -> str:
    """Spreadsheet letter of a 0-based column index (0 → A, 26 → AA)."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def _show(cell: Cell, limit: int = 40) -> str:
    """A cell value as it can be quoted in a message: trimmed and shortened."""
    text = cell.isoformat() if isinstance(cell, date) else str(cell)
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _parse_header(cells: Sequence[Cell]) -> tuple[list[str | None], list[RowError]]:
    """Map each header position to a canonical column name (``None`` = unnamed)."""
    expected = ", ".join(COLUMNS)
    names: list[str | None] = []
    errors: list[RowError] = []
    seen: set[str] = set()
    for cell in cells:
        if _is_blank(cell):
            names.append(None)
            continue
        name = str(cell).strip().strip("\ufeff").strip().lower()
        names.append(name)
        if name not in COLUMNS:
            errors.append(_error(1, name, MSG_UNKNOWN_COLUMN, column=_show(name), expected=expected))
        elif name in seen:
            errors.append(_error(1, name, MSG_DUPLICATE_COLUMN, column=name))
        seen.add(name)
    for name in COLUMNS:
        if name not in seen:
            errors.append(_error(1, name, MSG_MISSING_COLUMN, column=name, expected=expected))
    return names, errors


def _parse_table(table: Iterator[tuple[int, Sequence[Cell]]]) -> SurveyParseResult:
    result = SurveyParseResult()
    header: list[str | None] | None = None
    first_row_of_code: dict[str, int] = {}
    data_rows = 0
    for row_number, cells in table:
        if row_number > MAX_SCANNED_ROWS:
            raise _FileProblem(MSG_TOO_MANY_ROWS, limit=MAX_ROWS)
        if header is None:
            if all(_is_blank(cell) for cell in cells):
                raise _FileProblem(MSG_NO_HEADER, expected=", ".join(COLUMNS))
            header, header_errors = _parse_header(cells)
            if header_errors:
                return SurveyParseResult(rows=[], errors=header_errors)
            continue
        if all(_is_blank(cell) for cell in cells):
            continue
        data_rows += 1
        if data_rows > MAX_ROWS:
            raise _FileProblem(MSG_TOO_MANY_ROWS, limit=MAX_ROWS)
        row, errors = _parse_row(row_number, header, cells)
        code = _code_of(row, cells, header)
        if code is not None:
            # Also for rows with other errors: the duplicate is reported on the later row.
            first = first_row_of_code.setdefault(code, row_number)
            if first != row_number:
                errors.insert(
                    0,
                    _error(row_number, "participant_code", MSG_DUPLICATE_CODE,
                           code=code, first_row=first),
                )
        if errors:
            result.errors.extend(errors)
            if len(result.errors) > MAX_ERRORS:
                del result.errors[MAX_ERRORS:]
                result.errors.append(_error(0, None, MSG_TOO_MANY_ERRORS, limit=MAX_ERRORS))
                return result
        elif row is not None:
            result.rows.append(row)
    if header is None:
        raise _FileProblem(MSG_EMPTY_FILE)
    if data_rows == 0:
        raise _FileProblem(MSG_NO_DATA)
    return result


def _code_of(row: SurveyRow | None, cells: Sequence[Cell], header: list[str | None]) -> str | None:
    """The row's valid participant code, also when other cells of the row are invalid."""
    if row is not None:
        return row.participant_code
    position = header.index("participant_code")
    try:
        return _to_code(cells[position] if position < len(cells) else None)
    except _Invalid:
        return None


def _parse_row(
    row_number: int, header: list[str | None], cells: Sequence[Cell]
) -> tuple[SurveyRow | None, list[RowError]]:
    values: dict[str, Any] = {}
    errors: list[RowError] = []
    for position in range(max(len(header), len(cells))):
        cell = cells[position] if position < len(cells) else None
        name = header[position] if position < len(header) else None
        if name is None:
            if not _is_blank(cell):
                errors.append(
                    _error(row_number, None, MSG_VALUE_WITHOUT_HEADER,
                           letter=_column_letter(position), value=_show(cell))
                )
            continue
        if _is_blank(cell):
            errors.append(_error(row_number, name, MSG_EMPTY_VALUE, expected=_EXPECTED[name]))
            continue
        try:
            values[name] = _CONVERTERS[name](cell)
        except _Invalid as invalid:
            errors.append(_error(row_number, name, invalid.template, **invalid.params))
    if errors:
        return None, errors
    return SurveyRow(**values, row_number=row_number), []


# --- cell converters -----------------------------------------------------------------------------------


#: Whitespace (also non-breaking) and the dashes and minus sign that word processors and Excel's
#: autocorrect put in place of ``-``: removed before the project-wide normalisation.
_SEPARATORS = re.compile(r"[\s\-\u2010\u2011\u2012\u2013\u2014\u2212]+")


def _to_code(cell: Cell) -> str:
    if _is_blank(cell):
        raise _Invalid(MSG_EMPTY_VALUE, expected=_EXPECTED["participant_code"])
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    if isinstance(cell, bool) or not isinstance(cell, (str, int)) or (
        isinstance(cell, int) and cell < 0
    ):
        raise _Invalid(MSG_NOT_A_CODE, value=_show(cell))
    # An int is an all-digit code that Excel stored as a number.
    text = _SEPARATORS.sub("", str(cell))
    # Non-ASCII is rejected before upper-casing: "ß".upper() is "SS", a valid pair.
    bad = {char for char in text if not char.isascii()}
    code = text if bad else normalise_participant_code(text)
    bad.update(char for char in code if char not in CODE_ALPHABET)
    if bad:
        shown = ", ".join(repr(char) for char in sorted(bad)[:5])
        raise _Invalid(MSG_CODE_CHARACTERS, value=_show(cell), characters=shown)
    if not CODE_MIN_LENGTH <= len(code) <= CODE_MAX_LENGTH:
        raise _Invalid(MSG_CODE_LENGTH, value=_show(code), length=len(code),
                       min=CODE_MIN_LENGTH, max=CODE_MAX_LENGTH)
    return code


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _to_date(cell: Cell) -> date:
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    if isinstance(cell, str) and _ISO_DATE.fullmatch(cell.strip()):
        try:
            return date.fromisoformat(cell.strip())
        except ValueError:
            pass
    raise _Invalid(MSG_BAD_DATE, value=_show(cell))


def _to_employment(cell: Cell) -> Employment:
    if isinstance(cell, str):
        key = re.sub(r"[\s\-]+", "_", cell.strip().lower())
        try:
            return Employment(key)
        except ValueError:
            pass
    raise _Invalid(MSG_BAD_EMPLOYMENT, value=_show(cell))


def _to_flag(cell: Cell) -> bool:
    if isinstance(cell, bool):
        return cell
    if isinstance(cell, (int, float)) and cell in (0, 1):
        return bool(cell)
    if isinstance(cell, str) and cell.strip() in ("0", "1"):
        return cell.strip() == "1"
    raise _Invalid(MSG_BAD_FLAG, value=_show(cell))


def _to_interviews(cell: Cell) -> int:
    number: int | None = None
    if isinstance(cell, bool):
        number = None
    elif isinstance(cell, int):
        number = cell
    elif isinstance(cell, float) and cell.is_integer():
        number = int(cell)
    elif isinstance(cell, str) and re.fullmatch(r"[0-9]{1,7}", cell.strip()):
        number = int(cell.strip())
    if number is None or not 0 <= number <= MAX_INTERVIEWS:
        raise _Invalid(MSG_BAD_INTERVIEWS, value=_show(cell), max=MAX_INTERVIEWS)
    return number


_CONVERTERS: dict[str, Any] = {
    "participant_code": _to_code,
    "answered_on": _to_date,
    "employment": _to_employment,
    "interviews": _to_interviews,
    **{name: _to_flag for name in FLAG_COLUMNS},
}
