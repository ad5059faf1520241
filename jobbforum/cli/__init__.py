"""The ``jobbforum`` command: Flask's CLI (run, db, shell, routes) plus the project's commands."""

from __future__ import annotations

from flask.cli import FlaskGroup

from jobbforum.cli.backup import backup, restore
from jobbforum.cli.demo import demo
from jobbforum.cli.export import export
from jobbforum.cli.indicators import indicators
from jobbforum.cli.jobs import jobs
from jobbforum.cli.mail import mail
from jobbforum.cli.privacy import privacy
from jobbforum.cli.survey import survey
from jobbforum.cli.users import users
from jobbforum.cli.workshops import workshops_group

#: Commands registered on ``app.cli`` by the factory.
COMMANDS = [users, demo, mail, jobs, backup, restore, export, survey, indicators, privacy,
            workshops_group]


def _create_app():  # type: ignore[no-untyped-def]
    from jobbforum.app import create_app

    return create_app()


main = FlaskGroup(
    name="jobbforum",
    create_app=_create_app,
    help="Jobbforum: events, tickets, check-in, workshops and attendance indicators.",
)
