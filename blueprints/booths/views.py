"""The booth scanner of an exhibitor's booth staff, behind a private booth link.

URLs:
    /exhibitor/edit/<token>/booth-link          from the exhibitor's edit page: open the booth
                                                scanner (issues a booth link; POST)
    /booth/<token>                              the booth scanner: scan, what is shared, visits
    /booth/<token>/visits/<id>                  note and tags of one visit (POST)
    /booth/<token>/visits.<csv|xlsx>            export of the booth's visits (until the deadline)
"""

from __future__ import annotations

from flask import Response, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from blueprints.booths import bp
from blueprints.booths.forms import TAG_LABELS, ActionForm, VisitForm
from blueprints.helpers import run_form
from jobbforum.documents.exports import csv_bytes, xlsx_bytes
from jobbforum.extensions import db
from jobbforum.models import ExhibitorRegistration, utcnow
from jobbforum.services import booths, exhibitors, links
from jobbforum.services.errors import DomainError

#: Column headings of the visit export, in the reader's language.
EXPORT_HEADINGS = {
    "visit": _l("Visit"), "first_scanned_at": _l("First scan"), "last_scanned_at": _l("Last scan"),
    "scans": _l("Scans"), "name": _l("Name"), "email": _l("Email"), "phone": _l("Phone"),
    "tags": _l("Tags"), "note": _l("Note"),
}


@bp.errorhandler(links.LinkInvalid)
@bp.errorhandler(links.LinkExpired)
@bp.errorhandler(links.LinkRevoked)
@bp.errorhandler(booths.NotApproved)
def link_problem(error: DomainError):  # type: ignore[no-untyped-def]
    """A booth link that does not work: say why, never whose it was."""
    db.session.rollback()
    return render_template("booths/link_error.html", error=error), error.http_status


@bp.post("/exhibitor/edit/<token>/booth-link")
def open_scanner(token: str):  # type: ignore[no-untyped-def]
    exhibitor = exhibitors.exhibitor_for_link(token)
    if not ActionForm().validate_on_submit():
        abort(400)
    booth_token = booths.issue_link(exhibitor)
    db.session.commit()
    return redirect(url_for("booths.scanner", token=booth_token), 303)


def _scanner_page(exhibitor: ExhibitorRegistration, token: str, form: VisitForm | None = None,
                  open_visit: int | None = None, status: int = 200):  # type: ignore[no-untyped-def]
    event = exhibitor.event
    opens, closes = booths.scanning_window(event)
    now = utcnow()
    return render_template(
        "booths/scanner.html", exhibitor=exhibitor, event=event, token=token,
        visits=booths.visits_for(exhibitor), shared_part=booths.shared_part,
        form=form, open_visit=open_visit, tag_labels=TAG_LABELS,
        deadline=booths.retention_deadline(event), can_scan=opens <= now <= closes,
        can_export=now < booths.retention_deadline(event)), status


@bp.get("/booth/<token>")
def scanner(token: str):  # type: ignore[no-untyped-def]
    exhibitor = booths.exhibitor_for_link(token)
    db.session.commit()  # the link's last use
    return _scanner_page(exhibitor, token, open_visit=request.args.get("visit", type=int))


@bp.post("/booth/<token>/visits/<int:visit_id>")
def annotate(token: str, visit_id: int):  # type: ignore[no-untyped-def]
    exhibitor = booths.exhibitor_for_link(token)
    visit = booths.get_visit(exhibitor, visit_id)  # NotFound for another booth's visit
    form = VisitForm(prefix=f"v{visit.id}")
    done = run_form(form, lambda: booths.annotate(visit, note=form.note.data or "",
                                                  tags=form.tags.data or []),
                    success=_("The note is saved."),
                    redirect_to=url_for("booths.scanner", token=token, _anchor=f"visit-{visit.id}"))
    return done or _scanner_page(exhibitor, token, form=form, open_visit=visit.id, status=400)


@bp.get("/booth/<token>/visits.<fmt>")
def export(token: str, fmt: str):  # type: ignore[no-untyped-def]
    if fmt not in ("csv", "xlsx"):
        abort(404)
    exhibitor = booths.exhibitor_for_link(token)
    rows = booths.export_rows(exhibitor)  # RetentionPassed after the deadline
    db.session.commit()
    headings = [str(EXPORT_HEADINGS[c]) for c in booths.EXPORT_COLUMNS]
    for row in rows:
        row[7] = ", ".join(str(TAG_LABELS.get(t, t)) for t in row[7])
    name = f"booth-visits-{exhibitor.event.slug}.{fmt}"
    if fmt == "csv":
        body, mimetype = csv_bytes(headings, rows), "text/csv; charset=utf-8"
    else:
        body = xlsx_bytes(headings, rows, title=_("Booth visits"))
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})
