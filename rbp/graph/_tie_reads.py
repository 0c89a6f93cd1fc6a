"""Reading the officer ties of a snapshot: one pass over the pair summaries into columns
of integers, leaving in the database the ties no answer can use.

A tie of a member older than its own priority needs (its cadence four times, and the
coverage window) is neither active, nor going cold, nor covering: the read goes as far
back as the longest cadence needs, and a condition on the member's priority (the keys
of the members of one priority, a list the database builds once) leaves out the older
ties of the members whose cadence is shorter. On a city most members are key or
regular, and half the ties read back to the low priority's horizon are theirs.
"""

from __future__ import annotations

import sys
from array import array
from collections.abc import Sequence
from itertools import chain, compress, repeat
from operator import is_not, itemgetter, or_
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from rbp import _schema as t
from rbp.graph._columns import PRIORITIES, SEP, Promises, Ties, all_rows, batches
from rbp.model import Priority, StakeholderKind

__all__ = ["read_ties"]

_NONNEGATIVE = (-1).__lt__  # x >= 0, for the ints here


def read_ties(
    conn: Connection,
    lasts: sa.Subquery,
    at: int,
    position: dict[str, int],
    index: dict[str, int],
    *,
    older_than: int | None,
    reach: tuple[Sequence[int], bytes, int] | None = None,
    lookup: dict[str, int] | None = None,
    promises: bool = False,
) -> tuple[Ties, Promises]:
    """The ties of ``lasts`` between an officer (``index``: officer index by key) and a
    member (``position``: member index by key), in the database's order, and with
    ``promises`` the pairs of ``lasts`` whose last contact was a promise passed by
    ``at`` (officer, stakeholder, last, promise; else none).

    ``lasts`` is :func:`~rbp._queries.pairs.window_lasts`, or with ``promises``
    :func:`~rbp._queries.pairs.last_contacts` (the window's pairs and the broken
    promises). ``older_than``: only the ties last met at or before it. ``reach``: the
    earliest last contact worth reading by priority code, the members' priority codes,
    and the ``since`` of ``lasts``; the ties of a member last met before its priority's
    are not read. ``lookup``: ``position`` with -1 for the keys of stakeholders not in
    the picture (the members' keys are then looked up all at once).

    A pair whose promise has passed is read whatever its age, and is a tie too when it
    was last met at or before ``older_than`` (or there is no such bound): older than
    its member's reach it counts for no answer (neither active, nor covering, nor going
    cold), and a tie read twice would be counted twice. Only the gap report reads the
    promises: the coverage of T reads the window's pairs alone.
    """
    c = lasts.c
    conditions: list[sa.ColumnElement[bool]] = []
    if older_than is not None:
        conditions.append(c.last <= older_than)
    if reach is not None:
        worth = _worth(c.stakeholder, c.last, *reach)
        if worth is not None:
            conditions.append(worth)
    passed_by = c.promise <= at  # the last contact's promise has passed (NULL: none made)
    if promises and conditions:
        conditions = [sa.or_(sa.and_(*conditions), passed_by)]
    is_tie = None if not promises or older_than is None else c.last <= older_than
    if conn.dialect.name == "sqlite":
        joined = _per_officer(
            conn, lasts, conditions, is_tie, at, position, index, lookup, promises=promises
        )
        if joined is not None:
            return joined
    passed = sa.case((passed_by, c.promise)) if promises else sa.null()  # NULL unless broken
    flag = sa.true() if is_tie is None else is_tie
    query = sa.select(c.officer, c.stakeholder, c.last, passed, flag).where(*conditions)
    member, officer, last = array("i"), array("i"), array("q")
    broken: list[tuple[str, str, int, int]] = []  # a few in a hundred ties
    for batch in batches(conn, query):
        people = list(map(position.get, map(itemgetter(1), batch), repeat(-1)))
        held_by = list(map(index.get, map(itemgetter(0), batch), repeat(-1)))
        if -1 in people or -1 in held_by:  # an officer or member not in the picture
            keep = list(map(_NONNEGATIVE, map(or_, people, held_by)))
            people = list(compress(people, keep))
            held_by = list(compress(held_by, keep))
            batch = list(compress(batch, keep))
        broken.extend(compress(batch, map(is_not, map(itemgetter(3), batch), repeat(None))))
        ties = list(map(bool, map(itemgetter(4), batch)))
        if not all(ties):  # promises read only as promises
            people = list(compress(people, ties))
            held_by = list(compress(held_by, ties))
            batch = list(compress(batch, ties))
        member.extend(people)
        officer.extend(held_by)
        last.extend(map(itemgetter(2), batch))
    pairs = Promises(
        officer=list(map(itemgetter(0), broken)),
        stakeholder=list(map(itemgetter(1), broken)),
        last=array("q", map(itemgetter(2), broken)),
        promise=array("q", map(itemgetter(3), broken)),
    )
    return Ties(member=member, officer=officer, last=last), pairs


def _per_officer(
    conn: Connection,
    lasts: sa.Subquery,
    conditions: Sequence[sa.ColumnElement[bool]],
    is_tie: sa.ColumnElement[bool] | None,
    at: int,
    position: dict[str, int],
    index: dict[str, int],
    lookup: dict[str, int] | None,
    *,
    promises: bool,
) -> tuple[Ties, Promises] | None:
    """:func:`read_ties` on SQLite: one row per officer, its ties' stakeholders and last
    contacts each joined into one string (``group_concat``, in the pair summaries' key
    order: nothing is sorted), read back in C. The driver makes a few objects per
    officer instead of four per tie; ``str.split`` and the look-ups of the keys make
    the member column; the last contacts come as 16 hex digits each (the 64-bit two's
    complement, big-endian), which ``bytes.fromhex`` and ``array`` read without an
    ``int`` per tie. With ``promises``, the broken promises come as two more columns
    (how many, and the stakeholder, last contact and promise of each, joined: decimal
    text, cheaper to write than ``printf``'s hex for a few in ten ties), and ``is_tie``
    (None: every row) says which rows are ties too. None when a list does not split
    into as many items as it has ties, or a key holds the separator (written by hand):
    the caller reads the ties row by row instead."""
    c = lasts.c
    text = sa.Text()

    def tie(value: Any) -> Any:
        return value if is_tie is None else sa.case((is_tie, value))

    count = sa.func.count() if is_tie is None else sa.func.sum(sa.case((is_tie, 1), else_=0))
    columns = [
        c.officer,
        count,
        sa.func.group_concat(tie(c.stakeholder), SEP, type_=text),
        sa.func.group_concat(tie(sa.func.printf("%016x", c.last)), "", type_=text),
    ]
    if promises:  # how many, and each one's stakeholder, last contact and promise
        passed = c.promise <= at
        broken = sa.type_coerce(c.stakeholder, text) + SEP
        broken = broken + sa.cast(c.last, text) + SEP + sa.cast(c.promise, text)
        columns += [
            sa.func.sum(sa.case((passed, 1), else_=0)),
            sa.func.group_concat(sa.case((passed, broken)), SEP, type_=text),
        ]
    rows = all_rows(conn, sa.select(*columns).where(*conditions).group_by(c.officer))
    found = list(map(index.get, map(itemgetter(0), rows)))
    if None in found:  # officers not in the picture
        rows = list(compress(rows, map(is_not, found, repeat(None))))
    if SEP in "".join(map(itemgetter(0), rows)):  # an officer key holding the separator
        return None
    if promises:  # the officers with broken promises, how many each, and the promises
        promising = [row for row in rows if row[4]]
        officers = list(map(itemgetter(0), promising))
        several = list(map(itemgetter(4), promising))
        promised = SEP.join(map(itemgetter(5), promising))
    if is_tie is not None:  # officers with promises and no tie
        rows = list(compress(rows, map(itemgetter(1), rows)))
    held_by = [index[k] for k in map(itemgetter(0), rows)]  # a few thousand officers
    ties = Ties()
    if rows:
        counts = list(map(itemgetter(1), rows))
        n = sum(counts)
        keys = SEP.join(map(itemgetter(2), rows)).split(SEP)
        hexes = "".join(map(itemgetter(3), rows))
        if len(keys) != n or len(hexes) != 16 * n:
            return None
        member = _indexes(keys, position if lookup is None else lookup)
        officer = array("i", chain.from_iterable(map(repeat, held_by, counts)))
        last = _int64s(hexes)
        if -1 in member:  # members not in the picture: a few ties in a thousand
            holes = _holes(member)
            member, officer, last = (_without(c, holes) for c in (member, officer, last))
        ties = Ties(member=member, officer=officer, last=last)
    if not promises or not several:
        return ties, Promises()
    parts = promised.split(SEP)
    if len(parts) != 3 * sum(several):
        return None
    found_broken = Promises(
        officer=list(chain.from_iterable(map(repeat, officers, several))),
        stakeholder=parts[0::3],
        last=array("q", map(int, parts[1::3])),
        promise=array("q", map(int, parts[2::3])),
    )
    in_picture = bytes(map(position.__contains__, found_broken.stakeholder))
    if in_picture.count(0):  # members not in the picture
        found_broken = found_broken.where(in_picture)
    return ties, found_broken


def _indexes(keys: list[str], position: dict[str, int]) -> array[int]:
    """``position[k]`` for each key ``k``, -1 for a key it does not have: looked up all
    at once (one ``itemgetter`` call, a loop in C), and key by key only when a key is
    missing."""
    if len(keys) > 1:
        try:
            return array("i", itemgetter(*keys)(position))
        except KeyError:  # a member not in the picture
            pass
    return array("i", map(position.get, keys, repeat(-1)))


def _holes(member: array[int]) -> list[int]:
    """Where ``member`` holds -1 (a member not in the picture), in order."""
    out: list[int] = []
    j = -1
    while True:
        try:
            j = member.index(-1, j + 1)
        except ValueError:
            return out
        out.append(j)


def _without(column: array[int], holes: list[int]) -> array[int]:
    """``column`` less the items at ``holes`` (ascending), copied slice by slice."""
    out = column[:0]
    start = 0
    for j in holes:
        out += column[start:j]
        start = j + 1
    out += column[start:]
    return out


def _int64s(hexes: str) -> array[int]:
    """The 64-bit integers written as 16 hex digits each (two's complement, big-endian)."""
    out = array("q", bytes.fromhex(hexes))
    if sys.byteorder == "little":
        out.byteswap()
    return out


def _worth(
    stakeholder: Any, last: Any, bounds: Sequence[int], priority: bytes, since: int
) -> sa.ColumnElement[bool] | None:
    """SQL: the tie is last met at or after ``bounds[p]``, ``p`` its member's priority
    code (``priority``: the members' codes, to count them), among ties last met after
    ``since``; None when that says it already. For each priority whose bound is later
    than ``since``, ties older than it must be of another priority's member: said by
    the keys of that priority's members, or by those of the priorities reaching further
    back, whichever are fewer. The terms go earliest bound first: most of the oldest
    ties fail the first term and are not tested against the later bounds' lists of
    keys (the database stops at the first term that fails)."""
    terms: list[sa.ColumnElement[bool]] = []
    for p, bound in sorted(enumerate(bounds), key=itemgetter(1)):
        if bound <= since + 1:  # every tie read was last met at or after it
            continue
        further = [q for q, b in enumerate(bounds) if b < bound]
        if priority.count(p) <= sum(map(priority.count, further)):
            terms.append(sa.not_(sa.and_(last < bound, stakeholder.in_(_keys_of([p])))))
        else:
            terms.append(sa.or_(last >= bound, stakeholder.in_(_keys_of(further))))
    return sa.and_(*terms) if terms else None


def _keys_of(codes: Sequence[int]) -> sa.Select[Any]:
    """SQL: the keys of the non-officer stakeholders of the priority ``codes`` (a
    stakeholder without a priority is a regular one)."""
    s = t.stakeholders.c
    values = [PRIORITIES[c].value for c in codes]
    has: sa.ColumnElement[bool] = s.priority.in_(values)
    if PRIORITIES.index(Priority.REGULAR) in codes:
        has = sa.or_(has, s.priority.is_(None))
    return sa.select(s.key).where(s.kind != StakeholderKind.OFFICER.value, has)
