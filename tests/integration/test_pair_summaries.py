"""The pair summaries (``tie_pairs``, ``tie_months``) stay exact however the log arrives.

Each example draws a small city (:func:`tests.integration.conftest_graph.cities`) and
adds contacts on the 30-day bucket edges (one microsecond either side) and at the same
instant as others, with and without promises (``follow_up_by``). It logs them in a
random order, so many are back-filled (older than contacts already logged), in chunks:
each chunk one ``log_many`` call or one ``log`` call per item. After every chunk both
tables must equal, row by row, a brute-force summary of what was logged so far
(:mod:`tests.pair_summaries`; weights to a relative 1e-9).

Then ``crm.interactions.ties``, ``crm.graph.coverage`` (with and without a window) and
the overdue promises of ``crm.graph.gaps`` are asked as of times before the data,
inside it (inside a bucket, on a bucket edge and one microsecond either side, at a
contact, at the newest contact and one microsecond before it, where the answer comes
from the monthly checkpoints plus the raw rows of T's bucket) and after it (where it
comes from ``tie_pairs``), and compared with the brute-force oracle
(:mod:`tests.integration.graph_oracle`). Every example runs on in-memory SQLite, a
SQLite file and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from dataclasses import dataclass, replace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rbp
from rbp.interactions import TieStatus
from tests.databases import DB_KINDS, PlainSQL
from tests.integration import graph_oracle as oracle
from tests.integration.conftest_graph import (
    DAY,
    City,
    Event,
    T,
    cities,
    dt_of,
    interaction_of,
    load,
)
from tests.pair_summaries import (
    BUCKET,
    HALF_LIFE,
    check_summaries,
    contacts_in_store,
    contacts_of,
)

EDGE = (T // BUCKET) * BUCKET
"""The bucket edge at or before T."""
PROMISE_DAYS = (0, 1, 20, 60)
WINDOW_DAYS = (1, 30, 45, 365)


def test_the_constants_are_the_documented_ones() -> None:
    from rbp._queries import pairs

    assert pairs.BUCKET == BUCKET == 30 * 86_400_000_000
    assert pairs.HALF_LIFE == HALF_LIFE == 90 * 86_400_000_000
    assert pairs.bucket_of(-1) == -1  # floor division, before 1970 too
    assert EDGE % BUCKET == 0
    assert EDGE <= T < EDGE + BUCKET


# ----------------------------------------------------------------------------- drawing


@dataclass(frozen=True)
class History:
    """A city whose events are in logging order, the chunks to log them in
    ((start, stop, with log_many?)), the as-of times to ask at and a window."""

    city: City
    chunks: list[tuple[int, int, bool]]
    as_of: list[int]
    window_days: int


@st.composite
def histories(draw: st.DrawFn) -> History:
    city = draw(cities(max_events=25))
    keys = [p.key for p in city.people]
    events = list(city.events)
    for _ in range(draw(st.integers(0, 12))):
        if events and draw(st.booleans()):  # the same instant as another contact
            at = draw(st.sampled_from(events)).at
        else:  # on a bucket edge, or one microsecond either side
            at = EDGE + draw(st.integers(-8, 1)) * BUCKET + draw(st.sampled_from([-1, 0, 0, 1]))
        who = draw(st.lists(st.sampled_from(keys), min_size=1, max_size=4, unique=True))
        days = draw(st.none() | st.sampled_from(PROMISE_DAYS))
        events.append(
            Event(
                at=at,
                participants=tuple(sorted(who)),
                follow_up_by=None if days is None else at + days * DAY,
            )
        )
    # one officer tie exactly on a bucket edge, always
    at = EDGE + draw(st.integers(-8, 0)) * BUCKET
    pair = (city.officers[0].key, draw(st.sampled_from(city.others)).key)
    events.append(Event(at=at, participants=tuple(sorted(pair))))
    events = draw(st.permutations(events))  # back-filled contacts, out of order
    chunks = []
    start = 0
    while start < len(events):
        stop = min(len(events), start + draw(st.integers(1, 8)))
        chunks.append((start, stop, draw(st.booleans())))
        start = stop
    times = sorted({e.at for e in events})
    lo, hi = times[0], times[-1]
    edges = [b * BUCKET for b in range(lo // BUCKET, hi // BUCKET + 2)]
    candidates = sorted(
        {lo - 1, hi - 1, hi, hi + 1, hi + 100 * DAY, T}
        | {t + d for t in times for d in (-1, 0, 1)}
        | {e + d for e in edges for d in (-1, 0, 1)}
        | {e + BUCKET // 2 for e in edges}
        | {(a + b) // 2 for a, b in itertools.pairwise(times)}
    )
    as_of = draw(st.lists(st.sampled_from(candidates), min_size=2, max_size=4, unique=True))
    # Always an answer read from the checkpoints (just before the newest contact), and
    # one at a contact exactly on a bucket edge and 1 µs later: the raw rows of T's
    # bucket start at its edge.
    forced = [hi - 1]
    chosen = draw(st.sampled_from([t for t in times if t % BUCKET == 0]))
    forced += [chosen, chosen + 1]
    as_of += [t for t in forced if t not in as_of]
    return History(
        city=replace(city, events=events),
        chunks=chunks,
        as_of=as_of,
        window_days=draw(st.sampled_from(WINDOW_DAYS)),
    )


# ----------------------------------------------------------------------------- checks


def _log(crm: rbp.Store, sql: PlainSQL, history: History) -> City:
    """Log the history chunk by chunk, checking the summaries after each; returns the
    city with the ids the store gave."""
    city = history.city
    officers = {p.key for p in city.officers}
    logged: list[Event] = []
    for start, stop, many in history.chunks:
        part = city.events[start:stop]
        if many:
            ids = list(crm.interactions.log_many(interaction_of(e) for e in part))
        else:
            ids = [crm.interactions.log(interaction_of(e)) for e in part]
        logged += [replace(e, id=i) for e, i in zip(part, ids, strict=True)]
        assert [e.id for e in logged] == list(range(1, len(logged) + 1))
        check_summaries(
            sql, contacts_of(((e.at, e.participants, e.follow_up_by) for e in logged), officers)
        )
    check_summaries(sql)  # and from the store's own rows, a second way
    assert len(contacts_in_store(sql)) == sum(
        len([k for k in e.participants if k in officers])
        * len([k for k in e.participants if k not in officers])
        for e in logged
    )
    return replace(city, events=logged)


def _status(age: int, cadence_days: int) -> TieStatus:
    c = cadence_days * DAY
    if age <= c:
        return TieStatus.ACTIVE
    if age <= 2 * c:
        return TieStatus.COOLING
    if age <= 4 * c:
        return TieStatus.DORMANT
    return TieStatus.LAPSED


def _check_ties(crm: rbp.Store, city: City, at: int) -> None:
    want = oracle.contacts(city, at)
    got = crm.interactions.ties(as_of=dt_of(at))
    assert [(t.officer, t.stakeholder) for t in got] == sorted(want), at
    for tie in got:
        times = want[tie.officer, tie.stakeholder]
        person = city.person(tie.stakeholder)
        assert person.priority is not None
        cadence = oracle.CADENCE[person.priority]
        assert tie.count == len(times)
        assert (tie.first, tie.last) == (dt_of(times[0]), dt_of(times[-1]))
        strength = math.fsum(0.5 ** ((at - t) / HALF_LIFE) for t in times)
        assert math.isclose(tie.strength, strength, rel_tol=1e-9, abs_tol=1e-300)
        assert tie.status is _status(at - times[-1], cadence)
        assert tie.cadence_days == cadence


def _check_coverage(crm: rbp.Store, city: City, at: int, window: dt.timedelta | None) -> None:
    rep = crm.graph.coverage(as_of=dt_of(at), window=window)
    want = oracle.coverage(
        city, at, window=None if window is None else window // dt.timedelta(microseconds=1)
    )
    assert (rep.covered, rep.total, rep.uncovered) == (want.covered, want.total, want.uncovered)
    assert {a: (c.covered, c.total) for a, c in rep.by_area.items()} == want.by_area
    assert {s: (c.covered, c.total) for s, c in rep.by_sector.items()} == want.by_sector
    assert {k: (c.covered, c.total) for k, c in rep.matrix.items() if c.total} == want.matrix


def _check_overdue(crm: rbp.Store, city: City, at: int) -> None:
    gaps = crm.graph.gaps(as_of=dt_of(at))
    want = oracle.gaps(city, at)
    got = {(f.officer, f.stakeholder, f.interaction) for f in gaps.overdue_follow_ups}
    assert got == want.overdue, at
    assert {(c.officer, c.stakeholder, c.status) for c in gaps.cooling} == {
        c[:3] for c in want.cooling
    }


@pytest.mark.parametrize("kind", DB_KINDS)
@settings(max_examples=25, deadline=None, derandomize=True)
@given(history=histories())
def test_summaries_and_answers_match_brute_force(
    fresh_store: Any, kind: str, history: History
) -> None:
    with fresh_store(kind) as (crm, sql):
        load(crm, replace(history.city, events=[]))
        city = _log(crm, sql, history)
        window = dt.timedelta(days=history.window_days)
        for at in history.as_of:
            _check_ties(crm, city, at)
            _check_coverage(crm, city, at, None)
            _check_coverage(crm, city, at, window)
            _check_overdue(crm, city, at)
