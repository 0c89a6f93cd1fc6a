"""Reading the snapshot's members: their keys, kind, sector and priority codes, and areas.

One query reads one row per member and area (a member's rows one after another, by
key; on SQLite in the table's order, sorted by key in Python if that is not the keys'
order). On SQLite the rows come back as one row of three lists, each joined into one
string (``group_concat``): the keys and the areas split by ``str.split``, and the codes
as one character each, turned into ``bytes`` by the codec and ``bytes.translate``, all
in C. Elsewhere (and if a list does not split into as many items as there are rows)
the rows are read as the driver's tuples. Either way the columns are then read
together, a member's several areas merged into one set.
"""

from __future__ import annotations

import enum
from array import array
from collections.abc import Sequence
from itertools import accumulate, compress
from operator import eq, itemgetter, lt, not_
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from rbp import _schema as t
from rbp.errors import StoreError
from rbp.graph._columns import KINDS, PRIORITIES, SECTORS, SEP, UNKNOWN, all_rows
from rbp.model import Priority, Sector, StakeholderKind

__all__ = ["read_members"]

Members = tuple[
    tuple[str, ...], tuple[bytes, bytes, bytes], "array[int]", tuple[tuple[str, ...], ...]
]

# One row per member and area: its key, its three codes, and the area (None: no area).
Columns = tuple[list[str], list[bytes], list["str | None"]]

_SHIFT = 32
"""The codes travel as the characters ``chr((code + 32) % 256)``: printable for the
known codes, and :data:`UNKNOWN` (255) as ``chr(31)``, so each is one byte in Latin-1."""

_BACK = bytes.maketrans(bytes(range(256)), bytes((b - _SHIFT) % 256 for b in range(256)))


def read_members(conn: Connection, present: sa.ColumnElement[bool]) -> Members:
    """The members' keys (sorted), their kind, sector and priority codes, and their areas
    (an index into the distinct sets of areas, also returned), in one query: one row per
    member and area, a member's rows one after another; read column by column."""
    s, sa_c = t.stakeholders.c, t.stakeholder_areas.c
    codes = (
        _code(s.kind, KINDS, None),
        _code(s.sector, SECTORS, Sector.OTHER),
        _code(s.priority, PRIORITIES, Priority.REGULAR),
    )
    query = (
        sa.select(s.key, *codes, sa_c.area)
        .select_from(t.stakeholders.outerjoin(t.stakeholder_areas, sa_c.stakeholder == s.key))
        .where(s.kind != StakeholderKind.OFFICER.value, present)
    )
    # SQLite: in the table's order (not through the key index, a row looked up per key),
    # each member's areas one after another (probed by member, in the areas' key
    # order); :func:`_members` sorts them by key if that is not the table's order.
    columns = _joined(conn, query) if conn.dialect.name == "sqlite" else None
    if columns is None:
        rows = all_rows(conn, query.order_by(s.key))
        columns = (
            list(map(itemgetter(0), rows)),
            [bytes(map(itemgetter(j), rows)) for j in (1, 2, 3)],
            list(map(itemgetter(4), rows)),
        )
    return _members(*columns)


def _joined(conn: Connection, query: sa.Select[Any]) -> Columns | None:
    """The columns of ``query``'s rows from one row of three joined lists (SQLite's
    ``group_concat``); None when one does not split into as many items as there are
    rows (a key or area holding the separator, written by hand)."""
    rows = query.subquery("members")
    key, kind, sector, priority, area = rows.c
    text = sa.Text()
    shifted = [(c + _SHIFT) % 256 for c in (kind, sector, priority)]
    joined = sa.select(
        sa.func.count().label("n"),
        sa.func.group_concat(key, SEP, type_=text),
        sa.func.group_concat(sa.func.char(*shifted), "", type_=text),
        sa.func.group_concat(sa.func.coalesce(area, ""), SEP, type_=text),
    )
    ((n, keys, codes, areas),) = all_rows(conn, cast("sa.Select[Any]", joined))
    if not n:
        return [], [b"", b"", b""], []
    every = keys.split(SEP)
    where = areas.split(SEP)
    raw = codes.encode("latin-1").translate(_BACK)
    if not (len(every) == len(where) == n and len(raw) == 3 * n):
        return None
    return every, [raw[0::3], raw[1::3], raw[2::3]], [a or None for a in where]


def _members(every: list[str], codes: list[bytes], areas: list[str | None]) -> Members:
    """The members of the rows given column by column (one row per member and area)."""
    if any(map(lt, every[1:], every)):  # by a collation, or the table's order: not by code
        order = sorted(range(len(every)), key=every.__getitem__)  # stable
        every = list(map(every.__getitem__, order))
        codes = [bytes(map(c.__getitem__, order)) for c in codes]
        areas = list(map(areas.__getitem__, order))
    again = [False, *map(eq, every[1:], every)]  # another area of the member before
    firsts = areas
    if any(again):
        first = bytes(map(not_, again))
        every = list(compress(every, first))
        codes = [bytes(compress(c, first)) for c in codes]
        firsts = list(compress(areas, first))
        index = list(accumulate(first))  # the member of each row, + 1
    found: dict[tuple[str, ...], int] = {(): 0}
    one: dict[str | None, int] = {None: 0}  # the set of a single area (or none), by area
    for area in dict.fromkeys(areas):
        if area is not None:
            one[area] = found.setdefault((area,), len(found))
    home = array("i", itemgetter(*firsts)(one) if len(firsts) > 1 else map(one.__getitem__, firsts))
    if any(again):
        more: dict[int, list[str]] = {}
        for i, area in compress(zip(index, areas, strict=True), again):
            more.setdefault(i - 1, [firsts[i - 1] or ""]).append(area or "")
        for i, theirs in more.items():  # a member of several rows has an area in each
            home[i] = found.setdefault(tuple(sorted(theirs)), len(found))
    kind, sector, priority = codes
    if UNKNOWN in kind or UNKNOWN in sector or UNKNOWN in priority:
        bad = min(c.index(UNKNOWN) for c in codes if UNKNOWN in c)
        raise StoreError(
            f"stakeholder {every[bad]!r} has a kind, sector or priority rbp does not know"
        )
    return tuple(every), (kind, sector, priority), home, tuple(found)


def _code(column: Any, members: Sequence[enum.Enum], default: enum.Enum | None) -> Any:
    """SQL: the code of ``column``'s value (its index in ``members``), ``default``'s when
    it is NULL, :data:`UNKNOWN` for a value of none of them. Small integers come back
    from the driver without a string made per row, and need no lookup in Python."""
    return sa.case(
        *((column == m.value, code) for code, m in enumerate(members)),
        *(() if default is None else ((column.is_(None), members.index(default)),)),
        else_=UNKNOWN,
    )
