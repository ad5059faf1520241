"""Running a service call behind a form when something must happen around the commit.

The usual case is :func:`blueprints.helpers.run_form`. :func:`attempt` is for the views that must
clean up after a refused call (delete an uploaded logo) or act after the commit (deliver the
queued mail, which must only leave once the registration is stored).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_wtf import FlaskForm

from blueprints.helpers import apply_domain_error
from jobbforum.extensions import db
from jobbforum.services.errors import DomainError


def attempt(form: FlaskForm, action: Callable[[], Any],
            on_error: Callable[[], None] | None = None) -> bool:
    """Run ``action`` if ``form`` validates and commit. A :class:`DomainError` rolls back, runs
    ``on_error`` (e.g. delete an uploaded file) and is shown on the form. Returns whether it
    committed."""
    if not form.validate_on_submit():
        return False
    try:
        action()
    except DomainError as error:
        db.session.rollback()
        if on_error is not None:
            on_error()
        apply_domain_error(form, error)
        return False
    db.session.commit()
    return True
