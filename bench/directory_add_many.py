"""Bulk directory import: ``crm.directory.add_many`` of 100,000 community members.

Builds the members in memory first (over a small area tree), then times one
``add_many`` call into a new SQLite file in a temp folder, and prints seconds and
rows per second. With ``--profile`` it also prints where the time went.

    .venv/bin/python -m bench.directory_add_many [--members 100000] [--profile]

The target is well under 10 s for 100,000 members on the 2-core machines.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import tempfile
import time
from pathlib import Path

import pendulum

import rbp
from rbp import Area, CommunityMember, Priority, Sector

TZ = "America/Chicago"


def areas() -> list[Area]:
    """A city, 4 districts and 5 beats in each."""
    out = [Area("city", name="City")]
    for d in range(1, 5):
        out.append(Area(f"d-{d:02d}", name=f"District {d}", parent="city"))
        out += [
            Area(f"b-{d:02d}{b}", name=f"Beat {d}{b}", parent=f"d-{d:02d}", population=8000 + b)
            for b in range(1, 6)
        ]
    return out


def members(n: int, beats: list[str]) -> list[CommunityMember]:
    """``n`` members with names, tags, sectors, priorities and start dates."""
    sectors = list(Sector)
    priorities = list(Priority)
    start = pendulum.datetime(2024, 1, 1, tz=TZ)
    return [
        CommunityMember(
            f"m-{i:06d}",
            name=f"Member {i}",
            sector=sectors[i % len(sectors)],
            area=beats[i % len(beats)],
            priority=priorities[i % len(priorities)],
            may_contact=i % 3 == 0,
            tags=("block-club",) if i % 10 == 0 else (),
            since=start.add(minutes=i),
        )
        for i in range(n)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--profile", action="store_true", help="print the top of a cProfile")
    args = parser.parse_args()

    tree = areas()
    beats = [a.key for a in tree if a.key.startswith("b-")]
    t = time.perf_counter()
    people = members(args.members, beats)
    build = time.perf_counter() - t
    print(f"built {len(people):,} CommunityMember records in {build:.2f} s (not timed below)")

    with tempfile.TemporaryDirectory(prefix="rbp-bench-") as folder:
        path = Path(folder) / "directory.db"
        with rbp.open(path, tz=TZ, actor="bench") as crm:
            crm.directory.add_many(tree)
            profiler = cProfile.Profile() if args.profile else None
            t = time.perf_counter()
            if profiler is not None:
                profiler.enable()
            written = crm.directory.add_many(people)
            if profiler is not None:
                profiler.disable()
            seconds = time.perf_counter() - t
            summary = crm.directory.summary()
        size = sum(p.stat().st_size for p in Path(folder).iterdir()) / 2**20
    assert written == len(people) == summary.members
    print(
        f"directory.add_many: {written:,} members into a SQLite file in {seconds:.2f} s "
        f"= {written / seconds:,.0f} rows/s ({size:.0f} MiB on disk)"
    )
    if profiler is not None:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(15)
        print(out.getvalue())


if __name__ == "__main__":
    main()
