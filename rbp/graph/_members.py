"""Reading the snapshot's members: their keys, kind, sector and priority codes, and areas.

On SQLite two queries read two lists each, each list joined into one string
(``group_concat``): the members' keys and codes in the table's order (sorted in Python
if that is not the keys' order), and every stakeholder's areas in the order of the
areas' key (stakeholder, area), with no probe of one table per row of the other. The
keys and the areas split by ``str.split``, and the codes come as one character each,
turned into ``bytes`` by the codec and ``bytes.translate``, all in C. Elsewhere (and if
a list does not split into as many items as it has rows) one query reads one row per
member and area (a member's rows one after another, by key) as the driver's tuples.
Either way a member's several areas are merged into one set.
"""

from __future__ import annotations

import enum
from array import array
from collections.abc import Sequence
from itertools import accumulate, compress, repeat
from operator import eq, is_not, itemgetter, lt, not_
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from rbp import _schema as t
from rbp.errors import StoreError
from rbp.graph._columns import KINDS, PRIORITIES, SECTORS, SEP, UNKNOWN, all_rows
from rbp.model import Priority, Sector, StakeholderKind

__all__ = ["read_members"]

Members = tuple[
    tuple[str, ...],
    tuple[bytes, bytes, bytes],
    "array[int]",
    tuple[tuple[str, ...], ...],
    dict[str, int],
]
"""The members' keys (sorted), their kind, sector and priority codes, the index of each
one's set of areas, the distinct sets of areas, and each member's index by key."""

_SHIFT = 32
"""The codes travel as the characters ``chr((code + 32) % 256)``: printable for the
known codes, and :data:`UNKNOWN` (255) as ``chr(31)``, so each is one byte in Latin-1."""

_BACK = bytes.maketrans(bytes(range(256)), bytes((b - _SHIFT) % 256 for b in range(256)))


def read_members(conn: Connection, present: sa.ColumnElement[bool]) -> Members:
    """The members' keys (sorted), their kind, sector and priority codes, their areas
    (an index into the distinct sets of areas, also returned), and their index by key;
    read column by column."""
    s, sa_c = t.stakeholders.c, t.stakeholder_areas.c
    codes = (
        _code(s.kind, KINDS, None),
        _code(s.sector, SECTORS, Sector.OTHER),
        _code(s.priority, PRIORITIES, Priority.REGULAR),
    )
    if conn.dialect.name == "sqlite":
        lists = _lists(conn, present, codes)
        if lists is not None:
            return lists
    query = (
        sa.select(s.key, *codes, sa_c.area)
        .select_from(t.stakeholders.outerjoin(t.stakeholder_areas, sa_c.stakeholder == s.key))
        .where(s.kind != StakeholderKind.OFFICER.value, present)
        .order_by(s.key)
    )
    rows = all_rows(conn, query)
    columns = (
        list(map(itemgetter(0), rows)),
        [bytes(map(itemgetter(j), rows)) for j in (1, 2, 3)],
        list(map(itemgetter(4), rows)),
    )
    return _members(*columns)


def _lists(
    conn: Connection, present: sa.ColumnElement[bool], codes: Sequence[Any]
) -> Members | None:
    """The members from SQLite's joined lists: one query for the members' keys and
    codes, one for every stakeholder's areas; None when a list does not split into as
    many items as it has rows (a key or area holding the separator, written by hand)."""
    s, sa_c = t.stakeholders.c, t.stakeholder_areas.c
    text = sa.Text()
    shifted = [(c + _SHIFT) % 256 for c in codes]
    people = sa.select(
        sa.func.count(),
        sa.func.group_concat(s.key, SEP, type_=text),
        sa.func.group_concat(sa.func.char(*shifted), "", type_=text),
    ).where(s.kind != StakeholderKind.OFFICER.value, present)
    ((n, keys, letters),) = all_rows(conn, cast("sa.Select[Any]", people))
    if not n:
        return (), (b"", b"", b""), array("i"), ((),), {}
    every = keys.split(SEP)
    raw = letters.encode("latin-1").translate(_BACK)
    if len(every) != n or len(raw) != 3 * n:
        return None
    kind, sector, priority = raw[0::3], raw[1::3], raw[2::3]
    if any(map(lt, every[1:], every)):  # the table's order is not the keys'
        order = sorted(range(n), key=every.__getitem__)
        every = list(map(every.__getitem__, order))
        kind, sector, priority = (
            bytes(map(c.__getitem__, order)) for c in (kind, sector, priority)
        )
    placed = sa.select(sa_c.stakeholder, sa_c.area).order_by(sa_c.stakeholder, sa_c.area)
    places = placed.subquery("places")
    areas = sa.select(
        sa.func.count(),
        sa.func.group_concat(places.c.stakeholder, SEP, type_=text),
        sa.func.group_concat(places.c.area, SEP, type_=text),
    )
    ((m, whose, where),) = all_rows(conn, cast("sa.Select[Any]", areas))
    whom = whose.split(SEP) if m else []
    those = where.split(SEP) if m else []
    if len(whom) != m or len(those) != m:
        return None
    position = dict(zip(every, range(n), strict=True))
    found = list(map(position.get, whom))
    mine = bytes(map(is_not, found, repeat(None)))  # the rows of members
    member: list[int] = list(compress(found, mine))  # type: ignore[arg-type]
    area = list(compress(those, mine))
    homes, home = _homes(n, member, area)
    _check(every, (kind, sector, priority))
    return tuple(every), (kind, sector, priority), home, homes, position


def _homes(
    n: int, member: list[int], area: list[str]
) -> tuple[tuple[tuple[str, ...], ...], array[int]]:
    """The distinct sets of areas, and each of ``n`` members' set (an index into them),
    of the rows (member index, area) by member and area: the set of no area first, then
    those of one area in the order the rows first name them, then those of several in
    the order of their members (as :func:`_members` numbers them)."""
    found: dict[tuple[str, ...], int] = {(): 0}
    one: dict[str | None, int] = {None: 0}  # the set of a single area (or none), by area
    for a in dict.fromkeys(area):
        one[a] = found.setdefault((a,), len(found))
    area_of = dict(zip(member, area, strict=True))  # a member's last area
    home = array("i", map(one.__getitem__, map(area_of.get, range(n))))
    if len(area_of) < len(member):  # members with several areas
        more: dict[int, list[str]] = {}
        for j in compress(range(1, len(member)), map(eq, member[1:], member)):
            more.setdefault(member[j], [area[j - 1]]).append(area[j])
        for i, theirs in more.items():
            home[i] = found.setdefault(tuple(sorted(theirs)), len(found))
    return tuple(found), home


def _members(every: list[str], codes: list[bytes], areas: list[str | None]) -> Members:
    """The members of the rows given column by column (one row per member and area)."""
    if any(map(lt, every[1:], every)):  # sorted by a collation, not by code
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
    home = array("i", map(one.__getitem__, firsts))
    if any(again):
        more: dict[int, list[str]] = {}
        for i, area in compress(zip(index, areas, strict=True), again):
            more.setdefault(i - 1, [firsts[i - 1] or ""]).append(area or "")
        for i, theirs in more.items():  # a member of several rows has an area in each
            home[i] = found.setdefault(tuple(sorted(theirs)), len(found))
    kind, sector, priority = codes
    _check(every, (kind, sector, priority))
    position = dict(zip(every, range(len(every)), strict=True))
    return tuple(every), (kind, sector, priority), home, tuple(found), position


def _check(every: Sequence[str], codes: Sequence[bytes]) -> None:
    """StoreError when a member's kind, sector or priority is none rbp knows."""
    if any(UNKNOWN in c for c in codes):
        bad = min(c.index(UNKNOWN) for c in codes if UNKNOWN in c)
        raise StoreError(
            f"stakeholder {every[bad]!r} has a kind, sector or priority rbp does not know"
        )


def _code(column: Any, members: Sequence[enum.Enum], default: enum.Enum | None) -> Any:
    """SQL: the code of ``column``'s value (its index in ``members``), ``default``'s when
    it is NULL, :data:`UNKNOWN` for a value of none of them. Small integers come back
    from the driver without a string made per row, and need no lookup in Python."""
    return sa.case(
        *((column == m.value, code) for code, m in enumerate(members)),
        *(() if default is None else ((column.is_(None), members.index(default)),)),
        else_=UNKNOWN,
    )
