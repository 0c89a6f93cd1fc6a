"""``log_many`` is all or nothing, at scale, with every bad item listed.

A generator yields hundreds of thousands of interactions with a few bad ones among
them, one far in (after many batches were already sent to the database). The call must
raise :class:`rbp.BulkValidationError` listing exactly the bad items with their
position and field, and plain SQL must find the store exactly as it was. A good call
afterwards works and its ids carry on from the old ones.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pendulum
import pytest

import rbp
from rbp.interactions import Interaction, InteractionKind
from tests.databases import TZ, PlainSQL, fixed_clock, probe_for
from tests.pair_summaries import check_summaries, stored_summaries

T0 = pendulum.datetime(2025, 1, 1, 8, tz=TZ)
OFFICERS = [f"P{i}" for i in range(10)]
MEMBERS = [f"m-{i}" for i in range(40)]
TABLES = (
    "interactions",
    "interaction_participants",
    "interaction_areas",
    "interaction_topics",
    "tie_pairs",
    "tie_months",
    "audit_log",
)


def _directory(crm: rbp.Store) -> None:
    crm.directory.add_many(
        [
            rbp.Area("d-1"),
            rbp.Area("b-1", parent="d-1"),
            *(rbp.Officer(k) for k in OFFICERS),
            *(rbp.CommunityMember(k, area="b-1") for k in MEMBERS),
        ]
    )


# 50 distinct valid interactions, reused: building 500,000 records would take longer
# than logging them, and a frozen record may be logged any number of times. Each makes
# two participant rows and one tie row; one in ten has an area, one in ten a topic.
POOL = [
    Interaction(
        at=T0.add(hours=7 * n),
        kind=list(InteractionKind)[n % len(InteractionKind)],
        participants=(OFFICERS[n % 10], MEMBERS[n % 40]),
        areas=("b-1",) if n % 10 == 1 else (),
        topics=("youth",) if n % 10 == 2 else (),
    )
    for n in range(50)
]


def _bad_items(n: int) -> dict[int, tuple[Any, type[rbp.RbpError], str, str | None]]:
    """Position -> (bad item, error class, field, key) in a call of ``n`` items.

    The first bad item is four fifths in, so many batches are already in the database
    (and must be rolled back) when it is found; the others follow it.
    """
    at = T0.add(days=3)
    first = n * 4 // 5
    return {
        first: (
            Interaction(at=at, kind="call", participants=("P1", "nobody")),
            rbp.UnknownKeyError,
            "participants",
            "nobody",
        ),
        first + 1: (
            {"at": dt.datetime(2025, 1, 1, 9), "kind": "call", "participants": ("P1", "m-1")},
            rbp.NaiveDatetimeError,
            "at",
            None,
        ),
        n * 9 // 10: (
            {"at": at, "kind": "call", "participants": ()},
            rbp.ValidationError,
            "participants",
            None,
        ),
        n - 2: (
            {"at": at, "kind": "meeting", "participants": ("P1", "m-1", "P1")},
            rbp.ValidationError,
            "participants",
            "P1",
        ),
        n - 1: ({"at": at, "kind": "call"}, rbp.ValidationError, "participants", None),
    }


def _stream(n: int, bad: dict[int, tuple[Any, ...]]) -> Iterator[Any]:
    for k in range(n):
        yield bad[k][0] if k in bad else POOL[k % len(POOL)]


def _state(sql: PlainSQL) -> dict[str, Any]:
    state: dict[str, Any] = {table: sql.count(table) for table in TABLES}
    state["max id"] = sql.scalar("SELECT max(id) FROM interactions")
    state["max audit id"] = sql.scalar("SELECT max(id) FROM audit_log")
    state["summaries"] = stored_summaries(sql)  # a batch may change a row without adding one
    return state


def _all_or_nothing(crm: rbp.Store, sql: PlainSQL, n: int) -> None:
    _directory(crm)
    first = crm.interactions.log_many(POOL[:3])
    assert first == range(1, 4)
    before = _state(sql)
    assert before["interactions"] == 3
    assert before["tie_pairs"] == 3  # three items of three pairs
    check_summaries(sql)
    assert before["interaction_areas"] == 1
    assert before["interaction_topics"] == 1

    bad = _bad_items(n)
    with pytest.raises(rbp.BulkValidationError) as info:
        crm.interactions.log_many(_stream(n, bad))
    errors = info.value.errors
    assert [e.row for e in errors] == sorted(bad)  # every bad item, nothing else
    for error in errors:
        _item, cls, field, key = bad[error.row]
        assert isinstance(error, cls), (error.row, error)
        assert error.field == field, (error.row, error)
        if key is not None:
            assert error.key == key
        assert f"item {error.row}:" in str(error)
    assert info.value.row == n * 4 // 5
    assert info.value.field == "participants"
    assert "nothing was written" in str(info.value)

    assert _state(sql) == before

    again = crm.interactions.log_many(iter(POOL[3:8]))
    assert again == range(4, 9)
    after = _state(sql)
    assert after["interactions"] == 8
    assert after["max id"] == 8
    assert after["tie_pairs"] == before["tie_pairs"] + 5  # POOL[3:8]: five new pairs
    assert after["audit_log"] == before["audit_log"] + 1
    check_summaries(sql)


def test_log_many_is_all_or_nothing(crm: rbp.Store, sql: PlainSQL) -> None:
    """30,000 items: the first bad one, at 24,000, comes after a batch was written."""
    _all_or_nothing(crm, sql, 30_000)


@pytest.mark.slow
def test_log_many_of_500_000_is_all_or_nothing_on_a_sqlite_file(tmp_path: Path) -> None:
    """500,000 items; the first bad one, an unknown participant, is item 400,000."""
    path = str(tmp_path / "big.db")
    with rbp.open(path, tz=TZ, actor="test", clock=fixed_clock) as crm:
        sql = probe_for(path, crm)
        try:
            _all_or_nothing(crm, sql, 500_000)
        finally:
            sql.close()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("notes", "called about a\x00b"),
        ("notes", "lone \ud800 surrogate"),
        ("attendees", 2**31),
        ("attendees", 2**63),
        ("duration", dt.timedelta(seconds=2**31)),
        ("duration", dt.timedelta(days=10**6)),
        ("unknown", "x"),
    ],
)
def test_values_no_database_can_store_are_bad_items(
    crm: rbp.Store, sql: PlainSQL, field: str, value: Any
) -> None:
    """Every backend rejects them the same way, as a listed bad item, before writing."""
    _directory(crm)
    crm.interactions.log(POOL[0])
    before = sql.snapshot()
    good = {"at": T0, "kind": "call", "participants": ("P1", "m-1")}
    with pytest.raises(rbp.BulkValidationError) as info:
        crm.interactions.log_many([good, {**good, field: value}, good])
    (error,) = info.value.errors
    assert error.row == 1
    assert error.field == field
    assert isinstance(error, rbp.ValidationError)
    if field == "notes":
        assert str(value) not in str(info.value)  # notes are personal data
    assert sql.snapshot() == before
    with pytest.raises(rbp.ValidationError) as one:
        crm.interactions.log({**good, field: value})
    assert one.value.field == field
    assert sql.snapshot() == before


def test_largest_storable_values_round_trip(crm: rbp.Store) -> None:
    _directory(crm)
    big = Interaction(
        at=T0,
        kind="community_event",
        participants=("P1", "m-1"),
        attendees=2**31 - 1,
        duration=dt.timedelta(seconds=2**31 - 1),
        notes="emoji 🎉 and accents é",
    )
    iid = crm.interactions.log(big)
    assert crm.interactions.get(iid) == big
