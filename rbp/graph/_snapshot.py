"""What the metrics read: one SQL pass per question, compact columns back.

A :class:`Snapshot` holds, as of T, every non-officer stakeholder in the picture (the
*members*, in key order) column by column: member ``i`` is ``keys[i]``, of kind
``KINDS[kind[i]]``, sector ``SECTORS[sector[i]]`` and priority
``PRIORITIES[priority[i]]``, in the areas ``homes[home[i]]``, last
met by an officer at ``last[i]``, ``covered[i]`` within the window, held by
``active[i]`` officers' active ties. Coverage, gaps, key-person risk, departures and
trends are all computed from these columns (:mod:`rbp.graph._metrics`), so they agree
with each other by construction, and a store of 200,000 stakeholders is a few lists
rather than 200,000 objects.
"""

from __future__ import annotations

import functools
import itertools
from array import array
from collections.abc import Collection, Iterator, Sequence
from typing import Any

import attrs
import pendulum
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from rbp import _schema as t
from rbp._queries.pairs import broken_pairs, window_lasts
from rbp._queries.rules import (
    absent_keys,
    present_sql,
    promise_passed_sql,
    status_sql,
)
from rbp._time import MICROS_PER_DAY, AsOf, Window
from rbp.areas import AreaTree
from rbp.model import Priority, Sector, StakeholderKind
from rbp.model._interactions import TieStatus

__all__ = [
    "KINDS",
    "NEVER",
    "PRIORITIES",
    "SECTORS",
    "Snapshot",
    "cadence_case",
    "load_snapshot",
    "pair_lasts",
    "widen",
]

KINDS = tuple(StakeholderKind)
"""The kinds by their code in :attr:`Snapshot.kind`."""

SECTORS = tuple(Sector)
"""The sectors by their code in :attr:`Snapshot.sector`."""

PRIORITIES = (Priority.KEY, Priority.REGULAR, Priority.LOW)
"""The priorities by their code in :attr:`Snapshot.priority`: also their rank in lists
(key first)."""

NEVER = -(2**62)
"""The ``last`` of a member no officer has met (earlier than any time)."""

NOBODY = -1
"""The officer index of no officer."""

BATCH = 10_000
"""Rows fetched from the database at a time."""

COLD = (TieStatus.COOLING.value, TieStatus.DORMANT.value)
"""The statuses of the ties going cold."""


@attrs.frozen(kw_only=True, slots=False, eq=False)
class Snapshot:
    """Everything coverage, gaps, key-person risk and departures need, as of one time.

    Per member (non-officer stakeholder in the picture at T, ``keys`` sorted) one entry
    in each column; officers in ``top`` and ``sole`` are indexes into ``staff``.
    """

    as_of: pendulum.DateTime
    at: int
    window: Window
    tree: AreaTree
    officers: frozenset[str]  # officers in the picture at T (less ``excluded``)
    excluded: frozenset[str] = frozenset()
    cooling: bool = True  # whether ``cold`` was read (else it is empty)
    spans: tuple[int, ...]  # the coverage window of each priority code, in micros
    keys: tuple[str, ...]
    kind: bytes  # codes: KINDS[kind[i]]
    sector: bytes  # codes: SECTORS[sector[i]]
    priority: bytes  # codes: PRIORITIES[priority[i]]
    home: Sequence[int]  # index into ``homes``
    homes: tuple[tuple[str, ...], ...]  # the distinct sets of areas, each sorted
    last: Sequence[int]  # last officer contact at or before T, or NEVER
    covered: bytes  # 1 when ``last`` is within the member's window
    active: Sequence[int]  # how many officers hold an active tie
    sole: Sequence[int]  # one officer holding an active tie, or NOBODY
    top: Sequence[int]  # the officer of ``last``, or NOBODY
    runner_up: Sequence[int]  # the last contact by any other officer, or NEVER
    staff: tuple[str, ...]  # officer keys, by index
    # every active tie: its member and its officer, in two columns
    held: tuple[Sequence[int], Sequence[int]]
    # (last, officer, stakeholder, status) of ties cooling or dormant at T, coldest first
    cold: tuple[tuple[int, str, str, str], ...] = ()
    # (officer, stakeholder, last) of pairs whose last contact was a promise now passed
    broken: tuple[tuple[str, str, int], ...] = ()

    def __len__(self) -> int:
        return len(self.keys)

    def closure(self, areas: Sequence[str]) -> set[str]:
        """The areas and all their ancestors."""
        up = self._up
        if len(areas) == 1 and areas[0] in up:  # the common case: one home area
            return set(up[areas[0]])
        out: set[str] = set()
        for a in areas:
            out.update(up.get(a, ()))
        return out

    @functools.cached_property
    def _up(self) -> dict[str, tuple[str, ...]]:
        """Each area with its ancestors, found once per snapshot."""
        return {a.key: (a.key, *self.tree.ancestors(a.key)) for a in self.tree}

    @functools.cached_property
    def closures(self) -> tuple[frozenset[str], ...]:
        """The closure (areas and their ancestors) of each of ``homes``."""
        return tuple(frozenset(self.closure(h)) for h in self.homes)

    def areas_of(self, i: int) -> tuple[str, ...]:
        """Member ``i``'s areas (its home area, or the areas an agency serves)."""
        return self.homes[self.home[i]]

    @functools.cached_property
    def position(self) -> dict[str, int]:
        """Member index by key."""
        return {k: i for i, k in enumerate(self.keys)}

    @functools.cached_property
    def holders(self) -> dict[int, tuple[str, ...]]:
        """Member index -> the officers holding an active tie with it (members with any)."""
        out: dict[int, list[str]] = {}
        staff = self.staff
        for i, o in zip(*self.held, strict=True):
            out.setdefault(i, []).append(staff[o])
        return {i: tuple(sorted(v)) for i, v in out.items()}

    def covered_without(self, officer: str) -> bytearray:
        """``covered`` as it would be if ``officer`` had never met anybody."""
        out = bytearray(self.covered)
        try:
            o = self.staff.index(officer)
        except ValueError:
            return out
        at, spans, priority, runner_up = self.at, self.spans, self.priority, self.runner_up
        for i, top in enumerate(self.top):
            if top == o and out[i]:
                seen = runner_up[i]
                out[i] = seen != NEVER and at - spans[priority[i]] < seen
        return out

    @functools.cached_property
    def memo(self) -> dict[Any, Any]:
        """Answers computed from this snapshot (they never change: it is immutable)."""
        return {}


def cadence_case(priority: Any, cadence: dict[Priority, int]) -> Any:
    """SQL: a stakeholder's cadence in microseconds, by its ``priority`` column."""
    return sa.case(
        {p.value: cadence[p] * MICROS_PER_DAY for p in Priority},
        value=priority,
        else_=cadence[Priority.REGULAR] * MICROS_PER_DAY,
    )


def pair_lasts(
    conn: Connection, *, at: int, horizon: int, excluded: Collection[str] = ()
) -> sa.Subquery:
    """Subquery: (officer, stakeholder, last, promised) of pairs with a contact in
    ``(at - horizon, at]``, or whose last contact up to ``at`` was a promise
    (``follow_up_by``) that has passed by ``at``: ``promised`` equals ``last`` exactly
    for those broken promises (NULL otherwise).

    Reads the pair summaries of the window (see :mod:`rbp._queries.pairs`), plus the
    broken promises older than it. The officers' presence at ``at`` is for the caller
    to check, once per pair.
    """
    since = at - horizon
    recent = window_lasts(conn, at=at, since=since)
    broken = broken_pairs(conn, at=at)
    q = sa.union_all(
        sa.select(
            recent.c.officer,
            recent.c.stakeholder,
            recent.c.last,
            sa.case((promise_passed_sql(recent.c.promise, at), recent.c.last)).label("promised"),
        ),
        sa.select(broken.c.officer, broken.c.stakeholder, broken.c.last, broken.c.last).where(
            broken.c.last <= since
        ),
    ).subquery("pairs")
    if excluded:
        return sa.select(q).where(q.c.officer.not_in(list(excluded))).subquery("pairs")
    return q


def tie_query(
    conn: Connection,
    *,
    at: int,
    cadence: dict[Priority, int],
    horizon: int,
    excluded: Collection[str] = (),
) -> sa.Select[Any]:
    """The officer ties of the snapshot: (stakeholder, officer, last, status, promised)
    of every pair :func:`pair_lasts` finds, both part of the picture at ``at``."""
    s = t.stakeholders.c
    present = present_sql(s.since, s.until, at)
    pairs = pair_lasts(conn, at=at, horizon=horizon, excluded=excluded)
    c = cadence_case(t.stakeholders.c.priority, cadence)
    return (
        sa.select(
            pairs.c.stakeholder,
            pairs.c.officer,
            pairs.c.last,
            status_sql(sa.literal(at) - pairs.c.last, c),
            pairs.c.promised,
        )
        .join_from(pairs, t.stakeholders, s.key == pairs.c.stakeholder)
        .where(present, pairs.c.officer.not_in(absent_keys(at)))
        .order_by(pairs.c.stakeholder, pairs.c.officer)
    )


def load_snapshot(
    conn: Connection,
    *,
    as_of: AsOf,
    cadence: dict[Priority, int],
    window: Window,
    excluded: Collection[str] = (),
    cooling: bool = True,
) -> Snapshot:
    """Load the as-of-T view in four queries (the members with their areas, the
    officers, the area tree, the officer ties), many rows at a time into columns.

    The ties are read as far back as the answers need: every contact in the coverage
    window and every active tie (one cadence); with ``cooling``, also the ties going
    cold (up to four cadences), which only the gap report lists.
    """
    at = as_of.micros
    horizon = _horizon(cadence, window, cooling=cooling)
    s = t.stakeholders.c
    present = present_sql(s.since, s.until, at)
    keys, codes, home, homes = _members(conn, present)
    position = {k: i for i, k in enumerate(keys)}
    n = len(keys)
    priority = codes[2]
    spans = tuple(window.micros_for(cadence[p]) for p in PRIORITIES)
    last = array("q", [NEVER]) * n
    runner_up = array("q", [NEVER]) * n
    top = array("i", [NOBODY]) * n
    sole = array("i", [NOBODY]) * n
    active = array("i", [0]) * n
    held_member, held_officer = array("i"), array("i")
    staff: dict[str, int] = {}
    cold: list[tuple[int, str, str, str]] = []
    broken: list[tuple[str, str, int]] = []
    query = tie_query(conn, at=at, cadence=cadence, horizon=horizon, excluded=excluded)
    for key, officer, when, state, promised in _rows(conn, query):
        if promised == when:
            broken.append((officer, key, when))
        if cooling and state in COLD:
            cold.append((when, officer, key, state))
        i = position.get(key)
        if i is None:
            continue
        o = staff.setdefault(officer, len(staff))
        if when > last[i]:
            runner_up[i] = last[i]
            last[i] = when
            top[i] = o
        elif when > runner_up[i]:
            runner_up[i] = when
        if state == "active":
            active[i] += 1
            sole[i] = o
            held_member.append(i)
            held_officer.append(o)
    cold.sort()
    covered = bytes(
        seen != NEVER and at - spans[p] < seen for seen, p in zip(last, priority, strict=True)
    )
    officers = frozenset(
        conn.execute(
            sa.select(s.key).where(s.kind == StakeholderKind.OFFICER.value, present)
        ).scalars()
    ) - frozenset(excluded)
    tree = AreaTree(t.area_from_row(r) for r in conn.execute(sa.select(t.areas)).mappings())
    return Snapshot(
        as_of=as_of.at,
        at=at,
        window=window,
        tree=tree,
        officers=officers,
        excluded=frozenset(excluded),
        cooling=cooling,
        spans=spans,
        keys=keys,
        kind=codes[0],
        sector=codes[1],
        priority=priority,
        home=home,
        homes=homes,
        last=last,
        covered=covered,
        active=active,
        sole=sole,
        top=top,
        runner_up=runner_up,
        staff=tuple(staff),
        held=(held_member, held_officer),
        cold=tuple(cold),
        broken=tuple(broken),
    )


def widen(conn: Connection, snap: Snapshot, *, cadence: dict[Priority, int]) -> Snapshot:
    """``snap`` with the ties going cold, as :func:`load_snapshot` reads them with
    ``cooling``: the officer ties four cadences back, of which only the cooling and
    dormant come back. Everything else (the members, their areas, the officers, what was
    counted from them) is the same, and is kept."""
    if snap.cooling:
        return snap
    horizon = _horizon(cadence, snap.window, cooling=True)
    ties = tie_query(
        conn, at=snap.at, cadence=cadence, horizon=horizon, excluded=snap.excluded
    ).subquery()
    key, officer, last, state, _ = ties.c
    cold = sorted(
        (when, o, k, st)
        for when, o, k, st in _rows(
            conn,
            sa.select(last, officer, key, state).where(state.in_(COLD)),
        )
    )
    wider = attrs.evolve(snap, cooling=True, cold=tuple(cold))
    for name in ("memo", "position", "closures", "holders", "_up"):  # found once per T
        if name in snap.__dict__:
            wider.__dict__[name] = snap.__dict__[name]
    return wider


def _horizon(cadence: dict[Priority, int], window: Window, *, cooling: bool) -> int:
    """How far back the officer ties are read: far enough to see every contact in the
    coverage window and every active tie (age <= c), or with ``cooling`` every tie that
    is not lapsed (age <= 4c); + 1 because the bounds are inclusive."""
    c_max = max(cadence.values()) * MICROS_PER_DAY
    return max(4 * c_max if cooling else c_max, window.micros or 0) + 1


def _members(
    conn: Connection, present: sa.ColumnElement[bool]
) -> tuple[tuple[str, ...], tuple[bytes, bytes, bytes], array[int], tuple[tuple[str, ...], ...]]:
    """The members' keys (sorted), their kind, sector and priority codes, and their areas
    (an index into the distinct sets of areas, also returned), in one query: one row per
    member and area, a member's rows one after another."""
    s, sa_c = t.stakeholders.c, t.stakeholder_areas.c
    kinds: dict[str | None, int] = {k.value: code for code, k in enumerate(KINDS)}
    sectors: dict[str | None, int] = {x.value: code for code, x in enumerate(SECTORS)}
    sectors[None] = SECTORS.index(Sector.OTHER)
    priorities: dict[str | None, int] = {p.value: code for code, p in enumerate(PRIORITIES)}
    priorities[None] = PRIORITIES.index(Priority.REGULAR)
    keys: list[str] = []
    kind, sector, priority = bytearray(), bytearray(), bytearray()
    home = array("i")
    found: dict[tuple[str, ...], int] = {(): 0}
    one: dict[str | None, int] = {None: 0}  # the set of a single area (or none), by area
    more: dict[int, list[str]] = {}  # members of more than one area
    query = (
        sa.select(s.key, s.kind, s.sector, s.priority, sa_c.area)
        .select_from(t.stakeholders.outerjoin(t.stakeholder_areas, sa_c.stakeholder == s.key))
        .where(s.kind != StakeholderKind.OFFICER.value, present)
        .order_by(s.key)
    )
    previous: str | None = None
    first = ""  # the first area of the member just read
    for key, k, sec, prio, area in _rows(conn, query):
        if key == previous:  # another area of the member just read
            more.setdefault(len(keys) - 1, [first]).append(area)
            continue
        previous, first = key, area
        keys.append(key)
        kind.append(kinds[k])
        sector.append(sectors[sec])
        priority.append(priorities[prio])
        code = one.get(area)
        if code is None:
            code = one[area] = found.setdefault((area,), len(found))
        home.append(code)
    for i, areas in more.items():
        home[i] = found.setdefault(tuple(sorted(areas)), len(found))
    if any(a > b for a, b in itertools.pairwise(keys)):  # sorted by a collation, not by code
        order = sorted(range(len(keys)), key=keys.__getitem__)
        keys = [keys[i] for i in order]
        kind, sector, priority = (bytearray(c[i] for i in order) for c in (kind, sector, priority))
        home = array("i", (home[i] for i in order))
    return tuple(keys), (bytes(kind), bytes(sector), bytes(priority)), home, tuple(found)


def _rows(conn: Connection, query: sa.Select[Any]) -> Iterator[Sequence[Any]]:
    """The rows of ``query``, fetched many at a time (not one call per row, nor all
    at once)."""
    result = conn.execute(query)
    while batch := result.fetchmany(BATCH):
        yield from batch
