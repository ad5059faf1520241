"""Privacy: purge keeps the indicators and the export identical; erase; access export; audit."""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from jobbforum.models import (
    AuditEvent,
    EventKind,
    ExhibitorRegistration,
    Gender,
    MailStatus,
    Organisation,
    OrganisationType,
    OutgoingMail,
    Person,
    Registration,
    SurveyKind,
    SurveyResponse,
    Theme,
)
from jobbforum.services import surveys, uploads
from jobbforum.services.attendance import attendance_rows
from jobbforum.services.indicator_data import indicator_table
from tests.exhibitor_builders import png_bytes
from tests.indicators_builders import attend, make_session, survey_csv, survey_line  # noqa: F401

OLD_END = datetime(2025, 5, 1, 14, tzinfo=UTC)


@pytest.fixture()
def history(db, app, make_round, make_event, make_person, make_session, attend, tmp_path,
            monkeypatch):
    old_round = make_round(slug="vt2025", starts_on=date(2024, 9, 1), ends_on=date(2025, 4, 30))
    new_round = make_round(slug="ht2026")
    old_fair = make_event(kind=EventKind.jobbforum, slug="old-fair",
                          starts_at=datetime(2025, 5, 1, 8, tzinfo=UTC), ends_at=OLD_END)
    new_fair = make_event(kind=EventKind.jobbforum, slug="new-fair")
    session_event, door = make_session(Theme.networking,
                                       starts_at=datetime(2025, 3, 1, 9, tzinfo=UTC))
    old_people, lines_b, lines_r = [], [], []
    for i in range(12):
        p = make_person(name=f"Old Person {i}", email=f"old{i}@example.com", phone="+46700000000",
                        gender=Gender.woman if i % 3 else Gender.man, round=old_round,
                        participant_code=f"QXD{i:05d}X")
        attend(p, old_fair, checked_in=i % 2 == 0)
        if i % 4 == 0:
            attend(p, session_event, door)
        old_people.append(p)
        lines_b.append(survey_line(p.participant_code))
        lines_r.append(survey_line(p.participant_code, employment="part_time" if i % 3 == 0
                                   else "none", network_expanded=i % 2))
    current = make_person(name="Current Person", email="current@example.com", round=new_round,
                          participant_code="NEW00001X")
    attend(current, new_fair, checked_in=False)
    attend(old_people[0], new_fair, checked_in=False)  # came back: not purged
    db.session.add(OutgoingMail(to="old1@example.com", subject="Din biljett", text="Hej Old Person 1",
                                status=MailStatus.sent))
    org = Organisation(name="Acme AB", normalised_name="acme", type=OrganisationType.employer)
    db.session.add(org)
    db.session.flush()
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(tmp_path))
    logo = uploads.stored_path("logos", uploads.save_image(io.BytesIO(png_bytes())))
    db.session.add(ExhibitorRegistration(
        event_id=old_fair.id, organisation_id=org.id, contact_name="Kim Kontakt",
        contact_email="kim@acme.example", contact_phone="+46811111", notes="Kim's allergy",
        logo_filename=logo.name))
    surveys.import_survey(survey_csv(*lines_b), "b.csv", SurveyKind.baseline)
    surveys.import_survey(survey_csv(*lines_r), "r.csv", SurveyKind.result)
    db.session.commit()
    return old_people, current, logo


def _figures():
    return ([indicator_table(by=by, suppress_below=0) for by in (None, "gender", "round",
                                                                 "attended_jobbforum")],
            list(attendance_rows()))


def test_purge_removes_personal_data_and_keeps_the_figures(app, db, history):
    old_people, current, logo = history
    before = _figures()
    dry = app.test_cli_runner().invoke(args=["privacy", "purge", "--ended-before", "2026-01-01",
                                             "--dry-run"])
    assert dry.exit_code == 0 and "Would purge 11 people, 1 exhibitor contacts, 1 logos and 1 mails" \
        in dry.output
    assert db.session.get(Person, old_people[1].id).name == "Old Person 1"
    result = app.test_cli_runner().invoke(args=["privacy", "purge", "--ended-before", "2026-01-01"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    purged = db.session.get(Person, old_people[1].id)
    assert (purged.name, purged.email, purged.phone) == ("", None, None)
    assert purged.gender is Gender.woman and purged.participant_code == "QXD00001X"
    assert db.session.get(Person, old_people[0].id).email == "old0@example.com"  # came back
    assert db.session.get(Person, current.id).name == "Current Person"
    contact = db.session.scalar(sa.select(ExhibitorRegistration))
    assert (contact.contact_name, contact.contact_email, contact.notes, contact.logo_filename) == (
        "", "", "", None)
    assert not logo.exists()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutgoingMail)) == 0
    assert _figures() == before
    actions = db.session.scalars(sa.select(AuditEvent.action).where(
        AuditEvent.action.like("privacy.%")).order_by(AuditEvent.id)).all()
    assert actions == ["privacy.purge_dry_run", "privacy.purge"]
    entry = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "privacy.purge"))
    assert entry.details["people"] == 11 and entry.actor_label.startswith("cli")
    again = app.test_cli_runner().invoke(args=["privacy", "purge", "--ended-before", "2026-01-01"])
    assert "Purged 0 people, 0 exhibitor contacts" in again.output


def test_access_export_has_the_persons_data_and_is_audited(app, db, history):
    old_people, _, _ = history
    result = app.test_cli_runner().invoke(args=["privacy", "access-export", "QXD00000X"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["person"]["email"] == "old0@example.com"
    assert {r["event"] for r in data["registrations"]} == {"old-fair", "new-fair", "day-networking-1"}
    assert [r["kind"] for r in data["survey_responses"]] == ["baseline", "result"]
    assert len(data["checkins"]) == 2
    assert "code" not in json.dumps(data["registrations"])  # ticket codes are secrets
    assert db.session.scalar(sa.select(AuditEvent).where(
        AuditEvent.action == "privacy.access_export")).details["participant_code"] == "QXD00000X"


def test_erase_keeps_or_removes_the_link_to_attendance(app, db, history):
    old_people, _, _ = history
    runner = app.test_cli_runner()
    assert runner.invoke(args=["privacy", "erase", "QXD00001X", "--yes"]).exit_code == 0
    person = db.session.scalar(sa.select(Person).where(Person.participant_code == "QXD00001X"))
    assert (person.name, person.email, person.gender) == ("", None, None)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Registration).where(
        Registration.person_id == person.id)) == 1
    result = runner.invoke(args=["privacy", "erase", "QXD00002X", "--include-attendance", "--yes"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(sa.select(Person).where(Person.participant_code == "QXD00002X")) is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SurveyResponse).where(
        SurveyResponse.participant_code == "QXD00002X")) == 0
    assert "QXD00002X" not in {r[0] for r in attendance_rows()}
    assert runner.invoke(args=["privacy", "erase", "NOPE0000", "--yes"]).exit_code != 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "privacy.erase")) == 2
