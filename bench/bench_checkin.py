"""Benchmark: check-in throughput and latency against gunicorn on PostgreSQL.

16 concurrent clients (keep-alive connections, driven by one event loop as wrk does) call, on
the same gunicorn server in the same run:

* the baseline: ``GET /api/v1/ping``, a no-op JSON endpoint (app, routing, headers, JSON);
* ``POST /api/v1/events/<slug>/checkin`` with a door device's bearer token, every request a new
  badge (the full path: auth, nonce look-up, ticket row lock, insert, scan log, commit);
* the same badges scanned again (the ``already_checked_in`` answer).

Each client sends its next request as soon as it has the answer (the server's capacity), and
each phase is measured while all 16 are busy, as wrk measures for a fixed time (until the first
client has its last answer: see ``_load``); the three phases are repeated in ``ROUNDS``
interleaved rounds and reported as medians. Figures:
requests/s, p50/p99 latency, and the check-in/no-op throughput ratio (goal ≥ 0.4, p99 ≤ 25 ms).
Then the latency at a door's pace: the 16 clients as scanners scanning every 100 ms each, well
below capacity; and under load: the 16 clients paced to 50, 75 and 90 % of the check-in
capacity just measured (latency counted from each scan's scheduled time), with the highest of
those loads at which p99 stays within the goal. If Chromium is installed, also the scanner page's scan-to-result time in the
browser (hand-scanner input → result on screen; goal ≤ 300 ms).

Everything stays on the loopback interface; the PostgreSQL database is made for the run and
dropped afterwards; the gunicorn process started here is stopped here.

Run ``python bench/bench_checkin.py [--requests N] [--json]``; a bench runner calls :func:`run`.
"""

from __future__ import annotations

import argparse
import json
import os
import selectors
import socket
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.harness import (  # noqa: E402
    Server,
    create_database,
    drop_database,
    migrated_app,
    seed_door,
)

CLIENTS = 16
GOAL_RATIO = 0.4
GOAL_P99_MS = 25.0
GOAL_BROWSER_MS = 300.0
CHROMIUM = os.environ.get("JOBBFORUM_CHROMIUM", "/usr/bin/chromium")
SLUG = "bench-fair"


def _seed(url: str, instance: str, tickets: int) -> tuple[list[str], str]:
    """Migrate, then make an event with ``tickets`` confirmed registrations and a door device."""
    with migrated_app(url, instance):
        door = seed_door(tickets, slug=SLUG)
    return door.codes, door.tokens[0]


Request = tuple[str, str, str | None, dict[str, str]]


def _encode(request: Request) -> bytes:
    method, path, body, headers = request
    data = body.encode() if body is not None else b""
    head = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1"]
    head += [f"{name}: {value}" for name, value in headers.items()]
    if body is not None:
        head.append(f"Content-Length: {len(data)}")
    return ("\r\n".join(head) + "\r\n\r\n").encode() + data


class _Client:
    """One keep-alive connection and its prepared requests."""

    def __init__(self, port: int, requests: list[Request]) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.requests = [_encode(r) for r in requests]
        self.sent = 0
        self.buffer = b""
        self.started = 0.0
        self.due = 0.0
        self.late = False  # paced: the answer before came after this request was due
        self.answered = 0

    def send(self, started: float) -> None:
        self.started = started
        self.sock.sendall(self.requests[self.sent])
        self.sent += 1

    def answer(self) -> tuple[int, bytes] | None:
        """The response if it has arrived whole (status, body), else None."""
        chunk = self.sock.recv(65536)
        if not chunk:
            raise RuntimeError("the server closed a keep-alive connection")
        self.buffer += chunk
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0:
            return None
        head = self.buffer[:end].decode("latin-1").split("\r\n")
        fields = {name.strip().lower(): value.strip()
                  for name, _, value in (line.partition(":") for line in head[1:])}
        if "content-length" not in fields:  # the app's answers always have one
            raise RuntimeError(f"an answer without Content-Length: {head[0]}")
        length = int(fields["content-length"])
        if len(self.buffer) < end + 4 + length:
            return None
        body = self.buffer[end + 4:end + 4 + length]
        self.buffer = self.buffer[end + 4 + length:]
        return int(head[0].split(" ", 2)[1]), body


def _load(port: int, requests: list[list[Request]], pace_s: float = 0.0) -> dict[str, Any]:
    """CLIENTS keep-alive connections, each sending its list of prepared requests (encoded
    before the clock starts: making them is the load generator's work, not the server's), all
    driven by one thread with a selector, as wrk does: the generator's own work stays small
    next to the server's (it shares the machine), and an answer is timed when it arrives, not
    when a client thread gets its turn.

    Without ``pace_s`` a client sends its next request as soon as it has the answer (the
    server's capacity), and the phase is measured while all CLIENTS are busy, as wrk measures
    for a fixed time: it ends when the first client has its last answer; answers still on their
    way then are not waited for nor counted. (gunicorn keeps each keep-alive connection in the
    process that accepted it, so some processes serve more clients than others and their
    clients are slower: waiting for the last client to finish would count a tail in which
    fewer clients load the server, and flatter a cheap request most.) ``answered`` gives each
    client's number of answers counted.

    With ``pace_s`` a client sends one request every ``pace_s`` seconds on a fixed schedule (a
    scanner's pace) until all are answered, and a request's latency counts from its scheduled
    time: one that had to wait for a slow answer before it could be sent counts that wait too,
    as a person at the door would."""
    clients: list[_Client] = []
    selector = selectors.DefaultSelector()
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    waiting: list[_Client] = []  # paced clients whose next request is not due yet
    try:
        clients.extend(_Client(port, requests[n]) for n in range(CLIENTS))
        started = time.perf_counter()
        for n, client in enumerate(clients):
            selector.register(client.sock, selectors.EVENT_READ, client)
            if client.requests:
                client.due = started + pace_s * n / CLIENTS  # spread the scanners' phases
                waiting.append(client)
        busy = len(waiting)
        answered = started
        while busy:
            now = time.perf_counter()
            for client in [c for c in waiting if c.due <= now]:
                waiting.remove(client)
                # Late because the server was slow: the wait counts. Otherwise it is sent
                # now (the selector's timeout is rounded to the millisecond: not the server's).
                client.send(client.due if client.late else now)
            timeout = max(0.0, min(c.due for c in waiting) - now) if waiting else 10.0
            events = selector.select(timeout)
            if not events and not waiting:
                raise RuntimeError("no answer from the server for 10 s")
            for key, _mask in events:
                client = key.data
                response = client.answer()
                if response is None:
                    continue
                answered = time.perf_counter()
                latencies.append(answered - client.started)
                client.answered += 1
                status, body = response
                label = f"{status}:{json.loads(body).get('status', '?')}"
                statuses[label] = statuses.get(label, 0) + 1
                if client.sent == len(client.requests):
                    busy -= 1
                    if not pace_s:
                        busy = 0  # the first client is done: no longer all clients busy
                        break
                elif pace_s:
                    client.due += pace_s
                    client.late = answered > client.due
                    waiting.append(client)
                else:
                    client.send(time.perf_counter())
        elapsed = (answered if not pace_s else time.perf_counter()) - started
    finally:
        for client in clients:
            client.sock.close()
        selector.close()
    flat = sorted(latencies)
    return {
        "requests": len(flat),
        "seconds": round(elapsed, 3),
        "rps": round(len(flat) / elapsed, 1),
        "p50_ms": round(statistics.median(flat) * 1000, 2),
        "p99_ms": round(flat[min(len(flat) - 1, int(len(flat) * 0.99))] * 1000, 2),
        "statuses": statuses,
        "answered": [client.answered for client in clients],
    }


def _paced(phase: dict[str, Any]) -> dict[str, Any]:
    """A paced phase's figures (every client answered all its requests: no per-client count)."""
    return {key: value for key, value in phase.items() if key != "answered"}


def _median_phase(phases: list[dict[str, Any]]) -> dict[str, Any]:
    """One phase's figures over the rounds: the median of each figure, statuses summed."""
    statuses: dict[str, int] = {}
    for phase in phases:
        for key, count in phase["statuses"].items():
            statuses[key] = statuses.get(key, 0) + count
    return {"requests": sum(p["requests"] for p in phases),
            **{key: round(statistics.median(p[key] for p in phases), 2)
               for key in ("rps", "p50_ms", "p99_ms")},
            "statuses": statuses}


def _browser_scan_to_result(port: int, token: str, codes: list[str], scans: int) -> dict[str, Any]:
    """Hand-scanner input on the scanner page → result on screen, in Chromium (ms)."""
    from playwright.sync_api import sync_playwright

    args = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
    times = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=args, headless=True)
        page = browser.new_page()
        page.goto(f"http://127.0.0.1:{port}/checkin/{SLUG}#device={token}")
        page.wait_for_selector("#scanner[data-ready=true]")
        for code in codes[:scans]:
            elapsed = page.evaluate("""(code) => new Promise(resolve => {
                const result = document.getElementById('result');
                result.hidden = true;
                const input = document.getElementById('code-input');
                input.value = code;
                const t0 = performance.now();
                new MutationObserver((_m, observer) => {
                    if (!result.hidden) { observer.disconnect(); resolve(performance.now() - t0); }
                }).observe(result, {attributes: true});
                input.form.requestSubmit();
            })""", code)
            times.append(elapsed)
        browser.close()
    times.sort()
    return {"scans": len(times), "p50_ms": round(statistics.median(times), 1),
            "max_ms": round(times[-1], 1)}


#: gunicorn processes × threads. A check-in is one database statement (on PostgreSQL) and the
#: wait for its commit to reach the disk; meanwhile a process's other threads serve the next
#: requests. Measured on 2 cores (app, PostgreSQL and this load generator sharing them): once a
#: scan cost the app less CPU (no ORM session, the driver-level statement), 4 × 2 left the cores
#: idle for up to a fifth of the check-in phase; 4 × 4 filled that (ratio 0.45–0.48 against
#: 0.30–0.40 for 4 × 2, interleaved runs). Before that, 4 × 2 and 8 × 1 were best; 16 × 1 lost
#: to switching.
WORKERS, THREADS = 4, 4
#: Rounds of no-op, check-in and repeat phases, interleaved so that a noisy neighbour on the
#: machine hits baseline and check-ins alike; the figures are the medians over the rounds.
ROUNDS = 5
#: Requests per client in a no-op phase, per check-in request (a no-op is several times
#: cheaper): the phases then last about as long, so each is measured over about as many seconds.
NOOP_REQUESTS = 3
#: A door's pace for the latency-at-the-door figure: 16 scanners each scanning every 100 ms.
PACE_S = 0.1
#: Latency under load: the 16 clients paced to these fractions of the check-in capacity just
#: measured, each for about SWEEP_S seconds (at most SWEEP_MAX scans per client). At capacity
#: every client waits its turn (mean latency = clients ÷ throughput, Little's law), so the p99
#: at capacity says how fast the server is, not how long a scan takes at a given load.
LOAD_FRACTIONS = (0.5, 0.75, 0.9)
SWEEP_S, SWEEP_MAX = 3.0, 150


def run(per_client: int = 150, workers: int = WORKERS, browser_scans: int = 20,
        threads: int = THREADS, rounds: int = ROUNDS) -> dict[str, Any]:
    """Measure; return the figures (see the module docstring)."""
    url = create_database()
    instance = tempfile.mkdtemp(prefix="jobbforum-bench-")
    server = None
    try:
        warm, paced = CLIENTS * 10, CLIENTS * 20
        fresh = iter(range(10**9))
        needed = (warm + rounds * CLIENTS * per_client + paced + browser_scans
                  + len(LOAD_FRACTIONS) * CLIENTS * SWEEP_MAX)
        codes, token = _seed(url, instance, needed)
        server = Server(url, instance, workers, threads=threads,
                        overrides={"CHECKIN_RATE_LIMIT": "1000000 per minute"})
        auth = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        path = f"/api/v1/events/{SLUG}/checkin"

        def pings(count: int) -> list[list[Any]]:
            return [[("GET", "/api/v1/ping", None, {})] * count for _ in range(CLIENTS)]

        def split(batch: list[str]) -> list[list[str]]:
            per = len(batch) // CLIENTS
            return [batch[n * per:(n + 1) * per] for n in range(CLIENTS)]

        def scans(per_client: list[list[str]]) -> list[list[Any]]:
            """Each client's badges, each scan with a new nonce."""
            return [[("POST", path, json.dumps({"code": code, "nonce": str(uuid.uuid4()),
                                                "list": "entrance"}), auth)
                     for code in badges] for badges in per_client]

        def take(count: int) -> list[str]:
            return [codes[next(fresh)] for _ in range(count)]

        _load(server.port, pings(20))                                     # warm-up
        _load(server.port, scans(split(take(warm))))                      # warm-up
        per_round: list[dict[str, Any]] = []
        for _ in range(rounds):
            batch = split(take(CLIENTS * per_client))
            noop = _load(server.port, pings(per_client * NOOP_REQUESTS))
            first = _load(server.port, scans(batch))
            # The badges whose first scan was answered (and counted), scanned again.
            again = [badges[:count] for badges, count in zip(batch, first["answered"])]
            per_round.append({"noop": noop, "checkin": first,
                              "checkin_again": _load(server.port, scans(again))})
        ratios = [r["checkin"]["rps"] / r["noop"]["rps"] for r in per_round]
        door = _paced(_load(server.port, scans(split(take(paced))), pace_s=PACE_S))
        capacity = statistics.median(r["checkin"]["rps"] for r in per_round)
        under_load = []
        for fraction in LOAD_FRACTIONS:
            pace = CLIENTS / (fraction * capacity)
            count = max(10, min(SWEEP_MAX, round(SWEEP_S / pace)))
            phase = _paced(_load(server.port, scans(split(take(CLIENTS * count))), pace_s=pace))
            under_load.append({"fraction": fraction,
                               "offered_per_s": round(CLIENTS / pace, 1), **phase})
        within = None  # the highest load at which it and every lower one kept p99 in the goal
        for phase in under_load:
            if phase["p99_ms"] > GOAL_P99_MS:
                break
            within = phase["offered_per_s"]
        figures: dict[str, Any] = {
            "clients": CLIENTS, "workers": workers, "threads": threads, "rounds": rounds,
            **{name: _median_phase([r[name] for r in per_round])
               for name in ("noop", "checkin", "checkin_again")},
            "ratio_checkin_to_noop": round(statistics.median(ratios), 3),
            "ratios_per_round": [round(r, 3) for r in ratios],
            "at_door_pace": {"scans_per_s": round(CLIENTS / PACE_S), **door},
            "under_load": under_load,
            "p99_within_goal_up_to_per_s": within,
            "goal_ratio": GOAL_RATIO, "goal_p99_ms": GOAL_P99_MS,
        }
        figures["meets_goals"] = (figures["ratio_checkin_to_noop"] >= GOAL_RATIO
                                  and figures["checkin"]["p99_ms"] <= GOAL_P99_MS)
        if browser_scans and Path(CHROMIUM).exists():
            spare = take(browser_scans)
            figures["browser_scan_to_result"] = _browser_scan_to_result(
                server.port, token, spare, browser_scans)
            figures["browser_scan_to_result"]["goal_ms"] = GOAL_BROWSER_MS
        return figures
    finally:
        if server is not None:
            server.stop()
        drop_database(url)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=150, help="requests per client and phase")
    parser.add_argument("--workers", type=int, default=WORKERS)
    parser.add_argument("--threads", type=int, default=THREADS)
    parser.add_argument("--browser-scans", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    figures = run(args.requests, args.workers, args.browser_scans, args.threads, args.rounds)
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    for name in ("noop", "checkin", "checkin_again"):
        f = figures[name]
        print(f"{name:<14} {f['rps']:>8.1f} req/s  p50 {f['p50_ms']:>6.2f} ms  "
              f"p99 {f['p99_ms']:>6.2f} ms  {f['statuses']}")
    d = figures["at_door_pace"]
    print(f"at a door's pace ({d['scans_per_s']} scans/s): p50 {d['p50_ms']:.2f} ms, "
          f"p99 {d['p99_ms']:.2f} ms  {d['statuses']}")
    for p in figures["under_load"]:
        print(f"at {p['fraction']:.0%} of capacity ({p['offered_per_s']:.0f} scans/s offered, "
              f"{p['rps']:.0f} served): p50 {p['p50_ms']:.2f} ms, p99 {p['p99_ms']:.2f} ms")
    print(f"check-in / no-op throughput: {figures['ratio_checkin_to_noop']:.2f}× "
          f"(median of rounds {figures['ratios_per_round']}) "
          f"(goal ≥ {GOAL_RATIO}×, p99 ≤ {GOAL_P99_MS} ms): "
          f"{'met' if figures['meets_goals'] else 'NOT met'}")
    if "browser_scan_to_result" in figures:
        b = figures["browser_scan_to_result"]
        print(f"browser scan→result: p50 {b['p50_ms']} ms, max {b['max_ms']} ms "
              f"over {b['scans']} scans (goal ≤ {GOAL_BROWSER_MS} ms)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
