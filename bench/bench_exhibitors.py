"""Benchmark: the public exhibitor list with 300 exhibitors, against ``/api/v1/ping``.

Builds a throw-away SQLite database (or ``JOBBFORUM_BENCH_DB_URL``) with the real migrations and
300 demo exhibitors (about 85 % approved, with logos and booth staff), then times requests
through the WSGI test client, interleaving the pages so that they see the same machine load:

* ``ping``           – ``GET /api/v1/ping`` (the baseline: the app's fixed cost per request)
* ``list_filtered``  – ``GET /events/<slug>/exhibitors?offer=internships&language=ar``
* ``list_search``    – ``GET /events/<slug>/exhibitors?q=bygg&type=employer``
* ``list_all``       – ``GET /events/<slug>/exhibitors`` (no filter: the first page of 48 cards)
* ``api_filtered``   – ``GET /api/v1/events/<slug>/exhibitors?offer=internships&language=ar``

Goal: p99 of the filtered list below 30 ms. Run ``python bench/bench_exhibitors.py [--requests N] [--json]``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

GOAL_P99_MS = 30.0
EXHIBITORS = 300


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def _build_app(workdir: str) -> tuple[Any, str]:
    from flask_migrate import upgrade

    from jobbforum.app import create_app
    from jobbforum.demo import DemoContext
    from jobbforum.demo.exhibitors import load_exhibitors
    from jobbforum.extensions import db
    from jobbforum.models import EventKind, EventStatus
    from jobbforum.services import events

    url = os.environ.get("JOBBFORUM_BENCH_DB_URL") or f"sqlite:///{workdir}/bench.sqlite3"
    app = create_app({"TESTING": True, "SECRET_KEY": "bench-" + "x" * 40, "SQLALCHEMY_DATABASE_URI": url,
                      "INSTANCE_PATH": workdir, "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False})
    with app.app_context():
        upgrade()
        starts = datetime.now(UTC).replace(microsecond=0) + timedelta(days=20)
        event = events.create_event(actor=None, actor_label="bench", slug="bench-jobbforum",
                                    title="Jobbforum Bench", kind=EventKind.jobbforum,
                                    status=EventStatus.published, starts_at=starts,
                                    ends_at=starts + timedelta(hours=5))
        context = DemoContext(participants=0, exhibitors=EXHIBITORS)
        context.created["event"] = event
        load_exhibitors(context)
        db.session.commit()
    return app, "bench-jobbforum"


def run(requests: int = 400) -> dict[str, Any]:
    """Build the data, time every page ``requests`` times (interleaved), return the figures."""
    with tempfile.TemporaryDirectory(prefix="jobbforum-bench-") as workdir:
        app, slug = _build_app(workdir)
        client = app.test_client()
        urls = {
            "ping": "/api/v1/ping",
            "list_filtered": f"/events/{slug}/exhibitors?offer=internships&language=ar",
            "list_search": f"/events/{slug}/exhibitors?q=bygg&type=employer",
            "list_all": f"/events/{slug}/exhibitors",
            "api_filtered": f"/api/v1/events/{slug}/exhibitors?offer=internships&language=ar",
        }
        sizes = {}
        for name, url in urls.items():  # warm up (template compilation, connection pool)
            for _ in range(10):
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)
            sizes[name] = response.get_data(as_text=True).count('class="card exhibitor-card"') \
                if not url.startswith("/api/") else response.get_json().get("count")
        timings: dict[str, list[float]] = {name: [] for name in urls}
        for _ in range(requests):
            for name, url in urls.items():
                started = time.perf_counter()
                client.get(url)
                timings[name].append((time.perf_counter() - started) * 1000)
        with app.app_context():
            from jobbforum.extensions import db

            dialect = db.engine.dialect.name
            db.engine.dispose()
    figures: dict[str, Any] = {"exhibitors": EXHIBITORS, "requests_per_page": requests, "database": dialect}
    for name, values in timings.items():
        figures[name] = {"p50_ms": round(statistics.median(values), 2),
                         "p99_ms": round(_percentile(values, 99), 2),
                         "results": sizes[name] if name != "ping" else None}
    baseline = figures["ping"]["p50_ms"]
    for name in urls:
        if name != "ping":
            figures[name]["p50_vs_ping"] = round(figures[name]["p50_ms"] / baseline, 1)
    figures["goal_p99_ms"] = GOAL_P99_MS
    figures["goal_met"] = figures["list_filtered"]["p99_ms"] < GOAL_P99_MS
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    figures = run(args.requests)
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    print(f"Public exhibitor list, {figures['exhibitors']} exhibitors, {figures['database']}, "
          f"{figures['requests_per_page']} requests per page (WSGI test client)")
    for name, value in figures.items():
        if isinstance(value, dict):
            ratio = f"  ×{value['p50_vs_ping']} ping" if "p50_vs_ping" in value else ""
            shown = f"  ({value['results']} results)" if value.get("results") is not None else ""
            print(f"  {name:<14} p50 {value['p50_ms']:7.2f} ms   p99 {value['p99_ms']:7.2f} ms{ratio}{shown}")
    verdict = "met" if figures["goal_met"] else "NOT met"
    print(f"Goal p99 < {figures['goal_p99_ms']:.0f} ms for the filtered list: {verdict}")


if __name__ == "__main__":
    main()
