"""The check-in API over HTTP: auth, every answer, errors as JSON, fuzzing, OpenAPI, 500 queued
offline scans replayed twice."""

from __future__ import annotations

import random
import uuid
from typing import Any

import pytest
import sqlalchemy as sa

from jobbforum.models import CheckIn, Scan
from jobbforum.services import devices, tickets
from tests.checkin_builders import *  # noqa: F403


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def post(client, slug, body, token=None, headers=None):
    return client.post(f"/api/v1/events/{slug}/checkin", json=body,
                       headers={**(bearer(token) if token else {}), **(headers or {})})


def test_device_token_checks_in(client, db, make_ticket, make_device):
    ticket = make_ticket(name="Samira Ahmadi")
    event = ticket.registration.event
    _device, token = make_device(event, "Norra entrén")
    response = post(client, event.slug, {"code": ticket.code, "nonce": str(uuid.uuid4())}, token)
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok" and body["gate"] == "Norra entrén"
    assert body["holder"] == {"display_name": "Samira Ahmadi", "role": "participant"}
    again = post(client, event.slug, {"code": ticket.code}, token).get_json()
    assert again["status"] == "already_checked_in"
    assert again["first_checked_in_at"] == body["checked_in_at"]
    for code, status in (("nope", "unknown_code"),):
        assert post(client, event.slug, {"code": code}, token).get_json() == {"status": status}


def test_statuses_over_http(client, db, make_ticket, make_event, make_device):
    event = make_event()
    _d, token = make_device(event)
    other = make_ticket()
    revoked = make_ticket(event=event)
    tickets.revoke_ticket(revoked)
    db.session.commit()
    assert post(client, event.slug, {"code": other.code}, token).get_json()["status"] == "wrong_event"
    assert post(client, event.slug, {"code": revoked.code}, token).get_json() == {"status": "revoked"}
    forced = post(client, event.slug, {"code": revoked.code, "force": True}, token).get_json()
    assert forced["status"] == "ok" and forced["flagged"] is True


def test_access(app, client, db, make_ticket, make_event, make_device, make_staff, login):
    ticket = make_ticket()
    event = ticket.registration.event
    body = {"code": ticket.code}
    # Anonymous (a participant, an exhibitor, anybody without a staff login or device token).
    assert post(client, event.slug, body).status_code == 401
    assert client.get(f"/api/v1/events/{event.slug}/checkin/stats").status_code == 401
    assert client.get(f"/api/v1/events/{event.slug}/checkin/codes").status_code == 401
    response = post(client, event.slug, body, "not-a-token")
    assert response.status_code == 401 and response.get_json()["status"] == "error"
    # A device works only for its own event.
    _d, other_token = make_device(make_event())
    assert post(client, event.slug, body, other_token).status_code == 403
    assert post(client, "no-such-event", body, other_token).status_code == 404
    assert post(client, event.slug, {"code": 5}, other_token).status_code == 403  # before 400
    assert post(client, event.slug, {"code": 5}, "not-a-token").status_code == 401
    for nonce in ("", "   "):  # refused as bad input, but only after the credentials
        bad_nonce = {"code": ticket.code, "nonce": nonce}
        assert post(client, event.slug, bad_nonce, "not-a-token").status_code == 401
        assert post(client, event.slug, bad_nonce, other_token).status_code == 403
        assert post(client, "no-such-event", bad_nonce, other_token).status_code == 404
    assert post(client, event.slug, body, "x" * 129).status_code == 401
    for answer in (post(client, event.slug, body, t) for t in (other_token, "not-a-token")):
        assert answer.get_json() == {"status": "error",
                                     "reason": "forbidden" if answer.status_code == 403
                                     else "unauthorized"}
    assert client.get(f"/api/v1/events/{event.slug}/checkin/search?q=Pe",
                      headers=bearer(other_token)).status_code == 403
    # A device's scans show when it was last seen (at most once a minute, not on every scan).
    seen_device, seen_token = make_device(event)
    assert seen_device.last_seen_at is None
    post(client, event.slug, {"code": "unknown"}, seen_token)
    db.session.expire_all()
    first_seen = db.session.get(type(seen_device), seen_device.id).last_seen_at
    assert first_seen is not None
    post(client, event.slug, {"code": "unknown"}, seen_token)
    db.session.expire_all()
    assert db.session.get(type(seen_device), seen_device.id).last_seen_at == first_seen
    # A revoked device stops at once.
    device, token = make_device(event)
    devices.revoke_device(device)
    db.session.commit()
    assert post(client, event.slug, body, token).status_code == 401
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CheckIn)) == 0
    # Door staff with a session.
    login(make_staff("door"))
    assert post(client, event.slug, body).get_json()["status"] == "ok"
    assert post(client, "no-such-event", body).status_code == 404


def test_session_needs_csrf_header(app, client, db, make_ticket, make_staff, login, csrf_enabled):
    ticket = make_ticket()
    event = ticket.registration.event
    staff = make_staff("door")
    page = client.get("/login")
    import re

    token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page.data) or \
        re.search(rb'name="csrf_token" value="([^"]+)"', page.data)
    client.post("/login", data={"email": staff.email, "password": "correct horse battery staple",
                                "csrf_token": token.group(1).decode()})
    # The test's app context outlives requests (real requests each get their own): drop the
    # token flask-wtf cached in ``g`` so the scanner page stores a fresh one in the new session.
    from flask import g

    g.pop("csrf_token", None)
    scanner = client.get(f"/checkin/{event.slug}")
    csrf_token = re.search(rb'name="csrf-token" content="([^"]+)"', scanner.data).group(1).decode()
    refused = post(client, event.slug, {"code": ticket.code})
    assert refused.status_code == 400 and refused.get_json() == {"status": "error", "reason": "csrf"}
    ok = post(client, event.slug, {"code": ticket.code}, headers={"X-CSRFToken": csrf_token})
    assert ok.get_json()["status"] == "ok", ok.get_json()


@pytest.mark.parametrize("body", [
    None, [], "x", 1, {"code": 5}, {"code": None}, {}, {"code": "a", "force": "yes"},
    {"code": "a", "nonce": ""}, {"code": "a", "nonce": "n" * 65}, {"code": "a", "nonce": 7},
    {"code": "a", "scanned_at": "yesterday"}, {"code": "a", "scanned_at": "2026-03-12T09:14:03"},
    {"code": "a", "list": "nope"}, {"code": "a", "list": 3}, {"code": "a", "gate": "\x00"},
    {"registration_id": "1"}, {"registration_id": True}, {"registration_id": 2**40},
    {"code": "x" * 5000},
])
def test_malformed_requests_are_4xx_json(client, db, make_event, make_device, body):
    event = make_event()
    _d, token = make_device(event)
    response = post(client, event.slug, body, token)
    assert 400 <= response.status_code < 500
    assert response.get_json()["status"] == "error"


def test_fuzz_never_500(client, db, make_ticket, make_device):
    ticket = make_ticket()
    event = ticket.registration.event
    _d, token = make_device(event)
    rng = random.Random(6)
    alphabet = "abcXYZ019 -_%'\";\\/\x00\x1b\u00e5\u0645\U0001f600\n{}[]"
    values = [None, True, False, 0, -1, 2**63, 1.5, [], {}, "", ticket.code,
              "2026-03-12T09:14:03+01:00", "entrance"]
    for _ in range(300):
        body = {}
        for key in rng.sample(["code", "list", "nonce", "gate", "scanned_at", "force",
                               "registration_id", "junk"], rng.randint(0, 6)):
            body[key] = rng.choice(values + ["".join(rng.choice(alphabet)
                                                      for _ in range(rng.randint(0, 90)))])
        response = post(client, event.slug, body, token)
        assert response.status_code < 500, body
        assert response.is_json
    raw = client.post(f"/api/v1/events/{event.slug}/checkin", data=b"\xff\xfe{",
                      content_type="application/json", headers=bearer(token))
    assert raw.status_code == 400
    q = client.get(f"/api/v1/events/{event.slug}/checkin/search?q=%00%27",
                   headers=bearer(token))
    assert q.status_code < 500


def test_stats_search_codes_undo(client, db, make_ticket, make_event, make_device):
    event = make_event()
    a = make_ticket(event=event, name="Rahel Tesfaye")
    make_ticket(event=event, name="Omar Farah", role="mentor")
    _d, token = make_device(event)
    url = f"/api/v1/events/{event.slug}/checkin"
    done = post(client, event.slug, {"code": a.code}, token).get_json()
    stats = client.get(url + "/stats", headers=bearer(token)).get_json()
    assert stats == {"registered": 2, "checked_in": 1, "by_list": {"entrance": 1},
                     "by_role": {"participant": 1}}
    short = client.get(url + "/search?q=R", headers=bearer(token))
    assert short.status_code == 400 and short.get_json()["status"] == "error"
    found = client.get(url + "/search?q=omar", headers=bearer(token)).get_json()["results"]
    assert [(r["display_name"], r["checked_in"]) for r in found] == [("Omar Farah", False)]
    manual = post(client, event.slug, {"registration_id": found[0]["registration_id"]}, token)
    assert manual.get_json()["status"] == "ok"
    codes = client.get(url + "/codes", headers=bearer(token)).get_json()
    assert len(codes["hashes"]) == 2 and a.code not in str(codes)
    undone = client.post(f"{url}/{done['checkin_id']}/undo", headers=bearer(token))
    assert undone.get_json() == {"status": "undone"}
    assert client.post(f"{url}/{done['checkin_id']}/undo", headers=bearer(token)).status_code == 404
    # Omar (checked in by hand) remains.
    assert client.get(url + "/stats", headers=bearer(token)).get_json()["checked_in"] == 1


def test_search_is_rate_limited(client, db, make_event, make_device, rate_limits):
    event = make_event()
    _d, token = make_device(event)
    codes = [client.get(f"/api/v1/events/{event.slug}/checkin/search?q=ab",
                        headers=bearer(token)).status_code for _ in range(70)]
    assert codes[0] == 200 and codes[-1] == 429
    response = client.get(f"/api/v1/events/{event.slug}/checkin/search?q=ab", headers=bearer(token))
    assert response.get_json()["status"] == "error"


def test_offline_replay_of_500_scans_twice(client, db, make_ticket, make_event, make_device):
    """A device queued 500 scans while offline (some tickets scanned twice, some junk) and uploads
    the queue twice (the first upload's answers were lost): nothing lost, nothing duplicated."""
    event = make_event()
    _d, token = make_device(event, "Södra entrén")
    ticket_codes = [make_ticket(event=event).code for _ in range(200)]
    rng = random.Random(500)
    queue = []
    for i in range(500):
        code = ticket_codes[i] if i < 200 else rng.choice(ticket_codes + ["junk-code"])
        queue.append({"code": code, "nonce": str(uuid.uuid4()), "force": True,
                      "scanned_at": "2026-03-12T09:14:03+01:00"})
    first = [post(client, event.slug, body, token).get_json() for body in queue]
    second = [post(client, event.slug, body, token).get_json() for body in queue]
    assert first == second
    assert sum(1 for a in first if a["status"] == "ok") == 200
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CheckIn)) == 200
    # Every scan recorded once: the 200 check-ins (with their nonces) and 300 in the scan log.
    recorded_nonces = (list(db.session.scalars(sa.select(CheckIn.nonce)))
                       + list(db.session.scalars(sa.select(Scan.nonce))))
    assert sorted(recorded_nonces) == sorted(body["nonce"] for body in queue)
    recorded = {c.scanned_at.isoformat() for c in db.session.scalars(sa.select(CheckIn))}
    assert recorded == {"2026-03-12T08:14:03+00:00"}


def test_openapi_documents_checkin(client, db):
    spec = client.get("/api/v1/openapi.json").get_json()
    paths = spec["paths"]
    assert "post" in paths["/events/{slug}/checkin"]
    statuses = (paths["/events/{slug}/checkin"]["post"]["responses"]["200"]["content"]
                ["application/json"]["schema"]["properties"]["status"]["enum"])
    assert set(statuses) == {"ok", "already_checked_in", "unknown_code", "revoked", "wrong_event",
                             "not_allowed"}
    for path in ("stats", "search", "codes", "{checkin_id}/undo"):
        assert f"/events/{{slug}}/checkin/{path}" in paths


def _scans_in_a_request_thread(
        app: Any, *bodies: tuple[str, dict[str, Any], str],
) -> tuple[list[Any], list[tuple[str, bool]], list[bool], list[bool]]:
    """Post each (slug, body, token) from a thread with its own app context, as a request in
    gunicorn has. Returns the answers, the pool ("app" or "autocommit") and autocommit state of
    each ``jobbforum_checkin_redeem`` statement, the autocommit state of every connection the
    app's pool got back (statements on the app's pool in autocommit are listed as such too), and
    for each request whether it made an ORM session."""
    import threading

    from flask import request_finished

    from jobbforum import dbpool
    from jobbforum.extensions import db as _db

    statements: list[tuple[str, bool, str]] = []
    returned: list[bool] = []

    def before(pool):  # type: ignore[no-untyped-def]
        def listen(conn, _cursor, statement, *_args):  # type: ignore[no-untyped-def]
            statements.append((pool, conn.connection.dbapi_connection.autocommit, statement))
        return listen

    def checked_in(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        if dbapi_connection is not None:
            returned.append(dbapi_connection.autocommit)

    answers: list[Any] = []
    sessions: list[bool] = []

    def finished(_sender, **_extra):  # type: ignore[no-untyped-def]
        sessions.append(dbpool.session_made())

    def request() -> None:
        client = app.test_client()
        for slug, body, token in bodies:
            response = post(client, slug, body, token)
            answers.append(response.get_json() if response.status_code == 200
                           else response.status_code)

    # The autocommit pool's statements are sent at the driver's level (dbpool.one_row), below
    # the engine's execute events: seen as calls of one_row and the pool's checkouts.
    auto, one_row, checkouts = app.extensions[dbpool.AUTOCOMMIT_KEY], dbpool.one_row, []

    def one_row_seen(engine, statement, params):  # type: ignore[no-untyped-def]
        row = one_row(engine, statement, params)
        pool = "autocommit" if engine is auto else "other"
        statements.append((pool, checkouts[-1], str(statement)))
        return row

    def checked_out(dbapi_connection, _record, _proxy):  # type: ignore[no-untyped-def]
        checkouts.append(dbapi_connection.autocommit)

    listeners = [(_db.engine, "before_cursor_execute", before("app")),
                 (auto, "checkout", checked_out),
                 (_db.engine, "checkin", checked_in)]
    for target, name, fn in listeners:
        sa.event.listen(target, name, fn)
    request_finished.connect(finished, app)
    dbpool.one_row = one_row_seen
    try:
        worker = threading.Thread(target=request)
        worker.start()
        worker.join(30)
    finally:
        dbpool.one_row = one_row
        request_finished.disconnect(finished, app)
        for target, name, fn in listeners:
            sa.event.remove(target, name, fn)
    redeems = [(pool, ac) for pool, ac, sql in statements if "jobbforum_checkin_redeem" in sql]
    returned += [ac for pool, ac, _sql in statements if pool == "app" and ac]
    return answers, redeems, returned, sessions


@pytest.mark.postgres_only
def test_a_device_scan_runs_without_a_transaction(app, db, make_ticket, make_device):
    """On PostgreSQL a device's scan is one atomic statement, sent on a connection of the
    autocommit pool (no BEGIN and COMMIT round trips, no switching a connection into autocommit
    and back); the app's own pool stays in transaction mode. The request makes no ORM session
    (making, committing and removing one cost about a tenth of the scan's work in the app); the
    one that fails (an unknown list) needs one to say so."""
    ticket = make_ticket()
    _device, token = make_device(ticket.registration.event)
    slug, code = ticket.registration.event.slug, ticket.code
    answers, redeems, returned, sessions = _scans_in_a_request_thread(
        app, (slug, {"code": code, "nonce": "own-1"}, token),
        (slug, {"code": code, "list": "nope"}, token))
    assert answers[0]["status"] == "ok" and answers[1] == 404
    assert redeems == [("autocommit", True), ("autocommit", True)]
    assert not any(returned)
    assert sessions[0] is False
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CheckIn)) == 1


@pytest.mark.postgres_only
def test_a_scan_that_has_to_write_first_runs_in_its_transaction(app, db, make_ticket,
                                                                make_device):
    """An event without its entrance list (an older one): the first try on the autocommit pool
    finds no list; the list is made in the request's transaction, and the scan runs again
    there, on the app's pool, and is committed with the list."""
    from jobbforum.models import CheckInList

    ticket = make_ticket()
    event = ticket.registration.event
    _device, token = make_device(event)
    slug, code, event_id = event.slug, ticket.code, event.id
    db.session.execute(sa.delete(CheckInList).where(CheckInList.event_id == event_id))
    db.session.commit()
    answers, redeems, returned, _sessions = _scans_in_a_request_thread(
        app, (slug, {"code": code, "nonce": "own-2"}, token))
    assert answers[0]["status"] == "ok"
    assert redeems == [("autocommit", True), ("app", False)]
    assert not any(returned)
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CheckIn)) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CheckInList).where(
        CheckInList.event_id == event_id)) == 1
