"""Public exhibitor pages and the exhibitor's private edit page.

URLs:
    /events/<slug>/exhibitors                      approved exhibitors; GET filters type, sector,
                                                   offer, language, q and page (no JavaScript needed)
    /events/<slug>/exhibitors/<id>                 one approved exhibitor
    /events/<slug>/exhibitors/register             registration form
    /events/<slug>/exhibitors/register/done        confirmation
    /exhibitor/edit/<token>                        private link: change the registration
    /exhibitor/edit/<token>/staff                  private link: add booth staff (POST)
    /exhibitor/edit/<token>/staff/<id>/remove      private link: remove booth staff (POST)
    /exhibitor-logos/<name>                        logo images (server-generated names)
"""

from __future__ import annotations

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
from flask_babel import gettext as _

from blueprints.exhibitor import bp, emails
from blueprints.exhibitor.forms import BoothStaffForm, EditExhibitorForm, ExhibitorForm
from blueprints.exhibitor.labels import template_labels
from blueprints.helpers import attempt, run_form
from jobbforum.extensions import db, limiter
from jobbforum.models import EventStatus, ExhibitorRegistration
from jobbforum.services import events, exhibitors, links, mailer, uploads
from jobbforum.services.errors import DomainError

bp.context_processor(template_labels)


@bp.errorhandler(links.LinkInvalid)
@bp.errorhandler(links.LinkExpired)
@bp.errorhandler(links.LinkRevoked)
@bp.errorhandler(exhibitors.RegistrationClosed)
def link_problem(error: DomainError):  # type: ignore[no-untyped-def]
    """A private link that does not work (or changes after the deadline): say why and what to do."""
    db.session.rollback()
    return render_template("exhibitor/link_error.html", error=error), error.http_status


def _public_event(slug: str) -> Any:
    event = events.get_event(slug)
    if event.status is EventStatus.draft:
        abort(404)
    return event


def _lang() -> str:
    """The app code of the page's language (``prs`` for Dari; see jobbforum/languages.py)."""
    from jobbforum.languages import current_code

    return current_code()


#: Cards per page of the public list (a phone scrolls well through this many; more pages follow).
PAGE_SIZE = 48


@bp.get("/events/<slug>/exhibitors")
def public_list(slug: str) -> str:
    event = _public_event(slug)
    filters = exhibitors.ExhibitorFilter.from_args(request.args)
    total = exhibitors.count_exhibitors(event, filters)
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), pages)
    args = {k: v for k, v in request.args.items() if k in exhibitors.FILTER_PARAMETERS and v}
    return render_template("exhibitor/list.html", event=event, filters=filters, total=total,
                           exhibitors=exhibitors.list_exhibitors(event, filters, limit=PAGE_SIZE,
                                                                 offset=(page - 1) * PAGE_SIZE, cards=True),
                           page=page, pages=pages, page_args=args,
                           sectors=exhibitors.list_sectors(),
                           registration_open=exhibitors.is_open_for_exhibitors(event))


@bp.get("/events/<slug>/exhibitors/<int:exhibitor_id>")
def public_detail(slug: str, exhibitor_id: int) -> str:
    event = _public_event(slug)
    return render_template("exhibitor/detail.html", event=event,
                           exhibitor=exhibitors.get_public_exhibitor(event, exhibitor_id))


def _save_logo(form: ExhibitorForm) -> str | None:
    upload = form.logo.data
    if not upload or not getattr(upload, "filename", ""):
        return None
    return uploads.save_image(upload.stream, kind="logos", field="logo")


@bp.route("/events/<slug>/exhibitors/register", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"])
def register(slug: str):  # type: ignore[no-untyped-def]
    event = _public_event(slug)
    if not exhibitors.is_open_for_exhibitors(event):
        return render_template("exhibitor/closed.html", event=event), 403
    form = ExhibitorForm()
    form.set_choices(exhibitors.list_sectors(), _lang())
    saved: dict[str, Any] = {}

    def register_and_queue_mail() -> None:
        saved["logo"] = _save_logo(form)
        exhibitor, token = exhibitors.register_exhibitor(
            event, form.details(_lang()), staff_names=form.staff_names(), logo_filename=saved["logo"],
            consent_version=current_app.config["PRIVACY_TEXT_VERSION"])
        saved["mail"] = emails.queue_confirmation(exhibitor, token)

    if attempt(form, register_and_queue_mail,
               on_error=lambda: uploads.delete("logos", saved.get("logo")))[0]:
        mailer.deliver(saved["mail"])
        db.session.commit()
        return redirect(url_for("exhibitor.registered", slug=event.slug), 303)
    return render_template("exhibitor/register.html", event=event, form=form), 400 if form.errors else 200


@bp.get("/events/<slug>/exhibitors/register/done")
def registered(slug: str) -> str:
    return render_template("exhibitor/registered.html", event=_public_event(slug))


def _edit_page(exhibitor: ExhibitorRegistration, token: str, form: EditExhibitorForm,
               staff_form: BoothStaffForm | None = None, status: int = 200):  # type: ignore[no-untyped-def]
    return render_template("exhibitor/edit.html", exhibitor=exhibitor, event=exhibitor.event,
                           token=token, form=form, staff_form=staff_form or BoothStaffForm(),
                           deadline=exhibitors.edit_deadline(exhibitor.event),
                           can_edit=exhibitors.is_open_for_exhibitors(exhibitor.event)), status


def _edit_form(exhibitor: ExhibitorRegistration) -> EditExhibitorForm:
    form = EditExhibitorForm(obj=exhibitor)
    form.set_choices(exhibitors.list_sectors(active_only=False), _lang())
    if not form.is_submitted():
        organisation = exhibitor.organisation
        form.name.data, form.type.data = organisation.name, organisation.type.value
        form.website.data = organisation.website
        form.sectors.data = [s.id for s in exhibitor.sectors]
    return form


@bp.route("/exhibitor/edit/<token>", methods=["GET", "POST"])
def edit(token: str):  # type: ignore[no-untyped-def]
    exhibitor = exhibitors.exhibitor_for_link(token)
    db.session.commit()  # the link's last use
    form = _edit_form(exhibitor)
    old_logo, saved = exhibitor.logo_filename, {}

    def update() -> None:
        saved["logo"] = _save_logo(form)
        exhibitors.update_exhibitor(exhibitor, form.details(), logo_filename=saved["logo"])

    if attempt(form, update, on_error=lambda: uploads.delete("logos", saved.get("logo")))[0]:
        if saved["logo"] and old_logo != saved["logo"]:
            uploads.delete("logos", old_logo)
        flash(_("Your changes are saved."), "success")
        return redirect(url_for("exhibitor.edit", token=token), 303)
    return _edit_page(exhibitor, token, form, status=400 if form.errors else 200)


@bp.post("/exhibitor/edit/<token>/staff")
def add_staff(token: str):  # type: ignore[no-untyped-def]
    exhibitor = exhibitors.exhibitor_for_link(token)
    staff_form = BoothStaffForm()
    done = run_form(staff_form, lambda: exhibitors.add_booth_staff(exhibitor, staff_form.name.data),
                    success=_("%(name)s is added to the booth staff.", name=(staff_form.name.data or "").strip()),
                    redirect_to=url_for("exhibitor.edit", token=token, _anchor="booth-staff"))
    return done or _edit_page(exhibitor, token, _edit_form(exhibitor), staff_form, status=400)


@bp.post("/exhibitor/edit/<token>/staff/<int:registration_id>/remove")
def remove_staff(token: str, registration_id: int):  # type: ignore[no-untyped-def]
    exhibitor = exhibitors.exhibitor_for_link(token)
    exhibitors.remove_booth_staff(exhibitor, registration_id)
    db.session.commit()
    flash(_("The person is removed from the booth staff."), "success")
    return redirect(url_for("exhibitor.edit", token=token, _anchor="booth-staff"), 303)


@bp.get("/exhibitor-logos/<name>")
def logo(name: str):  # type: ignore[no-untyped-def]
    path = uploads.stored_path("logos", name)
    if path is None:
        abort(404)
    # Names are random and never reused, so the file can be cached for good.
    return send_file(path, mimetype="image/png" if name.endswith(".png") else "image/jpeg",
                     max_age=365 * 24 * 3600, conditional=True)
