"""``jobbforum workshops``: round-wide assignment of workshop sessions."""

from __future__ import annotations

import click

from jobbforum.extensions import db
from jobbforum.labels import label
from jobbforum.models import Theme
from jobbforum.services import events, workshop_assign, workshops
from jobbforum.services.errors import DomainError

ASSIGNABLE = [t.value for t in Theme if t is not Theme.other]


@click.group(help="Workshop sessions and bookings.")
def workshops_group() -> None:
    pass


@workshops_group.command("assign")
@click.argument("round_slug")
@click.option("--theme", required=True, type=click.Choice(ASSIGNABLE))
@click.option("--yes", is_flag=True, help="Book the plan without asking.")
def assign(round_slug: str, theme: str, yes: bool) -> None:
    """Place everyone of ROUND_SLUG without a seat in THEME, by their ranked preferences.

    Shows how many got their 1st/2nd/3rd choice first; nothing changes until you confirm.
    """
    try:
        programme_round = events.get_round(round_slug)
        preview = workshop_assign.preview(programme_round, Theme(theme))
    except DomainError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"{programme_round.name}: {label(preview.theme)}")
    for session in preview.sessions:
        load = preview.plan.session_loads().get(session.id, 0)
        click.echo(f"  session {session.id:>5}  {session.starts_at:%Y-%m-%d %H:%M} UTC  "
                   f"seats left {preview.remaining[session.id]:>3}  gets {load:>3}")
    click.echo(f"To place: {preview.plan.total}; placed: {preview.plan.assigned_count}")
    for rank, count in preview.choice_counts:
        click.echo(f"  choice {rank}: {count}")
    click.echo(f"  not ranked / no preferences: {preview.not_ranked}")
    if preview.plan.unassigned:
        click.echo(f"  no seat: {len(preview.plan.unassigned)}")
    if not preview.plan.assigned_count:
        click.echo("Nothing to book.")
        return
    if not yes and not click.confirm("Book this plan?", default=False):
        click.echo("Nothing was changed.")
        return
    try:
        _preview, mails = workshop_assign.confirm(programme_round, Theme(theme),
                                                  preview.fingerprint, actor=None,
                                                  actor_label="cli")
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from None
    db.session.commit()
    workshops.deliver(mails)
    db.session.commit()
    click.echo(f"Booked {preview.plan.assigned_count} people.")


workshops_group.name = "workshops"
