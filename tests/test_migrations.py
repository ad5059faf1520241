"""Migrations: upgrade → downgrade → upgrade on the session's engine, and no drift from the models."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from jobbforum.app import create_app
from tests.conftest import TEST_DB, _pg_create, _pg_drop


def _check_cycle(app):
    with app.app_context():
        from jobbforum.extensions import db

        upgrade()
        downgrade(revision="base")
        assert set(sa.inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(context, db.metadata) == []
        db.engine.dispose()


def test_upgrade_downgrade_upgrade_no_drift(tmp_path):
    if TEST_DB == "postgresql":
        url = _pg_create()
        try:
            _check_cycle(create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url,
                                     "INSTANCE_PATH": str(tmp_path)}))
        finally:
            _pg_drop(url)
    else:
        url = f"sqlite:///{tmp_path / 'm.sqlite3'}"
        _check_cycle(create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url,
                                 "INSTANCE_PATH": str(tmp_path)}))


def test_flask_db_check_reports_no_drift(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["db", "check"])
    assert result.exit_code == 0, result.output
