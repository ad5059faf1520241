"""Schema rules over the models (the migrations match them: tests/test_migrations.py).

* No index repeats the leading columns of another index or unique key of its table: it would
  cost a write on every insert (a door scan's too) and serve no query the longer one does not.
* A foreign key that deletes or nulls its rows with the parent is the leading column of some
  index, so deleting the parent (undoing a check-in, deleting an event) does not read the whole
  child table. The exceptions are listed with their reason.
"""

from __future__ import annotations

import sqlalchemy as sa

from jobbforum.models import Base

#: (table, column): foreign keys with ON DELETE left without an index, and why.
UNINDEXED_ON_PURPOSE = {
    # Devices and staff accounts are revoked, seldom deleted; deleting one may read the
    # check-in tables once, while an index would cost every scan at the door.
    ("checkins", "device_id"),
    ("checkins", "staff_user_id"),
    ("checkin_scans", "device_id"),
    ("checkin_scans", "staff_user_id"),
}


def _keys(table: sa.Table) -> list[tuple[str, tuple[str, ...], bool]]:
    """(name, columns, is a plain non-unique index) for every index and unique/primary key."""
    keys = [(str(ix.name), tuple(c.name for c in ix.columns), not ix.unique) for ix in table.indexes
            if not any(ix.dialect_options[d].get("where") is not None  # partial: covers less
                       for d in ("postgresql", "sqlite"))]
    keys += [(str(c.name), tuple(col.name for col in c.columns), False)
             for c in table.constraints
             if isinstance(c, sa.UniqueConstraint | sa.PrimaryKeyConstraint)]
    return keys


def redundant_indexes(metadata: sa.MetaData) -> list[str]:
    found = []
    for table in metadata.sorted_tables:
        keys = _keys(table)
        for name, columns, plain in keys:
            for other, other_columns, _ in keys:
                if (plain and other != name and len(other_columns) > len(columns)
                        and other_columns[:len(columns)] == columns):
                    found.append(f"{table.name}.{name} (covered by {other})")
    return found


def unindexed_cascades(metadata: sa.MetaData) -> list[tuple[str, str]]:
    found = []
    for table in metadata.sorted_tables:
        leading = {columns[0] for _, columns, _ in _keys(table)}
        for fk in table.foreign_keys:
            if fk.ondelete and fk.parent.name not in leading:
                found.append((table.name, fk.parent.name))
    return sorted(found)


def test_no_index_repeats_the_start_of_another():
    assert redundant_indexes(Base.metadata) == []


def test_foreign_keys_that_delete_with_their_parent_are_indexed():
    assert set(unindexed_cascades(Base.metadata)) == UNINDEXED_ON_PURPOSE


def test_the_rules_catch_what_they_are_for():
    """Controls: a table with each fault is reported."""
    metadata = sa.MetaData()
    sa.Table("parent", metadata, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table("child", metadata, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("parent_id", sa.ForeignKey("parent.id", ondelete="CASCADE"), index=True),
             sa.Column("other_id", sa.ForeignKey("parent.id", ondelete="SET NULL")),
             sa.Column("kind", sa.String(8)),
             sa.UniqueConstraint("parent_id", "kind", name="uq_child_parent_kind"))
    assert redundant_indexes(metadata) == ["child.ix_child_parent_id (covered by uq_child_parent_kind)"]
    assert unindexed_cascades(metadata) == [("child", "other_id")]
