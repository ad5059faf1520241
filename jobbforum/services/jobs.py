"""Background jobs for cron: ``jobbforum jobs run`` runs each registered job once.

Safe to run on several hosts at once: each job runs under a database lock (a PostgreSQL
advisory lock held for the job's transaction); a host that cannot take the lock skips that
job. On SQLite (a single host) the write lock of ``BEGIN IMMEDIATE`` serialises runs. Jobs
must be idempotent: running one twice in a row does nothing the second time.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa

from jobbforum.extensions import db


@dataclass
class JobResult:
    name: str
    ran: bool
    summary: str


#: name → function returning a one-line summary. Areas register their jobs with :func:`job`.
JOBS: dict[str, Callable[[], str]] = {}


def job(name: str) -> Callable[[Callable[[], str]], Callable[[], str]]:
    def decorator(function: Callable[[], str]) -> Callable[[], str]:
        JOBS[name] = function
        return function

    return decorator


def _lock_key(name: str) -> int:
    return zlib.crc32(f"jobbforum.job.{name}".encode()) & 0x7FFFFFFF


def try_lock(name: str) -> bool:
    """Take the job's lock for the current transaction; ``False`` if another host holds it."""
    if db.engine.dialect.name == "postgresql":
        return bool(db.session.scalar(sa.text("SELECT pg_try_advisory_xact_lock(:k)"),
                                      {"k": _lock_key(name)}))
    return True


def run_jobs(names: list[str] | None = None) -> list[JobResult]:
    """Run the named jobs (default: all), each in its own transaction under its lock."""
    results = []
    for name in names or sorted(JOBS):
        if name not in JOBS:
            raise KeyError(name)
        try:
            if not try_lock(name):
                db.session.rollback()
                results.append(JobResult(name, False, "skipped: running on another host"))
                continue
            summary = JOBS[name]()
            db.session.commit()
        except Exception:
            db.session.rollback()
            raise
        results.append(JobResult(name, True, summary))
    return results


@job("mail-retry")
def _retry_mail() -> str:
    from jobbforum.services import mailer

    sent, failed = mailer.retry_pending()
    return f"sent {sent}, not sent {failed}"


@job("waitlist-promote")
def _promote_waitlists() -> str:
    """Fill free places (e.g. after staff raised the capacity; a cancellation promotes at once)
    from each upcoming event's waiting list, and queue the confirmation mail (ticket attached, new private link); mail-retry delivers queued mail."""
    from jobbforum.models import Event, EventStatus, utcnow
    from jobbforum.services import registrations

    promoted = 0
    upcoming = db.session.scalars(sa.select(Event).where(
        Event.status == EventStatus.published, Event.ends_at > utcnow()).order_by(Event.id))
    for event in upcoming:
        for registration in registrations.promote_waitlisted(event, actor_label="jobs"):
            registrations.queue_confirmation(registration, registrations.issue_link(registration))
            promoted += 1
    return f"promoted {promoted}"


@job("retention-purge")
def _retention_purge() -> str:
    """Remove personal data of people whose last event ended more than ``RETENTION_DAYS``
    (``JOBBFORUM_RETENTION_DAYS``) ago; does nothing until the organisation has set it."""
    from datetime import timedelta

    from flask import current_app

    from jobbforum.models import utcnow
    from jobbforum.services import privacy

    days = current_app.config.get("RETENTION_DAYS")
    if not days:
        return "skipped: JOBBFORUM_RETENTION_DAYS is not set"
    report = privacy.purge((utcnow() - timedelta(days=int(days))).date(), actor_label="jobs")
    return (f"purged {report.people} people, {report.exhibitor_contacts} exhibitor contacts "
            f"(last event ended before {report.ended_before})")
