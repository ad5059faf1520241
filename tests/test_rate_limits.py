"""Rate limits: login, sign-up, exhibitor sign-up, private-link guessing, check-in search and the
check-in API each answer 429 once their limit is used up (fixture ``rate_limits``)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.checkin_builders import make_device, make_ticket  # noqa: F401  (fixtures)


def hammer(send: Any, times: int) -> list[int]:
    return [send().status_code for _ in range(times)]


def test_login_is_limited(client: Any, rate_limits: None) -> None:
    statuses = hammer(lambda: client.post("/login", data={"email": "a@example.org",
                                                          "password": "wrong password"}), 12)
    assert 429 not in statuses[:10] and statuses[10:] == [429, 429]


def test_sign_up_is_limited(client: Any, make_event: Any, rate_limits: None) -> None:
    event = make_event()
    statuses = hammer(lambda: client.post(f"/events/{event.slug}/register", data={}), 22)
    assert 429 not in statuses[:20] and statuses[20:] == [429, 429]


def test_exhibitor_sign_up_is_limited(client: Any, make_event: Any, rate_limits: None) -> None:
    event = make_event()
    statuses = hammer(lambda: client.post(f"/events/{event.slug}/exhibitors/register",
                                          data={}), 21)
    assert 429 not in statuses[:20] and statuses[20] == 429


@pytest.mark.parametrize("path", ["/t/{bad}", "/b/{bad}", "/exhibitor/edit/{bad}", "/cal/{bad}.ics",
                                  "/t/{bad}/ticket.pdf"])
def test_guessing_private_links_is_limited(app: Any, client: Any, db: Any, rate_limits: None,
                                           path: str) -> None:
    app.config["PRIVATE_LINK_RATE_LIMIT"] = "5 per minute"
    try:
        statuses = hammer(lambda: client.get(path.format(bad="guess")), 7)
    finally:
        app.config.pop("PRIVATE_LINK_RATE_LIMIT")
    assert statuses == [404] * 5 + [429] * 2


def test_the_link_limit_is_shared_and_spares_real_links(app: Any, client: Any, make_event: Any,
                                                        rate_limits: None) -> None:
    from tests.participants_builders import sign_up

    token = sign_up(make_event()).token
    app.config["PRIVATE_LINK_RATE_LIMIT"] = "3 per minute"
    try:
        own = hammer(lambda: client.get(f"/t/{token}"), 6)  # successes do not count
        guesses = [client.get("/t/guess").status_code, client.get("/b/guess").status_code,
                   client.get("/cal/guess.ics").status_code, client.get("/t/guess").status_code]
    finally:
        app.config.pop("PRIVATE_LINK_RATE_LIMIT")
    assert own == [200] * 6
    assert guesses == [404, 404, 404, 429]


def test_checkin_search_and_api_are_limited(app: Any, make_ticket: Any, make_device: Any,
                                            rate_limits: None) -> None:
    ticket = make_ticket()
    event = ticket.registration.event
    _device, token = make_device(event)
    client = app.test_client()
    auth = {"Authorization": f"Bearer {token}"}
    app.config.update(CHECKIN_RATE_LIMIT="5 per minute", CHECKIN_SEARCH_RATE_LIMIT="3 per minute")
    try:
        scans = hammer(lambda: client.post(f"/api/v1/events/{event.slug}/checkin",
                                           json={"code": "NOPE"}, headers=auth), 6)
        searches = hammer(lambda: client.get(f"/api/v1/events/{event.slug}/checkin/search?q=Pe",
                                             headers=auth), 4)
        refused = client.post(f"/api/v1/events/{event.slug}/checkin", json={"code": "NOPE"},
                              headers=auth)
    finally:
        app.config.pop("CHECKIN_RATE_LIMIT")
        app.config.pop("CHECKIN_SEARCH_RATE_LIMIT")
    assert scans == [200] * 5 + [429]
    assert searches == [200] * 3 + [429]
    assert refused.get_json() == {"status": "error", "reason": "too_many_requests"}
    assert 1 <= int(refused.headers["Retry-After"]) <= 60


def test_checkin_keeps_working_when_the_limit_storage_fails(
        app: Any, make_ticket: Any, make_device: Any, rate_limits: None, monkeypatch: Any,
        caplog: Any) -> None:
    from jobbforum.extensions import limiter

    ticket = make_ticket()
    event = ticket.registration.event
    _device, token = make_device(event)

    def broken(*_args: Any) -> bool:
        raise ConnectionError("redis restarting")

    monkeypatch.setattr(limiter.limiter, "hit", broken)
    response = app.test_client().post(f"/api/v1/events/{event.slug}/checkin",
                                      json={"code": ticket.code},
                                      headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200 and response.get_json()["status"] == "ok"
    assert "Rate-limit storage unavailable" in caplog.text


def test_more_apps_in_one_process_do_not_count_a_guess_twice(app: Any, client: Any, db: Any,
                                                            rate_limits: None) -> None:
    """The limiter is shared by every app the process makes (tests, CLI, benchmarks): making
    more apps must not register the private-link limit again, or each guess would count twice."""
    from jobbforum.app import create_app
    from jobbforum.extensions import limiter

    for _ in range(3):
        create_app({"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                    "INSTANCE_PATH": app.instance_path, "SECRET_KEY": "another-app-" + "z" * 40,
                    "TESTING": True, "PRIVATE_LINK_RATE_LIMIT": "5 per minute"})
    limiter.enabled = True  # making an app re-reads RATELIMIT_ENABLED
    app.config["PRIVATE_LINK_RATE_LIMIT"] = "5 per minute"
    try:
        statuses = hammer(lambda: client.get("/t/guess"), 7)
    finally:
        app.config.pop("PRIVATE_LINK_RATE_LIMIT")
    assert statuses == [404] * 5 + [429] * 2


def test_checkin_limit_counts_under_the_configured_key_prefix(
        app: Any, make_ticket: Any, make_device: Any, rate_limits: None) -> None:
    """Two deployments sharing one Redis keep their counters apart by RATELIMIT_KEY_PREFIX."""
    ticket = make_ticket()
    event = ticket.registration.event
    _device, token = make_device(event)
    client = app.test_client()

    def scan() -> Any:
        return client.post(f"/api/v1/events/{event.slug}/checkin", json={"code": "NOPE"},
                           headers={"Authorization": f"Bearer {token}"})

    app.config.update(CHECKIN_RATE_LIMIT="2 per minute", RATELIMIT_KEY_PREFIX="fair-a")
    try:
        first = hammer(scan, 3)
        app.config["RATELIMIT_KEY_PREFIX"] = "fair-b"
        second = hammer(scan, 3)
    finally:
        app.config.pop("CHECKIN_RATE_LIMIT")
        app.config.pop("RATELIMIT_KEY_PREFIX")
    assert first == second == [200, 200, 429]


# --------------------------------------------------------------------------- memory:// under threads


def _two_threads_count_at_once(storage_class: Any, wait: float) -> list[str]:
    """Two threads count a hit at the same moment while no expiry timer runs: both see "no
    timer running" and put a new one in place before either starts it (the threads are held
    where the timer is replaced, so that they interleave that way every time when nothing
    stops the second; ``wait`` is how long the first waits for it; then the first lets the
    second start its timer first). Returns the errors the threads raised."""
    import itertools
    import threading
    import time

    both_replaced = threading.Barrier(2)
    turns = itertools.count()

    class Meeting(storage_class):  # type: ignore[misc, valid-type]
        meet = False

        @property
        def timer(self) -> Any:
            return self.__dict__["timer"]

        @timer.setter
        def timer(self, value: Any) -> None:
            self.__dict__["timer"] = value
            if self.meet:
                first = next(turns) == 0
                try:
                    both_replaced.wait(timeout=wait)  # the other thread, if it can get here too
                except threading.BrokenBarrierError:
                    pass
                if first:
                    time.sleep(0.05)  # the other thread starts the timer now in place

    storage = Meeting("memory://")
    storage.timer.join()  # the timer started at creation has run out
    storage.meet = True
    errors: list[str] = []

    def hit() -> None:
        try:
            storage.incr("key", 60)
        except RuntimeError as error:
            errors.append(str(error))

    threads = [threading.Thread(target=hit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(5)
    storage.meet = False
    assert storage.get("key") == 2 - len(errors)
    return errors


def test_memory_storage_counts_hits_from_two_threads_at_once() -> None:
    from limits.storage import storage_from_string

    from jobbforum.ratelimits import ThreadSafeMemoryStorage

    assert isinstance(storage_from_string("memory://"), ThreadSafeMemoryStorage)
    assert _two_threads_count_at_once(ThreadSafeMemoryStorage, wait=0.5) == []


def test_control_limits_own_memory_storage_fails_there() -> None:
    """Control: the same interleaving with limits' own class raises in one thread (a 500 for
    that request). If a limits release fixes it, this test says so and the shim can go."""
    from limits.storage import MemoryStorage

    assert _two_threads_count_at_once(MemoryStorage, wait=30) == [
        "threads can only be started once"]


def test_memory_storage_tidies_up_once_a_second_and_counts_windows_without_it() -> None:
    """The clean-up timer is started at most once a second (not a new thread every 10 ms); a
    counter past its window reads as zero whether or not the clean-up has run."""
    import time

    from jobbforum.ratelimits import EXPIRY_INTERVAL_SECONDS, ThreadSafeMemoryStorage

    storage = ThreadSafeMemoryStorage("memory://")
    storage.timer.join()
    assert storage.incr("key", 0.05) == 1
    timer = storage.timer
    assert timer.interval == EXPIRY_INTERVAL_SECONDS >= 1 and timer.daemon
    assert storage.incr("key", 0.05) == 2 and storage.timer is timer  # no new thread
    time.sleep(0.1)
    assert storage.get("key") == 0  # the window is over (the clean-up runs a second later)
    timer.cancel()


def test_the_app_skips_flask_limiters_empty_check_before_every_view(app: Any) -> None:
    """No application-wide, default, blueprint or meta limits: Flask-Limiter's before-request
    check has nothing to find and is skipped (the decorated limits above still answer 429)."""
    from jobbforum.extensions import limiter
    from jobbforum.ratelimits import _limits_beyond_decorators

    assert limiter._check_request_limit not in app.before_request_funcs.get(None, [])
    assert not _limits_beyond_decorators(limiter)


def _limited_app(limit_blueprint: bool = False, **limiter_options: Any) -> tuple[Any, Any, bool]:
    from flask import Blueprint, Flask
    from flask_limiter import Limiter
    from flask_limiter.util import get_remote_address

    from jobbforum.ratelimits import skip_idle_request_check

    flask_app = Flask("limits-control")
    own = Limiter(key_func=get_remote_address, storage_uri="memory://", **limiter_options)
    own.init_app(flask_app)
    pages = Blueprint("pages", __name__)

    @pages.get("/free")
    def free() -> str:
        return "ok"

    @pages.get("/limited")
    @own.limit("2 per minute")
    def limited() -> str:
        return "ok"

    flask_app.register_blueprint(pages)
    skipped = skip_idle_request_check(flask_app, own)
    if limit_blueprint:  # after the app was made: still checked
        own.limit("2 per minute")(pages)
    return flask_app.test_client(), own, skipped


def test_decorated_limits_hold_without_the_before_request_check() -> None:
    client, _own, skipped = _limited_app()
    assert skipped
    assert hammer(lambda: client.get("/limited"), 3) == [200, 200, 429]
    assert hammer(lambda: client.get("/free"), 5) == [200] * 5


@pytest.mark.parametrize("options", [
    {"default_limits": ["2 per minute"]},
    {"application_limits": ["2 per minute"]},
    {"meta_limits": ["1 per minute"], "default_limits": ["1 per second"]},
    {"limit_blueprint": True},
])
def test_control_every_other_kind_of_limit_is_still_checked_before_the_view(
        options: dict[str, Any]) -> None:
    from jobbforum.ratelimits import _limits_beyond_decorators

    client, own, skipped = _limited_app(**options)
    assert skipped and _limits_beyond_decorators(own)
    assert 429 in hammer(lambda: client.get("/free"), 3)


@pytest.mark.parametrize("options", [{"meta_limits": ["1 per minute"]},
                                     {"in_memory_fallback_enabled": True}])
def test_meta_limits_and_the_storage_fallback_keep_the_check(options: dict[str, Any]) -> None:
    from jobbforum.ratelimits import _limits_beyond_decorators

    _client, own, _skipped = _limited_app(**options)
    assert _limits_beyond_decorators(own)
