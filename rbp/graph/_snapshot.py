"""What the metrics read: one SQL pass per question, compact columns back.

A :class:`Snapshot` holds, as of T, every non-officer stakeholder in the picture (the
*members*, in key order) column by column: member ``i`` is ``keys[i]``, of kind
``KINDS[kind[i]]``, sector ``SECTORS[sector[i]]`` and priority
``PRIORITIES[priority[i]]``, in the areas ``homes[home[i]]``, ``covered[i]`` within
the window, held by ``active[i]`` officers' active ties. Coverage, gaps, key-person
risk, departures and trends are all computed from these columns
(:mod:`rbp.graph._metrics`), so they agree with each other by construction, and a store
of 200,000 stakeholders is a few lists rather than 200,000 objects.

The officer ties are read once, in the pair summaries' key order (nothing is sorted
in the database), into columns of integers (:class:`Ties`): the member's index, the
officer's index into ``staff`` (the officers in the picture, in key order) and the last
contact (:mod:`rbp.graph._tie_reads`, which leaves a member's ties older than its
priority needs in the database). Everything counted from them is counted column-wise
(``map``, ``compress``, ``Counter``), not one Python statement per tie.
"""

from __future__ import annotations

import functools
from array import array
from collections import Counter, deque
from collections.abc import Collection, Iterable, MutableSequence, Sequence
from itertools import compress, repeat
from operator import and_, contains, ge, itemgetter, le, ne
from typing import Any, TypeVar

import attrs
import pendulum
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from rbp import _schema as t
from rbp._queries.pairs import last_contacts, window_lasts
from rbp._queries.rules import present_sql
from rbp._time import MICROS_PER_DAY, AsOf, Window
from rbp._unit import quiet_collector
from rbp.areas import AreaTree
from rbp.graph._cold import GoingCold
from rbp.graph._columns import (
    KINDS,
    PRIORITIES,
    SECTORS,
    Promises,
    Ties,
    all_rows,
    picked,
)
from rbp.graph._members import read_members
from rbp.graph._tie_reads import read_ties
from rbp.model import Priority, StakeholderKind

__all__ = [
    "KINDS",
    "NOBODY",
    "PRIORITIES",
    "SECTORS",
    "Snapshot",
    "Ties",
    "cadence_case",
    "load_snapshot",
    "widen",
]

NOBODY = -1
"""The officer index of no officer."""

_T = TypeVar("_T")


@attrs.frozen(kw_only=True, slots=False, eq=False)
class Snapshot:
    """Everything coverage, gaps, key-person risk and departures need, as of one time.

    Per member (non-officer stakeholder in the picture at T, ``keys`` sorted) one entry
    in each column; officers are indexes into ``staff``.
    """

    as_of: pendulum.DateTime
    at: int
    window: Window
    tree: AreaTree
    officers: frozenset[str]  # officers in the picture at T (less ``excluded``)
    excluded: frozenset[str] = frozenset()
    cooling: bool = True  # whether ``cold`` was read (else it is empty)
    spans: tuple[int, ...]  # the coverage window of each priority code, in micros
    cadences: tuple[int, ...]  # the cadence of each priority code, in micros
    keys: tuple[str, ...]
    kind: bytes  # codes: KINDS[kind[i]]
    sector: bytes  # codes: SECTORS[sector[i]]
    priority: bytes  # codes: PRIORITIES[priority[i]]
    home: Sequence[int]  # index into ``homes``
    homes: tuple[tuple[str, ...], ...]  # the distinct sets of areas, each sorted
    covered: bytes  # 1 when an officer met the member within its window
    active: Sequence[int]  # how many officers hold an active tie
    sole: Sequence[int]  # one officer holding an active tie, or NOBODY
    staff: tuple[str, ...]  # officer keys, by index (in key order)
    # the keys of the other non-officer stakeholders (not in the picture at T)
    outsiders: tuple[str, ...] = ()
    # every active tie: its member and its officer, in two columns
    held: tuple[Sequence[int], Sequence[int]]
    ties: Ties  # every officer tie read (the window's, the active, those going cold...)
    # which of ``ties`` are cooling or dormant at T (a ColdTies copies them out and
    # orders them coldest first, by last contact, officer and member, when a record is
    # first read)
    cold: GoingCold = attrs.field(factory=GoingCold)
    # the pairs whose last contact was a promise now passed (read with ``cold``, which
    # only the gap report lists)
    broken: Promises = attrs.field(factory=Promises)

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
    def lookup(self) -> dict[str, int]:
        """Member index by key, and -1 for the keys of ``outsiders``."""
        return _lookup(self.position, self.outsiders)

    @functools.cached_property
    def seen(self) -> Ties:
        """The ties with contact within their member's coverage window."""
        ties = self.ties
        at = self.at
        return ties.where(_met(ties, self.priority, (at - w + 1 for w in self.spans), at))

    @functools.cached_property
    def staff_index(self) -> dict[str, int]:
        """Officer index by key."""
        return {k: o for o, k in enumerate(self.staff)}

    @functools.cached_property
    def holders(self) -> dict[int, tuple[str, ...]]:
        """Member index -> the officers holding an active tie with it (members with any)."""
        out: dict[int, list[str]] = {}
        staff = self.staff
        for i, o in zip(*self.held, strict=True):
            out.setdefault(i, []).append(staff[o])
        return {i: tuple(sorted(v)) for i, v in out.items()}

    def covered_without(self, officer: str) -> bytearray:
        """``covered`` as it would be if ``officer`` had never met anybody: a member stays
        covered when another officer met it within its window."""
        o = self.staff_index.get(officer)
        if o is None:
            return bytearray(self.covered)
        seen = self.seen
        still = set(compress(seen.member, map(ne, seen.officer, repeat(o))))
        return bytearray(map(still.__contains__, range(len(self))))

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
    cold (up to four cadences), which only the gap report lists. A member's ties older
    than its own priority needs (its cadence four times, and the window) are left in
    the database. With ``cooling``, the pairs whose last contact was a promise now
    passed are read too, whatever their age (the gap report lists them).
    """
    with quiet_collector():
        return _load(
            conn, as_of=as_of, cadence=cadence, window=window, excluded=excluded, cooling=cooling
        )


def _load(
    conn: Connection,
    *,
    as_of: AsOf,
    cadence: dict[Priority, int],
    window: Window,
    excluded: Collection[str] = (),
    cooling: bool = True,
) -> Snapshot:
    at = as_of.micros
    s = t.stakeholders.c
    present = present_sql(s.since, s.until, at)
    keys, codes, home, homes = read_members(conn, present)
    priority = codes[2]
    in_picture = sa.select(s.key).where(s.kind == StakeholderKind.OFFICER.value, present)
    officers = frozenset(map(itemgetter(0), all_rows(conn, in_picture))) - frozenset(excluded)
    staff = tuple(sorted(officers))
    cadences = tuple(cadence[p] * MICROS_PER_DAY for p in PRIORITIES)
    spans = tuple(window.micros_for(cadence[p]) for p in PRIORITIES)
    since = at - _horizon(cadence, window, cooling=cooling)
    position = dict(zip(keys, range(len(keys)), strict=True))
    strangers = sa.select(s.key).where(s.kind != StakeholderKind.OFFICER.value, sa.not_(present))
    outsiders = tuple(map(itemgetter(0), all_rows(conn, strangers)))
    lookup = _lookup(position, outsiders)
    index = dict(zip(staff, range(len(staff)), strict=True))
    lasts = (last_contacts if cooling else window_lasts)(conn, at=at, since=since)
    # A tie of a member older than all its priority can use (window, activity, going
    # cold) is left in the database: the read goes as far back as the longest cadence
    # or the window needs, and most members' cadences are shorter.
    reach = tuple(at - max(4 * c, w) for c, w in zip(cadences, spans, strict=True))
    ties, broken = read_ties(
        conn,
        lasts,
        at,
        position,
        index,
        older_than=None,
        reach=(reach, priority, since),
        lookup=lookup,
        promises=cooling,
    )
    n = len(keys)
    flags = _met(ties, priority, (at - c for c in cadences), at)
    held_member = array("i", compress(ties.member, flags))
    held_officer = array("i", compress(ties.officer, flags))
    counts = Counter(held_member)
    active = array("i", bytes(4 * n))
    _scatter(active, counts.keys(), counts.values())
    sole = array("i", [NOBODY]) * n
    _scatter(sole, held_member, held_officer)  # the last officer of a member's ties
    covered = bytearray(n)
    edges = {at - c for c in cadences}
    if spans == cadences and not any(map(edges.__contains__, compress(ties.last, flags))):
        # Each member's window is its cadence: a contact within it is an active tie
        # (``at - c <= last``) not met exactly at ``at - c``, and none was.
        _scatter(covered, held_member, repeat(1))
    else:
        # A contact counts from the start of its member's window (one per priority code).
        seen = _met(ties, priority, (at - w + 1 for w in spans), at)
        _scatter(covered, compress(ties.member, seen), repeat(1))
    tree = AreaTree(t.area_from_row(r) for r in conn.execute(sa.select(t.areas)).mappings())
    snap = Snapshot(
        as_of=as_of.at,
        at=at,
        window=window,
        tree=tree,
        officers=officers,
        excluded=frozenset(excluded),
        cooling=cooling,
        spans=spans,
        cadences=cadences,
        keys=keys,
        kind=codes[0],
        sector=codes[1],
        priority=priority,
        home=home,
        homes=homes,
        covered=bytes(covered),
        active=active,
        sole=sole,
        staff=staff,
        outsiders=outsiders,
        held=(held_member, held_officer),
        ties=ties,
        cold=_cold(ties, priority, cadences, at) if cooling else GoingCold(),
        broken=broken,
    )
    # the cached properties
    snap.__dict__.update(position=position, staff_index=index, lookup=lookup)
    return snap


def widen(conn: Connection, snap: Snapshot, *, cadence: dict[Priority, int]) -> Snapshot:
    """``snap`` with the ties going cold, as :func:`load_snapshot` reads them with
    ``cooling``: the ties it read, the officer ties older than those up to four cadences
    back, and the pairs whose last contact was a promise now passed (one more pass over
    the pair summaries). Everything else (the members, their areas, the officers, what
    was counted from them) is the same, and is kept."""
    if snap.cooling:
        return snap
    with quiet_collector():
        return _widen(conn, snap, cadence=cadence)


def _widen(conn: Connection, snap: Snapshot, *, cadence: dict[Priority, int]) -> Snapshot:
    at = snap.at
    near = at - _horizon(cadence, snap.window, cooling=False)
    far = at - _horizon(cadence, snap.window, cooling=True)
    lasts = last_contacts(conn, at=at, since=far)
    reach = tuple(at - 4 * c for c in snap.cadences)  # older ties count only going cold
    older, broken = read_ties(
        conn,
        lasts,
        at,
        snap.position,
        snap.staff_index,
        older_than=near,
        reach=(reach, snap.priority, far),
        lookup=snap.lookup,
        promises=True,
    )
    ties = Ties(
        member=_joined("i", snap.ties.member, older.member),
        officer=_joined("i", snap.ties.officer, older.officer),
        last=_joined("q", snap.ties.last, older.last),
    )
    wider = attrs.evolve(
        snap,
        cooling=True,
        ties=ties,
        cold=_cold(ties, snap.priority, snap.cadences, at),
        broken=broken,
    )
    kept = ("memo", "position", "lookup", "staff_index", "closures", "holders", "_up", "seen")
    for name in kept:
        if name in snap.__dict__:
            wider.__dict__[name] = snap.__dict__[name]
    return wider


def _joined(code: str, first: Sequence[int], then: Sequence[int]) -> array[int]:
    """One column of ``first`` followed by ``then`` (copied whole when they are arrays
    of ``code``, not item by item)."""
    out = array(code)
    for part in (first, then):
        if isinstance(part, array) and part.typecode == code:
            out.extend(part)
        else:
            out.extend(array(code, part))
    return out


def _horizon(cadence: dict[Priority, int], window: Window, *, cooling: bool) -> int:
    """How far back the officer ties are read: far enough to see every contact in the
    coverage window and every active tie (age <= c), or with ``cooling`` every tie that
    is not lapsed (age <= 4c); + 1 because the bounds are inclusive."""
    c_max = max(cadence.values()) * MICROS_PER_DAY
    return max(4 * c_max if cooling else c_max, window.micros or 0) + 1


def _scatter(column: MutableSequence[int], at: Iterable[int], values: Iterable[int]) -> None:
    """``column[i] = v`` for each ``i`` of ``at`` and ``v`` of ``values``, in order (a
    later value for one index wins), without a Python statement per item."""
    deque(map(column.__setitem__, at, values), maxlen=0)


def _lookup(position: dict[str, int], outsiders: Iterable[str]) -> dict[str, int]:
    """``position``, and -1 for each key of ``outsiders``: a plain dict that has every key
    of the ties read, so that their keys are looked up all at once (one ``itemgetter``
    call, which stops at a key it lacks)."""
    found = dict(position)
    found.update(dict.fromkeys(outsiders, -1))
    return found


def _met(ties: Ties, priority: bytes, starts: Iterable[int], at: int) -> bytes:
    """One flag per tie: last met in ``[starts[p], at]``, ``p`` its member's priority
    code (one comparison per tie: the ties read were all last met at or before ``at``,
    which one ``max`` checks)."""
    first = picked(_per_member(priority, starts), ties.member)
    if not ties.last or max(ties.last) <= at:
        return bytes(map(le, first, ties.last))
    return bytes(map(and_, map(le, first, ties.last), map(ge, repeat(at), ties.last)))


def _per_member(priority: bytes, by_code: Iterable[_T]) -> Sequence[_T]:
    """One value per member, by its priority code."""
    return picked(list(by_code), priority)


def _cold(ties: Ties, priority: bytes, cadences: Sequence[int], at: int) -> GoingCold:
    """The ties of ``ties`` cooling (``c < age <= 2c``) or dormant (``2c < age <= 4c``)
    at ``at``, as one flag per tie (copying them out and sorting them coldest first is
    left to the :class:`~rbp.graph.ColdTies` that lists them, when a record is first
    read: a report whose list is only counted never copies nor sorts hundreds of
    thousands of ties)."""
    going = _per_member(priority, (range(at - 4 * c, at - c) for c in cadences))
    return GoingCold(
        ties=ties,
        keep=bytes(map(contains, picked(going, ties.member), ties.last)),
        cooling_from=_per_member(priority, (at - 2 * c for c in cadences)),
    )
