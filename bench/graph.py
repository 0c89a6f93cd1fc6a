"""Graph metrics benchmark: coverage + gaps + key-person risk, brokers, and a hand-made baseline.

Builds (or reuses) a synthetic city in ``bench/out/city-SIZE-seedSEED.db`` and, as of
the city's last day, times

- ``crm.graph.coverage`` + ``crm.graph.gaps`` + ``crm.graph.key_person_risk``;
- ``crm.graph.brokers`` (exact cut-off counts, sampled betweenness, constraint);
- ``crm.graph.diagram`` of the busiest beat and of the department (DOT source);
- the baseline: the same overall coverage answer computed the way an analyst would by
  hand, with pandas over the raw tables (read with ``pandas.read_sql``);

and prints seconds, the ratio of the baseline to rbp's coverage, and peak RSS.

    .venv/bin/python -m bench.graph [--size medium] [--seed 0]
"""

from __future__ import annotations

import argparse
import resource
import sqlite3
import time
from pathlib import Path

import pandas as pd
import pendulum

import rbp
from rbp import synth
from rbp._time import to_micros

OUT = Path(__file__).resolve().parent / "out"


def rss_mib() -> float:
    """Peak resident memory of this process so far, in MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def city_file(size: str, seed: int) -> Path:
    """The city's SQLite file, built on first use."""
    OUT.mkdir(exist_ok=True)
    path = OUT / f"city-{size}-seed{seed}.db"
    if not path.exists():
        started = time.perf_counter()
        with rbp.open(path, tz=synth.DEFAULT_TZ) as crm:
            synth.city(crm, size=size, seed=seed)
        print(f"built {path.name} in {time.perf_counter() - started:.1f} s")
    return path


def by_hand(path: Path, at: int) -> float:
    """Overall coverage with pandas over the raw tables: an analyst's way, no rbp."""
    con = sqlite3.connect(path)
    try:
        people = pd.read_sql("SELECT key, kind, priority, since, until FROM stakeholders", con)
        parts = pd.read_sql(
            "SELECT interaction_id, stakeholder, at FROM interaction_participants", con
        )
    finally:
        con.close()
    present = people[
        (people.since.isna() | (people.since <= at)) & (people.until.isna() | (people.until >= at))
    ]
    officers = set(present.key[present.kind == "officer"])
    parts = parts[parts["at"] <= at]
    with_officer = parts[parts.stakeholder.isin(officers)][["interaction_id"]].drop_duplicates()
    shared = parts.merge(with_officer, on="interaction_id")
    shared = shared[~shared.stakeholder.isin(officers)]
    last = shared.groupby("stakeholder")["at"].max()
    scope = present[present.kind != "officer"].set_index("key")
    days = scope.priority.map({"key": 30, "regular": 90, "low": 180}).fillna(90)
    window = days * 86_400 * 1_000_000
    seen = last.reindex(scope.index)
    covered = (seen > at - window).sum()
    return float(covered) / len(scope)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", default="medium")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--metrics-only", action="store_true", help="skip brokers and diagrams (large city)"
    )
    args = parser.parse_args()
    path = city_file(args.size, args.seed)
    with rbp.open(path, tz=synth.DEFAULT_TZ) as crm:
        n = crm.interactions.count()
        end = crm.interactions.find(newest_first=True, limit=1)[0].at.end_of("day")
        print(f"{args.size} city: {n:,} interactions, as of {end:%Y-%m-%d}")

        started = time.perf_counter()
        cov = crm.graph.coverage(as_of=end)
        t_cov = time.perf_counter() - started
        gaps = crm.graph.gaps(as_of=end)
        risk = crm.graph.key_person_risk(as_of=end)
        t_all = time.perf_counter() - started
        print(
            f"coverage                    {t_cov:7.2f} s  ratio {cov.ratio:.4f} "
            f"({cov.covered:,}/{cov.total:,})"
        )
        print(
            f"coverage + gaps + key-person {t_all:6.2f} s  ({len(gaps.cooling):,} cold ties, "
            f"{len(risk.single_threaded):,} single-threaded)"
        )

        print(f"peak RSS before the baseline {rss_mib():6.0f} MiB")
        if args.metrics_only:
            baseline(path, end, t_cov, cov.ratio)
            return
        started = time.perf_counter()
        brokers = crm.graph.brokers(as_of=end)
        print(
            f"brokers                     {time.perf_counter() - started:7.2f} s  "
            f"top {brokers[0].key if brokers else '-'}"
        )

        beat = max(
            (
                a
                for a in cov.by_area
                if cov.by_area[a].total and not crm.directory.areas().children(a)
            ),
            key=lambda a: cov.by_area[a].total,
        )
        for label, kwargs in ((f"diagram of {beat}", {"area": beat}), ("diagram of all", {})):
            started = time.perf_counter()
            d = crm.graph.diagram(as_of=end, **kwargs)
            print(
                f"{label:<28}{time.perf_counter() - started:7.2f} s  "
                f"({len(d.source):,} bytes of DOT)"
            )
        baseline(path, end, t_cov, cov.ratio)


def baseline(path: Path, end: pendulum.DateTime, t_cov: float, ratio: float | None) -> None:
    """Time the pandas-by-hand coverage, compare it, and print peak memory."""
    started = time.perf_counter()
    hand = by_hand(path, to_micros(end))
    t_hand = time.perf_counter() - started
    agrees = ratio is not None and abs(hand - ratio) < 1e-12
    print(f"baseline: pandas by hand    {t_hand:7.2f} s  ratio {hand:.4f} (agrees: {agrees})")
    print(f"baseline / rbp coverage     {t_hand / t_cov:7.1f}x")
    print(f"peak RSS with the baseline  {rss_mib():7.0f} MiB")


if __name__ == "__main__":
    main()
