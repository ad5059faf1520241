"""Workshop pages.

URLs:
    /admin/workshops/                          calendar by week (filters: county, round)
    /admin/workshops/rooms, /rooms/new, /rooms/<id>/edit
    /admin/workshops/sessions/new, /sessions/<id>/edit   with conflict warnings before saving
    /admin/workshops/sessions/<id>             bookings, waiting list, book on behalf, move
    /admin/workshops/sessions/<id>/door-sign.pdf
    /admin/workshops/sessions/<id>/rollcall    roll call (tablet, offline-safe) + /sync (JSON)
    /admin/workshops/timetable.pdf             printable timetable (same filters)
    /admin/workshops/rounds/<slug>             per-theme mode (book / collect preferences), links
    /admin/workshops/rounds/<slug>/assign/<theme>  assignment preview (GET) and confirm (POST)
    /b/<token>                                 participant booking page (private link)
    /b/<token>/book/<session_id>, /b/<token>/cancel/<booking_id>, /b/<token>/rank/<theme>
    /b/<token>/booking/<booking_id>.ics, /cal/<secret>.ics
"""

from __future__ import annotations

from typing import Any

from flask import (
    Response,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from blueprints.helpers import apply_domain_error, coordinator_required, door_required
from blueprints.workshops import bp
from blueprints.workshops.forms import (
    ActionForm,
    BookOnBehalfForm,
    ConfirmAssignmentForm,
    MoveForm,
    PreferencesForm,
    RoomForm,
    SessionForm,
)
from jobbforum.extensions import db
from jobbforum.models import Audience, County, Theme, utcnow
from jobbforum.services import events, workshop_assign
from jobbforum.services import workshops as ws
from jobbforum.services.errors import DomainError, NotFound
from jobbforum.timeutil import local_to_utc, utc_to_local

ADMIN = "/admin/workshops"


def _pdf(data: bytes, filename: str) -> Response:
    return Response(data, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{filename}"'})


def _ics(data: bytes, filename: str) -> Response:
    return Response(data, mimetype="text/calendar",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _filters() -> dict[str, Any]:
    county = request.args.get("county") or None
    round_slug = request.args.get("round") or None
    programme_round = events.get_round(round_slug) if round_slug else None
    return {"county": County(county) if county in County._value2member_map_ else None,
            "round": programme_round}


def _filtered_sessions(filters: dict[str, Any]) -> list[Any]:
    return ws.list_sessions(county=filters["county"],
                            round_id=filters["round"].id if filters["round"] else None)


# --------------------------------------------------------------------------- coordinators


@bp.get(f"{ADMIN}/")
@coordinator_required
def calendar() -> str:
    filters = _filters()
    sessions = _filtered_sessions(filters)
    return render_template("workshops/calendar.html", weeks=ws.week_calendar(sessions),
                           counts=ws.seat_counts(s.id for s in sessions), filters=filters,
                           rounds=events.list_rounds(), counties=list(County))


@bp.get(f"{ADMIN}/timetable.pdf")
@coordinator_required
def timetable_pdf() -> Response:
    filters = _filters()
    subtitle = " · ".join(v for v in (filters["round"].name if filters["round"] else "",
                                      filters["county"].value.title() if filters["county"] else "")
                          if v)
    return _pdf(ws.timetable(_filtered_sessions(filters), title=_("Group meetings: timetable"),
                             subtitle=subtitle), "timetable.pdf")


@bp.get(f"{ADMIN}/rooms")
@coordinator_required
def rooms() -> str:
    return render_template("workshops/rooms.html", rooms=ws.list_rooms())


@bp.route(f"{ADMIN}/rooms/new", methods=["GET", "POST"], defaults={"room_id": None})
@bp.route(f"{ADMIN}/rooms/<int:room_id>/edit", methods=["GET", "POST"])
@coordinator_required
def room_form(room_id: int | None):  # type: ignore[no-untyped-def]
    room = ws.get_room(room_id) if room_id else None
    form = RoomForm(obj=room)
    if room and not form.is_submitted():
        form.county.data = room.county.value
    if form.validate_on_submit():
        data = {k: getattr(form, k).data for k in ("name", "capacity", "address",
                                                    "accessibility_notes")}
        if _run(form, lambda: ws.save_room(room, actor=current_user,
                                           county=County(form.county.data), **data)):
            flash(_("Saved."), "success")
            return redirect(url_for("workshops.rooms"))
    return render_template("workshops/room_form.html", form=form, room=room), \
        400 if form.errors else 200


def _run(form: Any, action: Any) -> Any:
    """Call a service; commit on success, else roll back and put its error on the form."""
    try:
        result = action()
    except DomainError as error:
        db.session.rollback()
        apply_domain_error(form, error)
        return None
    db.session.commit()
    return result if result is not None else True


def _session_form(session: Any) -> SessionForm:
    form = SessionForm(obj=session)
    form.rounds.choices = [(r.id, f"{r.name} ({r.term})") for r in events.list_rounds()]
    form.room_id.choices = [(r.id, f"{r.name} ({r.capacity})") for r in ws.list_rooms()]
    if session is not None and not form.is_submitted():
        tz = current_app.config["TIMEZONE"]
        form.theme.data, form.audience.data = session.theme.value, session.audience.value
        form.rounds.data = [r.id for r in session.rounds]
        for name in ("starts_at", "ends_at", "cancel_deadline"):
            value = getattr(session, name)
            getattr(form, name).data = (utc_to_local(value, tz).replace(tzinfo=None, second=0)
                                        if value else None)
    return form


def _session_data(form: SessionForm) -> dict[str, Any]:
    tz = current_app.config["TIMEZONE"]
    return {
        "theme": Theme(form.theme.data), "title": (form.title.data or "").strip(),
        "room_id": form.room_id.data, "capacity": form.capacity.data,
        "facilitator": (form.facilitator.data or "").strip(),
        "language_support": (form.language_support.data or "").strip(),
        "audience": Audience(form.audience.data),
        "starts_at": local_to_utc(form.starts_at.data, tz),
        "ends_at": local_to_utc(form.ends_at.data, tz),
        "cancel_deadline": local_to_utc(form.cancel_deadline.data, tz)
        if form.cancel_deadline.data else None,
    }


@bp.route(f"{ADMIN}/sessions/new", methods=["GET", "POST"], defaults={"session_id": None})
@bp.route(f"{ADMIN}/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@coordinator_required
def session_form(session_id: int | None):  # type: ignore[no-untyped-def]
    session = ws.get_session(session_id) if session_id else None
    form = _session_form(session)
    conflicts: list[Any] = []
    if form.validate_on_submit():
        rounds = [r for r in events.list_rounds() if r.id in set(form.rounds.data)]
        try:
            saved = ws.save_session(session, actor=current_user, rounds=rounds,
                                    confirm_conflicts=form.confirm_conflicts.data,
                                    **_session_data(form))
        except ws.UnconfirmedConflicts as error:
            db.session.rollback()
            conflicts = error.conflicts
        except DomainError as error:
            db.session.rollback()
            apply_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("workshops.session_detail", session_id=saved.id))
    status = 400 if form.errors else (409 if conflicts else 200)
    return render_template("workshops/session_form.html", form=form, session=session,
                           conflicts=conflicts), status


@bp.get(f"{ADMIN}/sessions/<int:session_id>")
@coordinator_required
def session_detail(session_id: int) -> str:
    session = ws.get_session(session_id)
    return _render_detail(session, BookOnBehalfForm(), MoveForm(prefix="move"))


def _render_detail(session: Any, book_form: BookOnBehalfForm, move_form: MoveForm,
                   status: int = 200) -> Any:
    others = [s for s in ws.list_sessions(theme=session.theme) if s.id != session.id]
    move_form.target.choices = [(s.id, ws.session_label(s)) for s in others]
    return render_template(
        "workshops/session.html", session=session, bookings=ws.session_bookings(session),
        counts=ws.seat_counts([session.id])[session.id], book_form=book_form,
        move_form=move_form, action_form=ActionForm(),
        deadline=ws.cancel_deadline(session)), status


@bp.post(f"{ADMIN}/sessions/<int:session_id>/book")
@coordinator_required
def book_on_behalf(session_id: int):  # type: ignore[no-untyped-def]
    session = ws.get_session(session_id)
    form = BookOnBehalfForm()
    if form.validate_on_submit():
        result = _run(form, lambda: ws.book_session(
            ws.find_person(form.participant_code.data), session, actor=current_user,
            override_capacity=form.override_capacity.data))
        if result:
            flash(_("Booked.") if result.booking.status.value == "booked"
                  else _("Full: added to the waiting list."), "success")
            return redirect(url_for("workshops.session_detail", session_id=session.id))
    return _render_detail(session, form, MoveForm(prefix="move"), 400)


@bp.post(f"{ADMIN}/sessions/<int:session_id>/move")
@coordinator_required
def move(session_id: int):  # type: ignore[no-untyped-def]
    session = ws.get_session(session_id)
    form = MoveForm(prefix="move")
    form.target.choices = [(s.id, "") for s in ws.list_sessions(theme=session.theme)]
    if form.validate_on_submit():
        booking = ws.get_booking(int(form.booking_id.data))
        result = _run(form, lambda: ws.move_booking(
            booking, ws.get_session(form.target.data), actor=current_user,
            override_capacity=form.override_capacity.data))
        if result:
            ws.deliver(result.mails)
            db.session.commit()
            flash(_("Moved."), "success")
            return redirect(url_for("workshops.session_detail", session_id=session.id))
    return _render_detail(session, BookOnBehalfForm(), form, 400)


@bp.post(f"{ADMIN}/bookings/<int:booking_id>/cancel")
@coordinator_required
def staff_cancel(booking_id: int):  # type: ignore[no-untyped-def]
    booking = ws.get_booking(booking_id)
    if ActionForm().validate_on_submit():
        result = ws.cancel_booking(booking, actor=current_user)
        db.session.commit()
        ws.deliver(result.mails)
        db.session.commit()
        flash(_("Cancelled."), "success")
    return redirect(url_for("workshops.session_detail", session_id=booking.session_id))


@bp.get(f"{ADMIN}/sessions/<int:session_id>/door-sign.pdf")
@coordinator_required
def door_sign(session_id: int) -> Response:
    session = ws.get_session(session_id)
    url = current_app.config["BASE_URL"].rstrip("/") + url_for("workshops.rollcall",
                                                                session_id=session.id)
    return _pdf(ws.door_sign(session, checkin_url=url), f"door-sign-{session.id}.pdf")


@bp.get(f"{ADMIN}/sessions/<int:session_id>/rollcall")
@door_required
def rollcall(session_id: int) -> str:
    session = ws.get_session(session_id)
    rows = ws.roll_call(session)
    db.session.commit()
    return render_template("workshops/rollcall.html", session=session, rows=rows,
                           title=ws.session_title(session), form=ActionForm())


@bp.post(f"{ADMIN}/sessions/<int:session_id>/rollcall")
@door_required
def rollcall_save(session_id: int):  # type: ignore[no-untyped-def]
    """Without JavaScript: the whole list as ticked."""
    session = ws.get_session(session_id)
    if ActionForm().validate_on_submit():
        present = set(request.form.getlist("present", type=int))
        ticks = [{"person_id": r.booking.person_id, "present": r.booking.person_id in present}
                 for r in ws.roll_call(session)]
        ws.record_roll_call(session, ticks, actor=current_user)
        db.session.commit()
        flash(_("Saved."), "success")
    return redirect(url_for("workshops.rollcall", session_id=session.id))


@bp.post(f"{ADMIN}/sessions/<int:session_id>/rollcall/scan")
@door_required
def rollcall_scan(session_id: int):  # type: ignore[no-untyped-def]
    """A badge scanned at the door (hand-held scanner or typed code)."""
    session = ws.get_session(session_id)
    if ActionForm().validate_on_submit():
        try:
            person = ws.check_in_badge(session, request.form.get("code", ""), actor=current_user)
        except DomainError as error:
            db.session.rollback()
            flash(error.text(), "error")
        else:
            db.session.commit()
            flash(_("%(name)s is checked in.", name=person.name), "success")
    return redirect(url_for("workshops.rollcall", session_id=session.id))


@bp.post(f"{ADMIN}/sessions/<int:session_id>/rollcall/sync")
@door_required
def rollcall_sync(session_id: int):  # type: ignore[no-untyped-def]
    """JSON ``{"ticks": [{"person_id", "present", "nonce", "at"}]}`` from the offline queue."""
    session = ws.get_session(session_id)
    payload = request.get_json(silent=True) or {}
    ticks = payload.get("ticks")
    if not isinstance(ticks, list) or not all(isinstance(t, dict) for t in ticks):
        return jsonify({"status": "error", "reason": "ticks must be a list of objects"}), 400
    counts = ws.record_roll_call(session, ticks[:500], actor=current_user)
    db.session.commit()
    return jsonify({"status": "ok", **counts})


@bp.route(f"{ADMIN}/rounds/<slug>", methods=["GET", "POST"])
@coordinator_required
def round_settings(slug: str):  # type: ignore[no-untyped-def]
    programme_round = events.get_round(slug)
    form = ActionForm()
    if form.validate_on_submit():
        if request.form.get("action") == "send_links":
            mails = ws.send_booking_links(programme_round, actor=current_user)
            db.session.commit()
            ws.deliver(mails)
            db.session.commit()
            flash(_("Sent %(n)s booking links.", n=len(mails)), "success")
        else:
            chosen = set(request.form.getlist("collect"))
            for theme in Theme:
                ws.set_collect_preferences(programme_round, theme, theme.value in chosen,
                                           actor=current_user)
            db.session.commit()
            flash(_("Saved."), "success")
        return redirect(url_for("workshops.round_settings", slug=slug))
    modes = {t: ws.collects_preferences(programme_round.id, t) for t in Theme}
    return render_template("workshops/round.html", round=programme_round, form=form, modes=modes)


@bp.route(f"{ADMIN}/rounds/<slug>/assign/<theme>", methods=["GET", "POST"])
@coordinator_required
def assign(slug: str, theme: str):  # type: ignore[no-untyped-def]
    programme_round = events.get_round(slug)
    if theme not in Theme._value2member_map_:
        raise NotFound()
    form = ConfirmAssignmentForm()
    if form.validate_on_submit():
        try:
            done, mails = workshop_assign.confirm(programme_round, Theme(theme),
                                                  form.fingerprint.data, actor=current_user)
        except DomainError as error:
            db.session.rollback()
            flash(error.text(), "error")
        else:
            db.session.commit()
            ws.deliver(mails)
            db.session.commit()
            flash(_("%(n)s people were booked.", n=done.plan.assigned_count), "success")
            return redirect(url_for("workshops.round_settings", slug=slug))
    preview = workshop_assign.preview(programme_round, Theme(theme))
    form.fingerprint.data = preview.fingerprint
    return render_template("workshops/assign.html", preview=preview, form=form,
                           session_label=ws.session_label)


# --------------------------------------------------------------------------- participants


@bp.get("/b/<token>")
def my_bookings(token: str) -> str:
    person = ws.person_for_token(token)
    overview = ws.booking_overview(person)
    secret = ws.feed_secret(person)
    db.session.commit()
    feed_url = current_app.config["BASE_URL"].rstrip("/") + url_for("workshops.feed",
                                                                    secret=secret)
    return render_template("workshops/book.html", person=person, token=token, overview=overview,
                           form=ActionForm(), feed_url=feed_url,
                           deadline=ws.cancel_deadline,
                           now=utcnow())


@bp.post("/b/<token>/book/<int:session_id>")
def book(token: str, session_id: int):  # type: ignore[no-untyped-def]
    person = ws.person_for_token(token)
    if ActionForm().validate_on_submit():
        try:
            result = ws.book_session(person, ws.get_session(session_id))
        except DomainError as error:
            db.session.rollback()
            flash(error.text(), "error")
        else:
            db.session.commit()
            flash(_("You are booked.") if result.booking.status.value == "booked"
                  else _("The session is full: you are on the waiting list. We will email you "
                         "if a seat becomes free."), "success")
    return redirect(url_for("workshops.my_bookings", token=token))


@bp.post("/b/<token>/cancel/<int:booking_id>")
def cancel(token: str, booking_id: int):  # type: ignore[no-untyped-def]
    person = ws.person_for_token(token)
    if ActionForm().validate_on_submit():
        try:
            result = ws.cancel_booking(ws.get_booking(booking_id, person=person))
        except DomainError as error:
            db.session.rollback()
            flash(error.text(), "error")
        else:
            db.session.commit()
            ws.deliver(result.mails)
            db.session.commit()
            flash(_("Your booking is cancelled."), "success")
    return redirect(url_for("workshops.my_bookings", token=token))


@bp.post("/b/<token>/rank/<theme>")
def rank(token: str, theme: str):  # type: ignore[no-untyped-def]
    person = ws.person_for_token(token)
    if theme not in Theme._value2member_map_:
        raise NotFound()
    form = PreferencesForm()
    if form.validate_on_submit():
        chosen = [int(v) for v in request.form.getlist("choice") if v.isdigit()]
        try:
            ws.set_preferences(person, Theme(theme), list(dict.fromkeys(chosen)))
        except DomainError as error:
            db.session.rollback()
            flash(error.text(), "error")
        else:
            db.session.commit()
            flash(_("Your choices are saved."), "success")
    return redirect(url_for("workshops.my_bookings", token=token))


@bp.post("/b/<token>/calendar/new")
def new_calendar_address(token: str):  # type: ignore[no-untyped-def]
    person = ws.person_for_token(token)
    if ActionForm().validate_on_submit():
        ws.new_feed_secret(person)
        db.session.commit()
        flash(_("Your calendar has a new address. The old address no longer works: subscribe "
                "to the new one."), "success")
    return redirect(url_for("workshops.my_bookings", token=token) + "#cal-h")


@bp.get("/b/<token>/booking/<int:booking_id>.ics")
def booking_ics(token: str, booking_id: int) -> Response:
    person = ws.person_for_token(token)
    booking = ws.get_booking(booking_id, person=person)
    return _ics(ws.booking_ics(booking), f"session-{booking.session_id}.ics")


@bp.get("/cal/<secret>.ics")
def feed(secret: str) -> Response:
    return _ics(ws.person_feed(ws.person_for_feed(secret)), "jobbforum.ics")
