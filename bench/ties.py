"""Tie-aggregate benchmark: ``crm.interactions.ties(as_of=T)`` on a synthetic city.

Builds the city into ``bench/out/city-<size>-seed<seed>.db`` (in a child process,
so this process's memory figures are the query's alone), or reuses the file if
it is there, then times ``ties(as_of=T)`` for T = the end of the city's period and
T = a year earlier. Prints seconds per run, the number of ties, and the peak
resident memory of this process (``ru_maxrss``) before and after the calls.
``--explain`` prints SQLite's plan for the query rbp ran. The file is keyed by
size and seed only: delete it after changing :mod:`rbp.synth`. Run from the
repository root::

    .venv/bin/python -m bench.ties --size medium
    .venv/bin/python -m bench.ties --size large --explain
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import resource
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pendulum
import sqlalchemy as sa

import rbp
from rbp.synth import DEFAULT_END, DEFAULT_TZ

OUT = Path(__file__).resolve().parent / "out"
BUILD_CACHE_MIB = 4096  # the large city's indexes fit: no page-cache thrashing while loading


def city_file(size: str, seed: int) -> Path:
    """The city's SQLite file, built by ``python -m rbp.synth`` if it is not there yet."""
    path = OUT / f"city-{size}-seed{seed}.db"
    if path.exists():
        print(f"reusing {path}")
        return path
    OUT.mkdir(exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    command = [sys.executable, "-m", "rbp.synth", "--size", size, "--seed", str(seed)]
    command += ["--out", str(partial), "--force", "--cache-mib", str(BUILD_CACHE_MIB)]
    print("building:", " ".join(command[1:]))
    subprocess.run(command, check=True)
    child = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(
        f"build CPU: {child.ru_utime:.0f} s user + {child.ru_stime:.0f} s system; "
        f"peak RSS {child.ru_maxrss / 1024:,.0f} MiB"
    )
    for suffix in ("-wal", "-shm"):  # normally gone: closing the store checkpoints the WAL
        side = Path(f"{partial}{suffix}")
        if side.exists():
            side.rename(f"{path}{suffix}")
    partial.rename(path)
    return path


def rss_mib() -> float:
    """Peak resident set size of this process so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def explain(crm: rbp.Store, statement: str, parameters: Any) -> None:
    """Print SQLite's EXPLAIN QUERY PLAN of the captured statement."""
    with crm.engine.connect() as conn:
        rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()
    print("EXPLAIN QUERY PLAN")
    for _id, parent, _, detail in rows:
        print(f"  {parent:>3} {detail}")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="medium")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per as-of time")
    parser.add_argument("--explain", action="store_true", help="print the query plan")
    args = parser.parse_args(argv)
    path = city_file(args.size, args.seed)
    end = pendulum.instance(dt.datetime.combine(DEFAULT_END, dt.time.max), tz=DEFAULT_TZ)
    captured: list[tuple[str, Any]] = []
    with rbp.open(path, tz=DEFAULT_TZ) as crm:

        @sa.event.listens_for(crm.engine, "before_cursor_execute")
        def _capture(conn: Any, cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
            if "tie_pairs" in statement:
                captured.append((statement, parameters))

        print(f"{crm.interactions.count():,} interactions; RSS before: {rss_mib():,.0f} MiB")
        for label, when in (("end", end), ("end - 1 year", end.subtract(years=1))):
            seconds, cpu = [], []
            for _ in range(args.repeat):
                started, cpu_started = time.perf_counter(), time.process_time()
                ties = crm.interactions.ties(as_of=when)
                seconds.append(time.perf_counter() - started)
                cpu.append(time.process_time() - cpu_started)
            status = collections.Counter(s.value for s in ties.statuses)
            print(
                f"ties(as_of={when:%Y-%m-%d}) [{label}]: {len(ties):,} ties {dict(status)}\n"
                f"    {min(seconds):.2f} .. {max(seconds):.2f} s wall, "
                f"{min(cpu):.2f} .. {max(cpu):.2f} s CPU over {len(seconds)} runs; "
                f"peak RSS {rss_mib():,.0f} MiB"
            )
            del ties
        if args.explain and captured:
            explain(crm, *captured[-1])


if __name__ == "__main__":
    main()
