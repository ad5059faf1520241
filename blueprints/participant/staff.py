"""Staff pages for an event's participants.

URLs (coordinators and admins):
    /admin/events/<slug>/participants                       list with filters (role, round, status, search)
    /admin/events/<slug>/participants/<id>/revoke           revoke the active ticket (POST)
    /admin/events/<slug>/participants/<id>/reissue          new ticket + new private link, emailed (POST)
    /admin/events/<slug>/participants/<id>/cancel           cancel; the waiting list moves up (POST)
    /admin/events/<slug>/participants/badges.pdf            badge PDF, filtered by role or round
    /admin/events/<slug>/participants/import                roster upload → preview (dry run)
    /admin/events/<slug>/participants/import/confirm        import the previewed roster (POST)
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints.helpers import coordinator_required
from blueprints.participant import bp
from blueprints.participant.forms import (
    ActionForm,
    RosterConfirmForm,
    RosterForm,
)
from blueprints.participant.views import commit_and_send
from jobbforum.documents import tickets as ticket_documents
from jobbforum.extensions import db
from jobbforum.models import OutgoingMail, RegistrationStatus, Role
from jobbforum.services import events, registrations, roster

PREFIX = "/admin/events/<slug>/participants"
LAYOUTS = ("a4-8up", "a6")


def _filters(event):  # type: ignore[no-untyped-def]
    """Role, round and status from the query string (unknown values are ignored)."""
    args = request.args
    role = Role(args["role"]) if args.get("role") in {r.value for r in Role} else None
    round_ids = {r.id for r in event.rounds} | {r.id for r in events.list_rounds()}
    round_id = args.get("round", type=int)
    round_id = round_id if round_id in round_ids else None
    status = (RegistrationStatus(args["status"])
              if args.get("status") in {s.value for s in RegistrationStatus} else None)
    return {"role": role, "round_id": round_id, "status": status}


@bp.get(PREFIX)
@coordinator_required
def staff_list(slug: str) -> str:
    event = events.get_event(slug)
    filters = _filters(event)
    found = registrations.list_registrations(event, search=request.args.get("q", ""), **filters)
    return render_template("participant/staff/list.html", event=event, registrations=found,
                           filters=filters, query=request.args.get("q", ""), form=ActionForm(),
                           rounds=events.list_rounds(), places_left=registrations.places_left(event),
                           confirmed=registrations.confirmed_count(event), Role=Role,
                           RegistrationStatus=RegistrationStatus)


def _acted(slug: str, message: str,
           mails: Sequence[OutgoingMail | None] = ()):  # type: ignore[no-untyped-def]
    commit_and_send(list(mails))
    flash(message, "success")
    return redirect(url_for("participant.staff_list", slug=slug))


def _registration(slug: str, registration_id: int):  # type: ignore[no-untyped-def]
    if not ActionForm().validate_on_submit():
        abort(400)
    return registrations.get_registration(events.get_event(slug), registration_id)


@bp.post(PREFIX + "/<int:registration_id>/revoke")
@coordinator_required
def staff_revoke(slug: str, registration_id: int):  # type: ignore[no-untyped-def]
    registration = _registration(slug, registration_id)
    registrations.revoke(registration, actor=current_user)
    return _acted(slug, _("The ticket of %(name)s no longer works.", name=registration.person.name))


@bp.post(PREFIX + "/<int:registration_id>/reissue")
@coordinator_required
def staff_reissue(slug: str, registration_id: int):  # type: ignore[no-untyped-def]
    registration = _registration(slug, registration_id)
    token = registrations.reissue(registration, actor=current_user)
    return _acted(slug, _("%(name)s has a new ticket; the old one no longer works.",
                          name=registration.person.name),
                  [registrations.queue_confirmation(registration, token)])


@bp.post(PREFIX + "/<int:registration_id>/cancel")
@coordinator_required
def staff_cancel(slug: str, registration_id: int):  # type: ignore[no-untyped-def]
    registration = _registration(slug, registration_id)
    promoted = registrations.cancel(registration, actor=current_user)
    mails = [registrations.queue_confirmation(r, registrations.issue_link(r)) for r in promoted]
    return _acted(slug, _("Cancelled. %(n)s moved up from the waiting list.", n=len(promoted)),
                  mails)


@bp.get(PREFIX + "/badges.pdf")
@coordinator_required
def staff_badges(slug: str) -> Response:
    event = events.get_event(slug)
    filters = _filters(event)
    filters["status"] = RegistrationStatus.confirmed
    layout = request.args.get("layout", "a4-8up")
    if layout not in LAYOUTS:
        abort(400)
    found = registrations.list_registrations(event, **filters)
    body = ticket_documents.badge_sheet(found, layout=layout, title=event.title)
    return Response(body, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="badges-{event.slug}.pdf"'})


@bp.route(PREFIX + "/import", methods=["GET", "POST"])
@coordinator_required
def staff_import(slug: str):  # type: ignore[no-untyped-def]
    event = events.get_event(slug)
    form = RosterForm()
    report, confirm = None, None
    if form.validate_on_submit():
        upload = form.file.data
        content = upload.read()
        report = _check(event, upload.filename or "roster.csv", content)
        if report is not None and report.ok:
            confirm = RosterConfirmForm(formdata=None, filename=upload.filename, send_tickets=True,
                                        content=base64.b64encode(content).decode("ascii"))
    status = 400 if form.errors or (report is not None and not report.ok) else 200
    return render_template("participant/staff/import.html", event=event, form=form, report=report,
                           confirm=confirm), status


def _check(event, filename: str, content: bytes):  # type: ignore[no-untyped-def]
    try:
        return roster.import_roster(event, filename, content, actor=current_user, dry_run=True)
    except roster.RosterInvalid as error:
        return error.report
    except roster.RosterUnreadable:
        flash(_("The file could not be read. Upload a CSV file (UTF-8) or an Excel file (.xlsx)."),
              "error")
        return None


@bp.post(PREFIX + "/import/confirm")
@coordinator_required
def staff_import_confirm(slug: str):  # type: ignore[no-untyped-def]
    event = events.get_event(slug)
    form = RosterConfirmForm()
    try:
        content = base64.b64decode(form.content.data or "", validate=True)
    except binascii.Error:
        abort(400)
    if not form.validate_on_submit():
        abort(400)
    try:
        report = roster.import_roster(event, form.filename.data, content, actor=current_user)
    except (roster.RosterInvalid, roster.RosterUnreadable):
        db.session.rollback()
        flash(_("The roster changed since the preview and has errors now. Upload it again."), "error")
        return redirect(url_for("participant.staff_import", slug=slug))
    mails = [registrations.queue_confirmation(r, registrations.issue_link(r))
             for r in report.registered] if form.send_tickets.data else []
    commit_and_send(mails)
    flash(_("Imported: %(new)s new people, %(existing)s already known, %(skipped)s were already "
            "registered.", new=report.count("new"), existing=report.count("existing"),
            skipped=report.count("registered")), "success")
    return redirect(url_for("participant.staff_list", slug=slug))
