"""Shared by the benchmarks, ``make loadtest`` and the fault tests: a throw-away PostgreSQL
database, the app migrated and seeded in it, and gunicorn serving it on loopback.

Everything stays on the loopback interface; the database is made for one run and dropped
afterwards; the gunicorn process is started and stopped (by its own process group) here.
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
PG_ADMIN_URL = os.environ.get("JOBBFORUM_BENCH_PG_URL",
                              "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
SECRET_KEY = "bench-" + "x" * 40


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def create_database(admin_url: str = PG_ADMIN_URL, prefix: str = "jobbforum_bench") -> str:
    """A new, empty database on the server of ``admin_url``; returns its URL."""
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return admin_url.rsplit("/", 1)[0] + "/" + name


def drop_database(url: str, admin_url: str = PG_ADMIN_URL) -> None:
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)'))
    finally:
        admin.dispose()


@contextmanager
def migrated_app(url: str, instance: str | Path, **config: Any) -> Iterator[Any]:
    """The app on ``url`` with the real migrations applied, inside its app context; commits on
    leaving, and closes the app's connections (the server processes open their own)."""
    from flask_migrate import upgrade

    from jobbforum.app import create_app
    from jobbforum.dbpool import dispose
    from jobbforum.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": str(instance),
                      "SECRET_KEY": SECRET_KEY, "TESTING": True, **config})
    with app.app_context():
        upgrade()
        try:
            yield app
            db.session.commit()
        finally:
            db.session.remove()
            dispose(app)


@dataclass
class Door:
    """What :func:`seed_door` made: the event, its ticket codes and door device tokens."""

    slug: str
    event_id: int
    codes: list[str]
    tokens: list[str]


def seed_door(tickets: int, *, slug: str = "bench-fair", title: str = "Bench", devices: int = 1,
              ) -> Door:
    """In an app context: a published event (registration open, starting tomorrow) with
    ``tickets`` confirmed participants, each with an active ticket, and ``devices`` door devices.
    Inserted in batches (a few round trips however many tickets)."""
    from jobbforum.codes import new_participant_code, new_ticket_code
    from jobbforum.extensions import db
    from jobbforum.models import (
        EventKind,
        EventStatus,
        Person,
        Registration,
        Role,
        Ticket,
        TicketStatus,
        utcnow,
    )
    from jobbforum.services import devices as device_service
    from jobbforum.services import events

    starts = datetime.now(UTC).replace(microsecond=0) + timedelta(days=1)
    event = events.create_event(actor=None, actor_label="bench", slug=slug, title=title,
                                kind=EventKind.jobbforum, status=EventStatus.published,
                                starts_at=starts, ends_at=starts + timedelta(hours=5))
    people = [Person(participant_code=new_participant_code(), name=f"Person {i}")
              for i in range(tickets)]
    db.session.add_all(people)
    db.session.flush()
    registrations = [Registration(event_id=event.id, person_id=p.id, role=Role.participant)
                     for p in people]
    db.session.add_all(registrations)
    db.session.flush()
    now = utcnow()
    issued = [Ticket(registration_id=r.id, code=new_ticket_code(), status=TicketStatus.active,
                     issued_at=now) for r in registrations]
    db.session.add_all(issued)
    tokens = [device_service.create_device(event, f"Gate {n + 1}", actor_label="bench")[1]
              for n in range(devices)]
    db.session.flush()
    return Door(slug=slug, event_id=event.id, codes=[t.code for t in issued], tokens=tokens)


class Server:
    """gunicorn (gthread) serving the app on a loopback port, started and stopped by this object.

    ``overrides`` go to ``create_app`` (e.g. a lifted ``CHECKIN_RATE_LIMIT`` for a load run)."""

    def __init__(self, url: str, instance: str | Path, workers: int = 2, *, threads: int = 8,
                 overrides: dict[str, Any] | None = None, log: Path | None = None) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ, JOBBFORUM_DATABASE_URL=url, JOBBFORUM_INSTANCE_PATH=str(instance),
                   JOBBFORUM_SECRET_KEY=SECRET_KEY, JOBBFORUM_BASE_URL=self.base_url)
        factory = f"jobbforum.app:create_app({overrides or {}!r})"
        self._log = open(log, "ab") if log else None  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{self.port}",
             "--workers", str(workers), "--worker-class", "gthread", "--threads", str(threads),
             "--keep-alive", "30", "--log-level", "warning", factory],
            env=env, cwd=str(ROOT), start_new_session=True, stdout=self._log,
            stderr=subprocess.STDOUT if self._log else None)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=1)
                conn.request("GET", "/api/v1/ping")
                if conn.getresponse().status == 200:
                    conn.close()
                    return
            except OSError:
                if self.process.poll() is not None:
                    break
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("gunicorn did not start")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)  # quick shutdown of its own group only
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(5)
        if self._log:
            self._log.close()
            self._log = None
