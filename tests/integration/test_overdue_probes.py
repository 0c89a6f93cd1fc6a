"""Overdue follow-ups whose promising interaction is ambiguous on one side only.

The gap report finds the interaction that made a broken promise by one probe of the
participants' (stakeholder, time) index with the officer's key, when the officer was in
one interaction at that time, and in full otherwise. Here each side is ambiguous
without the other: a member met by two officers at one instant (the officer with the
promise in one interaction then), and an officer meeting two members at one instant in
two interactions (each member in one). Every database must list the oracle's records,
in order, with the interaction that made each promise.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import rbp
from tests.databases import DB_KINDS, PgCluster
from tests.integration import graph_oracle as oracle
from tests.integration.conftest_graph import (
    BEAT,
    DAY,
    City,
    Event,
    T,
    beat_people,
    dt_of,
    loaded_store,
)

PLACES = BEAT
PEOPLE = beat_people("m1", "m2", "m3")
EVENTS = [
    # m1 in two interactions at once; P2 (the promise) in one of them only
    Event(T - 60 * DAY, ("P2", "m1"), follow_up_by=T - 25 * DAY),
    Event(T - 60 * DAY, ("P1", "m1")),
    # P1 in two interactions at once, each with another member and its own promise
    Event(T - 50 * DAY, ("P1", "m2"), follow_up_by=T - 30 * DAY),
    Event(T - 50 * DAY, ("P1", "m3"), follow_up_by=T - 10 * DAY),
]


@pytest.fixture(scope="module", params=DB_KINDS)
def promised(
    request: pytest.FixtureRequest, pg_cluster: PgCluster, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[rbp.Store, City]]:
    folder: Path = tmp_path_factory.mktemp("promised")
    city = City(places=PLACES, people=PEOPLE, events=EVENTS)
    with loaded_store(request.param, city, pg_cluster=pg_cluster, folder=folder) as loaded:
        yield loaded


def test_each_broken_promise_is_found_with_its_own_interaction(
    promised: tuple[rbp.Store, City],
) -> None:
    crm, city = promised
    ids = [e.id for e in city.events]
    rep = crm.graph.gaps(as_of=dt_of(T))
    got = [(f.officer, f.stakeholder, f.interaction) for f in rep.overdue_follow_ups]
    assert set(got) == oracle.gaps(city, T).overdue
    # earliest promise first: m2's (T - 30 d), m1's (T - 25 d), m3's (T - 10 d)
    assert got == [("P1", "m2", ids[2]), ("P2", "m1", ids[0]), ("P1", "m3", ids[3])]
    assert [f.due for f in rep.overdue_follow_ups] == [
        dt_of(T - 30 * DAY),
        dt_of(T - 25 * DAY),
        dt_of(T - 10 * DAY),
    ]
    assert [f.last for f in rep.overdue_follow_ups] == [
        dt_of(T - 50 * DAY),
        dt_of(T - 60 * DAY),
        dt_of(T - 50 * DAY),
    ]


def test_the_coverage_first_then_the_gaps_list_the_same_follow_ups(
    promised: tuple[rbp.Store, City],
) -> None:
    """A gap report from a widened snapshot (coverage asked first) reads the broken
    promises in the widening read: the same records as a gap report asked first."""
    crm, city = promised
    at = T - DAY  # a time no other test asked, so no snapshot is cached
    crm.graph.coverage(as_of=dt_of(at))
    widened = crm.graph.gaps(as_of=dt_of(at)).overdue_follow_ups
    at2 = T - 2 * DAY
    alone = crm.graph.gaps(as_of=dt_of(at2)).overdue_follow_ups
    assert {(f.officer, f.stakeholder, f.interaction) for f in widened} == oracle.gaps(
        city, at
    ).overdue
    assert [(f.officer, f.stakeholder, f.interaction, f.due) for f in widened] == [
        (f.officer, f.stakeholder, f.interaction, f.due) for f in alone
    ]
