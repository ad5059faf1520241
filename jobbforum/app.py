"""The application factory."""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask, g, has_request_context, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

from jobbforum import config as config_module
from jobbforum import ratelimits
from jobbforum.extensions import babel, csrf, db, limiter, login_manager, migrate
from jobbforum.paths import CHECKOUT_DIR, TRANSLATIONS_DIR, resource_dir

log = logging.getLogger(__name__)

#: Content-Security-Policy: no inline scripts or styles, nothing from other origins.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "media-src 'self' blob:; connect-src 'self'; font-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)

#: Sent with every response unless the view set its own: (lower-case name, name, value).
SECURITY_HEADERS = tuple((name.lower(), name, value) for name, value in (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("X-Frame-Options", "DENY"),
    ("Permissions-Policy", "camera=(self), microphone=(), geolocation=()"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
))


class IdConverter(IntegerConverter):
    """``<int:…>`` in every route (they are all ids): a number beyond what an id column holds
    matches no route (404) instead of reaching the database, where it overflows into a 500
    (found by fuzzing the API on PostgreSQL). ``max`` is published in the OpenAPI document."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:  # noqa: A002 - werkzeug's name
        from jobbforum.models import MAX_ID

        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


@sa.event.listens_for(sa.engine.Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """SQLite: write-ahead log (readers don't block the writer) and enforced foreign keys."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()


def _instance_path(overrides: Mapping[str, Any] | None) -> str | None:
    if overrides and overrides.get("INSTANCE_PATH"):
        return str(overrides["INSTANCE_PATH"])
    if os.environ.get("JOBBFORUM_INSTANCE_PATH"):
        return os.environ["JOBBFORUM_INSTANCE_PATH"]
    if (CHECKOUT_DIR / "setup.cfg").exists():
        return str(CHECKOUT_DIR / "instance")
    return None


def create_app(overrides: Mapping[str, Any] | None = None) -> Flask:
    """Build a configured app: defaults < ``JOBBFORUM_*`` environment < ``overrides``."""
    app = Flask(
        "jobbforum",
        template_folder=str(resource_dir("templates")),
        static_folder=str(resource_dir("static")),
        instance_path=_instance_path(overrides),
        instance_relative_config=False,
    )
    instance_path = Path(app.instance_path)
    settings = config_module.load_config(instance_path, overrides)
    app.config.update(settings)
    # JOBBFORUM_DEBUG, or Flask's own --debug / FLASK_DEBUG.
    app.debug = bool(app.config.get("DEBUG")) or app.debug
    app.config["DEBUG"] = app.debug
    config_module.ensure_secret_key(app.config, instance_path)  # type: ignore[arg-type]
    if "SESSION_COOKIE_SECURE" not in (overrides or {}):
        # Secure cookies everywhere but a local debug server or the test client (plain HTTP).
        app.config["SESSION_COOKIE_SECURE"] = not (app.debug or app.testing)
    app.config["REMEMBER_COOKIE_SECURE"] = app.config["SESSION_COOKIE_SECURE"]
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(TRANSLATIONS_DIR)
    instance_path.mkdir(parents=True, exist_ok=True)

    _init_extensions(app)
    app.url_map.converters["int"] = IdConverter  # before any route is added
    _register_blueprints(app)
    _limit_private_links(app)
    ratelimits.skip_idle_request_check(app, limiter)
    _register_hooks(app)
    _register_error_handlers(app)
    _register_cli(app)
    return app


def select_locale() -> str:
    """``?lang=`` (remembered in a cookie), else the cookie, else Accept-Language, else Swedish.

    Returns the Babel locale (``fa_AF`` for the app code ``prs``; see jobbforum/languages.py).
    """
    from flask import current_app

    from jobbforum import languages as langs

    codes = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI and background work: the default language
        return langs.babel_locale(codes[0])
    for candidate in (request.args.get("lang"), request.cookies.get("lang")):
        if candidate in codes:
            return langs.babel_locale(candidate)
    # Browsers send BCP 47 tags, best first: "uk-UA" means uk; Dari arrives as "prs", "fa-AF"
    # or (Persian, close enough to read) "fa".
    tags = {langs.get(code).html_lang.lower(): code for code in codes}
    tags |= {code: code for code in codes}
    if "prs" in codes:
        tags.setdefault("fa", "prs")
    for value, _quality in request.accept_languages:
        value = value.lower().replace("_", "-")
        code = tags.get(value) or tags.get(value.split("-")[0])
        if code:
            return langs.babel_locale(code)
    return langs.babel_locale(codes[0])


def _init_extensions(app: Flask) -> None:
    from jobbforum.dbpool import init_autocommit_pool, ping_when_idle
    from jobbforum.services import users

    # SQL parameters carry personal data (names, e-mail addresses, codes): keep them out of
    # SQLAlchemy's error messages, and so out of logged tracebacks. A deployment debugging a
    # query can still set hide_parameters to False in SQLALCHEMY_ENGINE_OPTIONS.
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
        "hide_parameters": True, **app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {})}
    db.init_app(app)
    idle_seconds = float(app.config["DB_PING_AFTER_IDLE_SECONDS"])
    with app.app_context():
        for engine in db.engines.values():
            ping_when_idle(engine, idle_seconds)
        init_autocommit_pool(app, db.engine, idle_seconds)
    migrate.init_app(app, db, directory=str(resource_dir("migrations")))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale,
                   default_timezone=app.config["TIMEZONE"])
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "basic"
    login_manager.user_loader(users.load_session_user)

    from jobbforum import models  # noqa: F401  (registers every table for Alembic)


def _register_blueprints(app: Flask) -> None:
    from blueprints import BLUEPRINTS

    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)


#: URL arguments that carry a private link (ticket, bookings, exhibitor edit link, calendar feed).
PRIVATE_LINK_ARGUMENTS = frozenset({"token", "secret"})


def _private_link_limit() -> str:
    from flask import current_app

    return str(current_app.config.get("PRIVATE_LINK_RATE_LIMIT", "30 per minute"))


def _failed_lookup(response: Any) -> bool:
    return bool(response.status_code == 404)


def _limit_private_links(app: Flask) -> None:
    """Throttle guessing private links: every route with a ``<token>``/``<secret>`` shares one
    limit per address, counting only failed look-ups (404), so a person using their own link is
    never slowed down. Found from the URL map, so a new link route is covered without a change.

    The limiter is one object for every app made in the process (tests, the CLI): the limit's
    provider and condition are module functions, so registering it for another app adds the same
    limit again (a set keeps one) instead of counting each look-up once more per app."""
    throttle = limiter.shared_limit(_private_link_limit, scope="private-link",
                                    deduct_when=_failed_lookup)
    for rule in app.url_map.iter_rules():
        if PRIVATE_LINK_ARGUMENTS & set(rule.arguments):
            app.view_functions[rule.endpoint] = throttle(app.view_functions[rule.endpoint])


def _register_hooks(app: Flask) -> None:
    from blueprints.helpers import template_globals
    from jobbforum.labels import label

    app.context_processor(template_globals)
    # A Jinja global, not a context processor: emails rendered outside a request need it too.
    app.jinja_env.globals["label"] = label

    @app.before_request
    def refuse_nul_bytes() -> None:
        # NUL is never valid input, and PostgreSQL cannot store or even compare it: refuse it
        # once, here, as bad input (found by fuzzing the API) instead of failing deep inside.
        from flask import abort

        if "\x00" in request.path or any("\x00" in v for v in request.args.values()):
            abort(400)
        if request.method in ("POST", "PUT", "PATCH", "DELETE"):
            if request.is_json and b"\\u0000" in request.get_data(cache=True):
                abort(400)
            if request.mimetype == "application/x-www-form-urlencoded" and any(
                    "\x00" in v for v in request.form.values()):
                abort(400)

    @app.after_request
    def security_headers(response: Any) -> Any:
        # Every response, so once over the headers (a view may have set its own) rather than a
        # look-up per header: werkzeug's setdefault scans the list each time (3× the cost).
        headers = response.headers
        present = {key.lower() for key, _value in headers.items()}
        headers.extend([(key, value) for lower, key, value in SECURITY_HEADERS
                        if lower not in present])
        if request.endpoint != "static" and "cache-control" not in present:
            headers.add("Cache-Control", "no-store")
        lang = request.args.get("lang")
        if lang in app.config["LANGUAGES"] and request.cookies.get("lang") != lang:
            response.set_cookie("lang", lang, max_age=365 * 24 * 3600, samesite="Lax",
                                secure=app.config["SESSION_COOKIE_SECURE"], httponly=True)
        return response

    @app.teardown_request
    def forget_request_user(_exc: BaseException | None) -> None:
        # The logged-in user is cached in ``g``; an app context can outlive a request (the CLI,
        # tests), so the cache must not: every request re-checks the session version.
        g.pop("_login_user", None)


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _register_error_handlers(app: Flask) -> None:
    from flask import jsonify, make_response, render_template
    from werkzeug.http import http_date

    from jobbforum.services.errors import DomainError

    def respond(status: int, reason: str, description: str = "") -> Any:
        if _wants_json():
            return jsonify({"status": "error", "reason": reason}), status
        return render_template("errors/error.html", status=status, reason=reason,
                               description=description), status

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> Any:
        return respond(400, "csrf", error.description)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Any:
        status = error.code or 500
        response = make_response(respond(status, (error.name or "error").lower().replace(" ", "_"),
                                         error.description or ""))
        retry_after = getattr(error, "retry_after", None)  # 429 and 503 may say when to retry
        if retry_after is not None and "Retry-After" not in response.headers:
            response.headers["Retry-After"] = (str(retry_after) if isinstance(retry_after, int)
                                               else http_date(retry_after))
        return response

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError) -> Any:
        return respond(error.http_status, error.code, error.text())

    @app.errorhandler(sa.exc.OperationalError)
    def database_unavailable(error: sa.exc.OperationalError) -> Any:
        # The database is down or restarting: a clear, retryable answer (the scanner queues the
        # scan and replays it later) instead of a 500. The pool drops the broken connections.
        log.warning("Database unavailable on %s %s: %s", request.method, request.path,
                    str(error.orig or error).splitlines()[0] if str(error) else "")
        try:
            db.session.rollback()
        except sa.exc.SQLAlchemyError:
            db.session.remove()
        response = make_response(respond(503, "database_unavailable"))
        response.headers["Retry-After"] = "5"
        return response

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> Any:
        log.exception("Unhandled error on %s %s", request.method, request.path)
        db.session.rollback()
        return respond(500, "internal_error")


def _register_cli(app: Flask) -> None:
    from jobbforum.cli import COMMANDS

    for command in COMMANDS:
        app.cli.add_command(command)
