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
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

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


def csv_bytes(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """A UTF-8 CSV (with a byte-order mark, so Excel reads å, ä, ö) of ``columns`` and ``rows``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([_cell(c) for c in columns])
    for row in rows:
        writer.writerow([v.isoformat() if isinstance(v, date | datetime) else v
                         for v in (_cell(v) for v in row)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(columns: Sequence[str], rows: Iterable[Sequence[Any]], *, title: str = "Export") -> bytes:
    """An XLSX workbook with one sheet ``title``: a bold header row, then ``rows``."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=ILLEGAL_CHARACTERS_RE.sub("", title)[:31] or "Export")
    bold = Font(bold=True)

    def cells(values: Iterable[Any], font: Font | None = None) -> list[WriteOnlyCell]:
        out = []
        for value in values:
            value = _cell(value)
            if isinstance(value, datetime) and value.tzinfo is not None:
                value = value.replace(tzinfo=None)  # Excel has no time zones
            if isinstance(value, str):
                value = ILLEGAL_CHARACTERS_RE.sub("", value)
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever the text
            if font is not None:
                cell.font = font
            out.append(cell)
        return out

    sheet.append(cells(columns, bold))
    for row in rows:
        sheet.append(cells(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
