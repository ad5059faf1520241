"""``jobbforum demo``: realistic demo data."""

from __future__ import annotations

import click
from flask import current_app


@click.group(help="Demo data.")
def demo() -> None:
    pass


@demo.command("load")
@click.option("--participants", default=60, show_default=True, type=click.IntRange(1, 20000))
@click.option("--exhibitors", default=24, show_default=True, type=click.IntRange(0, 2000))
def load(participants: int, exhibitors: int) -> None:
    """Load (or top up) the demo: event ``jobbforum-demo``, rounds, people, staff logins."""
    from jobbforum import demo as demo_data

    context = demo_data.load(participants=participants, exhibitors=exhibitors)
    click.echo(f"Demo event: {current_app.config['BASE_URL']}/events/{demo_data.DEMO_EVENT}")
    click.echo("Demo staff logins (new passwords on every load):")
    for email, password, role in context.logins:
        click.echo(f"  {role:<12} {email:<28} {password}")
