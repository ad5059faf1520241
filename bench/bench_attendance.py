"""Benchmark: the attendance export for 10,000 people (goal < 2 s), against a plain-CSV baseline.

Scenario: two rounds of 5,000 people each (80 % participants, 20 % mentors), a Jobbforum where
75 % registered and 60 % were checked in, and a session of each theme per round with door
check-ins for about two thirds of the audience (≈ 50,000 rows of registrations, tickets and
check-ins in all). Data is bulk-inserted into a fresh SQLite database in a temporary directory.

Measured (best of ``repeat``):

* ``export_csv_seconds``: :func:`attendance_rows` (all queries) streamed through the CSV writer
  into a file — what ``jobbforum export attendance --format csv`` does.
* ``export_xlsx_seconds``: the same into an XLSX workbook.
* ``baseline_csv_seconds``: ``csv.writer`` over a precomputed list of the same rows (no database):
  the floor for writing the file. ``ratio`` = export / baseline.

Run ``python bench/bench_attendance.py [--people N] [--repeat R] [--json]``; :func:`run` returns
the figures.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from random import Random
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

GOAL_SECONDS = 2.0


def _populate(db: Any, people: int, seed: int) -> None:
    import sqlalchemy as sa

    from jobbforum.models import (
        CheckIn, CheckInList, County, Event, EventKind, Person, ProgrammeRound, Registration,
        Room, Theme, Ticket, WorkshopSession, session_rounds,
    )

    rng = Random(seed)
    now = datetime(2026, 10, 1, 9, tzinfo=UTC)
    rounds = [ProgrammeRound(slug=f"bench-{i}", name=f"Bench {i}", county=county, term="HT2026",
                             starts_on=now.date(), ends_on=(now + timedelta(days=240)).date())
              for i, county in enumerate([County.stockholm, County.uppsala])]
    db.session.add_all(rounds)
    room = Room(name="Bench room", capacity=500, county=County.stockholm)
    db.session.add(room)
    fair = Event(slug="bench-fair", title="Bench fair", kind=EventKind.jobbforum, starts_at=now,
                 ends_at=now + timedelta(hours=5))
    day = Event(slug="bench-day", title="Bench day", kind=EventKind.workshop_day, starts_at=now,
                ends_at=now + timedelta(days=30))
    db.session.add_all([fair, day])
    db.session.flush()
    fair_entrance = CheckInList(event_id=fair.id, name="entrance")
    db.session.add(fair_entrance)
    doors: list[tuple[int, Theme, CheckInList]] = []
    for r in rounds:
        for i, theme in enumerate([Theme.kickoff, Theme.interview, Theme.networking,
                                   Theme.mentor_training]):
            session = WorkshopSession(theme=theme, room_id=room.id, capacity=500,
                                      starts_at=now + timedelta(days=i + 1),
                                      ends_at=now + timedelta(days=i + 1, hours=2))
            db.session.add(session)
            db.session.flush()
            db.session.execute(session_rounds.insert().values(session_id=session.id, round_id=r.id))
            door = CheckInList(event_id=day.id, name=f"s{session.id}", workshop_session_id=session.id)
            db.session.add(door)
            doors.append((r.id, theme, door))
    db.session.flush()
    genders = ["woman"] * 79 + ["man"] * 19 + ["undisclosed", None]
    db.session.execute(sa.insert(Person), [
        {"id": i + 1, "participant_code": f"B{i:08d}", "name": f"Person {i}",
         "email": f"p{i}@example.com", "preferred_language": "sv",
         "gender": rng.choice(genders), "round_id": rounds[i % 2].id,
         "created_at": now, "updated_at": now} for i in range(people)])
    registrations, tickets, checkins = [], [], []
    reg_id = 0

    def register(person_id: int, event_id: int, role: str) -> int:
        nonlocal reg_id
        reg_id += 1
        registrations.append({"id": reg_id, "event_id": event_id, "person_id": person_id,
                              "role": role, "status": "confirmed", "created_at": now,
                              "updated_at": now})
        tickets.append({"id": reg_id, "registration_id": reg_id, "code": f"t{reg_id}",
                        "status": "active", "issued_at": now})
        return reg_id

    for i in range(people):
        person_id, round_id = i + 1, rounds[i % 2].id
        role = "mentor" if i % 5 == 4 else "participant"
        if rng.random() < 0.75:
            ticket = register(person_id, fair.id, role)
            if rng.random() < 0.8:
                checkins.append({"ticket_id": ticket, "list_id": fair_entrance.id,
                                 "checked_in_at": now, "gate": "", "forced": False,
                                 "flagged": False})
        day_ticket = register(person_id, day.id, role)
        for door_round, theme, door in doors:
            wanted = (theme is Theme.mentor_training) == (role == "mentor") or theme is Theme.kickoff
            if door_round == round_id and wanted and rng.random() < 0.66:
                checkins.append({"ticket_id": day_ticket, "list_id": door.id,
                                 "checked_in_at": now, "gate": "", "forced": False,
                                 "flagged": False})
    db.session.execute(sa.insert(Registration), registrations)
    db.session.execute(sa.insert(Ticket), tickets)
    db.session.execute(sa.insert(CheckIn), checkins)
    db.session.commit()


def _best(fn: Any, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def run(people: int = 10_000, repeat: int = 3, seed: int = 2026) -> dict[str, Any]:
    """Build the scenario in a temporary SQLite database and time the export; returns figures."""
    from flask_migrate import upgrade

    from jobbforum.app import create_app
    from jobbforum.documents.attendance_export import write_csv, write_xlsx
    from jobbforum.extensions import db
    from jobbforum.services.attendance import ATTENDANCE_COLUMNS, attendance_rows

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite3",
                          "INSTANCE_PATH": tmp, "SECRET_KEY": "bench-" + "x" * 32,
                          "TESTING": True})
        with app.app_context():
            upgrade()
            setup_start = time.perf_counter()
            _populate(db, people, seed)
            setup_seconds = time.perf_counter() - setup_start
            out = Path(tmp) / "attendance.csv"

            def export_csv() -> None:
                with out.open("w", encoding="utf-8", newline="") as stream:
                    write_csv(attendance_rows(), stream)

            def export_xlsx() -> None:
                write_xlsx(attendance_rows(), Path(tmp) / "attendance.xlsx")

            rows = list(attendance_rows())

            def baseline() -> None:
                with (Path(tmp) / "baseline.csv").open("w", encoding="utf-8", newline="") as f:
                    writer = csv.writer(f)
                    writer.writerow(ATTENDANCE_COLUMNS)
                    writer.writerows(rows)

            csv_seconds = _best(export_csv, repeat)
            xlsx_seconds = _best(export_xlsx, repeat)
            baseline_seconds = _best(baseline, repeat)
            attended = sum(1 for r in rows if r[6] == 1)
            db.session.remove()
            db.engine.dispose()
    return {
        "people": people, "rows": len(rows), "jobbforum_attended": attended,
        "setup_seconds": round(setup_seconds, 3),
        "export_csv_seconds": round(csv_seconds, 4),
        "export_xlsx_seconds": round(xlsx_seconds, 4),
        "baseline_csv_seconds": round(baseline_seconds, 4),
        "ratio_csv_to_baseline": round(csv_seconds / baseline_seconds, 1),
        "goal_seconds": GOAL_SECONDS,
        "within_goal": csv_seconds < GOAL_SECONDS,
        "xlsx_within_goal": xlsx_seconds < GOAL_SECONDS,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    f = run(people=args.people, repeat=args.repeat)
    if args.json:
        print(json.dumps(f, indent=2))
    else:
        status = "OK" if f["within_goal"] else "TOO SLOW"
        print(f"Attendance export benchmark: {f['people']} people, {f['rows']} rows")
        print(f"  export CSV  {f['export_csv_seconds'] * 1000:8.1f} ms (goal < "
              f"{f['goal_seconds']:.0f} s: {status})")
        print(f"  export XLSX {f['export_xlsx_seconds'] * 1000:8.1f} ms")
        print(f"  baseline    {f['baseline_csv_seconds'] * 1000:8.1f} ms (csv.writer over a "
              f"precomputed list); ratio {f['ratio_csv_to_baseline']}×")
    return 0 if f["within_goal"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
