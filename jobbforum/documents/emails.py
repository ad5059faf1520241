"""Email bodies (plain text and HTML) rendered from templates in the recipient's language."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _

if TYPE_CHECKING:
    from jobbforum.models import Registration


@dataclass
class EmailContent:
    subject: str
    text: str
    html: str


def mail_language(preferred: str | None) -> str:
    """The Babel locale for ``force_locale()``: the person's preferred language if the interface
    has it, else the default language (``prs`` → ``fa_AF``, see jobbforum/languages.py)."""
    from jobbforum.languages import babel_locale

    languages = current_app.config["LANGUAGES"]
    return babel_locale(preferred if preferred in languages else languages[0])


def confirmation(registration: Registration, link: str) -> EmailContent:
    """The sign-up confirmation: what, when, where, the private ticket link (ticket PDF attached
    by the caller). Contains the person's name, but never their participant code."""
    with force_locale(mail_language(registration.person.preferred_language)):
        context = {"registration": registration, "event": registration.event,
                   "person": registration.person, "link": link}
        subject = _("Your ticket: %(title)s", title=registration.event.title)
        if registration.status.value == "waitlisted":
            subject = _("Waiting list: %(title)s", title=registration.event.title)
        return EmailContent(
            subject=subject,
            text=render_template("participant/email/confirmation.txt", **context),
            html=render_template("participant/email/confirmation.html", **context),
        )
