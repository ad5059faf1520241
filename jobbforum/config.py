"""Configuration: defaults, then ``JOBBFORUM_*`` environment variables, then explicit overrides.

Every setting a deployment may change is read from an environment variable named
``JOBBFORUM_<NAME>``; :func:`load_config` returns a plain dict that ``create_app`` applies.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from jobbforum.languages import CODES

#: Languages the interface ships in, as app codes (the first is the default); see languages.py.
LANGUAGES = CODES

#: Version of the privacy text people consent to; bump it when the text changes.
PRIVACY_TEXT_VERSION = "2026-11"


class ConfigError(RuntimeError):
    """The configuration cannot run safely (e.g. production without a secret key)."""


def _bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


#: Environment variables read, with the config key each sets and how it is parsed.
ENVIRONMENT: dict[str, tuple[str, Any]] = {
    "JOBBFORUM_DATABASE_URL": ("SQLALCHEMY_DATABASE_URI", str),
    "JOBBFORUM_SECRET_KEY": ("SECRET_KEY", str),
    "JOBBFORUM_MAIL_URL": ("MAIL_URL", str),
    "JOBBFORUM_MAIL_SENDER": ("MAIL_SENDER", str),
    "JOBBFORUM_TIMEZONE": ("TIMEZONE", str),
    "JOBBFORUM_BASE_URL": ("BASE_URL", str),
    "JOBBFORUM_REDIS_URL": ("REDIS_URL", str),
    "JOBBFORUM_DEBUG": ("DEBUG", _bool),
    "JOBBFORUM_UPLOAD_DIR": ("UPLOAD_DIR", str),
    "JOBBFORUM_LOGIN_RATE_LIMIT": ("LOGIN_RATE_LIMIT", str),
    "JOBBFORUM_RETENTION_DAYS": ("RETENTION_DAYS", int),
    "JOBBFORUM_BOOTH_RETENTION_DAYS": ("BOOTH_RETENTION_DAYS", int),
    "JOBBFORUM_DB_PING_AFTER_IDLE_SECONDS": ("DB_PING_AFTER_IDLE_SECONDS", float),
}


def defaults(instance_path: Path) -> dict[str, Any]:
    """Settings used when neither the environment nor overrides say otherwise."""
    return {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance_path / 'jobbforum.sqlite3'}",
        "SQLALCHEMY_ENGINE_OPTIONS": {},
        # A pooled connection idle longer than this is pinged before use (jobbforum/dbpool.py).
        "DB_PING_AFTER_IDLE_SECONDS": 10.0,
        "SECRET_KEY": None,
        "MAIL_URL": None,  # None: write .eml files to instance/outbox/
        "MAIL_SENDER": "Jobbforum <no-reply@jobbforum.localhost>",
        "TIMEZONE": "Europe/Stockholm",
        "BASE_URL": "http://127.0.0.1:5000",
        "REDIS_URL": None,
        "UPLOAD_DIR": str(instance_path / "uploads"),
        "OUTBOX_DIR": str(instance_path / "outbox"),
        "LANGUAGES": LANGUAGES,
        "BABEL_DEFAULT_LOCALE": "sv",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Stockholm",
        "PRIVACY_TEXT_VERSION": PRIVACY_TEXT_VERSION,
        "MAX_CONTENT_LENGTH": 8 * 1024 * 1024,
        "WTF_CSRF_TIME_LIMIT": None,  # tokens live as long as the session
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_NAME": "jobbforum_session",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "LOGIN_RATE_LIMIT": "10 per minute",
        #: Failed logins in a row that lock an account, and for how long (minutes).
        "LOGIN_LOCKOUT_THRESHOLD": 5,
        "LOGIN_LOCKOUT_MINUTES": 15,
        "RATELIMIT_HEADERS_ENABLED": True,
        "RATELIMIT_STORAGE_URI": "memory://",
        #: Days after an event that exhibitors keep the personal part of their booth visits.
        "BOOTH_RETENTION_DAYS": 30,
    }


def load_config(instance_path: Path, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Merge defaults, the environment and ``overrides`` (in that order) and check the result."""
    config = defaults(instance_path)
    for variable, (key, parse) in ENVIRONMENT.items():
        if variable in os.environ and os.environ[variable] != "":
            config[key] = parse(os.environ[variable])
    if overrides:
        config.update(overrides)
    url = config["SQLALCHEMY_DATABASE_URI"]
    if url.startswith("postgres://") or url.startswith("postgresql://"):
        # psycopg 3 is the driver we ship with.
        config["SQLALCHEMY_DATABASE_URI"] = "postgresql+psycopg://" + url.split("://", 1)[1]
    if config.get("REDIS_URL") and not (overrides and "RATELIMIT_STORAGE_URI" in overrides):
        # Several app processes share limits (and lockouts) through Redis.
        config["RATELIMIT_STORAGE_URI"] = config["REDIS_URL"]
    return config


def ensure_secret_key(config: dict[str, Any], instance_path: Path) -> None:
    """Refuse to run in production without a secret key; in debug/testing, make a local one."""
    if config.get("SECRET_KEY"):
        return
    if not (config.get("DEBUG") or config.get("TESTING")):
        raise ConfigError(
            "JOBBFORUM_SECRET_KEY is not set. Set it to a long random value "
            "(e.g. `python -c 'import secrets; print(secrets.token_urlsafe(48))'`)."
        )
    import secrets

    key_file = instance_path / "dev-secret-key"
    if key_file.exists():
        config["SECRET_KEY"] = key_file.read_text().strip()
    else:
        instance_path.mkdir(parents=True, exist_ok=True)
        config["SECRET_KEY"] = secrets.token_urlsafe(48)
        key_file.write_text(config["SECRET_KEY"])
        key_file.chmod(0o600)
