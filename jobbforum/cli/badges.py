"""``jobbforum badges``: print an event's badges or tickets to a PDF file."""

from __future__ import annotations

import time
from pathlib import Path

import click

from jobbforum.models import RegistrationStatus, Role
from jobbforum.services.errors import NotFound


@click.command("badges")
@click.argument("event_slug")
@click.option("--out", "out", type=click.Path(dir_okay=False, writable=True, path_type=Path),
              required=True, help="The PDF file to write.")
@click.option("--layout", type=click.Choice(["a4-8up", "a6"]), default="a4-8up", show_default=True,
              help="A4 sheets with 8 badges and cut marks, or one A6 ticket a page.")
@click.option("--role", type=click.Choice([r.value for r in Role]), default=None,
              help="Only people with this role.")
@click.option("--round", "round_slug", default=None, help="Only people of this programme round (slug).")
def badges(event_slug: str, out: Path, layout: str, role: str | None, round_slug: str | None) -> None:
    """Badges of EVENT_SLUG's confirmed registrations with an active ticket."""
    from jobbforum.documents import tickets as ticket_documents
    from jobbforum.services import events, registrations

    try:
        event = events.get_event(event_slug)
        round_id = events.get_round(round_slug).id if round_slug else None
    except NotFound as error:
        raise click.ClickException(error.message) from None
    found = [r for r in registrations.list_registrations(
        event, role=Role(role) if role else None, round_id=round_id,
        status=RegistrationStatus.confirmed) if r.active_ticket is not None]
    if not found:
        raise click.ClickException(
            "Nobody to print: no confirmed registrations with an active ticket match.")
    with click.progressbar(length=len(found), label=f"{len(found)} badges",
                           file=click.get_text_stream("stderr")) as bar:
        def advance(done: int) -> None:
            bar.update(done - bar.pos)

        started = time.perf_counter()
        pdf = ticket_documents.badge_sheet(found, layout=layout, progress=advance, title=event.title)
        seconds = time.perf_counter() - started
    out.write_bytes(pdf)
    click.echo(f"Wrote {len(found)} badges to {out} in {seconds:.2f} s "
               f"({len(found) / max(seconds, 1e-9):.0f} badges/s).")
