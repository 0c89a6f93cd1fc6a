"""How a graph build reads its large answers: streamed plain tuples, and on SQLite
through the page cache rather than the memory map.

Examples
--------
>>> import sqlalchemy as sa
>>> engine = sa.create_engine("sqlite://")
>>> with engine.connect() as conn, unmapped(conn):
...     list(streamed(conn, sa.select(sa.literal(1), sa.literal("a"))))
[(1, 'a')]
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

__all__ = ["STREAM", "streamed", "unmapped"]

STREAM = 10_000
"""Rows fetched at a time from a streamed read (a server-side cursor on PostgreSQL)."""


def streamed(conn: Connection, q: sa.Select[Any]) -> Iterator[tuple[Any, ...]]:
    """The rows of ``q`` as plain tuples, fetched ``STREAM`` at a time.

    On SQLite the driver's own tuples, read from its cursor as they are consumed (the
    driver steps the statement lazily; no result row object per row); elsewhere through
    a streamed result (a server-side cursor on PostgreSQL).
    """
    if conn.dialect.name == "sqlite":
        result = conn.execute(q, execution_options={"stream_results": False, "yield_per": None})
        try:
            cursor = result.cursor
            while cursor is not None and (part := cursor.fetchmany(STREAM)):
                yield from part
        finally:
            result.close()
        return
    with conn.execute(q, execution_options={"stream_results": True, "yield_per": STREAM}) as result:
        for part in result.partitions():
            yield from map(tuple, part)


@contextmanager
def unmapped(conn: Connection) -> Iterator[None]:
    """On SQLite, read through the page cache instead of the memory map for the block.

    A build reads whole tables once (every participant row, every pair summary), and
    the gap report probes an index all over the file. Through the memory map each page
    read stays mapped into the process (a page fault maps its neighbours too), so a city
    of a few GB would add most of its file to the process's resident memory; through
    the page cache (``PRAGMA cache_size``) it costs the same CPU and holds at most the
    cache. Setting the map's size unmaps the file (no statement is open between two of
    ours), so pages mapped before are let go too. The connection's own setting is put
    back afterwards, also on an error. A no-op elsewhere and on a connection without a
    map (a database in memory).
    """
    if conn.dialect.name != "sqlite":
        yield
        return
    raw: Any = conn.connection.driver_connection
    row = raw.execute("PRAGMA mmap_size").fetchone()
    size = int(row[0]) if row and row[0] else 0
    if not size:
        yield
        return
    raw.execute("PRAGMA mmap_size=0")
    try:
        yield
    finally:
        raw.execute(f"PRAGMA mmap_size={size}")
