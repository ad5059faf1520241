"""The personal ticket page behind the private link, its .ics and PDF, and the ticket PDF's QR code."""

from __future__ import annotations

import html
from datetime import timedelta

from icalendar import Calendar

from jobbforum.services import registrations
from tests.participants_builders import decode_qr_codes, sign_up


def test_ticket_page_shows_large_qr_and_details(client, db, make_event):
    event = make_event(title="Jobbforum Uppsala", venue="Ekonomikum", address="Kyrkogårdsgatan 10")
    result = sign_up(event, name="Olena Kovalenko")
    response = client.get(f"/t/{result.token}?lang=en")
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 200
    assert "<svg" in page and result.ticket.code in page
    assert "Olena Kovalenko" in page and "Jobbforum Uppsala" in page and "Kyrkogårdsgatan 10" in page
    assert f"/t/{result.token}/event.ics" in page and f"/t/{result.token}/ticket.pdf" in page
    assert result.registration.person.participant_code not in page  # pseudonym stays internal
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_welcome_after_sign_up(client, db, make_event):
    event = make_event()
    response = client.post(f"/events/{event.slug}/register?lang=en", data=dict(
        role="visitor", name="Amina", phone="0701234567", preferred_language="en", consent="y"),
        follow_redirects=True)
    page = html.unescape(response.get_data(as_text=True))
    assert "You are registered!" in page and "<svg" in page
    assert "take a screenshot" in page  # no email given


def test_bad_expired_and_revoked_links(client, db, make_event):
    event = make_event()
    result = sign_up(event)
    assert client.get("/t/not-a-token").status_code == 404
    assert client.get(f"/t/{result.token[:-3]}abc").status_code == 404
    registrations.reissue(result.registration, actor=None, actor_label="test")
    db.session.commit()
    response = client.get(f"/t/{result.token}?lang=en")
    assert response.status_code == 410 and "no longer works" in response.get_data(as_text=True)
    assert client.get(f"/t/{result.token}/ticket.pdf").status_code == 410
    assert client.get(f"/t/{result.token}/event.ics").status_code == 410


def test_expired_link(client, db, make_event):
    from jobbforum.models import PrivateLink, utcnow

    result = sign_up(make_event())
    link = db.session.query(PrivateLink).one()
    link.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    response = client.get(f"/t/{result.token}?lang=en")
    assert response.status_code == 410 and "expired" in response.get_data(as_text=True)


def test_waitlisted_page_has_no_qr(client, db, make_event):
    event = make_event(capacity=1)
    sign_up(event, email="first@example.com")
    waiting = sign_up(event, email="second@example.com", waitlist_ok=True)
    page = client.get(f"/t/{waiting.token}?lang=en").get_data(as_text=True)
    assert "<svg" not in page and "waiting list (number 1)" in page
    assert client.get(f"/t/{waiting.token}/ticket.pdf").status_code == 404


def test_ics_holds_the_event_and_no_personal_data(client, db, make_event):
    event = make_event(title="Jobbforum Stockholm", venue="Stora salen")
    result = sign_up(event, name="Amina Hassan")
    response = client.get(f"/t/{result.token}/event.ics")
    assert response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    vevent = calendar.walk("VEVENT")[0]
    assert str(vevent["SUMMARY"]) == "Jobbforum Stockholm"
    assert vevent.decoded("DTSTART") == event.starts_at and vevent.decoded("DTEND") == event.ends_at
    assert b"Amina" not in response.data and result.ticket.code.encode() not in response.data


def test_ticket_pdf_decodes_to_the_ticket_code(client, db, make_event, tmp_path, artifacts):
    result = sign_up(make_event(), name="Fatima Ali")
    response = client.get(f"/t/{result.token}/ticket.pdf")
    assert response.mimetype == "application/pdf"
    (artifacts / "participant-ticket.pdf").write_bytes(response.data)
    assert decode_qr_codes(response.data, tmp_path) == [result.ticket.code]
