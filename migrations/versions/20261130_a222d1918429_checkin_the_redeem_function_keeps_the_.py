"""checkin: the redeem function keeps the ticket's id in a variable of its own

``jobbforum_checkin_redeem`` wrote the scan log with ``CASE WHEN v_found THEN v_ticket.id END``.
PL/pgSQL compiles a statement the first time a database session runs it, and needs the record's
structure to do so; a scan with nothing to look up (an empty or over-long code) leaves
``v_ticket`` unset. So when a session's first scan to reach the scan log was such a scan, the
function failed ("record v_ticket is not assigned yet") instead of answering unknown_code: a
door's first scan after a database restart or on a new pooled connection. The id is now copied
to ``v_ticket_id`` only once a ticket was found. The rest of the function is unchanged: it is
revision c4a1d2e5f601's text with these three edits (each checked to apply).

Revision ID: a222d1918429
Revises: 4d172891f432
Create Date: 2026-11-30 18:19:31.931662

"""
import importlib.util
from pathlib import Path

from alembic import op


# revision identifiers, used by Alembic.
revision = 'a222d1918429'
down_revision = '4d172891f432'
branch_labels = None
depends_on = None


def _previous_function() -> str:
    """The function as revision c4a1d2e5f601 created it."""
    (path,) = Path(__file__).parent.glob("*_c4a1d2e5f601_*.py")
    spec = importlib.util.spec_from_file_location("jobbforum_migration_c4a1d2e5f601", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.FUNCTION


#: (text, replacement, how many times it occurs)
EDITS = [
    ("    v_ticket record;\n",
     "    v_ticket record;\n    v_ticket_id integer;\n", 1),
    ("        v_found := FOUND;\n",  # after the look-up by registration and by code
     "        v_found := FOUND;\n        IF v_found THEN\n            v_ticket_id := v_ticket.id;\n"
     "        END IF;\n", 2),
    ("CASE WHEN v_found THEN v_ticket.id END", "v_ticket_id", 1),
]


def _fixed(function: str) -> str:
    for old, new, times in EDITS:
        if function.count(old) != times:
            raise RuntimeError(f"migration a222d1918429: {old.strip()!r} is not in the function "
                               f"{times} time(s)")
        function = function.replace(old, new)
    return function


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_fixed(_previous_function()))


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_previous_function())
