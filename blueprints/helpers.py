"""Helpers shared by the blueprints: role checks, form/error plumbing, template globals."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort, current_app, flash, request
from flask_login import current_user
from flask_wtf import FlaskForm

from jobbforum.models import StaffRole
from jobbforum.services.errors import DomainError

F = TypeVar("F", bound=Callable[..., Any])


def staff_required(*roles: StaffRole) -> Callable[[F], F]:
    """Require a logged-in staff user with one of ``roles`` (admins always pass).

    Anonymous users are sent to the login page (401 JSON on ``/api/``); others get 403.
    """

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                if request.path.startswith("/api/"):
                    abort(401)
                return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
            if roles and not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


coordinator_required = staff_required(StaffRole.coordinator)
admin_required = staff_required(StaffRole.admin)
door_required = staff_required(StaffRole.door, StaffRole.coordinator)


def apply_domain_error(form: FlaskForm, error: DomainError) -> None:
    """Show a service's error on the form field it names, else as a form-level message."""
    field_name = error.context.get("field")
    field = getattr(form, str(field_name), None) if field_name else None
    if field is not None:
        field.errors = [*field.errors, error.text()]  # type: ignore[list-item]
    else:
        flash(error.text(), "error")


def attempt(form: FlaskForm, action: Callable[[], Any],
            on_error: Callable[[], None] | None = None) -> tuple[bool, Any]:
    """Run ``action`` (a service call) if ``form`` validates, and commit.

    A :class:`DomainError` rolls back, runs ``on_error`` (e.g. delete an uploaded file) and is
    shown on the form's field. Returns ``(committed, action's result)``. For views that must act
    after the commit (deliver queued mail) or clean up after a refusal; see :func:`run_form`.
    """
    from jobbforum.extensions import db

    if not form.validate_on_submit():
        return False, None
    try:
        result = action()
    except DomainError as error:
        db.session.rollback()
        if on_error is not None:
            on_error()
        apply_domain_error(form, error)
        return False, None
    db.session.commit()
    return True, result


def run_form(form: FlaskForm, operation: Callable[[], Any], *, success: str,
             redirect_to: str | Callable[[Any], str]) -> Any | None:
    """The usual POST: validate, call the service, commit, flash, redirect.

    Returns the redirect response, or ``None`` when the form must be shown again (not submitted,
    invalid, or the service refused: then the transaction is rolled back and the error is put
    on its field). What was typed stays in the form either way.
    """
    from flask import redirect

    committed, result = attempt(form, operation)
    if not committed:
        return None
    flash(success, "success")
    return redirect(redirect_to(result) if callable(redirect_to) else redirect_to)


def form_status(form: FlaskForm) -> int:
    """400 when a submitted form is shown again with errors, else 200."""
    return 400 if form.errors else 200


def template_globals() -> dict[str, Any]:
    from flask_babel import format_date, format_datetime, format_decimal

    from jobbforum import glossary
    from jobbforum import languages as langs
    from jobbforum.documents.tickets import format_when

    language = langs.get(langs.current_code())
    return {
        "current_lang": language.code,
        "current_language": language,
        "html_lang": language.html_lang,
        "languages": [langs.get(code) for code in current_app.config["LANGUAGES"]],
        "text_direction": "rtl" if language.rtl else "ltr",
        "StaffRole": StaffRole,
        "format_datetime": format_datetime,
        "format_date": format_date,
        "format_number": format_decimal,
        "GLOSSARY": glossary.TERMS,
        "format_when": format_when,
    }
