"""``jobbforum users``: staff accounts."""

from __future__ import annotations

import sys

import click

from jobbforum.extensions import db
from jobbforum.models import StaffRole
from jobbforum.services import users as user_service
from jobbforum.services.errors import DomainError


@click.group(help="Manage staff accounts.")
def users() -> None:
    pass


@users.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in StaffRole]), required=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create(email: str, role: str, password_stdin: bool) -> None:
    """Create a staff account with EMAIL."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = user_service.create_user(email, password, StaffRole(role), actor_label="cli")
    except DomainError as error:
        raise click.ClickException(error.message) from error
    db.session.commit()
    click.echo(f"Created {user.role.value} {user.email}")


@users.command("set-password")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def set_password(email: str, password_stdin: bool) -> None:
    """Set a new password for EMAIL (ends all its sessions)."""
    user = user_service.find_user(email)
    if user is None:
        raise click.ClickException(f"No staff account {email}")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user_service.set_password(user, password, actor_label="cli")
    except DomainError as error:
        raise click.ClickException(error.message) from error
    db.session.commit()
    click.echo(f"Password changed for {user.email}")
