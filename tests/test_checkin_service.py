"""The check-in service: every status, nonces, force, undo, lists, stats, search, walk-ins."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa

from jobbforum.models import CheckIn, Role, Scan, TicketStatus, utcnow
from jobbforum.services import checkin, tickets
from jobbforum.services.errors import Conflict, InvalidInput, NotFound
from tests.checkin_builders import *  # noqa: F403


def count(db, model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_ok_then_already(db, make_ticket):
    ticket = make_ticket(name="Amina Hussein")
    event = ticket.registration.event
    first = checkin.redeem(event, ticket.code, gate="North door")
    db.session.commit()
    assert first.status == "ok"
    assert first.holder == {"display_name": "Amina Hussein", "role": "participant"}
    second = checkin.redeem(event, f" {ticket.code}\n", gate="South door")
    db.session.commit()
    assert second.status == "already_checked_in"
    assert second.first_checked_in_at == first.checked_in_at and second.gate == "North door"
    assert second.as_json()["holder"]["display_name"] == "Amina Hussein"
    assert count(db, CheckIn) == 1


def test_unknown_wrong_event_revoked_not_allowed(db, make_event, make_ticket):
    event = make_event()
    assert checkin.redeem(event, "nonsense").status == "unknown_code"
    assert checkin.redeem(event, "").status == "unknown_code"
    assert checkin.redeem(event, "x" * 1000).status == "unknown_code"
    other = make_ticket()
    assert checkin.redeem(event, other.code).status == "wrong_event"
    revoked = make_ticket(event=event)
    tickets.revoke_ticket(revoked)
    answer = checkin.redeem(event, revoked.code)
    assert answer.status == "revoked" and "holder" not in answer.as_json()
    checkin.create_list(event, "Mentor lounge", "mentor")
    participant = make_ticket(event=event)
    assert checkin.redeem(event, participant.code, list_name="Mentor lounge").status == "not_allowed"
    mentor = make_ticket(event=event, role="mentor")
    assert checkin.redeem(event, mentor.code, list_name="Mentor lounge").status == "ok"
    db.session.commit()
    assert count(db, CheckIn) == 1
    with pytest.raises(NotFound):
        checkin.redeem(event, mentor.code, list_name="No such list")


def test_lists_are_separate(db, make_ticket):
    ticket = make_ticket()
    event = ticket.registration.event
    checkin.create_list(event, "Workshop room 1")
    assert checkin.redeem(event, ticket.code).status == "ok"
    assert checkin.redeem(event, ticket.code, list_name="Workshop room 1").status == "ok"
    db.session.commit()
    assert count(db, CheckIn) == 2
    assert checkin.stats(event)["by_list"] == {"entrance": 1, "Workshop room 1": 1}


def test_nonce_gets_the_same_answer(db, make_ticket):
    ticket = make_ticket()
    event = ticket.registration.event
    nonce = str(uuid.uuid4())
    first = checkin.redeem(event, ticket.code, nonce=nonce)
    db.session.commit()
    again = checkin.redeem(event, ticket.code, nonce=nonce)
    db.session.commit()
    assert first.status == again.status == "ok"
    assert first.as_json() == again.as_json()
    # A new nonce is a new scan: already checked in.
    assert checkin.redeem(event, ticket.code, nonce=str(uuid.uuid4())).status == "already_checked_in"
    db.session.commit()
    # One record per scan: the check-in (it keeps its nonce), and the second scan in the log.
    assert count(db, CheckIn) == 1 and count(db, Scan) == 1
    assert db.session.scalar(sa.select(CheckIn.nonce)) == nonce
    # Unknown answers are remembered too.
    unknown = str(uuid.uuid4())
    assert checkin.redeem(event, "nope", nonce=unknown).status == "unknown_code"
    assert checkin.redeem(event, ticket.code, nonce=unknown).status == "unknown_code"


def test_nonce_of_another_event_is_refused(db, make_ticket):
    ticket = make_ticket()
    nonce = str(uuid.uuid4())
    checkin.redeem(ticket.registration.event, ticket.code, nonce=nonce)
    other = make_ticket()
    with pytest.raises(InvalidInput):
        checkin.redeem(other.registration.event, other.code, nonce=nonce)
    with pytest.raises(InvalidInput):
        checkin.redeem(other.registration.event, other.code, nonce="n" * 65)


def test_force_records_revoked_and_flags_reuse(db, make_ticket):
    ticket = make_ticket()
    event = ticket.registration.event
    tickets.revoke_ticket(ticket)
    forced = checkin.redeem(event, ticket.code, nonce="a", force=True)
    db.session.commit()
    assert forced.status == "ok" and forced.flagged
    record = db.session.scalar(sa.select(CheckIn))
    assert record.forced and record.flagged
    reused = checkin.redeem(event, ticket.code, nonce="b", force=True)
    db.session.commit()
    assert reused.status == "already_checked_in"
    assert count(db, CheckIn) == 1
    assert [s.nonce for s in checkin.flagged_scans(event)] == ["b", "a"]
    # Not forced, a revoked ticket is refused and nothing is flagged.
    fresh = make_ticket(event=event)
    tickets.revoke_ticket(fresh)
    assert checkin.redeem(event, fresh.code, nonce="c").status == "revoked"


def test_registration_id_path_and_cancelled(db, make_ticket):
    from jobbforum.models import RegistrationStatus

    ticket = make_ticket()
    event = ticket.registration.event
    assert checkin.redeem(event, registration_id=ticket.registration_id).status == "ok"
    assert checkin.redeem(event, registration_id=999999).status == "unknown_code"
    cancelled = make_ticket(event=event, status=RegistrationStatus.cancelled)
    assert checkin.redeem(event, cancelled.code).status == "revoked"


def test_undo_within_two_minutes(db, make_ticket, make_staff):
    staff = make_staff("door")
    ticket = make_ticket()
    event = ticket.registration.event
    result = checkin.redeem(event, ticket.code, nonce="n1", staff=staff)
    db.session.commit()
    with pytest.raises(Conflict):
        checkin.undo(event, result.checkin_id, actor=staff, now=utcnow() + timedelta(minutes=3))
    checkin.undo(event, result.checkin_id, actor=staff)
    db.session.commit()
    assert count(db, CheckIn) == 0
    # The same nonce replayed answers as before and records nothing; a new scan checks in again.
    assert checkin.redeem(event, ticket.code, nonce="n1").as_json() == result.as_json()
    assert count(db, CheckIn) == 0
    logged = db.session.scalar(sa.select(Scan).where(Scan.nonce == "n1"))
    assert (logged.status, logged.staff_user_id, logged.answer) == ("ok", staff.id,
                                                                     result.as_json())
    assert checkin.redeem(event, ticket.code, nonce="n2").status == "ok"
    with pytest.raises(NotFound):
        checkin.undo(event, 123456, actor=staff)


def test_lists_validation_and_roles(db, make_event):
    event = make_event()
    with pytest.raises(InvalidInput):
        checkin.create_list(event, "   ")
    with pytest.raises(InvalidInput):
        checkin.create_list(event, "Room", "wizard")
    room = checkin.create_list(event, "Room", ["mentor", "participant"])
    assert room.allowed_roles == "mentor,participant"
    with pytest.raises(Conflict):
        checkin.create_list(event, "Room")
    checkin.set_allowed_roles(room, "")
    assert room.admits("exhibitor")
    assert [c.name for c in checkin.find_lists(event)] == ["entrance", "Room"]


def test_stats_and_search(db, make_ticket, make_event):
    event = make_event()
    a = make_ticket(event=event, name="Olena Kovalenko")
    make_ticket(event=event, name="Dawit Haile", role="mentor")
    make_ticket(name="Olena Elsewhere")  # another event
    checkin.redeem(event, a.code)
    db.session.commit()
    assert checkin.stats(event) == {"registered": 2, "checked_in": 1, "by_list": {"entrance": 1},
                                    "by_role": {"participant": 1}}
    found = checkin.search(event, "olena")
    assert [(f["display_name"], f["checked_in"]) for f in found] == [("Olena Kovalenko", True)]
    code = a.registration.person.participant_code
    assert checkin.search(event, code[:4].lower())[0]["participant_code"] == code
    assert checkin.search(event, "%_") == []
    with pytest.raises(InvalidInput):
        checkin.search(event, " a ")


def test_offline_codes_are_hashed(db, make_ticket, make_event):
    event = make_event()
    valid = make_ticket(event=event)
    revoked = make_ticket(event=event)
    tickets.revoke_ticket(revoked)
    mentor = make_ticket(event=event, role="mentor")
    checkin.create_list(event, "Participants only", "participant")
    data = checkin.offline_codes(event, "Participants only")
    assert valid.code not in str(data)
    assert data["hashes"] == [checkin.code_hash(data["salt"], valid.code)]
    assert checkin.code_hash(data["salt"], mentor.code) not in data["hashes"]
    assert len(checkin.offline_codes(event)["hashes"]) == 2


def test_walk_in(db, make_event, make_round):
    event = make_event()
    programme_round = make_round()
    registration = checkin.register_walk_in(
        event, name="  Hawa   Warsame ", role=Role.participant, email="Hawa@Example.com",
        programme_round=programme_round, consent_version="2026-11", actor_label="test")
    db.session.commit()
    person = registration.person
    assert person.name == "Hawa Warsame" and person.email == "hawa@example.com"
    assert person.round_id == programme_round.id and len(person.participant_code) == 9
    ticket = registration.active_ticket
    assert ticket.status is TicketStatus.active
    assert checkin.redeem(event, ticket.code).status == "ok"
    with pytest.raises(Conflict):
        checkin.register_walk_in(event, name="Hawa W", role=Role.participant,
                                 email="hawa@example.com")
    with pytest.raises(InvalidInput):
        checkin.register_walk_in(event, name=" ", role=Role.visitor)


def test_erasure_takes_the_name_out_of_the_scan_log(db, make_ticket):
    """The scan log keeps each answer, and an answer names the holder: erasing the person (and
    keeping their attendance) empties that name; a retry of the check-in's nonce no longer
    names them either."""
    from jobbforum.services import privacy

    ticket = make_ticket(name="Erased Person")
    other = make_ticket(event=ticket.registration.event, name="Kept Person")
    event = ticket.registration.event
    checkin.redeem(event, ticket.code, nonce="first")
    checkin.redeem(event, ticket.code, nonce="again")  # already checked in: logged with a name
    checkin.redeem(event, other.code, nonce="other")
    checkin.redeem(event, other.code, nonce="other-again")
    db.session.commit()
    counts = privacy.erase_person(ticket.registration.person, actor_label="test")
    db.session.commit()
    assert counts["scan_log_names"] == 1
    answers = {s.nonce: s.answer["holder"]["display_name"]
               for s in db.session.scalars(sa.select(Scan))}
    assert answers == {"again": "", "other-again": "Kept Person"}
    assert checkin.redeem(event, ticket.code, nonce="first").holder["display_name"] == ""


def test_retention_purge_takes_the_names_out_of_the_scan_log(db, make_ticket):
    from datetime import date

    from jobbforum.services import privacy

    ticket = make_ticket(name="Purged Person")
    event = ticket.registration.event
    checkin.redeem(event, ticket.code, nonce="first")
    checkin.redeem(event, ticket.code, nonce="again")  # already checked in: logged with a name
    db.session.commit()
    assert privacy.purge(date(2999, 1, 1), actor_label="test").people == 1
    db.session.commit()
    logged = db.session.scalar(sa.select(Scan).where(Scan.nonce == "again"))
    assert logged.answer["holder"]["display_name"] == ""
