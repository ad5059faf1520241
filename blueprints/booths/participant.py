"""The participant's side of booth scanning, on the private ticket page.

URLs:
    /t/<token>/sharing                          change what booth scans share (POST)
    /t/<token>/booths/<visit_id>/withdraw       withdraw sharing with one exhibitor (POST)
"""

from __future__ import annotations

from flask import flash, g, redirect, url_for
from flask_babel import gettext as _

from blueprints.booths import bp
from blueprints.booths.forms import ActionForm, SharingForm
from blueprints.participant.views import private_link
from jobbforum.extensions import db
from jobbforum.models import BoothSharing
from jobbforum.services import booths


def _back(token: str):  # type: ignore[no-untyped-def]
    return redirect(url_for("participant.ticket", token=token, _anchor="booth-sharing"), 303)


@bp.post("/t/<token>/sharing")
@private_link
def change_sharing(registration, token: str):  # type: ignore[no-untyped-def]
    form = SharingForm()
    if not form.validate_on_submit():
        from blueprints.participant.views import ticket

        g.sharing_form = form  # shown again with its message
        page = ticket.__wrapped__(registration, token)  # type: ignore[attr-defined]
        return page, 400
    booths.set_sharing(registration, BoothSharing(form.booth_sharing.data))
    db.session.commit()
    flash(_("Your choice is saved."), "success")
    return _back(token)


@bp.post("/t/<token>/booths/<int:visit_id>/withdraw")
@private_link
def withdraw(registration, token: str, visit_id: int):  # type: ignore[no-untyped-def]
    if not ActionForm().validate_on_submit():
        return _back(token)
    visit = booths.withdraw(registration, visit_id)  # NotFound for another person's visit
    db.session.commit()
    flash(_("%(name)s no longer has your name or contact details.",
            name=visit.exhibitor.organisation.name), "success")
    return _back(token)

