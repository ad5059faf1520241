"""Staff pages for events and programme rounds."""

from __future__ import annotations

import sqlalchemy as sa

from jobbforum.models import AuditEvent, CheckInList, Event, EventStatus


def _event_form(**kw):
    data = {
        "title": "Jobbforum Uppsala", "slug": "jobbforum-uppsala", "kind": "jobbforum",
        "status": "published", "venue": "Ekonomikum", "address": "Kyrkogårdsgatan 10",
        "starts_at": "2027-03-12T10:00", "ends_at": "2027-03-12T15:00", "capacity": "300",
        "registration_opens_at": "", "registration_closes_at": "", "description": "",
    }
    data.update(kw)
    return data


def test_create_event_stores_utc_and_entrance_list(staff_client, db):
    client = staff_client("coordinator")
    response = client.post("/admin/events/new", data=_event_form())
    assert response.status_code == 302
    event = db.session.scalar(sa.select(Event).where(Event.slug == "jobbforum-uppsala"))
    assert event.status is EventStatus.published
    assert event.starts_at.isoformat() == "2027-03-12T09:00:00+00:00"  # 10:00 CET
    lists = db.session.scalars(sa.select(CheckInList.name).where(CheckInList.event_id == event.id))
    assert list(lists) == ["entrance"]
    audit = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "event.created"))
    assert audit.actor_user_id == client.user.id


def test_invalid_event_reshows_with_messages_and_keeps_input(staff_client, db):
    client = staff_client("coordinator")
    response = client.post("/admin/events/new", data=_event_form(
        slug="Bad Slug!", ends_at="2027-03-12T09:00", title="Min mässa"))
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert 'value="Min mässa"' in body
    assert body.count('class="errors"') >= 2
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Event)) == 0


def test_duplicate_slug_explained(staff_client, make_event, db):
    make_event(slug="jobbforum-uppsala")
    client = staff_client("coordinator")
    response = client.post("/admin/events/new", data=_event_form())
    assert response.status_code == 400
    assert "jobbforum-uppsala" in response.get_data(as_text=True)


def test_edit_event_audits_diff(staff_client, make_event, make_round, db):
    event = make_event(slug="vt", title="Old title")
    programme_round = make_round(slug="vt2027-sthlm")
    client = staff_client("coordinator")
    form = client.get(f"/admin/events/{event.slug}/edit").get_data(as_text=True)
    assert "Old title" in form
    response = client.post(f"/admin/events/{event.slug}/edit", data=_event_form(
        title="New title", slug="vt", rounds=[str(programme_round.id)]))
    assert response.status_code == 302
    audit = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "event.updated"))
    assert audit.details["title"] == ["Old title", "New title"]
    assert audit.details["rounds"] == [[], ["vt2027-sthlm"]]


def test_create_and_edit_round(staff_client, db):
    client = staff_client("coordinator")
    data = {"name": "Omgång VT2027 Uppsala", "slug": "vt2027-uppsala", "county": "uppsala",
            "term": "VT2027", "starts_on": "2027-02-01", "ends_on": "2027-09-30"}
    assert client.post("/admin/rounds/new", data=data).status_code == 302
    assert "Omgång VT2027 Uppsala" in client.get("/admin/rounds").get_data(as_text=True)
    bad = client.post("/admin/rounds/vt2027-uppsala/edit", data={**data, "term": "autumn",
                                                                   "ends_on": "2027-01-01"})
    assert bad.status_code == 400
    assert client.post("/admin/rounds/vt2027-uppsala/edit",
                       data={**data, "name": "Uppsala VT27"}).status_code == 302


def test_public_pages_hide_drafts(client, make_event):
    draft = make_event(status=EventStatus.draft, title="Hemlig mässa")
    published = make_event(title="Öppen mässa")
    home = client.get("/").get_data(as_text=True)
    assert "Öppen mässa" in home and "Hemlig mässa" not in home
    assert client.get(f"/events/{draft.slug}").status_code == 404
    assert client.get(f"/events/{published.slug}").status_code == 200
