"""A brute-force oracle for ``crm.graph``: every metric recomputed from the raw
:class:`~tests.integration.conftest_graph.City` with plain loops.

Nothing here imports rbp's graph or interaction code: the definitions are read off
DESIGN.md ("Graph and metrics") and the public docstrings, and applied to the
Python-side log the test generated. Instants are epoch microseconds (ints), so every
window comparison is exact. networkx is used only for textbook graph algorithms
(shortest-path lengths, components, betweenness) on a graph built here.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations

import networkx as nx

from rbp import Priority, Sector
from tests.integration.conftest_graph import DAY, City, Person

__all__ = [
    "CADENCE",
    "Coverage",
    "Gaps",
    "KeyPerson",
    "coverage",
    "cut_off",
    "departure",
    "gaps",
    "key_person",
    "network",
    "partner_pairs",
    "present",
    "reach",
]

CADENCE = {Priority.KEY: 30, Priority.REGULAR: 90, Priority.LOW: 180}
RANK = {Priority.KEY: 0, Priority.REGULAR: 1, Priority.LOW: 2}
DEFAULT_EXPECTED = (
    Sector.RESIDENT,
    Sector.FAITH,
    Sector.BUSINESS,
    Sector.YOUTH,
    Sector.EDUCATION,
    Sector.SOCIAL_SERVICES,
)


# ----------------------------------------------------------------------------- basics


def present(since: int | None, until: int | None, at: int) -> bool:
    """Part of the picture at ``at``: no since after it, no until before it."""
    return not ((since is not None and since > at) or (until is not None and until < at))


def _here(p: Person, at: int) -> bool:
    return present(p.since, p.until, at)


def ancestors(city: City, key: str) -> list[str]:
    parent = {p.key: p.parent for p in city.places}
    out = []
    node = parent[key]
    while node is not None:
        out.append(node)
        node = parent[node]
    return out


def rolled_up(city: City, areas: tuple[str, ...]) -> set[str]:
    """The areas and every ancestor of each."""
    out: set[str] = set()
    for a in areas:
        out.add(a)
        out.update(ancestors(city, a))
    return out


def subtree(city: City, key: str) -> set[str]:
    """``key`` and every area below it."""
    return {p.key for p in city.places if p.key == key or key in ancestors(city, p.key)}


def contacts(
    city: City, at: int, *, without: tuple[str, ...] = ()
) -> dict[tuple[str, str], list[int]]:
    """(officer, non-officer) -> times of their shared interactions at or before ``at``,
    for officers and stakeholders present at ``at`` (officers in ``without`` left out)."""
    kind = {p.key: p.kind for p in city.people}
    here = {p.key for p in city.people if _here(p, at)}
    out: dict[tuple[str, str], list[int]] = defaultdict(list)
    for e in city.events:
        if e.at > at:
            continue
        officers = [k for k in e.participants if kind[k] == "officer" and k in here]
        others = [k for k in e.participants if kind[k] != "officer" and k in here]
        for o in officers:
            if o in without:
                continue
            for s in others:
                out[o, s].append(e.at)
    return {k: sorted(v) for k, v in out.items()}


def in_scope(
    city: City,
    at: int,
    *,
    area: str | None = None,
    sector: Sector | None = None,
    kind: str | None = None,
) -> list[Person]:
    """Non-officers present at ``at`` that pass the filters."""
    out = []
    for p in city.others:
        if not _here(p, at):
            continue
        if sector is not None and p.sector is not sector:
            continue
        if kind is not None and p.kind != kind:
            continue
        if area is not None and area not in rolled_up(city, p.areas):
            continue
        out.append(p)
    return out


def _cadence(p: Person, cadence: dict[Priority, int]) -> int:
    assert p.priority is not None
    return cadence[p.priority] * DAY


# ----------------------------------------------------------------------------- coverage


@dataclass
class Coverage:
    covered: int
    total: int
    ratio: float | None
    covered_keys: set[str]
    by_area: dict[str, tuple[int, int]]
    by_sector: dict[Sector, tuple[int, int]]
    matrix: dict[tuple[str, Sector], tuple[int, int]]  # only cells with total > 0
    uncovered: tuple[str, ...]


def coverage(
    city: City,
    at: int,
    *,
    window: int | None = None,
    area: str | None = None,
    sector: Sector | None = None,
    kind: str | None = None,
    without: tuple[str, ...] = (),
    cadence: dict[Priority, int] = CADENCE,
) -> Coverage:
    """Covered iff some present officer shares an interaction in ``(at - w, at]``."""
    ties = contacts(city, at, without=without)
    scope = in_scope(city, at, area=area, sector=sector, kind=kind)
    covered_keys = set()
    for p in scope:
        w = window if window is not None else _cadence(p, cadence)
        if any(at - w < t <= at for (_, s), times in ties.items() if s == p.key for t in times):
            covered_keys.add(p.key)
    areas = [p.key for p in city.places] if area is None else sorted(subtree(city, area))
    by_area = {}
    for a in areas:
        members = [p for p in scope if a in rolled_up(city, p.areas)]
        by_area[a] = (sum(p.key in covered_keys for p in members), len(members))
    by_sector = {}
    for s in Sector:
        members = [p for p in scope if p.sector is s]
        if members:
            by_sector[s] = (sum(p.key in covered_keys for p in members), len(members))
    matrix = {}
    for a in areas:
        for s in Sector:
            members = [p for p in scope if p.sector is s and a in rolled_up(city, p.areas)]
            if members:
                matrix[a, s] = (sum(p.key in covered_keys for p in members), len(members))
    uncovered = sorted(
        (p for p in scope if p.key not in covered_keys),
        key=lambda p: (RANK[p.priority], p.key),  # type: ignore[index]
    )
    n = len(scope)
    return Coverage(
        covered=len(covered_keys),
        total=n,
        ratio=None if n == 0 else len(covered_keys) / n,
        covered_keys=covered_keys,
        by_area=by_area,
        by_sector=by_sector,
        matrix=matrix,
        uncovered=tuple(p.key for p in uncovered),
    )


# ----------------------------------------------------------------------------- key person


@dataclass
class KeyPerson:
    covered: int
    single_threaded: set[str]
    sole_held: dict[str, set[str]]
    ratio: float | None
    holders: dict[str, set[str]]  # stakeholder -> officers holding an active tie


def key_person(
    city: City,
    at: int,
    *,
    area: str | None = None,
    window: int | None = None,
    cadence: dict[Priority, int] = CADENCE,
) -> KeyPerson:
    """Single-threaded: covered, and exactly one officer's last contact is within the cadence.

    "Covered" is by each stakeholder's cadence, or by ``window`` when a gap report is
    asked for with one (so that report's uncovered and single-threaded lists never share
    a stakeholder).
    """
    cov = coverage(city, at, area=area, window=window, cadence=cadence)
    ties = contacts(city, at)
    holders: dict[str, set[str]] = defaultdict(set)
    for (o, s), times in ties.items():
        p = city.person(s)
        if at - times[-1] <= _cadence(p, cadence):
            holders[s].add(o)
    single = {k for k in cov.covered_keys if len(holders[k]) == 1}
    sole: dict[str, set[str]] = defaultdict(set)
    for k in single:
        (o,) = holders[k]
        sole[o].add(k)
    return KeyPerson(
        covered=cov.covered,
        single_threaded=single,
        sole_held=dict(sole),
        ratio=None if cov.covered == 0 else len(single) / cov.covered,
        holders=dict(holders),
    )


# ----------------------------------------------------------------------------- gaps


@dataclass
class Gaps:
    uncovered: dict[Priority, tuple[str, ...]]
    cooling: set[tuple[str, str, str, int]]  # officer, stakeholder, status, last
    matrix_gaps: set[tuple[str, Sector]]
    missing_sectors: dict[str, tuple[Sector, ...]]
    quiet_areas: set[str]
    single_threaded: set[str]
    overdue: set[tuple[str, str, int]]  # officer, stakeholder, interaction id


def gaps(
    city: City,
    at: int,
    *,
    window: int | None = None,
    area: str | None = None,
    quiet_window: int = 90 * DAY,
    expected_default: tuple[Sector, ...] = DEFAULT_EXPECTED,
) -> Gaps:
    cov = coverage(city, at, window=window, area=area)
    scope = {p.key: p for p in in_scope(city, at, area=area)}
    uncovered = {pr: tuple(k for k in cov.uncovered if scope[k].priority is pr) for pr in Priority}
    cooling = set()
    for (o, s), times in contacts(city, at).items():
        if s not in scope:
            continue
        age, c = at - times[-1], _cadence(scope[s], CADENCE)
        if c < age <= 2 * c:
            cooling.add((o, s, "cooling", times[-1]))
        elif 2 * c < age <= 4 * c:
            cooling.add((o, s, "dormant", times[-1]))
    matrix_gaps = {cell for cell, (c, n) in cov.matrix.items() if n > 0 and c == 0}
    missing = {}
    expected_of = {p.key: p.expected for p in city.places}
    for a in cov.by_area:
        below = subtree(city, a)
        have = {p.sector for p in scope.values() if set(p.areas) & below}
        absent = tuple(s for s in (expected_of[a] or expected_default) if s not in have)
        if absent:
            missing[a] = absent
    busy: set[str] = set()
    for e in city.events:
        if at - quiet_window < e.at <= at:
            busy |= rolled_up(city, e.areas)
    quiet = {a for a in cov.by_area if a not in busy}
    kind = {p.key: p.kind for p in city.people}
    here = {p.key for p in city.people if _here(p, at)}
    overdue = set()
    for e in city.events:
        if e.follow_up_by is None or e.follow_up_by > at or e.at > at:
            continue
        for o in e.participants:
            if kind[o] != "officer" or o not in here:
                continue
            for s in e.participants:
                if s not in scope:
                    continue
                later = any(
                    o in f.participants and s in f.participants and e.at < f.at <= at
                    for f in city.events
                )
                if not later:
                    assert e.id is not None
                    overdue.add((o, s, e.id))
    return Gaps(
        uncovered=uncovered,
        cooling=cooling,
        matrix_gaps=matrix_gaps,
        missing_sectors=missing,
        quiet_areas=quiet,
        single_threaded=key_person(city, at, area=area, window=window).single_threaded,
        overdue=overdue,
    )


# ----------------------------------------------------------------------------- departure


def departure(city: City, at: int, officer: str) -> tuple[Coverage, Coverage, list[str], list[str]]:
    """(before, after, orphaned, areas_dropped) if ``officer`` leaves at ``at``."""
    before = coverage(city, at)
    after = coverage(city, at, without=(officer,))
    orphaned = sorted(before.covered_keys - after.covered_keys)
    drops = [
        (before.by_area[a][0] - after.by_area[a][0], a)
        for a in before.by_area
        if after.by_area[a][0] < before.by_area[a][0]
    ]
    return before, after, orphaned, [a for _, a in sorted(drops, key=lambda x: (-x[0], x[1]))]


# ----------------------------------------------------------------------------- the graph


def _figures(times: list[int], at: int, half_life: int) -> dict[str, object]:
    return {
        "count": len(times),
        "first": min(times),
        "last": max(times),
        "strength": sum(0.5 ** ((at - t) / half_life) for t in times),
    }


def network(
    city: City,
    at: int,
    *,
    window: int | None = None,
    max_group: int = 25,
    half_life: int = 90 * DAY,
) -> nx.Graph:
    """The relationship graph as of ``at``, built from the raw log.

    Node attributes: kind, sector, priority (values or None), areas (sorted tuple).
    Edge attributes: kind ("officer_tie", "community_tie", "declared"), count, first,
    last (epoch micros), strength, declared (kinds, in the order they were declared).
    """
    g = nx.Graph()
    here = {p.key for p in city.people if _here(p, at)}
    for p in city.people:
        if p.key in here:
            g.add_node(
                p.key,
                kind=p.kind,
                sector=None if p.sector is None else p.sector.value,
                priority=None if p.priority is None else p.priority.value,
                areas=tuple(sorted(p.areas)),
            )
    recent = (lambda times: True) if window is None else (lambda times: max(times) > at - window)
    for (o, s), times in contacts(city, at).items():
        if recent(times):
            g.add_edge(o, s, kind="officer_tie", declared=(), **_figures(times, at, half_life))
    kind = {p.key: p.kind for p in city.people}
    pairs: dict[tuple[str, str], list[int]] = defaultdict(list)
    for e in city.events:
        if e.at > at or len(e.participants) + e.attendees > max_group:
            continue
        others = sorted(k for k in e.participants if kind[k] != "officer" and k in here)
        for a, b in combinations(others, 2):
            pairs[a, b].append(e.at)
    for (a, b), times in pairs.items():
        if recent(times):
            g.add_edge(a, b, kind="community_tie", declared=(), **_figures(times, at, half_life))
    for link in city.links:
        if not present(link.since, link.until, at) or link.a not in here or link.b not in here:
            continue
        if g.has_edge(link.a, link.b):
            g.edges[link.a, link.b]["declared"] += (link.kind.value,)
        else:
            g.add_edge(
                link.a, link.b, kind="declared", count=0, strength=0.0, declared=(link.kind.value,)
            )
    return g


def reach(g: nx.Graph, k: int) -> tuple[int, int, tuple[str, ...]]:
    """(reached, total, unreached) members within ``k`` hops of an officer."""
    officers = [n for n, d in g.nodes(data="kind") if d == "officer"]
    dist = nx.multi_source_dijkstra_path_length(g, officers, cutoff=k) if officers else {}
    members = sorted(n for n, d in g.nodes(data="kind") if d == "member")
    unreached = tuple(m for m in members if m not in dist)
    return len(members) - len(unreached), len(members), unreached


def _attached(g: nx.Graph) -> set[str]:
    """Nodes in a connected component that holds an officer."""
    out: set[str] = set()
    for comp in nx.connected_components(g):
        if any(g.nodes[n].get("kind") == "officer" for n in comp):
            out |= comp
    return out


def cut_off(g: nx.Graph) -> dict[str, int]:
    """For each non-officer, how many other non-officers lose every path to an officer
    without it (only the non-zero counts): remove it and recount components."""
    before = _attached(g)
    out = {}
    for v, kind in g.nodes(data="kind"):
        if kind == "officer":
            continue
        h = g.copy()
        h.remove_node(v)
        after = _attached(h)
        lost = [n for n in before - after - {v} if g.nodes[n].get("kind") != "officer"]
        if lost:
            out[v] = len(lost)
    return out


def partner_pairs(
    city: City,
    at: int,
    *,
    window: int | None = None,
    half_life: int = 90 * DAY,
    cadence: dict[Priority, int] = CADENCE,
) -> dict[tuple[str, str], dict[str, object]]:
    """Agency pairs (a < b) present at ``at`` that took part in the same interactions
    at or before it (any group size), with count, first, last, strength; only pairs
    whose latest joint interaction is in ``(at - w, at]``, where ``w`` is ``window`` or,
    without one, the longer of the two agencies' cadences."""
    here = {p.key for p in city.people if _here(p, at) and p.kind == "agency"}
    pairs: dict[tuple[str, str], list[int]] = defaultdict(list)
    for e in city.events:
        if e.at <= at:
            for a, b in combinations(sorted(k for k in e.participants if k in here), 2):
                pairs[a, b].append(e.at)
    out = {}
    for (a, b), times in pairs.items():
        w = window
        if w is None:
            w = max(_cadence(city.person(a), cadence), _cadence(city.person(b), cadence))
        if at - w < max(times) <= at:
            out[a, b] = _figures(times, at, half_life)
    return out
