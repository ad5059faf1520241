"""Exhibitor pages over HTTP: registration and every validation path, upload attacks, the private
link, access control, staff decisions and exports, the public list and the JSON API."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
import sqlalchemy as sa

from jobbforum.extensions import db as _db
from jobbforum.models import (
    AuditEvent,
    ExhibitorRegistration,
    ExhibitorStatus,
    OutgoingMail,
    PrivateLink,
    Sector,
    utcnow,
)
from jobbforum.services import uploads
from tests.exhibitor_builders import (  # noqa: F401
    make_exhibitor,
    make_sector,
    own_outbox,
    png_bytes,
    registration_form,
)
from tests.test_uploads import crafted_bomb_png

pytestmark = pytest.mark.usefixtures("own_outbox")


@pytest.fixture()
def en_client(client):
    """The test client reading the interface in English (the source language of the messages)."""
    client.set_cookie("lang", "en")
    return client


def _post_registration(client, event, logo=None, **fields):
    data = registration_form(**fields)
    if logo is not None:
        data["logo"] = (io.BytesIO(logo[1]), logo[0])
    return client.post(f"/events/{event.slug}/exhibitors/register", data=data,
                       content_type="multipart/form-data")


def _count():
    return _db.session.scalar(sa.select(sa.func.count()).select_from(ExhibitorRegistration))


# --------------------------------------------------------------------------- registration


def test_register_with_logo_sends_private_link(en_client, make_event):
    event = make_event()
    response = _post_registration(en_client, event, logo=("logga.png", png_bytes()))
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/events/{event.slug}/exhibitors/register/done")
    assert "karin" not in response.headers["Location"].lower()
    exhibitor = _db.session.scalar(sa.select(ExhibitorRegistration))
    assert exhibitor.organisation.org_number == "556036-0793"
    assert uploads.stored_path("logos", exhibitor.logo_filename) is not None
    assert [r.person.name for r in exhibitor.booth_staff] == ["Ahmed Aziz", "Elin Berg"]
    mail = _db.session.scalar(sa.select(OutgoingMail))
    assert mail.to == "karin.lind@svealogistik.example.se" and mail.status.value == "sent"
    assert "/exhibitor/edit/" in mail.text and "/exhibitor/edit/" in mail.html
    token = mail.text.split("/exhibitor/edit/")[1].split()[0]
    page = en_client.get(f"/exhibitor/edit/{token}")
    assert page.status_code == 200 and "Svea Logistik AB" in page.get_data(as_text=True)
    done = en_client.get(response.headers["Location"])
    assert "Thank you" in done.get_data(as_text=True)


def test_invalid_registration_reshows_every_message_and_keeps_input(en_client, make_event):
    event = make_event()
    response = _post_registration(en_client, event, name="", org_number="556036-0794",
                                  contact_email="not-an-email", consent=None, description_sv="",
                                  contact_name="Karin Lind", booth_staff_count="1")
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    for message in ("check digit", "Invalid email address", "privacy text",
                    "Describe the organisation", "more booth staff"):
        assert message in body, message
    assert 'value="Karin Lind"' in body and 'value="556036-0794"' in body
    assert 'value="ar" checked' in body or 'checked id="languages-2" name="languages" type="checkbox" value="ar"' in body \
        or body.count("checked") >= 3
    assert "error-summary" in body and _count() == 0


def test_personal_identity_number_refused(en_client, make_event):
    response = _post_registration(en_client, make_event(), org_number="811228-9874")
    assert response.status_code == 400
    assert "personal identity number" in response.get_data(as_text=True)


def test_duplicate_registration_explained(en_client, make_event):
    event = make_event()
    assert _post_registration(en_client, event).status_code == 303
    response = _post_registration(en_client, event, name="Svea Logistik i Stockholm AB",
                                  org_number="5560360793")
    assert response.status_code == 400
    assert "already registered" in response.get_data(as_text=True)
    assert _count() == 1


def test_closed_event_shows_closed_page(en_client, make_event):
    event = make_event(registration_closes_at=utcnow() - timedelta(minutes=1),
                       registration_opens_at=utcnow() - timedelta(days=2))
    assert en_client.get(f"/events/{event.slug}/exhibitors/register").status_code == 403
    assert _post_registration(en_client, event).status_code == 403 and _count() == 0


@pytest.mark.parametrize("filename, content, message", [
    ("logo.png", b"GIF89a" + b"\x00" * 200, "Only PNG and JPEG"),
    ("logo.jpg", b"%PDF-1.4 fake", "Only PNG and JPEG"),
    ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "SVG images are not accepted"),
    ("logo.png", b'<?xml version="1.0"?><svg/>', "SVG images are not accepted"),
    ("logo.png", crafted_bomb_png(), "too many pixels"),
    ("logo.png", png_bytes() + b"\x00" * (2 * 1024 * 1024), "too large"),
])
def test_upload_attacks_refused(en_client, make_event, filename, content, message):
    before = set(uploads.upload_dir("logos").iterdir())
    response = _post_registration(en_client, make_event(), logo=(filename, content))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert _count() == 0
    assert set(uploads.upload_dir("logos").iterdir()) == before


# --------------------------------------------------------------------------- the private link


def test_link_tampered_expired_revoked(en_client, make_exhibitor):
    exhibitor = make_exhibitor()
    token = exhibitor.token
    assert en_client.get(f"/exhibitor/edit/{token}").status_code == 200
    assert en_client.get(f"/exhibitor/edit/{token[:-3]}xyz").status_code == 404
    assert en_client.get("/exhibitor/edit/garbage").status_code == 404
    link = _db.session.scalar(sa.select(PrivateLink))
    link.expires_at = utcnow() - timedelta(seconds=1)
    _db.session.commit()
    response = en_client.get(f"/exhibitor/edit/{token}")
    assert response.status_code == 410 and "expired" in response.get_data(as_text=True)
    link.expires_at = utcnow() + timedelta(days=1)
    link.revoked_at = utcnow()
    _db.session.commit()
    assert en_client.get(f"/exhibitor/edit/{token}").status_code == 410
    assert en_client.post(f"/exhibitor/edit/{token}/staff", data={"name": "X"}).status_code == 410


def test_edit_and_manage_booth_staff_through_link(en_client, make_exhibitor):
    exhibitor = make_exhibitor(staff_names=("Ahmed Aziz",))
    url = f"/exhibitor/edit/{exhibitor.token}"
    form = registration_form(name="Svea Logistik Nord AB", description_sv="Nu även i Uppsala.")
    response = en_client.post(url, data=form)
    assert response.status_code == 303
    _db.session.expire_all()
    assert exhibitor.organisation.name == "Svea Logistik Nord AB"
    assert en_client.post(url + "/staff", data={"name": "Sara Holm"}).status_code in (302, 303)
    assert en_client.post(url + "/staff", data={"name": ""}).status_code == 400
    _db.session.expire_all()
    names = [r.person.name for r in exhibitor.booth_staff]
    assert names == ["Ahmed Aziz", "Sara Holm"]
    first = exhibitor.booth_staff[0].id
    assert en_client.post(f"{url}/staff/{first}/remove").status_code == 303
    _db.session.expire_all()
    assert [r.person.name for r in exhibitor.booth_staff] == ["Sara Holm"]
    assert "Sara Holm" in en_client.get(url).get_data(as_text=True)


def test_one_exhibitor_can_never_touch_another(en_client, make_event, make_exhibitor):
    event = make_event()
    mine = make_exhibitor(event, name="Mitt Företag AB", staff_names=("Min Person",))
    theirs = make_exhibitor(event, name="Deras Företag AB", staff_names=("Deras Person",))
    page = en_client.get(f"/exhibitor/edit/{mine.token}").get_data(as_text=True)
    assert "Deras" not in page and theirs.contact_email not in page
    victim = theirs.booth_staff[0].id
    assert en_client.post(f"/exhibitor/edit/{mine.token}/staff/{victim}/remove").status_code == 404
    _db.session.expire_all()
    assert len(theirs.booth_staff) == 1
    # A link is for one purpose: another kind of private link does not open the edit page.
    from jobbforum.services import links

    ticket_token = links.issue("ticket", theirs.id, expires_at=utcnow() + timedelta(days=1))
    _db.session.commit()
    assert en_client.get(f"/exhibitor/edit/{ticket_token}").status_code == 404


# --------------------------------------------------------------------------- staff


def test_staff_pages_need_a_coordinator(client, staff_client, make_exhibitor):
    exhibitor = make_exhibitor()
    base = f"/admin/events/{exhibitor.event.slug}/exhibitors"
    for url in (base, f"{base}/{exhibitor.id}", f"{base}/export.csv", "/admin/partners", "/admin/sectors"):
        assert client.get(url).status_code == 302, url
        assert staff_client("door").get(url).status_code == 403, url
    assert client.post(f"{base}/{exhibitor.id}/status", data={"status": "approved"}).status_code == 302
    _db.session.expire_all()
    assert exhibitor.status is ExhibitorStatus.pending


def test_staff_approve_decline_waitlist_with_emails(staff_client, make_exhibitor):
    client = staff_client()
    client.set_cookie("lang", "en")
    exhibitor = make_exhibitor(staff_names=("Ahmed Aziz",), contact_language="en")
    url = f"/admin/events/{exhibitor.event.slug}/exhibitors/{exhibitor.id}"
    page = client.get(url).get_data(as_text=True)
    assert exhibitor.contact_email in page
    assert client.post(url + "/status", data={"status": "declined", "reason": ""}).status_code == 400
    assert client.post(url + "/status", data={"status": "approved"}).status_code == 303
    _db.session.expire_all()
    assert exhibitor.status is ExhibitorStatus.approved
    assert exhibitor.booth_staff[0].active_ticket is not None
    response = client.post(url + "/status", data={"status": "declined", "reason": "Alla platser är tagna."})
    assert response.status_code == 303
    mails = list(_db.session.scalars(sa.select(OutgoingMail).order_by(OutgoingMail.id)))
    assert [m.to for m in mails] == [exhibitor.contact_email] * 2
    assert "approved" in mails[0].text and "Alla platser är tagna." in mails[1].text
    assert "Alla platser är tagna." in mails[1].html
    actions = set(_db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.actor_user_id == client.user.id)))
    assert {"exhibitor.approved", "exhibitor.declined"} <= actions


def test_staff_booth_notes_capacity_and_list_filters(staff_client, make_event, make_exhibitor):
    client = staff_client()
    client.set_cookie("lang", "en")
    event = make_event()
    a = make_exhibitor(event, name="Alfa AB", status=ExhibitorStatus.approved)
    b = make_exhibitor(event, name="Beta AB", status=ExhibitorStatus.approved)
    base = f"/admin/events/{event.slug}/exhibitors"
    assert client.post(f"{base}/{a.id}/booth", data={"booth_label": "A1"}).status_code in (302, 303)
    response = client.post(f"{base}/{b.id}/booth", data={"booth_label": "A1"})
    assert response.status_code == 400 and "already assigned" in response.get_data(as_text=True)
    assert client.post(f"{base}/{b.id}/notes", data={"notes": "Behöver el."}).status_code in (302, 303)
    assert client.post(f"{base}/booths", data={"booth_capacity": "1", "action": "capacity"}).status_code == 303
    _db.session.expire_all()
    assert b.notes == "Behöver el." and a.booth_label == "A1"
    assert "cannot be lower" in client.get(base).get_data(as_text=True)
    client.post(f"{base}/booths", data={"action": "number"})
    _db.session.expire_all()
    assert b.booth_label == "1"
    listing = client.get(f"{base}?status=approved&q=beta").get_data(as_text=True)
    assert "Beta AB" in listing and "Alfa AB" not in listing


def test_exports_are_downloads(staff_client, make_exhibitor):
    client = staff_client()
    exhibitor = make_exhibitor(name="=cmd|' /C calc'!A0")
    base = f"/admin/events/{exhibitor.event.slug}/exhibitors"
    csv_response = client.get(f"{base}/export.csv")
    assert csv_response.status_code == 200 and csv_response.mimetype == "text/csv"
    assert "attachment" in csv_response.headers["Content-Disposition"]
    assert "'=cmd" in csv_response.get_data(as_text=True)
    xlsx = client.get(f"{base}/export.xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    assert client.get(f"{base}/export.pdf").status_code == 404


def test_partners_and_sectors_pages(staff_client, make_exhibitor):
    client = staff_client()
    client.set_cookie("lang", "en")
    make_exhibitor(status=ExhibitorStatus.approved)
    assert "1 distinct organisations" in client.get("/admin/partners").get_data(as_text=True)
    assert client.post("/admin/sectors", data={"slug": "Bad Slug", "name_sv": "x", "name_en": "y"}).status_code == 400
    assert client.post("/admin/sectors", data={"slug": "vard", "name_sv": "Vård", "name_en": "Care"}).status_code in (302, 303)
    sector = _db.session.scalar(sa.select(Sector).where(Sector.slug == "vard"))
    assert client.post(f"/admin/sectors/{sector.id}", data={"slug": "vard", "name_sv": "Vård och omsorg",
                                                             "name_en": "Care"}).status_code == 303
    _db.session.expire_all()
    assert sector.name_sv == "Vård och omsorg" and sector.active is False


# --------------------------------------------------------------------------- public list and API


def test_public_list_detail_and_privacy(en_client, make_event, make_exhibitor, make_sector):
    event = make_event()
    sector = make_sector("bygg")
    shown = make_exhibitor(event, name="Byggbolaget AB", status=ExhibitorStatus.approved, sectors=[sector],
                           offers=["jobs"], languages=["sv", "ar"])
    hidden = make_exhibitor(event, name="Väntar AB")
    page = en_client.get(f"/events/{event.slug}/exhibitors").get_data(as_text=True)
    assert "Byggbolaget AB" in page and "Väntar AB" not in page
    assert shown.contact_email not in page and shown.contact_name not in page
    filtered = en_client.get(f"/events/{event.slug}/exhibitors?sector=bygg&language=ar&offer=jobs&q=bygg")
    assert "Byggbolaget AB" in filtered.get_data(as_text=True)
    empty = en_client.get(f"/events/{event.slug}/exhibitors?offer=internships").get_data(as_text=True)
    assert "Byggbolaget AB" not in empty and "No exhibitors match" in empty
    detail = en_client.get(f"/events/{event.slug}/exhibitors/{shown.id}")
    assert detail.status_code == 200 and shown.contact_email not in detail.get_data(as_text=True)
    assert en_client.get(f"/events/{event.slug}/exhibitors/{hidden.id}").status_code == 404
    other = make_exhibitor(make_event(), status=ExhibitorStatus.approved)
    assert en_client.get(f"/events/{event.slug}/exhibitors/{other.id}").status_code == 404


def test_logo_is_served_with_long_cache(en_client, make_event, make_exhibitor):
    name = uploads.save_image(io.BytesIO(png_bytes()))
    response = en_client.get(f"/exhibitor-logos/{name}")
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert "max-age" in response.headers["Cache-Control"]
    assert en_client.get("/exhibitor-logos/..%2F..%2Fsecret").status_code == 404
    assert en_client.get("/exhibitor-logos/" + "0" * 32 + ".png").status_code == 404


def test_api_lists_with_filters_and_explains_errors(client, make_event, make_exhibitor, make_sector):
    event = make_event()
    sector = make_sector("it")
    exhibitor = make_exhibitor(event, name="Kodhuset AB", status=ExhibitorStatus.approved,
                               sectors=[sector], offers=["internships"], languages=["uk"])
    make_exhibitor(event, name="Facket", status=ExhibitorStatus.approved, offers=["union_info"])
    data = client.get(f"/api/v1/events/{event.slug}/exhibitors?offer=internships&language=uk&sector=it").get_json()
    assert data["status"] == "ok" and data["count"] == 1
    item = data["exhibitors"][0]
    assert item["name"] == "Kodhuset AB" and item["sectors"] == ["it"] and item["offers"] == ["internships"]
    assert "contact_email" not in item and exhibitor.contact_email not in str(data)
    assert client.get(f"/api/v1/events/{event.slug}/exhibitors").get_json()["count"] == 2
    bad = client.get(f"/api/v1/events/{event.slug}/exhibitors?type=spaceship")
    assert bad.status_code == 400 and bad.get_json()["status"] == "error"
    missing = client.get("/api/v1/events/nope/exhibitors")
    assert missing.status_code == 404 and missing.get_json()["status"] == "error"


def test_openapi_documents_the_exhibitor_list(client, db):
    spec = client.get("/api/v1/openapi.json").get_json()
    operation = spec["paths"]["/events/{slug}/exhibitors"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"slug", "type", "sector", "offer", "language", "q"}


def test_every_booth_language_has_a_label():
    from blueprints.exhibitor.labels import LANGUAGE_LABELS, OFFER_LABELS
    from jobbforum.services.exhibitors import BOOTH_LANGUAGES, OFFERS

    assert tuple(LANGUAGE_LABELS) == BOOTH_LANGUAGES and tuple(OFFER_LABELS) == OFFERS


def test_staff_renew_link_revokes_the_old_one(staff_client, en_client, make_exhibitor):
    exhibitor = make_exhibitor(contact_language="en")
    client = staff_client()
    url = f"/admin/events/{exhibitor.event.slug}/exhibitors/{exhibitor.id}/link"
    assert client.post(url).status_code == 303
    assert en_client.get(f"/exhibitor/edit/{exhibitor.token}").status_code == 410
    mail = _db.session.scalar(sa.select(OutgoingMail))
    new_token = mail.text.split("/exhibitor/edit/")[1].split()[0]
    assert en_client.get(f"/exhibitor/edit/{new_token}").status_code == 200
    assert "Earlier links no longer work" in mail.text


def test_public_list_pages_keep_the_filters(en_client, make_event, make_exhibitor):
    from blueprints.exhibitor.views import PAGE_SIZE

    event = make_event()
    for n in range(PAGE_SIZE + 2):
        make_exhibitor(event, name=f"Företag {n:03d} AB", status=ExhibitorStatus.approved, offers=["jobs"])
    first = en_client.get(f"/events/{event.slug}/exhibitors?offer=jobs").get_data(as_text=True)
    assert f"{PAGE_SIZE + 2} exhibitors" in first and first.count('class="card exhibitor-card"') == PAGE_SIZE
    assert "page=2" in first and "offer=jobs" in first.split('rel="next"')[1].split(">")[0]
    second = en_client.get(f"/events/{event.slug}/exhibitors?offer=jobs&page=2").get_data(as_text=True)
    assert second.count('class="card exhibitor-card"') == 2 and "Företag 049 AB" in second
    assert en_client.get(f"/events/{event.slug}/exhibitors?page=99").status_code == 200
    odd = en_client.get(f"/events/{event.slug}/exhibitors?slug=x&_external=1&page=abc&offer=jobs")
    assert odd.status_code == 200
