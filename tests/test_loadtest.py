"""``make loadtest`` cannot rot: its runner does a 4-second run (seeding, gunicorn, locust, the
accounting of every scan) against PostgreSQL. Latency and rate are not judged here (so short a
run on a busy test machine says nothing about them); errors and the accounting are."""

from __future__ import annotations

import pytest


@pytest.mark.postgres_only
@pytest.mark.slow
def test_a_short_load_test_run_sends_everything_and_accounts_for_every_scan() -> None:
    from loadtest.runner import report, run

    figures = run(seconds=4, exhibitors=8)
    text = report(figures)
    assert {"POST check-in", "GET sign-up form", "POST sign-up", "GET exhibitor list",
            "GET exhibitors API"} <= set(figures["requests"]), text
    assert figures["accounting"]["scans_sent"] >= 50, text
    assert figures["accounting"]["signups_sent"] >= 1, text
    judged = [c for c in figures["criteria"] if c["kind"] in ("errors", "accounting")]
    assert len(judged) == 5 and all(c["passed"] for c in judged), text
