"""The public side in seven languages, in a real browser on a phone: Arabic sign-up is
right-to-left (``dir=rtl``, mirrored layout) and axe-core clean; the language menu works without
JavaScript; screenshots of every language go to test-artifacts/ for a human to look at."""

from __future__ import annotations

import pytest

from jobbforum import languages
from jobbforum.models import ExhibitorStatus
from tests.conftest import run_axe
from tests.exhibitor_builders import make_exhibitor, make_sector, own_outbox  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("own_outbox")]


def _axe_clean(page, name: str) -> None:
    violations = run_axe(page)
    assert violations == [], f"{name}: {[(v['id'], v['help'], len(v['nodes'])) for v in violations]}"


def _x_span(page, selector: str) -> tuple[float, float]:
    box = page.locator(selector).first.bounding_box()
    return box["x"], box["x"] + box["width"]


def test_arabic_sign_up_is_right_to_left_mirrored_and_axe_clean(phone_page, make_event,
                                                                  make_round, artifacts):
    page = phone_page
    round_a = make_round(name="Omgång HT2026 Stockholm")
    event = make_event(title="Jobbforum Stockholm", rounds=[round_a])
    width = page.viewport_size["width"]

    page.goto(f"/events/{event.slug}/register?lang=sv")
    assert page.locator("html").get_attribute("dir") == "ltr"
    brand_ltr = _x_span(page, ".brand")
    label_ltr = _x_span(page, "label[for=name]")

    page.goto(f"/events/{event.slug}/register?lang=ar")
    html = page.locator("html")
    assert html.get_attribute("dir") == "rtl" and html.get_attribute("lang") == "ar"
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    # Mirrored: what starts at the left edge in Swedish ends at the right edge in Arabic.
    brand_rtl, label_rtl = _x_span(page, ".brand"), _x_span(page, "label[for=name]")
    assert brand_ltr[0] < width / 2 < brand_rtl[1]
    assert abs(brand_ltr[0] - (width - brand_rtl[1])) <= 2
    assert abs(label_ltr[0] - (width - label_rtl[1])) <= 2
    assert page.get_by_role("heading", level=1).is_visible()
    assert "سجّلني وأعطني تذكرتي" in page.content()
    _axe_clean(page, "Arabic sign-up")
    page.screenshot(path=str(artifacts / "lang-ar-signup-phone.png"), full_page=True)

    page.get_by_role("button", name="سجّلني وأعطني تذكرتي").click()  # empty: every error
    summary = page.locator(".error-summary")
    assert summary.is_visible() and "اكتب اسمك." in summary.inner_text()
    _axe_clean(page, "Arabic sign-up with errors")
    page.screenshot(path=str(artifacts / "lang-ar-signup-errors-phone.png"), full_page=True)

    page.check("input[name=role][value=participant]")
    page.fill("input[name=name]", "فاطمة أحمد")
    page.fill("input[name=phone]", "070 123 45 67")
    page.select_option("select[name=round_id]", label="Omgång HT2026 Stockholm")
    page.check("input[name=preferred_language][value=ar]")
    page.check("input[name=consent]")
    page.get_by_role("button", name="سجّلني وأعطني تذكرتي").click()
    page.wait_for_url("**/t/**")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.get_by_role("heading", name="تم تسجيلك!").is_visible()
    _axe_clean(page, "Arabic ticket page")
    page.screenshot(path=str(artifacts / "lang-ar-ticket-phone.png"), full_page=True)


def test_language_menu_works_without_javascript_and_is_remembered(browser, live_server, db,
                                                                   make_event, artifacts):
    make_event(title="Jobbforum Göteborg")
    context = browser.new_context(base_url=live_server, viewport={"width": 390, "height": 844},
                                  is_mobile=True, has_touch=True, locale="sv-SE",
                                  java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto("/")
        assert page.locator("html").get_attribute("lang") == "sv"
        menu = page.locator("details.lang-switch")
        menu.locator("summary").click()
        links = menu.get_by_role("link")
        assert links.all_inner_texts() == [lang.native_name for lang in languages.LANGUAGES]
        page.screenshot(path=str(artifacts / "lang-menu-open-phone.png"))
        menu.get_by_role("link", name="українська").click()
        page.wait_for_url("**lang=uk")
        assert page.locator("html").get_attribute("lang") == "uk"
        page.goto("/")  # remembered by the cookie
        assert page.locator("html").get_attribute("lang") == "uk"
        assert page.get_by_text("Цей переклад ще не перевірив носій мови.").is_visible()
    finally:
        context.close()


@pytest.mark.parametrize("code", ["ar", "prs", "ti", "so", "uk"])
def test_public_pages_in_each_language_are_axe_clean(phone_page, make_event, make_exhibitor,
                                                      artifacts, code):
    page = phone_page
    event = make_event(title="Jobbforum Malmö")
    make_exhibitor(event, name="Vårdbolaget AB", status=ExhibitorStatus.approved,
                   offers=["jobs", "internships"], languages=["sv", "ar", "prs", "ti", "uk"])
    language = languages.get(code)
    direction = "rtl" if language.rtl else "ltr"
    for name, url in (("home", "/"), ("event", f"/events/{event.slug}"),
                      ("exhibitors", f"/events/{event.slug}/exhibitors"),
                      ("signup", f"/events/{event.slug}/register")):
        page.goto(f"{url}?lang={code}")
        html = page.locator("html")
        assert (html.get_attribute("lang"), html.get_attribute("dir")) == (language.html_lang,
                                                                           direction)
        if name in ("event", "exhibitors"):
            page.locator(".glossary summary").click()
            assert page.locator(".glossary dfn[lang=sv]", has_text="bemanningsföretag").is_visible()
        # Nothing wider than the phone: no sideways scrolling in any script.
        assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
        _axe_clean(page, f"{code} {name}")
        page.screenshot(path=str(artifacts / f"lang-{code}-{name}-phone.png"), full_page=True)
