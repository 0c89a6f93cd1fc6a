"""Coverage, gaps and key-person risk from the columns of a
:class:`~rbp.graph._snapshot.Snapshot`.

Members are passed as indexes into the snapshot's columns. Answers are counted once
per snapshot: :func:`coverage` and :func:`key_person` keep what they count in the
snapshot's memo, and each call returns a new report from it, so coverage, gaps and
key-person risk as of one T count once however many of them are asked for.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from itertools import compress, repeat
from operator import eq, not_

import attrs
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from rbp import _schema as t
from rbp._queries.batch import chunks
from rbp._queries.rules import present_sql, within_sql
from rbp._render import count
from rbp.errors import UnknownKeyError
from rbp.graph._cold import ColdTies
from rbp.graph._columns import picked
from rbp.graph._reports import Cell, CoverageReport
from rbp.graph._risk_reports import KeyPersonReport, Successor
from rbp.graph._snapshot import KINDS, PRIORITIES, SECTORS, Snapshot
from rbp.model import Priority, Sector, StakeholderKind

__all__ = [
    "by_priority",
    "cold_ties",
    "coverage",
    "departure",
    "key_person",
    "quiet_areas",
    "select",
    "successors",
]


def select(
    snap: Snapshot,
    *,
    area: str | None = None,
    sector: Sector | None = None,
    kind: StakeholderKind | None = None,
) -> Sequence[int]:
    """The members in scope, by index (in key order): in ``area`` (or below it), of
    ``sector`` and ``kind``. The same scope gives the same object, so that what is
    counted from it is counted once."""
    if area is not None and area not in snap.tree:
        raise UnknownKeyError(f"no area {area!r}", key=area, field="area")
    memo = ("select", area, sector, kind)
    found: Sequence[int] | None = snap.memo.get(memo)
    if found is not None:
        return found
    if area is None and sector is None and kind is None:
        snap.memo[memo] = everyone = range(len(snap))
        return everyone
    homes = (
        None if area is None else frozenset(h for h, up in enumerate(snap.closures) if area in up)
    )
    home, sectors, kinds = snap.home, snap.sector, snap.kind
    s = None if sector is None else SECTORS.index(sector)
    k = None if kind is None else KINDS.index(kind)
    found = tuple(
        i
        for i in range(len(snap))
        if (s is None or sectors[i] == s)
        and (k is None or kinds[i] == k)
        and (homes is None or home[i] in homes)
    )
    snap.memo[memo] = found
    return found


def coverage(
    snap: Snapshot,
    members: Sequence[int],
    *,
    area: str | None,
    covered: bytes | bytearray | None = None,
) -> CoverageReport:
    """Count covered and total ``members`` overall, by sector, by area (rolled up), area ×
    sector, by the snapshot's window; ``covered`` (default the snapshot's) says who is.

    Counted once per snapshot, scope and ``covered``; every call returns its own report.
    """
    flags = snap.covered if covered is None else covered
    memo = ("coverage", id(members), area, None if covered is None else bytes(covered))
    found = snap.memo.get(memo)
    if found is None or found[0] is not members:
        found = (members, _coverage(snap, members, area, flags))
        snap.memo[memo] = found
    report: CoverageReport = found[1]
    return attrs.evolve(
        report,
        by_area=dict(report.by_area),
        by_sector=dict(report.by_sector),
        matrix=dict(report.matrix),
    )


def _coverage(
    snap: Snapshot, members: Sequence[int], area: str | None, flags: bytes | bytearray
) -> CoverageReport:
    home, sector = snap.home, snap.sector
    if isinstance(members, range) and members == range(len(snap)):
        groups = Counter(zip(home, sector, flags, strict=True))
    else:
        groups = Counter((home[i], sector[i], flags[i]) for i in members)
    covered = 0
    # Counted by sector code; the enums are keys only of what the report shows.
    sec_total: Counter[int] = Counter()
    sec_cov: Counter[int] = Counter()
    cell_total: Counter[tuple[str, int]] = Counter()
    cell_cov: Counter[tuple[str, int]] = Counter()
    closures = snap.closures
    for (h, code, c), n in groups.items():
        sec_total[code] += n
        if c:
            covered += n
            sec_cov[code] += n
        for a in closures[h]:
            cell_total[a, code] += n
            if c:
                cell_cov[a, code] += n
    area_keys = list(snap.tree.order()) if area is None else [area, *snap.tree.descendants(area)]
    by_area: dict[str, Cell] = {}
    matrix: dict[tuple[str, Sector], Cell] = {}
    for a in area_keys:
        n = c = 0
        for code, s in enumerate(SECTORS):
            cell = Cell(cell_cov[a, code], cell_total[a, code])
            matrix[a, s] = cell
            n += cell.total
            c += cell.covered
        by_area[a] = Cell(c, n)
    by_sector = {
        s: Cell(sec_cov[code], sec_total[code]) for code, s in enumerate(SECTORS) if sec_total[code]
    }
    return CoverageReport(
        as_of=snap.as_of,
        window=snap.window.duration,
        covered=covered,
        total=len(members),
        by_area=by_area,
        by_sector=by_sector,
        matrix=matrix,
        uncovered=tuple(picked(snap.keys, _ranked(snap, _unflagged(members, flags)))),
    )


def by_priority(
    snap: Snapshot, members: Sequence[int], uncovered: Sequence[str]
) -> dict[Priority, tuple[str, ...]]:
    """``uncovered``, the keys of the uncovered ``members`` ranked by priority (as
    :attr:`CoverageReport.uncovered` is), split by priority."""
    counts = Counter(picked(snap.priority, _unflagged(members, snap.covered)))
    ranked = uncovered
    out: dict[Priority, tuple[str, ...]] = {}
    start = 0
    for code, p in enumerate(PRIORITIES):
        out[p] = tuple(ranked[start : start + counts[code]])
        start += counts[code]
    return out


def _flagged(members: Sequence[int], flags: bytes | bytearray | Sequence[int]) -> list[int]:
    """The ``members`` whose flag is set."""
    if isinstance(members, range) and members == range(len(flags)):
        return list(compress(members, flags))
    return list(compress(members, map(flags.__getitem__, members)))


def _unflagged(members: Sequence[int], flags: bytes | bytearray) -> list[int]:
    """The ``members`` whose flag is not set."""
    if isinstance(members, range) and members == range(len(flags)):
        return list(compress(members, map(not_, flags)))
    return list(compress(members, map(not_, map(flags.__getitem__, members))))


def _ranked(snap: Snapshot, members: Iterable[int]) -> list[int]:
    """``members`` (in key order) by priority (key first), then by key."""
    chosen = list(members)
    codes = picked(snap.priority, chosen)
    out: list[int] = []
    for code in range(len(PRIORITIES)):
        out.extend(compress(chosen, map(eq, codes, repeat(code))))
    return out


def key_person(snap: Snapshot, members: Sequence[int]) -> KeyPersonReport:
    """Covered members held by exactly one officer's active tie, and who holds them."""
    memo = ("key_person", id(members))
    found = snap.memo.get(memo)
    if found is None or found[0] is not members:
        found = (members, _key_person(snap, members))
        snap.memo[memo] = found
    report: KeyPersonReport = found[1]
    return attrs.evolve(report, sole_held=dict(report.sole_held))


def _key_person(snap: Snapshot, members: Sequence[int]) -> KeyPersonReport:
    chosen = _flagged(members, snap.covered)
    active = snap.active
    single = _ranked(snap, compress(chosen, map(eq, picked(active, chosen), repeat(1))))
    keys = list(picked(snap.keys, single))
    held: dict[int, list[str]] = defaultdict(list)
    for o, k in zip(map(snap.sole.__getitem__, single), keys, strict=True):
        held[o].append(k)
    staff = snap.staff
    ordered = sorted(held.items(), key=lambda kv: (-len(kv[1]), staff[kv[0]]))
    return KeyPersonReport(
        as_of=snap.as_of,
        window=snap.window.duration,
        covered=len(chosen),
        single_threaded=tuple(keys),
        sole_held={staff[o]: tuple(keys) for o, keys in ordered},
    )


def departure(
    snap: Snapshot, officer: str
) -> tuple[CoverageReport, CoverageReport, tuple[int, ...]]:
    """Coverage of everybody before and after ``officer`` leaves, and the orphans (the
    members covered before and not after), from the one snapshot."""
    everyone = select(snap)
    after = snap.covered_without(officer)
    before_flags = snap.covered
    orphans = tuple(i for i in everyone if before_flags[i] and not after[i])
    return (
        coverage(snap, everyone, area=None),
        coverage(snap, everyone, area=None, covered=after),
        orphans,
    )


def cold_ties(snap: Snapshot, members: Sequence[int], tz: str) -> ColdTies:
    """Ties of ``members`` that are cooling or dormant at T, coldest first (from a
    snapshot read with them), as columns."""
    assert snap.cooling, "the snapshot was read without the ties going cold"
    cold = snap.cold
    if not (isinstance(members, range) and members == range(len(snap))):
        cold = cold.among(set(members))
    return ColdTies(cold, staff=snap.staff, keys=snap.keys, tz=tz)


def quiet_areas(conn: Connection, snap: Snapshot, window: int) -> tuple[str, ...]:
    """Areas with no interaction in ``(T - window, T]``; activity counts for ancestors too.

    One probe of the interactions' (area, time) index per area, not a pass over the
    window's interactions."""
    a, ar = t.interaction_areas.c, t.areas.c
    busy = conn.execute(
        sa.select(ar.key).where(
            sa.exists().where(a.area == ar.key, within_sql(a.at, snap.at, window))
        )
    ).scalars()
    lively = snap.closure(list(busy))
    return tuple(sorted(x.key for x in snap.tree if x.key not in lively))


def successors(
    conn: Connection,
    snap: Snapshot,
    leaving: str,
    orphans: Sequence[int],
    *,
    limit: int = 10,
) -> tuple[Successor, ...]:
    """Rank officers for a warm handover of ``orphans`` (documented in ``simulate_departure``)."""
    if not orphans:
        return ()
    keys = [snap.keys[i] for i in orphans]
    candidates = snap.officers - {leaving}
    score: Counter[str] = Counter()
    reasons: dict[str, list[str]] = defaultdict(list)
    known: Counter[str] = Counter()
    # Every officer who has met an orphan up to T: a pair summary whose first contact
    # is at or before T.
    p = t.tie_pairs.c
    for chunk in chunks(keys):
        for officer in conn.execute(
            sa.select(p.officer).where(p.stakeholder.in_(chunk), p.first <= snap.at)
        ).scalars():
            if officer in candidates:
                known[officer] += 1
    for o, n in known.items():
        score[o] += 3 * n
        reasons[o].append(f"has met {n} of the {count(len(keys), 'orphaned stakeholder')}")
    # Organisations and people the orphans are related to, and who holds those.
    r = t.relationships.c
    related: dict[str, set[str]] = defaultdict(set)
    for chunk in chunks(keys):
        for a, b in conn.execute(
            sa.select(r.a, r.b).where(
                sa.or_(r.a.in_(chunk), r.b.in_(chunk)), present_sql(r.since, r.until, snap.at)
            )
        ):
            related[a].add(b)
            related[b].add(a)
    holders, position = snap.holders, snap.position
    via: Counter[str] = Counter()
    for k in keys:
        officers = {
            o
            for other in related.get(k, ())
            if other in position
            for o in holders.get(position[other], ())
        }
        for o in officers & candidates:
            via[o] += 1
    for o, n in via.items():
        score[o] += 2 * n
        reasons[o].append(
            f"active ties with organisations or people related to {count(n, 'orphan')}"
        )
    # Officers assigned to the orphans' areas (or an area above or below them).
    sa_c, s = t.stakeholder_areas.c, t.stakeholders.c
    assigned: dict[str, set[str]] = defaultdict(set)
    for o, area in conn.execute(
        sa.select(sa_c.stakeholder, sa_c.area)
        .join_from(t.stakeholder_areas, t.stakeholders, s.key == sa_c.stakeholder)
        .where(s.kind == StakeholderKind.OFFICER.value)
    ):
        if o in candidates:
            assigned[o].add(area)
    near: Counter[str] = Counter()
    for i in orphans:
        areas = snap.areas_of(i)
        home = snap.closure(areas)
        below = {d for a in areas if a in snap.tree for d in snap.tree.descendants(a)}
        for o, theirs in assigned.items():
            if theirs & (home | below):
                near[o] += 1
    for o, n in near.items():
        score[o] += n
        reasons[o].append(f"assigned to the areas of {count(n, 'orphan')}")
    ranked = sorted(score, key=lambda o: (-score[o], o))[:limit]
    return tuple(
        Successor(
            officer=o, score=float(score[o]), orphans_known=known[o], reasons=tuple(reasons[o])
        )
        for o in ranked
    )
