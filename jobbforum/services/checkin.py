"""Door check-in: redeem a scanned ticket on a check-in list, undo, stats, search, walk-ins.

:func:`redeem` is the one check-in operation; the API, the scanner page, walk-ins and the demo
all call it. It answers with a :class:`Result` whose ``status`` is one of :data:`STATUSES`.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import joinedload

from jobbforum import dbpool
from jobbforum.codes import normalise_participant_code
from jobbforum.extensions import db
from jobbforum.models import (
    ENTRANCE,
    CheckIn,
    CheckInList,
    Device,
    Event,
    Person,
    ProgrammeRound,
    Registration,
    RegistrationStatus,
    Role,
    Scan,
    StaffUser,
    Ticket,
    TicketStatus,
    utcnow,
)
from jobbforum.models.checkins import roles_admit
from jobbforum.services import audit, devices, events, tickets
from jobbforum.services.errors import (
    N_,
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    Unauthorized,
)

OK = "ok"
ALREADY = "already_checked_in"
UNKNOWN = "unknown_code"
REVOKED = "revoked"
WRONG_EVENT = "wrong_event"
NOT_ALLOWED = "not_allowed"
#: Every answer :func:`redeem` can give.
STATUSES = (OK, ALREADY, UNKNOWN, REVOKED, WRONG_EVENT, NOT_ALLOWED)

#: How long after a check-in door staff may undo it.
UNDO_WINDOW = timedelta(minutes=2)
#: Shortest search text (names or participant codes).
MIN_SEARCH_LENGTH = 2
MAX_NONCE_LENGTH = 64
MAX_LIST_NAME_LENGTH = 80


@dataclass
class Result:
    """The answer to one scan, as the API returns it (see :meth:`as_json`)."""

    status: str
    checked_in_at: datetime | None = None
    first_checked_in_at: datetime | None = None
    gate: str = ""
    holder: dict[str, str] | None = None
    #: Id of the check-in made (for undo); not part of the JSON answer's contract.
    checkin_id: int | None = None
    flagged: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"status": self.status}
        if self.checked_in_at:
            out["checked_in_at"] = self.checked_in_at.isoformat()
        if self.first_checked_in_at:
            out["first_checked_in_at"] = self.first_checked_in_at.isoformat()
        if self.gate:
            out["gate"] = self.gate
        if self.holder is not None and self.status in (OK, ALREADY):
            out["holder"] = self.holder
        if self.checkin_id is not None:
            out["checkin_id"] = self.checkin_id
        if self.flagged:
            out["flagged"] = True
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Result:
        def when(key: str) -> datetime | None:
            return datetime.fromisoformat(data[key]) if data.get(key) else None

        return cls(status=data["status"], checked_in_at=when("checked_in_at"),
                   first_checked_in_at=when("first_checked_in_at"), gate=data.get("gate", ""),
                   holder=data.get("holder"), checkin_id=data.get("checkin_id"),
                   flagged=bool(data.get("flagged")))


# --------------------------------------------------------------------------- lists


def parse_roles(text: str | list[str]) -> str:
    """Comma-separated role values, validated; empty means every role."""
    items = text if isinstance(text, list) else text.split(",")
    roles = sorted({r.strip() for r in items if r.strip()})
    known = {r.value for r in Role}
    bad = [r for r in roles if r not in known]
    if bad:
        raise InvalidInput(N_("Unknown role: %(roles)s."), field="allowed_roles", roles=", ".join(bad))
    return ",".join(roles)


def get_list(event: Event, name: str = ENTRANCE) -> CheckInList:
    """The event's check-in list called ``name`` (the entrance list is made on demand)."""
    found = None
    if name.isprintable() and len(name) <= MAX_LIST_NAME_LENGTH:
        found = db.session.scalar(sa.select(CheckInList).where(
            CheckInList.event_id == event.id, CheckInList.name == name))
    if found is None:
        if name == ENTRANCE:
            return events.ensure_entrance_list(event)
        raise NotFound(N_("No check-in list with that name for this event."))
    return found


def find_lists(event: Event) -> list[CheckInList]:
    """The event's lists, entrance first."""
    get_list(event, ENTRANCE)
    rows = db.session.scalars(sa.select(CheckInList).where(CheckInList.event_id == event.id))
    return sorted(rows, key=lambda c: (c.name != ENTRANCE, c.name.lower()))


def create_list(event: Event, name: str, allowed_roles: str | list[str] = "", *,
                actor: StaffUser | None = None, actor_label: str = "") -> CheckInList:
    """Add a check-in list (e.g. a room door) admitting ``allowed_roles`` (empty: all). Names are unique per event."""
    name = " ".join(name.split())
    if not name or len(name) > MAX_LIST_NAME_LENGTH:
        raise InvalidInput(N_("Give the list a name of 1–%(max)s characters."), field="name",
                           max=MAX_LIST_NAME_LENGTH)
    roles = parse_roles(allowed_roles)
    if db.session.scalar(sa.select(CheckInList.id).where(
            CheckInList.event_id == event.id, CheckInList.name == name)) is not None:
        raise Conflict(N_("The event already has a list with that name."), field="name")
    checkin_list = CheckInList(event_id=event.id, name=name, allowed_roles=roles)
    db.session.add(checkin_list)
    db.session.flush()
    audit.record("checkin_list.created", actor=actor, actor_label=actor_label, obj=checkin_list,
                 event_id=event.id, details={"name": name, "allowed_roles": roles})
    return checkin_list


def set_allowed_roles(checkin_list: CheckInList, allowed_roles: str | list[str], *,
                      actor: StaffUser | None = None, actor_label: str = "") -> None:
    """Change which registration roles the list admits (empty: all)."""
    roles = parse_roles(allowed_roles)
    before = checkin_list.allowed_roles
    if roles == before:
        return
    checkin_list.allowed_roles = roles
    db.session.flush()
    audit.record("checkin_list.updated", actor=actor, actor_label=actor_label, obj=checkin_list,
                 event_id=checkin_list.event_id, details={"allowed_roles": [before, roles]})


# --------------------------------------------------------------------------- redeem


@dataclass(frozen=True)
class _ListRow:
    """The few columns of a check-in list that a scan needs."""

    id: int
    name: str
    allowed_roles: str


@dataclass(frozen=True)
class _TicketRow:
    """The scanned ticket with what the answer needs of its registration and holder."""

    id: int
    status: TicketStatus
    event_id: int
    role: Role
    registration_status: RegistrationStatus
    holder_name: str


_LISTS = CheckInList.__table__
_SCANS = Scan.__table__
_TICKETS = Ticket.__table__
_REGISTRATIONS = Registration.__table__
_PEOPLE = Person.__table__
_CHECKINS = CheckIn.__table__

# The hot path is built once, from the tables (no ORM objects per scan): a scan at a door with
# a queue is a handful of prepared statements and one commit.
_LIST = sa.select(_LISTS.c.id, _LISTS.c.name, _LISTS.c.allowed_roles).where(
    _LISTS.c.event_id == sa.bindparam("event_id"), _LISTS.c.name == sa.bindparam("name"))
_SCAN_BY_NONCE = sa.select(_SCANS.c.event_id, _SCANS.c.answer).where(
    _SCANS.c.nonce == sa.bindparam("nonce"))
_TICKET = (
    sa.select(_TICKETS.c.id, _TICKETS.c.status, _REGISTRATIONS.c.event_id, _REGISTRATIONS.c.role,
              _REGISTRATIONS.c.status, _PEOPLE.c.name)
    .select_from(_TICKETS)
    .join(_REGISTRATIONS, _REGISTRATIONS.c.id == _TICKETS.c.registration_id)
    .join(_PEOPLE, _PEOPLE.c.id == _REGISTRATIONS.c.person_id)
    .with_for_update(of=_TICKETS))
_TICKET_BY_CODE = _TICKET.where(_TICKETS.c.code == sa.bindparam("code"))
# Manual check-in after a search: the registration's active ticket, else its newest.
_TICKET_OF_REGISTRATION = (
    _TICKET.where(_TICKETS.c.registration_id == sa.bindparam("registration_id"))
    .order_by((_TICKETS.c.status == TicketStatus.active).desc(), _TICKETS.c.issued_at.desc(),
              _TICKETS.c.id.desc()).limit(1))
_FIRST_CHECKIN = sa.select(_CHECKINS.c.checked_in_at, _CHECKINS.c.gate).where(
    _CHECKINS.c.ticket_id == sa.bindparam("ticket_id"),
    _CHECKINS.c.list_id == sa.bindparam("list_id"))
# A scan that checked a ticket in (with nothing to flag) is recorded once, as the check-in with
# its nonce: its answer is made again from it (:func:`_checkin_answer`).
_CHECKIN_BY_NONCE = (
    sa.select(_LISTS.c.event_id, _CHECKINS.c.id, _CHECKINS.c.checked_in_at, _CHECKINS.c.gate,
              _CHECKINS.c.flagged, _PEOPLE.c.name, _REGISTRATIONS.c.role)
    .select_from(_CHECKINS)
    .join(_LISTS, _LISTS.c.id == _CHECKINS.c.list_id)
    .join(_TICKETS, _TICKETS.c.id == _CHECKINS.c.ticket_id)
    .join(_REGISTRATIONS, _REGISTRATIONS.c.id == _TICKETS.c.registration_id)
    .join(_PEOPLE, _PEOPLE.c.id == _REGISTRATIONS.c.person_id)
    .where(_CHECKINS.c.nonce == sa.bindparam("nonce")))


@functools.cache
def _insert_unless_conflict_statement(dialect: str, table: sa.Table) -> sa.Insert:
    insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[dialect]
    return insert(table).on_conflict_do_nothing().returning(table.c.id)


def insert_unless_conflict(table: sa.Table, values: dict[str, Any]) -> int | None:
    """``INSERT … ON CONFLICT DO NOTHING RETURNING id``: the new row's id, or ``None`` when a
    unique constraint already holds such a row. One round trip, and no savepoint needed."""
    statement = _insert_unless_conflict_statement(db.session.get_bind().dialect.name, table)
    return db.session.execute(statement, values).scalar()


def _list_and_prior_answer(event: Event, list_name: str,
                           nonce: str | None) -> tuple[_ListRow | None, Result | None]:
    """The list, and the answer already given to this nonce if there is one."""
    if not list_name.isprintable() or len(list_name) > MAX_LIST_NAME_LENGTH:
        return None, None
    row = db.session.execute(_LIST, {"event_id": event.id, "name": list_name}).first()
    if row is None:
        return None, None
    if nonce is None:
        return _ListRow(*row), None
    lock_nonce(nonce)
    return _ListRow(*row), _prior_answer(event, nonce)


def _prior_answer(event: Event, nonce: str) -> Result | None:
    """The answer already given to ``nonce``: from the scan log, else from the check-in that
    scan made (the only record of a check-in with nothing to flag); ``None`` if it is new."""
    row = db.session.execute(_SCAN_BY_NONCE, {"nonce": nonce}).first()
    if row is not None:
        scan_event_id, answer = row
    else:
        made = db.session.execute(_CHECKIN_BY_NONCE, {"nonce": nonce}).first()
        if made is None:
            return None
        scan_event_id, checkin_id, checked_in_at, gate, flagged, name, role = made
        answer = _checkin_answer(checkin_id, checked_in_at, gate, flagged, name, role).as_json()
    if scan_event_id != event.id:
        # Nonces are per-scan UUIDs; a clash across events is a client bug (or probing).
        raise InvalidInput(N_("This nonce was already used for another event."), field="nonce")
    return Result.from_json(answer)


def _checkin_answer(checkin_id: int, checked_in_at: datetime, gate: str, flagged: bool,
                    holder_name: str, role: Role) -> Result:
    """The answer of the scan that made this check-in."""
    return Result(OK, checked_in_at=checked_in_at, gate=gate,
                  holder={"display_name": holder_name, "role": Role(role).value},
                  checkin_id=checkin_id, flagged=flagged)


def _prior_for_nonce(event: Event, nonce: str) -> Result:
    """The answer already given to ``nonce`` (after losing an insert race on it)."""
    prior = _prior_answer(event, nonce)
    if prior is None:
        raise InvalidInput(N_("This nonce was already used for another scan."), field="nonce")
    return prior


class _Answered(Exception):
    """Raised by :func:`_decide` when the scan's nonce turned out answered meanwhile."""

    def __init__(self, result: Result) -> None:
        super().__init__(result.status)
        self.result = result


def _locked_ticket(code: str | None, registration_id: int | None) -> _TicketRow | None:
    """The scanned ticket with its registration and holder, its row locked with ``SELECT … FOR
    UPDATE`` (PostgreSQL; SQLite serialises writers itself) until the caller commits."""
    if registration_id is not None:
        row = db.session.execute(_TICKET_OF_REGISTRATION,
                                 {"registration_id": registration_id}).first()
    else:
        code = tickets.normalise_scanned_code(code or "")
        if not code or len(code) > tickets.MAX_CODE_LENGTH:
            return None
        row = db.session.execute(_TICKET_BY_CODE, {"code": code}).first()
    return _TicketRow(*row) if row is not None else None


def redeem(
    event: Event,
    code: str | None = None,
    *,
    registration_id: int | None = None,
    list_name: str = ENTRANCE,
    nonce: str | None = None,
    gate: str = "",
    scanned_at: datetime | None = None,
    force: bool = False,
    device: Device | None = None,
    staff: StaffUser | None = None,
) -> Result:
    """Check the ticket with ``code`` (or the registration's ticket) in on the event's list.

    Guarantees:

    * **Exactly one** :class:`CheckIn` per ticket and list, even under concurrent calls: the
      ticket row is locked with ``SELECT … FOR UPDATE`` (PostgreSQL) while the check-in is
      recorded, and the schema's unique (ticket, list) constraint refuses a second row
      (``INSERT … ON CONFLICT DO NOTHING``); the loser of a race gets ``already_checked_in``,
      never an error.
    * **Idempotent retries**: a ``nonce`` seen before gets the answer it got the first time
      (even if the check-in was undone since) and records nothing new, also when two requests
      with the same nonce arrive at once.
    * **One record per scan**: a scan that checks the ticket in with nothing to flag is
      recorded as that :class:`CheckIn` (which keeps its nonce); every other scan with a nonce
      goes to the scan log (:class:`Scan`) with its answer. Requests with one nonce decide one
      after the other (:func:`lock_nonce`). A retry answered from a check-in gets its status,
      time, gate and id, and the holder's name and role as they are now (after an erasure, no
      name).
    * ``force`` (uploads of scans made offline) records the scan even when the ticket was
      revoked (a flagged, forced check-in) or already used (a flagged scan next to the first
      check-in); either way staff see it in :func:`flagged_scans`.
    * Roles: a list admits only its ``allowed_roles`` (``not_allowed`` otherwise, even forced).

    Raises :class:`NotFound` for an unknown list and :class:`InvalidInput` for a bad nonce.
    Flushes; the caller commits (which releases the row lock), except on PostgreSQL when the
    session has no transaction (nothing written or read since its last commit): there the scan
    is committed at once, and a later rollback does not undo it (:func:`_run_redeem`). On
    PostgreSQL the whole scan is one statement, the database function
    ``jobbforum_checkin_redeem`` (one round trip: a door with a queue is waiting), atomic on its
    own; on SQLite the same rules run in Python (:func:`_redeem_step_by_step`). Every service
    test runs on both; a PostgreSQL test plays the same scans through both and compares answers
    and rows.
    """
    nonce = _clean_nonce(nonce)
    db.session.flush()  # the statements below read the tables directly
    gate = (gate or (device.gate if device else ""))[:devices.MAX_GATE_LENGTH]
    run = _redeem_in_one_statement if _in_one_statement() else _redeem_step_by_step
    return run(event, code, registration_id=registration_id, list_name=list_name, nonce=nonce,
               gate=gate, scanned_at=scanned_at, force=force, device=device, staff=staff)


def redeem_by_device_token(
    token: str,
    slug: str,
    code: str | None = None,
    *,
    registration_id: int | None = None,
    list_name: str = ENTRANCE,
    nonce: str | None = None,
    gate: str = "",
    scanned_at: datetime | None = None,
    force: bool = False,
) -> Result:
    """:func:`redeem` for a door device known only by its bearer token, on the event ``slug``.

    Authenticates the device as :func:`devices.authenticate` does; raises :class:`Unauthorized`
    (unknown or revoked token), :class:`NotFound` (no such event) or :class:`Forbidden` (another
    event's device). On PostgreSQL authentication and scan are the same single statement.
    """
    if not _in_one_statement():
        device = device_for_token(token, slug)
        return redeem(device.event, code, registration_id=registration_id, list_name=list_name,
                      nonce=nonce, gate=gate, scanned_at=scanned_at, force=force, device=device)
    if not token or len(token) > devices.MAX_TOKEN_LENGTH:
        raise Unauthorized()
    try:
        nonce = _clean_nonce(nonce)
    except InvalidInput:
        device_for_token(token, slug)  # a caller without the right to scan hears that first
        raise
    if dbpool.session_made():
        db.session.flush()  # the caller's own changes, for the statement to see
    try:
        return _redeem_in_one_statement(
            None, code, registration_id=registration_id, list_name=list_name, nonce=nonce,
            gate=gate[:devices.MAX_GATE_LENGTH], scanned_at=scanned_at, force=force, device=None,
            staff=None, token_hash=devices.hash_token(token), slug=slug)
    except Forbidden:
        events.get_event(slug)  # NotFound for an unknown event
        raise


def device_for_token(token: str, slug: str) -> Device:
    """The active device of the event ``slug`` with this token: :class:`Unauthorized` for an
    unknown or revoked token, :class:`NotFound` for an unknown event, :class:`Forbidden` for
    another event's device."""
    device = devices.authenticate(token)
    if device is None:
        raise Unauthorized()
    if device.event.slug != slug:
        events.get_event(slug)  # NotFound for an unknown event, else:
        raise Forbidden()
    return device


def _clean_nonce(nonce: str | None) -> str | None:
    if nonce is not None:
        nonce = nonce.strip()
        if not nonce or len(nonce) > MAX_NONCE_LENGTH:
            raise InvalidInput(N_("The nonce must be 1–64 characters."), field="nonce")
    return nonce


def _in_one_statement() -> bool:
    """Whether :func:`redeem` runs as the database function (PostgreSQL) or in Python (SQLite)."""
    return db.engine.dialect.name == "postgresql"


def _redeem_step_by_step(event: Event, code: str | None, *, registration_id: int | None,
                         list_name: str, nonce: str | None, gate: str,
                         scanned_at: datetime | None, force: bool, device: Device | None,
                         staff: StaffUser | None) -> Result:
    """:func:`redeem` in Python, a statement at a time (SQLite, which serialises writers)."""
    checkin_list, prior = _list_and_prior_answer(event, list_name, nonce)
    if prior is not None:
        return prior
    if checkin_list is None:
        if list_name != ENTRANCE:
            raise NotFound(N_("No check-in list with that name for this event."))
        entrance = get_list(event, ENTRANCE)
        checkin_list = _ListRow(entrance.id, entrance.name, entrance.allowed_roles)
    ticket = _locked_ticket(code, registration_id)
    try:
        result, flagged = _decide(event, checkin_list, ticket, force=force, gate=gate,
                                  scanned_at=scanned_at, device=device, staff=staff, nonce=nonce)
    except _Answered as answered:
        return answered.result
    if nonce is None or (result.status == OK and not flagged):
        # Nothing to log without a nonce; a check-in with nothing to flag is its scan's record.
        return result
    scan_id = insert_unless_conflict(_SCANS, dict(
        event_id=event.id, list_id=checkin_list.id, nonce=nonce,
        ticket_id=ticket.id if ticket else None,
        checkin_id=result.checkin_id if result.status == OK else None,
        status=result.status, answer=result.as_json(), received_at=utcnow(),
        scanned_at=scanned_at, gate=gate, device_id=device.id if device else None,
        staff_user_id=staff.id if staff else None, forced=force, flagged=flagged))
    if scan_id is None:
        # The same nonce arrived twice at once and the other request won: answer as it did.
        return _prior_for_nonce(event, nonce)
    return result


_REDEEM = sa.select(sa.column("o_error"), sa.column("o_answer", sa.JSON)).select_from(
    sa.func.jobbforum_checkin_redeem(
        *(sa.bindparam(name, type_=type_) for name, type_ in (
            ("event_id", sa.Integer), ("list", sa.String), ("nonce", sa.String),
            ("code", sa.String), ("registration_id", sa.Integer), ("gate", sa.String),
            ("scanned_at", sa.DateTime(timezone=True)), ("force", sa.Boolean),
            ("device_id", sa.Integer), ("staff_id", sa.Integer), ("actor_label", sa.String),
            ("token_hash", sa.String), ("slug", sa.String), ("last_seen_every", sa.Interval),
            ("now", sa.DateTime(timezone=True))))))


def _redeem_in_one_statement(event: Event | None, code: str | None, *,
                             registration_id: int | None, list_name: str, nonce: str | None,
                             gate: str, scanned_at: datetime | None, force: bool,
                             device: Device | None, staff: StaffUser | None,
                             token_hash: str | None = None, slug: str | None = None) -> Result:
    """:func:`redeem` on PostgreSQL: the whole scan is the server function
    ``jobbforum_checkin_redeem`` (migration c4a1d2e5f601), the same rules in one statement, so it
    is atomic on its own (a caller may run it in autocommit) and costs one round trip. Given a
    device token's hash and the event's slug instead of ``event``, it authenticates the device
    in the same statement."""
    if registration_id is None:
        code = tickets.normalise_scanned_code(code or "")
        if not code or len(code) > tickets.MAX_CODE_LENGTH:
            code = None  # unknown_code, but still logged against the nonce
    if scanned_at is not None and scanned_at.tzinfo is None:
        raise ValueError("scanned_at must be timezone-aware")  # as UTCDateTime refuses it
    list_ok = list_name.isprintable() and len(list_name) <= MAX_LIST_NAME_LENGTH
    params = {"event_id": event.id if event else None, "list": list_name if list_ok else "",
              "nonce": nonce, "code": code, "registration_id": registration_id, "gate": gate,
              "scanned_at": scanned_at, "force": force,
              "device_id": device.id if device else None, "staff_id": staff.id if staff else None,
              "actor_label": staff.email if staff else f"device:{gate}",
              "token_hash": token_hash, "slug": slug,
              "last_seen_every": devices.LAST_SEEN_RESOLUTION, "now": utcnow()}
    error, answer = _run_redeem(params)
    if error == "no_list" and list_name == ENTRANCE:
        get_list(event or events.get_event(slug or ""), ENTRANCE)  # made on demand; then once more
        error, answer = _run_redeem(params)
    if error is None:
        return Result.from_json(answer)
    if error == "unauthorized":
        raise Unauthorized()
    if error == "forbidden":
        raise Forbidden()
    if error == "no_list":
        raise NotFound(N_("No check-in list with that name for this event."))
    if error == "nonce_other_event":
        raise InvalidInput(N_("This nonce was already used for another event."), field="nonce")
    raise InvalidInput(N_("This nonce was already used for another scan."), field="nonce")


def _run_redeem(params: dict[str, Any]) -> tuple[str | None, dict[str, Any] | None]:
    """Run ``jobbforum_checkin_redeem``; its (error, answer).

    Inside the session's transaction, on its connection, as Core: the scan sees what the caller
    has written and is committed with it. Otherwise it is a transaction of its own, so it goes
    to a connection of the autocommit pool (``dbpool.init_autocommit_pool``): no BEGIN and
    COMMIT round trips, no switching a connection into autocommit and back; and it is sent at
    the driver's level (``dbpool.one_row``), the busiest statement of a door with a queue.
    """
    in_transaction = dbpool.session_made() and db.session().in_transaction()
    if not in_transaction and (auto := dbpool.autocommit_engine()) is not None:
        error, answer = dbpool.one_row(auto, _REDEEM, params)
        return error, answer
    error, answer = db.session.connection().execute(_REDEEM, params).one()
    return error, answer


def _decide(event: Event, checkin_list: _ListRow, ticket: _TicketRow | None, *, force: bool,
            gate: str, scanned_at: datetime | None, device: Device | None,
            staff: StaffUser | None, nonce: str | None) -> tuple[Result, bool]:
    """The answer for one scan (and whether to flag it), recording the check-in if there is one."""
    if ticket is None:
        return Result(UNKNOWN), False
    if ticket.event_id != event.id:
        return Result(WRONG_EVENT), False
    if not roles_admit(checkin_list.allowed_roles, ticket.role.value):
        return Result(NOT_ALLOWED), False
    holder = {"display_name": ticket.holder_name, "role": ticket.role.value}
    revoked = (ticket.status is TicketStatus.revoked
               or ticket.registration_status is RegistrationStatus.cancelled)
    if revoked and not force:
        return Result(REVOKED), False
    now = utcnow()
    checkin_id = insert_unless_conflict(_CHECKINS, dict(
        ticket_id=ticket.id, list_id=checkin_list.id, checked_in_at=now, scanned_at=scanned_at,
        gate=gate, device_id=device.id if device else None,
        staff_user_id=staff.id if staff else None, nonce=nonce, forced=force, flagged=revoked))
    if checkin_id is None:
        if nonce is not None and (prior := _prior_answer(event, nonce)) is not None:
            # The same scan, answered by another request while this one waited for the ticket
            # (a retry that overtook its first try): that answer.
            raise _Answered(prior)
        first = db.session.execute(_FIRST_CHECKIN, {"ticket_id": ticket.id,
                                                    "list_id": checkin_list.id}).first()
        if first is None:  # the conflict was a nonce whose check-in is gone again (undone)
            raise InvalidInput(N_("This nonce was already used for another scan."),
                               field="nonce")
        # Forced: the ticket was used twice while a door was offline; staff should look.
        return (Result(ALREADY, first_checked_in_at=first.checked_in_at, gate=first.gate,
                       holder=holder), force)
    if revoked:
        audit.record("checkin.forced_revoked", actor=staff,
                     actor_label=staff.email if staff else f"device:{gate}",
                     obj=db.session.get(CheckIn, checkin_id), event_id=event.id,
                     details={"ticket_id": ticket.id, "list": checkin_list.name})
    return (Result(OK, checked_in_at=now, gate=gate, holder=holder, checkin_id=checkin_id,
                   flagged=revoked), revoked)


#: Class of the advisory locks on nonces (PostgreSQL); the redeem function takes the same.
NONCE_LOCK_CLASS = 1246


def lock_nonce(nonce: str) -> None:
    """Take the nonce's lock until the transaction ends (PostgreSQL; SQLite serialises writers
    itself). A scan's record is its check-in or a scan-log row, so whatever decides or moves a
    nonce's record takes it first: ``jobbforum_checkin_redeem`` does, and so does
    :func:`log_scan_of`."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.text("SELECT pg_advisory_xact_lock(:lock_class, hashtext(:nonce))"),
                           {"lock_class": NONCE_LOCK_CLASS, "nonce": nonce})


def log_scan_of(checkin: CheckIn, event_id: int) -> None:
    """Before ``checkin`` is removed: if it is its scan's only record (a check-in with a nonce
    and nothing to flag), log the scan with the answer it got, so that a retry of the nonce
    still gets that answer and records nothing. (A roll-call tick's check-in is logged the same
    way: harmless, its nonce is never scanned.)"""
    if checkin.nonce is None:
        return
    lock_nonce(checkin.nonce)
    if db.session.execute(_SCAN_BY_NONCE, {"nonce": checkin.nonce}).first() is not None:
        return
    registration = checkin.ticket.registration
    answer = _checkin_answer(checkin.id, checkin.checked_in_at, checkin.gate, checkin.flagged,
                             registration.person.name, registration.role)
    insert_unless_conflict(_SCANS, dict(
        event_id=event_id, list_id=checkin.list_id, nonce=checkin.nonce,
        ticket_id=checkin.ticket_id, checkin_id=None, status=OK, answer=answer.as_json(),
        received_at=checkin.checked_in_at, scanned_at=checkin.scanned_at, gate=checkin.gate,
        device_id=checkin.device_id, staff_user_id=checkin.staff_user_id,
        forced=checkin.forced, flagged=checkin.flagged))


def undo(event: Event, checkin_id: int, *, actor: StaffUser | None = None,
         device: Device | None = None, now: datetime | None = None) -> None:
    """Remove a check-in made less than :data:`UNDO_WINDOW` ago (a mistaken scan), audited.

    The ticket can then be checked in again; a retry of the original scan's nonce still gets
    its first answer and records nothing.
    """
    # Locked (PostgreSQL): a second undo of the same check-in waits, then finds it gone.
    checkin = db.session.scalar(sa.select(CheckIn).where(CheckIn.id == checkin_id)
                                .with_for_update().execution_options(populate_existing=True))
    if checkin is None or checkin.list.event_id != event.id:
        raise NotFound(N_("No such check-in."))
    now = now or utcnow()
    if now - checkin.checked_in_at > UNDO_WINDOW:
        raise Conflict(N_("A check-in can only be undone within two minutes."))
    label = actor.email if actor else (f"device:{device.gate}" if device else "system")
    log_scan_of(checkin, event.id)
    audit.record("checkin.undone", actor=actor, actor_label=label, obj=checkin, event_id=event.id,
                 details={"ticket_id": checkin.ticket_id, "list": checkin.list.name,
                          "checked_in_at": checkin.checked_in_at})
    db.session.delete(checkin)
    db.session.flush()


# --------------------------------------------------------------------------- reading


def stats(event: Event) -> dict[str, Any]:
    """Counts for the live counter: confirmed registrations, and people checked in at the
    entrance (``checked_in``), per list (``by_list``) and per role at the entrance (``by_role``)."""
    entrance = get_list(event, ENTRANCE)
    registered = db.session.scalar(sa.select(sa.func.count(Registration.id)).where(
        Registration.event_id == event.id, Registration.status == RegistrationStatus.confirmed)) or 0
    by_list_rows = db.session.execute(
        sa.select(CheckInList.name, sa.func.count(CheckIn.id))
        .join(CheckIn, CheckIn.list_id == CheckInList.id, isouter=True)
        .where(CheckInList.event_id == event.id).group_by(CheckInList.name))
    by_role_rows = db.session.execute(
        sa.select(Registration.role, sa.func.count(CheckIn.id))
        .join(Ticket, Ticket.registration_id == Registration.id)
        .join(CheckIn, CheckIn.ticket_id == Ticket.id)
        .where(CheckIn.list_id == entrance.id).group_by(Registration.role))
    by_list = {name: count for name, count in by_list_rows}
    by_role = {role.value: count for role, count in by_role_rows}
    return {"registered": registered, "checked_in": by_list.get(ENTRANCE, 0),
            "by_list": by_list, "by_role": by_role}


def search(event: Event, text: str, checkin_list: CheckInList | None = None,
           limit: int = 20) -> list[dict[str, Any]]:
    """Registrations of the event whose name contains ``text`` or whose participant code starts
    with it, for manual check-in. Raises :class:`InvalidInput` for fewer than 2 characters."""
    text = " ".join("".join(ch for ch in text if ch.isprintable()).split())[:100]
    if len(text) < MIN_SEARCH_LENGTH:
        raise InvalidInput(N_("Type at least two characters."), field="q")
    checkin_list = checkin_list or get_list(event, ENTRANCE)
    pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    code = normalise_participant_code(text)
    matches = [Person.name.ilike(pattern, escape="\\")]
    if code.isascii() and code.isalnum():
        matches.append(Person.participant_code.like(code + "%"))
    rows = db.session.scalars(
        sa.select(Registration).join(Person, Registration.person_id == Person.id)
        .where(Registration.event_id == event.id,
               sa.or_(*matches))
        .options(joinedload(Registration.person))
        .order_by(Person.name).limit(limit))
    found = list(rows)
    checked = set(db.session.scalars(
        sa.select(Ticket.registration_id).join(CheckIn, CheckIn.ticket_id == Ticket.id)
        .where(CheckIn.list_id == checkin_list.id,
               Ticket.registration_id.in_([r.id for r in found]))))
    return [{"registration_id": r.id, "display_name": r.person.name,
             "participant_code": r.person.participant_code, "role": r.role.value,
             "status": r.status.value, "checked_in": r.id in checked} for r in found]


def code_hash(salt: str, code: str) -> str:
    """What the offline copy holds for a ticket code: SHA-256 of ``salt:code``, hex."""
    return hashlib.sha256(f"{salt}:{code}".encode()).hexdigest()


def offline_codes(event: Event, list_name: str = ENTRANCE) -> dict[str, Any]:
    """The valid ticket codes for an offline scanner: active tickets of confirmed registrations
    the list admits, salted and hashed (no names, no codes in clear), with a fresh salt."""
    checkin_list = get_list(event, list_name)
    query = (sa.select(Ticket.code, Registration.role)
             .join(Registration, Ticket.registration_id == Registration.id)
             .where(Registration.event_id == event.id,
                    Registration.status == RegistrationStatus.confirmed,
                    Ticket.status == TicketStatus.active))
    salt = secrets.token_hex(16)
    hashes = [code_hash(salt, code) for code, role in db.session.execute(query)
              if checkin_list.admits(role.value)]
    return {"list": checkin_list.name, "salt": salt, "hashes": sorted(hashes),
            "generated_at": utcnow().isoformat()}


def forget_holder_names(person_ids: list[int]) -> int:
    """Take these people's names out of the answers the scan log keeps (erasure and the
    retention purge: the log still counts their scans without saying whose they were). Returns
    how many answers changed."""
    changed = 0
    for start in range(0, len(person_ids), 1000):
        theirs = (sa.select(Ticket.id).join(Registration, Registration.id == Ticket.registration_id)
                  .where(Registration.person_id.in_(person_ids[start:start + 1000])))
        for scan in db.session.scalars(sa.select(Scan).where(Scan.ticket_id.in_(theirs))):
            holder = (scan.answer or {}).get("holder")
            if isinstance(holder, dict) and holder.get("display_name"):
                scan.answer = {**scan.answer, "holder": {**holder, "display_name": ""}}
                changed += 1
    return changed


def flagged_scans(event: Event) -> list[Scan]:
    """Scans staff should review (forced uploads of revoked or already-used tickets), newest first."""
    return list(db.session.scalars(
        sa.select(Scan).where(Scan.event_id == event.id, Scan.flagged.is_(True))
        .order_by(Scan.received_at.desc())))


# --------------------------------------------------------------------------- walk-ins


def register_walk_in(
    event: Event,
    *,
    name: str,
    role: Role,
    email: str | None = None,
    phone: str | None = None,
    programme_round: ProgrammeRound | None = None,
    consent_version: str | None = None,
    actor: StaffUser | None = None,
    actor_label: str = "",
) -> Registration:
    """Register someone who turns up at the door: person, confirmed registration, active ticket.

    Door staff decide who gets in, so the event's registration window and capacity do not apply
    (unlike :func:`jobbforum.services.registrations.sign_up`); the registration itself goes
    through :func:`registrations.register_person` like every staff-made registration. A known
    email is matched to the existing person; if that person is already registered for the event
    this raises :class:`Conflict` (search for them instead). The caller checks the ticket in with
    :func:`redeem`.
    """
    from jobbforum.services import registrations

    name = " ".join(name.split())
    if not name or len(name) > 200:
        raise InvalidInput(N_("Give the person's name."), field="name")
    email = (email or "").strip().lower() or None
    person = registrations.find_person_by_email(email) if email else None
    if person is not None:
        if db.session.scalar(sa.select(Registration.id).where(
                Registration.event_id == event.id, Registration.person_id == person.id)):
            raise Conflict(N_("This person is already registered: search for them instead."),
                           field="email")
    else:
        person = Person(participant_code=registrations.unique_participant_code(), name=name,
                        email=email, phone=(phone or "").strip() or None,
                        round_id=programme_round.id if programme_round else None)
        db.session.add(person)
        db.session.flush()
    registration = registrations.register_person(event, person, role, actor=actor,
                                                 actor_label=actor_label)
    if consent_version:
        registration.consent_at = utcnow()
        registration.consent_version = consent_version
    audit.record("registration.walk_in", actor=actor, actor_label=actor_label, obj=registration,
                 event_id=event.id,
                 details={"participant_code": person.participant_code, "role": role.value})
    return registration
