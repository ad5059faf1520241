"""privacy: the scan log no longer names people erased or purged before

The door's scan log keeps each answer, and an answer to a scan of a valid ticket names the
holder. Erasing a person (keeping attendance) and the retention purge emptied the person's name
but left it in those answers; they now take it out (``checkin.forget_holder_names``). This
does the same for the people erased or purged before: every logged answer whose holder's name
is now empty loses the name it kept. Nothing to undo on the way down.

Revision ID: a58564c979ac
Revises: 71f5160c69e1
Create Date: 2026-11-30 21:56:08.107870

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a58564c979ac'
down_revision = '71f5160c69e1'
branch_labels = None
depends_on = None

scans = sa.table("checkin_scans", sa.column("id", sa.Integer), sa.column("ticket_id", sa.Integer),
                 sa.column("answer", sa.JSON))
tickets = sa.table("tickets", sa.column("id", sa.Integer), sa.column("registration_id", sa.Integer))
registrations = sa.table("registrations", sa.column("id", sa.Integer),
                         sa.column("person_id", sa.Integer))
people = sa.table("people", sa.column("id", sa.Integer), sa.column("name", sa.String))


def upgrade():
    connection = op.get_bind()
    erased = (sa.select(scans.c.id, scans.c.answer)
              .join(tickets, tickets.c.id == scans.c.ticket_id)
              .join(registrations, registrations.c.id == tickets.c.registration_id)
              .join(people, people.c.id == registrations.c.person_id)
              .where(people.c.name == ""))
    for scan_id, answer in connection.execute(erased).all():
        holder = (answer or {}).get("holder")
        if isinstance(holder, dict) and holder.get("display_name"):
            connection.execute(sa.update(scans).where(scans.c.id == scan_id).values(
                answer={**answer, "holder": {**holder, "display_name": ""}}))


def downgrade():
    pass
