"""Booth scanning through the service: sharing levels, withdrawal, one visit per booth, retention
purge (and its job), privacy purge and erasure, attendance counts and the coordinators' figures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from jobbforum.models import BoothSharing, BoothVisit, OrganisationType, RegistrationStatus
from jobbforum.services import attendance, booths, jobs, privacy, tickets
from tests.booths_builders import *  # noqa: F403

LEVELS = {
    BoothSharing.visit_only: (None, None, None),
    BoothSharing.contact: ("Amina Hussein", "amina@example.se", None),
    BoothSharing.contact_phone: ("Amina Hussein", "amina@example.se", "+46701234567"),
}


@pytest.mark.parametrize("level", list(BoothSharing))
def test_every_sharing_level_shares_exactly_its_part(db, make_fair, level):
    fair = make_fair()
    ticket = fair.visitor(level, name="Amina Hussein", email="amina@example.se")
    visit, created = booths.record_visit(fair.exhibitors[0], ticket.code)
    db.session.commit()
    part = booths.shared_part(visit)
    assert created and (part.name, part.email, part.phone) == LEVELS[level]
    assert part.anonymous is (level is BoothSharing.visit_only)
    # What is not shared is not even stored at the exhibitor's side.
    row = db.session.get(BoothVisit, visit.id)
    assert (row.shared_name, row.shared_email, row.shared_phone) == LEVELS[level]
    json = booths.visit_json(visit)
    assert (json["name"], json["email"], json["phone"]) == LEVELS[level]
    assert ticket.code not in str(json) and ticket.registration.person.participant_code not in str(json)


def test_second_scan_updates_the_visit(db, make_fair):
    fair = make_fair()
    ticket = fair.visitor(BoothSharing.contact)
    first, created = booths.record_visit(fair.exhibitors[0], ticket.code)
    again, created_again = booths.record_visit(fair.exhibitors[0], f"  {ticket.code}\n")
    db.session.commit()
    assert created and not created_again and first.id == again.id and again.scan_count == 2
    assert db.session.scalar(sa.select(sa.func.count()).select_from(BoothVisit)) == 1
    # Another booth gets a visit of its own.
    booths.record_visit(fair.exhibitors[1], ticket.code)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(BoothVisit)) == 2


def test_bad_badges_are_refused(db, make_fair, make_ticket):
    fair = make_fair()
    with pytest.raises(booths.UnknownBadge):
        booths.record_visit(fair.exhibitors[0], "not-a-badge")
    other_event = make_ticket()
    with pytest.raises(booths.UnknownBadge):
        booths.record_visit(fair.exhibitors[0], other_event.code)
    revoked = fair.visitor()
    tickets.revoke_ticket(revoked.registration.active_ticket)
    with pytest.raises(booths.BadgeRevoked):
        booths.record_visit(fair.exhibitors[0], revoked.code)
    with pytest.raises(booths.ScanningClosed):
        booths.record_visit(fair.exhibitors[0], fair.visitor().code,
                            now=fair.event.ends_at + timedelta(days=2))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(BoothVisit)) == 0


def test_staff_member_must_belong_to_the_booth(db, make_fair):
    fair = make_fair()
    mine, theirs = fair.exhibitors[0].booth_staff[0], fair.exhibitors[1].booth_staff[0]
    visit, _ = booths.record_visit(fair.exhibitors[0], fair.visitor().code, staff_id=mine.id)
    assert visit.scanned_by_id == mine.id
    with pytest.raises(booths.InvalidInput):
        booths.record_visit(fair.exhibitors[0], fair.visitor().code, staff_id=theirs.id)


def test_withdrawal_removes_the_personal_part_at_once_and_for_later_scans(db, make_fair):
    fair = make_fair()
    ticket = fair.visitor(BoothSharing.contact_phone)
    registration = ticket.registration
    kept, _ = booths.record_visit(fair.exhibitors[1], ticket.code)
    visit, _ = booths.record_visit(fair.exhibitors[0], ticket.code)
    db.session.commit()
    booths.withdraw(registration, visit.id)
    db.session.commit()
    row = db.session.get(BoothVisit, visit.id)
    assert (row.shared_name, row.shared_email, row.shared_phone) == (None, None, None)
    assert booths.shared_part(row).anonymous and row.withdrawn_at is not None
    # A later scan by the same exhibitor shares nothing; the other exhibitor keeps its copy.
    again, _ = booths.record_visit(fair.exhibitors[0], ticket.code)
    assert booths.shared_part(again).anonymous and again.shared_name is None
    assert booths.shared_part(db.session.get(BoothVisit, kept.id)).phone == "+46701234567"
    # Nobody withdraws another person's visit.
    with pytest.raises(booths.NotFound):
        booths.withdraw(fair.visitor().registration, kept.id)


def test_lowering_the_level_trims_existing_visits(db, make_fair):
    fair = make_fair()
    ticket = fair.visitor(BoothSharing.contact_phone)
    visit, _ = booths.record_visit(fair.exhibitors[0], ticket.code)
    assert booths.set_sharing(ticket.registration, BoothSharing.contact) == 1
    assert (visit.shared_name, visit.shared_phone) == (ticket.registration.person.name, None)
    booths.set_sharing(ticket.registration, BoothSharing.visit_only)
    assert booths.shared_part(visit).anonymous and visit.shared_email is None
    # Raising it again shares more only at the next scan.
    booths.set_sharing(ticket.registration, BoothSharing.contact_phone)
    assert booths.shared_part(visit).anonymous
    booths.record_visit(fair.exhibitors[0], ticket.code)
    assert booths.shared_part(visit).phone == "+46701234567"


def test_exhibitor_reads_only_its_own_visits(db, make_fair):
    fair = make_fair()
    ours, theirs = fair.exhibitors
    mine, _ = booths.record_visit(ours, fair.visitor(BoothSharing.contact).code)
    other, _ = booths.record_visit(theirs, fair.visitor(BoothSharing.contact).code)
    assert [v.id for v in booths.visits_for(ours)] == [mine.id]
    with pytest.raises(booths.NotFound):
        booths.get_visit(ours, other.id)
    assert [r[0] for r in booths.export_rows(ours)] == [mine.id]


def test_note_and_tags(db, make_fair):
    fair = make_fair()
    visit, _ = booths.record_visit(fair.exhibitors[0], fair.visitor().code)
    booths.annotate(visit, note=" Wants an internship in logistics ", tags=["internship", "follow_up"])
    assert visit.note == "Wants an internship in logistics" and visit.tags == ["follow_up", "internship"]
    with pytest.raises(booths.InvalidInput):
        booths.annotate(visit, note="x" * 501, tags=[])
    with pytest.raises(booths.InvalidInput):
        booths.annotate(visit, note="", tags=["vip"])


def test_retention_purge_job_removes_the_personal_part_physically(db, make_fair, app):
    fair = make_fair()
    ticket = fair.visitor(BoothSharing.contact_phone)
    visit, _ = booths.record_visit(fair.exhibitors[0], ticket.code)
    booths.annotate(visit, note="Call back about the warehouse job", tags=["job"])
    db.session.commit()
    # Before the deadline: the job leaves it alone, exports work.
    assert jobs.run_jobs(["booth-retention"])[0].summary == "purged 0 booth visits"
    assert booths.export_rows(fair.exhibitors[0])
    # After it: purged (once), and exports are refused.
    fair.event.ends_at = datetime.now(UTC) - timedelta(days=app.config["BOOTH_RETENTION_DAYS"], hours=1)
    fair.event.starts_at = fair.event.ends_at - timedelta(hours=5)
    db.session.commit()
    assert jobs.run_jobs(["booth-retention"])[0].summary == "purged 1 booth visits"
    assert jobs.run_jobs(["booth-retention"])[0].summary == "purged 0 booth visits"
    row = db.session.execute(sa.select(BoothVisit.shared_name, BoothVisit.shared_email,
                                       BoothVisit.shared_phone, BoothVisit.note, BoothVisit.tags,
                                       BoothVisit.purged_at)).one()
    assert row[:4] == (None, None, None, "") and row.tags == ["job"] and row.purged_at is not None
    with pytest.raises(booths.RetentionPassed):
        booths.export_rows(fair.exhibitors[0])
    # The visit itself still counts.
    assert attendance.booth_visit_counts()[ticket.registration.person_id] == 1


def test_retention_days_are_configurable(db, make_fair, app, monkeypatch):
    fair = make_fair()
    monkeypatch.setitem(app.config, "BOOTH_RETENTION_DAYS", 7)
    assert booths.retention_deadline(fair.event) == fair.event.ends_at + timedelta(days=7)


def test_config_reads_the_environment(monkeypatch, tmp_path):
    from jobbforum.config import load_config

    monkeypatch.setenv("JOBBFORUM_BOOTH_RETENTION_DAYS", "14")
    assert load_config(tmp_path)["BOOTH_RETENTION_DAYS"] == 14


def test_privacy_purge_and_erasure_clear_booth_visits(db, make_fair):
    fair = make_fair()
    first, second = fair.visitor(BoothSharing.contact), fair.visitor(BoothSharing.contact_phone)
    booths.record_visit(fair.exhibitors[0], first.code)
    booths.record_visit(fair.exhibitors[0], second.code)
    db.session.commit()
    counts = privacy.erase_person(first.registration.person, actor_label="test")
    assert counts["booth_visits"] == 1
    far_future = (fair.event.ends_at + timedelta(days=400)).date()
    report = privacy.purge(far_future, dry_run=True, actor_label="test")
    assert report.booth_visits == 1
    assert privacy.purge(far_future, actor_label="test").booth_visits == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(BoothVisit).where(
        sa.or_(BoothVisit.shared_name.is_not(None), BoothVisit.shared_email.is_not(None),
               BoothVisit.shared_phone.is_not(None)))) == 0


def test_access_export_lists_booth_visits(db, make_fair):
    fair = make_fair()
    ticket = fair.visitor(BoothSharing.contact)
    booths.record_visit(fair.exhibitors[0], ticket.code)
    data = privacy.access_export(ticket.registration.person, actor_label="test")
    [visit] = data["booth_visits"]
    assert visit["exhibitor"] == fair.exhibitors[0].organisation.name and visit["sharing"] == "contact"


def test_attendance_export_counts_booth_visits_per_person(db, make_fair):
    fair = make_fair()
    busy, idle = fair.visitor(), fair.visitor(BoothSharing.contact)
    for exhibitor in fair.exhibitors:
        booths.record_visit(exhibitor, busy.code)
        booths.record_visit(exhibitor, busy.code)  # a second scan is the same visit
    db.session.commit()
    rows = {row["participant_code"]: row for row in attendance.attendance_dicts()}
    assert rows[busy.registration.person.participant_code]["booth_visits"] == 2
    assert rows[idle.registration.person.participant_code]["booth_visits"] == 0
    assert "Person" not in str(list(rows.values()))


def test_visits_per_exhibitor_and_per_type(db, make_fair):
    fair = make_fair(types=(OrganisationType.employer, OrganisationType.trade_union,
                            OrganisationType.employer))
    people = [fair.visitor(BoothSharing.contact), fair.visitor(), fair.visitor()]
    for ticket in people:
        booths.record_visit(fair.exhibitors[0], ticket.code)
    booths.record_visit(fair.exhibitors[1], people[0].code)
    booths.record_visit(fair.exhibitors[2], people[0].code)
    db.session.commit()
    by_exhibitor = {e.id: (n, shared) for e, n, shared in booths.visits_by_exhibitor(fair.event)}
    assert by_exhibitor[fair.exhibitors[0].id] == (3, 1)
    assert by_exhibitor[fair.exhibitors[1].id] == (1, 1)
    by_type = {t: rest for t, *rest in booths.visits_by_type(fair.event)}
    assert by_type[OrganisationType.employer] == [2, 4, 3]
    assert by_type[OrganisationType.trade_union] == [1, 1, 1]


def test_cancelled_registration_cannot_be_scanned(db, make_fair):
    fair = make_fair()
    ticket = fair.visitor()
    ticket.registration.status = RegistrationStatus.cancelled
    db.session.commit()
    with pytest.raises(booths.BadgeRevoked):
        booths.record_visit(fair.exhibitors[0], ticket.code)


def test_demo_step_adds_mixed_visits_idempotently(app, db):
    from jobbforum.demo import load

    load(participants=30, exhibitors=6)
    first = db.session.execute(sa.select(BoothVisit.id, BoothVisit.shared_level, BoothVisit.note)).all()
    context = load(participants=30, exhibitors=6)
    assert db.session.execute(sa.select(BoothVisit.id, BoothVisit.shared_level, BoothVisit.note)).all() == first
    assert len(first) > 10 and {level for _, level, _ in first} == set(BoothSharing)
    assert any(note for *_, note in first)
    [(label, path, kind)] = [row for row in context.logins if row[2] == "booth scanner link"]
    assert app.test_client().get(path).status_code == 200


def test_jobs_run_on_the_command_line_includes_the_retention_purge(app, db, make_fair):
    fair = make_fair()
    booths.record_visit(fair.exhibitors[0], fair.visitor(BoothSharing.contact).code)
    fair.event.ends_at = datetime.now(UTC) - timedelta(days=40)
    fair.event.starts_at = fair.event.ends_at - timedelta(hours=5)
    db.session.commit()
    runner = app.test_cli_runner()
    assert "booth-retention" in runner.invoke(args=["jobs", "list"]).output
    result = runner.invoke(args=["jobs", "run", "booth-retention"])
    assert result.exit_code == 0 and "booth-retention: purged 1 booth visits" in result.output
    db.session.rollback()
    assert db.session.scalar(sa.select(BoothVisit.shared_name)) is None


def test_attendance_date_filter_applies_to_booth_visits(db, make_fair):
    fair = make_fair()
    ticket = fair.visitor()
    booths.record_visit(fair.exhibitors[0], ticket.code)
    db.session.commit()
    code = ticket.registration.person.participant_code
    today = fair.event.starts_at.date()
    rows = {r["participant_code"]: r for r in attendance.attendance_dicts(date_from=today - timedelta(days=1))}
    assert rows[code]["booth_visits"] == 1
    rows = {r["participant_code"]: r for r in attendance.attendance_dicts(date_from=today + timedelta(days=2))}
    assert rows[code]["booth_visits"] == 0
