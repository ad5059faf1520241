"""End to end in Debian Chromium: staff log in and create an event; axe-core on the main pages."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from jobbforum.models import Event
from tests.conftest import TEST_PASSWORD, run_axe

pytestmark = pytest.mark.browser


def test_home_and_login_pass_axe(page, artifacts):
    for path in ("/", "/login", "/?lang=en"):
        page.goto(path)
        violations = run_axe(page)
        assert violations == [], [(v["id"], v["help"]) for v in violations]
    page.goto("/")
    page.screenshot(path=str(artifacts / "home.png"), full_page=True)


def test_staff_logs_in_and_creates_an_event(page, make_staff, db, artifacts):
    user = make_staff("coordinator")
    page.goto("/login")
    page.get_by_label("E-post").fill(user.email)
    page.get_by_label("Lösenord").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url("**/admin/")
    page.get_by_role("link", name="Nytt evenemang").first.click()
    page.get_by_label("Rubrik").fill("Jobbforum Uppsala våren 2027")
    page.get_by_label("Kortnamn (i webbadressen)").fill("jobbforum-uppsala-2027")
    page.get_by_label("Börjar").fill("2027-03-12T10:00")
    page.get_by_label("Slutar").fill("2027-03-12T15:00")
    page.get_by_label("Plats").fill("Ekonomikum")
    violations = run_axe(page)
    assert violations == [], [(v["id"], v["help"]) for v in violations]
    page.screenshot(path=str(artifacts / "event-form.png"), full_page=True)
    page.get_by_role("button", name="Spara").click()
    page.wait_for_url("**/admin/events")
    assert page.get_by_text("Jobbforum Uppsala våren 2027").first.is_visible()
    db.session.expire_all()
    assert db.session.scalar(sa.select(Event).where(Event.slug == "jobbforum-uppsala-2027"))


def test_keyboard_skip_link(page):
    page.goto("/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert "skip-link" in focused
