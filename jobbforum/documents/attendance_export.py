"""Writers for the attendance export: streaming CSV, typed XLSX and a Frictionless data package.

The rows come from :func:`jobbforum.services.attendance.attendance_rows` (pseudonymous, no personal
data). Every text cell passes through :func:`jobbforum.documents.exports.safe_cell`, the project's
single place that makes a value inert for spreadsheets (formula injection), through the
project's one CSV and one XLSX writer.

CSV: UTF-8 without byte-order mark (R's ``read.csv`` and Frictionless read it as is), comma,
``\\r\\n`` line ends, a header row, booleans ``1``/``0``, not-applicable cells empty.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO, Any

from jobbforum.documents import exports
from jobbforum.services.attendance import ATTENDANCE_COLUMNS


def write_csv(rows: Iterable[Sequence[Any]], out: IO[str],
              columns: Sequence[str] = ATTENDANCE_COLUMNS) -> int:
    """Stream *rows* as CSV (no byte-order mark) into *out* (open it with ``newline=""``);
    returns the number of data rows written."""
    return exports.write_csv(columns, rows, out, bom=False)


def write_xlsx(rows: Iterable[Sequence[Any]], out: IO[bytes] | str | Path,
               columns: Sequence[str] = ATTENDANCE_COLUMNS, title: str = "attendance") -> int:
    """Stream an XLSX workbook with typed cells (counts and booleans as numbers, text as text,
    not-applicable cells empty); returns the number of data rows."""
    return exports.write_xlsx(columns, rows, out, title=title)


#: Codebook: (type, English description, Swedish description, constraints) per column.
_BOOLEAN = {"enum": [0, 1]}
CODEBOOK: dict[str, tuple[str, str, str, dict[str, Any]]] = {
    "participant_code": (
        "string", "Pseudonymous participant code; links to the baseline and result surveys.",
        "Pseudonym deltagarkod; kopplar till baslinje- och resultatenkäten.",
        {"required": True, "unique": True, "pattern": "[0-9A-Z]{4,16}"}),
    "round": ("string", "Programme round (slug); empty for visitors without a round.",
              "Programomgång (kortnamn); tom för besökare utan omgång.", {}),
    "county": ("string", "County of the programme round.", "Omgångens län.",
               {"enum": ["stockholm", "uppsala", "other", ""]}),
    "role": ("string", "Role in the programme.", "Roll i programmet.",
             {"required": True, "enum": ["participant", "mentor", "visitor"]}),
    "gender": ("string", "Gender as the person gave it; empty when not given.",
               "Kön som personen angav; tomt om det inte angavs.",
               {"enum": ["woman", "man", "other", "undisclosed", ""]}),
    "jobbforum_registered": (
        "integer", "1 = had a confirmed registration for a Jobbforum, 0 = not.",
        "1 = hade en bekräftad anmälan till ett Jobbforum, 0 = inte.", _BOOLEAN),
    "jobbforum_attended": (
        "integer", "1 = checked in at the entrance of a Jobbforum, 0 = not.",
        "1 = incheckad vid entrén till ett Jobbforum, 0 = inte.", _BOOLEAN),
    "kickoff_attended": (
        "integer", "1 = attended a kick-off meeting, 0 = not; empty for visitors.",
        "1 = deltog i en uppstartsträff, 0 = inte; tomt för besökare.", _BOOLEAN),
    "interview_workshop_attended": (
        "integer", "1 = attended the job-interview workshop, 0 = not; participants only.",
        "1 = deltog i workshoppen om anställningsintervjuer, 0 = inte; bara deltagare.",
        _BOOLEAN),
    "networking_workshop_attended": (
        "integer", "1 = attended the networking and LinkedIn workshop, 0 = not; participants only.",
        "1 = deltog i workshoppen om nätverkande och LinkedIn, 0 = inte; bara deltagare.",
        _BOOLEAN),
    "mentor_training_attended": (
        "integer", "1 = attended the mentor training, 0 = not; mentors only.",
        "1 = deltog i mentorsutbildningen, 0 = inte; bara mentorer.", _BOOLEAN),
    "sessions_attended": (
        "integer", "Number of group meetings and workshop sessions attended.",
        "Antal gruppträffar och workshoppass personen deltog i.", {"minimum": 0}),
    "booth_visits": ("integer", "Number of exhibitor booths visited at Jobbforum.",
                     "Antal utställarmontrar personen besökte på Jobbforum.", {"minimum": 0}),
}


def table_schema() -> dict[str, Any]:
    """The Frictionless Table Schema of the attendance CSV (the codebook)."""
    fields = []
    for name in ATTENDANCE_COLUMNS:
        kind, english, swedish, constraints = CODEBOOK[name]
        field: dict[str, Any] = {"name": name, "type": kind, "description": english,
                                 "description_sv": swedish}
        if constraints:
            field["constraints"] = dict(constraints)
        fields.append(field)
    return {"fields": fields, "primaryKey": ["participant_code"], "missingValues": [""]}


def write_datapackage(rows: Iterable[Sequence[Any]], directory: Path,
                      csv_name: str = "attendance.csv") -> int:
    """Write *directory*/``attendance.csv`` and ``datapackage.json``; returns the row count."""
    directory.mkdir(parents=True, exist_ok=True)
    with (directory / csv_name).open("w", encoding="utf-8", newline="") as out:
        count = write_csv(rows, out)
    package = {
        "name": "jobbforum-attendance",
        "title": "Jobbforum attendance per participant and programme round",
        "description": (
            "Pseudonymous attendance at Jobbforum, the kick-off, the workshops and the mentor "
            "training, one row per person, keyed by participant_code (no names, emails or phone "
            "numbers). Join with the baseline and result surveys on participant_code. "
            "Svenska: pseudonym närvaro per person, nyckel participant_code."),
        "resources": [{
            "name": "attendance",
            "path": csv_name,
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "dialect": {"delimiter": ",", "header": True},
            "schema": table_schema(),
        }],
    }
    (directory / "datapackage.json").write_text(
        json.dumps(package, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return count
