"""Facts about the store itself, kept in the store: the ``rbp_meta`` table.

One row per fact, ``name`` -> ``value``. Today the only fact is ``tz``, the agency's
time zone, written when the store is created (migration 0006 makes the table). The
table belongs to :data:`rbp._schema.metadata`, so the migrated schema and the
metadata stay one description of the database.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from rbp._schema import metadata

__all__ = ["ZONE", "metadata", "rbp_meta", "read", "record"]

ZONE = "tz"

rbp_meta = sa.Table(
    "rbp_meta",
    metadata,
    sa.Column("name", sa.String(40), primary_key=True),
    sa.Column("value", sa.String(400), nullable=False),
)


def read(conn: Connection) -> dict[str, str]:
    """Every fact the store records, by name."""
    rows = conn.execute(sa.select(rbp_meta.c.name, rbp_meta.c.value)).all()
    return {str(name): str(value) for name, value in rows}


def record(conn: Connection, name: str, value: str) -> None:
    """Record a fact once; a fact already recorded is left as it is."""
    if conn.execute(sa.select(rbp_meta.c.name).where(rbp_meta.c.name == name)).first() is None:
        conn.execute(sa.insert(rbp_meta).values(name=name, value=value))
