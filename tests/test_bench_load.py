"""The check-in benchmark's load generator (bench/bench_checkin.py ``_load``) against a small
keep-alive HTTP server: at capacity every answer counted while all clients are busy and none
after, answers split over several packets put back together, and the paced mode keeps its
schedule."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from bench import bench_checkin


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive
    disable_nagle_algorithm = True

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        sent = json.loads(self.rfile.read(length)) if length else {}
        time.sleep(sent.get("sleep", 0))
        body = json.dumps({"status": sent.get("status", "ok"), "pad": "x" * 3000}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body[:10])  # the answer arrives in pieces
        self.wfile.flush()
        time.sleep(0.001)
        self.wfile.write(body[10:])

    do_GET = do_POST = _answer

    def log_message(self, *args: Any) -> None:
        pass


class _Server(ThreadingHTTPServer):
    request_queue_size = 64  # all clients connect at once


@pytest.fixture()
def port():
    server = _Server(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def _requests(per_client: int) -> list[list[Any]]:
    return [[("POST", "/x", json.dumps({"status": "ok" if i % 2 else "again"}),
              {"Content-Type": "application/json"}) for i in range(per_client)]
            for _ in range(bench_checkin.CLIENTS)]


def test_every_answer_until_the_first_client_is_done_is_counted(port: int) -> None:
    figures = bench_checkin._load(port, _requests(6))
    assert 6 in figures["answered"]
    assert figures["requests"] == sum(figures["answered"]) > 6
    assert sum(figures["statuses"].values()) == figures["requests"]
    assert set(figures["statuses"]) == {"200:ok", "200:again"}
    assert 0 < figures["p50_ms"] <= figures["p99_ms"]


def test_capacity_is_measured_while_all_clients_are_busy(port: int) -> None:
    """One client has two quick requests, the others four slow ones each (0.1 s): the phase
    ends when the quick client is done, without waiting for the slow ones or counting them
    (their 15 answers would take 0.4 s and flatter nothing but the wait)."""
    slow = ("POST", "/x", json.dumps({"sleep": 0.1}), {})
    quick = ("POST", "/x", json.dumps({}), {})
    requests = [[slow] * 4 for _ in range(bench_checkin.CLIENTS - 1)] + [[quick, quick]]
    started = time.perf_counter()
    figures = bench_checkin._load(port, requests)
    assert time.perf_counter() - started < 0.3
    assert figures["answered"] == [0] * (bench_checkin.CLIENTS - 1) + [2]
    assert figures["requests"] == 2 and figures["statuses"] == {"200:ok": 2}
    assert figures["seconds"] < 0.1


def test_paced_clients_keep_their_schedule_and_count_waiting_from_it(port: int) -> None:
    """Each client's first answer takes 0.2 s; its next three were due 0.05 s apart meanwhile.
    They are sent late, and their latency counts from when they were due (about 0.15, 0.10 and
    0.05 s), as a person waiting at the door counts it, not from when they were sent (~1 ms)."""
    pace = 0.05
    requests = [[("POST", "/x", json.dumps({"sleep": 0.2 if i == 0 else 0}), {})
                 for i in range(4)] for _ in range(bench_checkin.CLIENTS)]
    figures = bench_checkin._load(port, requests, pace_s=pace)
    assert figures["requests"] == 4 * bench_checkin.CLIENTS
    assert figures["seconds"] >= 0.2
    assert figures["p50_ms"] >= 90
