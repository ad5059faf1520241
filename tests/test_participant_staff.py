"""Staff pages for participants: access, list and filters, revoke/reissue/cancel, badges, roster import."""

from __future__ import annotations

import html
import io

import pytest
import sqlalchemy as sa

from jobbforum.models import AuditEvent, OutgoingMail, Registration, RegistrationStatus, Role, TicketStatus
from jobbforum.services import tickets
from tests.participants_builders import decode_qr_codes, sign_up


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture()
def event(make_event, make_round):
    round_a = make_round(slug="ht2026-stockholm", name="Omgång A")
    round_b = make_round(slug="ht2026-uppsala", name="Omgång B")
    event = make_event(rounds=[round_a, round_b])
    sign_up(event, role=Role.participant, round_id=round_a.id, name="Amina Hassan", email="a@example.com")
    sign_up(event, role=Role.mentor, round_id=round_b.id, name="Erik Berg", email="e@example.com")
    sign_up(event, role=Role.visitor, name="Sara Lund", email="s@example.com")
    return event


def test_access(client, event, staff_client):
    url = f"/admin/events/{event.slug}/participants"
    assert client.get(url).status_code == 302  # to the login page
    assert staff_client("door").get(url).status_code == 403
    assert staff_client("coordinator").get(url).status_code == 200
    assert staff_client("door").post(f"{url}/1/revoke").status_code == 403


def test_list_and_filters(event, staff_client, make_round):
    staff = staff_client()
    url = f"/admin/events/{event.slug}/participants?lang=en"
    page = text(staff.get(url))
    assert all(name in page for name in ("Amina Hassan", "Erik Berg", "Sara Lund"))
    page = text(staff.get(url + "&role=mentor"))
    assert "Erik Berg" in page and "Amina Hassan" not in page
    round_a = event.rounds[0]
    page = text(staff.get(url + f"&round={round_a.id}"))
    assert "Amina Hassan" in page and "Erik Berg" not in page
    page = text(staff.get(url + "&q=lund"))
    assert "Sara Lund" in page and "Amina Hassan" not in page
    assert staff.get(url + "&role=nonsense&round=x&status=y").status_code == 200


def test_revoke_reissue_cancel(db, event, staff_client):
    staff = staff_client()
    reg = db.session.scalar(sa.select(Registration).where(Registration.role == Role.visitor))
    base = f"/admin/events/{event.slug}/participants/{reg.id}"
    old = reg.active_ticket.code
    assert staff.post(base + "/revoke").status_code == 302
    db.session.expire_all()
    assert tickets.find_by_code(old).status is TicketStatus.revoked and reg.active_ticket is None
    assert staff.post(base + "/reissue").status_code == 302
    db.session.expire_all()
    assert reg.active_ticket is not None and reg.active_ticket.code != old
    assert staff.post(base + "/cancel").status_code == 302
    db.session.expire_all()
    assert reg.status is RegistrationStatus.cancelled and reg.active_ticket is None
    actions = set(db.session.scalars(sa.select(AuditEvent.action)))
    assert {"ticket.revoked", "registration.reissued", "registration.cancelled"} <= actions
    assert staff.post(f"/admin/events/{event.slug}/participants/99999/revoke").status_code == 404


def test_actions_need_csrf(db, event, staff_client, csrf_enabled):
    staff = staff_client()
    reg = db.session.scalar(sa.select(Registration))
    assert staff.post(f"/admin/events/{event.slug}/participants/{reg.id}/revoke").status_code == 400
    db.session.expire_all()
    assert reg.active_ticket is not None


def test_cancel_moves_waiting_list_up(db, make_event, staff_client):
    event = make_event(capacity=1)
    first = sign_up(event, email="first@example.com")
    waiting = sign_up(event, email="second@example.com", waitlist_ok=True)
    staff = staff_client()
    staff.post(f"/admin/events/{event.slug}/participants/{first.registration.id}/cancel")
    db.session.expire_all()
    assert waiting.registration.status is RegistrationStatus.confirmed
    assert waiting.registration.active_ticket is not None


@pytest.mark.parametrize("query,roles", [("", {"participant", "mentor", "visitor"}),
                                         ("role=mentor", {"mentor"})])
def test_badge_pdf_filtered_decodes_to_ticket_codes(db, event, staff_client, tmp_path, artifacts,
                                                    query, roles):
    response = staff_client().get(f"/admin/events/{event.slug}/participants/badges.pdf?{query}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    (artifacts / f"participant-badges{'-' + query if query else ''}.pdf").write_bytes(response.data)
    expected = {r.active_ticket.code for r in db.session.scalars(sa.select(Registration))
                if r.role.value in roles}
    assert sorted(decode_qr_codes(response.data, tmp_path)) == sorted(expected)


def test_badge_pdf_a6_and_round_filter(db, event, staff_client, tmp_path):
    round_b = event.rounds[1]
    response = staff_client().get(
        f"/admin/events/{event.slug}/participants/badges.pdf?layout=a6&round={round_b.id}")
    erik = db.session.scalar(sa.select(Registration).where(Registration.role == Role.mentor))
    assert decode_qr_codes(response.data, tmp_path) == [erik.active_ticket.code]
    assert staff_client().get(
        f"/admin/events/{event.slug}/participants/badges.pdf?layout=huge").status_code == 400


def upload(staff, event, content: bytes, filename: str = "roster.csv"):
    return staff.post(f"/admin/events/{event.slug}/participants/import?lang=en",
                      data={"file": (io.BytesIO(content), filename)},
                      content_type="multipart/form-data")


def test_roster_preview_then_import(db, event, staff_client, app):
    staff = staff_client()
    content = ("name,email,phone,round,participant_code,role\n"
               "Olena Kovalenko,olena@example.com,,ht2026-stockholm,,participant\n"
               "Amina Hassan,a@example.com,,,,participant\n").encode()
    preview = upload(staff, event, content)
    page = text(preview)
    assert preview.status_code == 200
    assert "New person" in page and "Already registered" in page and "Import 2 rows" in page
    assert db.session.scalar(sa.select(sa.func.count(Registration.id))) == 3  # nothing yet
    hidden = dict(__import__("re").findall(r'name="(filename|content)" type="hidden" value="([^"]*)"',
                                          preview.get_data(as_text=True)))
    hidden["send_tickets"] = "y"
    done = staff.post(f"/admin/events/{event.slug}/participants/import/confirm", data=hidden)
    assert done.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(Registration.id))) == 4
    sent = db.session.scalars(sa.select(OutgoingMail.to)).all()
    assert sent == ["olena@example.com"]  # only the new registration gets a ticket email


def test_roster_with_bad_rows_shows_every_error(db, event, staff_client):
    content = ("name,email,phone\n,x@example.com,\nNo Contact,,\nGood,g@example.com,\n").encode()
    response = upload(staff_client(), event, content)
    page = text(response)
    assert response.status_code == 400
    assert "2 rows have errors" in page and "The name is missing." in page
    assert "Give an email or a phone number (at least one)." in page
    assert page.count('<tr class="row-bad">') == 2  # the good row is not marked
    assert "Import" not in page.split("Rows of the file")[1].split("</table>")[1]


def test_roster_form_messages(db, event, staff_client):
    staff = staff_client()
    page = text(staff.post(f"/admin/events/{event.slug}/participants/import?lang=en", data={}))
    assert "Choose a file." in page
    page = text(upload(staff, event, b"x", "roster.pdf"))
    assert "Upload a .csv or .xlsx file." in page
    page = text(upload(staff, event, b"not a workbook", "roster.xlsx"))
    assert "could not be read" in page


def test_tampered_confirm_is_refused(db, event, staff_client):
    staff = staff_client()
    response = staff.post(f"/admin/events/{event.slug}/participants/import/confirm",
                          data={"filename": "r.csv", "content": "!!!not base64"})
    assert response.status_code == 400


def test_booth_staff_badge_names_the_organisation(db, make_event, make_person, tmp_path):
    from jobbforum.documents import tickets as ticket_documents
    from jobbforum.models import ExhibitorRegistration, Organisation, OrganisationType
    from jobbforum.services import registrations

    event = make_event()
    organisation = Organisation(name="Arbetsförmedlingen", normalised_name="arbetsformedlingen",
                                type=list(OrganisationType)[0])
    db.session.add(organisation)
    db.session.flush()
    exhibitor = ExhibitorRegistration(event_id=event.id, organisation_id=organisation.id,
                                      contact_name="Kim", contact_email="kim@example.org")
    db.session.add(exhibitor)
    db.session.flush()
    registration = registrations.register_person(event, make_person(name="Kim Berg"), Role.exhibitor,
                                                 actor=None, actor_label="test",
                                                 exhibitor_id=exhibitor.id)
    db.session.commit()
    badge = ticket_documents.badge_for(registration)
    assert badge.organisation == "Arbetsförmedlingen" and badge.role == "exhibitor"
    pdf = ticket_documents.badge_sheet([registration])
    assert decode_qr_codes(pdf, tmp_path) == [registration.active_ticket.code]
