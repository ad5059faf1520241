"""Booth scanning in Debian Chromium: booth staff scan a real printed badge with the phone's fake
camera and see exactly what the visitor shares, add a note and tags; the visitor changes their
choice and takes back their details on the ticket page. axe-core clean."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from jobbforum.models import BoothSharing, BoothVisit
from jobbforum.services import registrations
from tests.booths_builders import *  # noqa: F403
from tests.checkin_builders import badge_video_file
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, run_axe

pytestmark = pytest.mark.browser


def visits(db: Any) -> list[BoothVisit]:
    db.session.rollback()  # a fresh snapshot: the live server commits in another thread
    return list(db.session.scalars(sa.select(BoothVisit)))


def test_booth_scan_with_the_fake_camera(browser, live_server, db, make_fair, tmp_path: Path, artifacts):
    fair = make_fair()
    ticket = fair.visitor(BoothSharing.contact, name="Selam Yohannes", email="selam@example.se")
    video = badge_video_file(tmp_path, ticket, "Selam Yohannes")
    camera = browser.browser_type.launch(
        executable_path=CHROMIUM, headless=True,
        args=CHROMIUM_ARGS + ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                              f"--use-file-for-fake-video-capture={video}"])
    try:
        context = camera.new_context(base_url=live_server, viewport={"width": 390, "height": 844},
                                     device_scale_factor=2, is_mobile=True, has_touch=True,
                                     locale="en-GB")
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(f"/booth/{fair.exhibitors[0].booth_token}?lang=en")
        page.wait_for_selector("#booth[data-ready=true]")
        assert run_axe(page) == []
        page.screenshot(path=str(artifacts / "booth-scanner.png"), full_page=True)
        page.select_option("#staff-select", label="Elin Berg")
        page.click("#camera-toggle")
        page.wait_for_selector("#result.result-ok")
        assert "Selam Yohannes" in page.inner_text("#result-name")
        assert "selam@example.se" in page.inner_text("#result-detail")
        assert "+4670" not in page.inner_text("#result")  # the phone is not shared
        page.screenshot(path=str(artifacts / "booth-scan-ok.png"))
        [visit] = visits(db)
        assert visit.scanned_by.person.name == "Elin Berg"
        # Add a note and tags from the result.
        page.click("#result-note")
        page.wait_for_selector(f"#visit-{visit.id} details[open]")
        page.click("#camera-toggle") if page.is_visible("video") else None
        page.fill(f"#v{visit.id}-note", "Nurse; wants to validate her degree")
        page.check(f"#v{visit.id}-tag-follow_up")
        page.check(f"#v{visit.id}-tag-education")
        page.click(f"#visit-{visit.id} button[type=submit]")
        page.wait_for_selector(".visit-note")
        assert "validate her degree" in page.inner_text(f"#visit-{visit.id}")
        assert run_axe(page) == []
        page.screenshot(path=str(artifacts / "booth-visits.png"), full_page=True)
        [visit] = visits(db)
        assert visit.tags == ["follow_up", "education"]
        context.close()
    finally:
        camera.close()


def test_anonymous_visit_by_hand_scanner(phone_page, db, make_fair, artifacts):
    fair = make_fair()
    ticket = fair.visitor(name="Dawit Haile")
    page = phone_page
    page.goto(f"/booth/{fair.exhibitors[0].booth_token}?lang=en")
    page.wait_for_selector("#booth[data-ready=true]")
    page.fill("#code-input", ticket.code)
    page.press("#code-input", "Enter")
    page.wait_for_selector("#result.result-ok")
    assert "Anonymous visit" in page.inner_text("#result-detail")
    assert "Dawit" not in page.content()
    page.screenshot(path=str(artifacts / "booth-scan-anonymous.png"))
    page.click("#result-next")
    page.fill("#code-input", "not-a-badge")
    page.press("#code-input", "Enter")
    page.wait_for_selector("#result.result-bad")
    assert "Not a badge of this fair" in page.inner_text("#result-title")


def test_ticket_page_sharing_and_withdrawal(phone_page, db, make_fair, artifacts):
    from jobbforum.services import booths

    fair = make_fair()
    ticket = fair.visitor(BoothSharing.contact_phone, name="Amina Hussein")
    booths.record_visit(fair.exhibitors[0], ticket.code)
    booths.record_visit(fair.exhibitors[1], ticket.code)
    token = registrations.issue_link(ticket.registration)
    db.session.commit()
    page = phone_page
    page.goto(f"/t/{token}?lang=en")
    assert page.is_checked("input[name=booth_sharing][value=contact_phone]")
    assert run_axe(page) == []
    page.screenshot(path=str(artifacts / "booth-ticket-sharing.png"), full_page=True)
    page.check("input[name=booth_sharing][value=contact]")
    page.click("#booth-sharing form button[type=submit]")
    page.wait_for_selector(".flash-success")
    page.click(".booth-visits-mine li:first-child button")
    page.wait_for_selector("text=You took back your details")
    assert run_axe(page) == []
    page.screenshot(path=str(artifacts / "booth-ticket-withdrawn.png"), full_page=True)
    rows = {v.exhibitor_id: v for v in visits(db)}
    assert rows[fair.exhibitors[0].id].shared_name is None
    assert rows[fair.exhibitors[1].id].shared_phone is None
    assert rows[fair.exhibitors[1].id].shared_name == "Amina Hussein"


def test_sign_up_offers_the_choice(page, db, make_event, artifacts):
    event = make_event()
    page.goto(f"/events/{event.slug}/register?lang=en")
    assert page.is_checked("input[name=booth_sharing][value=visit_only]")
    assert run_axe(page) == []
    page.locator("fieldset", has=page.locator("input[name=booth_sharing]")).screenshot(
        path=str(artifacts / "booth-signup-choice.png"))


def test_coordinator_page(page, db, make_fair, make_staff, artifacts):
    from jobbforum.services import booths
    from tests.conftest import TEST_PASSWORD

    fair = make_fair()
    for level in BoothSharing:
        booths.record_visit(fair.exhibitors[0], fair.visitor(level).code)
    db.session.commit()
    user = make_staff("coordinator")
    page.goto("/login?lang=en")
    page.fill("#email", user.email)
    page.fill("#password", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto(f"/admin/events/{fair.event.slug}/booth-visits?lang=en")
    page.click("table form button")
    page.wait_for_selector("#issued-link")
    assert run_axe(page) == []
    page.screenshot(path=str(artifacts / "booth-staff.png"), full_page=True)


def test_exhibitor_opens_the_scanner_from_the_edit_page(page, db, make_event, make_exhibitor, artifacts):
    from jobbforum.models import ExhibitorStatus

    exhibitor = make_exhibitor(make_event(), status=ExhibitorStatus.approved, staff_names=("Ahmed Aziz",))
    page.goto(f"/exhibitor/edit/{exhibitor.token}?lang=en")
    assert run_axe(page) == []
    page.screenshot(path=str(artifacts / "booth-edit-page.png"), full_page=True)
    page.click("text=Open the booth scanner")
    page.wait_for_url("**/booth/**")
    # Before the fair: no scanning yet, the visits and exports are there.
    assert "Scanning opens on the day of the fair" in page.inner_text("#booth")
    assert run_axe(page) == []
    page.screenshot(path=str(artifacts / "booth-before-fair.png"), full_page=True)
