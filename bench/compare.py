"""Old against new, in one run: the public calls the benchmarks time, on two commits.

Checks out ``--base`` (default: the commit before the Step 6 redesign) into a temporary
git worktree, and for each tree (the base and this working tree) builds the same
synthetic city (``rbp.synth``, same size and seed) into its own SQLite file with that
tree's code. Then, alternating base and new for ``--rounds`` rounds so that the
machine's noise falls on both, a child process of each tree times, as of the city's
last day, with keyword arguments only (the calls both versions share):

- ``directory.add_many`` of 20,000 members into a new file;
- ``interactions.log_many`` of the city's interactions into a copy of its directory;
- ``interactions.ties``; ``graph.coverage`` + ``graph.gaps`` + ``graph.key_person_risk``
  (a fresh store each time, so no cached snapshot is reused); ``graph.brokers``;
- ``graph.diagram`` of the busiest beat (DOT source only).

It prints the best time of each call in each tree and the ratio new / base (below 1.0
is faster). Run from the repository root::

    .venv/bin/python -m bench.compare [--size small] [--rounds 3] [--base REV]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASE = "82af2b6"  # main before the Step 6 redesign (floors, one renderer, one boundary)

CHILD = r"""
import json, sys, tempfile, time
from pathlib import Path
import pendulum
import rbp
import rbp.graph  # imported up front: both versions pay for networkx before timing
from rbp import synth

size, seed, folder = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])
out = {}

def best(label, fn, repeat=2):
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    out[label] = min(times)

city_file = folder / "city.db"
if not city_file.exists():
    info = synth.city(rbp.open(city_file, tz=synth.DEFAULT_TZ), size=size, seed=seed)
    info.store.close()
plan = synth.blueprint(size=size, seed=seed, tz=synth.DEFAULT_TZ)
T = pendulum.datetime(2025, 12, 31, 23, 59, tz=synth.DEFAULT_TZ)

def add_many():
    with tempfile.TemporaryDirectory() as d, rbp.open(Path(d) / "m.db") as crm:
        crm.directory.add(rbp.Area("a-1", name="Area 1"))
        crm.directory.add_many(
            rbp.CommunityMember(f"m-{i}", sector="resident", area="a-1") for i in range(20_000)
        )
best("directory.add_many 20k", add_many)

def log_many():
    with tempfile.TemporaryDirectory() as d, rbp.open(Path(d) / "c.db", tz=synth.DEFAULT_TZ) as crm:
        plan.write_directory(crm)
        rows = list(plan.interactions())
        started = time.perf_counter()
        crm.interactions.log_many(rows)
        return time.perf_counter() - started
out["interactions.log_many"] = min(log_many() for _ in range(2))

with rbp.open(city_file, tz=synth.DEFAULT_TZ) as crm:
    best("interactions.ties", lambda: crm.interactions.ties(as_of=T))

def metrics():
    with rbp.open(city_file, tz=synth.DEFAULT_TZ) as crm:
        crm.graph.coverage(as_of=T)
        crm.graph.gaps(as_of=T)
        crm.graph.key_person_risk(as_of=T)
best("coverage + gaps + key_person_risk", metrics)

with rbp.open(city_file, tz=synth.DEFAULT_TZ) as crm:
    best("graph.brokers", lambda: crm.graph.brokers(as_of=T), repeat=1)
    cov = crm.graph.coverage(as_of=T)
    beats = sorted(k for k in cov.by_area if k.startswith("b-"))
    busiest = max(beats, key=lambda k: (cov.by_area[k].total, k))
    best("graph.diagram (busiest beat)", lambda: crm.graph.diagram(area=busiest, as_of=T).source)
print(json.dumps(out))
"""


def _run(tree: Path, folder: Path, size: str, seed: int) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(tree), "PYTHONDONTWRITEBYTECODE": "1"}
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, size, str(seed), str(folder)],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise SystemExit(f"{tree}: the timing child failed:\n{proc.stderr[-4000:]}")
    result: dict[str, float] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="small")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--base", default=BASE, help="the commit to compare against")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="rbp-compare-") as tmp:
        base = Path(tmp) / "base"
        subprocess.run(
            ["git", "worktree", "add", "--detach", "-q", str(base), args.base], cwd=ROOT, check=True
        )
        try:
            trees = {"base": base, "new": ROOT}
            folders = {name: Path(tmp) / f"data-{name}" for name in trees}
            for folder in folders.values():
                folder.mkdir()
            best: dict[str, dict[str, float]] = {"base": {}, "new": {}}
            for r in range(args.rounds):
                for name in ("base", "new") if r % 2 == 0 else ("new", "base"):
                    got = _run(trees[name], folders[name], args.size, args.seed)
                    for label, seconds in got.items():
                        best[name][label] = min(seconds, best[name].get(label, seconds))
                print(f"round {r + 1} of {args.rounds} done", file=sys.stderr)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(base)], cwd=ROOT)
    print(f"{args.size} city, seed {args.seed}; best of {args.rounds} rounds; base {args.base}")
    print(f"{'call':<36} {'base s':>8} {'new s':>8} {'new/base':>9}")
    for label in best["base"]:
        old, new = best["base"][label], best["new"].get(label, float("nan"))
        print(f"{label:<36} {old:8.3f} {new:8.3f} {new / old:9.2f}")


if __name__ == "__main__":
    main()
