"""Emails to exhibitors, rendered from ``templates/exhibitor/email/`` in the contact's language
and queued with :mod:`jobbforum.services.mailer` (the caller commits, then delivers)."""

from __future__ import annotations

from flask import current_app, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from blueprints.exhibitor.labels import template_labels
from jobbforum.documents.emails import mail_language
from jobbforum.labels import label
from jobbforum.models import ExhibitorRegistration, OutgoingMail
from jobbforum.services import exhibitors, mailer


def _absolute(endpoint: str, **values: object) -> str:
    return current_app.config["BASE_URL"].rstrip("/") + url_for(endpoint, **values)


def _queue(exhibitor: ExhibitorRegistration, template: str, subject: str, **context: object) -> OutgoingMail:
    context = {"exhibitor": exhibitor, "event": exhibitor.event, **template_labels(), **context}
    text = render_template(f"exhibitor/email/{template}.txt", **context)
    html = render_template(f"exhibitor/email/{template}.html", **context)
    return mailer.queue(exhibitor.contact_email, subject, text, html)


def queue_confirmation(exhibitor: ExhibitorRegistration, token: str, *, renewed: bool = False) -> OutgoingMail:
    """Thanks for registering (or: here is a new link), with the private link to change the
    registration."""
    with force_locale(mail_language(exhibitor.contact_language)):
        return _queue(exhibitor, "registered",
                      _("Your exhibitor registration for %(event)s", event=exhibitor.event.title),
                      link=_absolute("exhibitor.edit", token=token), renewed=renewed,
                      deadline=exhibitors.edit_deadline(exhibitor.event))


def queue_decision(exhibitor: ExhibitorRegistration) -> OutgoingMail:
    """The staff's decision (approved, declined with the reason, waiting list)."""
    with force_locale(mail_language(exhibitor.contact_language)):
        return _queue(exhibitor, "decision",
                      _("Exhibitor registration for %(event)s: %(status)s", event=exhibitor.event.title,
                        status=label(exhibitor.status).lower()),
                      list_url=_absolute("exhibitor.public_list", slug=exhibitor.event.slug))
