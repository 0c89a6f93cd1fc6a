"""Reading rows into columns: the snapshot's officer ties as columns of integers, the
codes of its members' kinds, sectors and priorities, and the plain driver rows they
are read from.

Rows come back as the driver's tuples (no result row object per row), many at a time,
and are turned into columns with ``map``/``compress`` over whole batches: on a city of
200,000 stakeholders and a million officer ties, one Python statement per row would cost
several times the read itself.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator, Sequence
from itertools import compress, repeat
from operator import add, floordiv, itemgetter, mod, mul
from typing import Any, TypeVar

import attrs
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from rbp.model import Priority, Sector, StakeholderKind

__all__ = [
    "BATCH",
    "KINDS",
    "PRIORITIES",
    "SECTORS",
    "Promises",
    "Ties",
    "SEP",
    "UNKNOWN",
    "all_rows",
    "batches",
    "picked",
]

KINDS = tuple(StakeholderKind)
"""The kinds by their code in :attr:`Snapshot.kind`."""

SECTORS = tuple(Sector)
"""The sectors by their code in :attr:`Snapshot.sector`."""

PRIORITIES = (Priority.KEY, Priority.REGULAR, Priority.LOW)
"""The priorities by their code in :attr:`Snapshot.priority`: also their rank in lists
(key first)."""

_T = TypeVar("_T")

UNKNOWN = 255
"""The code of a value the enum does not have (read from a database written by hand)."""

BATCH = 10_000
"""Rows fetched from the database at a time (not one call per row, nor all at once)."""

SEP = "\x1f"
"""What lists joined into one string in SQL (``group_concat``) are joined with: the
unit separator, which no key holds (keys have no control characters). A reader checks
that a list splits into as many items as it has rows, and reads row by row if not."""


@attrs.frozen(kw_only=True)
class Ties:
    """Officer ties, column by column: tie ``j`` is member ``member[j]`` with officer
    ``staff[officer[j]]``, last met at ``last[j]`` (epoch micros); ``cooling[j]`` is 1
    for a cooling tie and 0 for a dormant one, in the lists of ties going cold."""

    member: Sequence[int] = attrs.field(factory=lambda: array("i"))
    officer: Sequence[int] = attrs.field(factory=lambda: array("i"))
    last: Sequence[int] = attrs.field(factory=lambda: array("q"))
    cooling: bytes = b""

    def __len__(self) -> int:
        return len(self.member)

    def where(self, keep: Iterable[int]) -> Ties:
        """The ties whose flag in ``keep`` is true (one flag per tie, in order; bools or
        the bytes 0 and 1)."""
        flags = bytes(keep)  # bools are the ints 0 and 1
        return Ties(
            member=array("i", compress(self.member, flags)),
            officer=array("i", compress(self.officer, flags)),
            last=array("q", compress(self.last, flags)),
            cooling=bytes(compress(self.cooling, flags)),
        )

    def ordered(self, officers: int, members: int) -> Ties:
        """The ties by last contact, then officer, then member (so by their keys, as both
        indexes follow their keys), for indexes below ``officers`` and ``members``: one
        integer per tie is sorted, and the columns are read back from it (``cooling``
        too, when the ties have it: it rides in the integer's lowest bit)."""
        wide = officers * members
        keys = map(
            add,
            map(mul, self.last, repeat(wide)),
            map(add, map(mul, self.officer, repeat(members)), self.member),
        )
        flagged = len(self.cooling) == len(self) > 0
        if flagged:
            keys = map(add, map(mul, keys, repeat(2)), self.cooling)
        order = sorted(keys)
        cooling = b""
        if flagged:
            cooling = bytes(map(mod, order, repeat(2)))
            order = list(map(floordiv, order, repeat(2)))
        rest = list(map(floordiv, order, repeat(members)))
        return Ties(
            member=array("i", map(mod, order, repeat(members))),
            officer=array("i", map(mod, rest, repeat(officers))),
            last=array("q", map(floordiv, rest, repeat(officers))),
            cooling=cooling,
        )


@attrs.frozen(kw_only=True)
class Promises:
    """Pairs whose last contact carried a promise now passed, column by column: pair
    ``j`` is officer ``officer[j]`` with stakeholder ``stakeholder[j]`` (their keys),
    last met at ``last[j]`` with a promise for ``promise[j]`` (epoch micros). Columns,
    not a tuple per pair: a city has tens of thousands."""

    officer: Sequence[str] = ()
    stakeholder: Sequence[str] = ()
    last: Sequence[int] = attrs.field(factory=lambda: array("q"))
    promise: Sequence[int] = attrs.field(factory=lambda: array("q"))

    def __len__(self) -> int:
        return len(self.officer)

    def where(self, keep: Iterable[int]) -> Promises:
        """The pairs whose flag in ``keep`` is true (one flag per pair, in order)."""
        flags = bytes(keep)
        return Promises(
            officer=list(compress(self.officer, flags)),
            stakeholder=list(compress(self.stakeholder, flags)),
            last=array("q", compress(self.last, flags)),
            promise=array("q", compress(self.promise, flags)),
        )


def batches(conn: Connection, query: sa.Select[Any]) -> Iterator[Sequence[Any]]:
    """The rows of ``query`` as the driver's plain tuples, many at a time (not one call
    per row, nor all at once). The statement runs unbuffered whatever options the
    connection carries, so every row is still on the cursor."""
    result = conn.execute(query, execution_options={"stream_results": False, "yield_per": None})
    try:
        cursor = result.cursor
        if cursor is None:
            return
        while batch := cursor.fetchmany(BATCH):
            yield batch
    finally:
        result.close()


def all_rows(conn: Connection, query: sa.Select[Any]) -> list[Any]:
    """Every row of ``query`` as the driver's plain tuples."""
    result = conn.execute(query, execution_options={"stream_results": False, "yield_per": None})
    try:
        cursor = result.cursor
        return [] if cursor is None else list(cursor.fetchall())
    finally:
        result.close()


def picked(values: Sequence[_T], at: Sequence[int]) -> Sequence[_T]:
    """``values[i]`` for each ``i`` of ``at``, in order: one ``itemgetter`` call (a loop
    in C) rather than a call per item."""
    if len(at) > 1:
        found: Sequence[_T] = itemgetter(*at)(values)
        return found
    return [values[i] for i in at]
