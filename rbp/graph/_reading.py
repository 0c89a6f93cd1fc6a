"""How a graph build reads its large answers: streamed plain tuples, on SQLite
through the page cache rather than the memory map, and on SQLite one answer worked
out while a second thread writes edges (:func:`beside`).

Examples
--------
>>> import sqlalchemy as sa
>>> engine = sa.create_engine("sqlite://")
>>> with engine.connect() as conn, unmapped(conn):
...     list(streamed(conn, sa.select(sa.literal(1), sa.literal("a"))))
[(1, 'a')]
>>> done = []
>>> with engine.connect() as conn, conn.begin():
...     q = sa.select(sa.literal(2).label("n"))
...     with beside(conn, q, lambda: done.append("work")) as rows:
...         list(rows), done
([(2,)], ['work'])
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager, suppress
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler

__all__ = ["STREAM", "beside", "streamed", "unmapped"]

STREAM = 10_000
"""Rows fetched at a time from a streamed read (a server-side cursor on PostgreSQL)."""


def streamed(conn: Connection, q: sa.Executable) -> Generator[tuple[Any, ...], None, None]:
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


class _TempTableAs(sa.Executable, sa.ClauseElement):
    """``CREATE TEMP TABLE name AS <select>`` (SQLite), the select's parameters bound
    as in any statement."""

    inherit_cache = False

    def __init__(self, name: str, select: sa.Select[Any]) -> None:
        self.name = name
        self.select = select


@compiles(_TempTableAs)
def _temp_table_as(element: _TempTableAs, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CREATE TEMP TABLE {element.name} AS {compiler.process(element.select, **kw)}"


_serial = itertools.count()


@contextmanager
def beside(
    conn: Connection, q: sa.Select[Any], work: Callable[[], None]
) -> Iterator[Iterator[tuple[Any, ...]]]:
    """The rows of ``q`` (streamed, in its order) on SQLite, worked out while ``work()``
    runs on a second thread.

    Python's sqlite3 lets other threads run while SQLite steps a statement, but a
    statement stepped row by row takes the interpreter back for every row (and waits
    for it while the other thread runs Python). So ``q``'s whole answer is written into
    a temporary table by one statement, which SQLite works out in one step on this
    thread, on this connection and in its transaction (the same snapshot), while
    ``work()`` (which must not use the connection) runs beside it on another core;
    then the table is read here, in the order it was written, and dropped. ``work()``
    ends before anything else happens here: its error is raised after the statement
    (and the table dropped), and an error of the statement is raised once ``work()``
    is over. The temporary table lives in the connection's temporary store (memory:
    about 60 bytes a row).
    """
    name = f"rbp_beside_{next(_serial)}"
    failed: list[BaseException] = []

    def run() -> None:
        try:
            work()
        except BaseException as exc:  # handed to the calling thread
            failed.append(exc)

    thread = threading.Thread(target=run, name="rbp-graph-beside")
    thread.start()
    try:
        conn.execute(_TempTableAs(name, q))
    finally:
        thread.join()
    try:
        if failed:
            raise failed[0]
        result = conn.exec_driver_sql(f"SELECT * FROM temp.{name} ORDER BY rowid")
        cursor: Any = result.cursor  # the driver's, iterated in C: no frame per row
        try:
            yield iter(cursor)
        finally:
            result.close()
    except BaseException:
        with suppress(Exception):  # the transaction's rollback drops it too
            conn.exec_driver_sql(f"DROP TABLE temp.{name}")
        raise
    conn.exec_driver_sql(f"DROP TABLE temp.{name}")
