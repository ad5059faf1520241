"""Test fixtures: an app per test session on SQLite or PostgreSQL, builders, a live server, a browser.

The database comes from ``JOBBFORUM_TEST_DB`` (``sqlite``, the default, or ``postgresql``); `make
test` runs the whole suite once on each. PostgreSQL runs get a fresh database of their own (so
several runs can share a server) which is dropped afterwards.

Skips: on a developer machine a missing PostgreSQL server or Chromium skips those tests with a
reason. In CI (``CI=true``) every skip is turned into a failure: nothing may silently not run.
"""

from __future__ import annotations

import os
import shutil
import threading
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from jobbforum.app import create_app
from jobbforum.dbpool import dispose
from jobbforum.extensions import db as _db
from jobbforum.extensions import limiter

ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() == "true"
TEST_DB = os.environ.get("JOBBFORUM_TEST_DB", "sqlite")
PG_ADMIN_URL = os.environ.get(
    "JOBBFORUM_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
CHROMIUM = os.environ.get("JOBBFORUM_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
TEST_PASSWORD = "correct horse battery staple"


def skip_or_fail(reason: str) -> None:
    """Skip with ``reason`` on a developer machine; fail loudly in CI."""
    if IN_CI:
        pytest.fail(f"required in CI but unavailable: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    if IN_CI and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped tests are failures in CI: {report.longrepr}"


def pytest_report_header(config: pytest.Config) -> str:
    return f"jobbforum: database={TEST_DB} ci={IN_CI}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """PostgreSQL-only tests (row locks, real concurrency) run in the PostgreSQL pass only."""
    if TEST_DB == "postgresql":
        return
    deselected = [i for i in items if i.get_closest_marker("postgres_only")]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [i for i in items if not i.get_closest_marker("postgres_only")]


# --------------------------------------------------------------------------- database


def _pg_create() -> str:
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"jobbforum_test_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001 - any failure means "no PostgreSQL here"
        admin.dispose()
        raise RuntimeError(f"PostgreSQL at {PG_ADMIN_URL} is not reachable: {exc}") from exc
    admin.dispose()
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name


def _pg_drop(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def db_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A new, empty database for this test session."""
    if TEST_DB == "postgresql":
        try:
            url = _pg_create()
        except RuntimeError as exc:
            if IN_CI:
                pytest.exit(str(exc), returncode=3)
            pytest.skip(str(exc))
        yield url
        _pg_drop(url)
    elif TEST_DB == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    else:
        raise pytest.UsageError(f"JOBBFORUM_TEST_DB must be sqlite or postgresql, not {TEST_DB!r}")


def app_config(db_url: str, instance: Path) -> dict[str, Any]:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-" + "x" * 32,
        "SQLALCHEMY_DATABASE_URI": db_url,
        "INSTANCE_PATH": str(instance),
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": True,
        "SERVER_NAME": None,
        "BASE_URL": "http://localhost",
        "MAIL_URL": None,
    }


class EnglishClient(FlaskClient):
    """Test clients read pages in English (the source strings tests assert on) unless a test
    sends its own ``?lang=`` or Accept-Language; Swedish is covered by tests/test_translations.py."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture(scope="session")
def app(db_url: str, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The app for the whole session, its schema built by running the real migrations."""
    from flask_migrate import upgrade

    application = create_app(app_config(db_url, tmp_path_factory.mktemp("instance")))
    application.test_client_class = EnglishClient
    with application.app_context():
        upgrade()
    limiter.enabled = False
    yield application
    dispose(application)


def _clean(app: Any) -> None:
    """Empty every table (children first). DELETE, not TRUNCATE: on PostgreSQL a TRUNCATE of
    ~30 tables costs ~200 ms, a DELETE of a test's few rows ~4 ms."""
    with app.app_context():
        _db.session.remove()
        with _db.engine.begin() as conn:
            for table in reversed(_db.metadata.sorted_tables):
                conn.execute(table.delete())


@pytest.fixture()
def db(app: Any) -> Iterator[Any]:
    """The database inside an app context; every table is emptied after the test."""
    with app.app_context():
        yield _db
        _db.session.remove()
    _clean(app)


@pytest.fixture()
def client(app: Any, db: Any) -> Any:
    return app.test_client()


@pytest.fixture()
def csrf_enabled(app: Any) -> Iterator[None]:
    """Turn CSRF protection on (it is off for most tests, which post forms directly)."""
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


@pytest.fixture()
def rate_limits(app: Any) -> Iterator[None]:
    """Turn rate limiting on, with fresh counters."""
    limiter.enabled = True
    limiter.reset()
    yield
    limiter.enabled = False
    limiter.reset()


# --------------------------------------------------------------------------- builders


@pytest.fixture()
def make_round(db: Any) -> Callable[..., Any]:
    from jobbforum.models import County
    from jobbforum.services import events

    counter = iter(range(1, 10_000))

    def build(**kw: Any) -> Any:
        n = next(counter)
        data = dict(slug=f"round-{n}", name=f"Round {n}", county=County.stockholm, term="HT2026",
                    starts_on=date(2026, 9, 1), ends_on=date(2027, 4, 30))
        data.update(kw)
        programme_round = events.create_round(actor=None, actor_label="test", **data)
        _db.session.commit()
        return programme_round

    return build


@pytest.fixture()
def make_event(db: Any) -> Callable[..., Any]:
    from jobbforum.models import EventKind, EventStatus
    from jobbforum.services import events

    counter = iter(range(1, 10_000))

    def build(**kw: Any) -> Any:
        n = next(counter)
        # In two weeks, 08:00–13:00 UTC (09:00–14:00 in Stockholm in winter): a day like a real
        # fair's, never across midnight (a span over two days is written without a weekday).
        starts = (datetime.now(UTC) + timedelta(days=14)).replace(hour=8, minute=0, second=0,
                                                                  microsecond=0)
        data = dict(slug=f"event-{n}", title=f"Jobbforum {n}", kind=EventKind.jobbforum,
                    status=EventStatus.published, venue="Stora salen", starts_at=starts,
                    ends_at=starts + timedelta(hours=5))
        data.update(kw)
        event = events.create_event(actor=None, actor_label="test", **data)
        _db.session.commit()
        return event

    return build


@pytest.fixture()
def make_person(db: Any) -> Callable[..., Any]:
    from jobbforum.codes import new_participant_code
    from jobbforum.models import Person

    counter = iter(range(1, 100_000))

    def build(**kw: Any) -> Any:
        n = next(counter)
        data = dict(name=f"Person {n}", email=f"person{n}@example.com",
                    participant_code=new_participant_code(), preferred_language="sv")
        data.update(kw)
        person = Person(**data)
        _db.session.add(person)
        _db.session.commit()
        return person

    return build


@pytest.fixture()
def make_staff(db: Any) -> Callable[..., Any]:
    from jobbforum.models import StaffRole
    from jobbforum.services import users

    counter = iter(range(1, 10_000))

    def build(role: str | StaffRole = "coordinator", email: str | None = None,
              password: str = TEST_PASSWORD) -> Any:
        role = StaffRole(role)
        user = users.create_user(email or f"{role.value}{next(counter)}@example.org", password,
                                 role, actor_label="test")
        _db.session.commit()
        return user

    return build


@pytest.fixture()
def login(client: Any) -> Callable[..., Any]:
    """Log ``user`` in through the real login form."""

    def do(user: Any, password: str = TEST_PASSWORD, test_client: Any = None) -> Any:
        response = (test_client or client).post(
            "/login", data={"email": user.email, "password": password})
        assert response.status_code == 302, response.data
        return response

    return do


@pytest.fixture()
def staff_client(app: Any, make_staff: Callable[..., Any]) -> Callable[..., Any]:
    """A fresh test client logged in with a new staff user of ``role``."""

    def build(role: str = "coordinator") -> Any:
        user = make_staff(role)
        c = app.test_client()
        c.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
        c.user = user  # type: ignore[attr-defined]
        return c

    return build


# --------------------------------------------------------------------------- browser


@pytest.fixture(scope="session")
def live_server(app: Any) -> Iterator[str]:
    """The session's app served over HTTP on a free loopback port, in a thread."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright (never a downloaded browser)."""
    if not Path(CHROMIUM).exists():
        skip_or_fail(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:  # pragma: no cover
        skip_or_fail(f"playwright is not installed: {exc}")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                              headless=True)
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser: Any, live_server: str, db: Any) -> Iterator[Any]:
    """A fresh browser page (own cookies) at a phone-ish default viewport of 1280×900."""
    context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900},
                                  locale="sv-SE")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture()
def phone_page(browser: Any, live_server: str, db: Any) -> Iterator[Any]:
    """A browser page with a phone-sized viewport and touch."""
    context = browser.new_context(base_url=live_server, viewport={"width": 390, "height": 844},
                                  device_scale_factor=2, is_mobile=True, has_touch=True,
                                  locale="sv-SE")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def run_axe(page: Any) -> list[dict[str, Any]]:
    """Run axe-core (from npm) on the page; return its serious and critical violations."""
    if not AXE_JS.exists():
        skip_or_fail(f"axe-core not installed at {AXE_JS} (run `npm ci`)")
    page.evaluate(AXE_JS.read_text())
    result = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    return [v for v in result if v.get("impact") in ("serious", "critical")]


@pytest.fixture()
def artifacts() -> Path:
    """Where tests save screenshots and rendered PDFs for a human to look at."""
    path = ROOT / "test-artifacts"
    path.mkdir(exist_ok=True)
    return path


def require_binary(name: str) -> str:
    """Path of a system tool the test needs (pdftoppm, zbarimg, ffmpeg, …)."""
    found = shutil.which(name)
    if not found:
        skip_or_fail(f"{name} is not installed")
    return found  # type: ignore[return-value]
