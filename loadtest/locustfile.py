"""Locust users for ``make loadtest``; started by ``python -m loadtest``, which makes and seeds the
database, starts gunicorn and hands over the plan (a JSON file named by ``LOADTEST_PLAN``).

* :class:`DoorScanner` – door devices checking people in at a constant total rate (default 20
  scans/s), each scan with its own nonce; every 10th is a second scan of a badge already checked
  in (``already_checked_in``). Every scan sent (and every request's time) is written to the
  plan's ``record`` file at the end, so the runner can find each scan in the database.
* :class:`SignUp` – participants signing up on the public form (the form page first, for its
  CSRF token and session cookie, then the post; the answer is the redirect to the ticket).
* :class:`Visitor` – the public exhibitor list page (plain and filtered) and its JSON API.
"""

from __future__ import annotations

import json
import os
import random
import re
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import gevent
from locust import HttpUser, events, task

if "LOADTEST_PLAN" not in os.environ:
    raise SystemExit("Run the load test with `python -m loadtest` (or `make loadtest`).")
PLAN: dict[str, Any] = json.loads(Path(os.environ["LOADTEST_PLAN"]).read_text())
SLUG = PLAN["slug"]
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')

#: Every scan sent: nonce → {"code", "rescan", "answer" (None until one came)}.
SENT: dict[str, dict[str, Any]] = {}
SIGNUPS = {"sent": 0, "registered": 0}
#: Per request name: every response time (ms) and every failure message.
REQUESTS: dict[str, dict[str, list[Any]]] = {}
_codes = iter(PLAN["codes"])
_checked_in: list[str] = []  # codes whose first scan was answered (candidates for a re-scan)
_scans = 0
#: Users send nothing after this moment (the run time less a margin, from the first user's start).
_end: float | None = None
END_MARGIN = 0.5


def _next_scan() -> tuple[str, bool]:
    """The next badge to scan: a new one, or (every 10th scan) one already checked in."""
    global _scans
    _scans += 1
    if _checked_in and _scans % PLAN["rescan_every"] == 0:
        return random.choice(_checked_in), True
    code = next(_codes, None)
    if code is None:  # more scans than seeded badges: keep going with re-scans
        return random.choice(_checked_in), True
    return code, False


class Paced(HttpUser):
    """A user doing one task every ``period`` seconds, at a random phase of its own.

    Not locust's ``constant_throughput``: it paces from the moment the user is made, and locust
    makes them all in the same instant, so every user would fire in the same millisecond of
    each second (bursts of 20 scans at once that no row of doors sends, measuring the queue they
    make rather than the server). Here each user starts at a random moment of its first period
    and keeps that phase: the total rate is the same, spread over the second."""

    abstract = True
    period = 1.0

    def on_start(self) -> None:
        global _end
        if _end is None:
            _end = time.monotonic() + PLAN["seconds"] - END_MARGIN
        self._due = time.monotonic() + random.uniform(0, self.period)
        gevent.sleep(self._due - time.monotonic())

    def wait_time(self) -> float:
        self._due += self.period
        if _end is not None and self._due > _end:
            # Done: idle until locust stops the user. Locust may kill a user that is about to
            # wake up mid-request, and a scan cut off on the client is one nobody can account for.
            return 3600.0
        return max(0.0, self._due - time.monotonic())  # late (a slow answer): no wait


@events.request.add_listener
def _timed(name: str, response_time: float, exception: Exception | None, **_kwargs: Any) -> None:
    """Every request's time (ms) and failure, kept exactly (locust's own figures are rounded
    and its CSV files lag behind the last second)."""
    entry = REQUESTS.setdefault(name, {"times": [], "failures": []})
    entry["times"].append(response_time)
    if exception is not None:
        entry["failures"].append(str(exception)[:200])


@events.quitting.add_listener
def _write_record(**_kwargs: Any) -> None:
    Path(PLAN["record"]).write_text(json.dumps({"scans": SENT, "signups": SIGNUPS,
                                                "requests": REQUESTS}))


class DoorScanner(Paced):
    fixed_count = PLAN["scan_users"]
    period = PLAN["scan_users"] / PLAN["scan_rate"]

    def on_start(self) -> None:
        self.token = random.choice(PLAN["tokens"])
        super().on_start()

    @task
    def scan(self) -> None:
        code, rescan = _next_scan()
        nonce = str(uuid.uuid4())
        SENT[nonce] = {"code": code, "rescan": rescan, "answer": None}
        body = {"code": code, "nonce": nonce, "list": "entrance",
                "scanned_at": datetime.now(UTC).isoformat(), "force": False}
        with self.client.post(f"/api/v1/events/{SLUG}/checkin", json=body, name="POST check-in",
                              headers={"Authorization": f"Bearer {self.token}"},
                              catch_response=True) as response:
            answer = _json(response)
            status = answer.get("status") if isinstance(answer, dict) else None
            SENT[nonce]["answer"] = status
            expected = "already_checked_in" if rescan else "ok"
            if response.status_code != 200 or status != expected:
                response.failure(f"{response.status_code} {status!r}, expected {expected}")
            elif not rescan:
                _checked_in.append(code)


class SignUp(Paced):
    fixed_count = PLAN["signup_users"]
    period = PLAN["signup_users"] / PLAN["signup_rate"]

    @task
    def sign_up(self) -> None:
        self.client.cookies.clear()  # a new person: a new session
        url = f"/events/{SLUG}/register"
        with self.client.get(url, name="GET sign-up form", catch_response=True) as page:
            token = CSRF.search(page.text or "")
            if page.status_code != 200 or token is None:
                page.failure(f"{page.status_code}: no sign-up form")
                return
        someone = uuid.uuid4().hex[:12]
        form = {"csrf_token": token.group(1), "role": "participant", "name": f"Load Test {someone}",
                "phone": "", "email": f"load-{someone}@example.org", "participant_code": "",
                "preferred_language": "sv", "booth_sharing": "visit_only", "consent": "y"}
        SIGNUPS["sent"] += 1
        with self.client.post(url, data=form, name="POST sign-up", allow_redirects=False,
                              catch_response=True) as response:
            if response.status_code == 302 and "/t/" in response.headers.get("Location", ""):
                SIGNUPS["registered"] += 1
            else:
                response.failure(f"{response.status_code}: not signed up")


class Visitor(Paced):
    fixed_count = PLAN["browse_users"]
    period = PLAN["browse_users"] / PLAN["browse_rate"]

    @task(3)
    def exhibitor_list(self) -> None:
        self.client.get(f"/events/{SLUG}/exhibitors", name="GET exhibitor list")

    @task(1)
    def exhibitor_list_filtered(self) -> None:
        self.client.get(f"/events/{SLUG}/exhibitors?offer=internships&language=ar",
                        name="GET exhibitor list (filtered)")

    @task(2)
    def exhibitor_api(self) -> None:
        with self.client.get(f"/api/v1/events/{SLUG}/exhibitors", name="GET exhibitors API",
                             catch_response=True) as response:
            answer = _json(response) or {}
            if response.status_code != 200 or not answer.get("count"):
                response.failure(f"{response.status_code}: no exhibitors")


def _json(response: Any) -> Any:
    try:
        return response.json()
    except ValueError:
        return None
