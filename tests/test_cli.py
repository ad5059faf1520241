"""The ``jobbforum`` command line."""

from __future__ import annotations

import subprocess
import sys

import sqlalchemy as sa

from jobbforum.models import Event, Person, ProgrammeRound, StaffUser
from tests.conftest import TEST_PASSWORD


def test_users_create_with_password_stdin(app, db):
    result = app.test_cli_runner().invoke(
        args=["users", "create", "ny@example.org", "--role", "door", "--password-stdin"],
        input=TEST_PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    user = db.session.scalar(sa.select(StaffUser).where(StaffUser.email == "ny@example.org"))
    assert user.role.value == "door"
    again = app.test_cli_runner().invoke(
        args=["users", "create", "ny@example.org", "--role", "door", "--password-stdin"],
        input=TEST_PASSWORD + "\n")
    assert again.exit_code != 0 and "already exists" in again.output


def test_users_create_rejects_short_password(app, db):
    result = app.test_cli_runner().invoke(
        args=["users", "create", "x@example.org", "--role", "admin", "--password-stdin"],
        input="short\n")
    assert result.exit_code != 0 and "at least" in result.output


def test_demo_load_is_idempotent_and_prints_logins(app, db):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "load", "--participants", "30", "--exhibitors", "5"])
    assert first.exit_code == 0, first.output
    assert "admin@example.org" in first.output and "door@example.org" in first.output
    counts = {m: db.session.scalar(sa.select(sa.func.count()).select_from(m))
              for m in (Event, Person, ProgrammeRound, StaffUser)}
    second = runner.invoke(args=["demo", "load", "--participants", "30", "--exhibitors", "5"])
    assert second.exit_code == 0, second.output
    assert counts == {m: db.session.scalar(sa.select(sa.func.count()).select_from(m))
                      for m in counts}
    assert db.session.scalar(sa.select(Event).where(Event.slug == "jobbforum-demo")) is not None
    # The printed password works.
    line = next(li for li in second.output.splitlines() if "admin@example.org" in li)
    password = line.split()[-1]
    client = app.test_client()
    response = client.post("/login", data={"email": "admin@example.org", "password": password})
    assert response.status_code == 302


def test_console_script_runs_without_app_option():
    result = subprocess.run([sys.executable, "-m", "jobbforum.cli", "--help"],
                            capture_output=True, text=True, timeout=60,
                            env={"JOBBFORUM_DEBUG": "1", "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr
    for command in ("db", "demo", "users", "run"):
        assert command in result.stdout
