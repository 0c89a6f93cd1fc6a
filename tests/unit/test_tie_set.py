"""TieSet's column reads against plain loops over its own records.

``top`` sorts only the ties at least as strong as the n-th; ``get`` scans the key
columns; ``cadences``/``statuses`` are worked out on first read, from the rows'
priorities or from a priorities mapping. Each is checked here against the obvious
loop (sort everything, a dict of keys, :func:`rbp.interactions.status_of` per tie).
"""

from __future__ import annotations

from typing import Any

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rbp._queries.tie_figures import Columns
from rbp._queries.ties import TieSet
from rbp._time import MICROS_PER_DAY, AsOf, to_micros
from rbp.interactions import Tie, status_of
from rbp.model import Priority

T = pendulum.datetime(2026, 6, 30, 12, tz="UTC")
CADENCE = {Priority.KEY: 14, Priority.REGULAR: 30, Priority.LOW: 90}
PRIORITIES = (None, "key", "regular", "low")

rows_strategy = st.lists(
    st.tuples(
        st.sampled_from(["P1", "P2", "P3"]),
        st.sampled_from([f"m-{i}" for i in range(8)]),
        st.integers(1, 5),
        st.integers(0, 400),  # days before T of the first contact
        st.integers(0, 400),  # days before T of the last contact
        st.sampled_from([0.0, 0.5, 1.0, 1.0, 2.25, 3.0]),  # many equal strengths
        st.sampled_from(PRIORITIES),
    ),
    max_size=24,
    unique_by=lambda r: (r[0], r[1]),
)


def _rows(drawn: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    at = to_micros(T)
    return [
        (o, k, n, at - max(a, b) * MICROS_PER_DAY, at - min(a, b) * MICROS_PER_DAY, s, p)
        for o, k, n, a, b, s, p in drawn
    ]


def _set(rows: list[tuple[Any, ...]]) -> TieSet:
    return TieSet(rows, as_of=AsOf.of(T, "UTC"), tz="UTC", cadence=CADENCE)


@settings(derandomize=True, max_examples=150)
@given(rows_strategy)
def test_top_is_the_head_of_the_full_sort(drawn: list[tuple[Any, ...]]) -> None:
    ties = _set(_rows(drawn))
    everything = sorted(ties, key=lambda t: (-t.strength, t.officer, t.stakeholder))
    for n in (-3, -1, 0, 1, 2, 3, 5, len(ties) - 1, len(ties), len(ties) + 2):
        assert ties.top(n) == everything[:n], n


@settings(derandomize=True, max_examples=100)
@given(rows_strategy)
def test_get_finds_each_tie_and_nothing_else(drawn: list[tuple[Any, ...]]) -> None:
    ties = _set(_rows(drawn))
    by_key: dict[tuple[str, str], Tie] = {(t.officer, t.stakeholder): t for t in ties}
    for officer in ("P1", "P2", "P3", "P9"):
        for stakeholder in [f"m-{i}" for i in range(9)]:
            assert ties.get(officer, stakeholder) == by_key.get((officer, stakeholder))


@settings(derandomize=True, max_examples=100)
@given(rows_strategy)
def test_statuses_and_cadences_follow_each_priority(drawn: list[tuple[Any, ...]]) -> None:
    rows = _rows(drawn)
    at = to_micros(T)
    days = {p.value: d for p, d in CADENCE.items()}
    want_cadences = [days[r[6] or "regular"] for r in rows]
    want_statuses = [status_of(at - r[4], c) for r, c in zip(rows, want_cadences, strict=True)]
    # the rows' own priorities, or a mapping by key (the regular ones left out of it)
    mapping = {r[1]: r[6] for r in rows if r[6] not in (None, "regular")}
    stakeholders = {r[1] for r in rows}
    consistent = all(len({r[6] or "regular" for r in rows if r[1] == k}) == 1 for k in stakeholders)
    sets = [_set(rows)]
    if consistent:  # a mapping gives each stakeholder one priority
        columns = Columns()
        for start in range(0, len(rows), 5):  # filled piece by piece
            columns.extend([r[:6] for r in rows[start : start + 5]])
        for given_rows in ([r[:6] for r in rows], columns):
            sets.append(
                TieSet(
                    given_rows,
                    as_of=AsOf.of(T, "UTC"),
                    tz="UTC",
                    cadence=CADENCE,
                    priorities=mapping,
                )
            )
    for ties in sets:
        assert [tuple(t) for t in zip(ties.officers, ties.stakeholders, strict=True)] == [
            r[:2] for r in rows
        ]
        assert ties.cadences == want_cadences
        assert ties.statuses == want_statuses
        assert [t.status for t in ties] == want_statuses
        assert list(ties.to_frame()["status"]) == [s.value for s in want_statuses]


def test_an_empty_set_has_empty_columns() -> None:
    ties = _set([])
    assert (len(ties), ties.top(3), ties.get("P1", "m-1")) == (0, [], None)
    assert ties.cadences == []
    assert ties.statuses == []
    assert ties.to_frame().shape == (0, 8)


@pytest.mark.parametrize("priority", PRIORITIES)
def test_a_mapping_and_row_priorities_agree_on_one_tie(priority: str | None) -> None:
    row = ("P1", "m-1", 2, to_micros(T) - 40 * MICROS_PER_DAY, to_micros(T), 1.5, priority)
    mapped = {} if priority is None else {"m-1": priority}
    a = _set([row])
    b = TieSet([row[:6]], as_of=AsOf.of(T, "UTC"), tz="UTC", cadence=CADENCE, priorities=mapped)
    assert list(a) == list(b)


def test_columns_need_the_priorities() -> None:
    with pytest.raises(TypeError, match="priorities"):
        TieSet(Columns(), as_of=AsOf.of(T, "UTC"), tz="UTC", cadence=CADENCE)
