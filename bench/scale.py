"""The large-city benchmark: the main reads' seconds and peak memory, and a cost curve.

On one city (``--size``, default ``large``: 5M interactions; ``medium`` for 500k; see
:mod:`bench._cities`), as of T = the end of the log's last day, each call below runs in
``--reps`` fresh processes (default 3; best run counts, peak RSS is the largest; see
:mod:`bench._measure`), each after ``--warm`` untimed runs (default 1: the first
``crm.graph`` of a process imports networkx, igraph and graphviz, about a second;
``--warm 0`` halves the time the benchmark takes on the large city):

- **metrics**: ``crm.graph.coverage(as_of=T)``, ``crm.graph.gaps(as_of=T)`` and
  ``crm.graph.key_person_risk(as_of=T)``, one after the other on one store;
- **ties**: ``crm.interactions.ties(as_of=T)``;
- **GROUP BY**: the same ties written by hand over the raw tables (interaction
  participants joined to themselves, officer x non-officer, ``count``/``min``/``max``/
  decayed ``sum``, people present at T), fetched into Python; its answer must equal
  ties' (number of ties, sums of counts, first and last contacts, strengths);
- **graph.build**: ``crm.graph.build(as_of=T)`` (the networkx graph).

It prints each call's best seconds, CPU and peak RSS beside Step 12's targets for the
large city (metrics under 3 s and 1 GiB, ties under 2 s, graph.build under 10 s and
1.5 GiB, the city built in under 3 minutes), and the ratio ties / GROUP BY. The city's
build time is the one measured when ``bench/out`` got the file (kept beside it): delete
the file to measure it again. ``--cache-mib 4096`` gives the build a 4 GiB SQLite page
cache (before Step 12 the large city took 7-10 minutes with it; Step 12's target is
for rbp's own settings, the default).

``--curve`` instead runs the main reads (metrics; coverage + key-person risk over 90
days; ties; graph.build) at each of ``--sizes`` (default ``toy,small,medium``; add
``large``) and prints one markdown table for ``docs/scale.md``: seconds, peak RSS and
the city's build time, on SQLite and, with ``--postgres [URL]``, on PostgreSQL too (the
cities are written there with the same public calls; no URL: a throwaway server, see
:mod:`bench._postgres`). Run from the repository root::

    PYTHONPATH=$PWD .venv/bin/python -m bench.scale                      # large city
    PYTHONPATH=$PWD .venv/bin/python -m bench.scale --size medium --reps 3
    PYTHONPATH=$PWD .venv/bin/python -m bench.scale --curve --sizes toy,small,medium --postgres
"""

from __future__ import annotations

import argparse
import math
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench._cities import (
    City,
    as_of,
    build,
    build_info,
    city_file,
    label,
    micros,
    parse_size,
    schema_tag,
)
from bench._measure import Case, Result, measure, store_case
from bench._postgres import THROWAWAY, Server, server

GIB = 1024.0
TARGETS = {"metrics": (3.0, 1 * GIB), "ties": (2.0, None), "graph.build": (10.0, 1.5 * GIB)}
"""Step 12's targets on the large city: (seconds, peak RSS MiB)."""


# ----------------------------------------------------------------------------- cases


def _store_case(target: str, call: Any, answer: Any) -> Case:
    import rbp

    return store_case(lambda: rbp.open(target, readonly=True), call, answer)


def metrics_case(target: str) -> Case:
    """coverage + gaps + key_person_risk as of T (each stakeholder's cadence)."""
    when = as_of()

    def call(crm: Any) -> Any:
        cov = crm.graph.coverage(as_of=when)
        gaps = crm.graph.gaps(as_of=when)
        risk = crm.graph.key_person_risk(as_of=when)
        return cov, gaps, risk

    def answer(result: Any) -> dict[str, Any]:
        cov, gaps, risk = result
        return {
            "covered": cov.covered,
            "total": cov.total,
            "cooling": len(gaps.cooling),
            "single_threaded": len(risk.single_threaded),
        }

    return _store_case(target, call, answer)


def ties_case(target: str) -> Case:
    """``crm.interactions.ties(as_of=T)``."""
    when = as_of()

    def answer(ties: Any) -> dict[str, Any]:
        frame = ties.to_frame()
        return {
            "ties": len(ties),
            "count": int(frame["count"].sum()),
            "first": sum(frame["first"].dt.as_unit("us").astype("int64").tolist()),
            "last": sum(frame["last"].dt.as_unit("us").astype("int64").tolist()),
            "strength": math.fsum(frame["strength"].tolist()),
        }

    return _store_case(target, lambda crm: crm.interactions.ties(as_of=when), answer)


def build_case(target: str) -> Case:
    """``crm.graph.build(as_of=T)``."""
    when = as_of()

    def answer(g: Any) -> dict[str, Any]:
        return {"nodes": g.number_of_nodes(), "edges": g.number_of_edges()}

    return _store_case(target, lambda crm: crm.graph.build(as_of=when), answer)


HALF_LIFE_DAYS = 90
"""The tie half-life of DESIGN.md (rbp's default settings)."""

GROUP_BY = """
SELECT g.officer, g.stakeholder, g.n, g.first, g.last, g.strength, sp.priority
FROM (
    SELECT o.stakeholder AS officer, p.stakeholder AS stakeholder, count(*) AS n,
           min({at}) AS first, max({at}) AS last,
           sum(CASE WHEN (:t - {at}) / :hl >= 1075 THEN 0.0
                    ELSE power(0.5, (:t - {at}) / :hl) END) AS strength
    FROM interaction_participants o
    JOIN stakeholders so ON so.key = o.stakeholder
    JOIN interaction_participants p ON p.interaction_id = o.interaction_id
    JOIN stakeholders sp ON sp.key = p.stakeholder{join}
    WHERE so.kind = 'officer' AND sp.kind <> 'officer' AND {at} <= :t
    GROUP BY o.stakeholder, p.stakeholder
) g
JOIN stakeholders sp ON sp.key = g.stakeholder
JOIN stakeholders so ON so.key = g.officer
WHERE (sp.since IS NULL OR sp.since <= :t) AND (sp.until IS NULL OR sp.until >= :t)
  AND (so.since IS NULL OR so.since <= :t) AND (so.until IS NULL OR so.until >= :t)
"""
"""Ties by hand: officers' participant rows (by the stakeholder index), the other
participants of the same interactions (by the participants' key), grouped; the people's
presence at T checked once per pair. ``{at}`` is the participants' own ``at`` when the
table has one, else the interaction's (``{join}`` joins ``interactions i``)."""


def groupby_case(target: str) -> Case:
    """The hand-written GROUP BY over the raw tables, fetched into Python."""
    t = micros(as_of())
    params = {"t": t, "hl": float(HALF_LIFE_DAYS * 86_400_000_000)}
    postgres = "://" in target
    if postgres:
        import psycopg

        url = target.replace("postgresql+psycopg://", "postgresql://")
        conn: Any = psycopg.connect(url)
        cols = [
            r[0]
            for r in conn.execute(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_name = 'interaction_participants'"
            )
        ]
        conn.rollback()
    else:
        conn = sqlite3.connect(f"file:{target}?mode=ro", uri=True)
        cols = [r[1] for r in conn.execute("PRAGMA table_info(interaction_participants)")]
    if "at" in cols:
        query = GROUP_BY.format(at="p.at", join="")
    else:
        query = GROUP_BY.format(
            at="i.at", join="\n    JOIN interactions i ON i.id = p.interaction_id"
        )
    if postgres:
        query = query.replace(":t", "%(t)s").replace(":hl", "%(hl)s")

    def run() -> list[Any]:
        cur = conn.cursor()
        cur.execute(query, params)
        rows = cur.fetchall()
        if postgres:
            conn.rollback()
        return rows

    def answer(rows: list[Any]) -> dict[str, Any]:
        return {
            "ties": len(rows),
            "count": sum(int(r[2]) for r in rows),
            "first": sum(int(r[3]) for r in rows),
            "last": sum(int(r[4]) for r in rows),
            "strength": math.fsum(float(r[5]) for r in rows),
        }

    return Case(run=run, answer=answer, close=conn.close)


CALLS = {
    "metrics": ("coverage + gaps + key-person", "bench.scale:metrics_case"),
    "window": ("coverage + key-person (90 d)", "bench.window:rbp_case"),
    "ties": ("ties()", "bench.scale:ties_case"),
    "groupby": ("ties by hand (GROUP BY)", "bench.scale:groupby_case"),
    "graph.build": ("graph.build()", "bench.scale:build_case"),
}


def run_call(call: str, target: str, reps: int, warm: int) -> Result:
    name, function = CALLS[call]
    key = "path" if call == "window" else "target"
    return measure(name, function, reps=reps, warm=warm, **{key: target})


def same_ties(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """ties() and the GROUP BY agree (strength sums to 1e-9, relative)."""
    exact = all(a[k] == b[k] for k in ("ties", "count", "first", "last"))
    return exact and math.isclose(a["strength"], b["strength"], rel_tol=1e-9, abs_tol=1e-9)


# ----------------------------------------------------------------------------- modes


def main_mode(city: City, reps: int, warm: int, targets: list[tuple[str, str]]) -> None:
    large = city.preset == "large"
    for db, target in targets:
        print(f"\n{db}: {label(city.interactions)} interactions ({city.name}), as of {as_of()}")
        info = build_info(Path(target)) if db == "SQLite" else None
        if info is not None:
            cache = f" with a {info['cache_mib']:,} MiB page cache" if info.get("cache_mib") else ""
            print(
                f"  city built in {info['total_s']:.0f} s{cache} "
                f"({', '.join(f'{k} {v:.0f} s' for k, v in info['steps'].items())}; "
                f"target for the large city < 180 s)"
            )
        got = {}
        for call in ("metrics", "ties", "groupby", "graph.build"):
            # plain SQL has no imports to warm up: its warm-up would only double the time
            got[call] = run_call(call, target, reps, 0 if call == "groupby" else warm)
            print("  " + got[call].line(), flush=True)
        print(f"  metrics: {got['metrics'].answer}")
        print(f"  graph:   {got['graph.build'].answer}")
        same = same_ties(got["ties"].answer, got["groupby"].answer)
        print(
            f"  ties {got['ties'].answer['ties']:,}; ties() and GROUP BY agree: "
            f"{'yes' if same else 'NO'}"
            + ("" if same else f"\n    {got['ties'].answer}\n    {got['groupby'].answer}")
        )
        print(
            f"  ratio ties() / GROUP BY: {got['ties'].best / got['groupby'].best:.2f}x wall, "
            f"{got['ties'].best_cpu / got['groupby'].best_cpu:.2f}x CPU"
        )
        print("  Step 12 targets" + ("" if large else " (they are for the large city)") + ":")
        for call, (seconds, mib) in TARGETS.items():
            r = got[call]
            ok = r.best < seconds and (mib is None or r.peak_rss_mib < mib)
            limit = f"< {seconds:g} s" + ("" if mib is None else f" and < {mib:,.0f} MiB")
            print(
                f"    {call:<12} {r.best:7.2f} s {r.peak_rss_mib:7,.0f} MiB   target {limit}: "
                f"{'met' if ok else 'NOT met'}"
            )


def curve_mode(
    cities: list[City], reps: int, warm: int, postgres: str | None, cache_mib: int = 0
) -> None:
    rows: list[tuple[str, City, str, float | None, float | None]] = []
    calls = ("metrics", "window", "ties", "graph.build")
    for city in cities:
        path = city_file(city, cache_mib=cache_mib)
        info = build_info(path)
        rows.append(("SQLite", city, "build the city", info and info["total_s"], None))
        for call in calls:
            r = run_call(call, str(path), reps, warm)
            print("  SQLite " + r.line(), flush=True)
            rows.append(("SQLite", city, CALLS[call][0], r.best, r.peak_rss_mib))
    if postgres:
        with server(postgres) as pg:
            for city in cities:
                url, built = pg_city(pg, city, keep=postgres != THROWAWAY)
                rows.append(("PostgreSQL", city, "build the city", built, None))
                for call in calls:
                    r = run_call(call, url, reps, warm)
                    print("  PostgreSQL " + r.line(), flush=True)
                    rows.append(("PostgreSQL", city, CALLS[call][0], r.best, r.peak_rss_mib))
    print(f"\nbest of {reps} fresh processes, as of {as_of():%Y-%m-%d}; peak RSS per call\n")
    print("| database | city | interactions | call | seconds | peak RSS MiB |")
    print("|---|---|---:|---|---:|---:|")
    for db, city, call, seconds, mib in rows:
        s = "-" if seconds is None else f"{seconds:.2f}"
        m = "-" if mib is None else f"{mib:,.0f}"
        print(f"| {db} | {city.preset} | {label(city.interactions)} | {call} | {s} | {m} |")


def pg_city(pg: Server, city: City, *, keep: bool) -> tuple[str, float | None]:
    """The city in a database of its own on ``pg``: (URL, build seconds or None if reused)."""
    import sqlalchemy as sa

    database = f"rbp_bench_{city.name}_{schema_tag()}".replace("-", "_")
    if keep and pg.exists(database):
        url = pg.url(database)
        engine = sa.create_engine(url)
        try:
            with engine.connect() as conn:
                n = conn.exec_driver_sql("SELECT count(*) FROM interactions").scalar()
        finally:
            engine.dispose()
        if n == city.interactions:
            print(f"reusing PostgreSQL database {database}")
            return url, None
    url = pg.fresh(database)
    figures = build(city, url)
    return url, float(figures["total_s"])


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="large", help="the city of the main mode")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--reps", type=int, default=3, help="processes per call (best counts)")
    parser.add_argument("--warm", type=int, default=1, help="untimed runs first in each process")
    parser.add_argument("--curve", action="store_true", help="the cost curve over --sizes")
    parser.add_argument(
        "--cache-mib", type=int, default=0, help="SQLite page cache while building a city"
    )
    parser.add_argument("--sizes", default="toy,small,medium", help="the curve's cities")
    parser.add_argument(
        "--postgres",
        nargs="?",
        const=THROWAWAY,
        metavar="URL",
        help="also on PostgreSQL (no URL: a throwaway server)",
    )
    args = parser.parse_args(argv)
    if args.curve:
        cities = [parse_size(s, args.seed) for s in args.sizes.split(",")]
        curve_mode(cities, args.reps, args.warm, args.postgres, args.cache_mib)
        return
    city = parse_size(args.size, args.seed)
    targets = [("SQLite", str(city_file(city, cache_mib=args.cache_mib)))]
    if not args.postgres:
        main_mode(city, args.reps, args.warm, targets)
        return
    with server(args.postgres) as pg:
        url, _ = pg_city(pg, city, keep=args.postgres != THROWAWAY)
        main_mode(city, args.reps, args.warm, [*targets, ("PostgreSQL", url)])


if __name__ == "__main__":
    main()
