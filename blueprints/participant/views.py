"""Sign-up and the personal ticket page.

URLs:
    /events/<slug>/register     sign-up form (participants, mentors, visitors)
    /t/<token>                  personal ticket page behind the private link (QR, details)
    /t/<token>/event.ics        "add to calendar"
    /t/<token>/ticket.pdf       the ticket as an A6 PDF
"""

from __future__ import annotations

from functools import wraps

from flask import Response, abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from blueprints.helpers import form_status
from blueprints.participant import bp
from blueprints.participant.forms import SignUpForm
from jobbforum.documents import ics
from jobbforum.documents import tickets as ticket_documents
from jobbforum.documents.qr import qr_svg
from jobbforum.extensions import db, limiter
from jobbforum.models import (
    BoothSharing,
    EventStatus,
    Gender,
    OutgoingMail,
    RegistrationStatus,
    Role,
    utcnow,
)
from jobbforum.services import events, links, registrations
from jobbforum.services.errors import DomainError

#: Service errors shown on the sign-up form, in the reader's language.
SIGN_UP_MESSAGES = {
    "registration_closed": _l("Registration for this event is not open."),
    "event_full": _l("The event is full. Tick the box below to join the waiting list."),
    "unknown_participant_code": _l("We could not find this participant code with this mobile "
                                   "number or email. Check them, or leave the code empty."),
}
LINK_MESSAGES = {
    "link_invalid": _l("This link does not work. Check that you copied the whole link from "
                       "the email."),
    "link_expired": _l("This link has expired."),
    "link_revoked": _l("This link no longer works. We have sent you a newer link."),
}


def commit_and_send(mails: list[OutgoingMail | None]) -> None:
    """Commit the change with its queued mails first (so a failed send never loses it), then try
    to send them now; what fails stays queued for ``jobbforum mail retry``."""
    db.session.commit()
    for mail in mails:
        registrations.send_queued(mail)
    db.session.commit()


def _sign_up_data(form: SignUpForm) -> registrations.SignUpData:
    return registrations.SignUpData(
        role=Role(form.role.data), name=form.name.data.strip(), email=form.email.data or "",
        phone=form.phone.data or "", round_id=int(form.round_id.data) if form.round_id.data else None,
        preferred_language=form.preferred_language.data,
        gender=Gender(form.gender.data) if form.gender.data else None,
        participant_code=form.participant_code.data or "", consent=form.consent.data,
        waitlist_ok=form.waitlist_ok.data, booth_sharing=BoothSharing(form.booth_sharing.data or BoothSharing.visit_only.value))


def _sign_up_limit() -> str:
    return str(current_app.config.get("SIGNUP_RATE_LIMIT", "20 per minute"))


@bp.route("/events/<slug>/register", methods=["GET", "POST"])
@limiter.limit(_sign_up_limit, methods=["POST"])
def register(slug: str):  # type: ignore[no-untyped-def]
    event = events.get_event(slug)
    if event.status is EventStatus.draft:
        abort(404)
    form = SignUpForm(rounds=event.rounds)
    is_open, left = event.registration_is_open(utcnow()), registrations.places_left(event)
    if is_open and form.validate_on_submit():
        try:
            result = registrations.sign_up(event, _sign_up_data(form))
        except registrations.AlreadyRegistered as error:
            db.session.rollback()
            existing = error.context["registration"]
            mail = registrations.queue_confirmation(existing, registrations.issue_link(existing))
            commit_and_send([mail])
            return render_template("participant/already_registered.html", event=event,
                                   by_email=mail is not None)
        except DomainError as error:
            db.session.rollback()
            _show_error(form, error)
        else:
            commit_and_send([registrations.queue_confirmation(result.registration, result.token)])
            return redirect(url_for("participant.ticket", token=result.token, welcome=1))
    return render_template("participant/register.html", event=event, form=form, is_open=is_open,
                           places_left=left), form_status(form)


def _show_error(form: SignUpForm, error: DomainError) -> None:
    field_name = error.context.get("field") or ("waitlist_ok" if error.code == "event_full" else None)
    message = SIGN_UP_MESSAGES.get(error.code) or error.text()
    field = getattr(form, str(field_name), None) if field_name else None
    target = field if field is not None else form.name
    target.errors = [*target.errors, message]  # type: ignore[list-item]
    form.show_waitlist = error.code == "event_full"  # type: ignore[attr-defined]


def private_link(view):  # type: ignore[no-untyped-def]
    """Resolve ``<token>`` to its registration (recording the link's use) and pass it to the view;
    an invalid, expired or revoked link gets a page that says so, never which person it was for."""

    @wraps(view)
    def wrapped(token: str, **kwargs):  # type: ignore[no-untyped-def]
        try:
            registration = registrations.registration_from_token(token)
        except (links.LinkInvalid, links.LinkExpired, links.LinkRevoked) as error:
            db.session.rollback()
            return render_template("participant/link_problem.html", message=LINK_MESSAGES.get(
                error.code) or error.text()), error.http_status
        db.session.commit()
        return view(registration, token, **kwargs)

    return wrapped


@bp.get("/t/<token>")
@private_link
def ticket(registration, token: str):  # type: ignore[no-untyped-def]
    from blueprints.booths.context import booth_context

    active = registration.active_ticket
    qr = Markup(qr_svg(active.code, title=_("QR code of your ticket"))) if active else None
    return render_template(
        "participant/ticket.html", registration=registration, event=registration.event,
        ticket=active, qr=qr, token=token, welcome=bool(request.args.get("welcome")),
        waiting_position=registrations.waiting_position(registration),
        RegistrationStatus=RegistrationStatus, **booth_context(registration))


@bp.get("/t/<token>/event.ics")
@private_link
def ticket_ics(registration, token: str):  # type: ignore[no-untyped-def]
    event = registration.event
    body = ics.event_to_ics(ticket_documents.calendar_entry(
        event, url=url_for("public.event", slug=event.slug, _external=True)))
    return Response(body, mimetype="text/calendar", headers={
        "Content-Disposition": f'attachment; filename="{event.slug}.ics"'})


@bp.get("/t/<token>/ticket.pdf")
@private_link
def ticket_pdf(registration, token: str):  # type: ignore[no-untyped-def]
    if registration.active_ticket is None:
        abort(404)
    body = ticket_documents.ticket_pdf(registration)
    return Response(body, mimetype="application/pdf", headers={
        "Content-Disposition": 'inline; filename="ticket.pdf"'})


