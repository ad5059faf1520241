"""Roster import: register a programme's people for an event from a CSV or XLSX file.

Columns (a header row; Swedish headers work too): ``name, email, phone, round, participant_code,
role``. Every row is checked first; the result is a report with one line per row (what would
happen, or what is wrong). Nothing is written while any row is bad, and a dry run never writes.

Matching follows sign-up: a row with a ``participant_code`` is that person (a code not yet in the
database creates the person with it: codes from existing surveys are kept); without a code, the
email (or, without an email, the phone number) finds an existing person; otherwise a new
person gets a new code.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _

from jobbforum.extensions import db
from jobbforum.models import (
    Event,
    Person,
    ProgrammeRound,
    Registration,
    RegistrationStatus,
    Role,
    StaffUser,
)
from jobbforum.services import audit, registrations
from jobbforum.services.errors import DomainError, InvalidInput, N_

COLUMNS = ("name", "email", "phone", "round", "participant_code", "role")
#: Header spellings accepted for each column (lower-cased, spaces and hyphens as underscores).
HEADER_ALIASES = {
    "name": {"name", "namn", "full_name"},
    "email": {"email", "e_mail", "e_post", "epost", "mail"},
    "phone": {"phone", "mobile", "telefon", "mobil", "mobilnummer", "telefonnummer"},
    "round": {"round", "omgång", "omgang", "programme_round"},
    "participant_code": {"participant_code", "code", "deltagarkod", "kod"},
    "role": {"role", "roll"},
}
ROLE_ALIASES = {
    "participant": Role.participant, "deltagare": Role.participant,
    "mentor": Role.mentor,
    "visitor": Role.visitor, "besökare": Role.visitor, "besokare": Role.visitor,
}
MAX_ROWS = 5000
COLUMN_LABELS = {
    "email": lambda: _("email"),
    "phone": lambda: _("phone number"),
    "participant_code": lambda: _("participant code"),
}


class RosterUnreadable(DomainError):
    """The file could not be read. Upload a CSV file (UTF-8) or an Excel file (.xlsx)."""

    code = "roster_unreadable"
    message = N_("The file could not be read. Upload a CSV file (UTF-8) or an Excel file (.xlsx).")


class RosterInvalid(DomainError):
    """Some rows are not valid; nothing was imported."""

    code = "roster_invalid"
    message = N_("Some rows are not valid; nothing was imported.")

    def __init__(self, report: RosterReport) -> None:
        super().__init__(report=report)
        self.report = report


@dataclass
class RosterRow:
    #: Line in the file (the header is line 1).
    line: int
    values: dict[str, str]
    #: ``new`` (new person), ``existing`` (known person), ``registered`` (already registered:
    #: left as it is); empty while the row has errors.
    action: str = ""
    errors: list[str] = field(default_factory=list)
    person: Person | None = None
    #: Set by the import for the rows it registered.
    registration: Registration | None = None
    round: ProgrammeRound | None = None
    role: Role = Role.participant
    email: str = ""
    phone: str = ""
    code: str = ""


@dataclass
class RosterReport:
    rows: list[RosterRow]
    #: Problems with the file as a whole (missing columns, no rows).
    file_errors: list[str] = field(default_factory=list)
    imported: bool = False

    @property
    def ok(self) -> bool:
        return not self.file_errors and not any(row.errors for row in self.rows)

    @property
    def bad_rows(self) -> list[RosterRow]:
        return [row for row in self.rows if row.errors]

    @property
    def registered(self) -> list[Registration]:
        """The registrations this import created (after a real import)."""
        return [row.registration for row in self.rows if row.registration is not None]

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action and not row.errors)


# --------------------------------------------------------------------------- reading


def _header_key(text: str) -> str | None:
    key = str(text or "").strip().lower().replace(" ", "_").replace("-", "_")
    return next((column for column, names in HEADER_ALIASES.items() if key in names), None)


def read_table(filename: str, content: bytes) -> list[list[str]]:
    """All rows of a CSV (``,`` or ``;``, UTF-8 with or without BOM) or XLSX file, as text."""
    if filename.lower().endswith(".xlsx"):
        return _read_xlsx(content)
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RosterUnreadable() from None
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel  # type: ignore[assignment]
    return [row for row in csv.reader(io.StringIO(text), dialect)]


def _read_xlsx(content: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds for a bad file
        raise RosterUnreadable() from None
    sheet = workbook.worksheets[0]
    rows = [["" if value is None else str(value) for value in row]
            for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    return rows


# --------------------------------------------------------------------------- checking


def check(event: Event, filename: str, content: bytes) -> RosterReport:
    """Read and check every row against the file and the database; writes nothing."""
    table = [row for row in read_table(filename, content) if any(cell.strip() for cell in row)]
    if not table:
        return RosterReport(rows=[], file_errors=[_("The file is empty.")])
    header = [_header_key(cell) for cell in table[0]]
    missing = [c for c in ("name",) if c not in header]
    report = RosterReport(rows=[])
    if missing or not ({"email", "phone"} & set(header)):
        report.file_errors.append(
            _("The first row must name the columns: name, email, phone, round, participant_code, "
              "role (name and email or phone are required)."))
        return report
    if len(table) - 1 > MAX_ROWS:
        report.file_errors.append(_("At most %(n)s rows can be imported at a time.", n=MAX_ROWS))
        return report
    rounds = {r.slug.lower(): r for r in db.session.scalars(sa.select(ProgrammeRound))}
    rounds.update({r.name.lower(): r for r in rounds.values()})
    event_round_ids = {r.id for r in event.rounds}
    seen: dict[tuple[str, str], int] = {}
    for number, cells in enumerate(table[1:], start=2):
        values = {column: "" for column in COLUMNS}
        for column, cell in zip(header, cells, strict=False):
            if column:
                values[column] = cell.strip()
        row = RosterRow(line=number, values=values)
        _check_row(row, rounds, event_round_ids)
        for key in (("email", row.email), ("phone", row.phone), ("participant_code", row.code)):
            if key[1]:
                if key in seen:
                    row.errors.append(_("The same %(column)s as on line %(line)s.",
                                        column=COLUMN_LABELS[key[0]](), line=seen[key]))
                else:
                    seen[key] = number
        if not row.errors:
            _match(row, event)
        report.rows.append(row)
    if not report.rows:
        report.file_errors.append(_("The file has no rows under the header."))
    return report


def _check_row(row: RosterRow, rounds: dict[str, ProgrammeRound], event_round_ids: set[int]) -> None:
    values = row.values
    if not values["name"]:
        row.errors.append(_("The name is missing."))
    elif len(values["name"]) > 200:
        row.errors.append(_("The name is longer than 200 characters."))
    for column, normalise in (("email", registrations.normalise_email),
                              ("phone", registrations.normalise_phone),
                              ("participant_code", registrations.normalise_imported_code)):
        if values[column]:
            try:
                normalised = normalise(values[column])
            except InvalidInput as error:
                row.errors.append(f"{error.text()} ({values[column]})")
            else:
                setattr(row, "code" if column == "participant_code" else column, normalised)
    if not values["email"] and not values["phone"]:
        row.errors.append(_("Give an email or a phone number (at least one)."))
    role = ROLE_ALIASES.get(values["role"].lower()) if values["role"] else Role.participant
    if role is None:
        row.errors.append(_("Unknown role %(role)s: use participant, mentor or visitor.",
                             role=values["role"]))
    else:
        row.role = role
    if values["round"]:
        found = rounds.get(values["round"].lower())
        if found is None:
            row.errors.append(_("Unknown programme round %(round)s.", round=values["round"]))
        elif event_round_ids and found.id not in event_round_ids:
            row.errors.append(_("The round %(round)s is not invited to this event.",
                               round=values["round"]))
        row.round = found


def _match(row: RosterRow, event: Event) -> None:
    by_code = registrations.find_person_by_code(row.code) if row.code else None
    by_email = registrations.find_person_by_email(row.email) if row.email else None
    if by_email is None and not row.email and row.phone:
        by_email = registrations.find_person_by_phone(row.phone)
    if by_code and by_email and by_code.id != by_email.id:
        row.errors.append(_("The email belongs to another person (participant code %(code)s).",
                            code=by_email.participant_code))
        return
    if row.code and not by_code and by_email and by_email.participant_code != row.code:
        row.errors.append(_("This email belongs to participant %(other)s, not %(code)s.",
                            other=by_email.participant_code, code=row.code))
        return
    person = by_code or by_email
    row.person = person
    if person is None:
        row.action = "new"
        return
    registration = db.session.scalar(sa.select(Registration).where(
        Registration.event_id == event.id, Registration.person_id == person.id))
    if registration is not None and registration.status is not RegistrationStatus.cancelled:
        row.action = "registered"
    else:
        row.action = "existing"


# --------------------------------------------------------------------------- importing


def import_roster(event: Event, filename: str, content: bytes, *, actor: StaffUser | None,
                  actor_label: str = "", dry_run: bool = False) -> RosterReport:
    """Check the file and, unless ``dry_run``, register every row (confirmed, with a ticket).

    All or nothing: raises :class:`RosterInvalid` (with the report) and writes nothing if any
    row is bad. People already registered are left as they are. Audited with the counts.
    """
    report = check(event, filename, content)
    if not report.ok:
        raise RosterInvalid(report)
    if dry_run:
        return report
    for row in report.rows:
        if row.action == "registered":
            continue
        person = row.person
        if person is None:
            person = Person(participant_code=row.code or registrations.unique_participant_code(),
                            name=row.values["name"], email=row.email or None,
                            phone=row.phone or None, round=row.round)
            db.session.add(person)
            db.session.flush()
            row.person = person
        else:
            # Staff data is authoritative for the fields the file gives.
            person.name = row.values["name"]
            person.email = row.email or person.email
            person.phone = row.phone or person.phone
            person.round = row.round or person.round
        row.registration = registrations.register_person(event, person, row.role, actor=actor,
                                                         actor_label=actor_label)
    report.imported = True
    audit.record("roster.imported", actor=actor, actor_label=actor_label, event_id=event.id,
                 details={"file": filename, "new": report.count("new"),
                          "existing": report.count("existing"),
                          "already_registered": report.count("registered")})
    return report
