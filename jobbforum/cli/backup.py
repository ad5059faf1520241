"""``jobbforum backup`` / ``jobbforum restore``: the whole database to a file and back.

PostgreSQL uses ``pg_dump --format=custom`` and ``pg_restore --clean``; SQLite uses SQLite's
online backup API (consistent even while the app is running).
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

import click
from flask import current_app
from sqlalchemy.engine import make_url

from jobbforum import dbpool
from jobbforum.extensions import db


def _libpq_url() -> str:
    url = make_url(db.engine.url.render_as_string(hide_password=False))
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _sqlite_path() -> str:
    database = db.engine.url.database
    if not database or database == ":memory:":
        raise click.ClickException("This SQLite database is in memory; nothing to back up.")
    return database


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise click.ClickException(f"{name} is not installed (Debian: postgresql-client).")
    return found


@click.command("backup")
@click.argument("out", type=click.Path(dir_okay=False, writable=True, path_type=Path))
def backup(out: Path) -> None:
    """Write a backup of the database to OUT."""
    dialect = db.engine.dialect.name
    if dialect == "postgresql":
        result = subprocess.run([_tool("pg_dump"), "--format=custom", "--no-owner",
                                 "--file", str(out), "--dbname", _libpq_url()],
                                capture_output=True, text=True)
        if result.returncode:
            raise click.ClickException(f"pg_dump failed: {result.stderr.strip()}")
    elif dialect == "sqlite":
        db.session.remove()
        with sqlite3.connect(_sqlite_path()) as source, sqlite3.connect(out) as target:
            source.backup(target)
    else:
        raise click.ClickException(f"Backups of {dialect} databases are not supported.")
    click.echo(f"Backed up the {dialect} database to {out} ({out.stat().st_size} bytes).")


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore(file: Path, yes: bool) -> None:
    """Replace the database's contents with the backup in FILE."""
    dialect = db.engine.dialect.name
    if not yes:
        click.confirm(f"This replaces everything in the {dialect} database. Continue?", abort=True)
    db.session.remove()
    dbpool.dispose(current_app._get_current_object())  # type: ignore[attr-defined]
    if dialect == "postgresql":
        result = subprocess.run([_tool("pg_restore"), "--clean", "--if-exists", "--no-owner",
                                 "--single-transaction", "--dbname", _libpq_url(), str(file)],
                                capture_output=True, text=True)
        if result.returncode:
            raise click.ClickException(f"pg_restore failed: {result.stderr.strip()}")
    elif dialect == "sqlite":
        with sqlite3.connect(file) as source, sqlite3.connect(_sqlite_path()) as target:
            source.backup(target)
    else:
        raise click.ClickException(f"Restoring {dialect} databases is not supported.")
    click.echo(f"Restored the {dialect} database from {file}.")
