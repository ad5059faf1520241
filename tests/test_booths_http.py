"""Booth scanning over HTTP and the JSON API: the booth page, notes, exports, the participant's
choices on the sign-up form and the ticket page, the coordinators' page, and isolation between
exhibitors (never another exhibitor's visits, never a 500)."""

from __future__ import annotations

import html
import io
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from jobbforum.models import BoothSharing, BoothVisit, Registration
from jobbforum.services import booths, links, registrations
from tests.booths_builders import *  # noqa: F403
from tests.booths_builders import bearer


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def scan(client, token, code, **extra):
    return client.post("/api/v1/booth/scan", json={"code": code, **extra}, headers=bearer(token))


# --------------------------------------------------------------------------- API


def test_api_scan_answers_exactly_what_is_shared(client, db, make_fair):
    fair = make_fair()
    token = fair.exhibitors[0].booth_token
    anonymous = fair.visitor(name="Dawit Haile")
    contact = fair.visitor(BoothSharing.contact, name="Amina Hussein", email="amina@example.se")
    answer = scan(client, token, anonymous.code).get_json()
    assert answer["status"] == "ok" and answer["created"] is True
    assert answer["visit"]["anonymous"] is True and answer["visit"]["name"] is None
    assert "Dawit" not in str(answer) and "+4670" not in str(answer)
    answer = scan(client, token, contact.code).get_json()
    assert (answer["visit"]["name"], answer["visit"]["email"], answer["visit"]["phone"]) == (
        "Amina Hussein", "amina@example.se", None)
    again = scan(client, token, contact.code).get_json()
    assert again["created"] is False and again["visit"]["scan_count"] == 2


@pytest.mark.parametrize("body,status,reason", [
    ({"code": "nope"}, 404, "unknown_code"),
    ({}, 400, "invalid"),
    ({"code": 12}, 400, "invalid"),
    ({"code": "x" * 5000}, 400, "invalid"),
    ({"code": "abc", "staff_id": "one"}, 400, "invalid"),
    ({"code": "abc", "staff_id": True}, 400, "invalid"),
    ([1, 2], 400, "invalid"),
])
def test_api_bad_input_is_a_4xx_json_error(client, db, make_fair, body, status, reason):
    fair = make_fair()
    response = client.post("/api/v1/booth/scan", json=body, headers=bearer(fair.exhibitors[0].booth_token))
    assert response.status_code == status
    assert response.get_json() == {"status": "error", "reason": reason}


def test_api_without_or_with_a_bad_token(client, db, make_fair):
    fair = make_fair()
    code = fair.visitor().code
    assert client.post("/api/v1/booth/scan", json={"code": code}).status_code == 401
    for token in ("garbage", fair.exhibitors[0].booth_token[:-2] + "xx"):
        response = scan(client, token, code)
        assert response.status_code == 404 and response.get_json()["reason"] == "link_invalid"
    # An edit link is not a booth link.
    edit_token = fair.exhibitors[0].token
    assert scan(client, edit_token, code).status_code == 404
    links.revoke_all(booths.LINK_PURPOSE, fair.exhibitors[1].id)
    db.session.commit()
    response = scan(client, fair.exhibitors[1].booth_token, code)
    assert response.status_code == 410 and response.get_json()["reason"] == "link_revoked"
    response = client.post("/api/v1/booth/scan", data="{not json", content_type="application/json",
                           headers=bearer(fair.exhibitors[0].booth_token))
    assert response.status_code == 400 and response.get_json()["status"] == "error"


def test_api_an_exhibitor_never_reads_another_exhibitors_visits(client, db, make_fair):
    fair = make_fair()
    ours, theirs = fair.exhibitors
    scan(client, ours.booth_token, fair.visitor(BoothSharing.contact, name="Our Visitor").code)
    other = scan(client, theirs.booth_token,
                 fair.visitor(BoothSharing.contact, name="Their Visitor").code).get_json()["visit"]
    listing = client.get("/api/v1/booth/visits", headers=bearer(ours.booth_token)).get_json()
    assert [v["name"] for v in listing["visits"]] == ["Our Visitor"]
    response = client.post(f"/api/v1/booth/visits/{other['id']}", json={"note": "mine now"},
                           headers=bearer(ours.booth_token))
    assert response.status_code == 404 and response.get_json()["reason"] == "not_found"
    assert db.session.get(BoothVisit, other["id"]).note == ""


def test_api_note_and_tags(client, db, make_fair):
    fair = make_fair()
    token = fair.exhibitors[0].booth_token
    visit = scan(client, token, fair.visitor().code).get_json()["visit"]
    answer = client.post(f"/api/v1/booth/visits/{visit['id']}", json={
        "note": "Nurse, wants to validate her degree", "tags": ["education", "follow_up"]},
        headers=bearer(token)).get_json()
    assert answer["visit"]["tags"] == ["follow_up", "education"]
    bad = client.post(f"/api/v1/booth/visits/{visit['id']}", json={"tags": ["vip"]}, headers=bearer(token))
    assert bad.status_code == 400 and bad.get_json()["status"] == "error"
    bad = client.post(f"/api/v1/booth/visits/{visit['id']}", json={"note": ["x"]}, headers=bearer(token))
    assert bad.status_code == 400


def test_api_is_in_the_openapi_document(client, db):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert {"/booth/scan", "/booth/visits", "/booth/visits/{visit_id}"} <= set(spec["paths"])
    scan_op = spec["paths"]["/booth/scan"]["post"]
    assert scan_op["security"] == [{"boothLink": []}] and "boothLink" in spec["components"]["securitySchemes"]
    assert "409" in scan_op["responses"]


# --------------------------------------------------------------------------- booth pages


def test_booth_page_shows_only_the_shared_part_and_own_visits(client, db, make_fair):
    fair = make_fair()
    ours, theirs = fair.exhibitors
    shared = fair.visitor(BoothSharing.contact_phone, name="Amina Hussein", email="amina@example.se")
    hidden = fair.visitor(name="Dawit Haile", email="dawit@example.se")
    booths.record_visit(ours, shared.code)
    booths.record_visit(ours, hidden.code)
    booths.record_visit(theirs, fair.visitor(BoothSharing.contact, name="Selam Yohannes").code)
    db.session.commit()
    page = text(client.get(f"/booth/{ours.booth_token}?lang=en"))
    assert "Amina Hussein" in page and "amina@example.se" in page and "+46701234567" in page
    assert "Anonymous visit" in page
    assert "Dawit" not in page and "dawit@example.se" not in page and "Selam" not in page
    assert shared.code not in page and shared.registration.person.participant_code not in page


def test_booth_page_note_form_and_other_booths_visits(client, db, make_fair):
    fair = make_fair()
    ours, theirs = fair.exhibitors
    mine, _ = booths.record_visit(ours, fair.visitor().code)
    other, _ = booths.record_visit(theirs, fair.visitor().code)
    db.session.commit()
    response = client.post(f"/booth/{ours.booth_token}/visits/{mine.id}", data={
        f"v{mine.id}-note": "Follow up next week", f"v{mine.id}-tags": ["follow_up", "job"]})
    assert response.status_code == 302
    db.session.refresh(mine)
    assert mine.note == "Follow up next week" and mine.tags == ["follow_up", "job"]
    response = client.post(f"/booth/{ours.booth_token}/visits/{mine.id}?lang=en",
                           data={f"v{mine.id}-note": "x" * 501})
    assert response.status_code == 400 and "at most 500" in text(response)
    assert "x" * 501 in text(response)  # what was typed stays
    response = client.post(f"/booth/{ours.booth_token}/visits/{other.id}", data={f"v{other.id}-note": "hi"})
    assert response.status_code == 404
    db.session.refresh(other)
    assert other.note == ""


def test_export_csv_and_xlsx_until_the_deadline(client, db, make_fair, app):
    fair = make_fair()
    ours, theirs = fair.exhibitors
    visit, _ = booths.record_visit(ours, fair.visitor(BoothSharing.contact, name="=HYPERLINK(\"x\")").code)
    booths.annotate(visit, note="+46 call", tags=["internship"])
    booths.record_visit(theirs, fair.visitor(BoothSharing.contact, name="Their Visitor").code)
    db.session.commit()
    csv_text = client.get(f"/booth/{ours.booth_token}/visits.csv?lang=en").get_data(as_text=True)
    assert "'=HYPERLINK" in csv_text and "'+46 call" in csv_text and "Internship" in csv_text
    assert "Their Visitor" not in csv_text
    workbook = load_workbook(io.BytesIO(client.get(f"/booth/{ours.booth_token}/visits.xlsx").data))
    cells = [c.value for row in workbook.active.iter_rows() for c in row]
    assert "'=HYPERLINK(\"x\")" in cells and "Their Visitor" not in cells
    fair.event.ends_at = datetime.now(UTC) - timedelta(days=app.config["BOOTH_RETENTION_DAYS"] - 1)
    fair.event.starts_at = fair.event.ends_at - timedelta(hours=5)
    db.session.commit()
    assert client.get(f"/booth/{ours.booth_token}/visits.csv").status_code == 200
    fair.event.ends_at -= timedelta(days=2)
    fair.event.starts_at -= timedelta(days=2)
    db.session.commit()
    # The link itself expires at the deadline.
    assert client.get(f"/booth/{ours.booth_token}/visits.csv").status_code in (410,)
    assert client.get(f"/booth/{ours.booth_token}/visits.pdf").status_code in (404, 410)


def test_edit_page_opens_the_booth_scanner(client, db, make_fair, make_exhibitor, make_event):
    event = make_event()
    from jobbforum.models import ExhibitorStatus

    approved = make_exhibitor(event, status=ExhibitorStatus.approved)
    page = text(client.get(f"/exhibitor/edit/{approved.token}?lang=en"))
    assert "Open the booth scanner" in page
    response = client.post(f"/exhibitor/edit/{approved.token}/booth-link")
    assert response.status_code == 303 and response.location.startswith("/booth/")
    assert client.get(response.location).status_code == 200
    pending = make_exhibitor(event)
    assert "Open the booth scanner" not in text(client.get(f"/exhibitor/edit/{pending.token}?lang=en"))
    assert client.post(f"/exhibitor/edit/{pending.token}/booth-link").status_code == 403


def test_booth_link_stops_working_when_the_exhibitor_is_withdrawn(client, db, make_fair):
    from jobbforum.models import ExhibitorStatus
    from jobbforum.services import exhibitors

    fair = make_fair()
    exhibitors.set_status(fair.exhibitors[0], ExhibitorStatus.withdrawn, actor=None, actor_label="test")
    db.session.commit()
    assert client.get(f"/booth/{fair.exhibitors[0].booth_token}").status_code == 403
    assert scan(client, fair.exhibitors[0].booth_token, fair.visitor().code).status_code == 403


# --------------------------------------------------------------------------- participant side


def test_sign_up_stores_the_sharing_choice(client, db, make_event):
    event = make_event()
    base = dict(role="visitor", name="Amina", phone="0701234567", preferred_language="en", consent="y")
    client.post(f"/events/{event.slug}/register", data={**base, "booth_sharing": "contact_phone"})
    client.post(f"/events/{event.slug}/register", data={**base, "phone": "0701234568", "name": "B"})
    levels = dict(db.session.execute(sa.select(Registration.id, Registration.booth_sharing)).all())
    assert sorted(levels.values(), key=lambda v: v.value) == [BoothSharing.contact_phone,
                                                               BoothSharing.visit_only]
    response = client.post(f"/events/{event.slug}/register?lang=en",
                           data={**base, "phone": "0701234569", "booth_sharing": "everything"})
    assert response.status_code == 400 and "Choose what the employers get." in text(response)


def test_ticket_page_lists_scans_changes_level_and_withdraws(client, db, make_fair):
    fair = make_fair()
    ticket = fair.visitor(BoothSharing.contact_phone)
    registration = ticket.registration
    token = registrations.issue_link(registration)
    visit, _ = booths.record_visit(fair.exhibitors[0], ticket.code)
    db.session.commit()
    page = text(client.get(f"/t/{token}?lang=en"))
    assert fair.exhibitors[0].organisation.name in page and "name, email and phone number" in page
    response = client.post(f"/t/{token}/sharing", data={"booth_sharing": "contact"})
    assert response.status_code == 303
    db.session.refresh(visit)
    assert visit.shared_phone is None and visit.shared_email is not None
    assert client.post(f"/t/{token}/booths/{visit.id}/withdraw").status_code == 303
    db.session.refresh(visit)
    assert visit.shared_name is None and visit.withdrawn_at is not None
    assert "You took back your details" in text(client.get(f"/t/{token}?lang=en"))
    # The exhibitor's page no longer shows the person at once.
    assert registration.person.email not in text(client.get(f"/booth/{fair.exhibitors[0].booth_token}"))
    response = client.post(f"/t/{token}/sharing?lang=en", data={"booth_sharing": "all"})
    assert response.status_code == 400 and "Choose what the employers get." in text(response)


def test_participant_cannot_withdraw_someone_elses_visit(client, db, make_fair):
    fair = make_fair()
    victim = fair.visitor(BoothSharing.contact)
    visit, _ = booths.record_visit(fair.exhibitors[0], victim.code)
    attacker = fair.visitor()
    token = registrations.issue_link(attacker.registration)
    db.session.commit()
    assert client.post(f"/t/{token}/booths/{visit.id}/withdraw").status_code == 404
    db.session.refresh(visit)
    assert visit.withdrawn_at is None and visit.shared_name is not None


def test_csrf_is_required_on_booth_forms(app, client, db, make_fair, csrf_enabled):
    fair = make_fair()
    ticket = fair.visitor(BoothSharing.contact)
    visit, _ = booths.record_visit(fair.exhibitors[0], ticket.code)
    token = registrations.issue_link(ticket.registration)
    db.session.commit()
    assert client.post(f"/t/{token}/sharing", data={"booth_sharing": "visit_only"}).status_code == 400
    client.post(f"/t/{token}/booths/{visit.id}/withdraw")
    db.session.refresh(visit)
    assert visit.withdrawn_at is None
    # The API is authorised by the token, not a cookie: no CSRF needed (and none possible).
    assert scan(client, fair.exhibitors[0].booth_token, ticket.code).status_code == 200


# --------------------------------------------------------------------------- coordinators


def test_coordinator_page_and_booth_link(db, make_fair, staff_client):
    fair = make_fair()
    booths.record_visit(fair.exhibitors[0], fair.visitor(BoothSharing.contact).code)
    db.session.commit()
    coordinator = staff_client("coordinator")
    page = text(coordinator.get(f"/admin/events/{fair.event.slug}/booth-visits?lang=en"))
    assert "Which kinds of exhibitors drew participants" in page and "Employer" in page
    assert fair.exhibitors[0].organisation.name in page
    response = coordinator.post(f"/admin/events/{fair.event.slug}/booth-visits/{fair.exhibitors[1].id}/link")
    assert response.status_code == 200 and "/booth/" in text(response)
    # The new link replaces a link that went astray: the old one stops working.
    assert coordinator.get(f"/booth/{fair.exhibitors[1].booth_token}").status_code == 410
    new_path = text(response).split("/booth/")[1].split("<")[0]
    assert coordinator.get(f"/booth/{new_path}").status_code == 200
    assert staff_client("door").get(f"/admin/events/{fair.event.slug}/booth-visits").status_code == 403
