"""Writing a batch's community summaries on PostgreSQL: ``COPY`` what is new, merge the rest.

As for the officer ties (:mod:`rbp._queries._pairs_pg`): ``INSERT ... ON CONFLICT``
costs PostgreSQL two to three times a plain insert per row, and most of a batch's
summaries are new. One query reads which of the batch's keys are stored (a probe of
the key each); the new ones go by one binary ``COPY``, the stored ones are merged by one
``UPDATE ... FROM unnest(...)`` with the rule of
:func:`rbp._queries.pairs.merge_sql` (no promise). The log holds its table lock, so no
other session writes the summaries between the read and the writes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.engine import Connection

from rbp._queries.pairs import merge_sql

__all__ = ["write"]

_COLUMNS = ("a", "b", "size", "n", "first", "last", "weight")
_TYPES = ("text", "text", "int4", "int4", "int8", "int8", "float8")

_STORED = (
    "SELECT c.a, c.b, c.size FROM community_pairs AS c "
    "JOIN unnest(%b::text[], %b::text[], %b::int4[]) AS u(a, b, size) "
    "ON c.a = u.a AND c.b = u.b AND c.size = u.size"
)

_ARRAYS = ", ".join(f"%b::{kind}[]" for kind in _TYPES)  # binary: 4x faster to send
_MERGE = (
    f"UPDATE community_pairs SET {merge_sql('community_pairs', promise=False)} "
    f"FROM unnest({_ARRAYS}) AS excluded({', '.join(_COLUMNS)}) "
    "WHERE community_pairs.a = excluded.a AND community_pairs.b = excluded.b "
    "AND community_pairs.size = excluded.size"
)


def _columns(rows: Sequence[tuple[Any, ...]], width: int) -> list[list[Any]]:
    return [list(col) for col in zip(*rows, strict=True)] if rows else [[]] * width


def write(conn: Connection, pairs: dict[tuple[str, str, int], list[Any]]) -> None:
    """Merge a batch's folded summaries (``(a, b, size)`` to ``[n, first, last,
    weight]``) into ``community_pairs``."""
    raw = conn.connection.driver_connection
    assert raw is not None
    with raw.cursor() as cur:
        cur.execute(_STORED, _columns(list(pairs), 3))
        stored = {(a, b, int(size)) for a, b, size in cur}
        new: list[tuple[Any, ...]] = []
        old: list[tuple[Any, ...]] = []
        for key, (n, first, last, weight) in pairs.items():
            (old if key in stored else new).append((*key, n, first, last, float(weight)))
        if new:
            copy = f"COPY community_pairs ({', '.join(_COLUMNS)}) FROM STDIN (FORMAT BINARY)"
            with cur.copy(copy) as cp:
                cp.set_types(list(_TYPES))
                for row in new:
                    cp.write_row(row)
        if old:
            cur.execute(_MERGE, _columns(old, len(_COLUMNS)))
