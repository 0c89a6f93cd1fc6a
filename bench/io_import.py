"""Import benchmark: ``rbp.io.import_csv`` of a large interactions CSV against
``crm.interactions.log_many`` of the same interactions, in the same run.

A synthetic city (:func:`rbp.synth.blueprint`, size "medium", seed 0) gives the
directory and ``--rows`` interactions (default 5,000,000). The interactions are
written once to a CSV file (one row each: at, kind, participants, areas, topics,
attendees, duration, follow_up_by, plan; not timed). Then, each in a child process
of its own, into a fresh SQLite file holding the city's directory:

- ``log_many``: the interactions, generated before timing into a list (so the
  time is the bulk call's alone), logged in one call;
- ``log_many_mappings``: the same as mappings of their fields (what a hand-written
  CSV loader passes: log_many then makes and checks each record, as the import does);
- ``import``: ``rbp.io.import_csv`` of the file (reading, parsing, checking and
  writing: the whole job), with its peak resident memory from
  ``resource.getrusage`` in that child.

Prints both rates, the ratio (target >= 0.8) and the import's peak memory
(target < 1 GB). Run from the repository root::

    .venv/bin/python -m bench.io_import [--rows 500000]

Measured at 5,000,000 rows (389 MiB of CSV) on the shared 2-core machine, 2026-11-27,
one run:

    log_many           9,658/s (517.7 s; peak 2,164 MiB, the records held in a list)
    log_many_mappings  5,268/s (949.2 s; peak 4,410 MiB)
    import            10,112/s (494.5 s; peak 235 MiB)
    import / log_many = 1.05, import / log_many of mappings = 1.92

At 500,000 rows on a quiet machine after Step 12's writer (log_many about 4x faster),
the import's own reading and checking weigh more:

    log_many           46,780/s (10.7 s; peak 446 MiB)
    log_many_mappings  35,075/s (14.3 s; peak 662 MiB)
    import             27,545/s (18.2 s; peak 319 MiB)
    import / log_many = 0.59, import / log_many of mappings = 0.79

Again at 500,000 rows, after the import made its records itself, a bulk write paused the
garbage collector and an interaction's fields were checked faster, and after every log
began keeping the community summaries too (a machine slower that day: plain sqlite3
took 40 % more CPU than before), one run with the machine otherwise idle:

    log_many           27,323/s (18.3 s; CPU 18.1 s; peak 464 MiB)
    log_many_mappings  26,029/s (19.2 s; CPU 19.1 s; peak 680 MiB)
    import             18,902/s (26.5 s; CPU 26.2 s; peak 333 MiB)
    import / log_many = 0.69 (CPU 0.69), import / log_many of mappings = 0.73

A session later, no change to the import or the log's writing, the machine otherwise
idle:

    log_many           36,645/s (13.6 s; CPU 13.5 s; peak 464 MiB)
    log_many_mappings  27,470/s (18.2 s; CPU 18.1 s; peak 680 MiB)
    import             24,314/s (20.6 s; CPU 20.4 s; peak 333 MiB)
    import / log_many = 0.66, import / log_many of mappings = 0.89

The machine was shared, so single figures move by tens of percent from run to run.
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import attrs

import rbp
from rbp.synth import blueprint

MODES = ("log_many", "log_many_mappings", "import")


def _plan(rows: int) -> object:
    return blueprint(size="medium", interactions=rows, seed=0)


def write_csv(path: Path, rows: int) -> None:
    plan = _plan(rows)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(
            [
                "at",
                "kind",
                "participants",
                "areas",
                "topics",
                "attendees",
                "duration",
                "follow_up_by",
                "plan",
            ]
        )
        for i in plan.interactions():  # type: ignore[attr-defined]
            out.writerow(
                [
                    i.at.isoformat(),
                    i.kind.value,
                    ";".join(i.participants),
                    ";".join(i.areas),
                    ";".join(i.topics),
                    i.attendees,
                    "" if i.duration is None else int(i.duration.total_seconds()),
                    "" if i.follow_up_by is None else i.follow_up_by.isoformat(),
                    i.plan or "",
                ]
            )


def fresh(db: Path, rows: int) -> rbp.Store:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    plan = _plan(rows)
    crm = rbp.open(db, tz=plan.tz)  # type: ignore[attr-defined]
    crm.directory.add_many(plan.directory())  # type: ignore[attr-defined]
    return crm


def child(mode: str, db: Path, source: Path, rows: int) -> None:
    import rbp.io

    crm = fresh(db, rows)
    if mode in ("log_many", "log_many_mappings"):
        items: list[Any] = list(_plan(rows).interactions())  # type: ignore[attr-defined]
        if mode == "log_many_mappings":  # what a hand-written CSV loader would pass
            items = [
                {f.name: getattr(i, f.name) for f in attrs.fields(type(i)) if f.name != "id"}
                for i in items
            ]
        gc.collect()
        gc.freeze()
        started, cpu = time.perf_counter(), time.process_time()
        n = len(crm.interactions.log_many(items))
    else:
        started, cpu = time.perf_counter(), time.process_time()
        n = rbp.io.import_csv(crm, source, "interactions").added
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    crm.close()
    print(json.dumps({"rows": n, "seconds": seconds, "cpu": cpu, "peak_mib": peak_kib / 1024}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--child", choices=MODES)
    parser.add_argument("--db")
    parser.add_argument("--csv")
    args = parser.parse_args()
    if args.child:
        child(args.child, Path(args.db), Path(args.csv), args.rows)
        return
    folder = Path(tempfile.mkdtemp(prefix="rbp-io-bench-"))
    source = folder / "interactions.csv"
    started = time.perf_counter()
    write_csv(source, args.rows)
    print(
        f"wrote {args.rows:,} rows ({source.stat().st_size / 2**20:.0f} MiB) "
        f"in {time.perf_counter() - started:.0f} s"
    )
    results = {}
    for mode in MODES:
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "bench.io_import",
                "--child",
                mode,
                "--rows",
                str(args.rows),
                "--db",
                str(folder / f"{mode}.db"),
                "--csv",
                str(source),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        results[mode] = json.loads(proc.stdout.strip().splitlines()[-1])
        r = results[mode]
        print(
            f"{mode:>17}: {r['rows']:,} interactions in {r['seconds']:.1f} s = "
            f"{r['rows'] / r['seconds']:,.0f}/s (CPU {r['cpu']:.1f} s; peak memory "
            f"{r['peak_mib']:.0f} MiB)"
        )
    rate = {m: r["rows"] / r["seconds"] for m, r in results.items()}
    ratio = rate["import"] / rate["log_many"]
    peak = results["import"]["peak_mib"]
    print(f"import / log_many = {ratio:.2f} (target >= 0.8: {'met' if ratio >= 0.8 else 'MISSED'})")
    cpu = results["log_many"]["cpu"] / results["import"]["cpu"]
    print(f"  in CPU time: {cpu:.2f} (a check when the machine is shared)")
    print(f"import / log_many of mappings = {rate['import'] / rate['log_many_mappings']:.2f}")
    print(
        f"import peak memory {peak:.0f} MiB (target < 1024 MiB: "
        f"{'met' if peak < 1024 else 'MISSED'})"
    )
    for p in folder.iterdir():
        p.unlink()
    folder.rmdir()


if __name__ == "__main__":
    main()
