"""``python -m rbp.synth``: write a synthetic city into a SQLite file and time each step.

It writes what :func:`rbp.synth.city` writes (``--no-voice`` leaves out the survey
responses, concerns and tips) and prints how long the plan and each write took. The
``--out`` file is new (``--force`` deletes an old one first) and is written under
:func:`rbp.synth.bulk_load` (no write-ahead log while it is built, an ordinary WAL store
when it is done); a build that fails deletes it.

When a core is idle (or with ``--apart``), the interactions are drawn in a child process
(forked once the plan is made, where the platform forks) and handed over as marshalled
chunks of plain rows, so the drawing runs on another core beside the writing; otherwise
(or with ``--one-process``) they are drawn here, between the writes. The rows are the
same either way; the times printed are this process's, the child's CPU is printed on its
own line.

Examples
--------
::

    python -m rbp.synth --size small --out city.db
    python -m rbp.synth --size medium --seed 7 --out medium.db --tz America/New_York
    python -m rbp.synth --size large --interactions 1500000 --out large-1.5m.db
"""

from __future__ import annotations

import argparse
import gc
import marshal
import multiprocessing
import os
import queue
import resource
import sys
import time
from collections.abc import Iterator, Sequence
from itertools import islice
from multiprocessing.queues import Queue
from pathlib import Path
from typing import Any, Final

import attrs
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from rbp.interactions import Interaction
from rbp.synth import DEFAULT_TZ, SIZES, Blueprint, blueprint, bulk_load
from rbp.synth._activity import from_rows, rows


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the arguments, build the city, print its counts and how long each step took."""
    parser = argparse.ArgumentParser(
        prog="python -m rbp.synth", description="Write a deterministic synthetic city."
    )
    parser.add_argument("--size", choices=list(SIZES), default="small")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--interactions",
        type=int,
        default=None,
        help="how many interactions to log (default: the size's own count)",
    )
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
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--one-process",
        dest="apart",
        action="store_false",
        default=None,
        help="draw the interactions in this process, between the writes",
    )
    where.add_argument(
        "--apart",
        dest="apart",
        action="store_true",
        help="draw the interactions in a child process, beside the writing (the default "
        "when a core is idle: the load average is below the cores less one)",
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

    plan = blueprint(size=args.size, seed=args.seed, interactions=args.interactions, tz=args.tz)
    step("plan")
    # The plan lives until the end: keep the garbage collector from rescanning it. The
    # write makes millions of short-lived tuples and no cycles worth collecting before
    # it ends; the collector's passes over them were about 8% of the build's CPU.
    gc.collect()
    gc.freeze()
    gc.disable()
    # Forked now, before the store is opened: the child shares the plan and nothing else.
    wanted = _core_idle() if args.apart is None else args.apart
    apart = (
        _Apart.start(plan) if wanted and _FORK in multiprocessing.get_all_start_methods() else None
    )
    built = False
    try:
        with open_store(args.out, tz=args.tz) as crm:
            mib = args.cache_mib if args.cache_mib is not None else _file_mib(plan.total)
            if mib:
                _page_cache(crm.engine, mib)
            # A new file, deleted below if the build fails: written without the WAL.
            with bulk_load(crm):
                info = (plan if apart is None else apart).write(crm, voice=args.voice, done=step)
            n = info.interactions
        step("close")  # back to WAL, flushed to disk, closed
        built = True
    finally:
        if apart is not None:
            apart.stop()
        gc.enable()
        gc.unfreeze()
        if not built and args.out is not None:  # no half-written city is left behind
            for suffix in ("", "-wal", "-shm"):
                Path(f"{args.out}{suffix}").unlink(missing_ok=True)
    print(f"{args.size} city, seed {args.seed} -> {args.out or 'memory'}")
    print(info)
    total = sum(s for _, s, _ in steps)
    for name, seconds, used in steps:
        print(f"time {name:<13}{seconds:>8.1f} s (CPU {used:.1f} s)")
    child = 0.0
    if apart is not None:
        child = apart.cpu
        print(f"drawn apart   (CPU {child:.1f} s in the child process)")
    print(
        f"total         {total:.1f} s (CPU {sum(c for _, _, c in steps):.1f} s"
        + (f", {sum(c for _, _, c in steps) + child:.1f} s with the child's" if apart else "")
        + f"; {n / max(total, 1e-9):,.0f} interactions/s overall)"
    )
    return 0


def _core_idle() -> bool:
    """Whether a core looks idle (the 1-minute load average below the cores less one):
    a child drawing beside the writing pays only then. On a machine whose cores are
    busy it takes CPU from the writing and the build is no faster, or slower."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    try:
        load = os.getloadavg()[0]
    except OSError:  # not known here
        return False
    return cores >= 2 and load < cores - 1


_FORK: Final = "fork"
"""The start method of the child (the plan is handed over as the parent holds it)."""
CHUNK = 5_000
"""Interactions per marshalled chunk the child process hands over."""
AHEAD = 40
"""Chunks the child may draw ahead of the writing (200,000 interactions, about 14 MB)."""


@attrs.define(eq=False)
class _Apart(Blueprint):
    """The plan, whose one stream of interactions a forked child process draws.

    The child runs :func:`rbp.synth._activity.rows` and puts chunks of :data:`CHUNK`
    rows, marshalled, on a queue of at most :data:`AHEAD`; :meth:`interactions` makes
    the records of them here (:func:`~rbp.synth._activity.from_rows`: about a fifth of
    what drawing them costs). The queue holds bytes only, so no record crosses.
    """

    child: Any = None
    chunks: Queue[bytes] | None = None
    cpu: float = 0.0
    read_all: bool = False

    @classmethod
    def start(cls, plan: Blueprint) -> _Apart:
        """Fork the child that draws ``plan``'s interactions, and return the plan with it."""
        ctx = multiprocessing.get_context(_FORK)
        chunks: Queue[bytes] = ctx.Queue(maxsize=AHEAD)
        child = ctx.Process(target=_draw, args=(plan, chunks), name="rbp.synth draws")
        child.daemon = True
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        child.start()
        apart = cls(**{f.name: getattr(plan, f.name) for f in attrs.fields(Blueprint)})
        apart.child, apart.chunks = child, chunks
        apart.cpu = -(before.ru_utime + before.ru_stime)
        return apart

    def interactions(self) -> Iterator[Interaction]:
        """The child's interactions (once: the child draws one stream)."""
        if self.chunks is None:
            raise RuntimeError("the child process's interactions were read already")
        chunks, self.chunks = self.chunks, None
        return from_rows(self._received(chunks), self.cal)

    def _received(self, chunks: Queue[bytes]) -> Iterator[Any]:
        """The rows the child puts on ``chunks``, until its closing b""."""
        while True:
            try:
                blob = chunks.get(timeout=1.0)
            except queue.Empty:
                if not self.child.is_alive():
                    raise RuntimeError(
                        "the process drawing the interactions ended early "
                        f"(exit code {self.child.exitcode})"
                    ) from None
                continue
            if not blob:
                self.read_all = True
                return
            yield from marshal.loads(blob)  # noqa: S302 (our own child wrote it)

    def stop(self) -> None:
        """End the child (at once if its rows were not all read) and note its CPU."""
        if not self.read_all:
            self.child.terminate()
        self.child.join()
        used = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.cpu += used.ru_utime + used.ru_stime


def _draw(plan: Blueprint, chunks: Queue[bytes]) -> None:
    """The child: every interaction of ``plan`` as plain rows, a chunk at a time, then b""."""
    drawn = rows(plan.seed, plan.force.duties, plan.cal, plan.total)
    while chunk := list(islice(drawn, CHUNK)):
        chunks.put(marshal.dumps(chunk))
    chunks.put(b"")


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
