"""Schemathesis fuzzes the API through the WSGI app (no network), on both databases:
no 500, and every response conforms to ``/api/v1/openapi.json`` (status, content type, body).

Requests carry a real door device's bearer token, and half of them use the real event's slug so
the fuzzer reaches past the 404 into the endpoints' input handling.

The examples come from a fixed seed, so a run is repeatable: the same 25 examples per operation
every time. To hunt for new failures, vary them: ``JOBBFORUM_FUZZ_SEED=<n>`` (random examples from that
seed) and ``JOBBFORUM_FUZZ_EXAMPLES=<n>`` (more of them); ``make fuzz`` loops over seeds on both
databases. Every failure found that way gets a fix and a regression test below.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from jobbforum.models import MAX_ID
from tests.checkin_builders import make_device, make_ticket  # noqa: F401  (fixtures)

import schemathesis  # noqa: E402  (a declared test dependency: missing means failing, never skipping)

FUZZ_SEED = os.environ.get("JOBBFORUM_FUZZ_SEED")
FUZZ_EXAMPLES = int(os.environ.get("JOBBFORUM_FUZZ_EXAMPLES", "25"))


def _checks() -> tuple[Any, ...]:
    from schemathesis.checks import (
        content_type_conformance,
        not_a_server_error,
        response_schema_conformance,
        status_code_conformance,
    )

    return (not_a_server_error, status_code_conformance, content_type_conformance,
            response_schema_conformance)


@pytest.fixture()
def target(db: Any, app: Any, make_ticket: Any, make_device: Any) -> dict[str, Any]:
    ticket = make_ticket()
    event = ticket.registration.event
    _device, token = make_device(event)
    return {"slug": event.slug, "token": token, "code": ticket.code}


def test_api_conforms_to_its_schema(app: Any, target: dict[str, Any]) -> None:
    schema = schemathesis.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 6
    #: The last failing example of each operation: after shrinking, the smallest one.
    failures: dict[str, str] = {}
    for operation in operations:
        @settings(max_examples=FUZZ_EXAMPLES, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        @seed(int(FUZZ_SEED or 0))
        @given(case=operation.as_strategy(), real_slug=st.booleans())
        def fuzz(case: Any, real_slug: bool) -> None:
            if real_slug and case.path_parameters and "slug" in case.path_parameters:
                case.path_parameters["slug"] = target["slug"]
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {target['token']}"}
            response = case.call_wsgi()
            try:
                case.validate_response(response, checks=_checks())
            except AssertionError as error:
                failures[operation.verbose_name] = (
                    f"{operation.verbose_name} {case.path_parameters} {case.query} "
                    f"{case.body!r} → {response.status_code}: {' '.join(str(error).split())[:300]}")
                raise

        try:
            fuzz()
        except AssertionError:
            pass
    assert not failures, "\n".join(failures.values())


def test_database_down_is_a_clear_503(app: Any, target: dict[str, Any], monkeypatch: Any) -> None:
    """While the database cannot be reached the API answers 503 database_unavailable (JSON,
    Retry-After), never a 500. (tests/test_faults.py stops a real PostgreSQL.)"""
    import sqlalchemy as sa

    from jobbforum.services import checkin

    def down(*_args: Any, **_kw: Any) -> Any:
        raise sa.exc.OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(checkin, "redeem", down)
    monkeypatch.setattr(checkin, "redeem_by_device_token", down)
    response = app.test_client().post(
        f"/api/v1/events/{target['slug']}/checkin", json={"code": target["code"]},
        headers={"Authorization": f"Bearer {target['token']}"})
    assert response.status_code == 503
    assert response.get_json() == {"status": "error", "reason": "database_unavailable"}
    assert response.headers["Retry-After"] == "5"


# --------------------------------------------------------------------------- found by fuzzing


@pytest.mark.parametrize("number", [MAX_ID + 1, 2**63, 10**40])
def test_ids_beyond_an_id_column_are_404_not_500(app: Any, target: dict[str, Any],
                                                 number: int) -> None:
    """Found by the fuzzer on PostgreSQL: ``<int:…>`` took any number, and one beyond the
    ``integer`` column overflowed in the query (a 500). Now no route matches such a number, in
    the API or on a page, and the OpenAPI document says where ids end."""
    client = app.test_client()
    response = client.post(f"/api/v1/events/{target['slug']}/checkin/{number}/undo",
                           headers={"Authorization": f"Bearer {target['token']}"})
    assert response.status_code == 404 and response.get_json()["status"] == "error"
    assert client.get(f"/events/{target['slug']}/exhibitors/{number}").status_code == 404
    assert client.post(f"/api/v1/events/{target['slug']}/checkin/{MAX_ID}/undo", headers={
        "Authorization": f"Bearer {target['token']}"}).status_code == 404  # the largest id: unknown


def test_openapi_bounds_path_ids(client: Any) -> None:
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path, parameter in (("/events/{slug}/checkin/{checkin_id}/undo", "checkin_id"),
                            ("/booth/visits/{visit_id}", "visit_id")):
        declared = {p["name"]: p["schema"] for p in paths[path]["post"]["parameters"]}
        assert declared[parameter] == {"type": "integer", "minimum": 0, "maximum": MAX_ID}
        assert declared.get("slug", {"type": "string"}) == {"type": "string"}
