"""The big tables as PostgreSQL range partitions by time: the DDL, made from the metadata.

A store's history grows without end while every windowed answer reads a few months
of it. On PostgreSQL the tables in :data:`PARTITIONED` can be laid out as declarative
partitions (``PARTITION BY RANGE``) on their time column, in spans of whole 30-day
buckets (:data:`BUCKET`, the ``bucket`` unit of the monthly pair checkpoints), so a
window's query reads only the partitions it overlaps (partition pruning) and old
partitions can be detached, archived or moved to cheaper storage as a whole.

The DDL is derived from :data:`rbp._schema.metadata`, so it follows every migration:
the same columns, defaults, indexes (made on the parent: PostgreSQL builds one per
partition) and foreign keys, with two changes PostgreSQL requires of a partitioned
table:

* its primary key (and any unique constraint) gains the partition column:
  ``interactions`` is keyed ``(id, at)``;
* a foreign key can only point at a partitioned table through such a key, so a
  reference to ``interactions(id)`` becomes ``(interaction_id, at) -> (id, at)`` in the
  tables whose ``at`` is their interaction's time (:data:`SAME_TIME`), and is dropped in
  the others (topics, survey responses): rbp checks those ids itself before it writes.

Each table gets one partition per span from ``start`` to ``end``, one ``_before`` for
everything earlier (``MINVALUE``) and a ``DEFAULT`` one, ``_later``, for what lies past
the last span, so no write ever fails for want of a partition. Partitions are named
after their first bucket (``interactions_b00646`` holds buckets 646 to 648 when a span
is 3), the same number in every table, so the partitions of one time span line up.

Examples
--------
>>> sql = layout_sql(first=646, last=652, span=3)
>>> [s.split(" PARTITION OF ")[0].split()[-1] for s in sql if " OF interactions " in s]
... # doctest: +NORMALIZE_WHITESPACE
['interactions_before', 'interactions_b00645', 'interactions_b00648',
 'interactions_b00651', 'interactions_later']
>>> [s for s in sql if s.endswith("DEFAULT")][0]
'CREATE TABLE interactions_later PARTITION OF interactions DEFAULT'
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from rbp._schema._tables import metadata

__all__ = [
    "BUCKET",
    "PARTITIONED",
    "SAME_TIME",
    "layout_sql",
    "partition_sql",
    "spans",
    "tables",
]

BUCKET = 30 * 86_400 * 1_000_000
"""One bucket: 30 days in microseconds (the ``bucket`` unit of the pair checkpoints)."""

PARTITIONED: dict[str, tuple[str, int]] = {
    "interactions": ("at", BUCKET),
    "interaction_participants": ("at", BUCKET),
    "tie_months": ("bucket", 1),
}
"""Table -> (its time column, how many of the column's units make one bucket).

``at`` is in microseconds, so a bucket is :data:`BUCKET` of them; a column that holds
bucket numbers itself (the monthly checkpoints' ``bucket``) takes 1. A name the schema
does not have (yet) is left out: :func:`tables`.
"""

SAME_TIME = frozenset({"interaction_participants", "interaction_areas"})
"""Tables whose ``at`` is a copy of their interaction's ``at`` (the log writes both)."""

_PG = postgresql.dialect()  # type: ignore[no-untyped-call]


def tables() -> list[sa.Table]:
    """The tables of :data:`PARTITIONED` that the schema has, parents first."""
    return [tb for tb in metadata.sorted_tables if tb.name in PARTITIONED]


def spans(first: int, last: int, span: int) -> list[int]:
    """The first bucket of every span of ``span`` buckets that holds a bucket of
    ``first..last``; spans start at multiples of ``span`` (counted from 1970).

    Parameters
    ----------
    first
        The first bucket to cover.
    last
        The last bucket to cover.
    span
        Buckets per span.

    Returns
    -------
    list of int
        The spans' first buckets, in order.

    Examples
    --------
    >>> spans(646, 652, 3)
    [645, 648, 651]
    """
    return list(range(first // span * span, last + 1, span))


def layout_sql(*, first: int, last: int, span: int) -> list[str]:
    """The DDL that turns an empty, migrated store's big tables into partitioned ones.

    Drops the plain tables (they must be empty) and makes them again, partitioned,
    with partitions for buckets ``first..last`` in spans of ``span`` buckets.

    Parameters
    ----------
    first
        The first bucket to give a partition of its own.
    last
        The last such bucket.
    span
        Buckets per partition.

    Returns
    -------
    list of str
        The statements, in order.

    Examples
    --------
    >>> sql = layout_sql(first=646, last=646, span=3)
    >>> sql[0]
    'DROP TABLE interaction_participants CASCADE'
    >>> print(sql[3])  # doctest: +NORMALIZE_WHITESPACE
    CREATE TABLE interactions (id BIGINT NOT NULL, at BIGINT NOT NULL, kind VARCHAR(30)
    NOT NULL, attendees INTEGER DEFAULT '0' NOT NULL, duration_s INTEGER, follow_up_by
    BIGINT, plan VARCHAR(200), concern VARCHAR(200), notes TEXT, CONSTRAINT
    pk_interactions PRIMARY KEY (id, at)) PARTITION BY RANGE (at)
    """
    big = tables()
    out = [f"DROP TABLE {tb.name} CASCADE" for tb in reversed(big)]
    for tb in big:
        out.append(_create(tb))
        out.extend(partition_sql(tb.name, first=first, last=last, span=span, edges=True))
        out.extend(str(sa.schema.CreateIndex(ix).compile(dialect=_PG)) for ix in tb.indexes)
    # References from the tables left as they were (CASCADE dropped them).
    for tb in metadata.sorted_tables:
        if tb.name in PARTITIONED:
            continue
        for fk in tb.foreign_key_constraints:
            text = _reference(fk)
            if fk.referred_table.name in PARTITIONED and text:
                out.append(f"ALTER TABLE {tb.name} ADD {text}")
    return out


def partition_sql(name: str, *, first: int, last: int, span: int, edges: bool) -> list[str]:
    """``CREATE TABLE ... PARTITION OF`` for table ``name``'s spans over ``first..last``
    (and, with ``edges``, its ``_before`` and ``_later`` partitions)."""
    column, unit = PARTITIONED[name]
    del column
    starts = spans(first, last, span)
    out = []
    if edges:
        out.append(
            f"CREATE TABLE {name}_before PARTITION OF {name} "
            f"FOR VALUES FROM (MINVALUE) TO ({starts[0] * unit})"
        )
    out.extend(
        f"CREATE TABLE IF NOT EXISTS {name}_b{b:05d} PARTITION OF {name} "
        f"FOR VALUES FROM ({b * unit}) TO ({(b + span) * unit})"
        for b in starts
    )
    if edges:
        out.append(f"CREATE TABLE {name}_later PARTITION OF {name} DEFAULT")
    return out


def _create(tb: sa.Table) -> str:
    key = PARTITIONED[tb.name][0]
    parts = [str(sa.schema.CreateColumn(c).compile(dialect=_PG)) for c in tb.columns]
    pk = [c.name for c in tb.primary_key.columns]
    parts.append(f"CONSTRAINT {tb.primary_key.name} PRIMARY KEY ({', '.join(_with(pk, key))})")
    for c in tb.constraints:
        if isinstance(c, sa.UniqueConstraint):
            names = _with([col.name for col in c.columns], key)
            parts.append(f"CONSTRAINT {c.name} UNIQUE ({', '.join(names)})")
        elif isinstance(c, sa.CheckConstraint):
            text = str(sa.schema.AddConstraint(c).compile(dialect=_PG))
            parts.append(text.split(" ADD ", 1)[1])
        elif isinstance(c, sa.ForeignKeyConstraint) and (ref := _reference(c)):
            parts.append(ref)
    for ix in tb.indexes:
        if ix.unique and key not in {c.name for c in ix.columns}:
            raise ValueError(f"unique index {ix.name} of {tb.name} lacks {key}")
    return f"CREATE TABLE {tb.name} ({', '.join(parts)}) PARTITION BY RANGE ({key})"


def _reference(fk: sa.ForeignKeyConstraint) -> str | None:
    """The foreign key's clause; through the time column when it points at a
    partitioned table (None when the table has no copy of that time)."""
    mine = [e.parent.name for e in fk.elements]
    theirs = [e.column.name for e in fk.elements]
    target = fk.referred_table.name
    if target in PARTITIONED:
        key = PARTITIONED[target][0]
        if fk.table.name not in SAME_TIME:
            return None
        mine, theirs = _with(mine, key), _with(theirs, key)
    text = (
        f"CONSTRAINT {fk.name} FOREIGN KEY ({', '.join(mine)}) "
        f"REFERENCES {target} ({', '.join(theirs)})"
    )
    if fk.ondelete:
        text += f" ON DELETE {fk.ondelete}"
    if fk.onupdate:
        text += f" ON UPDATE {fk.onupdate}"
    return text


def _with(names: list[str], key: str) -> list[str]:
    return names if key in names else [*names, key]
