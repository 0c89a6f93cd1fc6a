"""Time benchmark cases in fresh Python processes: best-of-N seconds and peak RSS.

A *case* is a function ``module:function`` that takes keyword arguments (plain JSON
values) and returns a :class:`Case`: ``setup`` (untimed, before every run: open a
fresh store, make a fresh file), ``run`` (the call measured), ``answer`` (untimed,
turns the timed run's result into JSON for the parent to compare) and ``close``.

:func:`measure` starts ``python -m bench._measure`` once per repetition, so nothing a
process keeps (a cached snapshot, a compiled statement) carries from one timed run to
the next, and the peak resident memory is that one case's. In each process the case
runs ``warm`` times untimed first (default once, on its own fresh store: imports done,
the OS file cache warm), then once timed. The peak RSS (``ru_maxrss``) is read right
after the timed run, before ``answer`` builds anything; it counts the imports, the
opened store and the inputs too, and ``rss_start_mib`` says how much of it the
process held just before the timed run. Best-of-N is the fastest process's run.
"""

from __future__ import annotations

import dataclasses
import gc
import importlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _nothing() -> None:
    return None


def _no_answer(result: Any) -> Any:
    return None


@dataclasses.dataclass
class Case:
    """What a case function returns (see the module docstring)."""

    run: Callable[[], Any]
    answer: Callable[[Any], Any] = _no_answer
    setup: Callable[[], None] = _nothing
    close: Callable[[], None] = _nothing


def store_case(
    opener: Callable[[], Any],
    call: Callable[[Any], Any],
    answer: Callable[[Any], Any] = _no_answer,
) -> Case:
    """A case that opens a fresh store (``opener()``) before every run and times
    ``call(store)``; the store of the previous run is closed first."""
    held: list[Any] = []

    def close() -> None:
        while held:
            held.pop().close()

    def setup() -> None:
        close()
        held.append(opener())

    return Case(run=lambda: call(held[0]), answer=answer, setup=setup, close=close)


@dataclasses.dataclass
class Result:
    """The figures of one case, measured in one child process."""

    name: str
    seconds: list[float]
    cpu: list[float]
    rss_start_mib: float
    peak_rss_mib: float
    answer: Any

    @property
    def best(self) -> float:
        """The fastest run, in seconds (best of N)."""
        return min(self.seconds)

    @property
    def best_cpu(self) -> float:
        """The least CPU time of a run (this process's CPU: on PostgreSQL the server's
        work is not in it)."""
        return min(self.cpu)

    def line(self) -> str:
        """One line: best, spread, CPU of the best run, peak RSS."""
        i = self.seconds.index(self.best)
        spread = f"{min(self.seconds):.3f}..{max(self.seconds):.3f}"
        return (
            f"{self.name:<34} best {self.best:8.3f} s  (of {len(self.seconds)}: {spread}; "
            f"CPU {self.cpu[i]:.3f} s)  peak RSS {self.peak_rss_mib:7,.0f} MiB "
            f"(+{self.peak_rss_mib - self.rss_start_mib:,.0f} over the process before the call)"
        )


def measure(name: str, case: str, *, reps: int, warm: int = 1, **kwargs: Any) -> Result:
    """Run ``case`` (``"module:function"``) in ``reps`` fresh processes, each timing
    one run after ``warm`` untimed ones; the answer is the first process's."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    runs = []
    with tempfile.TemporaryDirectory(prefix="rbp-bench-") as tmp:
        for i in range(reps):
            out = Path(tmp) / f"result-{i}.json"
            command = [sys.executable, "-m", "bench._measure", case, json.dumps(kwargs)]
            command += [str(warm), str(out), "1" if i == 0 else "0"]
            subprocess.run(command, check=True, cwd=ROOT, env=env)
            runs.append(json.loads(out.read_text()))
    return Result(
        name=name,
        seconds=[r["seconds"] for r in runs],
        cpu=[r["cpu"] for r in runs],
        rss_start_mib=min(r["rss_start_mib"] for r in runs),
        peak_rss_mib=max(r["peak_rss_mib"] for r in runs),
        answer=runs[0]["answer"],
    )


def _rss_now_mib() -> float:
    """Resident memory of this process now, in MiB (Linux /proc)."""
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def _child(target: str, kwargs: str, warm: int, out: Path, keep_answer: bool) -> None:
    module, function = target.split(":")
    case: Case = getattr(importlib.import_module(module), function)(**json.loads(kwargs))
    result: Any = None
    try:
        for _ in range(warm):
            result = None
            case.setup()
            result = case.run()
        result = None  # the warm-up's result must not weigh on the timed run's memory
        case.setup()
        gc.collect()
        rss_start = _rss_now_mib()
        wall, clock = time.perf_counter(), time.process_time()
        result = case.run()
        seconds, cpu = time.perf_counter() - wall, time.process_time() - clock
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        answer = case.answer(result) if keep_answer else None
    finally:
        case.close()
    figures = {"seconds": seconds, "cpu": cpu, "rss_start_mib": rss_start, "peak_rss_mib": peak}
    out.write_text(json.dumps({**figures, "answer": answer}))


if __name__ == "__main__":
    _child(sys.argv[1], sys.argv[2], int(sys.argv[3]), Path(sys.argv[4]), sys.argv[5] == "1")
