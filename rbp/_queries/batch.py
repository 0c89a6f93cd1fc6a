"""Splitting long key lists into ``IN``-list sized pieces, writing rows in bulk and
reading plain rows.

SQLite allows 32,766 bound parameters per statement and PostgreSQL 65,535; a few
thousand per query also keeps each plan an index probe per key. :func:`write_rows`
hands a batch of rows to the driver the fastest way it has (``executemany`` on SQLite,
``COPY`` on PostgreSQL), so bulk calls do not go through a statement per row.

Examples
--------
>>> [list(c) for c in chunks([1, 2, 3, 4, 5], size=2)]
[[1, 2], [3, 4], [5]]
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection

__all__ = ["CHUNK", "chunks", "plain_rows", "write_rows"]

_T = TypeVar("_T")

CHUNK = 5_000
"""Keys (or ids) per query by default."""


def chunks(items: Iterable[_T], *, size: int = CHUNK) -> Iterator[Sequence[_T]]:
    """``items`` in consecutive pieces of at most ``size``, in order."""
    it = iter(items)
    while piece := tuple(islice(it, size)):
        yield piece


def plain_rows(conn: Connection, statement: sa.Executable) -> list[tuple[Any, ...]]:
    """Every row of ``statement`` as the driver's plain tuples.

    For large answers of plain columns (keys, integers, floats): the driver's tuples
    are taken as they are, without a result row object per row (several times
    cheaper for a hundred thousand rows). Columns whose type converts values (dates,
    enums, JSON) must not be read this way.
    """
    result = conn.execute(statement)
    try:
        cursor = result.cursor
        return [] if cursor is None else list(cursor.fetchall())
    finally:
        result.close()


def write_rows(
    conn: Connection, table: sa.Table, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """Insert ``rows`` (tuples in the order of ``columns``) into ``table``, without
    asking for anything back: SQLite's ``executemany``, PostgreSQL's ``COPY``.

    Values go to the driver as they are (micros as int, booleans as bool); columns left
    out take their defaults (an autoincrement id its next value).
    """
    if not rows:
        return
    names = ", ".join(columns)
    if conn.dialect.name == "postgresql":
        raw = conn.connection.driver_connection
        assert raw is not None
        with raw.cursor() as cur, cur.copy(f"COPY {table.name} ({names}) FROM STDIN") as cp:
            for row in rows:
                cp.write_row(row)
        return
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    sql = f"INSERT INTO {table.name} ({names}) VALUES ({', '.join([mark] * len(columns))})"
    conn.exec_driver_sql(sql, list(rows))
