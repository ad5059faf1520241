"""Badges, tickets and emails in the holder's language; names in any script print with glyphs.

The PDFs are also rendered to PNG under test-artifacts/ for a human to look at."""

from __future__ import annotations

import subprocess
import unicodedata

import sqlalchemy as sa

from jobbforum.documents import tickets as ticket_documents
from jobbforum.models import OutgoingMail, Role
from jobbforum.services import registrations
from tests.conftest import require_binary
from tests.exhibitor_builders import own_outbox  # noqa: F401  (mail goes to this test's outbox)
from tests.participants_builders import decode_qr_codes, sign_up


def _pdf_text(pdf: bytes, tmp_path) -> str:
    source = tmp_path / "text.pdf"
    source.write_bytes(pdf)
    text = subprocess.run([require_binary("pdftotext"), "-enc", "UTF-8", str(source), "-"],
                          check=True, capture_output=True, text=True, timeout=60).stdout
    # Shaped Arabic may come back as presentation forms wrapped in bidi embedding marks:
    # compare in normal form without the marks.
    text = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf")


def _png(pdf: bytes, path) -> None:
    source = path.with_suffix(".pdf")
    source.write_bytes(pdf)
    subprocess.run([require_binary("pdftoppm"), "-png", "-r", "80", "-singlefile", str(source),
                    str(path.with_suffix(""))], check=True, timeout=60)


def _register(event, person, role=Role.participant):
    return registrations.register_person(event, person, role, actor=None, actor_label="test")


def test_badges_print_arabic_and_tigrinya_names_and_labels_in_the_holders_language(
        db, make_event, make_person, tmp_path, artifacts):
    event = make_event(title="Jobbforum Stockholm")
    arabic = _register(event, make_person(name="فاطمة أحمد", preferred_language="ar"))
    tigrinya = _register(event, make_person(name="ሄለን ተስፋይ", preferred_language="ti"))
    ukrainian = _register(event, make_person(name="Олена Коваленко", preferred_language="uk"),
                          Role.mentor)
    swedish = _register(event, make_person(name="Sara Lind", preferred_language="sv"), Role.visitor)
    db.session.commit()
    pdf = ticket_documents.badge_sheet([arabic, tigrinya, ukrainian, swedish])
    text = _pdf_text(pdf, tmp_path)
    words = set(text.split())
    # Every name in its own script (word order inside a right-to-left line is the viewer's).
    for word in ("فاطمة", "أحمد", "ሄለን", "ተስፋይ", "Олена", "Коваленко", "Sara", "Lind"):
        assert word in words, (word, text)
    # Role labels in each holder's language.
    for label in ("مشارك", "ተሳታፊ", "Ментор", "Besökare"):
        assert label in text, (label, text)
    assert sorted(decode_qr_codes(pdf, tmp_path)) == sorted(
        r.active_ticket.code for r in (arabic, tigrinya, ukrainian, swedish))
    _png(pdf, artifacts / "lang-badges-ar-ti-uk-sv.png")


def test_ticket_pdf_is_in_the_holders_language(db, make_event, make_person, tmp_path, artifacts):
    event = make_event(title="Jobbforum Stockholm")
    person = make_person(name="Ahmad Rahimi", preferred_language="prs")
    registration = _register(event, person)
    db.session.commit()
    pdf = ticket_documents.ticket_pdf(registration)
    text = _pdf_text(pdf, tmp_path)
    assert "Ahmad Rahimi" in text and "اشتراک" in text
    _png(pdf, artifacts / "lang-ticket-prs.png")


def test_confirmation_email_in_each_shipped_language(app, db, make_event):
    event = make_event(title="Jobbforum Stockholm")
    expected = {"sv": "Din biljett", "en": "Your ticket", "ar": "تذكرتك", "prs": "تکت شما",
                "ti": "ቲኬትካ", "so": "Tigidhkaaga", "uk": "Ваш квиток"}
    for n, (code, subject) in enumerate(expected.items()):
        result = sign_up(event, name=f"Person {n}", email=f"p{n}@example.com",
                         preferred_language=code)
        registrations.queue_confirmation(result.registration, result.token)
    db.session.commit()
    mails = {m.to: m for m in db.session.scalars(sa.select(OutgoingMail))}
    for n, (code, subject) in enumerate(expected.items()):
        mail = mails[f"p{n}@example.com"]
        assert mail.subject.startswith(subject), (code, mail.subject)


def test_exhibitor_registering_in_dari_gets_the_confirmation_in_dari(client, db, make_event,
                                                                     own_outbox):
    from jobbforum.models import ExhibitorRegistration
    from tests.exhibitor_builders import registration_form

    event = make_event(title="Jobbforum Stockholm")
    response = client.post(f"/events/{event.slug}/exhibitors/register?lang=prs",
                           data=registration_form(), content_type="multipart/form-data")
    assert response.status_code in (302, 303)
    exhibitor = db.session.scalar(sa.select(ExhibitorRegistration))
    assert exhibitor.contact_language == "prs"  # the app code, not Babel's fa_AF or "fa"
    mail = db.session.scalar(sa.select(OutgoingMail))
    assert mail.subject == "ثبت نام غرفه‌دار شما برای Jobbforum Stockholm"
    assert "تشکر" in mail.text  # the body is in Dari too
