"""``jobbforum badges``: a PDF of an event's badges, filtered, every QR decoding to a ticket code."""

from __future__ import annotations

import sqlalchemy as sa

from jobbforum.models import Registration, Role
from tests.participants_builders import decode_qr_codes, sign_up


def test_badges_cli_writes_decodable_pdf(app, db, make_event, tmp_path):
    event = make_event()
    for i in range(9):  # more than one A4 page
        sign_up(event, email=f"p{i}@example.com", name=f"Person {i}",
                role=Role.mentor if i < 2 else Role.visitor)
    revoked = sign_up(event, email="gone@example.com")
    from jobbforum.services import registrations

    registrations.revoke(revoked.registration, actor=None, actor_label="test")
    db.session.commit()
    out = tmp_path / "badges.pdf"
    result = app.test_cli_runner().invoke(args=["badges", event.slug, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Wrote 9 badges" in result.output
    expected = sorted(r.active_ticket.code for r in db.session.scalars(sa.select(Registration))
                      if r.active_ticket is not None)
    assert sorted(decode_qr_codes(out.read_bytes(), tmp_path)) == expected

    mentors = tmp_path / "mentors.pdf"
    result = app.test_cli_runner().invoke(
        args=["badges", event.slug, "--out", str(mentors), "--layout", "a6", "--role", "mentor"])
    assert result.exit_code == 0 and "Wrote 2 badges" in result.output
    (tmp_path / "m").mkdir()
    assert len(decode_qr_codes(mentors.read_bytes(), tmp_path / "m")) == 2


def test_badges_cli_errors(app, db, make_event, tmp_path):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["badges", "no-such-event", "--out", str(tmp_path / "x.pdf")])
    assert result.exit_code != 0 and "No event" in result.output
    event = make_event()
    result = runner.invoke(args=["badges", event.slug, "--out", str(tmp_path / "x.pdf")])
    assert result.exit_code != 0 and "Nobody to print" in result.output
    result = runner.invoke(args=["badges", event.slug, "--out", str(tmp_path / "x.pdf"), "--layout", "a3"])
    assert result.exit_code == 2
