"""languages: Dari is stored as prs

Person.preferred_language and ExhibitorRegistration.contact_language hold app codes from
jobbforum/languages.py. Dari is ``prs`` (its Babel locale is fa_AF); rows that stored ``fa`` or
``fa_AF`` for it (the demo did) become ``prs``. Data only, no schema change.

Revision ID: bcef7300e4b9
Revises: 81747fe5c960
Create Date: 2026-11-30 07:18:23.340630

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'bcef7300e4b9'
down_revision = '81747fe5c960'
branch_labels = None
depends_on = None


def upgrade():
    for table, column in (("people", "preferred_language"),
                          ("exhibitor_registrations", "contact_language")):
        op.execute(sa.text(f"UPDATE {table} SET {column} = 'prs' "
                           f"WHERE {column} IN ('fa', 'fa_AF', 'fa-AF')"))


def downgrade():
    pass  # "prs" is what the older code would also accept as unknown → the default language
