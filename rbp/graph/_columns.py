"""Reading rows into columns: the snapshot's members, its officer ties as columns of
integers, and the plain driver rows they are read from.

Rows come back as the driver's tuples (no result row object per row), many at a time,
and are turned into columns with ``map``/``compress`` over whole batches: on a city of
200,000 stakeholders and a million officer ties, one Python statement per row would cost
several times the read itself.
"""

from __future__ import annotations

import contextlib
import enum
import gc
from array import array
from collections.abc import Iterable, Iterator, Sequence
from itertools import accumulate, compress, repeat
from operator import add, eq, floordiv, itemgetter, lt, mod, mul, not_
from typing import Any

import attrs
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from rbp import _schema as t
from rbp.errors import StoreError
from rbp.model import Priority, Sector, StakeholderKind

__all__ = [
    "BATCH",
    "KINDS",
    "PRIORITIES",
    "SECTORS",
    "Ties",
    "all_rows",
    "batches",
    "quiet_collector",
    "read_members",
]

KINDS = tuple(StakeholderKind)
"""The kinds by their code in :attr:`Snapshot.kind`."""

SECTORS = tuple(Sector)
"""The sectors by their code in :attr:`Snapshot.sector`."""

PRIORITIES = (Priority.KEY, Priority.REGULAR, Priority.LOW)
"""The priorities by their code in :attr:`Snapshot.priority`: also their rank in lists
(key first)."""

UNKNOWN = 255
"""The code of a value the enum does not have (read from a database written by hand)."""

BATCH = 10_000
"""Rows fetched from the database at a time (not one call per row, nor all at once)."""


@contextlib.contextmanager
def quiet_collector() -> Iterator[None]:
    """The cyclic garbage collector paused for the block (if it was running).

    A snapshot of a city reads millions of rows: tuples of strings and numbers that die
    within a batch and can form no cycle. Each collector pass over them finds nothing,
    and on a city the passes cost a tenth of the read. Reference counting still frees
    everything as usual; the collector runs again after the block.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


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

    def where(self, keep: Iterable[bool]) -> Ties:
        """The ties whose flag in ``keep`` is true (one flag per tie, in order)."""
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


def read_members(
    conn: Connection, present: sa.ColumnElement[bool]
) -> tuple[tuple[str, ...], tuple[bytes, bytes, bytes], array[int], tuple[tuple[str, ...], ...]]:
    """The members' keys (sorted), their kind, sector and priority codes, and their areas
    (an index into the distinct sets of areas, also returned), in one query: one row per
    member and area, a member's rows one after another; read column by column."""
    s, sa_c = t.stakeholders.c, t.stakeholder_areas.c
    query = (
        sa.select(
            s.key,
            _code(s.kind, KINDS, None),
            _code(s.sector, SECTORS, Sector.OTHER),
            _code(s.priority, PRIORITIES, Priority.REGULAR),
            sa_c.area,
        )
        .select_from(t.stakeholders.outerjoin(t.stakeholder_areas, sa_c.stakeholder == s.key))
        .where(s.kind != StakeholderKind.OFFICER.value, present)
        .order_by(s.key)
    )
    rows = all_rows(conn, query)
    every = list(map(itemgetter(0), rows))
    if any(map(lt, every[1:], every)):  # sorted by a collation, not by code
        rows.sort(key=itemgetter(0))  # stable: a member's rows stay together
        every = list(map(itemgetter(0), rows))
    again = [False, *map(eq, every[1:], every)]  # another area of the member before
    areas = list(map(itemgetter(4), rows))
    if any(again):
        firsts = list(map(not_, again))
        rows = list(compress(rows, firsts))
        index = list(accumulate(map(int, firsts)))  # the member of each row, + 1
    found: dict[tuple[str, ...], int] = {(): 0}
    one: dict[str | None, int] = {None: 0}  # the set of a single area (or none), by area
    for area in dict.fromkeys(areas):
        if area is not None:
            one[area] = found.setdefault((area,), len(found))
    home = array("i", map(one.__getitem__, map(itemgetter(4), rows)))
    if any(again):
        more: dict[int, list[str]] = {}
        for i, area in compress(zip(index, areas, strict=True), again):
            more.setdefault(i - 1, [rows[i - 1][4]]).append(area)
        for i, theirs in more.items():
            home[i] = found.setdefault(tuple(sorted(theirs)), len(found))
    keys = tuple(map(itemgetter(0), rows))
    codes = (
        bytes(map(itemgetter(1), rows)),
        bytes(map(itemgetter(2), rows)),
        bytes(map(itemgetter(3), rows)),
    )
    if any(UNKNOWN in c for c in codes):
        bad = next(r for r in rows if UNKNOWN in r[1:4])
        raise StoreError(f"stakeholder {bad[0]!r} has a kind, sector or priority rbp does not know")
    return keys, codes, home, tuple(found)


def _code(column: Any, members: Sequence[enum.Enum], default: enum.Enum | None) -> Any:
    """SQL: the code of ``column``'s value (its index in ``members``), ``default``'s when
    it is NULL, :data:`UNKNOWN` for a value of none of them. Small integers come back
    from the driver without a string made per row, and need no lookup in Python."""
    return sa.case(
        *((column == m.value, code) for code, m in enumerate(members)),
        *(() if default is None else ((column.is_(None), members.index(default)),)),
        else_=UNKNOWN,
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
