"""End to end on a phone: a participant signs up, sees the QR ticket at once, and it decodes.
axe-core on the sign-up form (empty and with errors), the ticket page and the staff pages."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from jobbforum.models import Registration
from tests.conftest import TEST_PASSWORD, run_axe
from tests.participants_builders import decode_png, sign_up

pytestmark = pytest.mark.browser


def assert_axe_clean(page) -> None:
    violations = run_axe(page)
    assert violations == [], [(v["id"], v["help"], [n["target"] for n in v["nodes"]]) for v in violations]


def test_participant_signs_up_on_a_phone_and_the_qr_decodes(phone_page, db, make_event, make_round,
                                                            artifacts, tmp_path):
    page = phone_page
    round_a = make_round(name="Omgång HT2026 Stockholm")
    event = make_event(title="Jobbforum Stockholm", rounds=[round_a])
    page.goto(f"/events/{event.slug}/register?lang=en")
    assert_axe_clean(page)
    page.get_by_role("button", name="Sign up and get my ticket").click()  # empty: every error
    assert page.locator(".error-summary").is_visible()
    assert_axe_clean(page)
    page.screenshot(path=str(artifacts / "signup-errors-phone.png"), full_page=True)

    page.get_by_label("Participant in the mentoring programme").check()
    page.get_by_label("Your name").fill("Hawa Mohamed")
    page.get_by_label("Mobile number").fill("070 123 45 67")
    page.get_by_label("Your programme round").select_option(label="Omgång HT2026 Stockholm")
    page.get_by_label("Woman").check()
    page.get_by_label("I agree").check()
    page.screenshot(path=str(artifacts / "signup-filled-phone.png"), full_page=True)
    page.get_by_role("button", name="Sign up and get my ticket").click()
    page.wait_for_url("**/t/**")
    assert page.get_by_role("heading", name="You are registered!").is_visible()
    qr = page.locator(".qr-code")
    assert qr.is_visible()
    box = qr.bounding_box()
    assert box["width"] >= 250  # CSS pixels: big enough to scan from a phone screen
    assert_axe_clean(page)
    page.screenshot(path=str(artifacts / "ticket-phone.png"), full_page=True)
    shot = qr.screenshot()
    (artifacts / "ticket-qr-phone.png").write_bytes(shot)
    registration = db.session.scalar(sa.select(Registration))
    assert decode_png(shot, tmp_path) == [registration.active_ticket.code]


def test_round_is_hidden_for_visitors(phone_page, make_event, make_round):
    event = make_event(rounds=[make_round()])
    phone_page.goto(f"/events/{event.slug}/register?lang=en")
    phone_page.get_by_label("Visitor").check()
    assert not phone_page.get_by_label("Your programme round").is_visible()
    phone_page.get_by_label("Mentor", exact=True).check()
    assert phone_page.get_by_label("Your programme round").is_visible()


def test_staff_pages_pass_axe(page, db, make_event, make_staff, artifacts):
    event = make_event()
    sign_up(event, name="Amina Hassan")
    user = make_staff("coordinator")
    page.goto("/login?lang=en")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/")
    page.goto(f"/admin/events/{event.slug}/participants?lang=en")
    assert page.get_by_text("Amina Hassan").first.is_visible()
    assert_axe_clean(page)
    page.screenshot(path=str(artifacts / "participants-list.png"), full_page=True)
    page.goto(f"/admin/events/{event.slug}/participants/import?lang=en")
    page.get_by_label("Roster file (CSV or Excel)").set_input_files(files=[{
        "name": "roster.csv", "mimeType": "text/csv",
        "buffer": b"name,email,phone\n,x@example.com,\nSara Lund,s@example.com,\n"}])
    page.get_by_role("button", name="Preview").click()
    assert page.get_by_text("The name is missing.").is_visible()
    assert_axe_clean(page)
    page.screenshot(path=str(artifacts / "roster-preview-errors.png"), full_page=True)
