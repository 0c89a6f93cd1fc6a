"""Coverage, gaps and key-person risk from a :class:`~rbp.graph._snapshot.Snapshot`."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from rbp import _schema as t
from rbp._queries.batch import chunks
from rbp._queries.rules import present_sql, within_sql
from rbp._render import count
from rbp._time import from_micros
from rbp.errors import UnknownKeyError
from rbp.graph._reports import Cell, ColdTie, CoverageReport
from rbp.graph._risk_reports import KeyPersonReport, Successor
from rbp.graph._snapshot import PRIORITY_RANK, Member, Snapshot
from rbp.model import Sector, StakeholderKind

__all__ = ["cold_ties", "coverage", "key_person", "quiet_areas", "select", "successors"]


def select(
    snap: Snapshot,
    *,
    area: str | None = None,
    sector: Sector | None = None,
    kind: StakeholderKind | None = None,
) -> list[Member]:
    """The members in scope: in ``area`` (or below it), of ``sector`` and ``kind``."""
    if area is not None and area not in snap.tree:
        raise UnknownKeyError(f"no area {area!r}", key=area, field="area")
    out = []
    for m in snap.members:
        if sector is not None and m.sector is not sector:
            continue
        if kind is not None and m.kind is not kind:
            continue
        if area is not None and area not in snap.closure(m.areas):
            continue
        out.append(m)
    return out


def coverage(snap: Snapshot, members: Iterable[Member], *, area: str | None) -> CoverageReport:
    """Count covered and total members overall, by sector, by area (rolled up), area × sector,
    by the snapshot's window."""
    members = list(members)
    total = len(members)
    covered = sum(m.covered for m in members)
    sec_total: Counter[Sector] = Counter()
    sec_cov: Counter[Sector] = Counter()
    cell_total: Counter[tuple[str, Sector]] = Counter()
    cell_cov: Counter[tuple[str, Sector]] = Counter()
    for m in members:
        sec_total[m.sector] += 1
        sec_cov[m.sector] += m.covered
        for a in snap.closure(m.areas):
            cell_total[a, m.sector] += 1
            cell_cov[a, m.sector] += m.covered
    area_keys = list(snap.tree.order()) if area is None else [area, *snap.tree.descendants(area)]
    by_area: dict[str, Cell] = {}
    matrix: dict[tuple[str, Sector], Cell] = {}
    for a in area_keys:
        n = sum(cell_total[a, s] for s in Sector)
        c = sum(cell_cov[a, s] for s in Sector)
        by_area[a] = Cell(c, n)
        for s in Sector:
            matrix[a, s] = Cell(cell_cov[a, s], cell_total[a, s])
    by_sector = {s: Cell(sec_cov[s], sec_total[s]) for s in Sector if sec_total[s]}
    uncovered = sorted(
        (m for m in members if not m.covered), key=lambda m: (PRIORITY_RANK[m.priority], m.key)
    )
    return CoverageReport(
        as_of=snap.as_of,
        window=snap.window.duration,
        covered=covered,
        total=total,
        by_area=by_area,
        by_sector=by_sector,
        matrix=matrix,
        uncovered=tuple(m.key for m in uncovered),
    )


def key_person(snap: Snapshot, members: Iterable[Member]) -> KeyPersonReport:
    """Covered members held by exactly one officer's active tie, and who holds them."""
    covered = 0
    single: list[Member] = []
    for m in members:
        if not m.covered:
            continue
        covered += 1
        if len(m.active_officers) == 1:
            single.append(m)
    single.sort(key=lambda m: (PRIORITY_RANK[m.priority], m.key))
    held: dict[str, list[str]] = defaultdict(list)
    for m in single:
        held[m.active_officers[0]].append(m.key)
    sole = dict(sorted(held.items(), key=lambda kv: (-len(kv[1]), kv[0])))
    return KeyPersonReport(
        as_of=snap.as_of,
        window=snap.window.duration,
        covered=covered,
        single_threaded=tuple(m.key for m in single),
        sole_held={o: tuple(keys) for o, keys in sole.items()},
    )


def cold_ties(snap: Snapshot, tz: str) -> tuple[ColdTie, ...]:
    """Ties that are cooling or dormant at T, coldest first (from the snapshot)."""
    return tuple(
        ColdTie(officer=o, stakeholder=k, status=st, last=from_micros(last, tz))
        for last, o, k, st in snap.cold
    )


def quiet_areas(conn: Connection, snap: Snapshot, window: int) -> tuple[str, ...]:
    """Areas with no interaction in ``(T - window, T]``; activity counts for ancestors too."""
    a = t.interaction_areas.c
    busy = conn.execute(
        sa.select(a.area).where(within_sql(a.at, snap.at, window)).distinct()
    ).scalars()
    lively = snap.closure(list(busy))
    return tuple(sorted(x.key for x in snap.tree if x.key not in lively))


def successors(
    conn: Connection,
    snap: Snapshot,
    leaving: str,
    orphans: list[Member],
    *,
    limit: int = 10,
) -> tuple[Successor, ...]:
    """Rank officers for a warm handover of ``orphans`` (documented in ``simulate_departure``)."""
    if not orphans:
        return ()
    keys = [m.key for m in orphans]
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
    holders = {m.key: m.active_officers for m in snap.members}
    via: Counter[str] = Counter()
    for m in orphans:
        officers = {o for other in related.get(m.key, ()) for o in holders.get(other, ())}
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
    for m in orphans:
        home = snap.closure(m.areas)
        below = {d for a in m.areas if a in snap.tree for d in snap.tree.descendants(a)}
        for o, areas in assigned.items():
            if areas & (home | below):
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
