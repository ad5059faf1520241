"""``jobbforum mail``: the outgoing mail queue."""

from __future__ import annotations

import click

from jobbforum.extensions import db
from jobbforum.services import mailer


@click.group(help="Outgoing mail.")
def mail() -> None:
    pass


@mail.command("retry")
@click.option("--all", "ignore_backoff", is_flag=True, help="Also messages not yet due.")
def retry(ignore_backoff: bool) -> None:
    """Send messages whose earlier attempts failed."""
    sent, failed = mailer.retry_pending(ignore_backoff=ignore_backoff)
    db.session.commit()
    click.echo(f"Sent {sent}; not sent {failed}.")
