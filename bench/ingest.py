"""Bulk-ingest benchmark: ``crm.interactions.log_many`` against plain sqlite3.

Builds the medium synthetic city's directory into two SQLite files made by
``rbp.open`` (same schema, indexes and pragmas), pre-generates the city's
interactions, then times

- rbp: ``crm.interactions.log_many(list_of_interactions)`` (validation, id
  assignment, row building and inserts, one transaction);
- plain: sqlite3 ``executemany`` of the very rows rbp writes (interactions,
  interaction_participants, interaction_areas, interaction_topics, tie_events),
  built as tuples before timing, in batches of the same size, one transaction.

Generation is never timed. The pre-generated objects are frozen out of the
garbage collector's view (``gc.freeze``) so that neither side pays for scanning
them. Run from the repository root::

    .venv/bin/python -m bench.ingest [--size medium] [--seed 0] [--order plain-first]
"""

from __future__ import annotations

import argparse
import gc
import sqlite3
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import rbp
from rbp._time import to_micros
from rbp.interactions import Interaction
from rbp.interactions._log import BATCH
from rbp.synth import Blueprint, blueprint

OUT = Path(__file__).resolve().parent / "out"
Rows = dict[str, list[tuple[Any, ...]]]
_SQL = {
    "interactions": "INSERT INTO interactions (id, at, kind, attendees, duration_s, follow_up_by, "
    "plan, concern, notes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "interaction_participants": "INSERT INTO interaction_participants "
    "(interaction_id, stakeholder, at) VALUES (?, ?, ?)",
    "interaction_areas": "INSERT INTO interaction_areas (interaction_id, area, at) "
    "VALUES (?, ?, ?)",
    "interaction_topics": "INSERT INTO interaction_topics (interaction_id, topic) VALUES (?, ?)",
    "tie_events": "INSERT INTO tie_events (officer, stakeholder, at, interaction_id, "
    "follow_up_by) VALUES (?, ?, ?, ?, ?)",
}


def fresh(path: Path, plan: Blueprint) -> None:
    """A new SQLite file with rbp's schema and the city's directory."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    with rbp.open(path, tz=plan.tz) as crm:
        crm.directory.add_many(plan.directory())


def rows_of(items: Sequence[Interaction], officers: set[str], first_id: int) -> list[Rows]:
    """The rows rbp writes for ``items``, batch by batch (the same batches as log_many)."""
    batches: list[Rows] = []
    for start in range(0, len(items), BATCH):
        rows: Rows = {table: [] for table in _SQL}
        for n, item in enumerate(items[start : start + BATCH]):
            i = first_id + start + n
            at = to_micros(item.at)
            rows["interactions"].append(
                (
                    i,
                    at,
                    item.kind.value,
                    item.attendees,
                    None if item.duration is None else int(item.duration.total_seconds()),
                    None if item.follow_up_by is None else to_micros(item.follow_up_by),
                    item.plan,
                    item.concern,
                    item.notes,
                )
            )
            rows["interaction_participants"] += [(i, k, at) for k in item.participants]
            rows["interaction_areas"] += [(i, a, at) for a in item.areas]
            rows["interaction_topics"] += [(i, tp) for tp in item.topics]
            mine = [k for k in item.participants if k in officers]
            others = [k for k in item.participants if k not in officers]
            promise = None if item.follow_up_by is None else to_micros(item.follow_up_by)
            rows["tie_events"] += [(o, s, at, i, promise) for o in mine for s in others]
        batches.append(rows)
    return batches


def plain_insert(path: Path, batches: list[Rows]) -> None:
    """Insert the batches with sqlite3 under the pragmas rbp's store sets."""
    conn = sqlite3.connect(path, timeout=30)
    conn.isolation_level = None
    for pragma in (
        "foreign_keys=ON",
        "cache_size=-131072",
        "temp_store=MEMORY",
        "journal_mode=WAL",
        "synchronous=NORMAL",
        "busy_timeout=30000",
    ):
        conn.execute(f"PRAGMA {pragma}")
    try:
        conn.execute("BEGIN IMMEDIATE")
        for rows in batches:
            for table, sql in _SQL.items():
                if rows[table]:
                    conn.executemany(sql, rows[table])
        conn.execute("COMMIT")
    finally:
        conn.close()


def timed(fn: Any, *args: Any) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process) of ``fn(*args)``."""
    wall, cpu = time.perf_counter(), time.process_time()
    fn(*args)
    return time.perf_counter() - wall, time.process_time() - cpu


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="medium")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--order", choices=("rbp-first", "plain-first"), default="rbp-first")
    args = parser.parse_args(argv)
    OUT.mkdir(exist_ok=True)
    plan = blueprint(size=args.size, seed=args.seed)
    paths = {"rbp": OUT / "ingest-rbp.db", "plain": OUT / "ingest-plain.db"}
    for path in paths.values():
        fresh(path, plan)
    started = time.perf_counter()
    items = list(plan.interactions())
    generated = time.perf_counter() - started
    officers = {o.key for o in plan.force.officers}
    batches = rows_of(items, officers, first_id=1)
    n_people = sum(len(b["interaction_participants"]) for b in batches)
    n_rows = sum(len(rows) for b in batches for rows in b.values())
    print(
        f"{args.size} city, seed {args.seed}: {len(items):,} interactions, "
        f"{n_people:,} participant rows, {n_rows:,} rows in all "
        f"(generated in {generated:.1f} s, not timed)"
    )
    gc.collect()
    gc.freeze()

    def run_rbp() -> None:
        with rbp.open(paths["rbp"], tz=plan.tz) as crm:
            ids = crm.interactions.log_many(items)
            assert len(ids) == len(items)

    runs = {
        "rbp": lambda: timed(run_rbp),
        "plain": lambda: timed(plain_insert, paths["plain"], batches),
    }
    order = ("plain", "rbp") if args.order == "plain-first" else ("rbp", "plain")
    result = {name: runs[name]() for name in order}
    for name in ("rbp", "plain"):
        wall, cpu = result[name]
        print(
            f"{name:>5}: {wall:6.2f} s wall ({cpu:6.2f} s CPU)  "
            f"{len(items) / wall:9,.0f} interactions/s  {n_people / wall:9,.0f} participant rows/s"
        )
    print(
        f"ratio rbp/plain (throughput): {result['plain'][0] / result['rbp'][0]:.2f} wall, "
        f"{result['plain'][1] / result['rbp'][1]:.2f} CPU"
    )
    check(paths)


def check(paths: dict[str, Path]) -> None:
    """Both files must hold the same rows (a second path checks the first)."""
    digests = {}
    for name, path in paths.items():
        conn = sqlite3.connect(path)
        try:
            digests[name] = [
                conn.execute(
                    f"SELECT count(*), total(length(quote({cols}))) FROM {table}"
                ).fetchone()
                for table, cols in (
                    ("interactions", "id || at || kind || coalesce(notes, '')"),
                    ("interaction_participants", "interaction_id || stakeholder || at"),
                    ("interaction_areas", "interaction_id || area || at"),
                    ("interaction_topics", "interaction_id || topic"),
                    (
                        "tie_events",
                        "officer || stakeholder || at || interaction_id || "
                        "coalesce(follow_up_by, '')",
                    ),
                )
            ]
        finally:
            conn.close()
    same = digests["rbp"] == digests["plain"]
    print("same rows in both files:", "yes" if same else f"NO {digests}")


if __name__ == "__main__":
    main()
