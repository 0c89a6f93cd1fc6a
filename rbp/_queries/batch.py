"""Splitting long key lists into ``IN``-list sized pieces, and reading plain rows.

SQLite allows 32,766 bound parameters per statement and PostgreSQL 65,535; a few
thousand per query also keeps each plan an index probe per key. (Bulk writes go through
:func:`rbp._schema._copy.copy_rows`.)

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

__all__ = ["CHUNK", "chunks", "plain_rows"]

_T = TypeVar("_T")

CHUNK = 5_000
"""Keys (or ids) per query by default."""


def chunks(items: Iterable[_T], *, size: int = CHUNK) -> Iterator[Sequence[_T]]:
    """``items`` in consecutive pieces of at most ``size``, in order."""
    it = iter(items)
    while piece := tuple(islice(it, size)):
        yield piece


def plain_rows(conn: Connection, statement: sa.Select[Any]) -> list[tuple[Any, ...]]:
    """Every row of ``statement`` as the driver's plain tuples.

    For large answers of plain columns (keys, integers, floats): the driver's tuples
    come back as they are, without a result row object per row (several times cheaper
    for a hundred thousand rows). The statement runs unbuffered whatever options the
    connection carries, so every row is still on the cursor. Columns whose type
    converts values (dates, enums, JSON) must not be read this way.
    """
    result = conn.execute(statement, execution_options={"stream_results": False, "yield_per": None})
    try:
        cursor = result.cursor
        return [] if cursor is None else list(cursor.fetchall())
    finally:
        result.close()
