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
from itertools import compress, repeat
from operator import is_not, itemgetter, or_
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from rbp import _schema as t
from rbp.graph._columns import PRIORITIES, SEP, Ties, all_rows, batches
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
) -> tuple[Ties, tuple[tuple[str, str, int, int], ...]]:
    """The ties of ``lasts`` (:func:`~rbp._queries.pairs.last_contacts`) between an
    officer (``index``: officer index by key) and a member (``position``: member index
    by key), in the database's order, and those of them whose last contact was a
    promise passed by ``at`` (officer, stakeholder, last, promise). ``older_than``: only
    the ties last met at or before it, and no broken promise (those were read with the
    newer ties). ``reach``: the earliest last contact worth reading by priority code,
    the members' priority codes, and the ``since`` of ``lasts``; the ties of a member
    last met before its priority's are not read, save those whose last contact was a
    promise now passed."""
    promise = lasts.c.promise
    passed_by = promise <= at  # the last contact's promise has passed (NULL: none made)
    conditions: list[sa.ColumnElement[bool]] = []
    if older_than is not None:
        conditions += [lasts.c.last <= older_than, sa.or_(promise.is_(None), promise > at)]
    if reach is not None:
        worth = _worth(lasts.c.stakeholder, lasts.c.last, *reach)
        if worth is not None:
            conditions.append(worth if older_than is not None else sa.or_(worth, passed_by))
    if conn.dialect.name == "sqlite":
        joined = _per_officer(conn, lasts, conditions, at, position, index)
        if joined is not None:
            return joined
    passed = sa.case((passed_by, promise))  # NULL unless broken
    query = sa.select(lasts.c.officer, lasts.c.stakeholder, lasts.c.last, passed)
    query = query.where(*conditions)
    member, officer, last = array("i"), array("i"), array("q")
    broken: list[tuple[str, str, int, int]] = []
    for batch in batches(conn, query):
        people = list(map(position.get, map(itemgetter(1), batch), repeat(-1)))
        held_by = list(map(index.get, map(itemgetter(0), batch), repeat(-1)))
        if -1 in people or -1 in held_by:  # an officer or member not in the picture
            keep = list(map(_NONNEGATIVE, map(or_, people, held_by)))
            people = list(compress(people, keep))
            held_by = list(compress(held_by, keep))
            batch = list(compress(batch, keep))
        member.extend(people)
        officer.extend(held_by)
        last.extend(map(itemgetter(2), batch))
        broken.extend(compress(batch, map(is_not, map(itemgetter(3), batch), repeat(None))))
    return Ties(member=member, officer=officer, last=last), tuple(broken)


Read = tuple[Ties, tuple[tuple[str, str, int, int], ...]]


def _per_officer(
    conn: Connection,
    lasts: sa.Subquery,
    conditions: Sequence[sa.ColumnElement[bool]],
    at: int,
    position: dict[str, int],
    index: dict[str, int],
) -> Read | None:
    """:func:`read_ties` on SQLite: one row per officer, its ties' stakeholders and last
    contacts each joined into one string (``group_concat``, in the pair summaries' key
    order: nothing is sorted), read back in C. The driver makes five objects per officer
    instead of four per tie; ``str.split`` and the look-ups of the keys make the member
    column; the last contacts come as 16 hex digits each (the 64-bit two's complement,
    big-endian), which ``bytes.fromhex`` and ``array`` read without an ``int`` per tie.
    The broken promises come as a third list of (stakeholder, last, promise) triples, of
    the few pairs that have one. None when a list does not split into as many items as
    it has ties (a key holding the separator, written by hand): the caller reads the
    ties row by row instead."""
    c = lasts.c
    text = sa.Text()
    promised = sa.case(
        (c.promise <= at, sa.func.printf(f"%s{SEP}%d{SEP}%d", c.stakeholder, c.last, c.promise))
    )
    query = (
        sa.select(
            c.officer,
            sa.func.count(),
            sa.func.group_concat(c.stakeholder, SEP, type_=text),
            sa.func.group_concat(sa.func.printf("%016x", c.last), "", type_=text),
            sa.func.group_concat(promised, SEP, type_=text),
        )
        .where(*conditions)
        .group_by(c.officer)
    )
    officer, keys, times = array("i"), [], []
    broken: list[tuple[str, str, int, int]] = []
    for o, n, stakeholders, hexes, promises in all_rows(conn, query):
        held_by = index.get(o)
        if held_by is None:
            continue  # an officer not in the picture
        if stakeholders.count(SEP) != n - 1 or len(hexes) != 16 * n:
            return None
        officer.extend(repeat(held_by, n))
        keys.append(stakeholders)
        times.append(hexes)
        if promises is not None:
            parts = promises.split(SEP)
            if len(parts) % 3:
                return None
            for k, when, promise in zip(parts[::3], parts[1::3], parts[2::3], strict=True):
                if k in position:
                    broken.append((o, k, int(when), int(promise)))
    if not keys:
        return Ties(), ()
    member = array("i", map(position.get, SEP.join(keys).split(SEP), repeat(-1)))
    last = array("q", bytes.fromhex("".join(times)))
    if sys.byteorder == "little":
        last.byteswap()
    if -1 in member:  # members not in the picture
        keep = bytes(map(_NONNEGATIVE, member))
        member = array("i", compress(member, keep))
        officer = array("i", compress(officer, keep))
        last = array("q", compress(last, keep))
    return Ties(member=member, officer=officer, last=last), tuple(broken)


def _worth(
    stakeholder: Any, last: Any, bounds: Sequence[int], priority: bytes, since: int
) -> sa.ColumnElement[bool] | None:
    """SQL: the tie is last met at or after ``bounds[p]``, ``p`` its member's priority
    code (``priority``: the members' codes, to count them), among ties last met after
    ``since``; None when that says it already. For each priority whose bound is later
    than ``since``, ties older than it must be of another priority's member: said by
    the keys of that priority's members, or by those of the priorities reaching further
    back, whichever are fewer."""
    terms: list[sa.ColumnElement[bool]] = []
    for p, bound in enumerate(bounds):
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
