"""The aggregates a transparency report publishes, read with SQL: counts by district
(and month, category, phase), medians, scores. Nothing here is suppressed yet, and
nothing here names a person: every query groups by area, month, category or phase.

Districts are the children of the one root of the area tree (the city's districts),
or the roots when there are several; an area counts for the district above it, and
a record with areas in two districts counts once in each.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable

import attrs
import pendulum
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from rbp import _schema as t
from rbp._queries.currency import standings
from rbp._queries.rules import present_sql, within
from rbp._queries.ties import tie_rows
from rbp._time import MICROS_PER_DAY, AsOf, from_micros
from rbp.areas import AreaTree
from rbp.model import Priority
from rbp.model._plans import Phase
from rbp.settings import Settings

__all__ = ["Counts", "Gathered", "districts", "gather"]


@attrs.frozen
class Counts:
    """A table of counts before suppression: row labels, column labels, counts."""

    rows: tuple[str, ...]
    columns: tuple[str, ...]
    counts: tuple[tuple[int, ...], ...]


def _counts(
    rows: Iterable[str], columns: Iterable[str], cells: dict[tuple[str, str], int]
) -> Counts:
    r, c = tuple(rows), tuple(columns)
    return Counts(r, c, tuple(tuple(cells.get((a, b), 0) for b in c) for a in r))


@attrs.frozen
class Gathered:
    """Everything a transparency report is made from."""

    engagement: Counts
    coverage: Counts
    concerns: Counts
    concern_days: list[dict[str, object]]
    responses: Counts
    scores: dict[str, tuple[int, float | None, int, float | None]]
    policies: list[dict[str, object]]
    training: Counts
    plans: Counts


def districts(tree: AreaTree) -> dict[str, str]:
    """Area key -> the key of its district (areas above the districts map to none)."""
    roots = tree.roots
    level = tree.children(roots[0]) if len(roots) == 1 and tree.children(roots[0]) else roots
    out: dict[str, str] = {}
    for d in level:
        out[d] = d
        for a in tree.descendants(d):
            out[a] = d
    return out


def _months(start: pendulum.DateTime, end: pendulum.DateTime) -> tuple[str, ...]:
    out, m = [], start.start_of("month")
    while m <= end:
        out.append(m.format("YYYY-MM"))
        m = m.add(months=1)
    return tuple(out)


def gather(
    conn: Connection, start: AsOf, end: AsOf, *, tz: str, settings: Settings, min_n: int
) -> Gathered:
    """Read every aggregate of the period ``[start, end]`` (and the state at ``end``)."""
    tree = AreaTree(t.area_from_row(r) for r in conn.execute(sa.select(t.areas)).mappings())
    of = districts(tree)
    names = tuple(sorted(set(of.values())))
    lo, hi = start.micros, end.micros
    return Gathered(
        engagement=_engagement(conn, of, names, start, end, tz),
        coverage=_coverage(conn, of, names, hi, settings),
        concerns=_concerns(conn, of, names, lo, hi),
        concern_days=_concern_days(conn, lo, hi, min_n),
        responses=(resp := _responses(conn, of, names, lo, hi))[0],
        scores=resp[1],
        policies=_policies(conn, hi, tz),
        training=_training(conn, of, names, end, settings),
        plans=_plans(conn, of, names, hi),
    )


def _engagement(
    conn: Connection,
    of: dict[str, str],
    names: tuple[str, ...],
    start: AsOf,
    end: AsOf,
    tz: str,
) -> Counts:
    ia = t.interaction_areas.c
    seen: set[tuple[int, str]] = set()
    cells: dict[tuple[str, str], int] = defaultdict(int)
    rows = conn.execute(
        sa.select(ia.interaction_id, ia.area, ia.at).where(
            ia.at >= start.micros, ia.at <= end.micros
        )
    )
    for iid, area, at in rows:
        d = of.get(area)
        if d is None or (iid, d) in seen:
            continue
        seen.add((iid, d))
        cells[(d, from_micros(at, tz).format("YYYY-MM"))] += 1
    return _counts(names, _months(start.at, end.at), cells)


def _areas_of(conn: Connection) -> dict[str, set[str]]:
    sa_c = t.stakeholder_areas.c
    out: dict[str, set[str]] = defaultdict(set)
    for key, area in conn.execute(sa.select(sa_c.stakeholder, sa_c.area)):
        out[key].add(area)
    return out


def _coverage(
    conn: Connection, of: dict[str, str], names: tuple[str, ...], at: int, settings: Settings
) -> Counts:
    s = t.stakeholders.c
    people = conn.execute(
        sa.select(s.key, s.priority).where(s.kind != "officer", present_sql(s.since, s.until, at))
    ).all()
    last: dict[str, int] = {}
    for row in tie_rows(conn, at=at, half_life=settings.half_life):
        last[row[1]] = max(last.get(row[1], row[4]), row[4])
    areas = _areas_of(conn)
    cells: dict[tuple[str, str], int] = defaultdict(int)
    for key, priority in people:
        cadence = settings.cadence_days(Priority(priority or "regular")) * MICROS_PER_DAY
        covered = key in last and within(last[key], at, cadence)
        for d in {of[a] for a in areas.get(key, ()) if a in of}:
            cells[(d, "covered" if covered else "not covered")] += 1
    return _counts(names, ("covered", "not covered"), cells)


def _concerns(
    conn: Connection, of: dict[str, str], names: tuple[str, ...], lo: int, hi: int
) -> Counts:
    c = t.concerns.c
    cells: dict[tuple[str, str], int] = defaultdict(int)
    categories: set[str] = set()
    for area, category in conn.execute(sa.select(c.area, c.category).where(c.at >= lo, c.at <= hi)):
        categories.add(category)
        if area in of:
            cells[(of[area], category)] += 1
    return _counts(names, sorted(categories), cells)


def _concern_days(conn: Connection, lo: int, hi: int, min_n: int) -> list[dict[str, object]]:
    """Median days from report to the first answer and to resolution, by category."""
    c, e = t.concerns.c, t.concern_events.c
    reported = {
        k: (cat, at)
        for k, cat, at in conn.execute(
            sa.select(c.key, c.category, c.at).where(c.at >= lo, c.at <= hi)
        )
    }
    first: dict[str, dict[str, int]] = defaultdict(dict)
    for key, status, at in conn.execute(
        sa.select(e.concern, e.status, e.at)
        .where(e.kind == "status", e.at <= hi, e.status.is_not(None))
        .order_by(e.at, e.id)
    ):
        if key not in reported or status == "received":
            continue
        mine = first[key]
        mine.setdefault("acknowledge", at)
        if status in ("resolved", "closed"):
            mine.setdefault("resolve", at)
    ack: dict[str, list[float]] = defaultdict(list)
    res: dict[str, list[float]] = defaultdict(list)
    for key, (cat, at) in reported.items():
        for stage, out in (("acknowledge", ack), ("resolve", res)):
            if stage in first.get(key, {}):
                days = (first[key][stage] - at) / MICROS_PER_DAY
                out[cat].append(days)
                out["total"].append(days)

    def median(values: list[float]) -> float | None:
        return round(statistics.median(values), 1) if len(values) >= min_n else None

    cats = sorted({cat for cat, _ in reported.values()})
    return (
        [
            {
                "category": cat,
                "median days to acknowledge": median(ack.get(cat, [])),
                "median days to resolve": median(res.get(cat, [])),
            }
            for cat in [*cats, "total"]
        ]
        if cats
        else []
    )


def _responses(
    conn: Connection, of: dict[str, str], names: tuple[str, ...], lo: int, hi: int
) -> tuple[Counts, dict[str, tuple[int, float | None, int, float | None]]]:
    """Responses with an overall answer by district, and each district's CPSS and PJ."""
    r, ia = t.survey_responses.c, t.interaction_areas.c
    where: dict[int, set[str]] = defaultdict(set)
    answers = conn.execute(
        sa.select(r.interaction_id, r.overall, r.respect, r.voice, r.neutrality, r.trust).where(
            r.at >= lo, r.at <= hi
        )
    ).all()
    ids = sorted({a[0] for a in answers})
    for start in range(0, len(ids), 5000):
        chunk = ids[start : start + 5000]
        for iid, area in conn.execute(
            sa.select(ia.interaction_id, ia.area).where(ia.interaction_id.in_(chunk))
        ):
            if area in of:
                where[iid].add(of[area])
    groups: dict[str, list[tuple[int | None, float | None]]] = defaultdict(list)
    for iid, overall, *pj in answers:
        items = [x for x in pj if x is not None]
        mean = None if not items else (sum(items) / len(items) - 1) / 4 * 100
        for d in [*where.get(iid, ()), "total"]:
            groups[d].append((overall, mean))
    scores = {}
    cells = {}
    for d, got in groups.items():
        overall = [o for o, _ in got if o is not None]
        pj_values = [m for _, m in got if m is not None]
        cpss = None if not overall else 100 * sum(o >= 4 for o in overall) / len(overall)
        pj_mean = None if not pj_values else sum(pj_values) / len(pj_values)
        scores[d] = (len(overall), cpss, len(pj_values), pj_mean)
        if d != "total":
            cells[(d, "responses")] = len(overall)
    return _counts(names, ("responses",), cells), scores


def _policies(conn: Connection, at: int, tz: str) -> list[dict[str, object]]:
    pv = t.policy_versions.c
    newest = (
        sa.select(pv.policy, sa.func.max(pv.effective).label("effective"))
        .where(pv.effective <= at)
        .group_by(pv.policy)
        .subquery()
    )
    rows = conn.execute(
        sa.select(pv.policy, pv.version, pv.title, pv.effective, pv.url)
        .join(newest, sa.and_(newest.c.policy == pv.policy, newest.c.effective == pv.effective))
        .order_by(pv.policy)
    )
    return [
        {
            "policy": key,
            "title": title,
            "version": version,
            "effective": from_micros(eff, tz).to_date_string(),
            "url": url,
        }
        for key, version, title, eff, url in rows
    ]


def _training(
    conn: Connection, of: dict[str, str], names: tuple[str, ...], end: AsOf, settings: Settings
) -> Counts:
    cells: dict[tuple[str, str], int] = defaultdict(int)
    for s in standings(conn, end, grace=settings.policy_grace, due_soon=settings.due_soon):
        for d in {of[a] for a in s.areas if a in of}:
            cells[(d, "current" if s.current else "not current")] += 1
    return _counts(names, ("current", "not current"), cells)


def _plans(conn: Connection, of: dict[str, str], names: tuple[str, ...], at: int) -> Counts:
    h, pa = t.plan_phase_history.c, t.plan_areas.c
    phase: dict[str, str] = {}
    for plan, ph in conn.execute(sa.select(h.plan, h.phase).where(h.at <= at).order_by(h.at, h.id)):
        phase[plan] = ph
    where: dict[str, set[str]] = defaultdict(set)
    for plan, area in conn.execute(sa.select(pa.plan, pa.area)):
        if area in of:
            where[plan].add(of[area])
    cells: dict[tuple[str, str], int] = defaultdict(int)
    for plan, ph in phase.items():
        for d in where.get(plan, ()):
            cells[(d, ph)] += 1
    return _counts(names, tuple(p.value for p in Phase), cells)
