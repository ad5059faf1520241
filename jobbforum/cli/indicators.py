"""``jobbforum indicators``: the indicator table (same figures as the coordinators' page)."""

from __future__ import annotations

import sys

import click

from jobbforum.cli.export import cli_actor
from jobbforum.documents.indicator_export import indicators_csv, indicators_json
from jobbforum.extensions import db
from jobbforum.services.errors import DomainError
from jobbforum.services.indicator_data import GROUPINGS, indicator_table, record_export
from jobbforum.services.indicators import DEFAULT_SUPPRESS_BELOW


@click.command("indicators")
@click.option("--round", "rounds", multiple=True, metavar="SLUG",
              help="Only participants of this programme round (repeatable).")
@click.option("--by", type=click.Choice(list(GROUPINGS)), default=None, help="Group rows by this.")
@click.option("--suppress-below", type=click.IntRange(0, None), default=DEFAULT_SUPPRESS_BELOW,
              show_default=True, help="Suppress counts below this (0 or 1: none).")
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv",
              show_default=True)
def indicators(rounds: tuple[str, ...], by: str | None, suppress_below: int, fmt: str) -> None:
    """Print the indicators per group (first group: all) to standard output."""
    try:
        rows = indicator_table(rounds, by=by, suppress_below=suppress_below)
    except DomainError as error:
        raise click.ClickException(error.message) from error
    data = indicators_csv(rows) if fmt == "csv" else indicators_json(rows)
    record_export("indicators", rows=len(rows), fmt=fmt, actor_label=cli_actor(),
                  rounds=list(rounds), by=by, suppress_below=suppress_below)
    db.session.commit()
    sys.stdout.write(data)
