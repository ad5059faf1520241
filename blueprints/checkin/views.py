"""Door check-in pages.

URLs:
    /checkin/<slug>                         the scanner (door staff, coordinators); ?list=
    /checkin/<slug>/walk-in                 POST: register and check in someone at the door
    /checkin/<slug>/badge/<registration>    the walk-in's badge (PDF)
    /checkin/<slug>/lists                   check-in lists and the roles they admit (coordinators)
    /checkin/<slug>/lists/<id>              POST: change a list's roles
    /checkin/<slug>/devices                 door devices: create (token shown once), revoke
    /checkin/<slug>/devices/<id>/revoke     POST
    /checkin/<slug>/review                  flagged scans from offline uploads
"""

from __future__ import annotations

from typing import Any

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user

from blueprints.checkin import bp
from blueprints.checkin.forms import (
    CheckInListForm,
    ConfirmForm,
    DeviceForm,
    ListRolesForm,
    WalkInForm,
)
from blueprints.helpers import apply_domain_error, coordinator_required, door_required
from jobbforum.documents.badges import BadgeData, badge_sheet_pdf
from jobbforum.extensions import db
from jobbforum.labels import label
from jobbforum.models import CheckInList, Registration, Role, StaffRole
from jobbforum.services import checkin, devices, events
from jobbforum.services.errors import DomainError


def _walk_in_form(event: Any) -> WalkInForm:
    form = WalkInForm()
    form.round.choices = [("", _("No round"))] + [(r.slug, r.name) for r in event.rounds]
    return form


def _scanner(event: Any, form: WalkInForm, status: int = 200, **extra: Any) -> tuple[str, int]:
    checkin_list = checkin.get_list(event, request.args.get("list", "entrance")[:80])
    return render_template(
        "checkin/scanner.html", event=event, checkin_list=checkin_list, form=form,
        lists=checkin.find_lists(event), roles=list(Role),
        staff_mode=current_user.is_authenticated and current_user.has_role(
            StaffRole.door, StaffRole.coordinator), **extra), status


@bp.get("/checkin/<slug>")
def scanner(slug: str) -> Any:
    """Door staff use their login; a shared device without one enters its device token (kept
    in the browser). The page itself holds no personal data: everything comes from the API."""
    event = events.get_event(slug)
    walk_in = None
    if current_user.is_authenticated and request.args.get("walk_in", "").isdigit():
        walk_in = db.session.get(Registration, int(request.args["walk_in"]))
        walk_in = walk_in if walk_in and walk_in.event_id == event.id else None
    return _scanner(event, _walk_in_form(event), walk_in=walk_in)


@bp.post("/checkin/<slug>/walk-in")
@door_required
def walk_in(slug: str) -> Any:
    event = events.get_event(slug)
    form = _walk_in_form(event)
    if form.validate_on_submit():
        programme_round = next((r for r in event.rounds if r.slug == form.round.data), None)
        try:
            registration = checkin.register_walk_in(
                event, name=form.name.data or "", role=Role(form.role.data),
                email=form.email.data, phone=form.phone.data, programme_round=programme_round,
                consent_version=current_app.config["PRIVACY_TEXT_VERSION"],
                actor=current_user, actor_label=current_user.email)
            checkin.redeem(event, registration.active_ticket.code,  # type: ignore[union-attr]
                                    staff=current_user._get_current_object())
        except DomainError as error:
            db.session.rollback()
            apply_domain_error(form, error)
        else:
            db.session.commit()
            return redirect(url_for("checkin.scanner", slug=slug, walk_in=registration.id))
    return _scanner(event, form, status=400, walk_in_open=True)


@bp.get("/checkin/<slug>/badge/<int:registration_id>")
@door_required
def walk_in_badge(slug: str, registration_id: int) -> Any:
    event = events.get_event(slug)
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.event_id != event.id:
        abort(404)
    ticket = registration.active_ticket
    if ticket is None:
        abort(404)
    person = registration.person
    badge = BadgeData(
        ticket_code=ticket.code, name=person.name, role=registration.role.value,
        role_label=label(registration.role), organisation=None,
        event_title=event.title, event_when=format_datetime(event.starts_at, "d MMMM y HH:mm"),
        round_label=person.round.name if person.round else None)
    pdf = badge_sheet_pdf([badge], layout="a6", title=_("Badge"))
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="badge-{person.participant_code}.pdf"'})


# --------------------------------------------------------------------------- coordinators


def _lists_page(event: Any, form: CheckInListForm, status: int = 200) -> tuple[str, int]:
    lists = checkin.find_lists(event)
    role_forms = {c.id: ListRolesForm(prefix=f"list{c.id}",
                                      allowed_roles=[r for r in c.allowed_roles.split(",") if r])
                  for c in lists}
    return render_template("checkin/lists.html", event=event, lists=lists, form=form,
                           role_forms=role_forms, stats=checkin.stats(event)), status


@bp.route("/checkin/<slug>/lists", methods=["GET", "POST"])
@coordinator_required
def lists(slug: str) -> Any:
    event = events.get_event(slug)
    form = CheckInListForm()
    if form.validate_on_submit():
        try:
            checkin.create_list(event, form.name.data or "", form.allowed_roles.data or [],
                                actor=current_user, actor_label=current_user.email)
        except DomainError as error:
            db.session.rollback()
            apply_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("The list was added."), "success")
            return redirect(url_for("checkin.lists", slug=slug))
    return _lists_page(event, form, 400 if form.errors else 200)


@bp.post("/checkin/<slug>/lists/<int:list_id>")
@coordinator_required
def list_roles(slug: str, list_id: int) -> Any:
    event = events.get_event(slug)
    checkin_list = db.session.get(CheckInList, list_id)
    if checkin_list is None or checkin_list.event_id != event.id:
        abort(404)
    form = ListRolesForm(prefix=f"list{list_id}")
    if form.validate_on_submit():
        checkin.set_allowed_roles(checkin_list, form.allowed_roles.data or [],
                                  actor=current_user, actor_label=current_user.email)
        db.session.commit()
        flash(_("Saved."), "success")
    return redirect(url_for("checkin.lists", slug=slug))


@bp.route("/checkin/<slug>/devices", methods=["GET", "POST"])
@coordinator_required
def device_list(slug: str) -> Any:
    event = events.get_event(slug)
    form = DeviceForm()
    token = None
    if form.validate_on_submit():
        try:
            _device, token = devices.create_device(event, form.gate.data or "",
                                                   actor=current_user, actor_label=current_user.email)
        except DomainError as error:
            db.session.rollback()
            apply_domain_error(form, error)
        else:
            db.session.commit()
            form = DeviceForm(formdata=None)
    return render_template("checkin/devices.html", event=event, form=form, token=token,
                           devices=devices.find_devices(event), confirm=ConfirmForm()), \
        400 if form.errors else 200


@bp.post("/checkin/<slug>/devices/<int:device_id>/revoke")
@coordinator_required
def device_revoke(slug: str, device_id: int) -> Any:
    event = events.get_event(slug)
    device = devices.get_device(event, device_id)
    if ConfirmForm().validate_on_submit():
        devices.revoke_device(device, actor=current_user, actor_label=current_user.email)
        db.session.commit()
        flash(_("The device %(gate)s can no longer check people in.", gate=device.gate), "success")
    return redirect(url_for("checkin.device_list", slug=slug))


@bp.get("/checkin/<slug>/review")
@coordinator_required
def review(slug: str) -> str:
    event = events.get_event(slug)
    return render_template("checkin/review.html", event=event, scans=checkin.flagged_scans(event))
