"""Staff login and logout.

URLs:
    /login      GET form, POST email + password
    /logout     POST (CSRF-protected)
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from flask import (
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from blueprints.auth import bp
from blueprints.auth.forms import LoginForm
from jobbforum.extensions import db, limiter
from jobbforum.models import StaffRole
from jobbforum.services import users
from jobbforum.services.errors import AccountLocked, InvalidCredentials


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _safe_next(target: str | None) -> str | None:
    """Only same-site relative paths; never an open redirect."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def _landing(user: users.StaffUser) -> str:
    if user.role is StaffRole.door:
        return url_for("admin.door_home")
    return url_for("admin.dashboard")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():  # type: ignore[no-untyped-def]
    if current_user.is_authenticated:
        return redirect(_landing(current_user))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = users.authenticate(
                form.email.data or "", form.password.data or "",
                threshold=current_app.config["LOGIN_LOCKOUT_THRESHOLD"],
                lockout=timedelta(minutes=current_app.config["LOGIN_LOCKOUT_MINUTES"]),
            )
        except AccountLocked:
            db.session.commit()
            flash(_("This account is locked after too many failed attempts. Try again in a while."),
                  "error")
            status = 403
        except InvalidCredentials:
            db.session.commit()
            flash(_("Wrong email or password."), "error")
            status = 401
        else:
            db.session.commit()
            session.clear()  # a fresh session: no fixation
            login_user(user)
            return redirect(_safe_next(request.args.get("next")) or _landing(user))
    elif request.method == "POST":
        status = 400
    form.password.data = ""
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
@login_required
def logout():  # type: ignore[no-untyped-def]
    users.logout(current_user._get_current_object())  # type: ignore[attr-defined]
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You are logged out."), "info")
    return redirect(url_for("public.home"))
