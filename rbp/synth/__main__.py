"""``python -m rbp.synth``: write a synthetic city into a SQLite file and time each step.

It writes what :func:`rbp.synth.city` writes (``--no-voice`` leaves out the survey
responses, concerns and tips) and prints how long the plan and each write took.

Examples
--------
::

    python -m rbp.synth --size small --out city.db
    python -m rbp.synth --size medium --seed 7 --out medium.db --tz America/New_York
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from rbp.synth import DEFAULT_TZ, SIZES, blueprint


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the arguments, build the city, print its counts and how long each step took."""
    parser = argparse.ArgumentParser(
        prog="python -m rbp.synth", description="Write a deterministic synthetic city."
    )
    parser.add_argument("--size", choices=list(SIZES), default="small")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, help="SQLite file to create (default: in memory)")
    parser.add_argument("--tz", default=DEFAULT_TZ, help="the agency's time zone")
    parser.add_argument("--force", action="store_true", help="replace an existing --out file")
    parser.add_argument(
        "--cache-mib",
        type=int,
        default=None,
        help="SQLite page cache for the build, in MiB (default: about the size the city's "
        "file will have, at least 256 MiB: the log's indexes and pair summaries are "
        "written at random places, so a city whose file outgrows the cache loads far slower)",
    )
    parser.add_argument(
        "--no-voice",
        dest="voice",
        action="store_false",
        help="leave out the survey responses, concerns and tips (rbp.synth.city writes them)",
    )
    args = parser.parse_args(argv)

    from rbp.store import open as open_store

    if args.out is not None and args.out.exists():
        if not args.force:
            print(f"{args.out} exists; pass --force to replace it", file=sys.stderr)
            return 2
        for suffix in ("", "-wal", "-shm"):
            Path(f"{args.out}{suffix}").unlink(missing_ok=True)
    steps: list[tuple[str, float, float]] = []
    clock, cpu = time.perf_counter(), time.process_time()

    def step(name: str) -> None:
        nonlocal clock, cpu
        now, used = time.perf_counter(), time.process_time()
        steps.append((name, now - clock, used - cpu))
        clock, cpu = now, used

    plan = blueprint(size=args.size, seed=args.seed, tz=args.tz)
    step("plan")
    # The plan lives until the end: keep the garbage collector from rescanning it. The
    # write makes millions of short-lived tuples and no cycles worth collecting before
    # it ends; the collector's passes over them were about 8% of the build's CPU.
    gc.collect()
    gc.freeze()
    gc.disable()
    try:
        with open_store(args.out, tz=args.tz) as crm:
            mib = args.cache_mib if args.cache_mib is not None else _file_mib(plan.total)
            if mib:
                _page_cache(crm.engine, mib)
            info = plan.write(crm, voice=args.voice, done=step)
            n = info.interactions
    finally:
        gc.enable()
        gc.unfreeze()
    print(f"{args.size} city, seed {args.seed} -> {args.out or 'memory'}")
    print(info)
    total = sum(s for _, s, _ in steps)
    for name, seconds, used in steps:
        print(f"time {name:<13}{seconds:>8.1f} s (CPU {used:.1f} s)")
    print(
        f"total         {total:.1f} s (CPU {sum(c for _, _, c in steps):.1f} s; "
        f"{n / max(total, 1e-9):,.0f} interactions/s overall)"
    )
    return 0


FILE_BYTES_PER_INTERACTION = 450
"""About what one interaction of a synthetic city takes in the file, with its rows,
indexes and share of the pair summaries (the large city: 2.0 GB for 5M)."""


def _file_mib(interactions: int) -> int:
    """The page cache a build of ``interactions`` gets by default, in MiB."""
    return max(256, interactions * FILE_BYTES_PER_INTERACTION // 2**20)


def _page_cache(engine: Engine, mib: int) -> None:
    """Give every connection the engine hands out a page cache of ``mib`` MiB."""

    @sa.event.listens_for(engine, "checkout")
    def _checkout(dbapi_conn: Any, record: Any, proxy: Any) -> None:
        dbapi_conn.execute(f"PRAGMA cache_size=-{int(mib) * 1024}")


if __name__ == "__main__":
    raise SystemExit(main())
