"""Staff pages for exhibitors, sectors and collaboration partners.

URLs:
    /admin/exhibitors                                     events with their exhibitor counts
    /admin/events/<slug>/exhibitors                       list with filters (status, type, sector, q)
    /admin/events/<slug>/exhibitors/<id>                  detail with decision, booth and notes forms
    /admin/events/<slug>/exhibitors/<id>/status           approve / decline with reason / waitlist (POST)
    /admin/events/<slug>/exhibitors/<id>/link             revoke the edit links, email a new one (POST)
    /admin/events/<slug>/exhibitors/<id>/booth            assign a booth (POST)
    /admin/events/<slug>/exhibitors/<id>/notes            staff notes (POST)
    /admin/events/<slug>/exhibitors/booths                booth capacity and automatic numbering (POST)
    /admin/events/<slug>/exhibitors/export.<csv|xlsx>     export
    /admin/partners                                       collaboration partners by type and year
    /admin/sectors, /admin/sectors/<id>                   the sector list
"""

from __future__ import annotations

from typing import Any

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints.exhibitor import bp, emails
from blueprints.exhibitor.forms import (
    BoothForm,
    CapacityForm,
    NotesForm,
    SectorForm,
    StatusForm,
)
from blueprints.helpers import attempt, coordinator_required, form_status, run_form
from jobbforum.documents.exports import csv_bytes, xlsx_bytes
from jobbforum.extensions import db
from jobbforum.labels import label
from jobbforum.models import ExhibitorStatus, Sector
from jobbforum.services import audit, events, exhibitors, mailer
from jobbforum.services.errors import DomainError, NotFound

ADMIN = "/admin/events/<slug>/exhibitors"


@bp.get("/admin/exhibitors")
@coordinator_required
def staff_overview() -> str:
    listed = events.list_events()
    return render_template("exhibitor/staff_overview.html", events=listed,
                           counts={e.id: exhibitors.status_counts(e) for e in listed})


@bp.get(ADMIN)
@coordinator_required
def staff_list(slug: str) -> str:
    event = events.get_event(slug)
    filters = exhibitors.ExhibitorFilter.from_args(request.args, allow_status=True)
    counts, settings = exhibitors.status_counts(event), exhibitors.settings_for(event)
    db.session.commit()
    return render_template("exhibitor/staff_list.html", event=event, filters=filters,
                           exhibitors=exhibitors.list_exhibitors(event, filters, public=False),
                           counts=counts, approved=counts[ExhibitorStatus.approved], settings=settings,
                           sectors=exhibitors.list_sectors(active_only=False),
                           capacity_form=CapacityForm(booth_capacity=settings.booth_capacity))


def _detail(event: Any, exhibitor: Any, status: int = 200, **forms: Any):  # type: ignore[no-untyped-def]
    forms.setdefault("status_form", StatusForm(status=exhibitor.status.value))
    forms.setdefault("booth_form", BoothForm(booth_label=exhibitor.booth_label))
    forms.setdefault("notes_form", NotesForm(notes=exhibitor.notes))
    return render_template("exhibitor/staff_detail.html", event=event, exhibitor=exhibitor,
                           **forms), status


@bp.get(ADMIN + "/<int:exhibitor_id>")
@coordinator_required
def staff_detail(slug: str, exhibitor_id: int):  # type: ignore[no-untyped-def]
    event = events.get_event(slug)
    return _detail(event, exhibitors.get_exhibitor(event, exhibitor_id))


@bp.post(ADMIN + "/<int:exhibitor_id>/status")
@coordinator_required
def staff_status(slug: str, exhibitor_id: int):  # type: ignore[no-untyped-def]
    event = events.get_event(slug)
    exhibitor = exhibitors.get_exhibitor(event, exhibitor_id)
    form, previous, mails = StatusForm(), exhibitor.status, []

    def decide() -> None:
        exhibitors.set_status(exhibitor, ExhibitorStatus(form.status.data), actor=current_user,
                              reason=form.reason.data or "")
        if exhibitor.status not in (previous, ExhibitorStatus.pending):
            mails.append(emails.queue_decision(exhibitor))

    if not attempt(form, decide)[0]:
        return _detail(event, exhibitor, 400, status_form=form)
    for mail in mails:
        mailer.deliver(mail)
        db.session.commit()
    flash(_("Saved: %(status)s.", status=label(exhibitor.status)), "success")
    return redirect(url_for("exhibitor.staff_detail", slug=slug, exhibitor_id=exhibitor_id), 303)


@bp.post(ADMIN + "/<int:exhibitor_id>/link")
@coordinator_required
def staff_renew_link(slug: str, exhibitor_id: int):  # type: ignore[no-untyped-def]
    event = events.get_event(slug)
    exhibitor = exhibitors.get_exhibitor(event, exhibitor_id)
    token = exhibitors.renew_link(exhibitor, actor=current_user)
    mail = emails.queue_confirmation(exhibitor, token, renewed=True)
    db.session.commit()
    mailer.deliver(mail)
    db.session.commit()
    flash(_("A new link was sent to the contact person; older links no longer work."), "success")
    return redirect(url_for("exhibitor.staff_detail", slug=slug, exhibitor_id=exhibitor_id), 303)


def _detail_action(slug: str, exhibitor_id: int, form: Any, form_name: str,
                   action: Any):  # type: ignore[no-untyped-def]
    """Run ``action(exhibitor)`` behind one of the detail page's small forms."""
    event = events.get_event(slug)
    exhibitor = exhibitors.get_exhibitor(event, exhibitor_id)
    done = run_form(form, lambda: action(exhibitor), success=_("Saved."),
                    redirect_to=url_for("exhibitor.staff_detail", slug=slug, exhibitor_id=exhibitor_id))
    return done or _detail(event, exhibitor, 400, **{form_name: form})


@bp.post(ADMIN + "/<int:exhibitor_id>/booth")
@coordinator_required
def staff_booth(slug: str, exhibitor_id: int):  # type: ignore[no-untyped-def]
    form = BoothForm()
    return _detail_action(slug, exhibitor_id, form, "booth_form", lambda exhibitor: exhibitors.assign_booth(
        exhibitor, form.booth_label.data or "", actor=current_user))


@bp.post(ADMIN + "/<int:exhibitor_id>/notes")
@coordinator_required
def staff_notes(slug: str, exhibitor_id: int):  # type: ignore[no-untyped-def]
    form = NotesForm()
    return _detail_action(slug, exhibitor_id, form, "notes_form", lambda exhibitor: exhibitors.set_notes(
        exhibitor, form.notes.data or "", actor=current_user))


@bp.post(ADMIN + "/booths")
@coordinator_required
def staff_booths(slug: str):  # type: ignore[no-untyped-def]
    event = events.get_event(slug)
    form = CapacityForm()
    try:
        if request.form.get("action") == "number":
            assigned = exhibitors.auto_assign_booths(event, actor=current_user)
            flash(_("%(n)s exhibitors got a booth number.", n=assigned), "success")
        elif form.validate_on_submit():
            exhibitors.set_booth_capacity(event, form.booth_capacity.data, actor=current_user)
            flash(_("Saved."), "success")
        else:
            flash(" ".join(str(e) for e in form.booth_capacity.errors), "error")
    except DomainError as error:
        db.session.rollback()
        flash(error.text(), "error")
    db.session.commit()
    return redirect(url_for("exhibitor.staff_list", slug=slug), 303)


@bp.get(ADMIN + "/export.<fmt>")
@coordinator_required
def staff_export(slug: str, fmt: str) -> Response:
    event = events.get_event(slug)
    if fmt not in ("csv", "xlsx"):
        raise NotFound()
    rows = exhibitors.export_rows(event)
    audit.record("exhibitor.exported", actor=current_user, event_id=event.id,
                 details={"format": fmt, "rows": len(rows)})
    db.session.commit()
    if fmt == "csv":
        body, mimetype = csv_bytes(exhibitors.EXPORT_COLUMNS, rows), "text/csv; charset=utf-8"
    else:
        body = xlsx_bytes(exhibitors.EXPORT_COLUMNS, rows, title=_("Exhibitors"))
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="exhibitors-{event.slug}.{fmt}"'})


@bp.get("/admin/partners")
@coordinator_required
def partners() -> str:
    return render_template("exhibitor/partners.html", report=exhibitors.collaboration_partners(),
                           goal=25)


@bp.route("/admin/sectors", methods=["GET", "POST"])
@coordinator_required
def sectors():  # type: ignore[no-untyped-def]
    form = SectorForm()
    done = run_form(form, lambda: exhibitors.create_sector(
        slug=form.slug.data, name_sv=form.name_sv.data, name_en=form.name_en.data, actor=current_user),
        success=_("Saved."), redirect_to=url_for("exhibitor.sectors"))
    return done or (render_template("exhibitor/sectors.html", form=form,
                                    sectors=exhibitors.list_sectors(active_only=False)), form_status(form))


@bp.post("/admin/sectors/<int:sector_id>")
@coordinator_required
def sector_update(sector_id: int):  # type: ignore[no-untyped-def]
    sector = db.session.get(Sector, sector_id)
    if sector is None:
        raise NotFound()
    form = SectorForm(slug=sector.slug)
    if form.validate_on_submit():
        exhibitors.update_sector(sector, name_sv=form.name_sv.data, name_en=form.name_en.data,
                                 active=form.active.data, actor=current_user)
        db.session.commit()
        flash(_("Saved."), "success")
    else:
        flash(_("Both names are required."), "error")
    return redirect(url_for("exhibitor.sectors"), 303)
