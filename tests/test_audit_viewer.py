"""The audit log viewer (/admin/audit): admins only, filters, pages, and read-only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from jobbforum.models import AuditEvent
from jobbforum.services import audit


@pytest.fixture()
def entries(db: Any, make_event: Any) -> Any:
    event = make_event(slug="fair", title="Höstmässan")  # writes event.created
    at = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
    for n in range(60):
        db.session.add(AuditEvent(
            action="ticket.reissued" if n % 2 else "exhibitor.approved", at=at - timedelta(days=n),
            actor_label=f"coord{n % 3}@example.org", event_id=event.id if n < 10 else None,
            details={"n": n}))
    db.session.commit()
    return event


def test_only_admins_see_the_log(staff_client: Any, client: Any, entries: Any) -> None:
    assert client.get("/admin/audit").status_code == 302
    assert staff_client("door").get("/admin/audit").status_code == 403
    assert staff_client("coordinator").get("/admin/audit").status_code == 403
    page = staff_client("admin").get("/admin/audit?lang=en")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Audit log" in html and "ticket.reissued" in html


def test_filters_and_pages(staff_client: Any, entries: Any) -> None:
    admin = staff_client("admin")

    def rows(query: str) -> str:
        response = admin.get("/admin/audit?lang=en&" + query)
        assert response.status_code == 200, query
        return response.get_data(as_text=True)

    assert "30 entries" in rows("action=ticket.reissued")
    assert "20 entries" in rows("actor=coord1%40")
    assert "11 entries" in rows(f"event={entries.id}")  # + event.created
    # Local dates (Europe/Stockholm), both ends inclusive: 2 Nov and 1 Nov.
    assert "2 entries" in rows("since=2026-11-01&until=2026-11-02")
    assert "Page 1 of" not in rows("action=exhibitor.approved")  # 30 fit on one page of 50
    everything = rows("")  # 60 entries + the event's creation, the admin's account and login
    assert "Page 1 of 2" in everything and 'rel="next"' in everything
    last = rows("page=2&actor=coord")
    assert "Page 2 of 2" in last and 'rel="prev"' in last and "actor=coord" in last
    assert last.count("<code>n</code>") == 10
    bad = admin.get("/admin/audit?lang=en&action=no.such.action")
    assert bad.status_code == 400  # not one of the choices: shown with an error, not a 500


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_no_way_to_change_the_log_over_http(staff_client: Any, entries: Any, method: str) -> None:
    admin = staff_client("admin")
    assert admin.open("/admin/audit", method=method).status_code == 405


def test_the_orm_refuses_updates_and_deletes(db: Any, entries: Any) -> None:
    entry = db.session.scalars(db.select(AuditEvent).limit(1)).one()
    entry.action = "forged"
    with pytest.raises(audit.AuditLogIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.scalars(db.select(AuditEvent).limit(1)).one())
    with pytest.raises(audit.AuditLogIsAppendOnly):
        db.session.flush()
    db.session.rollback()


@pytest.mark.browser
def test_audit_log_page_in_a_browser(page: Any, make_staff: Any, entries: Any,
                                     artifacts: Any) -> None:
    from tests.conftest import run_axe
    from tests.test_checkin_browser import log_in

    log_in(page, make_staff("admin"))
    page.goto("/admin/audit?lang=en&actor=coord1")
    page.select_option("#action", "ticket.reissued")
    page.click("form.filters button[type=submit]")
    page.wait_for_selector("table.audit-log")
    assert page.locator("table.audit-log tbody tr").count() == 10
    page.screenshot(path=str(artifacts / "audit-log.png"), full_page=True)
    assert run_axe(page) == []
