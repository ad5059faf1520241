"""Scale-out: several gunicorn processes share one database and one Redis.

* The same badge scanned through two app servers at the same moment → exactly one check-in;
  the control runs the same burst with the unique constraint dropped and gets duplicates.
* Rate limits are counted in Redis across processes (not per process).
"""

from __future__ import annotations

import json
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from tests.checkin_builders import make_device, make_ticket  # noqa: F401  (fixtures)
from tests.conftest import skip_or_fail
from tests.servers import app_server

REDIS_URL = "redis://127.0.0.1:6379/15"


def post_json(url: str, body: dict[str, Any], token: str) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST", headers={
        "Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


@pytest.fixture()
def redis_url() -> str:
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.RedisError as exc:
        skip_or_fail(f"Redis at {REDIS_URL} is not reachable: {exc}")
    yield REDIS_URL
    client.flushdb()


SCANS = 16


def scan_through_two_servers(db_url: str, instance: Path, redis_url: str, ticket: Any,
                             token: str) -> list[tuple[int, dict[str, Any]]]:
    """Two gunicorn servers on one database; :data:`SCANS` scans of ``ticket``'s badge, each with
    its own nonce, released at once and alternating between the servers. Returns the answers."""
    url_path = f"/api/v1/events/{ticket.registration.event.slug}/checkin"
    env = {"JOBBFORUM_REDIS_URL": redis_url}
    with app_server(db_url, instance / "a", env=env) as one, \
            app_server(db_url, instance / "b", env=env) as two:
        barrier = threading.Barrier(SCANS)
        answers: list[tuple[int, dict[str, Any]]] = []

        def scan(base: str, n: int) -> None:
            barrier.wait()
            try:
                answers.append(post_json(base + url_path, {"code": ticket.code, "nonce": f"n{n}"},
                                         token))
            except Exception as exc:  # noqa: BLE001 - reported by the caller's assertions
                answers.append((0, {"error": repr(exc)}))

        threads = [threading.Thread(target=scan, args=((one, two)[n % 2], n))
                   for n in range(SCANS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert len(answers) == SCANS and all(code == 200 for code, _body in answers), answers
    return answers


def count_checkins(db: Any) -> int:
    from jobbforum.models import CheckIn

    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count()).select_from(CheckIn))


@pytest.mark.postgres_only
@pytest.mark.slow
def test_same_badge_through_two_servers_checks_in_once(
        db: Any, db_url: str, tmp_path: Path, make_ticket: Any, make_device: Any,
        redis_url: str) -> None:
    ticket = make_ticket()
    _device, token = make_device(ticket.registration.event)
    answers = scan_through_two_servers(db_url, tmp_path, redis_url, ticket, token)
    statuses = sorted(body.get("status", "") for _code, body in answers)
    assert statuses.count("ok") == 1, statuses
    assert statuses.count("already_checked_in") == SCANS - 1, statuses
    assert count_checkins(db) == 1


#: The guard :func:`jobbforum.services.checkin.redeem` relies on (``INSERT … ON CONFLICT DO
#: NOTHING`` against it); the ticket row lock only orders the requests.
GUARD = "uq_checkins_ticket_id_list_id"


@pytest.fixture()
def checkin_guard_dropped(db: Any) -> Any:
    """The control's schema: the (ticket, list) unique constraint of check-ins dropped for one
    test, in this test session's own database, and put back afterwards (the duplicates the
    control made are deleted first). The app code is the production code, untouched."""
    from jobbforum.models import CheckIn, Scan

    db.session.rollback()
    with db.engine.begin() as conn:
        conn.execute(sa.text(f"ALTER TABLE {CheckIn.__tablename__} DROP CONSTRAINT {GUARD}"))
    try:
        yield
    finally:
        db.session.rollback()
        with db.engine.begin() as conn:
            conn.execute(sa.delete(Scan))
            conn.execute(sa.delete(CheckIn))
            conn.execute(sa.text(f"ALTER TABLE {CheckIn.__tablename__} ADD CONSTRAINT {GUARD} "
                                 "UNIQUE (ticket_id, list_id)"))


@pytest.mark.postgres_only
@pytest.mark.slow
def test_control_two_servers_without_the_guard_check_in_twice(
        db: Any, db_url: str, tmp_path: Path, make_ticket: Any, make_device: Any,
        redis_url: str, checkin_guard_dropped: None) -> None:
    """The control of the test above: the same burst through two servers against a schema
    without the unique constraint records the badge more than once, so the one check-in above is
    the guard's doing and the test above can fail."""
    ticket = make_ticket()
    _device, token = make_device(ticket.registration.event)
    answers = scan_through_two_servers(db_url, tmp_path, redis_url, ticket, token)
    rows = count_checkins(db)
    assert rows > 1, "without the guard the burst should check the badge in more than once"
    assert sorted(body["status"] for _code, body in answers).count("ok") == rows


@pytest.mark.slow
def test_two_server_processes_share_login_limits_in_redis(
        db: Any, db_url: str, tmp_path: Path, redis_url: str) -> None:
    """Two gunicorn processes, one Redis: 5 login attempts per minute in total, not 5 each."""
    env = {"JOBBFORUM_REDIS_URL": redis_url, "JOBBFORUM_LOGIN_RATE_LIMIT": "5 per minute"}
    statuses = []
    with app_server(db_url, tmp_path / "a", env=env) as one, \
            app_server(db_url, tmp_path / "b", env=env) as two:
        # One session (signed with the shared secret key) and its CSRF token work on both.
        with urllib.request.urlopen(f"{one}/login", timeout=30) as response:
            cookie = response.headers["Set-Cookie"].split(";", 1)[0]
            token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"',
                              response.read().decode()).group(1)  # type: ignore[union-attr]
        form = urllib.parse.urlencode({"email": "a@example.org", "password": "wrong password",
                                       "csrf_token": token}).encode()
        for n in range(8):
            request = urllib.request.Request(f"{(one, two)[n % 2]}/login", method="POST",
                                             data=form, headers={"Cookie": cookie})
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    statuses.append(response.status)
            except urllib.error.HTTPError as error:
                statuses.append(error.code)
    assert statuses[:5].count(429) == 0 and statuses[5:] == [429] * 3, statuses


def test_redis_url_sets_limiter_storage(tmp_path, monkeypatch):
    from jobbforum.config import load_config

    monkeypatch.setenv("JOBBFORUM_REDIS_URL", REDIS_URL)
    assert load_config(tmp_path)["RATELIMIT_STORAGE_URI"] == REDIS_URL
    monkeypatch.delenv("JOBBFORUM_REDIS_URL")
    assert load_config(tmp_path)["RATELIMIT_STORAGE_URI"] == "memory://"
