"""Writing a batch's pair summaries on PostgreSQL: ``COPY`` what is new, merge the rest.

``INSERT ... ON CONFLICT DO UPDATE`` costs PostgreSQL two to three times a plain
insert per row (a speculative insertion into the key's index), and most of a batch's
rows are new: logged in time order, nearly every checkpoint of a batch lies in a bucket
its pair had no contact in before. ``tie_pairs`` says which checkpoints can exist: a
pair's stored checkpoints lie in the buckets from its ``first`` contact's to its
``last`` one's (both tables are written together, only by the log). So one query reads
the stored ``first`` and ``last`` of the batch's pairs (a probe of the key per pair),
and then

* the checkpoints of a pair not stored yet, or in a bucket outside its stored range,
  are new: one ``COPY``;
* the others (a back-filled contact, the bucket a batch continues) are merged by an
  ``INSERT ... ON CONFLICT`` of those rows only;
* the pairs not stored yet are new: one ``COPY``; the stored ones are merged by one
  ``UPDATE ... FROM unnest(...)`` with the same rule as the upsert's.

The writer holds the log's table lock, so no other session changes the summaries
between the read and the writes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy.engine import Connection

__all__ = ["write"]

_PAIR = ("officer", "stakeholder")
_MONTH = ("officer", "stakeholder", "bucket")
_FIGURES = ("n", "first", "last", "promise", "weight")
_TYPES = {
    "officer": "text",
    "stakeholder": "text",
    "bucket": "int4",
    "n": "int4",
    "first": "int8",
    "last": "int8",
    "promise": "int8",
    "weight": "float8",
}

_STORED = (
    "SELECT p.officer, p.stakeholder, p.first, p.last FROM tie_pairs AS p "
    "JOIN unnest(%b::text[], %b::text[]) AS u(officer, stakeholder) "
    "ON p.officer = u.officer AND p.stakeholder = u.stakeholder"
)

Rows = Sequence[tuple[Any, ...]]


def _unnest(columns: Sequence[str]) -> str:
    arrays = ", ".join(f"%b::{_TYPES[c]}[]" for c in columns)  # binary: 4x faster to send
    return f"unnest({arrays}) AS excluded({', '.join(columns)})"


def _arrays(rows: Rows, width: int) -> list[list[Any]]:
    """The columns of ``rows`` as lists (the last, a weight, as floats: a binary array
    is of one Python type)."""
    if not rows:
        return [[]] * width
    out = [list(col) for col in zip(*rows, strict=True)]
    if width > 2:
        out[-1] = [float(w) for w in out[-1]]
    return out


def write(
    conn: Connection,
    months: dict[tuple[str, str, int], list[Any]],
    pairs: dict[tuple[str, str], list[Any]],
    *,
    bucket_of: Callable[[int], int],
    merge_sql: Callable[[str], str],
) -> None:
    """Merge a batch's folded summaries (``months``: checkpoint key to ``[n, first,
    last, promise, weight]``; ``pairs``: pair to the same) into ``tie_months`` and
    ``tie_pairs``. ``merge_sql(table)`` is the SET clause merging ``table``'s stored
    summary with the new one, called ``excluded``."""
    raw = conn.connection.driver_connection
    assert raw is not None
    with raw.cursor() as cur:
        officers, stakeholders = _arrays(list(pairs), 2)
        cur.execute(_STORED, (officers, stakeholders))
        stored = {(o, s): (bucket_of(first), bucket_of(last)) for o, s, first, last in cur}

        fresh: list[tuple[Any, ...]] = []
        known: list[tuple[Any, ...]] = []
        for key, rec in months.items():
            span = stored.get(key[:2])
            if span is None or not span[0] <= key[2] <= span[1]:
                fresh.append((*key, *rec))
            else:
                known.append((*key, *rec))
        _copy(cur, "tie_months", (*_MONTH, *_FIGURES), fresh)
        if known:
            cols: tuple[str, ...] = (*_MONTH, *_FIGURES)
            cur.execute(
                f"INSERT INTO tie_months ({', '.join(cols)}) "
                f"SELECT * FROM {_unnest(cols)} "
                f"ON CONFLICT ({', '.join(_MONTH)}) DO UPDATE SET {merge_sql('tie_months')}",
                _arrays(known, len(cols)),
            )

        new: list[tuple[Any, ...]] = []
        old: list[tuple[Any, ...]] = []
        for key2, rec in pairs.items():
            (old if key2 in stored else new).append((*key2, *rec))
        _copy(cur, "tie_pairs", (*_PAIR, *_FIGURES), new)
        if old:
            cols = (*_PAIR, *_FIGURES)
            cur.execute(
                f"UPDATE tie_pairs SET {merge_sql('tie_pairs')} FROM {_unnest(cols)} "
                "WHERE tie_pairs.officer = excluded.officer "
                "AND tie_pairs.stakeholder = excluded.stakeholder",
                _arrays(old, len(cols)),
            )


def _copy(cur: Any, table: str, columns: Sequence[str], rows: Rows) -> None:
    if not rows:
        return
    with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN (FORMAT BINARY)") as cp:
        cp.set_types([_TYPES[c] for c in columns])
        for row in rows:
            cp.write_row(row)
