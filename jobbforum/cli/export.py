"""``jobbforum export attendance``: the pseudonymous attendance export for evaluators."""

from __future__ import annotations

import getpass
from datetime import datetime
from pathlib import Path

import click

from jobbforum.documents import attendance_export
from jobbforum.extensions import db
from jobbforum.services.attendance import attendance_rows
from jobbforum.services.errors import DomainError
from jobbforum.services.indicator_data import record_export


def cli_actor() -> str:
    """Who acted, for the audit log, when a command is run from a shell."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # pragma: no cover - no user name (containers)
        return "cli"


@click.group(help="Exports (pseudonymous: no names, emails or phone numbers).")
def export() -> None:
    pass


@export.command("attendance")
@click.option("--round", "rounds", multiple=True, metavar="SLUG",
              help="Only people of this programme round (repeatable).")
@click.option("--from", "date_from", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Only events and sessions on or after this date (YYYY-MM-DD).")
@click.option("--to", "date_to", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Only events and sessions on or before this date (YYYY-MM-DD).")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="csv",
              show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="File to write.")
@click.option("--datapackage", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Also write a Frictionless data package (CSV + datapackage.json) here.")
def attendance(rounds: tuple[str, ...], date_from: datetime | None, date_to: datetime | None,
               fmt: str, out: Path, datapackage: Path | None) -> None:
    """One row per person and round, keyed by participant_code."""
    filters = dict(rounds=rounds, date_from=date_from.date() if date_from else None,
                   date_to=date_to.date() if date_to else None)
    if filters["date_from"] and filters["date_to"] and filters["date_from"] > filters["date_to"]:
        raise click.BadParameter("--from must not be after --to")
    try:
        rows = attendance_rows(**filters)
    except DomainError as error:
        raise click.ClickException(error.message) from error
    if fmt == "csv":
        with out.open("w", encoding="utf-8", newline="") as stream:
            count = attendance_export.write_csv(rows, stream)
    else:
        count = attendance_export.write_xlsx(rows, out)
    if datapackage is not None:
        attendance_export.write_datapackage(attendance_rows(**filters), datapackage)
    record_export("attendance", rows=count, fmt=fmt, actor_label=cli_actor(),
                  rounds=list(rounds), date_from=filters["date_from"], date_to=filters["date_to"],
                  datapackage=bool(datapackage))
    db.session.commit()
    click.echo(f"Wrote {count} rows to {out}" + (f" and a data package to {datapackage}"
                                                   if datapackage else ""))
