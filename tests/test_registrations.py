"""The registration service: matching people, window, capacity, waiting list, consent, tickets."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from jobbforum.config import PRIVACY_TEXT_VERSION
from jobbforum.models import (
    AuditEvent,
    Gender,
    Person,
    RegistrationStatus,
    Role,
    Ticket,
    TicketStatus,
    utcnow,
)
from jobbforum.services import links, registrations, tickets
from jobbforum.services.errors import InvalidInput
from tests.participants_builders import sign_up, sign_up_data


def test_new_person_gets_code_ticket_link_and_consent(db, make_event):
    event = make_event()
    before = utcnow()
    result = sign_up(event, phone="070-123 45 67", email="", gender=Gender.undisclosed)
    person = result.registration.person
    assert len(person.participant_code) == 9 and not result.matched
    assert person.phone == "+46701234567" and person.email is None
    assert person.gender is Gender.undisclosed
    reg = result.registration
    assert reg.status is RegistrationStatus.confirmed
    assert reg.consent_version == PRIVACY_TEXT_VERSION and reg.consent_at >= before
    assert result.ticket is reg.active_ticket and result.ticket.status is TicketStatus.active
    assert registrations.registration_from_token(result.token) is reg


def test_matches_existing_person_by_email_without_overwriting(db, make_event, make_person):
    existing = make_person(name="Fatima Ali", email="fatima@example.com", phone=None)
    result = sign_up(make_event(), name="Someone Else", email="FATIMA@example.com",
                     phone="0701234567")
    assert result.matched and result.registration.person is existing
    assert existing.name == "Fatima Ali"  # never overwritten from the anonymous form
    assert existing.phone == "+46701234567"  # but a missing phone is filled in
    assert db.session.scalar(sa.select(sa.func.count(Person.id))) == 1


def test_matches_existing_person_by_code_with_their_contact(db, make_event, make_person):
    existing = make_person(participant_code="ABCD1234", email="hawa@example.com",
                           phone="+46701234567")
    by_phone = sign_up(make_event(), email="", phone="070 123 45 67", participant_code=" abcd-1234 ")
    assert by_phone.registration.person is existing
    by_email = sign_up(make_event(), email="HAWA@example.com", participant_code="ABCD1234")
    assert by_email.registration.person is existing


def test_code_with_someone_elses_contact_is_refused(db, make_event, make_person):
    """Otherwise anyone who guesses a (short, imported) code would see that person's name."""
    make_person(participant_code="ABCD1234", email="hawa@example.com", phone="+46701234567")
    with pytest.raises(registrations.UnknownParticipantCode):
        registrations.sign_up(make_event(), sign_up_data(email="intruder@example.com",
                                                         participant_code="ABCD1234"))


def test_unknown_code_is_refused(db, make_event):
    with pytest.raises(registrations.UnknownParticipantCode) as info:
        registrations.sign_up(make_event(), sign_up_data(participant_code="ZZZZ9999"))
    assert info.value.context["field"] == "participant_code"


def test_already_registered(db, make_event):
    event = make_event()
    first = sign_up(event)
    with pytest.raises(registrations.AlreadyRegistered) as info:
        registrations.sign_up(event, sign_up_data())
    assert info.value.context["registration"] is first.registration


@pytest.mark.parametrize("field,kw", [
    ("name", dict(name="  ")),
    ("phone", dict(email="", phone="")),
    ("email", dict(email="not-an-email")),
    ("phone", dict(phone="12")),
    ("consent", dict(consent=False)),
    ("role", dict(role=Role.exhibitor)),
    ("preferred_language", dict(preferred_language="xx")),
])
def test_invalid_input_names_the_field(db, make_event, field, kw):
    with pytest.raises(InvalidInput) as info:
        registrations.sign_up(make_event(), sign_up_data(**kw))
    assert info.value.context["field"] == field


def test_round_required_for_participants_of_round_events(db, make_event, make_round):
    round_a, other = make_round(), make_round()
    event = make_event(rounds=[round_a])
    with pytest.raises(InvalidInput) as info:
        registrations.sign_up(event, sign_up_data(role=Role.participant))
    assert info.value.context["field"] == "round_id"
    with pytest.raises(InvalidInput):
        registrations.sign_up(event, sign_up_data(role=Role.mentor, round_id=other.id))
    result = sign_up(event, role=Role.participant, round_id=round_a.id)
    assert result.registration.person.round is round_a
    assert sign_up(event, role=Role.visitor, email="v@example.com").registration.person.round is None


def test_registration_window(db, make_event):
    now = utcnow()
    event = make_event(registration_opens_at=now + timedelta(days=1),
                       registration_closes_at=now + timedelta(days=2))
    with pytest.raises(registrations.RegistrationClosed):
        registrations.sign_up(event, sign_up_data())
    sign_up_later = registrations.sign_up(event, sign_up_data(), now=now + timedelta(days=1, hours=1))
    assert sign_up_later.ticket is not None
    with pytest.raises(registrations.RegistrationClosed):
        registrations.sign_up(event, sign_up_data(email="late@example.com"),
                              now=now + timedelta(days=3))


def test_capacity_waiting_list_and_promotion(db, make_event):
    event = make_event(capacity=2)
    first = sign_up(event, email="a@example.com")
    sign_up(event, email="b@example.com")
    assert registrations.places_left(event) == 0
    with pytest.raises(registrations.EventFull):
        registrations.sign_up(event, sign_up_data(email="c@example.com"))
    db.session.rollback()
    waiting_c = sign_up(event, email="c@example.com", waitlist_ok=True)
    waiting_d = sign_up(event, email="d@example.com", waitlist_ok=True)
    assert waiting_c.ticket is None and waiting_c.registration.active_ticket is None
    assert waiting_c.registration.status is RegistrationStatus.waitlisted
    assert registrations.waiting_position(waiting_d.registration) == 2
    promoted = registrations.cancel(first.registration, actor=None, actor_label="test")
    db.session.commit()
    assert promoted == [waiting_c.registration]
    assert waiting_c.registration.status is RegistrationStatus.confirmed
    assert waiting_c.registration.active_ticket is not None
    assert first.registration.active_ticket is None
    assert registrations.waiting_position(waiting_d.registration) == 1
    assert db.session.scalar(sa.select(AuditEvent).where(
        AuditEvent.action == "registration.promoted")) is not None


def test_cancelled_person_can_sign_up_again(db, make_event):
    event = make_event()
    first = sign_up(event)
    registrations.cancel(first.registration, actor=None, actor_label="test")
    db.session.commit()
    again = sign_up(event)
    assert again.registration.id == first.registration.id
    assert again.registration.status is RegistrationStatus.confirmed and again.ticket is not None


def test_reissue_stops_old_code_and_old_link(db, make_event):
    result = sign_up(make_event())
    old_code, old_token = result.ticket.code, result.token
    new_token = registrations.reissue(result.registration, actor=None, actor_label="test")
    db.session.commit()
    assert tickets.find_by_code(old_code).status is TicketStatus.revoked
    new_ticket = result.registration.active_ticket
    assert new_ticket.code != old_code
    with pytest.raises(links.LinkRevoked):
        registrations.registration_from_token(old_token)
    assert registrations.registration_from_token(new_token) is result.registration
    assert db.session.scalar(sa.select(sa.func.count(Ticket.id)).where(
        Ticket.status == TicketStatus.active)) == 1


def test_revoke(db, make_event):
    result = sign_up(make_event())
    registrations.revoke(result.registration, actor=None, actor_label="test")
    db.session.commit()
    assert result.registration.active_ticket is None
    assert db.session.scalar(sa.select(AuditEvent.action).where(
        AuditEvent.action == "ticket.revoked")) == "ticket.revoked"


def test_list_filters(db, make_event, make_round):
    round_a = make_round()
    event = make_event(rounds=[round_a])
    sign_up(event, role=Role.participant, round_id=round_a.id, name="Amina", email="a@example.com")
    sign_up(event, role=Role.visitor, name="Bertil", email="b@example.com")
    assert [r.person.name for r in registrations.list_registrations(event)] == ["Amina", "Bertil"]
    assert [r.person.name for r in registrations.list_registrations(event, role=Role.visitor)] == ["Bertil"]
    assert [r.person.name for r in registrations.list_registrations(event, round_id=round_a.id)] == ["Amina"]
    assert [r.person.name for r in registrations.list_registrations(event, search="bert")] == ["Bertil"]
