"""Public pages: home and event pages.

URLs:
    /                   home: published events
    /events/<slug>      one event
    /healthz            liveness for load balancers (JSON)
"""

from __future__ import annotations

from flask import abort, jsonify, render_template

from blueprints.public import bp
from jobbforum.models import EventStatus
from jobbforum.services import events


@bp.get("/")
def home() -> str:
    return render_template("public/home.html", events=events.list_events(public_only=True))


@bp.get("/events/<slug>")
def event(slug: str) -> str:
    found = events.get_event(slug)
    if found.status is EventStatus.draft:
        abort(404)
    return render_template("public/event.html", event=found)


@bp.get("/healthz")
def health():  # type: ignore[no-untyped-def]
    return jsonify({"status": "ok"})
