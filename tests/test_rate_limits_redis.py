"""Rate limits live in Redis when JOBBFORUM_REDIS_URL is set, so several app processes share them."""

from __future__ import annotations

import uuid

import pytest

from jobbforum.app import create_app
from tests.conftest import app_config, skip_or_fail

REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture()
def redis_client():
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.RedisError as exc:
        skip_or_fail(f"Redis at {REDIS_URL} is not reachable: {exc}")
    yield client
    client.flushdb()


def test_two_app_instances_share_login_limits(db_url, tmp_path, redis_client, monkeypatch, db):
    from jobbforum.extensions import limiter

    monkeypatch.setenv("JOBBFORUM_REDIS_URL", REDIS_URL)
    prefix = f"test-{uuid.uuid4().hex[:8]}"
    # The limiter is one object shared by every app; put back the session app's state after.
    saved = (limiter.enabled, limiter._storage, limiter._limiter)
    apps = [create_app({**app_config(db_url, tmp_path / f"i{n}"), "RATELIMIT_KEY_PREFIX": prefix,
                        "RATELIMIT_STORAGE_URI": REDIS_URL}) for n in (1, 2)]
    assert apps[0].config["RATELIMIT_STORAGE_URI"] == REDIS_URL
    limiter.enabled = True
    try:
        statuses = []
        for i in range(12):
            client = apps[i % 2].test_client()
            statuses.append(client.post("/login", data={"email": f"a{i}@example.org",
                                                        "password": "x" * 12}).status_code)
    finally:
        limiter.enabled, limiter._storage, limiter._limiter = saved
    # 10 per minute in total across both "processes", not 10 each.
    assert statuses.count(429) == 2, statuses
    assert any(key.startswith(prefix.encode()) or prefix.encode() in key
               for key in redis_client.keys("*"))


def test_redis_url_sets_limiter_storage(tmp_path, monkeypatch):
    from jobbforum.config import load_config

    monkeypatch.setenv("JOBBFORUM_REDIS_URL", REDIS_URL)
    assert load_config(tmp_path)["RATELIMIT_STORAGE_URI"] == REDIS_URL
    monkeypatch.delenv("JOBBFORUM_REDIS_URL")
    assert load_config(tmp_path)["RATELIMIT_STORAGE_URI"] == "memory://"
