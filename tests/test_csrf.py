"""CSRF on every state-changing route, and the session cookie's flags.

Every POST/PUT/PATCH/DELETE route in the URL map is posted to, with CSRF protection on and no
token, by a logged-in admin → 400. The check-in API is exempt from the form check by design when
a door device sends its bearer token (no cookie, so nothing to forge); with a staff *session* it
needs the ``X-CSRFToken`` header, which is tested here too.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.exhibitor_builders import own_outbox  # noqa: F401  (fixture)
from tests.production_builders import PASSWORD, build_world

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}


@pytest.fixture()
def world(app: Any, db: Any, own_outbox: str) -> Any:
    return build_world(app)


def state_changing_routes(app: Any) -> list[tuple[str, Any]]:
    return [(method, rule) for rule in app.url_map.iter_rules()
            for method in sorted(rule.methods & STATE_CHANGING)]


def admin_client(app: Any) -> Any:
    client = app.test_client()
    assert client.post("/login", data={"email": "admin@example.org",
                                       "password": PASSWORD}).status_code == 302
    return client


def test_every_state_changing_route_refuses_a_post_without_token(app: Any, world: Any) -> None:
    client = admin_client(app)  # logged in before CSRF goes on
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        routes = state_changing_routes(app)
        assert len(routes) > 30
        accepted = []
        with app.test_request_context():
            from flask import url_for
            for method, rule in routes:
                url = url_for(rule.endpoint, **world.args("participant", rule.endpoint,
                                                          set(rule.arguments)))
                body = {"json": {}} if url.startswith("/api/") else {"data": {"name": "x"}}
                response = client.open(url, method=method, **body)
                if url.startswith("/api/") and response.status_code == 401:
                    continue  # bearer-token only: a session is not accepted, nothing to forge
                if response.status_code != 400 or not _is_csrf_refusal(response):
                    accepted.append((method, url, response.status_code))
        assert not accepted, f"state-changing routes that ran without a CSRF token: {accepted}"
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def _is_csrf_refusal(response: Any) -> bool:
    if response.is_json:
        return response.get_json().get("reason") == "csrf"
    return "The form had expired" in response.get_data(as_text=True)


def _csrf_token(client: Any, slug: str) -> str:
    from flask import g

    # The test's app context outlives requests, and Flask-WTF caches the token in ``g``.
    g.pop("csrf_token", None)
    html = client.get(f"/checkin/{slug}").get_data(as_text=True)
    match = re.search(r'name="csrf-token" content="([^"]+)"', html) or re.search(
        r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "the scanner page carries a CSRF token"
    return match.group(1)


def test_session_api_calls_need_the_csrf_header(app: Any, world: Any, csrf_enabled: None) -> None:
    client = app.test_client()
    html = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)  # type: ignore[union-attr]
    assert client.post("/login", data={"email": "door@example.org", "password": PASSWORD,
                                       "csrf_token": token}).status_code == 302
    slug = world.values["slug"]
    url = f"/api/v1/events/{slug}/checkin"
    refused = client.post(url, json={"code": "X"})
    assert refused.status_code == 400
    assert refused.get_json() == {"status": "error", "reason": "csrf"}
    header = {"X-CSRFToken": _csrf_token(client, slug)}
    allowed = client.post(url, json={"code": "NOPE-NOPE"}, headers=header)
    assert allowed.status_code == 200
    assert allowed.get_json() == {"status": "unknown_code"}


def test_device_bearer_token_needs_no_csrf(app: Any, world: Any, csrf_enabled: None) -> None:
    client = app.test_client()
    response = client.post(f"/api/v1/events/{world.values['slug']}/checkin", json={"code": "NOPE-NOPE"},
                           headers={"Authorization": "Bearer " + world.values["device_token"]})
    assert response.status_code == 200
    assert response.get_json() == {"status": "unknown_code"}


def test_session_cookie_flags(db_url: str, tmp_path: Any, world: Any) -> None:
    """Outside tests and debug mode the session cookie is Secure, HttpOnly and SameSite=Lax."""
    from jobbforum.app import create_app
    from tests.conftest import app_config

    from jobbforum.extensions import limiter

    config = app_config(db_url, tmp_path)
    config["TESTING"] = False
    # The limiter is one object shared by every app: put back the session app's state after.
    saved = (limiter.enabled, limiter._storage, limiter._limiter)
    try:
        production = create_app(config)
        client = production.test_client()
        response = client.post("/login", data={"email": "admin@example.org",
                                               "password": PASSWORD}, base_url="https://localhost")
    finally:
        limiter.enabled, limiter._storage, limiter._limiter = saved
    assert response.status_code == 302
    cookie = next(h for h in response.headers.getlist("Set-Cookie")
                  if h.startswith("jobbforum_session="))
    flags = {part.strip().split("=")[0].lower() for part in cookie.split(";")}
    assert {"secure", "httponly"} <= flags
    assert "samesite=lax" in cookie.lower()
