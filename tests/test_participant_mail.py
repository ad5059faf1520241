"""The confirmation email, received over real SMTP by a local aiosmtpd server."""

from __future__ import annotations

import email
import email.policy
import re
import socket
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from jobbforum.models import MailStatus, OutgoingMail, Registration
from tests.participants_builders import decode_qr_codes

WEEKDAYS_SV = ("måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag")
WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class Inbox:
    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture()
def smtp(app) -> Iterator[Inbox]:
    """A real SMTP server on a free loopback port; the app sends to it."""
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    app.config["MAIL_URL"] = f"smtp://127.0.0.1:{controller.port}"
    yield inbox
    controller.stop()
    app.config["MAIL_URL"] = None


def sign_up_over_http(client, event, **changes):
    data = dict(role="visitor", name="Amina Hassan", email="amina@example.com",
                preferred_language="en", consent="y")
    data.update(changes)
    response = client.post(f"/events/{event.slug}/register", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


def test_confirmation_received_over_smtp(client, db, make_event, smtp, tmp_path):
    event = make_event(title="Jobbforum Uppsala")
    sign_up_over_http(client, event)
    assert len(smtp.messages) == 1
    message = smtp.messages[0]
    assert message["To"] == "amina@example.com"
    assert message["Subject"] == "Your ticket: Jobbforum Uppsala"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Hello Amina Hassan," in text and "<a href=" in html
    assert any(day in text for day in WEEKDAYS_EN)
    link = re.search(r"http://localhost(/t/\S+)", text).group(1)
    assert client.get(link).status_code == 200
    attachments = list(message.iter_attachments())
    assert [a.get_filename() for a in attachments] == ["ticket.pdf"]
    registration = db.session.scalar(sa.select(Registration))
    assert decode_qr_codes(attachments[0].get_content(), tmp_path) == [registration.active_ticket.code]
    person = registration.person
    assert person.participant_code not in text and person.participant_code not in html
    assert db.session.scalar(sa.select(OutgoingMail.status)) is MailStatus.sent


def test_mail_in_the_persons_language(client, db, make_event, smtp):
    sign_up_over_http(client, make_event(), preferred_language="sv")
    text = smtp.messages[0].get_body(("plain",)).get_content()
    assert any(day in text for day in WEEKDAYS_SV)


def test_phone_only_sign_up_sends_no_mail(client, db, make_event, smtp):
    sign_up_over_http(client, make_event(), email="", phone="0701234567")
    assert smtp.messages == [] and db.session.scalar(sa.select(sa.func.count(OutgoingMail.id))) == 0


def test_failed_send_keeps_registration_and_is_retried(app, client, db, make_event):
    app.config["MAIL_URL"] = f"smtp://127.0.0.1:{free_port()}"  # nothing listens there
    try:
        sign_up_over_http(client, make_event())
    finally:
        app.config["MAIL_URL"] = None
    registration = db.session.scalar(sa.select(Registration))
    mail = db.session.scalar(sa.select(OutgoingMail))
    assert registration.active_ticket is not None
    assert mail.status is MailStatus.pending and mail.attempts == 1 and mail.last_error

    from aiosmtpd.controller import Controller

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    app.config["MAIL_URL"] = f"smtp://127.0.0.1:{controller.port}"
    try:
        result = app.test_cli_runner().invoke(args=["mail", "retry", "--all"])
    finally:
        controller.stop()
        app.config["MAIL_URL"] = None
    assert "Sent 1" in result.output, result.output
    assert [m.get_filename() for m in inbox.messages[0].iter_attachments()] == ["ticket.pdf"]


def test_reissue_mails_the_new_ticket(app, db, make_event, staff_client, smtp, tmp_path):
    from tests.participants_builders import sign_up

    event = make_event()
    result = sign_up(event)
    old_code = result.ticket.code
    staff = staff_client("coordinator")
    response = staff.post(f"/admin/events/{event.slug}/participants/{result.registration.id}/reissue")
    assert response.status_code == 302
    db.session.expire_all()
    new_code = db.session.get(Registration, result.registration.id).active_ticket.code
    pdf = next(smtp.messages[-1].iter_attachments()).get_content()
    assert decode_qr_codes(pdf, tmp_path) == [new_code] and new_code != old_code


def test_moving_up_from_the_waiting_list_mails_a_ticket(db, make_event, staff_client, smtp, tmp_path):
    from tests.participants_builders import sign_up

    event = make_event(capacity=1)
    first = sign_up(event, email="first@example.com")
    waiting = sign_up(event, email="second@example.com", waitlist_ok=True, preferred_language="en")
    staff = staff_client("coordinator")
    staff.post(f"/admin/events/{event.slug}/participants/{first.registration.id}/cancel")
    message = smtp.messages[-1]
    assert message["To"] == "second@example.com" and message["Subject"].startswith("Your ticket")
    db.session.expire_all()
    pdf = next(message.iter_attachments()).get_content()
    assert decode_qr_codes(pdf, tmp_path) == [waiting.registration.active_ticket.code]
