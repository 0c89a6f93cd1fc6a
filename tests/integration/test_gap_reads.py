"""What a gap report reads, checked against the brute-force oracle on every database.

The overdue follow-ups are an :class:`rbp.graph.OverdueFollowUps` sequence built from
rows when read: it must behave as the tuple of the same records (length, indexes,
slices, iteration, equality), each record the promise of the oracle's interaction.

The snapshot leaves in the database the ties too old for their member's priority
(older than four cadences and than the window): a key member's tie of 200 days is
neither active, nor going cold, nor (with the default windows) covering, while a low
member's of 700 days is dormant. The edges: a tie exactly four cadences old is still
dormant, one a microsecond older is not; a window longer than four cadences keeps a
key member's old contact covering; a broken promise is overdue however old the tie.
The answers must be the oracle's whether the gap report comes first (one read) or after
coverage (the snapshot widened).
"""

from __future__ import annotations

from collections.abc import Iterator

import pendulum
import pytest

import rbp
from rbp import Priority, Sector
from rbp.graph import OverdueFollowUps
from rbp.interactions import FollowUpReason
from tests.databases import DB_KINDS, PgCluster
from tests.integration import graph_oracle as oracle
from tests.integration.conftest_graph import (
    DAY,
    City,
    Event,
    Person,
    Place,
    T,
    dt_of,
    loaded_store,
    random_city,
)

PLACES = [Place("d1"), Place("b1", "d1")]


def _member(key: str, priority: Priority) -> Person:
    return Person(key, "member", Sector.FAITH, priority, areas=("b1",))


PEOPLE = [
    Person("P1", "officer", areas=("b1",)),
    Person("P2", "officer", areas=("b1",)),
    _member("k-old", Priority.KEY),  # 200 days: lapsed, outside a 180-day window
    _member("k-edge", Priority.KEY),  # exactly 120 days: dormant
    _member("k-past", Priority.KEY),  # 120 days and a microsecond: lapsed
    _member("k-promise", Priority.KEY),  # 300 days, with a promise passed: overdue
    _member("r-old", Priority.REGULAR),  # 300 days: dormant
    _member("r-lapsed", Priority.REGULAR),  # 400 days: lapsed
    _member("l-old", Priority.LOW),  # 700 days: dormant
    _member("k-now", Priority.KEY),  # 10 days: active
]
EVENTS = [
    Event(T - 200 * DAY, ("P1", "k-old")),
    Event(T - 120 * DAY, ("P1", "k-edge")),
    Event(T - 120 * DAY - 1, ("P2", "k-past")),
    Event(T - 300 * DAY, ("P2", "k-promise"), follow_up_by=T - 290 * DAY),
    Event(T - 300 * DAY, ("P1", "r-old")),
    Event(T - 400 * DAY, ("P1", "r-lapsed")),
    Event(T - 700 * DAY, ("P2", "l-old")),
    Event(T - 10 * DAY, ("P1", "k-now")),
    Event(T - 150 * DAY, ("P2", "k-now")),  # an older contact of a member met since
]
WINDOWS = [None, 150, 250, 365]  # each cadence; a day count (some past 4 key cadences)


@pytest.fixture(scope="module", params=DB_KINDS)
def aged(
    request: pytest.FixtureRequest, pg_cluster: PgCluster, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[rbp.Store, City]]:
    folder = tmp_path_factory.mktemp("aged")
    city = City(places=PLACES, people=PEOPLE, events=EVENTS)
    with loaded_store(request.param, city, pg_cluster=pg_cluster, folder=folder) as loaded:
        yield loaded


@pytest.fixture(scope="module", params=DB_KINDS)
def town(
    request: pytest.FixtureRequest, pg_cluster: PgCluster, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[rbp.Store, City]]:
    folder = tmp_path_factory.mktemp("town")
    with loaded_store(request.param, random_city(23), pg_cluster=pg_cluster, folder=folder) as x:
        yield x


def _window(days: int | None) -> pendulum.Duration | None:
    return None if days is None else pendulum.duration(days=days)


def _check(rep: rbp.graph.GapReport, cov: rbp.graph.CoverageReport, want: oracle.Gaps) -> None:
    assert {(c.officer, c.stakeholder, c.status, c.last) for c in rep.cooling} == {
        (o, k, status, dt_of(last)) for o, k, status, last in want.cooling
    }
    got = {(f.officer, f.stakeholder, f.interaction) for f in rep.overdue_follow_ups}
    assert got == want.overdue
    assert {p: set(keys) for p, keys in rep.uncovered.items()} == {
        p: set(keys) for p, keys in want.uncovered.items()
    }
    assert set(rep.single_threaded) == set(want.single_threaded)
    assert set(cov.uncovered) == {k for keys in want.uncovered.values() for k in keys}


@pytest.mark.parametrize("days", WINDOWS)
def test_old_ties_are_read_as_far_as_their_priority_needs(
    aged: tuple[rbp.Store, City], days: int | None
) -> None:
    crm, city = aged
    window = _window(days)
    want = oracle.gaps(city, T, window=None if days is None else days * DAY)
    # coverage first: the snapshot is widened for the gap report
    cov = crm.graph.coverage(as_of=dt_of(T), window=window)
    _check(crm.graph.gaps(as_of=dt_of(T), window=window), cov, want)
    # the gap report first, on a graph of its own: one read with the ties going cold
    fresh = type(crm.graph)(crm._uow)
    rep = fresh.gaps(as_of=dt_of(T), window=window)
    _check(rep, fresh.coverage(as_of=dt_of(T), window=window), want)


def test_the_aged_city_has_each_case(aged: tuple[rbp.Store, City]) -> None:
    """The oracle's answers the city was made for (so the test above checks them)."""
    _, city = aged
    want = oracle.gaps(city, T)
    cold = {(k, status) for _, k, status, _ in want.cooling}
    assert cold == {("k-edge", "dormant"), ("r-old", "dormant"), ("l-old", "dormant")}
    assert {k for _, k, _ in want.overdue} == {"k-promise"}
    covered_long = oracle.coverage(city, T, window=365 * DAY).uncovered
    assert "k-old" not in covered_long
    assert "k-old" in oracle.coverage(city, T).uncovered


@pytest.mark.parametrize("days", [0, 45, 300])
def test_overdue_follow_ups_are_a_sequence_of_the_oracles_records(
    town: tuple[rbp.Store, City], days: int
) -> None:
    crm, city = town
    at = T - days * DAY
    rep = crm.graph.gaps(as_of=dt_of(at))
    overdue = rep.overdue_follow_ups
    assert isinstance(overdue, OverdueFollowUps)
    records = list(overdue)
    by_id = {e.id: e for e in city.events}
    assert {(f.officer, f.stakeholder, f.interaction) for f in records} == oracle.gaps(
        city, at
    ).overdue
    for f in records:
        event = by_id[f.interaction]
        assert event.follow_up_by is not None
        assert (f.last, f.due) == (dt_of(event.at), dt_of(event.follow_up_by))
        assert f.reason is FollowUpReason.OVERDUE
        assert f.suggested == rep.as_of
        assert {f.officer, f.stakeholder} <= set(event.participants)
    assert len(overdue) == len(records)
    assert overdue == tuple(records)
    assert tuple(records) == overdue
    assert overdue == records
    assert overdue[:3] == tuple(records[:3])
    assert overdue[::-1] == tuple(reversed(records))
    if records:
        assert overdue[0] == records[0]
        assert overdue[-1] == records[-1]
        assert overdue != tuple(records[:-1])
        assert records[-1] in overdue
    with pytest.raises(IndexError):
        overdue[len(records)]
    with pytest.raises(IndexError):
        overdue[-len(records) - 1]
    with pytest.raises(TypeError, match="index"):
        overdue["0"]  # type: ignore[call-overload]
    assert repr(overdue) == f"OverdueFollowUps({len(records)} follow-ups overdue)"
    with pytest.raises(TypeError):
        hash(overdue)


def test_the_town_has_overdue_follow_ups(town: tuple[rbp.Store, City]) -> None:
    _, city = town
    assert len(oracle.gaps(city, T).overdue) >= 3
