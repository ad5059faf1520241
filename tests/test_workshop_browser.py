"""End to end in Chromium: a participant books from the emailed link, another joins the waiting
list, the first cancels, the waitlisted one is promoted and gets the mail; the roll call keeps
ticks while offline and syncs them later."""

from __future__ import annotations

import email
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
import sqlalchemy as sa

from jobbforum.extensions import db as _db
from jobbforum.models import BookingStatus, CheckIn, Theme
from jobbforum.services import workshops as ws
from tests.conftest import TEST_PASSWORD, run_axe
from tests.workshops_builders import make_room, make_session, members  # noqa: F401


def _mails_to(outbox: Path, address: str, skip: set[Path]) -> list[email.message.Message]:
    """Messages to ``address`` in the outbox, oldest first, leaving out the files in ``skip``."""
    found = []
    for path in sorted(set(outbox.glob("*.eml")) - skip, key=lambda p: p.stat().st_mtime_ns):
        message = email.message_from_bytes(path.read_bytes())
        if message["To"] == address:
            found.append(message)
    return found


def _log_in(page, user, landing: str) -> None:
    page.goto("/login?lang=en")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(landing)


def _body(message: email.message.Message) -> str:
    part = message.get_body(preferencelist=("plain",)) if hasattr(message, "get_body") else message
    return (part or message).get_payload(decode=True).decode()


@pytest.mark.browser
def test_book_from_email_cancel_and_promotion_mail(app, phone_page, make_session, make_round,
                                                  members, artifacts):
    page = phone_page  # participants book on their phones
    programme_round = make_round()
    session = make_session(rounds=[programme_round], theme=Theme.interview, capacity=1,
                           title="Workshop: job interviews")
    for days in (12, 19):
        make_session(rounds=[programme_round], theme=Theme.networking, days=days,
                     language_support="Interpretation to Arabic" if days == 19 else "")
    ws.set_collect_preferences(programme_round, Theme.networking, True, actor=None)
    first, second = members(programme_round, 2)
    outbox = Path(app.config["OUTBOX_DIR"])
    earlier = set(outbox.glob("*.eml"))  # the outbox is shared by the whole test session
    mails = ws.send_booking_links(programme_round, actor=None, actor_label="test")
    _db.session.commit()
    ws.deliver(mails)
    _db.session.commit()
    links = {}
    for person in (first, second):
        body = _body(_mails_to(outbox, person.email, earlier)[-1])
        links[person.id] = re.search(r"https?://\S+/b/\S+", body).group(0)
    path = {pid: "/b/" + url.split("/b/", 1)[1] for pid, url in links.items()}

    page.goto(path[first.id] + "?lang=en")
    violations = run_axe(page)
    assert violations == [], [(v["id"], v["help"]) for v in violations]
    page.screenshot(path=str(artifacts / "workshops-book.png"), full_page=True)
    page.get_by_role("button", name=re.compile("^Book")).click()
    expect(page.get_by_text("You are booked:")).to_be_visible()
    page.get_by_label("Choice 1").select_option(index=2)
    page.get_by_role("button", name="Save my choices").click()
    expect(page.get_by_text("Your choices are saved.")).to_be_visible()
    page.screenshot(path=str(artifacts / "workshops-booked.png"), full_page=True)
    violations = run_axe(page)
    assert violations == [], [(v["id"], v["help"]) for v in violations]

    page.goto(path[second.id])
    page.get_by_role("button", name=re.compile("^Join the waiting list")).click()
    expect(page.get_by_text("You are on the waiting list for:")).to_be_visible()

    page.goto(path[first.id])
    page.get_by_role("button", name="Cancel booking").click()
    # The freed seat went to the waiting list at once: the session is full again.
    expect(page.get_by_role("button", name=re.compile("^Join the waiting list"))).to_be_visible()

    _db.session.expire_all()
    assert ws.active_booking(second, Theme.interview).status is BookingStatus.booked
    promoted = _mails_to(outbox, second.email, earlier)
    assert len(promoted) == 2  # the booking link, then the promotion
    assert "Workshop: job interviews" in promoted[-1]["Subject"]
    page.goto(path[second.id])
    expect(page.get_by_text("You are booked:")).to_be_visible()


@pytest.mark.browser
def test_roll_call_works_offline(page, make_staff, make_session, make_round, members, artifacts):
    staff = make_staff("door")
    programme_round = make_round()
    session = make_session(rounds=[programme_round], theme=Theme.kickoff)
    people = members(programme_round, 3)
    for person in people:
        ws.book_session(person, session)
    _db.session.commit()
    _log_in(page, staff, "**/admin/door")
    page.goto(f"/admin/workshops/sessions/{session.id}/rollcall")
    violations = run_axe(page)
    assert violations == [], [(v["id"], v["help"]) for v in violations]

    page.context.set_offline(True)
    page.get_by_label(re.compile(re.escape(people[0].name))).check()
    page.get_by_label(re.compile(re.escape(people[1].name))).check()
    status = page.locator("#sync-status")
    expect(status).to_have_class(re.compile("pending"))
    expect(status).to_contain_text("2")
    page.screenshot(path=str(artifacts / "workshops-rollcall-offline.png"), full_page=True)
    _db.session.expire_all()
    assert _db.session.scalar(sa.select(sa.func.count()).select_from(CheckIn)) == 0

    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(status).not_to_have_class(re.compile("pending"))
    _db.session.expire_all()
    assert _db.session.scalar(sa.select(sa.func.count()).select_from(CheckIn)) == 2
    assert ws.session_attendance([people[0].id])[people[0].id]["kickoff"] is True


@pytest.mark.browser
def test_coordinator_pages_pass_axe(page, make_staff, make_session, make_round, members,
                                    artifacts):
    staff = make_staff("coordinator")
    programme_round = make_round()
    session = make_session(rounds=[programme_round], theme=Theme.kickoff, capacity=1)
    make_session(rounds=[programme_round], theme=Theme.networking, days=11)
    for person in members(programme_round, 2):
        ws.book_session(person, session)
    _db.session.commit()
    _log_in(page, staff, "**/admin/")
    for name, path in (("calendar", "/admin/workshops/"),
                       ("session", f"/admin/workshops/sessions/{session.id}"),
                       ("session-form", f"/admin/workshops/sessions/{session.id}/edit"),
                       ("assign", f"/admin/workshops/rounds/{programme_round.slug}/assign/networking")):
        page.goto(path)
        violations = run_axe(page)
        assert violations == [], (name, [(v["id"], [n["html"] for n in v["nodes"]]) for v in violations])
        page.screenshot(path=str(artifacts / f"workshops-{name}.png"), full_page=True)
