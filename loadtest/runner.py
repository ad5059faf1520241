"""Load test: check-ins at the door, sign-ups and exhibitor-list views at once, on PostgreSQL.

``python -m loadtest [--seconds N]`` (``make loadtest``; ``LOADTEST_SECONDS``, default 300):

1. makes a fresh PostgreSQL database (dropped afterwards), migrates it and seeds an event open
   for sign-up with enough tickets, door devices and demo exhibitors (with logos and booths);
2. starts gunicorn (2 workers, gthread) on a free loopback port, with the per-device check-in
   and per-address sign-up rate limits lifted (all load comes from one address and a few
   devices) and session cookies allowed over plain HTTP (loopback, no TLS); reads each page a
   few times (warm-up, not measured);
3. runs locust headless for the given time (loadtest/locustfile.py): 20 scans/s, 0.5 sign-ups/s
   (form page, then the post with its CSRF token), 5 exhibitor-list views/s (page and API),
   each simulated door, phone and visitor at a steady pace with a random phase;
4. checks and prints the pass criteria, and exits non-zero if any fails:
   * p95 below 200 ms for every request type, and no failed request;
   * the scan rate reached (at least 90 % of the target);
   * every scan sent is in the database once, with the answer the door got (a scan that
     checked a badge in is its check-in, which keeps the nonce; any other scan is a scan-log
     row), one check-in per badge answered ``ok``; every sign-up answered with a ticket is there.

Everything stays on the loopback interface, and the run is bounded in time (locust's run time
plus a fixed margin; the processes started here are stopped here).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from bench.harness import (  # noqa: E402
    Server,
    create_database,
    drop_database,
    migrated_app,
    seed_door,
)

HERE = Path(__file__).resolve().parent
SLUG = "loadtest-fair"
GOAL_P95_MS = 200.0
MIN_RATE_SHARE = 0.9
RESCAN_EVERY = 10
#: Limits lifted for the run (one address, a few devices, far above any one door's pace).
OVERRIDES = {"CHECKIN_RATE_LIMIT": "1000000 per minute", "SIGNUP_RATE_LIMIT": "1000000 per minute",
             "SESSION_COOKIE_SECURE": False}


def _seed(url: str, instance: str, tickets: int, devices: int, exhibitors: int) -> dict[str, Any]:
    from jobbforum.demo import DemoContext
    from jobbforum.demo.exhibitors import load_exhibitors
    from jobbforum.extensions import db
    from jobbforum.models import Event, Registration

    with migrated_app(url, instance):
        door = seed_door(tickets, slug=SLUG, title="Jobbforum load test", devices=devices)
        context = DemoContext(participants=0, exhibitors=exhibitors)
        context.created["event"] = db.session.get(Event, door.event_id)
        load_exhibitors(context)
        registrations = db.session.scalar(sa.select(sa.func.count()).select_from(Registration)
                                          .where(Registration.event_id == door.event_id))
    return {"slug": door.slug, "event_id": door.event_id, "codes": door.codes,
            "tokens": door.tokens, "registrations": registrations}


def _locust(plan_file: Path, base_url: str, users: int, seconds: int, log: Path) -> int:
    command = [sys.executable, "-m", "locust", "-f", str(HERE / "locustfile.py"), "--headless",
               "--host", base_url, "--users", str(users), "--spawn-rate", str(users),
               "--run-time", f"{seconds}s", "--stop-timeout", "10", "--only-summary",
               "--loglevel", "WARNING"]
    env = dict(os.environ, LOADTEST_PLAN=str(plan_file))
    with log.open("wb") as output:
        try:
            return subprocess.run(command, env=env, stdout=output, stderr=subprocess.STDOUT,
                                  cwd=ROOT, timeout=seconds + 120, check=False).returncode
        except subprocess.TimeoutExpired:
            return -1


def _warm_up(base_url: str, seeded: dict[str, Any]) -> None:
    """A few reads of each page (templates compiled, connections open in both workers) before
    the clock runs: the figures are for a server that has been up, not for its first second."""
    slug, token = seeded["slug"], seeded["tokens"][0]
    paths = [f"/events/{slug}/exhibitors", f"/events/{slug}/exhibitors?offer=internships",
             f"/api/v1/events/{slug}/exhibitors", f"/events/{slug}/register",
             f"/api/v1/events/{slug}/checkin/stats"]
    for _round in range(4):
        for path in paths:
            request = urllib.request.Request(base_url + path,
                                             headers={"Authorization": f"Bearer {token}"})
            with urllib.request.urlopen(request, timeout=30) as response:
                response.read()


def _percentile(ordered: list[float], share: float) -> float:
    """Nearest-rank percentile of a sorted list."""
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def _stats(requests: dict[str, dict[str, list[Any]]], seconds: int) -> dict[str, dict[str, Any]]:
    """Count, failures, rate and p50/p95/p99/max (ms) per request type, and over all."""
    rows: dict[str, dict[str, Any]] = {}
    everything = {"times": [t for r in requests.values() for t in r["times"]],
                  "failures": [f for r in requests.values() for f in r["failures"]]}
    for name, entry in [*sorted(requests.items()), ("Aggregated", everything)]:
        times = sorted(entry["times"])
        rows[name] = {"requests": len(times), "failures": len(entry["failures"]),
                      "rps": round(len(times) / seconds, 1)}
        for key, share in (("p50_ms", 0.5), ("p95_ms", 0.95), ("p99_ms", 0.99), ("max_ms", 1.0)):
            rows[name][key] = round(_percentile(times, share), 1) if times else None
    return rows


def _failures(requests: dict[str, dict[str, list[Any]]]) -> list[str]:
    counted = Counter((name, failure) for name, entry in requests.items()
                      for failure in entry["failures"])
    return [f"{count}× {name}: {failure}" for (name, failure), count in counted.most_common()]


def _accounting(url: str, seeded: dict[str, Any], record: dict[str, Any]) -> dict[str, Any]:
    """Compare what locust sent with what the database holds."""
    sent: dict[str, dict[str, Any]] = record["scans"]
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(sa.text(
                "SELECT nonce, status FROM checkin_scans WHERE event_id = :e "
                "UNION ALL "
                "SELECT c.nonce, 'ok' FROM checkins c JOIN checkin_lists l ON l.id = c.list_id "
                "WHERE l.event_id = :e AND c.nonce IS NOT NULL"),
                {"e": seeded["event_id"]}).all()
            checkins = conn.execute(sa.text(
                "SELECT t.code FROM checkins c JOIN tickets t ON t.id = c.ticket_id "
                "JOIN checkin_lists l ON l.id = c.list_id WHERE l.event_id = :e"),
                {"e": seeded["event_id"]}).scalars().all()
            registrations = conn.execute(sa.text(
                "SELECT count(*) FROM registrations WHERE event_id = :e"),
                {"e": seeded["event_id"]}).scalar_one()
    finally:
        engine.dispose()
    stored = {nonce: status for nonce, status in rows}
    answered_ok = {s["code"] for s in sent.values() if s["answer"] == "ok"}
    return {
        "scans_sent": len(sent),
        "scans_answered": sum(1 for s in sent.values() if s["answer"] is not None),
        "scan_records": len(rows),
        "missing": sum(1 for nonce in sent if nonce not in stored),
        "unexpected": sum(1 for nonce in stored if nonce not in sent),
        "answer_mismatch": sum(1 for nonce, s in sent.items()
                               if nonce in stored and s["answer"] not in (None, stored[nonce])),
        "rescans": sum(1 for s in sent.values() if s["rescan"]),
        "checkins": len(checkins),
        "checkins_expected": len(answered_ok),
        "checkins_mismatch": len(set(checkins) ^ answered_ok) + len(checkins) - len(set(checkins)),
        "signups_sent": record["signups"]["sent"],
        "signups_registered": record["signups"]["registered"],
        "signup_rows": registrations - seeded["registrations"],
    }


def _criteria(figures: dict[str, Any]) -> list[tuple[str, str, bool]]:
    """(kind, text, passed): kinds ``latency``, ``rate``, ``errors`` and ``accounting``."""
    stats, books = figures["requests"], figures["accounting"]
    named = {name: row for name, row in stats.items() if name != "Aggregated"}
    rate = named.get("POST check-in", {"requests": 0})["requests"] / figures["seconds"]
    checks = [("latency", f"{name}: p95 {row['p95_ms']:g} ms < {GOAL_P95_MS:g} ms",
               row["p95_ms"] is not None and row["p95_ms"] < GOAL_P95_MS)
              for name, row in sorted(named.items())]
    failures = ", ".join(f"{n}: {r['failures']}" for n, r in sorted(named.items()))
    checks += [
        ("rate", f"scan rate {rate:.1f}/s ≥ {MIN_RATE_SHARE:.0%} of {figures['scan_rate']:g}/s",
         rate >= MIN_RATE_SHARE * figures["scan_rate"]),
        ("errors", f"no failed request ({failures})",
         bool(named) and all(r["failures"] == 0 for r in named.values())),
        ("accounting", f"every scan answered ({books['scans_answered']} of {books['scans_sent']})",
         books["scans_answered"] == books["scans_sent"] > 0),
        ("accounting", f"every scan in the database once ({books['scan_records']} records: "
         f"check-ins and scan-log rows; {books['missing']} missing, "
         f"{books['unexpected']} unexpected, {books['answer_mismatch']} with another answer)",
         books["scan_records"] == books["scans_sent"] and not books["missing"]
         and not books["unexpected"] and not books["answer_mismatch"]),
        ("accounting", f"one check-in per badge answered ok ({books['checkins']} check-ins, "
         f"{books['checkins_expected']} expected; {books['rescans']} re-scans)",
         books["checkins"] == books["checkins_expected"] and not books["checkins_mismatch"]),
        ("accounting", f"every sign-up in the database ({books['signup_rows']} new registrations, "
         f"{books['signups_registered']} of {books['signups_sent']} answered with a ticket)",
         books["signup_rows"] == books["signups_registered"] == books["signups_sent"]),
    ]
    return checks


def run(seconds: int = 300, scan_rate: float = 20.0, workers: int = 2, signup_rate: float = 0.5,
        browse_rate: float = 5.0, exhibitors: int = 60, devices: int = 4) -> dict[str, Any]:
    """Seed, serve, load, check; returns the figures with ``passed`` and ``criteria``."""
    work = Path(tempfile.mkdtemp(prefix="jobbforum-loadtest-"))
    instance = work / "instance"
    url = create_database(prefix="jobbforum_loadtest")
    server = None
    try:
        started = time.perf_counter()
        seeded = _seed(url, str(instance), math.ceil(scan_rate * seconds) + 50, devices,
                       exhibitors)
        seed_seconds = time.perf_counter() - started
        server = Server(url, instance, workers, overrides=OVERRIDES, log=work / "gunicorn.log")
        _warm_up(server.base_url, seeded)
        scan_users = max(1, math.ceil(scan_rate))        # one scan a second each
        signup_users = max(1, math.ceil(signup_rate))
        browse_users = max(1, math.ceil(browse_rate))
        plan = {**seeded, "record": str(work / "record.json"), "rescan_every": RESCAN_EVERY,
                "seconds": seconds,
                "scan_rate": scan_rate, "scan_users": scan_users, "signup_rate": signup_rate,
                "signup_users": signup_users, "browse_rate": browse_rate,
                "browse_users": browse_users}
        (work / "plan.json").write_text(json.dumps(plan))
        exit_code = _locust(work / "plan.json", server.base_url,
                            scan_users + signup_users + browse_users, seconds,
                            work / "locust.log")
        server.stop()
        if exit_code < 0 or not (work / "record.json").exists():
            log = (work / "locust.log").read_text(errors="replace")[-3000:]
            raise RuntimeError(f"locust did not finish (exit {exit_code}):\n{log}")
        figures: dict[str, Any] = {
            "seconds": seconds, "scan_rate": scan_rate, "signup_rate": signup_rate,
            "browse_rate": browse_rate, "workers": workers, "seed_seconds": round(seed_seconds, 1),
        }
        record = json.loads((work / "record.json").read_text())
        figures["requests"] = _stats(record["requests"], seconds)
        figures["failures"] = _failures(record["requests"])
        figures["accounting"] = _accounting(url, seeded, record)
        checks = _criteria(figures)
        figures["criteria"] = [{"kind": kind, "check": text, "passed": ok}
                               for kind, text, ok in checks]
        figures["passed"] = all(ok for _kind, _text, ok in checks)
        return figures
    finally:
        if server is not None:
            server.stop()
        drop_database(url)
        shutil.rmtree(work, ignore_errors=True)


def report(figures: dict[str, Any]) -> str:
    lines = [f"Load test: {figures['seconds']} s on gunicorn ({figures['workers']} workers, "
             f"gthread) and PostgreSQL; target {figures['scan_rate']:g} scans/s, "
             f"{figures['signup_rate']:g} sign-ups/s, {figures['browse_rate']:g} exhibitor views/s",
             f"{'request':<32} {'count':>6} {'fail':>5} {'req/s':>6} {'p50':>7} {'p95':>7} "
             f"{'p99':>7} {'max':>7}  (ms)"]
    for name, row in figures["requests"].items():
        values = [row[k] for k in ("p50_ms", "p95_ms", "p99_ms", "max_ms")]
        lines.append(f"{name:<32} {row['requests']:>6} {row['failures']:>5} "
                     f"{row['rps'] or 0:>6.1f} " + " ".join(
                         f"{v:>7.1f}" if v is not None else f"{'-':>7}" for v in values))
    lines += [f"  failure: {failure}" for failure in figures["failures"][:10]]
    lines += [f"{'PASS' if c['passed'] else 'FAIL'}  {c['check']}" for c in figures["criteria"]]
    lines.append("load test " + ("passed" if figures["passed"] else "FAILED"))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m loadtest", description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("LOADTEST_SECONDS", 300)))
    parser.add_argument("--scan-rate", type=float, default=20.0, help="check-in scans per second")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    figures = run(args.seconds, args.scan_rate, args.workers)
    print(json.dumps(figures, indent=2) if args.json else report(figures))
    return 0 if figures["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
