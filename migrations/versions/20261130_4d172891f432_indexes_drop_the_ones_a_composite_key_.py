"""indexes: drop the ones a composite key already covers, index foreign keys with ON DELETE

Nine single-column indexes repeated the first column of a unique constraint or index of the same
table (``checkins.ticket_id`` is served by ``(ticket_id, list_id)``, and so on): each cost a
write on every insert, a door scan's included, and served no query the composite does not.

Five foreign keys that delete or null their rows with the parent had no index, so deleting the
parent read the whole child table: undoing a check-in (``checkin_scans.checkin_id``, SET NULL)
scanned the event's whole scan log while the door waited, about 3 ms for 24,000 scans.
``tests/test_schema.py`` keeps both rules.

Revision ID: 4d172891f432
Revises: c4a1d2e5f601
Create Date: 2026-11-30 17:37:20.680713

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '4d172891f432'
down_revision = 'c4a1d2e5f601'
branch_labels = None
depends_on = None


#: (table, index, columns) dropped: a unique constraint or index of the table starts with them.
REDUNDANT = [
    ("bookings", "ix_bookings_session_id", ["session_id"]),
    ("booth_visits", "ix_booth_visits_exhibitor_id", ["exhibitor_id"]),
    ("checkin_lists", "ix_checkin_lists_event_id", ["event_id"]),
    ("checkins", "ix_checkins_ticket_id", ["ticket_id"]),
    ("exhibitor_registrations", "ix_exhibitor_registrations_event_id", ["event_id"]),
    ("registrations", "ix_registrations_event_id", ["event_id"]),
    ("survey_responses", "ix_survey_responses_participant_code", ["participant_code"]),
    ("workshop_preferences", "ix_workshop_preferences_person_id", ["person_id"]),
    ("workshop_theme_settings", "ix_workshop_theme_settings_round_id", ["round_id"]),
]

#: (table, index, columns) added: foreign keys that delete or null their rows with the parent.
FOREIGN_KEYS = [
    ("booth_visits", "ix_booth_visits_scanned_by_id", ["scanned_by_id"]),
    ("checkin_scans", "ix_checkin_scans_checkin_id", ["checkin_id"]),
    ("event_rounds", "ix_event_rounds_round_id", ["round_id"]),
    ("exhibitor_sectors", "ix_exhibitor_sectors_sector_id", ["sector_id"]),
    ("session_rounds", "ix_session_rounds_round_id", ["round_id"]),
]


def _create(indexes):
    for table, name, columns in indexes:
        with op.batch_alter_table(table) as batch_op:
            batch_op.create_index(name, columns, unique=False)


def _drop(indexes):
    for table, name, _columns in indexes:
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_index(name)


def upgrade():
    _drop(REDUNDANT)
    _create(FOREIGN_KEYS)


def downgrade():
    _drop(FOREIGN_KEYS)
    _create(REDUNDANT)
