"""The scanner in Debian Chromium: a fake camera showing a real badge, a hand scanner (typing +
Enter), manual search, undo, and going offline and back (queue in IndexedDB, no duplicates)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from jobbforum.models import CheckIn, Scan
from tests.checkin_builders import *  # noqa: F403
from tests.checkin_builders import badge_video_file
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, TEST_PASSWORD, run_axe

pytestmark = pytest.mark.browser


def count(db: Any, model: Any) -> int:
    db.session.rollback()  # a fresh snapshot: the live server commits in another thread
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def log_in(page: Any, user: Any) -> None:
    page.goto("/login")
    page.fill("#email", user.email)
    page.fill("#password", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)


def open_scanner(page: Any, slug: str, codes: int | None = None) -> None:
    page.goto(f"/checkin/{slug}")
    page.wait_for_selector("#scanner[data-ready=true]")
    if codes is not None:
        page.wait_for_selector(f"#scanner[data-offline-codes='{codes}']")


def scan_by_keyboard(page: Any, code: str) -> None:
    page.click("#result-next") if page.is_visible("#result") else None
    page.fill("#code-input", code)
    page.press("#code-input", "Enter")


def test_hand_scanner_search_and_undo(page, db, make_ticket, make_staff, artifacts):
    ticket = make_ticket(name="Amina Hussein")
    event = ticket.registration.event
    other = make_ticket(event=event, name="Dawit Haile", role="mentor")
    log_in(page, make_staff("door"))
    open_scanner(page, event.slug)
    assert page.evaluate("document.activeElement.id") == "code-input"
    page.keyboard.type(ticket.code)  # a keyboard wedge types into the focused field…
    page.keyboard.press("Enter")     # …and ends with Enter
    page.wait_for_selector("#result.result-ok")
    assert "Amina Hussein" in page.inner_text("#result-name")
    page.screenshot(path=str(artifacts / "checkin-scanner-ok.png"))
    page.wait_for_selector("#count-in >> text=1")
    scan_by_keyboard(page, ticket.code)
    page.wait_for_selector("#result.result-warn")
    page.screenshot(path=str(artifacts / "checkin-scanner-already.png"))
    scan_by_keyboard(page, "not-a-ticket")
    page.wait_for_selector("#result.result-bad")
    page.click("#result-next")
    # Manual search and check-in by name.
    page.fill("#search-input", "dawit")
    page.press("#search-input", "Enter")
    page.click("#search-results button")
    page.wait_for_selector("#result.result-ok")
    assert "Dawit Haile" in page.inner_text("#result-name")
    # Undo the last check-in (Dawit's).
    page.click("#result-undo")
    page.wait_for_selector("#result.result-warn")
    assert count(db, CheckIn) == 1
    assert db.session.scalar(sa.select(CheckIn)).ticket_id == ticket.id
    page.click("#result-next")
    assert other.code
    violations = run_axe(page)
    assert violations == [], violations
    page.screenshot(path=str(artifacts / "checkin-scanner.png"), full_page=True)


#: Records when the page makes its audio context and its beeps, and whether the result was on
#: screen (painted: a frame had passed since it was shown) at that moment.
AUDIO_PROBE = """
(() => {
  window.audioLog = [];
  const Real = window.AudioContext;
  window.AudioContext = function () {
    const box = document.getElementById('result');
    window.audioLog.push({what: 'context', resultShown: !!box && !box.hidden});
    return new Real();
  };
  const osc = Real.prototype.createOscillator;
  Real.prototype.createOscillator = function () {
    window.audioLog.push({what: 'beep', frames: window.framesSinceShown});
    return osc.call(this);
  };
  new MutationObserver(() => {
    const box = document.getElementById('result');
    if (box && !box.hidden && window.framesSinceShown === undefined) {
      window.framesSinceShown = 0;
      const tick = () => { window.framesSinceShown += 1; requestAnimationFrame(tick); };
      requestAnimationFrame(tick);
    }
  }).observe(document, {subtree: true, attributes: true, attributeFilter: ['hidden']});
})();
"""


def test_sound_follows_the_result_and_never_delays_it(page, db, make_ticket, make_staff):
    """Making an audio context takes a browser up to a few hundred milliseconds: the page makes
    it at the first key (a hand scanner types), and beeps only once the result is painted."""
    ticket = make_ticket(name="Amina Hussein")
    log_in(page, make_staff("door"))
    page.add_init_script(AUDIO_PROBE)
    open_scanner(page, ticket.registration.event.slug)
    assert page.evaluate("window.audioLog") == []  # no sound device started just by opening
    page.keyboard.type(ticket.code)
    page.keyboard.press("Enter")
    page.wait_for_selector("#result.result-ok")
    page.wait_for_function("window.audioLog.some(e => e.what === 'beep')")
    log = page.evaluate("window.audioLog")
    assert log[0] == {"what": "context", "resultShown": False}  # made at the first key
    assert [e["what"] for e in log] == ["context", "beep"]
    assert log[1]["frames"] >= 1  # the result had been painted before the beep


def test_phone_layout_and_walk_in(phone_page, db, make_event, make_staff, artifacts):
    event = make_event(title="Jobbforum Stockholm")
    page = phone_page
    log_in(page, make_staff("door"))
    open_scanner(page, event.slug)
    page.click(".walk-in summary")
    page.fill("#name", "Leyla Karimi")
    page.check("#consent")
    page.click(".walk-in button[type=submit]")
    page.wait_for_selector(".walk-in-done")
    assert "Leyla Karimi" in page.inner_text(".walk-in-done")
    assert count(db, CheckIn) == 1
    page.wait_for_selector("#scanner[data-ready=true]")
    violations = run_axe(page)
    assert violations == [], violations
    page.screenshot(path=str(artifacts / "checkin-scanner-phone.png"), full_page=True)


def test_offline_queue_survives_reload_and_uploads_once(page, db, make_ticket, make_staff,
                                                        artifacts):
    ticket = make_ticket(name="Olena Kovalenko")
    second = make_ticket(event=ticket.registration.event)
    event = ticket.registration.event
    log_in(page, make_staff("door"))
    open_scanner(page, event.slug, codes=2)
    context = page.context
    context.set_offline(True)
    scan_by_keyboard(page, ticket.code)
    page.wait_for_selector("#result.result-ok")
    assert page.inner_text("#net-label") in ("Offline", "Frånkopplad", "Offline ")
    page.wait_for_selector("#scanner[data-queued='1']")
    page.click("#result-next")
    page.screenshot(path=str(artifacts / "checkin-scanner-offline.png"))
    scan_by_keyboard(page, ticket.code)            # the same badge again, still offline
    page.wait_for_selector("#result.result-warn")
    scan_by_keyboard(page, "forged-code")
    page.wait_for_selector("#result.result-bad")
    queued = page.evaluate("""() => new Promise(resolve => {
        const r = indexedDB.open('jobbforum-checkin');
        r.onsuccess = () => { const q = r.result.transaction('queue').objectStore('queue').getAll();
                              q.onsuccess = () => resolve(q.result); };
    })""")
    assert len(queued) == 1 and queued[0]["force"] is True
    assert count(db, CheckIn) == 0
    context.set_offline(False)
    page.wait_for_selector("#scanner[data-queued='0']", timeout=15_000)
    assert count(db, CheckIn) == 1 and db.session.scalar(sa.select(CheckIn)).forced
    # Replay the same queue (as after a crash before the answers arrived): no duplicate.
    page.evaluate("""(rows) => new Promise(resolve => {
        const r = indexedDB.open('jobbforum-checkin');
        r.onsuccess = () => { const tx = r.result.transaction('queue', 'readwrite');
                              rows.forEach(row => tx.objectStore('queue').put(row));
                              tx.oncomplete = () => resolve(); };
    })""", queued)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_selector("#scanner[data-queued='0']", timeout=15_000)
    # Recorded once: the check-in keeps the scan's nonce; the replay logged nothing.
    assert count(db, CheckIn) == 1 and count(db, Scan) == 0
    assert db.session.scalar(sa.select(CheckIn.nonce)) == queued[0]["nonce"]
    # The network fails while the browser thinks it is online; the queue survives a reload.
    page.route("**/checkin", lambda route: route.abort())
    scan_by_keyboard(page, second.code)
    page.wait_for_selector("#result.result-ok")
    page.reload()
    page.wait_for_selector("#scanner[data-ready=true]")
    page.wait_for_selector("#scanner[data-queued='1']")
    page.unroute("**/checkin")
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_selector("#scanner[data-queued='0']", timeout=15_000)
    assert count(db, CheckIn) == 2


@pytest.fixture()
def badge_video(tmp_path: Path, make_ticket: Any) -> tuple[Any, Path]:
    """A real printed badge as a .y4m file for Chromium's fake camera."""
    ticket = make_ticket(name="Selam Yohannes")
    return ticket, badge_video_file(tmp_path, ticket, "Selam Yohannes")


def test_fake_camera_reads_a_badge(browser, live_server, db, badge_video, make_staff, artifacts):
    ticket, video = badge_video
    camera = browser.browser_type.launch(
        executable_path=CHROMIUM, headless=True,
        args=CHROMIUM_ARGS + ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                              f"--use-file-for-fake-video-capture={video}"])
    try:
        context = camera.new_context(base_url=live_server, viewport={"width": 800, "height": 900},
                                     locale="sv-SE")
        page = context.new_page()
        page.set_default_timeout(15_000)
        log_in(page, make_staff("door"))
        open_scanner(page, ticket.registration.event.slug)
        page.click("#camera-toggle")
        page.wait_for_selector("#result.result-ok")
        assert "Selam Yohannes" in page.inner_text("#result-name")
        page.screenshot(path=str(artifacts / "checkin-camera-ok.png"))
        page.click("#result-next")
        page.screenshot(path=str(artifacts / "checkin-camera-view.png"))
        assert count(db, CheckIn) == 1
        context.close()
    finally:
        camera.close()


def test_coordinator_pages(page, db, make_event, make_staff, artifacts):
    event = make_event(title="Jobbforum Uppsala")
    log_in(page, make_staff("coordinator"))
    page.goto(f"/checkin/{event.slug}/lists")
    page.fill("#name", "Workshop room 3")
    page.check("input[name=allowed_roles][value=participant]")
    page.click("form.narrow button[type=submit]")
    page.wait_for_selector("text=Workshop room 3")
    violations = run_axe(page)
    assert violations == [], [n["html"] for v in violations for n in v["nodes"]]
    page.screenshot(path=str(artifacts / "checkin-lists.png"), full_page=True)
    page.goto(f"/checkin/{event.slug}/devices")
    page.fill("#gate", "Norra entrén")
    page.click("form.narrow button[type=submit]")
    page.wait_for_selector("#device-token-value")
    violations = run_axe(page)
    assert violations == [], [n["html"] for v in violations for n in v["nodes"]]
    page.screenshot(path=str(artifacts / "checkin-devices.png"), full_page=True)
    # The shared tablet opens the link with the token in the fragment: signed in as a device.
    link = page.get_attribute("#device-link", "href")
    tablet = page.context.browser.new_context(base_url=page.url.split("/checkin")[0])
    try:
        tablet_page = tablet.new_page()
        tablet_page.goto(link)
        tablet_page.wait_for_selector("#scanner[data-ready=true]")
        assert "#device" not in tablet_page.url
        tablet_page.wait_for_selector("#count-registered >> text=0")
        assert tablet_page.is_hidden("#device-setup")
    finally:
        tablet.close()
