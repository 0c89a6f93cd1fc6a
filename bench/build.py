"""Graph-build benchmark: ``crm.graph.build(as_of=T)`` on a synthetic city file.

Opens an existing city (made by ``python -m rbp.synth --size medium --out FILE``),
then, in this fresh process, times ``crm.graph.build`` as of the city's last day
(``--reps`` times) and prints seconds, the graph's size, and the peak resident
memory of the process (``ru_maxrss``) before and after. ``--parts`` also times the
builder's SQL reads alone (officer ties; community ties paired from the participants,
and read from their summaries, which the build reads as of the last day) so that the
share of the build spent outside SQL shows::

    .venv/bin/python -m bench.build /tmp/medium.db --reps 3 --parts
"""

from __future__ import annotations

import argparse
import resource
import time

import rbp
from rbp._queries.community import summed
from rbp._queries.ties import tie_rows
from rbp._time import to_micros
from rbp.graph._pairing import community_rows
from rbp.graph._reading import streamed
from rbp.synth import DEFAULT_TZ


def rss_mib() -> float:
    """Peak resident memory of this process so far, in MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("path")
    parser.add_argument("--reps", type=int, default=1)
    parser.add_argument("--parts", action="store_true", help="also time the SQL reads alone")
    args = parser.parse_args()
    with rbp.open(args.path, tz=DEFAULT_TZ) as crm:
        end = crm.interactions.find(newest_first=True, limit=1)[0].at.end_of("day")
        print(f"{crm.interactions.count():,} interactions, as of {end:%Y-%m-%d}")
        print(f"peak RSS before the build {rss_mib():8.0f} MiB")
        for _ in range(args.reps):
            started = time.perf_counter()
            g = crm.graph.build(as_of=end)
            took = time.perf_counter() - started
            print(
                f"graph.build {took:8.2f} s  {g.number_of_nodes():,} nodes, "
                f"{g.number_of_edges():,} edges; peak RSS {rss_mib():,.0f} MiB"
            )
            del g
        if args.parts:
            settings = crm.settings
            at = to_micros(end)
            with crm._uow.read() as conn:
                started = time.perf_counter()
                n = sum(1 for _ in tie_rows(conn, at=at, half_life=settings.half_life))
                print(f"tie_rows alone       {time.perf_counter() - started:8.2f} s  {n:,} rows")
                started = time.perf_counter()
                n = sum(
                    1
                    for _ in community_rows(
                        conn, at=at, half_life=settings.half_life, max_group=settings.max_group
                    )
                )
                print(f"community_rows alone {time.perf_counter() - started:8.2f} s  {n:,} rows")
                started = time.perf_counter()
                n = sum(1 for _ in streamed(conn, summed(at=at, max_group=settings.max_group)))
                print(f"community summaries  {time.perf_counter() - started:8.2f} s  {n:,} rows")


if __name__ == "__main__":
    main()
