"""Coverage + key-person risk over a 90-day window: rbp against an analyst's pandas pass.

For each size (default ``100k,500k,5m`` interactions, see :mod:`bench._cities`: the
medium city's people for 100k and 500k, the large city for 5m) and T = the end of
the log's last day, each side is timed in ``--reps`` fresh processes (default 3), each
timing one run after an untimed warm-up on a store of its own (``--cold``: no warm-up;
see :mod:`bench._measure`), and the best run counts:

- **rbp**: ``crm.graph.coverage(as_of=T, window=90 days)`` then
  ``crm.graph.key_person_risk(as_of=T, window=90 days)``, on the city file opened
  read-only;
- **pandas**: on the plain SQLite copy of the same rows (``bench._cities.plain_copy``:
  stakeholders, interactions, participants, an index on the participants' ``at``),
  read the stakeholders and the participant rows of ``[T - 180 days, T]`` (the longest
  cadence: a tie is *active* when its last contact is within the stakeholder's
  cadence, key 30 / regular 90 / low 180 days), pair the officers present at T with
  the non-officers present at T through their shared interactions, take each pair's
  last contact, and count: covered = some officer met in ``(T - 90 days, T]``;
  single-threaded = covered and exactly one officer's tie active.

Reading the rows is part of both timings; building the cities and the plain copy is
not. The answers must be identical: covered, total, the uncovered keys, the
single-threaded keys and who holds each of them alone (``sole_held``). It prints each
side's best time, CPU and peak RSS, and the ratio rbp/pandas beside Step 12's target
(at most 1.0x at 100k, at most 0.5x at 500k and above). Run from the repository root::

    PYTHONPATH=$PWD .venv/bin/python -m bench.window                    # 100k, 500k, 5m
    PYTHONPATH=$PWD .venv/bin/python -m bench.window --sizes 100k,500k --reps 3

The 5m city is the large preset (``bench/out/city-large-5000000-...``, shared with
``bench.scale``); it is built on first use, once, with rbp's own settings
(``--cache-mib 4096`` gives the build a 4 GiB SQLite page cache: before Step 12 the
large city took 7-10 minutes with it)::

    PYTHONPATH=$PWD .venv/bin/python -m bench.window --sizes 5m --cache-mib 4096
"""

from __future__ import annotations

import argparse
import sqlite3
from collections.abc import Sequence
from typing import Any

from bench._cities import (
    City,
    as_of,
    build_info,
    city_file,
    label,
    micros,
    parse_size,
    plain_copy,
)
from bench._measure import Case, Result, measure, store_case

DAY = 86_400_000_000
WINDOW_DAYS = 90
CADENCE_DAYS = {"key": 30, "regular": 90, "low": 180}
"""The contact cadences of DESIGN.md (rbp's default settings), in days, by priority."""


def rbp_case(path: str, days: int = WINDOW_DAYS) -> Case:
    """rbp's two public calls, on the city file opened read-only (afresh for each run)."""
    import pendulum

    import rbp

    when, window = as_of(), pendulum.duration(days=days)

    def opener() -> rbp.Store:
        crm = rbp.open(path, readonly=True)
        cadence = {p.value: d for p, d in crm.settings.cadence.items()}
        assert cadence == CADENCE_DAYS, f"the store's cadences are not the defaults: {cadence}"
        return crm

    def call(crm: rbp.Store) -> Any:
        cov = crm.graph.coverage(as_of=when, window=window)
        risk = crm.graph.key_person_risk(as_of=when, window=window)
        return cov, risk

    def answer(result: Any) -> dict[str, Any]:
        cov, risk = result
        assert risk.covered == cov.covered, (risk.covered, cov.covered)
        return {
            "covered": cov.covered,
            "total": cov.total,
            "uncovered": sorted(cov.uncovered),
            "single_threaded": sorted(risk.single_threaded),
            "sole_held": {o: sorted(keys) for o, keys in risk.sole_held.items()},
        }

    return store_case(opener, call, answer)


def pandas_pass(plain: str, at: int, window: int) -> tuple[Any, int, Any]:
    """The analyst's pass: (covered keys, stakeholders in scope, (stakeholder, officer)
    rows of the single-threaded)."""
    import pandas as pd

    con = sqlite3.connect(plain)
    try:
        people = pd.read_sql_query(
            "SELECT key, kind, priority, since, until FROM stakeholders", con
        )
        oldest = at - max(window, max(CADENCE_DAYS.values()) * DAY)
        rows = pd.read_sql_query(
            "SELECT interaction_id, stakeholder, at FROM interaction_participants "
            "WHERE at >= ? AND at <= ?",
            con,
            params=(oldest, at),
        )
    finally:
        con.close()
    since = pd.to_numeric(people["since"])
    until = pd.to_numeric(people["until"])
    present = people[(since.isna() | (since <= at)) & (until.isna() | (until >= at))]
    is_officer = present["kind"] == "officer"
    officers = present["key"][is_officer]
    scope = present[~is_officer].set_index("key")
    cadence = scope["priority"].map(CADENCE_DAYS).fillna(CADENCE_DAYS["regular"]) * DAY
    mine = rows[rows["stakeholder"].isin(officers)][["interaction_id", "stakeholder"]]
    others = rows[rows["stakeholder"].isin(scope.index)]
    pairs = mine.rename(columns={"stakeholder": "officer"}).merge(others, on="interaction_id")
    last = pairs.groupby(["stakeholder", "officer"], sort=False)["at"].max().reset_index()
    seen = last.groupby("stakeholder", sort=False)["at"].max()
    covered = seen.index[seen > at - window]
    active = last[last["at"] >= at - last["stakeholder"].map(cadence)]
    n_active = active.groupby("stakeholder", sort=False).size()
    single = n_active.index[n_active == 1].intersection(covered)
    held = active[active["stakeholder"].isin(single)][["stakeholder", "officer"]]
    return covered, len(scope), held


def pandas_case(plain: str, days: int = WINDOW_DAYS) -> Case:
    """The pandas pass over the plain copy."""
    import pandas  # noqa: F401  (imported before timing, as rbp is)

    at = micros(as_of())

    def run() -> Any:
        return pandas_pass(plain, at, days * DAY)

    def answer(result: Any) -> dict[str, Any]:
        covered, total, held = result
        keys = set(covered)
        sole: dict[str, list[str]] = {}
        for key, officer in held.itertuples(index=False):
            sole.setdefault(officer, []).append(key)
        con = sqlite3.connect(plain)
        try:
            scope = [
                k
                for (k,) in con.execute(
                    "SELECT key FROM stakeholders WHERE kind <> 'officer' "
                    "AND (since IS NULL OR since <= ?) AND (until IS NULL OR until >= ?)",
                    (at, at),
                )
            ]
        finally:
            con.close()
        assert len(scope) == total
        return {
            "covered": len(keys),
            "total": total,
            "uncovered": sorted(k for k in scope if k not in keys),
            "single_threaded": sorted(held["stakeholder"]),
            "sole_held": {o: sorted(v) for o, v in sole.items()},
        }

    return Case(run=run, answer=answer)


def differences(a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    """What differs between two answers, briefly."""
    out = []
    for field in a:
        x, y = a[field], b.get(field)
        if x == y:
            continue
        if isinstance(x, list) and isinstance(y, list):
            only_a, only_b = sorted(set(x) - set(y)), sorted(set(y) - set(x))
            out.append(
                f"{field}: {len(only_a)} only in rbp {only_a[:5]}, "
                f"{len(only_b)} only in pandas {only_b[:5]}"
            )
        elif isinstance(x, dict) and isinstance(y, dict):
            keys = sorted(k for k in set(x) | set(y) if x.get(k) != y.get(k))
            out.append(f"{field}: {len(keys)} officers differ, e.g. {keys[:5]}")
        else:
            out.append(f"{field}: rbp {x!r}, pandas {y!r}")
    return out


def run_size(city: City, reps: int, warm: int, cache_mib: int = 0) -> tuple[Result, Result, bool]:
    path = city_file(city, cache_mib=cache_mib)
    plain = plain_copy(path)
    built = build_info(path)
    note = f"; built in {built['total_s']:.0f} s" if built else ""
    print(
        f"\n{label(city.interactions)} interactions ({city.preset} people, seed {city.seed}{note})"
    )
    print(f"  {path.name}, as of {as_of():%Y-%m-%d %H:%M}, window {WINDOW_DAYS} days")
    ours = measure(
        "rbp coverage + key_person_risk",
        "bench.window:rbp_case",
        reps=reps,
        warm=warm,
        path=str(path),
    )
    print("  " + ours.line(), flush=True)
    theirs = measure(
        "pandas pass (plain SQLite copy)",
        "bench.window:pandas_case",
        reps=reps,
        warm=warm,
        plain=str(plain),
    )
    print("  " + theirs.line(), flush=True)
    diff = differences(ours.answer, theirs.answer)
    a = ours.answer
    print(
        f"  answers identical: {'yes' if not diff else 'NO'}  (covered {a['covered']:,} of "
        f"{a['total']:,}, {len(a['single_threaded']):,} single-threaded, "
        f"{len(a['sole_held']):,} officers hold someone alone)"
    )
    for line in diff:
        print("    " + line)
    print(
        f"  ratio rbp/pandas: {ours.best / theirs.best:.2f}x wall (target {target(city):.1f}x), "
        f"{ours.best_cpu / theirs.best_cpu:.2f}x CPU (a check when the machine is busy)"
    )
    return ours, theirs, not diff


def target(city: City) -> float:
    """Step 12: no slower than pandas at 100k, at most half its time from 500k up."""
    return 1.0 if city.interactions < 500_000 else 0.5


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", default="100k,500k,5m", help="comma-separated (see bench._cities)"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--reps", type=int, default=3, help="processes per side (best counts)")
    parser.add_argument("--cold", action="store_true", help="no untimed warm-up run")
    parser.add_argument(
        "--cache-mib", type=int, default=0, help="SQLite page cache while building a city"
    )
    args = parser.parse_args(argv)
    rows = []
    for size in args.sizes.split(","):
        city = parse_size(size, args.seed)
        ours, theirs, same = run_size(city, args.reps, 0 if args.cold else 1, args.cache_mib)
        rows.append((city, ours, theirs, same))
    print(
        "\n| interactions | rbp s | pandas s | rbp/pandas | target | CPU rbp/pandas "
        "| rbp peak MiB | pandas peak MiB | identical |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|:---:|")
    for city, ours, theirs, same in rows:
        ratio = ours.best / theirs.best
        ok = "met" if ratio <= target(city) else "NOT met"
        print(
            f"| {label(city.interactions)} | {ours.best:.3f} | {theirs.best:.3f} | {ratio:.2f}x | "
            f"<= {target(city):.1f}x ({ok}) | {ours.best_cpu / theirs.best_cpu:.2f}x | "
            f"{ours.peak_rss_mib:,.0f} | "
            f"{theirs.peak_rss_mib:,.0f} | {'yes' if same else 'NO'} |"
        )


if __name__ == "__main__":
    main()
