"""Staff accounts: creation, login, lockout, rate limits, logout, roles, CSRF."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from jobbforum.models import AuditEvent, StaffRole, StaffUser, utcnow
from jobbforum.services import users
from jobbforum.services.errors import AccountLocked, Conflict, InvalidCredentials, InvalidInput
from tests.conftest import TEST_PASSWORD


def test_create_user_hashes_password(db):
    user = users.create_user("Anna@Example.org", TEST_PASSWORD, StaffRole.coordinator)
    assert user.email == "anna@example.org"
    assert TEST_PASSWORD not in user.password_hash and user.password_hash.startswith("scrypt:")
    with pytest.raises(Conflict):
        users.create_user("anna@example.org", TEST_PASSWORD, StaffRole.door)
    with pytest.raises(InvalidInput):
        users.create_user("b@example.org", "short", StaffRole.door)


def test_good_login_redirects_and_is_audited(client, make_staff, db):
    user = make_staff("coordinator")
    response = client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302 and response.location.endswith("/admin/")
    assert client.get("/admin/").status_code == 200
    actions = db.session.scalars(sa.select(AuditEvent.action)).all()
    assert "user.login" in actions


def test_session_cookie_flags(client, make_staff):
    user = make_staff("coordinator")
    response = client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_door_staff_land_on_door_page(client, make_staff):
    user = make_staff("door")
    response = client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.location.endswith("/admin/door")


def test_bad_password_rejected_with_message(client, make_staff):
    user = make_staff("coordinator")
    response = client.post("/login", data={"email": user.email, "password": "wrong password!"})
    assert response.status_code == 401
    body = response.get_data(as_text=True)
    assert user.email in body  # what was typed is kept
    assert "wrong password!" not in body  # but never the password


def test_unknown_email_same_answer(client):
    response = client.post("/login", data={"email": "nobody@example.org", "password": "x" * 12})
    assert response.status_code == 401


def test_empty_form_shows_messages(client):
    response = client.post("/login", data={})
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.get_data(as_text=True)


def test_lockout_after_repeated_failures(client, make_staff, db):
    user = make_staff("coordinator")
    for _ in range(5):
        client.post("/login", data={"email": user.email, "password": "wrong password"})
    # Locked now: even the right password is refused.
    response = client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(StaffUser, user.id).locked_until > utcnow()


def test_lock_expires(db, make_staff):
    user = make_staff("coordinator")
    for _ in range(5):
        with pytest.raises((InvalidCredentials, AccountLocked)):
            users.authenticate(user.email, "wrong password", threshold=5)
    with pytest.raises(AccountLocked):
        users.authenticate(user.email, TEST_PASSWORD)
    later = utcnow() + timedelta(minutes=16)
    assert users.authenticate(user.email, TEST_PASSWORD, now=later) is user


def test_login_rate_limited(client, make_staff, rate_limits):
    statuses = [
        client.post("/login", data={"email": f"x{i}@example.org", "password": "x" * 12}).status_code
        for i in range(12)
    ]
    assert statuses[:10] == [401] * 10
    assert statuses[10:] == [429, 429]


def test_logout_invalidates_the_cookie_server_side(app, make_staff):
    user = make_staff("coordinator")
    client = app.test_client()
    client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    stolen = client.get_cookie("jobbforum_session").value
    assert client.post("/logout").status_code == 302
    thief = app.test_client()
    thief.set_cookie("jobbforum_session", stolen)
    assert thief.get("/admin/").status_code == 302  # back to the login page


def test_password_change_ends_sessions(app, make_staff, db):
    user = make_staff("coordinator")
    client = app.test_client()
    client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    assert client.get("/admin/").status_code == 200
    users.set_password(db.session.get(StaffUser, user.id), "another long password")
    db.session.commit()
    assert client.get("/admin/").status_code == 302


def test_new_session_on_login(app, make_staff):
    """Session fixation: the session cookie changes when logging in."""
    user = make_staff("coordinator")
    client = app.test_client()
    client.get("/login")
    client.post("/login", data={"email": "nobody@example.org", "password": "x" * 12})
    before = client.get_cookie("jobbforum_session")
    client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    after = client.get_cookie("jobbforum_session")
    assert after is not None and (before is None or before.value != after.value)


@pytest.mark.parametrize(
    ("role", "path", "expected"),
    [
        ("door", "/admin/", 403),
        ("door", "/admin/events/new", 403),
        ("door", "/admin/door", 200),
        ("coordinator", "/admin/", 200),
        ("coordinator", "/admin/events/new", 200),
        ("admin", "/admin/rounds/new", 200),
    ],
)
def test_role_checks(staff_client, role, path, expected):
    assert staff_client(role).get(path).status_code == expected


def test_anonymous_sent_to_login(client):
    response = client.get("/admin/events")
    assert response.status_code == 302 and "/login" in response.location


def test_safe_next_only(client, make_staff):
    user = make_staff("coordinator")
    response = client.post("/login?next=https://evil.example/",
                           data={"email": user.email, "password": TEST_PASSWORD})
    assert response.location.endswith("/admin/")


def test_csrf_rejected_without_token(client, make_staff, csrf_enabled):
    user = make_staff("coordinator")
    response = client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 400
    assert "form had expired" in response.get_data(as_text=True) or "formuläret" in \
        response.get_data(as_text=True).lower()


def test_csrf_accepted_with_token(client, make_staff, csrf_enabled):
    import re

    user = make_staff("coordinator")
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"email": user.email, "password": TEST_PASSWORD,
                                           "csrf_token": token})
    assert response.status_code == 302


@pytest.mark.parametrize("password", ["password123", "qwertyuiop", "1234567890", "Q1W2E3R4T5"])
def test_common_breached_passwords_refused(db, password):
    with pytest.raises(InvalidInput, match="common"):
        users.create_user("c@example.org", password, StaffRole.door)


def test_no_composition_rules(db):
    user = users.create_user("d@example.org", "tre gröna hästar", StaffRole.door)
    assert user.id
