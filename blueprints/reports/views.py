"""Coordinators' reports.

URLs (all under /reports, coordinators and admins):
    /                               overview of the reports
    /attendance                     attendance export form → CSV or XLSX download (POST)
    /surveys                        survey upload (GET form, POST preview with every row error)
    /surveys/confirm                import a previewed file (POST)
    /indicators                     indicator table and charts (GET filters)
    /indicators/download/<fmt>      the same table as CSV or JSON (POST)
    /people                         find a person by participant code (GET)
    /people/<code>/access-export    the person's data as JSON (POST)
    /people/<code>/erase            erase the person (POST)
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user

from blueprints.helpers import apply_domain_error, coordinator_required
from blueprints.reports import bp
from blueprints.reports.charts import build_charts, group_label
from blueprints.reports.forms import (
    BY_LABELS,
    ActionForm,
    AttendanceExportForm,
    EraseForm,
    IndicatorFilterForm,
    PersonLookupForm,
    SurveyConfirmForm,
    SurveyUploadForm,
)
from jobbforum.documents import attendance_export
from jobbforum.documents.indicator_export import indicators_csv, indicators_json
from jobbforum.extensions import db
from jobbforum.models import SurveyKind
from jobbforum.services import events, privacy, surveys
from jobbforum.services.attendance import attendance_rows
from jobbforum.services.errors import DomainError
from jobbforum.services.indicator_data import indicator_table, record_export
from jobbforum.services.indicators import GOALS, INDICATOR_COLUMNS
from jobbforum.services.surveys_parse import MSG_EMPTY_VALUE

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _staging() -> Path:
    return Path(current_app.instance_path) / "survey-uploads"


def _round_choices() -> list[tuple[str, str]]:
    return [(r.slug, f"{r.name} ({r.slug})") for r in events.list_rounds()]


def _row_error_text(error: Any) -> str:
    """A parser or import error in the user's language (its ``expected`` is a msgid too)."""
    if not error.template:
        return str(error.message)
    params = dict(error.params)
    if "expected" in params and error.template == MSG_EMPTY_VALUE:
        params["expected"] = _(params["expected"])
    return _(error.template, **params)


def _download(data: bytes, name: str, mimetype: str) -> Any:
    return send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=name)


@bp.get("/")
@coordinator_required
def index() -> str:
    return render_template("reports/index.html")


@bp.route("/attendance", methods=["GET", "POST"])
@coordinator_required
def attendance():  # type: ignore[no-untyped-def]
    form = AttendanceExportForm()
    form.rounds.choices = _round_choices()
    if form.validate_on_submit():
        filters = dict(rounds=form.rounds.data or [], date_from=form.date_from.data,
                       date_to=form.date_to.data)
        buffer = io.BytesIO()
        if form.format.data == "xlsx":
            count = attendance_export.write_xlsx(attendance_rows(**filters), buffer)
        else:
            text = io.TextIOWrapper(buffer, encoding="utf-8", newline="", write_through=True)
            count = attendance_export.write_csv(attendance_rows(**filters), text)
            text.detach()
        record_export("attendance", rows=count, fmt=form.format.data, actor=current_user,
                      **filters)
        db.session.commit()
        mimetype = XLSX if form.format.data == "xlsx" else "text/csv; charset=utf-8"
        return _download(buffer.getvalue(), f"attendance.{form.format.data}", mimetype)
    return render_template("reports/attendance.html", form=form), 400 if form.errors else 200


@bp.route("/surveys", methods=["GET", "POST"])
@coordinator_required
def survey_upload():  # type: ignore[no-untyped-def]
    form = SurveyUploadForm()
    if not form.validate_on_submit():
        return render_template("reports/survey_upload.html", form=form), 400 if form.errors else 200
    data, name = form.file.data.read(), form.file.data.filename or "upload"
    kind = SurveyKind(form.kind.data)
    preview = surveys.preview_import(data, name, kind)
    confirm = None
    if preview.ok:
        token = surveys.stage_upload(data, name, _staging())
        confirm = SurveyConfirmForm(formdata=None, token=token, kind=kind.value,
                                    replace="1" if preview.changed else "0")
    return render_template("reports/survey_preview.html", preview=preview, filename=name,
                           confirm=confirm, error_text=_row_error_text), 200 if preview.ok else 400


@bp.post("/surveys/confirm")
@coordinator_required
def survey_confirm():  # type: ignore[no-untyped-def]
    form = SurveyConfirmForm()
    if not form.validate_on_submit() or form.kind.data not in {k.value for k in SurveyKind}:
        abort(400)
    try:
        data, name = surveys.load_staged(form.token.data, _staging())
        result = surveys.import_survey(data, name, SurveyKind(form.kind.data),
                                       replace=form.replace.data == "1", actor=current_user)
    except DomainError as error:
        db.session.rollback()
        flash(error.text(), "error")
        return redirect(url_for("reports.survey_upload"))
    db.session.commit()
    surveys.discard_staged(form.token.data, _staging())
    flash(_("Imported %(new)s new and replaced %(changed)s responses; %(unchanged)s were "
            "already up to date.", new=len(result.new), changed=len(result.changed),
            unchanged=len(result.unchanged)), "success")
    return redirect(url_for("reports.indicators"))


def _indicator_filters() -> tuple[IndicatorFilterForm, dict[str, Any]]:
    form = IndicatorFilterForm(request.args)
    form.rounds.choices = _round_choices()
    valid = form.validate()
    suppress = form.suppress_below.data if valid and form.suppress_below.data is not None else 5
    if not valid:
        return form, dict(rounds=[], by=None, suppress_below=suppress)
    return form, dict(rounds=form.rounds.data or [], by=form.by.data or None,
                      suppress_below=suppress)


@bp.get("/indicators")
@coordinator_required
def indicators():  # type: ignore[no-untyped-def]
    form, filters = _indicator_filters()
    rows = indicator_table(**filters)
    suppressed = _("suppressed (fewer than %(k)s)", k=filters["suppress_below"])
    return render_template(
        "reports/indicators.html", form=form, rows=rows, columns=INDICATOR_COLUMNS, goals=GOALS,
        charts=build_charts(rows, suppressed), group_label=group_label,
        format_decimal=format_decimal,
        by_label=BY_LABELS.get(filters["by"] or ""), download=ActionForm(),
        args=request.args.to_dict(flat=False))


@bp.post("/indicators/download/<fmt>")
@coordinator_required
def indicators_download(fmt: str):  # type: ignore[no-untyped-def]
    if fmt not in ("csv", "json") or not ActionForm().validate_on_submit():
        abort(400)
    _, filters = _indicator_filters()
    rows = indicator_table(**filters)
    record_export("indicators", rows=len(rows), fmt=fmt, actor=current_user, **filters)
    db.session.commit()
    if fmt == "csv":
        return _download(indicators_csv(rows).encode("utf-8"), "indicators.csv",
                         "text/csv; charset=utf-8")
    return _download(indicators_json(rows).encode("utf-8"), "indicators.json", "application/json")


@bp.get("/people")
@coordinator_required
def person_lookup():  # type: ignore[no-untyped-def]
    form = PersonLookupForm(request.args)
    person = None
    if request.args and form.validate():
        try:
            person = privacy.find_person(form.code.data)
        except DomainError as error:
            form.code.errors = [error.text()]
    return render_template("reports/person.html", form=form, person=person,
                           erase_form=EraseForm(), action=ActionForm()), \
        404 if form.errors and request.args else 200


@bp.post("/people/<code>/access-export")
@coordinator_required
def person_access_export(code: str):  # type: ignore[no-untyped-def]
    if not ActionForm().validate_on_submit():
        abort(400)
    person = privacy.find_person(code)
    data = privacy.access_export(person, actor=current_user)
    db.session.commit()
    return _download(json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8"),
                     f"person-{person.participant_code}.json", "application/json")


@bp.post("/people/<code>/erase")
@coordinator_required
def person_erase(code: str):  # type: ignore[no-untyped-def]
    person = privacy.find_person(code)
    form = EraseForm()
    if not form.validate_on_submit():
        return render_template("reports/person.html", form=PersonLookupForm(code=code),
                               person=person, erase_form=form, action=ActionForm()), 400
    try:
        privacy.erase_person(person, include_attendance_link=form.include_attendance.data,
                             actor=current_user)
    except DomainError as error:  # pragma: no cover - erase raises none today
        db.session.rollback()
        apply_domain_error(form, error)
        return redirect(url_for("reports.person_lookup", code=code))
    db.session.commit()
    flash(_("The person's personal data was erased."), "success")
    return redirect(url_for("reports.person_lookup"))
