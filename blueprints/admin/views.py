"""Staff pages: dashboard, events and programme rounds.

URLs (all under /admin):
    /                           dashboard (coordinators, admins)
    /door                       landing page for door staff
    /events, /events/new        list, create
    /events/<slug>/edit         edit
    /rounds, /rounds/new        list, create
    /rounds/<slug>/edit         edit
"""

from __future__ import annotations

from typing import Any

from flask import current_app, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints.admin import bp
from blueprints.admin.forms import EventForm, RoundForm
from blueprints.helpers import (
    coordinator_required,
    door_required,
    form_status,
    run_form,
)
from jobbforum.models import County, EventKind, EventStatus
from jobbforum.services import events
from jobbforum.timeutil import local_to_utc, utc_to_local

_DATETIME_FIELDS = ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at")


@bp.get("/")
@coordinator_required
def dashboard() -> str:
    return render_template("admin/dashboard.html", events=events.list_events(),
                           rounds=events.list_rounds())


@bp.get("/door")
@door_required
def door_home() -> str:
    return render_template("admin/door_home.html", events=events.list_events(public_only=True))


def _event_form_data(form: EventForm) -> dict[str, Any]:
    tz = current_app.config["TIMEZONE"]
    data: dict[str, Any] = {
        "title": form.title.data.strip(), "slug": form.slug.data.strip(),
        "kind": EventKind(form.kind.data), "status": EventStatus(form.status.data),
        "venue": form.venue.data or "", "address": form.address.data or "",
        "capacity": form.capacity.data, "description": form.description.data or "",
    }
    for name in _DATETIME_FIELDS:
        value = getattr(form, name).data
        data[name] = local_to_utc(value, tz) if value else None
    return data


def _round_choices(form: EventForm) -> None:
    form.rounds.choices = [(r.id, f"{r.name} ({r.term})") for r in events.list_rounds()]


def _selected_rounds(form: EventForm) -> list[Any]:
    chosen = set(form.rounds.data or [])
    return [r for r in events.list_rounds() if r.id in chosen]


@bp.get("/events")
@coordinator_required
def event_list() -> str:
    return render_template("admin/events.html", events=events.list_events())


@bp.route("/events/new", methods=["GET", "POST"])
@coordinator_required
def event_new():  # type: ignore[no-untyped-def]
    form = EventForm()
    _round_choices(form)
    done = run_form(form, lambda: events.create_event(
        actor=current_user, rounds=_selected_rounds(form), **_event_form_data(form)),
        success=_("The event was created."), redirect_to=url_for("admin.event_list"))
    return done or (render_template("admin/event_form.html", form=form, event=None),
                    form_status(form))


@bp.route("/events/<slug>/edit", methods=["GET", "POST"])
@coordinator_required
def event_edit(slug: str):  # type: ignore[no-untyped-def]
    event = events.get_event(slug)
    form = EventForm(obj=event)
    _round_choices(form)
    if not form.is_submitted():
        tz = current_app.config["TIMEZONE"]
        form.kind.data, form.status.data = event.kind.value, event.status.value
        form.rounds.data = [r.id for r in event.rounds]
        for name in _DATETIME_FIELDS:
            value = getattr(event, name)
            getattr(form, name).data = utc_to_local(value, tz).replace(tzinfo=None) if value else None
    done = run_form(form, lambda: events.update_event(
        event, actor=current_user, rounds=_selected_rounds(form), **_event_form_data(form)),
        success=_("Saved."), redirect_to=url_for("admin.event_list"))
    return done or (render_template("admin/event_form.html", form=form, event=event),
                    form_status(form))


@bp.get("/rounds")
@coordinator_required
def round_list() -> str:
    return render_template("admin/rounds.html", rounds=events.list_rounds())


def _round_form_data(form: RoundForm) -> dict[str, Any]:
    return {"name": form.name.data.strip(), "slug": form.slug.data.strip(),
            "county": County(form.county.data), "term": form.term.data.strip(),
            "starts_on": form.starts_on.data, "ends_on": form.ends_on.data}


@bp.route("/rounds/new", methods=["GET", "POST"])
@coordinator_required
def round_new():  # type: ignore[no-untyped-def]
    form = RoundForm()
    done = run_form(form, lambda: events.create_round(actor=current_user, **_round_form_data(form)),
                    success=_("The round was created."), redirect_to=url_for("admin.round_list"))
    return done or (render_template("admin/round_form.html", form=form, round=None),
                    form_status(form))


@bp.route("/rounds/<slug>/edit", methods=["GET", "POST"])
@coordinator_required
def round_edit(slug: str):  # type: ignore[no-untyped-def]
    programme_round = events.get_round(slug)
    form = RoundForm(obj=programme_round)
    if not form.is_submitted():
        form.county.data = programme_round.county.value
    done = run_form(form, lambda: events.update_round(
        programme_round, actor=current_user, **_round_form_data(form)),
        success=_("Saved."), redirect_to=url_for("admin.round_list"))
    return done or (render_template("admin/round_form.html", form=form, round=programme_round),
                    form_status(form))
