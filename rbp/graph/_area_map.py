"""What an area map draws (``crm.graph.diagram`` at the areas level): which areas, as
frames or boxes, their coverage, and the officers they share.

The counts come from the coverage report the map is drawn beside (rolled up the area
tree) and one SQL query of officer-area pairs; no stakeholder is read one by one. The
drawing itself is :func:`rbp.graph.diagrams._areas.area_diagram`.
"""

from __future__ import annotations

import enum
import itertools
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence

import graphviz
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from rbp import _schema as t
from rbp._queries.concerns import open_counts
from rbp._queries.pairs import window_lasts
from rbp._queries.rules import absent_keys, present_sql
from rbp._render._words import count, percent
from rbp._time import MICROS_PER_DAY
from rbp.graph._reports import CoverageReport
from rbp.graph._snapshot import Snapshot, cadence_case
from rbp.graph.diagrams._areas import MapArea, area_diagram, packed
from rbp.model import Priority, Sector, StakeholderKind

__all__ = ["MAX_AREAS", "MAX_LINES", "MapLevel", "area_map", "open_concerns", "open_words"]

MAX_AREAS = 150
"""The most areas an area map labels one by one; past it districts stand for their
beats (or, with no districts, the areas with the least coverage are drawn)."""

MAX_LINES = 24
"""The most shared-officer lines a map draws: the pairs sharing the most officers."""


class MapLevel(enum.Enum):
    """What :meth:`~rbp.graph.Graph.diagram` draws: areas or people.

    Examples
    --------
    >>> from rbp.graph import MapLevel
    >>> MapLevel("areas"), MapLevel.PEOPLE.value
    (<MapLevel.AREAS: 'areas'>, 'people')
    """

    AREAS = "areas"
    PEOPLE = "people"


def open_concerns(conn: Connection, snap: Snapshot) -> dict[str, tuple[int, int]]:
    """Area key -> (open concerns, open tips) at the snapshot's T, each counted for its
    area and every area above it."""
    rolled: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for area, (concerns, tips) in open_counts(conn, snap.at).items():
        for a in (area, *snap.tree.ancestors(area)) if area in snap.tree else (area,):
            rolled[a][0] += concerns
            rolled[a][1] += tips
    return {a: (n[0], n[1]) for a, n in rolled.items()}


def open_words(counts: tuple[int, int] | None) -> str:
    """Open concerns and tips in words ("2 concerns and 1 tip open"); "" for none.

    Parameters
    ----------
    counts
        Open concerns (not tips) and open tips; None for none.

    Returns
    -------
    str
        The words a map shows, or "".

    Examples
    --------
    >>> open_words((2, 1)), open_words((0, 1)), open_words((0, 0)), open_words(None)
    ('2 concerns and 1 tip open', '1 tip open', '', '')
    """
    concerns, tips = counts or (0, 0)
    parts = [count(n, noun) for n, noun in ((concerns, "concern"), (tips, "tip")) if n]
    return f"{' and '.join(parts)} open" if parts else ""


def _sector_name(s: Sector) -> str:
    return s.value.replace("_", " ").capitalize()


def _tops(snap: Snapshot, scope: str | None) -> list[str]:
    """The areas one level below the map's subject: the districts of a department
    (through a single root, the city), the beats of a district."""
    tree = snap.tree
    if scope is not None:
        return list(tree.children(scope))
    tops = list(tree.roots)
    while len(tops) == 1 and tree.children(tops[0]):
        tops = list(tree.children(tops[0]))
    return tops


def _shared_rows(
    conn: Connection, snap: Snapshot, cadence: dict[Priority, int]
) -> list[tuple[str, str, str]]:
    """(officer, area, sector) of every officer with an active tie (a last contact
    no older than the stakeholder's cadence) to a stakeholder of that area and sector,
    both part of the picture at T."""
    s, sa_c = t.stakeholders.c, t.stakeholder_areas.c
    at = snap.at
    longest = max(cadence.values()) * MICROS_PER_DAY
    recent = window_lasts(conn, at=at, since=at - longest - 1)
    e = recent.c
    q = (
        sa.select(e.officer, sa_c.area, s.sector)
        .join_from(recent, t.stakeholders, s.key == e.stakeholder)
        .join(t.stakeholder_areas, sa_c.stakeholder == e.stakeholder)
        .where(
            e.last >= sa.literal(at) - cadence_case(s.priority, cadence),
            s.kind != StakeholderKind.OFFICER.value,
            present_sql(s.since, s.until, at),
            e.officer.not_in(absent_keys(at)),
        )
        .distinct()
    )
    return [(o, a, sec or Sector.OTHER.value) for o, a, sec in conn.execute(q)]


def _pairs(
    rows: Sequence[tuple[str, str, str]], unit: Callable[[str, str], str | None]
) -> Counter[tuple[str, str]]:
    """Officers shared by each pair of units, from (officer, area, sector) rows."""
    seen: dict[str, set[str]] = defaultdict(set)
    for officer, area, sector in rows:
        u = unit(area, sector)
        if u is not None:
            seen[officer].add(u)
    pairs: Counter[tuple[str, str]] = Counter()
    for units in seen.values():
        for x, y in itertools.combinations(sorted(units), 2):
            pairs[x, y] += 1
    return pairs


def _strongest(
    pairs: Counter[tuple[str, str]], noun: str, most: int
) -> tuple[dict[tuple[str, str], int], list[str]]:
    """The pairs sharing at least k officers, for the least k that keeps ``most``
    pairs or fewer, and a note on the pairs left out."""
    counts = sorted(set(pairs.values()), reverse=True)
    least = next(
        (k for k in reversed(counts) if sum(n >= k for n in pairs.values()) <= most),
        None,
    )
    kept = {p: n for p, n in pairs.items() if least is not None and n >= least}
    left = len(pairs) - len(kept)
    if not left:
        return kept, []
    if least is None:
        return kept, [
            f"Lines: {count(len(pairs), 'pair')} of {noun} share officers, too many to draw."
        ]
    return kept, [
        f"Lines: the pairs of {noun} sharing {least} or more officers "
        f"({count(left, 'pair')} sharing fewer not drawn)."
    ]


def _rest(snap: Snapshot, chosen: Sequence[int], tops: Sequence[str]) -> tuple[int, int]:
    """Covered and total of the stakeholders in scope that no area in ``tops`` holds
    (held by the map's own area, or by no area at all)."""
    drawn = set(tops)
    apart = {h for h, up in enumerate(snap.closures) if not up & drawn}
    home, flags = snap.home, snap.covered
    left = [i for i in chosen if home[i] in apart]
    return sum(flags[i] for i in left), len(left)


def area_map(
    conn: Connection,
    snap: Snapshot,
    cov: CoverageReport,
    chosen: Sequence[int],
    *,
    scope: str | None,
    title: str,
    cadence: dict[Priority, int],
    concerns: Mapping[str, tuple[int, int]] | None = None,
) -> graphviz.Graph:
    """The area map of ``scope`` (None: the department) from its coverage report and
    the stakeholders in scope; ``concerns`` (area key -> open concerns and tips, rolled
    up) labels each box that has any, and the beat map's title."""
    tops = _tops(snap, scope)
    opened = concerns or {}
    whole = f"{title}: {percent(cov.ratio)} of {count(cov.total, 'stakeholder')} covered"
    if scope is not None and len(tops) < 2:  # a beat (or one with a single site): sectors
        words = open_words(opened.get(scope))
        whole = f"{whole}; {words}" if words else whole
        cells = [(s, cov.matrix[scope, s]) for s in Sector if cov.matrix[scope, s].total]
        areas = [
            MapArea(key=s.value, name=_sector_name(s), covered=c.covered, total=c.total)
            for s, c in cells
        ]
        rows = _shared_rows(conn, snap, cadence)
        pairs = _pairs(rows, lambda a, sec: sec if a == scope else None)
        shared, more = _strongest(pairs, "sectors", min(MAX_LINES, len(areas)))
        return area_diagram(
            areas,
            title=whole,
            shared=shared,
            between="sectors",
            notes=["Each box is one sector of the area's stakeholders.", *more],
        )
    areas, frames, notes, noun = _boxes(snap, cov, tops, opened)
    covered, total = _rest(snap, chosen, tops)
    if total:
        subject = "the department" if scope is None else snap.tree[scope].name or scope
        areas.append(MapArea(key="", name=f"Rest of {subject}", covered=covered, total=total))
        notes.append(f"Rest of {subject}: stakeholders in none of the areas drawn.")
    if packed(len(frames), len(areas)):
        shared = {}
        more = [
            f"Officers shared between {noun} are not drawn on a map of this many areas"
            + ("; a district's own map draws them between its areas." if frames else ".")
        ]
    else:
        units = [f.key for f in frames] if frames else [a.key for a in areas if a.key]
        up = {k: u for u in units for k in (u, *snap.tree.descendants(u))}
        pairs = _pairs(_shared_rows(conn, snap, cadence), lambda a, _sec: up.get(a))
        shared, more = _strongest(pairs, noun, min(MAX_LINES, len(units)))
    if not tops:
        notes.append("No areas yet: add areas to the directory to see them here.")
    return area_diagram(
        areas, title=whole, frames=frames, shared=shared, between=noun, notes=[*notes, *more]
    )


def _boxes(
    snap: Snapshot,
    cov: CoverageReport,
    tops: Sequence[str],
    opened: Mapping[str, tuple[int, int]],
) -> tuple[list[MapArea], list[MapArea], list[str], str]:
    """The boxes and frames of a map of ``tops`` (districts framing their beats when
    most of them have beats), grouped further past :data:`MAX_AREAS`, with notes and
    what the boxes or frames are called ("districts", "areas"). A box with open
    concerns or tips says how many (counts only)."""
    tree = snap.tree

    def box(key: str, within: str | None = None, note: str = "") -> MapArea:
        c = cov.by_area[key]
        name = tree[key].name or key
        return MapArea(
            key=key,
            name=name,
            covered=c.covered,
            total=c.total,
            within=within,
            note=note,
            concerns=open_words(opened.get(key)),
        )

    parents = [a for a in tops if tree.children(a)]
    framed = bool(parents) and len(parents) * 2 >= len(tops)
    frames: list[MapArea] = []
    areas: list[MapArea] = []
    notes: list[str] = []
    for top in tops:
        if framed and tree.children(top):
            frames.append(box(top))
            areas += [box(k, within=top) for k in tree.children(top)]
        else:
            areas.append(box(top))
    noun = "districts" if frames else "areas"
    if len(areas) > MAX_AREAS and frames:
        notes.append(
            f"{count(len(areas), 'area')} in {count(len(frames), 'district')} are too many "
            "to label one by one: each district shows the range of its areas' coverage, "
            "and a district's own map shows its areas."
        )
        areas = [box(f.key, note=_spread(cov, tree.children(f.key))) for f in frames]
        frames = []
    if len(areas) > MAX_AREAS:
        ranked = sorted(areas, key=lambda a: (a.ratio is None, a.ratio or 0.0, a.key))
        notes.append(
            f"The {MAX_AREAS} areas with the least coverage are drawn; "
            f"{count(len(areas) - MAX_AREAS, 'other')} are left out."
        )
        areas = ranked[:MAX_AREAS]
    return areas, frames, notes, noun


def _spread(cov: CoverageReport, keys: Sequence[str]) -> str:
    """The range of coverage over ``keys``: "areas 12–80 %"."""
    ratios = [c.ratio for k in keys if (c := cov.by_area[k]).ratio is not None]
    if not ratios:
        return ""
    return f"areas {round(min(ratios) * 100)}–{percent(max(ratios))}"
