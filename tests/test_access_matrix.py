"""Every route × every role → the expected HTTP status, generated from ``app.url_map``.

A route that is added without a line in ``EXPECTED`` fails ``test_every_route_has_an_entry``;
a line whose route no longer exists fails it too. Each role walks every route against a fresh
world of real objects (tests/production_builders.py), GETs first, then POSTs with an empty body
(CSRF off here: tests/test_csrf.py covers CSRF), logout last.

Roles: anonymous; the participant holding their private links (ticket /t/, bookings /b/, calendar
feed /cal/) — every other role gets a bogus token there; the exhibitor holding their private link;
door, coordinator and admin staff logged in through the login form; a door device sending its
bearer token.

Reading the codes: 200 page, 302 redirect (to the login page, or after a POST), 400 bad input,
401 API without credentials, 403 wrong role, 404 unknown/bogus private link, 405 method.
Regenerate a table to review with ``PRINT_MATRIX=1 pytest tests/test_access_matrix.py -s``.
"""

from __future__ import annotations

import os
from typing import Any

import pytest

from tests.conftest import _clean
from tests.exhibitor_builders import own_outbox  # noqa: F401  (fixture)
from tests.production_builders import PASSWORD, ROLES, build_world

EXPECTED: dict[tuple[str, str], str] = {
    # (endpoint, method)                           anon part  exh door coord admin device
    ('admin.audit_log', 'GET'):                   " 302  302  302  403  403  200  302",
    ('admin.dashboard', 'GET'):                   " 302  302  302  403  200  200  302",
    ('admin.door_home', 'GET'):                   " 302  302  302  200  200  200  302",
    ('admin.event_edit', 'GET'):                  " 302  302  302  403  200  200  302",
    ('admin.event_edit', 'POST'):                 " 302  302  302  403  400  400  302",
    ('admin.event_list', 'GET'):                  " 302  302  302  403  200  200  302",
    ('admin.event_new', 'GET'):                   " 302  302  302  403  200  200  302",
    ('admin.event_new', 'POST'):                  " 302  302  302  403  400  400  302",
    ('admin.round_edit', 'GET'):                  " 302  302  302  403  200  200  302",
    ('admin.round_edit', 'POST'):                 " 302  302  302  403  400  400  302",
    ('admin.round_list', 'GET'):                  " 302  302  302  403  200  200  302",
    ('admin.round_new', 'GET'):                   " 302  302  302  403  200  200  302",
    ('admin.round_new', 'POST'):                  " 302  302  302  403  400  400  302",
    ('api.booth_annotate', 'POST'):               " 401  401  401  401  401  401  404",
    ('api.booth_scan', 'POST'):                   " 401  401  401  401  401  401  404",
    ('api.booth_visits', 'GET'):                  " 401  401  401  401  401  401  404",
    ('api.checkin_codes', 'GET'):                 " 401  401  401  200  200  200  200",
    ('api.checkin_redeem', 'POST'):               " 401  401  401  400  400  400  400",
    ('api.checkin_search', 'GET'):                " 401  401  401  400  400  400  400",
    ('api.checkin_stats', 'GET'):                 " 401  401  401  200  200  200  200",
    ('api.checkin_undo', 'POST'):                 " 401  401  401  200  200  200  200",
    ('api.event_exhibitors', 'GET'):              " 200  200  200  200  200  200  200",
    ('api.openapi', 'GET'):                       " 200  200  200  200  200  200  200",
    ('api.ping', 'GET'):                          " 200  200  200  200  200  200  200",
    ('auth.login', 'GET'):                        " 200  200  200  302  302  302  200",
    ('auth.login', 'POST'):                       " 400  400  400  302  302  302  400",
    ('auth.logout', 'POST'):                      " 302  302  302  302  302  302  302",
    ('booths.annotate', 'POST'):                  " 404  404  404  404  404  404  404",
    ('booths.change_sharing', 'POST'):            " 404  400  404  404  404  404  404",
    ('booths.export', 'GET'):                     " 404  404  200  404  404  404  404",
    ('booths.open_scanner', 'POST'):              " 404  404  303  404  404  404  404",
    ('booths.scanner', 'GET'):                    " 404  404  200  404  404  404  404",
    ('booths.staff_link', 'POST'):                " 302  302  302  403  200  200  302",
    ('booths.staff_visits', 'GET'):               " 302  302  302  403  200  200  302",
    ('booths.withdraw', 'POST'):                  " 404  404  404  404  404  404  404",
    ('checkin.device_list', 'GET'):               " 302  302  302  403  200  200  302",
    ('checkin.device_list', 'POST'):              " 302  302  302  403  400  400  302",
    ('checkin.device_revoke', 'POST'):            " 302  302  302  403  302  302  302",
    ('checkin.list_roles', 'POST'):               " 302  302  302  403  302  302  302",
    ('checkin.lists', 'GET'):                     " 302  302  302  403  200  200  302",
    ('checkin.lists', 'POST'):                    " 302  302  302  403  400  400  302",
    ('checkin.review', 'GET'):                    " 302  302  302  403  200  200  302",
    ('checkin.scanner', 'GET'):                   " 200  200  200  200  200  200  200",
    ('checkin.walk_in', 'POST'):                  " 302  302  302  400  400  400  302",
    ('checkin.walk_in_badge', 'GET'):             " 302  302  302  200  200  200  302",
    ('exhibitor.add_staff', 'POST'):              " 404  404  400  404  404  404  404",
    ('exhibitor.edit', 'GET'):                    " 404  404  200  404  404  404  404",
    ('exhibitor.edit', 'POST'):                   " 404  404  400  404  404  404  404",
    ('exhibitor.logo', 'GET'):                    " 200  200  200  200  200  200  200",
    ('exhibitor.partners', 'GET'):                " 302  302  302  403  200  200  302",
    ('exhibitor.public_detail', 'GET'):           " 200  200  200  200  200  200  200",
    ('exhibitor.public_list', 'GET'):             " 200  200  200  200  200  200  200",
    ('exhibitor.register', 'GET'):                " 200  200  200  200  200  200  200",
    ('exhibitor.register', 'POST'):               " 400  400  400  400  400  400  400",
    ('exhibitor.registered', 'GET'):              " 200  200  200  200  200  200  200",
    ('exhibitor.remove_staff', 'POST'):           " 404  404  303  404  404  404  404",
    ('exhibitor.sector_update', 'POST'):          " 302  302  302  403  303  303  302",
    ('exhibitor.sectors', 'GET'):                 " 302  302  302  403  200  200  302",
    ('exhibitor.sectors', 'POST'):                " 302  302  302  403  400  400  302",
    ('exhibitor.staff_booth', 'POST'):            " 302  302  302  403  302  302  302",
    ('exhibitor.staff_booths', 'POST'):           " 302  302  302  403  303  303  302",
    ('exhibitor.staff_detail', 'GET'):            " 302  302  302  403  200  200  302",
    ('exhibitor.staff_export', 'GET'):            " 302  302  302  403  200  200  302",
    ('exhibitor.staff_list', 'GET'):              " 302  302  302  403  200  200  302",
    ('exhibitor.staff_notes', 'POST'):            " 302  302  302  403  302  302  302",
    ('exhibitor.staff_overview', 'GET'):          " 302  302  302  403  200  200  302",
    ('exhibitor.staff_renew_link', 'POST'):       " 302  302  302  403  303  303  302",
    ('exhibitor.staff_status', 'POST'):           " 302  302  302  403  400  400  302",
    ('participant.register', 'GET'):              " 200  200  200  200  200  200  200",
    ('participant.register', 'POST'):             " 400  400  400  400  400  400  400",
    ('participant.staff_badges', 'GET'):          " 302  302  302  403  200  200  302",
    ('participant.staff_cancel', 'POST'):         " 302  302  302  403  302  302  302",
    ('participant.staff_import', 'GET'):          " 302  302  302  403  200  200  302",
    ('participant.staff_import', 'POST'):         " 302  302  302  403  400  400  302",
    ('participant.staff_import_confirm', 'POST'): " 302  302  302  403  400  400  302",
    ('participant.staff_list', 'GET'):            " 302  302  302  403  200  200  302",
    ('participant.staff_reissue', 'POST'):        " 302  302  302  403  409  409  302",
    ('participant.staff_revoke', 'POST'):         " 302  302  302  403  302  302  302",
    ('participant.ticket', 'GET'):                " 404  200  404  404  404  404  404",
    ('participant.ticket_ics', 'GET'):            " 404  200  404  404  404  404  404",
    ('participant.ticket_pdf', 'GET'):            " 404  200  404  404  404  404  404",
    ('public.event', 'GET'):                      " 200  200  200  200  200  200  200",
    ('public.health', 'GET'):                     " 200  200  200  200  200  200  200",
    ('public.home', 'GET'):                       " 200  200  200  200  200  200  200",
    ('reports.attendance', 'GET'):                " 302  302  302  403  200  200  302",
    ('reports.attendance', 'POST'):               " 302  302  302  403  200  200  302",
    ('reports.index', 'GET'):                     " 302  302  302  403  200  200  302",
    ('reports.indicators', 'GET'):                " 302  302  302  403  200  200  302",
    ('reports.indicators_download', 'POST'):      " 302  302  302  403  200  200  302",
    ('reports.person_access_export', 'POST'):     " 302  302  302  403  200  200  302",
    ('reports.person_erase', 'POST'):             " 302  302  302  403  400  400  302",
    ('reports.person_lookup', 'GET'):             " 302  302  302  403  200  200  302",
    ('reports.survey_confirm', 'POST'):           " 302  302  302  403  400  400  302",
    ('reports.survey_upload', 'GET'):             " 302  302  302  403  200  200  302",
    ('reports.survey_upload', 'POST'):            " 302  302  302  403  400  400  302",
    ('static', 'GET'):                            " 200  200  200  200  200  200  200",
    ('workshops.assign', 'GET'):                  " 302  302  302  403  200  200  302",
    ('workshops.assign', 'POST'):                 " 302  302  302  403  200  200  302",
    ('workshops.book', 'POST'):                   " 404  302  404  404  404  404  404",
    ('workshops.book_on_behalf', 'POST'):         " 302  302  302  403  400  400  302",
    ('workshops.booking_ics', 'GET'):             " 404  200  404  404  404  404  404",
    ('workshops.calendar', 'GET'):                " 302  302  302  403  200  200  302",
    ('workshops.cancel', 'POST'):                 " 404  302  404  404  404  404  404",
    ('workshops.door_sign', 'GET'):               " 302  302  302  403  200  200  302",
    ('workshops.feed', 'GET'):                    " 404  200  404  404  404  404  404",
    ('workshops.move', 'POST'):                   " 302  302  302  403  400  400  302",
    ('workshops.my_bookings', 'GET'):             " 404  200  404  404  404  404  404",
    ('workshops.rank', 'POST'):                   " 404  302  404  404  404  404  404",
    ('workshops.new_calendar_address', 'POST'):   " 404  302  404  404  404  404  404",
    ('workshops.rollcall', 'GET'):                " 302  302  302  200  200  200  302",
    ('workshops.rollcall_save', 'POST'):          " 302  302  302  302  302  302  302",
    ('workshops.rollcall_scan', 'POST'):          " 302  302  302  302  302  302  302",
    ('workshops.rollcall_sync', 'POST'):          " 302  302  302  400  400  400  302",
    ('workshops.room_form', 'GET'):               " 302  302  302  403  200  200  302",
    ('workshops.room_form', 'POST'):              " 302  302  302  403  400  400  302",
    ('workshops.rooms', 'GET'):                   " 302  302  302  403  200  200  302",
    ('workshops.round_settings', 'GET'):          " 302  302  302  403  200  200  302",
    ('workshops.round_settings', 'POST'):         " 302  302  302  403  302  302  302",
    ('workshops.session_detail', 'GET'):          " 302  302  302  403  200  200  302",
    ('workshops.session_form', 'GET'):            " 302  302  302  403  200  200  302",
    ('workshops.session_form', 'POST'):           " 302  302  302  403  400  400  302",
    ('workshops.staff_cancel', 'POST'):           " 302  302  302  403  302  302  302",
    ('workshops.timetable_pdf', 'GET'):           " 302  302  302  403  200  200  302",
}

SKIP_METHODS = {"HEAD", "OPTIONS"}


def routes(app: Any) -> list[tuple[str, str, Any]]:
    """(method, endpoint, rule) for every route; GETs first, then POSTs, logout last."""
    found = [(method, rule.endpoint, rule) for rule in app.url_map.iter_rules()
             for method in sorted(rule.methods - SKIP_METHODS)]
    return sorted(found, key=lambda r: (r[0] != "GET", r[1] == "auth.logout", r[1], r[2].rule))


def role_client(app: Any, role: str, world: Any) -> Any:
    client = app.test_client()
    if role in ("door", "coordinator", "admin"):
        response = client.post("/login", data={"email": f"{role}@example.org", "password": PASSWORD})
        assert response.status_code == 302, role
    if role == "device":
        client.environ_base["HTTP_AUTHORIZATION"] = "Bearer " + world.values["device_token"]
    return client


def audit_rows(app: Any) -> list[tuple[Any, ...]]:
    import sqlalchemy as sa

    from jobbforum.extensions import db
    from jobbforum.models import AuditEvent

    with app.app_context():
        table = AuditEvent.__table__
        rows = db.session.execute(sa.select(table).order_by(table.c.id)).all()
        db.session.remove()
    return [tuple(row) for row in rows]


def walk(app: Any, role: str) -> dict[tuple[str, str], set[int]]:
    """Statuses seen by ``role`` on every route, on a fresh world. No route may change or delete
    an audit entry that existed before (the log is append-only)."""
    from jobbforum.extensions import db

    _clean(app)
    with app.app_context():
        world = build_world(app)
        db.session.remove()
    before = audit_rows(app)
    client = role_client(app, role, world)
    seen: dict[tuple[str, str], set[int]] = {}
    with app.test_request_context():
        from flask import url_for
        for method, endpoint, rule in routes(app):
            url = url_for(endpoint, **world.args(role, endpoint, set(rule.arguments)))
            body = {"json": {}} if url.startswith("/api/") else {"data": {}}
            response = client.open(url, method=method, **(body if method != "GET" else {}))
            seen.setdefault((endpoint, method), set()).add(response.status_code)
    assert audit_rows(app)[:len(before)] == before, f"an audit entry changed while {role} walked"
    return seen


@pytest.fixture()
def matrix(app: Any, db: Any, own_outbox: str) -> dict[tuple[str, str], dict[str, set[int]]]:
    table: dict[tuple[str, str], dict[str, set[int]]] = {}
    for role in ROLES:
        for key, statuses in walk(app, role).items():
            table.setdefault(key, {})[role] = statuses
    return table


def _line(statuses: dict[str, set[int]]) -> str:
    return " ".join("/".join(str(s) for s in sorted(statuses[r])).rjust(4) for r in ROLES)


def test_every_route_has_an_entry(app: Any) -> None:
    present = {(endpoint, method) for method, endpoint, _rule in routes(app)}
    missing = sorted(present - EXPECTED.keys())
    stale = sorted(EXPECTED.keys() - present)
    assert not missing, f"routes without an access-matrix entry: {missing}"
    assert not stale, f"access-matrix entries for routes that no longer exist: {stale}"


def test_access_matrix(matrix: dict[tuple[str, str], dict[str, set[int]]]) -> None:
    if os.environ.get("PRINT_MATRIX"):
        for (endpoint, method), statuses in sorted(matrix.items()):
            print(f'    ({endpoint!r}, {method!r}):'.ljust(50) + f'"{_line(statuses)}",')
    wrong = [f"{method} {endpoint}: expected {EXPECTED.get((endpoint, method))!r}, "
             f"got {_line(statuses)!r}"
             for (endpoint, method), statuses in sorted(matrix.items())
             if EXPECTED.get((endpoint, method)) != _line(statuses)]
    assert not wrong, "\n".join(wrong)


def test_no_route_answers_500(matrix: dict[tuple[str, str], dict[str, set[int]]]) -> None:
    errors = [(key, role) for key, statuses in matrix.items() for role, seen in statuses.items()
              if any(s >= 500 for s in seen)]
    assert not errors
