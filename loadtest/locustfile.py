"""Locust users for ``make loadtest``; started by ``python -m loadtest``, which makes and seeds the
database, starts gunicorn and hands over the plan (a JSON file named by ``LOADTEST_PLAN``).

* :class:`DoorScanner` – door devices checking people in at a constant total rate (default 20
  scans/s), each scan with its own nonce; every 10th is a second scan of a badge already checked
  in (``already_checked_in``). Every scan sent is written to the plan's ``record`` file at the
  end, so the runner can find each one in the database.
* :class:`SignUp` – participants signing up on the public form (the form page first, for its
  CSRF token and session cookie, then the post; the answer is the redirect to the ticket).
* :class:`Visitor` – the public exhibitor list page (plain and filtered) and its JSON API.
"""

from __future__ import annotations

import json
import os
import random
import re
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import gevent
from locust import HttpUser, constant_throughput, events, task

if "LOADTEST_PLAN" not in os.environ:
    raise SystemExit("Run the load test with `python -m loadtest` (or `make loadtest`).")
PLAN: dict[str, Any] = json.loads(Path(os.environ["LOADTEST_PLAN"]).read_text())
SLUG = PLAN["slug"]
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')

#: Every scan sent: nonce → {"code", "rescan", "answer" (None until one came)}.
SENT: dict[str, dict[str, Any]] = {}
SIGNUPS = {"sent": 0, "registered": 0}
_codes = iter(PLAN["codes"])
_checked_in: list[str] = []  # codes whose first scan was answered (candidates for a re-scan)
_scans = 0


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
    """A user doing one task every ``period`` seconds, starting at a random moment within its
    first period: locust spawns the users in the same instant, and doors, phones and visitors
    keeping in step would send bursts no real crowd sends."""

    abstract = True
    period = 1.0

    def on_start(self) -> None:
        gevent.sleep(random.uniform(0, self.period))


@events.quitting.add_listener
def _write_record(**_kwargs: Any) -> None:
    Path(PLAN["record"]).write_text(json.dumps({"scans": SENT, "signups": SIGNUPS}))


class DoorScanner(Paced):
    fixed_count = PLAN["scan_users"]
    wait_time = constant_throughput(PLAN["scan_rate"] / PLAN["scan_users"])
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
    wait_time = constant_throughput(PLAN["signup_rate"] / PLAN["signup_users"])
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
    wait_time = constant_throughput(PLAN["browse_rate"] / PLAN["browse_users"])
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
