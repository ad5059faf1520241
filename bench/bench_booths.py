"""Benchmark: booth scans through the service, against the badge look-up alone.

Scenario: a fair running now with ``exhibitors`` approved exhibitors and ``people`` confirmed
participants (mixed sharing levels), in a fresh SQLite database in a temporary directory.

Measured in the same run:

* ``baseline_write_ms``: :func:`tickets.find_by_code` plus a one-row write and commit per badge
  (the floor of any scan that records something: SQLite's commit dominates);
* ``scan_ms``: :func:`booths.record_visit` + commit per badge (a new visit: look-up, checks,
  insert under a savepoint, copy of the shared part); ``rescan_ms``: the same badges again (update);
* ``ratio_scan_to_baseline``: scan / baseline (reported: a scan makes about six small queries —
  badge, registration, person, visit, insert under a savepoint — against the baseline's two);
  goal: a scan within 25 ms (booth staff scan one person every few seconds);
* ``stats_ms``: the coordinators' figures (per exhibitor and per type) over all the visits.

Run ``python bench/bench_booths.py [--people N] [--json]``; :func:`run` returns the figures.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

GOAL_SCAN_MS = 25.0


def _populate(db: Any, people: int, exhibitors: int) -> tuple[list[Any], list[str]]:
    from jobbforum.codes import new_participant_code, new_ticket_code
    from jobbforum.models import (
        BoothSharing, Event, EventKind, ExhibitorRegistration, ExhibitorStatus, Organisation,
        OrganisationType, Person, Registration, Role, Ticket,
    )

    now = datetime.now(UTC)
    event = Event(slug="bench-fair", title="Bench fair", kind=EventKind.jobbforum,
                  starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=4))
    db.session.add(event)
    db.session.flush()
    types = list(OrganisationType)
    booths = []
    for i in range(exhibitors):
        organisation = Organisation(name=f"Org {i}", normalised_name=f"org {i}", type=types[i % len(types)])
        db.session.add(organisation)
        db.session.flush()
        booths.append(ExhibitorRegistration(event_id=event.id, organisation_id=organisation.id,
                                            status=ExhibitorStatus.approved, contact_name="C",
                                            contact_email="c@example.se"))
    db.session.add_all(booths)
    levels = list(BoothSharing)
    codes = []
    for i in range(people):
        person = Person(participant_code=new_participant_code(), name=f"Person {i}",
                        email=f"p{i}@example.se", phone="+46701234567")
        db.session.add(person)
        db.session.flush()
        registration = Registration(event_id=event.id, person_id=person.id, role=Role.participant,
                                    booth_sharing=levels[i % 3])
        db.session.add(registration)
        db.session.flush()
        code = new_ticket_code()
        db.session.add(Ticket(registration_id=registration.id, code=code))
        codes.append(code)
    db.session.commit()
    return booths, codes


def _per_item_ms(function: Any, items: list[Any]) -> float:
    start = time.perf_counter()
    for item in items:
        function(item)
    return (time.perf_counter() - start) * 1000 / len(items)


def run(people: int = 1000, exhibitors: int = 20) -> dict[str, Any]:
    """Build the scenario in a temporary SQLite database and time the scans; returns figures."""
    from flask_migrate import upgrade

    from jobbforum.app import create_app
    import sqlalchemy as sa

    from jobbforum.extensions import db
    from jobbforum.models import Ticket
    from jobbforum.services import booths, tickets

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite3",
                          "INSTANCE_PATH": tmp, "SECRET_KEY": "bench-" + "x" * 32, "TESTING": True})
        with app.app_context():
            upgrade()
            exhibitor_rows, codes = _populate(db, people, exhibitors)
            exhibitor_ids = [e.id for e in exhibitor_rows]
            pairs = [(exhibitor_ids[i % exhibitors], code) for i, code in enumerate(codes)]

            def lookup(pair: tuple[int, str]) -> None:
                ticket = tickets.find_by_code(pair[1])
                db.session.execute(sa.update(Ticket).where(Ticket.id == ticket.id).values(code=ticket.code))
                db.session.commit()

            def scan(pair: tuple[int, str]) -> None:
                booths.record_visit(db.session.get(booths.ExhibitorRegistration, pair[0]), pair[1])
                db.session.commit()

            baseline_ms = _per_item_ms(lookup, pairs)
            scan_ms = _per_item_ms(scan, pairs)
            rescan_ms = _per_item_ms(scan, pairs)
            event = exhibitor_rows[0].event
            start = time.perf_counter()
            booths.visits_by_exhibitor(event)
            booths.visits_by_type(event)
            stats_ms = (time.perf_counter() - start) * 1000
            db.session.remove()
            db.engine.dispose()
    ratio = scan_ms / baseline_ms
    return {
        "people": people, "exhibitors": exhibitors,
        "baseline_write_ms": round(baseline_ms, 3), "scan_ms": round(scan_ms, 3),
        "rescan_ms": round(rescan_ms, 3), "ratio_scan_to_baseline": round(ratio, 2),
        "stats_ms": round(stats_ms, 2), "goal_scan_ms": GOAL_SCAN_MS, "within_goal": scan_ms <= GOAL_SCAN_MS,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    figures = run(people=args.people)
    print(json.dumps(figures, indent=2) if args.json else
          "\n".join(f"{k}: {v}" for k, v in figures.items()))


if __name__ == "__main__":
    main()
