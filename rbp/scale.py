"""State-wide layout on PostgreSQL: one schema per agency, time partitions inside it.

A state-wide deployment keeps each agency's store in a PostgreSQL schema of its own
(the URL chooses it: ``...?options=-csearch_path%3Dagency_042``), so every agency has
its own tables, settings and audit trail, and rbp's SQL is the same as for a single
store. Inside the schema, :func:`partition` lays the tables that grow with the history
(interactions and their participants, and the pair checkpoints) out as range
partitions by time, so a windowed answer reads only the partitions its window
overlaps. ``docs/scale.md`` describes the deployment; the tables and their keys are
in :mod:`rbp._schema._partitions`.

Examples
--------
>>> import rbp.scale
>>> [s.split(" PARTITION OF ")[0].split()[-1] for s in rbp.scale.layout(
...     start=pendulum.datetime(2025, 1, 1), end=pendulum.datetime(2025, 6, 30))
...  if " OF interactions " in s]
... # doctest: +NORMALIZE_WHITESPACE
['interactions_before', 'interactions_b00669', 'interactions_b00672', 'interactions_b00675',
 'interactions_later']
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pendulum
import sqlalchemy as sa

from rbp import _args
from rbp._schema import _partitions as p
from rbp._time import to_micros
from rbp.errors import StoreError, ValidationError

if TYPE_CHECKING:
    from rbp.store import Store

__all__ = ["layout", "partition"]

_MAX_MONTHS = 120


def layout(*, start: pendulum.DateTime, end: pendulum.DateTime, months: int = 3) -> tuple[str, ...]:
    """The SQL :func:`partition` runs on an empty store, to read or run by hand.

    Parameters
    ----------
    start
        The earliest time to give a partition of its own (aware); earlier rows go to
        each table's ``_before`` partition.
    end
        The latest such time; later rows go to the ``_later`` (default) partition
        until :func:`partition` is called again with a later ``end``.
    months
        Buckets of 30 days per partition (1 to 120; default 3, about a quarter).

    Returns
    -------
    tuple of str
        The statements, in order, for the current schema.

    Raises
    ------
    NaiveDatetimeError
        ``start`` or ``end`` has no time zone.
    ValidationError
        ``end`` is before ``start``, or ``months`` is out of range.

    Examples
    --------
    >>> sql = rbp.scale.layout(start=pendulum.datetime(2025, 1, 1),
    ...                        end=pendulum.datetime(2025, 12, 31), months=12)
    >>> print(sql[3][:60])
    CREATE TABLE interactions (id BIGINT NOT NULL, at BIGINT NOT
    >>> [s for s in sql if s.startswith("ALTER")][0][:62]
    'ALTER TABLE interaction_areas ADD CONSTRAINT fk_interaction_ar'
    """
    first, last, span = _buckets(start, end, months)
    return tuple(p.layout_sql(first=first, last=last, span=span))


def partition(
    crm: Store, *, start: pendulum.DateTime, end: pendulum.DateTime, months: int = 3
) -> tuple[str, ...]:
    """Lay out a PostgreSQL store's big tables as time partitions (or add later ones).

    The first call turns the tables of an empty store (opened with :func:`rbp.open`,
    nothing logged yet) into partitioned ones: every rbp call then works as before.
    A later call with a later ``end`` (and the same ``months``) adds the partitions
    up to it; make them before the time comes, as rows past the last partition wait
    in the ``_later`` one, and a new partition cannot take a span that already has
    rows there.

    Parameters
    ----------
    crm
        A store on PostgreSQL, open for writing.
    start
        The earliest time to give a partition of its own (aware).
    end
        The latest such time (aware).
    months
        Buckets of 30 days per partition (1 to 120; default 3).

    Returns
    -------
    tuple of str
        The partitions this call made, by table and time.

    Raises
    ------
    StoreError
        The store is not on PostgreSQL, already holds interactions in plain tables,
        or refused a partition (it would overlap another, or rows wait for its span).
    NaiveDatetimeError
        ``start`` or ``end`` has no time zone.
    ValidationError
        ``end`` is before ``start``, or ``months`` is out of range.

    Examples
    --------
    Partitions are a PostgreSQL layout; a SQLite store says so:

    >>> rbp.scale.partition(rbp.open(), start=pendulum.datetime(2025, 1, 1),
    ...                     end=pendulum.datetime(2025, 12, 31))
    Traceback (most recent call last):
    ...
    rbp.errors.StoreError: partitions are a PostgreSQL layout; this store is on sqlite
    """
    first, last, span = _buckets(start, end, months)
    engine = crm.engine
    if engine.dialect.name != "postgresql":
        raise StoreError(
            f"partitions are a PostgreSQL layout; this store is on {engine.dialect.name}"
        )
    try:
        with engine.begin() as conn:
            before = _partitions(conn)
            if "interactions" in before:  # partitioned already: add the spans missing
                sql = [
                    s
                    for tb in p.tables()
                    for s in p.partition_sql(
                        tb.name, first=first, last=last, span=span, edges=False
                    )
                ]
            else:
                _empty(conn)
                sql = p.layout_sql(first=first, last=last, span=span)
            for statement in sql:
                conn.exec_driver_sql(statement)
            after = _partitions(conn)
    except sa.exc.DBAPIError as exc:
        raise StoreError(f"the database refused the partitions: {exc.orig}") from None
    return tuple(
        name
        for table in p.PARTITIONED
        for name in after.get(table, [])
        if name not in before.get(table, [])
    )


def _buckets(start: object, end: object, months: object) -> tuple[int, int, int]:
    lo = to_micros(_args.time(start, "start"))
    hi = to_micros(_args.time(end, "end"))
    if hi < lo:
        raise ValidationError("end must not be before start", field="end")
    span = _args.positive(months, "months", maximum=_MAX_MONTHS)
    return lo // p.BUCKET, hi // p.BUCKET, span


def _partitions(conn: sa.Connection) -> dict[str, list[str]]:
    """Partitioned table -> its partitions' names, in the current schema."""
    rows = conn.exec_driver_sql(
        "SELECT parent.relname, child.relname FROM pg_inherits "
        "JOIN pg_class parent ON parent.oid = inhparent "
        "JOIN pg_class child ON child.oid = inhrelid "
        "WHERE parent.relnamespace = current_schema()::regnamespace "
        "ORDER BY child.relname"
    )
    out: dict[str, list[str]] = {}
    for parent, child in rows:
        out.setdefault(str(parent), []).append(str(child))
    return out


def _empty(conn: sa.Connection) -> None:
    for name in (tb.name for tb in p.tables()):
        if conn.exec_driver_sql(f"SELECT EXISTS (SELECT 1 FROM {name})").scalar():
            raise StoreError(
                f"{name} already holds rows; partition an empty store, then load it "
                "(rbp.io.export_csv and rbp.io.import_dir move a store)"
            )
