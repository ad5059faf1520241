"""The factory, configuration, security headers and error pages."""

from __future__ import annotations

import pytest

from jobbforum.app import create_app
from jobbforum.config import ConfigError


def test_refuses_to_start_in_production_without_secret_key(tmp_path, monkeypatch):
    monkeypatch.delenv("JOBBFORUM_SECRET_KEY", raising=False)
    monkeypatch.delenv("JOBBFORUM_DEBUG", raising=False)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    with pytest.raises(ConfigError, match="JOBBFORUM_SECRET_KEY"):
        create_app({"INSTANCE_PATH": str(tmp_path)})


def test_environment_then_overrides(tmp_path, monkeypatch):
    monkeypatch.setenv("JOBBFORUM_SECRET_KEY", "from-env" * 5)
    monkeypatch.setenv("JOBBFORUM_TIMEZONE", "Europe/Helsinki")
    monkeypatch.setenv("JOBBFORUM_DATABASE_URL", "postgres://u@db.invalid/x")
    app = create_app({"INSTANCE_PATH": str(tmp_path), "TIMEZONE": "Europe/Oslo"})
    assert app.config["SECRET_KEY"] == "from-env" * 5
    assert app.config["TIMEZONE"] == "Europe/Oslo"
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql+psycopg://")
    assert app.config["SESSION_COOKIE_SECURE"] is True  # production: Secure cookies
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_default_database_is_sqlite_in_instance(tmp_path, monkeypatch):
    monkeypatch.delenv("JOBBFORUM_DATABASE_URL", raising=False)
    app = create_app({"INSTANCE_PATH": str(tmp_path), "TESTING": True})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'jobbforum.sqlite3'}"
    assert app.config["MAIL_URL"] is None
    assert app.config["TIMEZONE"] == "Europe/Stockholm"


def test_debug_makes_a_local_secret_key(tmp_path, monkeypatch):
    monkeypatch.delenv("JOBBFORUM_SECRET_KEY", raising=False)
    first = create_app({"INSTANCE_PATH": str(tmp_path), "DEBUG": True})
    second = create_app({"INSTANCE_PATH": str(tmp_path), "DEBUG": True})
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert len(first.config["SECRET_KEY"]) >= 32


def test_sqlite_runs_with_wal_and_foreign_keys(db):
    if db.engine.dialect.name != "sqlite":
        assert db.engine.dialect.driver == "psycopg"  # PostgreSQL goes through psycopg 3
        return
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_sql_errors_keep_their_parameters_out_of_the_message(db):
    """Statement parameters carry personal data: SQLAlchemy's error message (what a logged
    traceback shows) leaves them out, on the app's engine and its autocommit pool alike."""
    import sqlalchemy as sa

    from jobbforum.dbpool import autocommit_engine, one_row

    name = "Amina Hemlig-Exempel"
    statement = sa.text("SELECT no_such_column FROM people WHERE name = :name")
    with pytest.raises(sa.exc.DBAPIError) as raised:
        db.session.execute(statement, {"name": name})
    db.session.rollback()
    assert name not in str(raised.value) and "hide_parameters" in str(raised.value)
    if (auto := autocommit_engine()) is not None:
        with pytest.raises(sa.exc.DBAPIError) as raised:
            one_row(auto, statement, {"name": name})
        assert name not in str(raised.value) and "hide_parameters" in str(raised.value)


SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


@pytest.mark.parametrize("path", ["/", "/login", "/does-not-exist", "/api/v1/ping"])
def test_security_headers_on_every_response(client, path):
    response = client.get(path)
    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    for name in (*SECURITY_HEADERS, "Content-Security-Policy", "Cache-Control"):
        assert len(response.headers.getlist(name)) == 1, name  # each once


def test_a_views_own_header_is_kept(app):
    """The security headers fill in what a view left out; what it set stays as it set it."""
    from flask import make_response

    with app.test_request_context("/anything"):
        response = make_response("x")
        response.headers["x-frame-options"] = "SAMEORIGIN"
        response.headers["Cache-Control"] = "max-age=60"
        response = app.process_response(response)
    assert response.headers.getlist("X-Frame-Options") == ["SAMEORIGIN"]
    assert response.headers.getlist("Cache-Control") == ["max-age=60"]
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_no_inline_scripts_or_cdn(client):
    html = client.get("/").get_data(as_text=True)
    assert "<script>" not in html and "onclick=" not in html
    assert "cdn" not in html.lower() and "https://" not in html


def test_html_error_pages_in_site_design(client):
    response = client.get("/nope")
    assert response.status_code == 404
    body = response.get_data(as_text=True)
    assert 'class="site-header"' in body and "404" in body


def test_json_errors_under_api(client):
    response = client.get("/api/v1/nope")
    assert response.status_code == 404
    assert response.json == {"status": "error", "reason": "not_found"}
    response = client.post("/api/v1/ping")
    assert response.status_code == 405 and response.json["status"] == "error"


def test_500_is_a_page_not_a_traceback(tmp_path):
    app = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path),
                      "PROPAGATE_EXCEPTIONS": False})

    @app.get("/__boom")
    @app.get("/api/v1/__boom")
    def boom():  # pragma: no cover - raises
        raise RuntimeError("kaboom")

    client = app.test_client()
    response = client.get("/__boom")
    assert response.status_code == 500
    assert "kaboom" not in response.get_data(as_text=True)
    assert "site-header" in response.get_data(as_text=True)
    response = client.get("/api/v1/__boom")
    assert response.status_code == 500
    assert response.json == {"status": "error", "reason": "internal_error"}


def test_language_switch_remembered(client):
    response = client.get("/?lang=en")
    assert 'lang="en"' in response.get_data(as_text=True)
    assert "lang=en" in response.headers["Set-Cookie"]
    assert 'lang="en"' in client.get("/").get_data(as_text=True)
    assert 'lang="sv"' in client.get("/?lang=sv").get_data(as_text=True)


def test_swedish_is_default(client):
    body = client.get("/", headers={"Accept-Language": ""}).get_data(as_text=True)
    assert 'lang="sv"' in body
    assert "Hoppa till innehållet" in body


def test_openapi_document(client):
    spec = client.get("/api/v1/openapi.json").json
    assert spec["openapi"].startswith("3.")
    assert "/ping" in spec["paths"]
