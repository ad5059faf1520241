"""End to end on a phone: an exhibitor registers with a logo, staff approve it, and it appears
in the filtered public list. Screenshots go to test-artifacts/; every page is axe-core clean."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from jobbforum.extensions import db as _db
from jobbforum.models import ExhibitorRegistration, ExhibitorStatus
from tests.conftest import TEST_PASSWORD, run_axe
from tests.exhibitor_builders import make_exhibitor, make_sector, own_outbox, png_bytes  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("own_outbox")]


def _axe_clean(page, name):
    violations = run_axe(page)
    assert violations == [], f"{name}: {[(v['id'], v['help'], len(v['nodes'])) for v in violations]}"


def test_exhibitor_registers_on_phone_staff_approve_public_list(
        phone_page, page, make_event, make_staff, make_sector, make_exhibitor, artifacts, tmp_path):
    event = make_event(title="Jobbforum Uppsala")
    make_sector("halso-sjukvard", name_sv="Hälso- och sjukvård", name_en="Health care")
    make_exhibitor(event, name="Annan Arbetsgivare AB", status=ExhibitorStatus.approved,
                   offers=["jobs"], languages=["sv"])
    logo = tmp_path / "logga.png"
    logo.write_bytes(png_bytes((300, 200), "#146c2e"))

    # The exhibitor, on a phone.
    phone = phone_page
    phone.goto(f"/events/{event.slug}/exhibitors/register")
    _axe_clean(phone, "registration form")
    phone.fill("#name", "Mälardalens Vårdbolag AB")
    phone.fill("#org_number", "556036-0793")
    phone.select_option("#type", "employer")
    phone.fill("#website", "https://www.vardbolaget.example.se")
    phone.fill("#description_sv", "Privat vårdgivare som erbjuder praktik och betald utbildning.")
    phone.check("input[name=sectors]")
    phone.check("input[name=offers][value=internships]")
    phone.check("input[name=languages][value=ar]")
    phone.check("input[name=languages][value=sv]")
    phone.fill("#booth_staff_count", "2")
    phone.fill("#booth_staff_names", "Leila Karimi\nOskar Holm")
    phone.check("input[name=needs][value=table]")
    phone.set_input_files("#logo", str(logo))
    phone.fill("#contact_name", "Karin Lind")
    phone.fill("#contact_email", "karin@vardbolaget.example.se")
    phone.fill("#contact_phone", "08-123 45 67")
    phone.screenshot(path=str(artifacts / "exhibitor-register-phone.png"), full_page=True)
    # Forgetting consent re-shows the form with the message and what was typed.
    phone.click("button[type=submit]")
    assert phone.locator(".error-summary").is_visible()
    assert phone.input_value("#name") == "Mälardalens Vårdbolag AB"
    _axe_clean(phone, "registration form with errors")
    phone.set_input_files("#logo", str(logo))
    phone.check("#consent")
    phone.click("button[type=submit]")
    phone.wait_for_url(re.compile(r"/register/done$"))
    _axe_clean(phone, "confirmation")
    phone.screenshot(path=str(artifacts / "exhibitor-registered-phone.png"), full_page=True)
    _db.session.expire_all()
    exhibitor = _db.session.scalar(sa.select(ExhibitorRegistration).where(
        ExhibitorRegistration.contact_email == "karin@vardbolaget.example.se"))
    assert exhibitor.status is ExhibitorStatus.pending and exhibitor.logo_filename

    # Staff approve it on a desktop.
    staff = make_staff("coordinator")
    page.goto("/login")
    page.fill("#email", staff.email)
    page.fill("#password", TEST_PASSWORD)
    page.click("main button[type=submit]")
    page.goto(f"/admin/events/{event.slug}/exhibitors?status=pending")
    _axe_clean(page, "staff list")
    page.screenshot(path=str(artifacts / "exhibitor-staff-list.png"), full_page=True)
    page.click("text=Mälardalens Vårdbolag AB")
    _axe_clean(page, "staff detail")
    page.select_option("#status", "approved")
    page.click("form[action$='/status'] button[type=submit]")
    page.fill("#booth_label", "B4")
    page.click("form[action$='/booth'] button[type=submit]")
    page.screenshot(path=str(artifacts / "exhibitor-staff-detail.png"), full_page=True)
    _db.session.expire_all()
    assert exhibitor.status is ExhibitorStatus.approved and exhibitor.booth_label == "B4"

    # Participants find it on their phones with filters (plain GET, no JavaScript needed).
    phone.goto(f"/events/{event.slug}/exhibitors")
    assert phone.locator(".exhibitor-card").count() == 2
    phone.click(".more-filters summary")
    phone.select_option("#offer", "internships")
    phone.select_option("#language", "ar")
    phone.click("form.filters button[type=submit]")
    assert "offer=internships" in phone.url and "language=ar" in phone.url
    cards = phone.locator(".exhibitor-card")
    assert cards.count() == 1
    assert "Mälardalens Vårdbolag AB" in cards.first.inner_text() and "B4" in cards.first.inner_text()
    assert phone.locator(".exhibitor-card img.logo").evaluate("img => img.naturalWidth") > 0
    _axe_clean(phone, "public list")
    phone.screenshot(path=str(artifacts / "exhibitor-public-list-phone.png"), full_page=True)
    phone.click(".exhibitor-card h3 a")
    _axe_clean(phone, "public detail")
    assert "karin" not in phone.content().lower()
    phone.screenshot(path=str(artifacts / "exhibitor-detail-phone.png"), full_page=True)
