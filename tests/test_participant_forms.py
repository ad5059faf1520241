"""The sign-up form over HTTP: every validation message, kept input, waiting list, CSRF."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from jobbforum.models import Person, Registration, RegistrationStatus, utcnow
from tests.participants_builders import sign_up

GOOD = dict(role="visitor", name="Amina Hassan", phone="070 123 45 67", email="",
            preferred_language="sv", consent="y")


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def post(client, event, **changes):
    data = {**GOOD, **changes}
    data = {k: v for k, v in data.items() if v is not None}
    return client.post(f"/events/{event.slug}/register", data=data)


def test_get_shows_short_form(client, make_event, make_round):
    event = make_event(rounds=[make_round(name="Omgång HT2026")])
    page = text(client.get(f"/events/{event.slug}/register?lang=en"))
    for label in ("I come as", "Your name", "Mobile number", "Email", "Your programme round",
                  "Participant code (if you have one)", "Language for emails",
                  "Gender (you can skip this)", "What we store and why", "Omgång HT2026"):
        assert label in page
    assert page.index("Mobile number") < page.index('for="email"')  # phone first


@pytest.mark.parametrize("changes,field,message", [
    (dict(role=None), "role", "Choose how you take part."),
    (dict(role="boss"), "role", "Choose how you take part."),
    (dict(name=""), "name", "Write your name."),
    (dict(name="x" * 201), "name", "The name is too long (at most 200 characters)."),
    (dict(phone="", email=""), "phone", "Write your mobile number or your email address (at least one)."),
    (dict(phone="12345"), "phone", "Write a mobile number, like 070 123 45 67."),
    (dict(email="amina@"), "email", "Write an email address like name@example.com."),
    (dict(role="participant"), "round_id", "Choose your programme round."),
    (dict(participant_code="??"), "participant_code",
     "This is not a participant code. Check it, or leave the field empty."),
    (dict(participant_code="ZZZZ9999"), "participant_code",
     "We could not find this participant code with this mobile number or email."),
    (dict(preferred_language="xx"), "preferred_language", "Choose a language."),
    (dict(gender="robot"), "gender", "Choose one of the answers, or none."),
    (dict(consent=None), "consent", "You need to agree so that we can register you."),
])
def test_every_validation_message(client, make_event, make_round, changes, field, message):
    event = make_event(rounds=[make_round()])
    response = client.post(f"/events/{event.slug}/register?lang=en",
                           data={k: v for k, v in {**GOOD, **changes}.items() if v is not None})
    assert response.status_code == 400
    page = text(response)
    errors = re.search(rf'<ul class="errors" id="{field}-error">(.*?)</ul>', page, re.S)
    assert errors and message in errors.group(1), page
    assert "Please fix the following" in page
    if changes.get("name") != "" and "name" not in changes:
        assert 'value="Amina Hassan"' in page  # what was typed is kept


def test_success_redirects_to_ticket_page(client, db, make_event):
    event = make_event()
    response = post(client, event)
    assert response.status_code == 302 and "/t/" in response.location and "welcome=1" in response.location
    person = db.session.scalar(sa.select(Person))
    assert person.phone == "+46701234567" and person.email is None


def test_already_registered_sends_link_again(client, db, make_event, app):
    event = make_event()
    sign_up(event, email="amina@example.com")
    response = client.post(f"/events/{event.slug}/register?lang=en",
                           data={**GOOD, "email": "amina@example.com", "phone": ""})
    assert response.status_code == 200
    assert "You are already registered" in text(response)
    assert db.session.scalar(sa.select(sa.func.count(Registration.id))) == 1


def test_closed_event_shows_no_form(client, make_event):
    now = utcnow()
    event = make_event(registration_opens_at=now + timedelta(days=1),
                       registration_closes_at=now + timedelta(days=2))
    page = text(client.get(f"/events/{event.slug}/register?lang=en"))
    assert "Registration for this event is not open." in page and "<form method=\"post\"" not in page
    assert post(client, event).status_code == 200  # nothing registered
    assert not event.registrations


def test_full_event_offers_waiting_list(client, db, make_event):
    event = make_event(capacity=1)
    sign_up(event, email="first@example.com")
    page = text(client.get(f"/events/{event.slug}/register?lang=en"))
    assert "join the waiting list" in page and 'name="waitlist_ok"' in page
    refused = client.post(f"/events/{event.slug}/register?lang=en", data=GOOD)
    assert refused.status_code == 400
    assert "The event is full. Tick the box below to join the waiting list." in text(refused)
    accepted = post(client, event, waitlist_ok="y")
    assert accepted.status_code == 302
    statuses = db.session.scalars(sa.select(Registration.status)).all()
    assert sorted(s.value for s in statuses) == ["confirmed", "waitlisted"]
    assert RegistrationStatus.waitlisted in statuses


def test_csrf_is_required(client, make_event, csrf_enabled):
    assert post(client, make_event()).status_code == 400


def test_draft_event_is_hidden(client, make_event):
    from jobbforum.models import EventStatus

    event = make_event(status=EventStatus.draft)
    assert client.get(f"/events/{event.slug}/register").status_code == 404


def test_sign_up_is_rate_limited(client, make_event, rate_limits):
    event = make_event()
    statuses = [post(client, event, name="").status_code for _ in range(21)]
    assert statuses[:20] == [400] * 20 and statuses[20] == 429


def test_event_page_links_to_sign_up(client, make_event):
    event = make_event()
    assert f"/events/{event.slug}/register" in client.get(f"/events/{event.slug}").get_data(as_text=True)
