"""Coordinators' booth pages: visits per exhibitor and per organisation type, booth links.

URLs:
    /admin/events/<slug>/booth-visits                       visits per exhibitor and per type
    /admin/events/<slug>/booth-visits/<id>/link             a new booth scanner link for an exhibitor
                                                            (POST; older ones stop working; shown
                                                            once, to pass on)
"""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from blueprints.booths import bp
from blueprints.booths.forms import ActionForm
from blueprints.helpers import coordinator_required
from jobbforum.extensions import db
from jobbforum.services import booths, events, exhibitors


def _page(slug: str, issued: tuple[int, str] | None = None, status: int = 200):  # type: ignore[no-untyped-def]
    event = events.get_event(slug)
    return render_template("booths/staff.html", event=event, by_exhibitor=booths.visits_by_exhibitor(event),
                           by_type=booths.visits_by_type(event), form=ActionForm(), issued=issued,
                           deadline=booths.retention_deadline(event),
                           retention_days=booths.retention_days()), status


@bp.get("/admin/events/<slug>/booth-visits")
@coordinator_required
def staff_visits(slug: str):  # type: ignore[no-untyped-def]
    return _page(slug)


@bp.post("/admin/events/<slug>/booth-visits/<int:exhibitor_id>/link")
@coordinator_required
def staff_link(slug: str, exhibitor_id: int):  # type: ignore[no-untyped-def]
    exhibitor = exhibitors.get_exhibitor(events.get_event(slug), exhibitor_id)
    if not ActionForm().validate_on_submit():
        return _page(slug, status=400)
    token = booths.issue_link(exhibitor, actor=current_user, revoke_older=True)
    db.session.commit()
    return _page(slug, issued=(exhibitor.id, token))
