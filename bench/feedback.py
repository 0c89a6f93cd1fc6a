"""Survey benchmark: ``crm.feedback.record_many`` of a million responses, then CPSS.

Builds a plain synthetic store into ``bench/out/feedback-<interactions>.db`` (areas,
officers, members, interactions with an officer, a member and a beat each), records
``--responses`` responses with one bulk call (a generator, streamed), and times
``cpss`` over everything, by officer and by area (the issue's aim: the same speed class
as ``log_many`` and ``ties()``, under 10 s for CPSS by area at a million responses).
Prints seconds and rates. Run from the repository root::

    .venv/bin/python -m bench.feedback --responses 1000000
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Iterator
from pathlib import Path

import pendulum

import rbp
from rbp.engagement import Response
from rbp.interactions import Interaction

OUT = Path(__file__).resolve().parent / "out"
TZ = "America/Chicago"
T0 = pendulum.datetime(2025, 1, 1, tz=TZ)


def _directory(districts: int, beats: int, officers: int, members: int) -> list[object]:
    items: list[object] = [rbp.Area("city")]
    items += [rbp.Area(f"d-{d:02d}", parent="city") for d in range(districts)]
    items += [rbp.Area(f"b-{b:04d}", parent=f"d-{b % districts:02d}") for b in range(beats)]
    items += [rbp.Officer(f"P{o:04d}") for o in range(officers)]
    items += [rbp.CommunityMember(f"m-{m:06d}", area=f"b-{m % beats:04d}") for m in range(members)]
    return items


def _interactions(n: int, beats: int, officers: int, members: int) -> Iterator[Interaction]:
    rng = random.Random(7)
    for i in range(n):
        yield Interaction(
            at=T0.add(minutes=5 * i),
            kind="service_call",
            participants=(f"P{rng.randrange(officers):04d}", f"m-{rng.randrange(members):06d}"),
            areas=(f"b-{rng.randrange(beats):04d}",),
        )


def _responses(n: int, interactions: int, span_minutes: int) -> Iterator[Response]:
    rng = random.Random(11)
    answer = [None, 1, 2, 3, 4, 4, 5, 5]
    for _ in range(n):
        i = rng.randrange(interactions)
        yield Response(
            at=T0.add(minutes=5 * i + rng.randrange(1, span_minutes)),
            interaction=i + 1,
            overall=rng.choice(answer),
            respect=rng.choice(answer),
            voice=rng.choice(answer),
            neutrality=rng.choice(answer),
            trust=rng.choice(answer),
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--interactions", type=int, default=100_000)
    args = parser.parse_args(argv)
    OUT.mkdir(exist_ok=True)
    path = OUT / f"feedback-{args.interactions}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    districts, beats, officers, members = 20, 400, 1_000, 50_000
    with rbp.open(path, tz=TZ) as crm:
        crm.directory.add_many(_directory(districts, beats, officers, members))  # type: ignore[arg-type]
        start = time.perf_counter()
        crm.interactions.log_many(_interactions(args.interactions, beats, officers, members))
        took = time.perf_counter() - start
        print(f"log_many {args.interactions:,} interactions: {took:.1f} s")
        start = time.perf_counter()
        n = crm.feedback.record_many(_responses(args.responses, args.interactions, 3 * 24 * 60))
        took = time.perf_counter() - start
        print(f"record_many {n:,} responses: {took:.1f} s ({n / took:,.0f}/s)")
        as_of = T0.add(minutes=5 * args.interactions).add(days=5)
        window = pendulum.duration(days=3_650)
        for by in (None, "officer", "area"):
            start = time.perf_counter()
            s = crm.feedback.cpss(as_of=as_of, window=window, by=by)
            took = time.perf_counter() - start
            print(
                f"cpss by={by}: {took:.2f} s; n={s.n:,} score={s.score:.1f} "
                f"pj={s.pj:.1f} groups={len(s.groups):,}"
            )


if __name__ == "__main__":
    main()
