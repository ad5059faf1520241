"""Tabular exports: the one CSV writer and the one XLSX writer of the project.

Both are safe against formula injection (CSV/spreadsheet injection, OWASP): a text cell that a
spreadsheet would read as a formula (it starts with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return) is prefixed with an apostrophe, and XLSX cells are written as explicit text.
Numbers, dates and booleans are written as themselves.

Usage: ``csv_bytes(["Name", "Booth"], rows)`` or ``xlsx_bytes(["Name", "Booth"], rows, title="Exhibitors")``.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

#: First characters that make a spreadsheet evaluate a cell.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "|")


def safe_text(value: str) -> str:
    """``value`` made inert for spreadsheets (prefixed with ``'`` if it could start a formula)."""
    if value and (value.startswith(FORMULA_TRIGGERS) or value.lstrip().startswith(FORMULA_TRIGGERS[:4])):
        return "'" + value
    return value


def safe_cell(value: Any) -> Any:
    """A cell value no spreadsheet evaluates: text that could start a formula gets a ``'``.

    ``None`` stays ``None`` (writers make it an empty cell); numbers, booleans, dates stay typed;
    enums become their stored value; lists become comma-separated text.
    """
    if value is None or isinstance(value, bool | int | float | date | datetime):
        return value
    if isinstance(value, list | tuple | set):
        value = ", ".join(str(getattr(v, "value", v)) for v in value)
    return safe_text(str(getattr(value, "value", value)))


def _cell(value: Any) -> Any:
    return "" if value is None else safe_cell(value)


def _csv_value(value: Any) -> Any:
    value = _cell(value)
    return value.isoformat() if isinstance(value, date | datetime) else value


def write_csv(columns: Sequence[str], rows: Iterable[Sequence[Any]], out: IO[str], *,
              bom: bool = False) -> int:
    """Stream a CSV (comma, ``\\r\\n``, a header row; ``None`` → empty) into the text stream
    ``out`` (open files with ``newline=""``). ``bom`` adds a byte-order mark so that Excel reads
    å, ä, ö; leave it off for R and Frictionless. Returns the number of data rows."""
    if bom:
        out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([_cell(c) for c in columns])
    count = 0
    for row in rows:
        writer.writerow([_csv_value(v) for v in row])
        count += 1
    return count


def csv_bytes(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """A UTF-8 CSV with a byte-order mark (for Excel) of ``columns`` and ``rows``."""
    buffer = io.StringIO()
    write_csv(columns, rows, buffer, bom=True)
    return buffer.getvalue().encode("utf-8")


def write_xlsx(columns: Sequence[str], rows: Iterable[Sequence[Any]], out: IO[bytes] | str | Path,
               *, title: str = "Export") -> int:
    """Stream an XLSX workbook into ``out`` (a path or a binary stream): one sheet ``title``, a
    bold header row, then ``rows`` with typed cells — numbers as numbers, booleans as booleans,
    dates as dates, text always as text (never a formula), ``None`` as an empty cell.

    XlsxWriter in constant-memory mode: rows are written as they come, so memory stays flat
    however many rows there are. Returns the number of data rows.
    """
    import xlsxwriter

    workbook = xlsxwriter.Workbook(out, {"constant_memory": True, "strings_to_formulas": False,
                                         "strings_to_urls": False, "strings_to_numbers": False})
    sheet = workbook.add_worksheet(_sheet_title(title))
    bold = workbook.add_format({"bold": True})
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    datetime_format = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    for col, name in enumerate(columns):
        sheet.write_string(0, col, _xlsx_text(str(name)), bold)
    count = 0
    for count, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            value = safe_cell(value)
            if value is None:
                continue
            if isinstance(value, bool):
                sheet.write_boolean(count, col, value)
            elif isinstance(value, int | float):
                sheet.write_number(count, col, value)
            elif isinstance(value, datetime):
                # Excel has no time zones: write the wall-clock time as stored.
                sheet.write_datetime(count, col, value.replace(tzinfo=None), datetime_format)
            elif isinstance(value, date):
                sheet.write_datetime(count, col, datetime.combine(value, datetime.min.time()),
                                     date_format)
            else:
                sheet.write_string(count, col, _xlsx_text(value))
    workbook.close()
    return count


def xlsx_bytes(columns: Sequence[str], rows: Iterable[Sequence[Any]], *, title: str = "Export") -> bytes:
    """:func:`write_xlsx` into memory."""
    buffer = io.BytesIO()
    write_xlsx(columns, rows, buffer, title=title)
    return buffer.getvalue()


_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _xlsx_text(text: str) -> str:
    """Text without the control characters XML cannot hold, within Excel's cell limit."""
    return _ILLEGAL_XML.sub("", text)[:32767]


def _sheet_title(title: str) -> str:
    cleaned = re.sub(r"[\[\]:*?/\\]", "", _ILLEGAL_XML.sub("", title))[:31].strip("'")
    return cleaned or "Export"
