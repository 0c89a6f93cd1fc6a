"""Synthetic cities for the benchmarks, built once and cached in ``bench/out``.

A city is named by a size: a preset of :data:`rbp.synth.SIZES` ("toy", "small",
"medium", "large") or a count of interactions ("100k", "500k", "5m"), which takes the
directory of the smallest preset with at least that many interactions and overrides
its ``interactions`` (100k and 500k: the medium city's people; 5m: the large city,
the same file as ``large``). Cities are written with public calls only
(:func:`rbp.synth.blueprint`, ``Blueprint.write_directory`` and
``crm.interactions.log_many``, no survey responses or concerns, inside
:func:`rbp.synth.bulk_load`), in a child process
that prints how long each step took; the figures are kept beside the file
(``.build.json``).

Files are keyed by size, seed and a digest of the names of rbp's migrations, so a
schema change builds the cities anew (delete ``bench/out`` after changing
:mod:`rbp.synth`). The *plain copy* of a city is a bare SQLite file holding what an
analyst would export: ``stakeholders(key, kind, priority, since, until)``,
``interactions(id, at, kind)`` and ``interaction_participants(interaction_id,
stakeholder, at)`` with one index, on ``interaction_participants(at)``.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import gc
import hashlib
import json
import os
import resource
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pendulum

from rbp.synth import DEFAULT_END, DEFAULT_TZ, SIZES

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
MIGRATIONS = ROOT / "rbp" / "migrations" / "versions"


@dataclasses.dataclass(frozen=True)
class City:
    """Which city: a preset's people and a number of interactions."""

    preset: str
    interactions: int
    seed: int = 0

    @property
    def name(self) -> str:
        return f"{self.preset}-{self.interactions}-seed{self.seed}"


def parse_size(size: str, seed: int = 0) -> City:
    """``"medium"`` or ``"100k"`` / ``"5m"`` / ``"250000"`` -> :class:`City`."""
    text = size.strip().lower()
    if text in SIZES:
        return City(text, SIZES[text]["interactions"], seed)
    scale = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    n = int(float(text[:-1] if scale > 1 else text) * scale)
    presets = sorted(SIZES, key=lambda p: SIZES[p]["interactions"])
    preset = next((p for p in presets if SIZES[p]["interactions"] >= n), presets[-1])
    return City(preset, n, seed)


def label(n: int) -> str:
    """100000 -> "100k", 5000000 -> "5M"."""
    if n >= 1_000_000 and n % 100_000 == 0:
        return f"{n / 1_000_000:g}M"
    if n >= 1_000 and n % 100 == 0:
        return f"{n / 1_000:g}k"
    return str(n)


def schema_tag() -> str:
    """A short digest of rbp's migration file names: a new migration, new files."""
    names = sorted(p.name for p in MIGRATIONS.glob("*.py"))
    return hashlib.sha1("\n".join(names).encode()).hexdigest()[:8]


def as_of() -> pendulum.DateTime:
    """T: the end of the synthetic log's last day, in the city's zone."""
    return pendulum.instance(dt.datetime.combine(DEFAULT_END, dt.time.max), tz=DEFAULT_TZ)


def micros(when: dt.datetime) -> int:
    """Epoch microseconds of an aware time, exactly (no float)."""
    delta = dt.datetime.fromisoformat(when.isoformat()) - EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def city_file(city: City, *, cache_mib: int = 0) -> Path:
    """The city's SQLite file, built (in a child process) if it is not there yet."""
    path = OUT / f"city-{city.name}-{schema_tag()}.db"
    if path.exists():
        return path
    OUT.mkdir(exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{partial}{suffix}").unlink(missing_ok=True)
    build(city, str(partial), cache_mib=cache_mib, info=path.with_suffix(".build.json"))
    for suffix in ("-wal", "-shm"):  # normally gone: closing the store checkpoints the WAL
        Path(f"{partial}{suffix}").unlink(missing_ok=True)
    partial.rename(path)
    return path


def build(
    city: City, target: str, *, cache_mib: int = 0, info: Path | None = None
) -> dict[str, Any]:
    """Write ``city`` into ``target`` (a file path or a database URL) in a child process."""
    command = [sys.executable, "-m", "bench._cities", city.preset, str(city.interactions)]
    command += [str(city.seed), target, str(cache_mib)]
    print(
        f"building the {city.name} city ({label(city.interactions)} interactions) ...", flush=True
    )
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    done = subprocess.run(command, check=True, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    print(
        "built: "
        + "  ".join(f"{k} {v:.1f} s" for k, v in figures["steps"].items())
        + f"  total {figures['total_s']:.1f} s, peak RSS {figures['peak_rss_mib']:,.0f} MiB",
        flush=True,
    )
    if info is not None:
        info.write_text(json.dumps(figures, indent=2))
    return figures


def build_info(path: Path) -> dict[str, Any] | None:
    """The build figures kept beside a city file, if any."""
    side = path.with_suffix(".build.json")
    return json.loads(side.read_text()) if side.exists() else None


def plain_copy(path: Path) -> Path:
    """A bare SQLite copy of the rows an analyst needs (see the module docstring)."""
    plain = path.with_name(path.stem + "-plain.db")
    if plain.exists():
        return plain
    partial = plain.with_name(plain.name + ".partial")
    partial.unlink(missing_ok=True)
    con = sqlite3.connect(partial)
    try:
        con.execute("ATTACH DATABASE ? AS src", (f"file:{path}?mode=ro",))
        con.executescript(
            """
            BEGIN;
            CREATE TABLE stakeholders AS
                SELECT key, kind, priority, since, until FROM src.stakeholders;
            CREATE TABLE interactions AS SELECT id, at, kind FROM src.interactions;
            CREATE TABLE interaction_participants AS
                SELECT p.interaction_id, p.stakeholder, i.at
                FROM src.interaction_participants p JOIN src.interactions i
                  ON i.id = p.interaction_id;
            CREATE INDEX participants_at ON interaction_participants (at);
            COMMIT;
            """
        )
    finally:
        con.close()
    partial.rename(plain)
    return plain


def _page_cache(crm: Any, mib: int) -> None:
    """Give every connection of the store's engine a page cache of ``mib`` MiB."""
    import sqlalchemy as sa

    @sa.event.listens_for(crm.engine, "checkout")
    def _checkout(dbapi_conn: Any, *_: Any) -> None:
        dbapi_conn.execute(f"PRAGMA cache_size=-{int(mib) * 1024}")


def _build_child(preset: str, n: int, seed: int, target: str, cache_mib: int) -> None:
    import rbp
    from rbp.synth import blueprint, bulk_load

    steps: dict[str, float] = {}
    clock = time.perf_counter()
    started = clock

    def step(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        steps[name] = now - clock
        clock = now

    plan = blueprint(size=preset, seed=seed, interactions=n)
    step("plan")
    gc.collect()
    gc.freeze()  # the plan lives to the end: keep the collector from rescanning it
    # A new file (``city_file`` renames it only once the build succeeded): written
    # without the write-ahead log, an ordinary WAL store at the end (a no-op on a URL).
    with rbp.open(target, tz=plan.tz) as crm, bulk_load(crm):
        if cache_mib and "://" not in target:
            _page_cache(crm, cache_mib)
        plan.write_directory(crm)
        step("directory")
        written = len(crm.interactions.log_many(plan.interactions()))
        step("interactions")
    step("close")
    assert written == n, (written, n)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    total = time.perf_counter() - started
    figures = {"steps": steps, "total_s": total, "peak_rss_mib": peak, "interactions": n}
    print(json.dumps({**figures, "cache_mib": cache_mib}))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="build one benchmark city (used by the benches)")
    parser.add_argument("preset")
    parser.add_argument("interactions", type=int)
    parser.add_argument("seed", type=int)
    parser.add_argument("target", help="SQLite file path or database URL")
    parser.add_argument("cache_mib", type=int, nargs="?", default=0)
    a = parser.parse_args()
    _build_child(a.preset, a.interactions, a.seed, a.target, a.cache_mib)
