"""On PostgreSQL a scan is one database function; on SQLite the same rules run in Python.

This plays one script of scans (every status, nonces, force, lists with roles, manual check-in,
staff and device scans) through both implementations on PostgreSQL, each on its own event, and
compares what they answer and what they leave in the tables: check-ins, the scan log and the
audit log. A rule changed in one and not the other fails here.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa

from jobbforum.models import AuditEvent, CheckIn, CheckInList, RegistrationStatus, Scan
from jobbforum.services import checkin, tickets
from jobbforum.services.errors import DomainError
from tests.checkin_builders import *  # noqa: F403

pytestmark = pytest.mark.postgres_only

SCANNED_AT = datetime(2026, 3, 12, 8, 14, 3, tzinfo=UTC)


def play(db: Any, make_event: Any, make_ticket: Any, make_device: Any, make_staff: Any,
         tag: str) -> dict[str, Any]:
    """Run the script on a new event; return the answers and rows, with ids and times made
    comparable (ids by order of appearance, times as 'set', nonces without the run's tag)."""
    event = make_event()
    other_event = make_event()
    device, _token = make_device(event, gate="North door")
    staff = make_staff("door")
    checkin.create_list(event, "Mentor lounge", "mentor")
    db.session.commit()
    people = {
        "amina": make_ticket(event=event, name="Amina"),
        "bo": make_ticket(event=event, name="Bo"),
        "mentor": make_ticket(event=event, role="mentor", name="Mentor"),
        "revoked": make_ticket(event=event, name="Revoked"),
        "cancelled": make_ticket(event=event, name="Cancelled",
                                 status=RegistrationStatus.cancelled),
        "elsewhere": make_ticket(event=other_event, name="Elsewhere"),
    }
    tickets.revoke_ticket(people["revoked"])
    db.session.commit()

    def n(name: str | None) -> str | None:
        return f"{tag}-{name}" if name else None

    script: list[dict[str, Any]] = [
        dict(code="amina", nonce="1", gate="", device=True),
        dict(code="amina", nonce="1", gate="South"),                       # retry: same answer
        dict(code="amina", nonce="2", gate="South", staff=True),           # already
        dict(code="amina", nonce=None),                                    # no nonce: not logged
        dict(raw=" nonsense ", nonce="3"),                                  # unknown
        dict(raw="", nonce="4"),
        dict(raw="x" * 300, nonce="5"),
        dict(code="elsewhere", nonce="6"),                                 # wrong event
        dict(code="revoked", nonce="7"),                                   # revoked
        dict(code="cancelled", nonce="8"),                                 # registration cancelled
        dict(code="bo", nonce="9", list_name="Mentor lounge"),             # not allowed
        dict(code="mentor", nonce="10", list_name="Mentor lounge", scanned_at=True),
        dict(code="revoked", nonce="11", force=True, scanned_at=True),     # forced: flagged ok
        dict(code="revoked", nonce="12", force=True, staff=True),          # forced reuse: flagged
        dict(registration="bo", nonce="13", staff=True),                   # manual check-in
        dict(registration="missing", nonce="14"),
        dict(code="bo", nonce="3"),                                        # nonce reused: old answer
        dict(code="bo", nonce="15", list_name="No such list"),             # NotFound
        dict(code="bo", nonce="x" * 70),                                   # bad nonce
        dict(undo="13"),                                                   # a mistaken scan
        dict(registration="bo", nonce="13", staff=True),                   # its retry: old answer
        dict(registration="bo", nonce="16", staff=True),                   # checked in again
    ]
    answers = []
    made: dict[str, int] = {}
    for step in script:
        if "undo" in step:
            checkin.undo(event, made[step["undo"]], actor=staff)
            db.session.commit()
            answers.append({"undone": step["undo"]})
            continue
        if "code" in step:
            code = people[step["code"]].code
        else:
            code = step.get("raw")
        registration_id = None
        if "registration" in step:
            registration_id = (people[step["registration"]].registration_id
                               if step["registration"] in people else 2_000_000_000)
        nonce = step["nonce"] if step["nonce"] is None or len(step["nonce"]) > 64 else n(step["nonce"])
        try:
            result = checkin.redeem(
                event, code, registration_id=registration_id,
                list_name=step.get("list_name", "entrance"), nonce=nonce,
                gate=step.get("gate", "Gate A"), force=step.get("force", False),
                scanned_at=SCANNED_AT if step.get("scanned_at") else None,
                device=device if step.get("device") else None,
                staff=staff if step.get("staff") else None)
            db.session.commit()
            answers.append(result.as_json())
            if result.checkin_id is not None and step["nonce"]:
                made[step["nonce"]] = result.checkin_id
        except DomainError as error:
            db.session.rollback()
            answers.append({"error": type(error).__name__, "message": error.message})

    ids: dict[tuple[str, int], int] = {}

    def same(kind: str, value: int | None) -> int | None:
        return None if value is None else ids.setdefault((kind, value), len(ids))

    def plain(row: dict[str, Any], table: str = "") -> dict[str, Any]:
        out = {}
        for key, value in row.items():
            if key == "checkin_id" or (key == "id" and table == "checkins"):
                value = same("checkin", value)
            elif key == "id":
                continue  # the order of the rows is compared
            elif key == "ticket_id":
                value = same("ticket", value)
            elif key == "nonce" and isinstance(value, str):
                value = value.removeprefix(f"{tag}-")
            elif key in ("checked_in_at", "received_at", "at", "first_checked_in_at"):
                value = "set" if value else None
            elif key in ("event_id", "list_id", "device_id", "staff_user_id", "actor_user_id",
                         "object_id"):
                value = value is not None
            elif isinstance(value, dict):
                value = plain(value)
            out[key] = value
        return out

    list_ids = list(db.session.scalars(sa.select(CheckInList.id).where(
        CheckInList.event_id == event.id)))
    rows = {
        "answers": [plain(a) for a in answers],
        "checkins": [plain({c.name: getattr(r, c.name) for c in CheckIn.__table__.c}, "checkins")
                     for r in db.session.scalars(sa.select(CheckIn).where(
                         CheckIn.list_id.in_(list_ids)).order_by(CheckIn.id))],
        "scans": [plain({c.name: getattr(r, c.name) for c in Scan.__table__.c})
                  for r in db.session.scalars(sa.select(Scan).where(
                      Scan.event_id == event.id).order_by(Scan.id))],
        "audit": [plain({"action": r.action, "actor_label": r.actor_label.replace(
                            staff.email, "staff"),
                         "actor_user_id": r.actor_user_id, "object_type": r.object_type,
                         "object_id": r.object_id, "details": r.details})
                  for r in db.session.scalars(sa.select(AuditEvent).where(
                      AuditEvent.event_id == event.id,
                      AuditEvent.action.like("checkin.%")).order_by(AuditEvent.id))],
    }
    return rows


def test_database_function_and_python_agree(db, make_event, make_ticket, make_device,
                                             make_staff, monkeypatch):
    in_database = play(db, make_event, make_ticket, make_device, make_staff, "sql")
    monkeypatch.setattr(checkin, "_in_one_statement", lambda: False)
    in_python = play(db, make_event, make_ticket, make_device, make_staff, "py")
    for part in ("answers", "checkins", "scans", "audit"):
        assert in_database[part] == in_python[part], part
    statuses = [a.get("status", a.get("error")) for a in in_database["answers"]]
    assert statuses == [
        "ok", "ok", "already_checked_in", "already_checked_in", "unknown_code", "unknown_code",
        "unknown_code", "wrong_event", "revoked", "revoked", "not_allowed", "ok", "ok",
        "already_checked_in", "ok", "unknown_code", "unknown_code", "NotFound", "InvalidInput",
        None, "ok", "ok"]
    assert in_database["answers"][-2] == in_database["answers"][14]  # the retry after the undo
    assert in_database["audit"] and in_database["scans"][-1]["flagged"] is False


def play_device(db: Any, make_event: Any, make_ticket: Any, make_device: Any,
                tag: str) -> tuple[list[Any], bool]:
    """A door device's scans by token (authentication included): answers or errors, and
    whether the device was marked as seen."""
    from jobbforum.models import Device
    from jobbforum.services import devices

    event, other = make_event(), make_event()
    device, token = make_device(event, gate="North")
    _other_device, other_token = make_device(other, gate="Other")
    revoked, revoked_token = make_device(event, gate="Revoked")
    devices.revoke_device(revoked)
    ticket = make_ticket(event=event, name="Amina")
    # An older event without its entrance list: it is made on the first scan.
    db.session.execute(sa.delete(CheckInList).where(CheckInList.event_id == event.id))
    db.session.commit()
    checkin.redeem(other, "nothing", nonce=f"{tag}-shared")
    db.session.commit()
    answers: list[Any] = []
    for use, slug, scan in [
        (token, event.slug, dict(code=ticket.code, nonce=f"{tag}-1")),
        (token, event.slug, dict(code=ticket.code, nonce=f"{tag}-1", gate="South")),
        (token, event.slug, dict(code=ticket.code, nonce=f"{tag}-shared")),
        (token, event.slug, dict(code=ticket.code, nonce="  ")),
        (revoked_token, event.slug, dict(code=ticket.code)),
        (other_token, event.slug, dict(code=ticket.code)),
        (other_token, "no-such-event", dict(code=ticket.code)),
        (other_token, event.slug, dict(code=ticket.code, nonce="")),
        ("not-a-token", event.slug, dict(code=ticket.code)),
        ("x" * 200, event.slug, dict(code=ticket.code)),
        (token, event.slug, dict(code=ticket.code, list_name="bad\x07name")),
        (token, event.slug, dict(code=ticket.code, gate="", nonce=f"{tag}-2")),
    ]:
        try:
            answer = checkin.redeem_by_device_token(use, slug, **scan).as_json()
            db.session.commit()
            answers.append({k: v for k, v in answer.items()
                            if k not in ("checked_in_at", "first_checked_in_at", "checkin_id")})
        except DomainError as error:
            db.session.rollback()
            answers.append(type(error).__name__)
    db.session.expire_all()
    return answers, db.session.get(Device, device.id).last_seen_at is not None


def test_device_scans_agree(db, make_event, make_ticket, make_device, monkeypatch):
    in_database = play_device(db, make_event, make_ticket, make_device, "sql")
    monkeypatch.setattr(checkin, "_in_one_statement", lambda: False)
    in_python = play_device(db, make_event, make_ticket, make_device, "py")
    assert in_database == in_python
    answers, seen = in_database
    assert seen and [a if isinstance(a, str) else a["status"] for a in answers] == [
        "ok", "ok", "InvalidInput", "InvalidInput", "Unauthorized", "Forbidden", "NotFound",
        "Forbidden", "Unauthorized", "Unauthorized", "NotFound", "already_checked_in"]
    assert answers[1]["gate"] == "North"  # the retry got the first answer


def test_a_new_database_session_may_begin_with_a_scan_that_names_no_ticket(
        db, make_event, make_device):
    """The function's first run in a database session compiles its statements. A scan with
    nothing to look up (an empty or over-long code) left the ticket record unset, and compiling
    the scan-log insert then failed ("record v_ticket is not assigned yet"): a door's first scan
    after a restart or a new pooled connection could be an error instead of unknown_code."""
    event = make_event()
    device, token = make_device(event, gate="North")
    db.session.commit()
    from jobbforum.services import devices

    # What the service sends for an empty or over-long code: no code, no registration.
    params = {"code": None, "registration_id": None, "token_hash": devices.hash_token(token),
              "slug": event.slug}
    fresh = sa.create_engine(db.engine.url.render_as_string(hide_password=False),
                             poolclass=sa.pool.NullPool)  # a new database session
    try:
        with fresh.begin() as connection:
            error, answer = connection.execute(sa.text(
                "SELECT * FROM jobbforum_checkin_redeem(NULL, 'entrance', 'first-scan', :code,"
                " :registration_id, '', NULL, false, NULL, NULL, NULL, :token_hash, :slug,"
                " interval '1 minute', now())"), params).one()
    finally:
        fresh.dispose()
    assert (error, answer["status"]) == (None, "unknown_code")
    logged = db.session.scalar(sa.select(Scan).where(Scan.nonce == "first-scan"))
    assert logged.status == "unknown_code" and logged.ticket_id is None
