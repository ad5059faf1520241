"""Fault: PostgreSQL stopped and started in the middle of a check-in burst.

A private PostgreSQL server (tests/private_pg.py; the shared one is never touched) serves a
gunicorn app server. Door scanners send a burst of check-ins; midway the database is stopped
(``pg_ctl stop -m fast``, cutting off open sessions) and started again. While it is down the API
must answer a clear, retryable JSON error (503 ``database_unavailable``, never a 500 or an HTML
page); the scanners retry with the same nonce (as the scanner's offline queue uploads, with
``force``); the app reconnects by itself, without a restart; and afterwards every scan is in the
database exactly once: one check-in per ticket, carrying its scan's nonce, nothing lost.
"""

from __future__ import annotations

import json
import queue
import threading
import time
import urllib.error
import urllib.request
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from bench.harness import create_database, migrated_app, seed_door
from tests.private_pg import private_postgres
from tests.servers import app_server

TICKETS = 90
SCANNERS = 6
RETRY_PAUSE = 0.15
DEADLINE = 40.0  # seconds for the whole burst: a hang fails the test instead of blocking it


def _request(url: str, token: str, body: dict[str, Any] | None = None
             ) -> tuple[int, str, bytes]:
    """(status, content type, body); status 0 when no HTTP answer came at all."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method="POST" if data else "GET", headers={
        "Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read()
    except OSError as error:  # connection refused or reset: the scanner queues and retries
        return 0, "", repr(error).encode()


class Burst:
    """Scanners working through the tickets in threads; each retries its scan (same nonce,
    ``force`` as an offline upload) until it gets a final answer."""

    def __init__(self, base_url: str, slug: str, token: str, codes: list[str]) -> None:
        self.url, self.token = f"{base_url}/api/v1/events/{slug}/checkin", token
        self.todo: queue.Queue[str] = queue.Queue()
        for code in codes:
            self.todo.put(code)
        self.lock = threading.Lock()
        self.answers: dict[str, dict[str, Any]] = {}   # nonce → final answer
        self.nonce_of: dict[str, str] = {}             # code → its one nonce
        self.failures: list[tuple[int, str, bytes]] = []  # every non-200 answer
        self.ok_count = 0
        self.deadline = time.monotonic() + DEADLINE
        self.threads = [threading.Thread(target=self._scanner, daemon=True)
                        for _ in range(SCANNERS)]

    def _scanner(self) -> None:
        while time.monotonic() < self.deadline:
            try:
                code = self.todo.get_nowait()
            except queue.Empty:
                return
            nonce = str(uuid.uuid4())
            with self.lock:
                self.nonce_of[code] = nonce
            body = {"code": code, "nonce": nonce, "list": "entrance", "force": False,
                    "scanned_at": datetime.now(UTC).isoformat()}
            while time.monotonic() < self.deadline:
                status, content_type, raw = _request(self.url, self.token, body)
                if status == 200:
                    with self.lock:
                        self.answers[nonce] = json.loads(raw)
                        self.ok_count += 1
                    break
                with self.lock:
                    self.failures.append((status, content_type, raw))
                body["force"] = True  # replayed from the queue, as the scanner uploads it
                time.sleep(RETRY_PAUSE)
            time.sleep(0.05)  # a door, not a benchmark: the burst must outlast the stop

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def wait_until(self, condition: Any, what: str) -> None:
        while not condition():
            assert time.monotonic() < self.deadline, f"timed out waiting for {what}"
            time.sleep(0.02)

    def join(self) -> None:
        for thread in self.threads:
            thread.join(max(0.1, self.deadline - time.monotonic()))
        assert not any(t.is_alive() for t in self.threads), "the burst did not finish in time"


@pytest.mark.postgres_only
@pytest.mark.slow
def test_database_restart_in_a_checkin_burst_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    with private_postgres() as pg:
        url = create_database(pg.url, prefix="jobbforum_faults")
        with migrated_app(url, tmp_path / "seed"):
            door = seed_door(TICKETS, slug="fault-fair")
        token = door.tokens[0]
        log = tmp_path / "gunicorn.log"
        with app_server(url, tmp_path / "server", workers=2, threads=4, log=log) as base:
            burst = Burst(base, door.slug, token, door.codes)
            burst.start()
            burst.wait_until(lambda: burst.ok_count >= TICKETS // 3, "the first check-ins")
            pg.stop("fast")
            stopped_at = time.monotonic()
            ok_before_restart = burst.ok_count
            burst.wait_until(lambda: len(burst.failures) >= 2 * SCANNERS
                             and time.monotonic() - stopped_at > 1.0, "answers while down")
            failures_while_down = len(burst.failures)
            pg.start()
            burst.join()
            # The app reconnected by itself (same processes): a fresh request gets real data.
            status, _type, raw = _request(f"{base}/api/v1/events/{door.slug}/checkin/stats", token)

        assert status == 200, raw
        assert json.loads(raw)["checked_in"] == TICKETS

        # While down: only clear, retryable JSON errors – no 500, no HTML, no dropped connection.
        assert failures_while_down >= 2 * SCANNERS
        assert ok_before_restart < TICKETS, "the database went down after the burst, not in it"
        for status, content_type, raw in burst.failures:
            assert status == 503, (status, raw[:300])
            assert content_type.startswith("application/json"), (content_type, raw[:300])
            assert json.loads(raw) == {"status": "error", "reason": "database_unavailable"}
        assert "Unhandled error" not in log.read_text(errors="replace")

        # Every scan answered, once, with a check-in.
        assert len(burst.nonce_of) == TICKETS and len(burst.answers) == TICKETS
        assert {a["status"] for a in burst.answers.values()} == {"ok"}, burst.answers

        engine = sa.create_engine(url)
        try:
            with engine.connect() as conn:
                logged = conn.scalar(sa.text(
                    "SELECT count(*) FROM checkin_scans WHERE event_id = :e"),
                    {"e": door.event_id})
                checkins = conn.execute(sa.text(
                    "SELECT c.id, c.nonce, c.flagged, t.code FROM checkins c "
                    "JOIN tickets t ON t.id = c.ticket_id "
                    "JOIN checkin_lists l ON l.id = c.list_id WHERE l.event_id = :e"),
                    {"e": door.event_id}).all()
        finally:
            engine.dispose()
        # Each scan recorded once, as its check-in (a retry wrote nothing more).
        assert logged == 0
        assert sorted(c.nonce for c in checkins) == sorted(burst.nonce_of.values())
        assert not any(c.flagged for c in checkins), checkins
        assert sorted(c.code for c in checkins) == sorted(door.codes)  # one per ticket
