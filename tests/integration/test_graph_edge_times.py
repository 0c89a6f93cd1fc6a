"""The built graph holds its edge times as epoch microseconds (plain ints), and
:func:`rbp.graph.edge_times` and the GraphML writer give back the very instants logged,
in the agency's zone, through the repeated hour of a daylight-saving change and down
to the microsecond."""

from __future__ import annotations

import calendar
import datetime as dt
from pathlib import Path

import networkx as nx
import pendulum
import pytest

import rbp
import rbp.io
from rbp.errors import UnknownKeyError
from rbp.graph import edge_times
from rbp.interactions import Interaction
from tests.databases import PlainSQL

UTC = dt.UTC
# 01:30 in Chicago twice on 2025-11-02: first CDT (UTC-5), then CST (UTC-6).
FIRST = dt.datetime(2025, 11, 2, 6, 30, 0, 123, tzinfo=UTC)
SECOND = dt.datetime(2025, 11, 2, 7, 30, 0, 999_999, tzinfo=UTC)
LATER = dt.datetime(2025, 12, 24, 23, 59, 59, 1, tzinfo=UTC)
T = pendulum.datetime(2025, 12, 31, tz="UTC")


def micros(value: dt.datetime) -> int:
    """Epoch microseconds of an aware datetime, through :mod:`calendar`."""
    return calendar.timegm(value.utctimetuple()) * 1_000_000 + value.microsecond


@pytest.fixture
def town(crm: rbp.Store) -> rbp.Store:
    crm.directory.add_many(
        [
            rbp.Officer("P1"),
            rbp.CommunityMember("m-1"),
            rbp.CommunityMember("m-2"),
            rbp.CommunityMember("m-3"),
        ]
    )
    crm.directory.relate("m-1", "m-3", "knows")
    for at, people in (
        (FIRST, ("P1", "m-1", "m-2")),
        (SECOND, ("P1", "m-1")),
        (LATER, ("m-1", "m-2")),
    ):
        crm.interactions.log(
            Interaction(at=pendulum.instance(at), kind="meeting", participants=people)
        )
    return crm


def test_edge_times_are_numbers_that_round_trip(town: rbp.Store, sql: PlainSQL) -> None:
    g = town.graph.build(as_of=T)
    want = {("P1", "m-1"): (FIRST, SECOND), ("P1", "m-2"): (FIRST, FIRST)}
    want[("m-1", "m-2")] = (FIRST, LATER)
    for (a, b), (first, last) in want.items():
        data = g.edges[a, b]
        assert (type(data["first"]), type(data["last"])) == (int, int), (a, b)
        assert (data["first"], data["last"]) == (micros(first), micros(last))
        # The same numbers as the store's own rows, read with plain SQL.
        stored = sql.rows(
            "SELECT min(p.at), max(p.at) FROM interaction_participants p"
            " JOIN interaction_participants q ON q.interaction_id = p.interaction_id"
            " WHERE p.stakeholder = :a AND q.stakeholder = :b",
            a=a,
            b=b,
        )
        assert [tuple(r) for r in stored] == [(data["first"], data["last"])]
        got_first, got_last = edge_times(g, b, a)  # either order
        for got, instant in ((got_first, first), (got_last, last)):
            assert got is not None
            # In UTC: an instant in a repeated hour never equals one in another zone.
            assert got.astimezone(UTC) == instant
            assert got.timezone_name == "America/Chicago"
            assert got.utcoffset() == instant.astimezone(got.tzinfo).utcoffset()
            assert got.microsecond == instant.microsecond
    # The repeated hour: the same wall clock, an hour apart, told apart by the offset.
    _, last = edge_times(g, "P1", "m-1")
    first, _ = edge_times(g, "P1", "m-1")
    assert first is not None
    assert last is not None
    assert (first.hour, first.minute, last.hour, last.minute) == (1, 30, 1, 30)
    assert (first.utcoffset(), last.utcoffset()) == (dt.timedelta(hours=-5), -dt.timedelta(hours=6))
    # A declared relationship alone has no times.
    assert g.edges["m-1", "m-3"]["kind"] == "declared"
    assert (g.edges["m-1", "m-3"]["first"], g.edges["m-1", "m-3"]["last"]) == (None, None)
    assert edge_times(g, "m-1", "m-3") == (None, None)


def test_edge_times_equal_the_tie_records(town: rbp.Store) -> None:
    g = town.graph.build(as_of=T)
    ties = town.interactions.ties(as_of=T)
    assert len(ties) == 2
    for tie in ties:
        assert edge_times(g, tie.officer, tie.stakeholder) == (tie.first, tie.last)


def test_graphml_carries_the_instants(town: rbp.Store, tmp_path: Path) -> None:
    g = nx.read_graphml(rbp.io.write_graphml(town, tmp_path / "g.graphml", as_of=T))
    tie = g.edges["P1", "m-1"]
    assert pendulum.parse(tie["first"]) == FIRST
    assert pendulum.parse(tie["last"]) == SECOND
    assert tie["first"].endswith("-05:00")
    assert tie["last"].endswith("-06:00")


def test_edge_times_of_a_missing_edge_or_a_wrong_graph(town: rbp.Store) -> None:
    g = town.graph.build(as_of=T)
    with pytest.raises(UnknownKeyError, match="no edge between 'm-2' and 'm-3'"):
        edge_times(g, "m-2", "m-3")
    with pytest.raises(TypeError, match="g must be a networkx Graph"):
        edge_times({}, "P1", "m-1")  # type: ignore[arg-type]
    h = nx.Graph()
    h.add_edge("a", "b", first=1.5, last=None)
    with pytest.raises(TypeError, match="first must be epoch microseconds"):
        edge_times(h, "a", "b")
    h.add_edge("c", "d", first=0, last=86_400_000_000)
    assert edge_times(h, "c", "d") == (  # no zone on the graph: UTC
        pendulum.datetime(1970, 1, 1, tz="UTC"),
        pendulum.datetime(1970, 1, 2, tz="UTC"),
    )
