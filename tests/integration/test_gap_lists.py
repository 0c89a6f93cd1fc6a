"""The gap report's long lists, checked against the brute-force oracle on every database.

The ties going cold are a :class:`rbp.graph.ColdTies` sequence built from columns: it
must behave as the tuple of the same records (length, indexes, slices, iteration,
equality) in the oracle's order, coldest first. The overdue follow-ups find the
promising interaction by one index probe when the stakeholder was in one interaction
at that time, and in full when it was in several: a stakeholder met three times at one
instant (two promises by one officer, a contact without one by another) takes the
second path, and must give the same records as the first would. On a SQLite file the
probes read through the page cache, and the connection's memory map is put back.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import rbp
from rbp.graph import ColdTies
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
    random_city,
)

PLACES = BEAT
PEOPLE = beat_people("m1", "m2", "m3")
EVENTS = [
    Event(T - 50 * DAY, ("P1", "m1"), follow_up_by=T - 20 * DAY),
    Event(T - 50 * DAY, ("P1", "m1"), follow_up_by=T - 30 * DAY),  # same pair, same time
    Event(T - 50 * DAY, ("P2", "m1")),  # another officer, same time, no promise
    Event(T - 40 * DAY, ("P1", "m2"), follow_up_by=T - 35 * DAY),  # one interaction then
    Event(T - 40 * DAY, ("P2", "m3"), follow_up_by=T + 1),  # not due yet
]


@pytest.fixture(scope="module", params=DB_KINDS)
def promised(
    request: pytest.FixtureRequest, pg_cluster: PgCluster, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[rbp.Store, City]]:
    folder = tmp_path_factory.mktemp("promised")
    city = City(places=PLACES, people=PEOPLE, events=EVENTS)
    with loaded_store(request.param, city, pg_cluster=pg_cluster, folder=folder) as loaded:
        yield loaded


@pytest.fixture(scope="module", params=DB_KINDS)
def town(
    request: pytest.FixtureRequest, pg_cluster: PgCluster, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[rbp.Store, City]]:
    folder = tmp_path_factory.mktemp("town")
    with loaded_store(request.param, random_city(11), pg_cluster=pg_cluster, folder=folder) as x:
        yield x


def test_overdue_follow_ups_of_a_stakeholder_in_several_interactions_at_once(
    promised: tuple[rbp.Store, City],
) -> None:
    crm, city = promised
    ids = [e.id for e in city.events]
    rep = crm.graph.gaps(as_of=dt_of(T))
    got = [(f.officer, f.stakeholder, f.interaction) for f in rep.overdue_follow_ups]
    # earliest promise first: m2's (T - 35 d), then m1's two (T - 30 d, T - 20 d)
    assert got == [("P1", "m2", ids[3]), ("P1", "m1", ids[1]), ("P1", "m1", ids[0])]
    assert set(got) == oracle.gaps(city, T).overdue
    assert [f.due for f in rep.overdue_follow_ups] == [
        dt_of(T - 35 * DAY),
        dt_of(T - 30 * DAY),
        dt_of(T - 20 * DAY),
    ]
    assert {f.last for f in rep.overdue_follow_ups[1:]} == {dt_of(T - 50 * DAY)}


@pytest.mark.parametrize("days", [0, 45, 300])
def test_overdue_follow_ups_are_the_oracles(town: tuple[rbp.Store, City], days: int) -> None:
    crm, city = town
    at = T - days * DAY
    rep = crm.graph.gaps(as_of=dt_of(at))
    got = [(f.officer, f.stakeholder, f.interaction) for f in rep.overdue_follow_ups]
    assert len(got) == len(set(got))
    assert set(got) == oracle.gaps(city, at).overdue
    keys = [(f.due, f.officer, f.stakeholder, f.interaction) for f in rep.overdue_follow_ups]
    assert keys == sorted(keys)


@pytest.mark.parametrize("days", [0, 45, 300])
def test_ties_going_cold_are_a_sequence_of_the_oracles_records(
    town: tuple[rbp.Store, City], days: int
) -> None:
    crm, city = town
    at = T - days * DAY
    cold = crm.graph.gaps(as_of=dt_of(at)).cooling
    assert isinstance(cold, ColdTies)
    records = list(cold)
    want = sorted(oracle.gaps(city, at).cooling, key=lambda c: (c[3], c[0], c[1]))
    assert [(c.officer, c.stakeholder, c.status, c.last) for c in records] == [
        (o, k, status, dt_of(last)) for o, k, status, last in want
    ]
    assert len(cold) == len(records)
    assert cold == tuple(records)
    assert tuple(records) == cold
    assert cold == records  # any sequence of the same records
    assert cold[:3] == tuple(records[:3])
    assert cold[::-1] == tuple(reversed(records))
    if records:
        assert cold[0] == records[0]
        assert cold[-1] == records[-1]
        assert cold != tuple(records[:-1])
        assert records[0] in cold
    with pytest.raises(IndexError):
        cold[len(records)]
    with pytest.raises(IndexError):
        cold[-len(records) - 1]
    with pytest.raises(TypeError, match="index"):
        cold["0"]  # type: ignore[call-overload]
    assert repr(cold) == f"ColdTies({len(records)} ties going cold)"
    with pytest.raises(TypeError):
        hash(cold)


def test_a_scoped_gap_report_lists_the_cold_ties_of_its_scope(
    town: tuple[rbp.Store, City],
) -> None:
    crm, city = town
    area = sorted(p.key for p in city.places)[0]
    cold = crm.graph.gaps(as_of=dt_of(T), area=area).cooling
    want = oracle.gaps(city, T, area=area).cooling
    assert {(c.officer, c.stakeholder, c.status, c.last) for c in cold} == {
        (o, k, status, dt_of(last)) for o, k, status, last in want
    }
    lasts = [c.last for c in cold]
    assert lasts == sorted(lasts)


def test_the_memory_map_is_put_back_after_the_probes(tmp_path: Path, pg_cluster: PgCluster) -> None:
    city = City(places=PLACES, people=PEOPLE, events=EVENTS)
    with loaded_store("sqlite-file", city, pg_cluster=pg_cluster, folder=tmp_path) as (crm, _):

        def mapped() -> int:
            with crm.engine.connect() as conn:
                return int(conn.exec_driver_sql("PRAGMA mmap_size").scalar_one())

        before = mapped()
        assert before > 0
        assert len(crm.graph.gaps(as_of=dt_of(T)).overdue_follow_ups) == 3
        assert mapped() == before
