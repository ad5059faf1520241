"""``jobbforum privacy``: purge old personal data, erase a person, export a person's data."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import click

from jobbforum.cli.export import cli_actor
from jobbforum.extensions import db
from jobbforum.services import privacy as privacy_service
from jobbforum.services.errors import DomainError


@click.group(help="Personal data: purge, erase, access export.")
def privacy() -> None:
    pass


@privacy.command("purge")
@click.option("--ended-before", type=click.DateTime(["%Y-%m-%d"]), required=True,
              help="Purge people and contacts whose last event ended before this date.")
@click.option("--dry-run", is_flag=True, help="Only count what would be purged.")
def purge(ended_before: datetime, dry_run: bool) -> None:
    """Remove names, emails, phones, free text and logos; keep pseudonymous data."""
    report = privacy_service.purge(ended_before.date(), dry_run=dry_run, actor_label=cli_actor())
    db.session.commit()
    verb = "Would purge" if dry_run else "Purged"
    click.echo(f"{verb} {report.people} people, {report.exhibitor_contacts} exhibitor contacts, "
               f"{report.logos} logos and {report.mails} mails.")


@privacy.command("erase")
@click.argument("participant_code")
@click.option("--include-attendance", is_flag=True,
              help="Also delete registrations, check-ins, bookings and survey responses.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def erase(participant_code: str, include_attendance: bool, yes: bool) -> None:
    """Erase the person with PARTICIPANT_CODE (right to erasure)."""
    try:
        person = privacy_service.find_person(participant_code)
    except DomainError as error:
        raise click.ClickException(error.message) from error
    if not yes:
        click.confirm(f"Erase {person.participant_code}?", abort=True)
    counts = privacy_service.erase_person(person, include_attendance_link=include_attendance,
                                          actor_label=cli_actor())
    db.session.commit()
    click.echo("Erased: " + ", ".join(f"{k} {v}" for k, v in counts.items()))


@privacy.command("access-export")
@click.argument("participant_code")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="File to write (default: standard output).")
def access_export(participant_code: str, out: Path | None) -> None:
    """Everything stored about PARTICIPANT_CODE, as JSON (right of access)."""
    try:
        person = privacy_service.find_person(participant_code)
    except DomainError as error:
        raise click.ClickException(error.message) from error
    data = json.dumps(privacy_service.access_export(person, actor_label=cli_actor()),
                      ensure_ascii=False, indent=2) + "\n"
    db.session.commit()
    if out:
        out.write_text(data, encoding="utf-8")
    else:
        click.echo(data, nl=False)
