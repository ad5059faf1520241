"""Import baseline and result survey files into :class:`SurveyResponse` rows.

Guarantees:

* **All or nothing.** Every row is validated (:func:`surveys_parse.parse_survey_file`, plus: the
  participant code must belong to a person — unknown codes are reported, never invented). If any
  row has an error, nothing changes and every error is reported.
* **Idempotent.** One response per participant and kind (also a unique constraint). Importing
  the same file again changes nothing.
* **Replacing needs confirmation.** A row whose answers differ from the stored response would
  replace it; :func:`import_survey` refuses that (:class:`ReplaceNeedsConfirmation`) unless called
  with ``replace=True``. :func:`preview_import` shows what an import would do, changing nothing.
* Every import that changes something is audited with the counts (never the answers).
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from jobbforum.extensions import db
from jobbforum.models import Employment, Person, StaffUser, SurveyKind, SurveyResponse, utcnow
from jobbforum.services import audit
from jobbforum.services.errors import DomainError, NotFound
from jobbforum.services.surveys_parse import (
    COLUMNS,
    N_,
    RowError,
    SurveyRow,
    parse_survey_file,
)

MSG_UNKNOWN_CODE = N_(
    "The participant code %(code)s does not belong to anyone in the programme; expected the code "
    "of a registered participant (codes are never created by an import)."
)


@dataclass
class ImportPreview:
    """What importing a file would do. ``errors`` non-empty: the import would change nothing."""

    kind: SurveyKind
    rows: list[SurveyRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    #: Codes without a stored response of this kind.
    new: list[str] = field(default_factory=list)
    #: Codes whose stored response has the same answers.
    unchanged: list[str] = field(default_factory=list)
    #: Codes whose stored response differs (replaced only with confirmation).
    changed: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> dict[str, int]:
        return {"rows": len(self.rows), "errors": len(self.errors), "new": len(self.new),
                "unchanged": len(self.unchanged), "changed": len(self.changed)}


class SurveyImportError(DomainError):
    """The survey file has errors; nothing was imported."""

    code = "invalid_survey"
    http_status = 400
    message = N_("The survey file has errors; nothing was imported.")

    def __init__(self, preview: ImportPreview) -> None:
        super().__init__(N_("%(count)s error(s) in the file; nothing was imported."),
                         count=len(preview.errors))
        self.preview = preview


class ReplaceNeedsConfirmation(DomainError):
    """The file would replace stored responses; confirm to replace them."""

    code = "replace_needs_confirmation"
    http_status = 409
    message = N_("The file would replace stored responses; confirm to replace them.")

    def __init__(self, preview: ImportPreview) -> None:
        super().__init__(N_("%(count)s stored response(s) would be replaced; confirm to replace them."),
                         count=len(preview.changed))
        self.preview = preview


def _answers(row: SurveyRow) -> dict[str, object]:
    values: dict[str, object] = {name: getattr(row, name) for name in COLUMNS}
    values["employment"] = Employment(row.employment.value)
    return values


def _stored_answers(response: SurveyResponse) -> dict[str, object]:
    return _answers(SurveyRow.from_attributes(response))


def preview_import(data: bytes, filename: str, kind: SurveyKind) -> ImportPreview:
    """Validate *data* and compare it with the stored responses of *kind*; changes nothing."""
    parsed = parse_survey_file(data, filename)
    preview = ImportPreview(kind=kind, errors=list(parsed.errors))
    codes = [row.participant_code for row in parsed.rows]
    known = _existing(sa.select(Person.participant_code), Person.participant_code, codes)
    stored = {r.participant_code: r for r in _existing(
        sa.select(SurveyResponse).where(SurveyResponse.kind == kind),
        SurveyResponse.participant_code, codes)}
    for row in parsed.rows:
        code = row.participant_code
        if code not in known:
            preview.errors.append(RowError(row.row_number, "participant_code",
                                           MSG_UNKNOWN_CODE % {"code": code}, MSG_UNKNOWN_CODE,
                                           {"code": code}))
            continue
        preview.rows.append(row)
        if code not in stored:
            preview.new.append(code)
        elif _stored_answers(stored[code]) == _answers(row):
            preview.unchanged.append(code)
        else:
            preview.changed.append(code)
    preview.errors.sort(key=lambda e: (e.row_number, COLUMNS.index(e.column)
                                       if e.column in COLUMNS else len(COLUMNS)))
    return preview


def _existing(query: sa.Select, column: sa.ColumnElement, codes: list[str]) -> list:
    """Rows of *query* whose *column* is one of *codes* (in chunks: bounded IN lists)."""
    found: list = []
    for start in range(0, len(codes), 1000):
        found.extend(db.session.scalars(query.where(column.in_(codes[start:start + 1000]))))
    return found


def import_survey(data: bytes, filename: str, kind: SurveyKind, *, replace: bool = False,
                  actor: StaffUser | None = None, actor_label: str = "") -> ImportPreview:
    """Import the file (see the module docstring for the guarantees); returns what was done.

    Raises :class:`SurveyImportError` when any row is invalid and :class:`ReplaceNeedsConfirmation`
    when stored responses differ and *replace* is false; in both cases nothing changed.
    """
    preview = preview_import(data, filename, kind)
    if not preview.ok:
        raise SurveyImportError(preview)
    if preview.changed and not replace:
        raise ReplaceNeedsConfirmation(preview)
    rows = {row.participant_code: row for row in preview.rows}
    now = utcnow()
    for code in preview.new:
        db.session.add(SurveyResponse(kind=kind, imported_at=now, **_answers(rows[code])))
    if preview.changed:
        stored = _existing(sa.select(SurveyResponse).where(SurveyResponse.kind == kind),
                           SurveyResponse.participant_code, preview.changed)
        for response in stored:
            for name, value in _answers(rows[response.participant_code]).items():
                setattr(response, name, value)
            response.imported_at = now
    db.session.flush()
    if preview.new or preview.changed:
        audit.record("survey.imported", actor=actor, actor_label=actor_label,
                     details={"kind": kind.value, "filename": filename[-120:],
                              **preview.summary()})
    return preview


def responses_by_code(codes: Iterable[str] | None = None) -> dict[str, dict[SurveyKind, SurveyRow]]:
    """Stored responses as :class:`SurveyRow` objects: ``{code: {kind: row}}`` (one query)."""
    query = sa.select(SurveyResponse)
    found: dict[str, dict[SurveyKind, SurveyRow]] = {}
    for response in db.session.scalars(query):
        found.setdefault(response.participant_code, {})[response.kind] = (
            SurveyRow.from_attributes(response))
    if codes is not None:
        wanted = set(codes)
        found = {code: value for code, value in found.items() if code in wanted}
    return found


# --- staged uploads: preview first, import on confirmation --------------------------------------

#: Staged files older than this are deleted when another file is staged.
STAGED_MAX_AGE_SECONDS = 3600
_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,40}$")


def stage_upload(data: bytes, filename: str, directory: Path) -> str:
    """Keep an uploaded file until the coordinator confirms the import; returns its token.

    The token is random (the file name is never used as a path); only the extension is kept, as
    the parser needs it. Old staged files are removed.
    """
    directory.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - STAGED_MAX_AGE_SECONDS
    for old in directory.glob("*.upload"):
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    token = secrets.token_urlsafe(18)
    (directory / f"{token}.{extension if extension in ('csv', 'xlsx') else 'bin'}.upload"
     ).write_bytes(data)
    return token


def load_staged(token: str, directory: Path) -> tuple[bytes, str]:
    """The staged file's bytes and a file name with its extension; :class:`NotFound` if gone."""
    if _TOKEN_RE.match(token or ""):
        for path in directory.glob(f"{token}.*.upload"):
            return path.read_bytes(), path.name.removesuffix(".upload")
    raise NotFound(N_("The uploaded file is no longer available; upload it again."))


def discard_staged(token: str, directory: Path) -> None:
    if _TOKEN_RE.match(token or ""):
        for path in directory.glob(f"{token}.*.upload"):
            path.unlink(missing_ok=True)
