"""``crm.graph`` checked against an independent brute-force oracle.

A seeded city of moderate size (8 areas, 6 officers, 60 members, 8 agencies, 20
declared relationships, 600 interactions clustered on window boundaries, some after T)
is loaded once per database (SQLite in memory, SQLite file, PostgreSQL), and every
metric is recomputed from the test's own raw log by :mod:`tests.integration.graph_oracle`
at several as-of times. Small hand-built scenarios pin the exact definitions: window
boundaries, presence, roll-up, ordering, group size, successors.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import networkx as nx
import pendulum
import pytest

import rbp
from rbp import Priority, RelationshipKind, Sector
from rbp.graph import CoverageReport, edge_times
from rbp.interactions import TieStatus
from rbp.settings import Settings
from tests.databases import DB_KINDS, PgCluster
from tests.integration import graph_oracle as oracle
from tests.integration.conftest_graph import (
    DAY,
    City,
    Event,
    Link,
    Person,
    Place,
    T,
    dt_of,
    load,
    loaded_store,
    random_city,
)

AS_OF = [
    pytest.param(T, id="T"),
    pytest.param(T - 1, id="T-1us"),
    pytest.param(T - 45 * DAY, id="T-45d"),
    pytest.param(T - 300 * DAY, id="T-300d"),
]
WINDOWS = [
    pytest.param(None, id="cadence"),
    pytest.param(14, id="14d"),
    pytest.param(365, id="365d"),
]
CITY = random_city(7)


@pytest.fixture(scope="module", params=DB_KINDS)
def town(
    request: pytest.FixtureRequest, pg_cluster: PgCluster, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[rbp.Store, City]]:
    """The seeded city, loaded once per database kind for the whole module."""
    folder = tmp_path_factory.mktemp("town")
    with loaded_store(request.param, CITY, pg_cluster=pg_cluster, folder=folder) as loaded:
        yield loaded


def micros(value: pendulum.DateTime) -> int:
    delta = value - dt_of(0)
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def assert_coverage(rep: CoverageReport, want: oracle.Coverage) -> None:
    assert (rep.covered, rep.total) == (want.covered, want.total)
    assert rep.ratio == want.ratio
    assert {a: (c.covered, c.total) for a, c in rep.by_area.items()} == want.by_area
    assert {s: (c.covered, c.total) for s, c in rep.by_sector.items()} == want.by_sector
    got = {k: (c.covered, c.total) for k, c in rep.matrix.items() if c.total}
    assert got == want.matrix
    for (a, s), cell in rep.matrix.items():
        assert cell.ratio == (None if cell.total == 0 else cell.covered / cell.total), (a, s)
    assert rep.uncovered == want.uncovered


# ----------------------------------------------------------------------------- the seeded city


def test_city_has_the_cases_that_matter() -> None:
    """The seeded city exercises what the oracle compares (else the tests prove little)."""
    kinds = {p.kind for p in CITY.people}
    assert kinds == {"officer", "member", "agency"}
    assert any(p.since is not None and p.since > T for p in CITY.people)
    assert any(p.until is not None and p.until < T for p in CITY.people)
    assert any(e.at > T for e in CITY.events)
    assert any(e.at == T - 30 * DAY for e in CITY.events)
    assert any(len(e.participants) + e.attendees > 25 for e in CITY.events)
    assert any(len(p.areas) > 1 for p in CITY.people if p.kind == "agency")
    cov = oracle.coverage(CITY, T)
    assert 0 < cov.covered < cov.total
    risk = oracle.key_person(CITY, T)
    assert risk.single_threaded
    assert any(len(h) > 1 for h in risk.holders.values())
    numbered = replace(CITY, events=[replace(e, id=i) for i, e in enumerate(CITY.events, 1)])
    assert oracle.gaps(numbered, T).overdue
    assert oracle.cut_off(oracle.network(CITY, T, window=365 * DAY)), "no brokers to find"


@pytest.mark.parametrize("window", WINDOWS)
@pytest.mark.parametrize("at", AS_OF)
def test_coverage_matches_brute_force(
    town: tuple[rbp.Store, City], at: int, window: int | None
) -> None:
    crm, city = town
    w = None if window is None else pendulum.duration(days=window)
    rep = crm.graph.coverage(as_of=dt_of(at), window=w)
    assert_coverage(rep, oracle.coverage(city, at, window=None if window is None else window * DAY))
    assert rep.window == w


@pytest.mark.parametrize("at", AS_OF)
def test_coverage_filters_match_brute_force(town: tuple[rbp.Store, City], at: int) -> None:
    crm, city = town
    for place in city.places:
        rep = crm.graph.coverage(as_of=dt_of(at), area=place.key)
        assert_coverage(rep, oracle.coverage(city, at, area=place.key))
        assert set(rep.by_area) == oracle.subtree(city, place.key)
    for sector in Sector:
        rep = crm.graph.coverage(as_of=dt_of(at), sector=sector.value)
        assert_coverage(rep, oracle.coverage(city, at, sector=sector))
    for kind in ("member", "agency"):
        rep = crm.graph.coverage(as_of=dt_of(at), kind=kind)
        assert_coverage(rep, oracle.coverage(city, at, kind=kind))
    empty = crm.graph.coverage(as_of=dt_of(at), kind="officer")
    assert (empty.total, empty.ratio, empty.by_sector) == (0, None, {})


@pytest.mark.parametrize("at", AS_OF)
def test_key_person_risk_matches_brute_force(town: tuple[rbp.Store, City], at: int) -> None:
    crm, city = town
    for area in [None, *(p.key for p in city.places)]:
        rep = crm.graph.key_person_risk(as_of=dt_of(at), area=area)
        want = oracle.key_person(city, at, area=area)
        assert rep.covered == want.covered
        assert set(rep.single_threaded) == want.single_threaded
        assert len(rep.single_threaded) == len(want.single_threaded)
        assert {o: set(keys) for o, keys in rep.sole_held.items()} == want.sole_held
        assert rep.ratio == want.ratio
        counts = [len(keys) for keys in rep.sole_held.values()]
        assert counts == sorted(counts, reverse=True)


@pytest.mark.parametrize("window", WINDOWS)
@pytest.mark.parametrize("at", AS_OF)
def test_gaps_match_brute_force(town: tuple[rbp.Store, City], at: int, window: int | None) -> None:
    crm, city = town
    w = None if window is None else pendulum.duration(days=window)
    for area in [None, "a0", "a3"]:
        rep = crm.graph.gaps(as_of=dt_of(at), window=w, area=area)
        want = oracle.gaps(city, at, window=None if window is None else window * DAY, area=area)
        assert rep.uncovered == want.uncovered
        got_cold = {(c.officer, c.stakeholder, c.status, micros(c.last)) for c in rep.cooling}
        assert got_cold == want.cooling
        assert len(rep.cooling) == len(got_cold)
        lasts = [c.last for c in rep.cooling]
        assert lasts == sorted(lasts), "coldest first"
        assert set(rep.matrix_gaps) == want.matrix_gaps
        assert rep.missing_sectors == want.missing_sectors
        assert set(rep.quiet_areas) == want.quiet_areas
        assert set(rep.single_threaded) == want.single_threaded
        got_overdue = {(f.officer, f.stakeholder, f.interaction) for f in rep.overdue_follow_ups}
        assert got_overdue == want.overdue


@pytest.mark.parametrize("quiet_days", [1, 30, 400])
def test_quiet_areas_with_a_quiet_window(town: tuple[rbp.Store, City], quiet_days: int) -> None:
    crm, city = town
    rep = crm.graph.gaps(as_of=dt_of(T), quiet_window=pendulum.duration(days=quiet_days))
    assert set(rep.quiet_areas) == oracle.gaps(city, T, quiet_window=quiet_days * DAY).quiet_areas


@pytest.mark.parametrize("at", AS_OF)
def test_simulate_departure_matches_brute_force(town: tuple[rbp.Store, City], at: int) -> None:
    crm, city = town
    here = [p.key for p in city.officers if oracle.present(p.since, p.until, at)]
    assert here
    for officer in here:
        impact = crm.graph.simulate_departure(officer, as_of=dt_of(at))
        before, after, orphaned, dropped = oracle.departure(city, at, officer)
        assert_coverage(impact.before, before)
        assert_coverage(impact.after, after)
        assert impact.before == crm.graph.coverage(as_of=dt_of(at))
        assert list(impact.orphaned) == orphaned
        assert list(impact.areas_dropped) == dropped
        assert officer not in {s.officer for s in impact.successors}
        assert all(s.reasons and s.score > 0 for s in impact.successors)
        assert bool(impact.successors) <= bool(orphaned)
        scores = [(-s.score, s.officer) for s in impact.successors]
        assert scores == sorted(scores)
        candidates = {p for p in here if p != officer}
        assert {s.officer for s in impact.successors} <= candidates


def test_simulate_departure_of_an_absent_officer_is_an_error(town: tuple[rbp.Store, City]) -> None:
    crm, city = town
    gone = [p.key for p in city.officers if not oracle.present(p.since, p.until, T)]
    for key in [*gone, "m000", "nobody"]:
        with pytest.raises(rbp.UnknownKeyError) as info:
            crm.graph.simulate_departure(key, as_of=dt_of(T))
        assert info.value.key == key


def _status(age: int, cadence_days: int) -> str:
    c = cadence_days * DAY
    return (
        "active"
        if age <= c
        else "cooling"
        if age <= 2 * c
        else "dormant"
        if age <= 4 * c
        else "lapsed"
    )


@pytest.mark.parametrize("window", [pytest.param(None, id="all"), pytest.param(365, id="365d")])
@pytest.mark.parametrize("at", AS_OF)
def test_build_matches_brute_force(
    town: tuple[rbp.Store, City], at: int, window: int | None
) -> None:
    crm, city = town
    w = None if window is None else pendulum.duration(days=window)
    g = crm.graph.build(as_of=dt_of(at), window=w)
    want = oracle.network(city, at, window=None if window is None else window * DAY)
    assert set(g.nodes) == set(want.nodes)
    for n, data in want.nodes(data=True):
        got = g.nodes[n]
        assert "name" not in got
        assert got["kind"] == data["kind"]
        assert got["sector"] == data["sector"]
        assert got["priority"] == data["priority"]
        assert tuple(sorted(got["areas"])) == data["areas"]
        assert got["unit"] == ("CSP" if data["kind"] == "officer" else None)
    assert {frozenset(e) for e in g.edges} == {frozenset(e) for e in want.edges}
    for a, b, data in want.edges(data=True):
        got = g.edges[a, b]
        assert got["kind"] == data["kind"], (a, b)
        assert got["declared"] == data["declared"], (a, b)
        assert got["count"] == data["count"], (a, b)
        if data["kind"] == "declared":
            continue
        assert (got["first"], got["last"]) == (data["first"], data["last"])
        first, last = edge_times(g, a, b)
        assert first is not None
        assert last is not None
        assert (micros(first), micros(last)) == (data["first"], data["last"])
        assert math.isclose(got["strength"], data["strength"], rel_tol=1e-9), (a, b)
        if data["kind"] == "officer_tie":
            other = a if want.nodes[a]["kind"] != "officer" else b
            cadence = oracle.CADENCE[Priority(want.nodes[other]["priority"])]
            assert got["status"] == _status(at - data["last"], cadence)


def test_build_officer_ties_equal_the_tie_records(town: tuple[rbp.Store, City]) -> None:
    """The graph's officer edges and ``crm.interactions.ties`` are one computation seen twice."""
    crm, _ = town
    g = crm.graph.build(as_of=dt_of(T))
    ties = crm.interactions.ties(as_of=dt_of(T))
    edges = {(a, b) for a, b, k in g.edges(data="kind") if k == "officer_tie"}
    assert len(ties) == len(edges)
    for tie in ties:
        data = g.edges[tie.officer, tie.stakeholder]
        assert data["count"] == tie.count
        assert edge_times(g, tie.officer, tie.stakeholder) == (tie.first, tie.last)
        assert data["strength"] == pytest.approx(tie.strength, rel=1e-12)
        assert data["status"] == tie.status.value


def test_build_names_only_when_asked(town: tuple[rbp.Store, City]) -> None:
    crm, _ = town
    plain = crm.graph.build(as_of=dt_of(T))
    assert all("name" not in d for _, d in plain.nodes(data=True))
    named = crm.graph.build(as_of=dt_of(T), personal=True)
    assert {n: d["name"] for n, d in named.nodes(data=True)} == {n: f"Name of {n}" for n in named}


@pytest.mark.parametrize("k", [1, 2, 3])
@pytest.mark.parametrize("at", [T, T - 300 * DAY])
def test_reach_matches_brute_force(town: tuple[rbp.Store, City], at: int, k: int) -> None:
    crm, city = town
    rep = crm.graph.reach(as_of=dt_of(at), k=k)
    reached, total, unreached = oracle.reach(oracle.network(city, at, window=365 * DAY), k)
    assert (rep.reached, rep.total, rep.unreached) == (reached, total, unreached)
    assert rep.ratio == (None if total == 0 else reached / total)


@pytest.mark.parametrize("at", [T, T - 300 * DAY])
def test_brokers_match_brute_force(town: tuple[rbp.Store, City], at: int) -> None:
    crm, city = town
    want = oracle.network(city, at, window=365 * DAY)
    brokers = crm.graph.brokers(as_of=dt_of(at), top=10_000, samples=None)
    candidates = {n for n, k in want.nodes(data="kind") if k in ("member", "agency")}
    assert {b.key for b in brokers} == candidates
    cut = oracle.cut_off(want)
    exact = nx.betweenness_centrality(want)
    for b in brokers:
        assert b.kind == want.nodes[b.key]["kind"]
        assert b.cut_off == cut.get(b.key, 0), b.key
        assert b.betweenness == pytest.approx(exact[b.key], abs=1e-12), b.key
    burt = nx.constraint(want, nodes=[n for n in candidates if want.degree(n)], weight="strength")
    for b in brokers:
        if want.degree(b.key) == 0:
            assert b.constraint is None
        else:
            assert b.constraint == pytest.approx(burt[b.key], rel=1e-9), b.key
    order = [(-b.cut_off, -b.betweenness, b.key) for b in brokers]
    assert order == sorted(order)
    top = crm.graph.brokers(as_of=dt_of(at), top=5, samples=None)
    assert [b.key for b in top] == [b.key for b in brokers[:5]]


def test_sampled_betweenness_is_close_to_exact(town: tuple[rbp.Store, City]) -> None:
    crm, city = town
    want = oracle.network(city, T, window=365 * DAY)
    exact = nx.betweenness_centrality(want)
    n = want.number_of_nodes()
    sampled = {
        b.key: b.betweenness for b in crm.graph.brokers(as_of=dt_of(T), top=10_000, samples=n // 2)
    }
    keys = list(sampled)
    err = sum(abs(sampled[k] - exact[k]) for k in keys)
    assert err <= 0.3 * sum(exact[k] for k in keys)
    best = max(keys, key=lambda k: exact[k])
    assert best in sorted(keys, key=lambda k: -sampled[k])[:3]


@pytest.mark.parametrize("window", [*WINDOWS, pytest.param(3650, id="3650d")])
def test_partner_ties_match_brute_force(town: tuple[rbp.Store, City], window: int | None) -> None:
    crm, city = town
    span = None if window is None else pendulum.duration(days=window)
    for at in (T, T - 300 * DAY):
        got = crm.graph.partner_ties(as_of=dt_of(at), window=span)
        want = oracle.partner_pairs(city, at, window=None if window is None else window * DAY)
        assert {(p.a, p.b) for p in got} == set(want)
        for p in got:
            w = want[p.a, p.b]
            assert (p.count, micros(p.first), micros(p.last)) == (w["count"], w["first"], w["last"])
            assert math.isclose(p.strength, w["strength"], rel_tol=1e-9)


KP_WINDOWS = [*WINDOWS, pytest.param(1, id="1d"), pytest.param(45, id="45d")]


@pytest.mark.parametrize("window", KP_WINDOWS)
@pytest.mark.parametrize("at", AS_OF)
def test_key_person_risk_and_gaps_agree_for_every_window(
    town: tuple[rbp.Store, City], at: int, window: int | None
) -> None:
    """One window, one meaning: the single-threaded list of key-person risk and of the
    gap report are the same, equal to the oracle's, and each report says its window."""
    crm, city = town
    w = None if window is None else pendulum.duration(days=window)
    for area in [None, "a0", "a3"]:
        risk = crm.graph.key_person_risk(as_of=dt_of(at), window=w, area=area)
        gaps = crm.graph.gaps(as_of=dt_of(at), window=w, area=area)
        want = oracle.key_person(
            city, at, area=area, window=None if window is None else window * DAY
        )
        assert risk.single_threaded == gaps.single_threaded
        assert set(risk.single_threaded) == want.single_threaded
        assert risk.covered == want.covered
        assert {o: set(keys) for o, keys in risk.sole_held.items()} == want.sole_held
        assert risk.window == gaps.window == w


@pytest.mark.parametrize("window", KP_WINDOWS)
def test_departure_and_trend_take_the_window(
    town: tuple[rbp.Store, City], window: int | None
) -> None:
    crm, city = town
    w = None if window is None else pendulum.duration(days=window)
    micros_w = None if window is None else window * DAY
    officer = next(p.key for p in city.officers if oracle.present(p.since, p.until, T))
    impact = crm.graph.simulate_departure(officer, as_of=dt_of(T), window=w)
    before = oracle.coverage(city, T, window=micros_w)
    after = oracle.coverage(city, T, window=micros_w, without=(officer,))
    assert_coverage(impact.before, before)
    assert_coverage(impact.after, after)
    assert list(impact.orphaned) == sorted(before.covered_keys - after.covered_keys)
    assert impact.window == impact.before.window == w
    start = dt_of(T - 60 * DAY)
    cov = crm.graph.trend("coverage", start=start, end=dt_of(T), every="month", window=w)
    assert cov.attrs["window"] == w
    for i, stamp in enumerate(cov["as_of"]):
        want = oracle.coverage(city, stamp.value // 1_000, window=micros_w)
        assert (cov["covered"][i], cov["total"][i]) == (want.covered, want.total)


def test_trend_matches_brute_force(town: tuple[rbp.Store, City]) -> None:
    crm, city = town
    start, end = dt_of(T - 300 * DAY), dt_of(T)
    cov = crm.graph.trend("coverage", start=start, end=end, every="month")
    risk = crm.graph.trend("single_threaded", start=start, end=end, every="month")
    key = crm.graph.trend("uncovered_key", start=start, end=end, every="month")
    assert len(cov) == len(risk) == len(key) >= 9
    for i, stamp in enumerate(cov["as_of"]):
        at = stamp.value // 1_000
        want = oracle.coverage(city, at)
        assert (cov["covered"][i], cov["total"][i]) == (want.covered, want.total)
        assert risk["value"][i] == len(oracle.key_person(city, at).single_threaded)
        keys = [k for k in want.uncovered if city.person(k).priority is Priority.KEY]
        assert key["value"][i] == len(keys)


# ----------------------------------------------------------------------------- hand-built


def _city(
    people: list[Person],
    events: list[Event],
    *,
    links: list[Link] | None = None,
    places: list[Place] | None = None,
) -> City:
    """A hand-built city; the default areas are d1 > (b1, b2) and a separate x."""
    if places is None:
        places = [Place("d1"), Place("b1", "d1"), Place("b2", "d1"), Place("x")]
    return City(places=places, people=people, links=links or [], events=events)


def _member(
    key: str,
    priority: Priority = Priority.REGULAR,
    area: str = "b1",
    *,
    since: int | None = None,
    until: int | None = None,
) -> Person:
    return Person(key, "member", Sector.FAITH, priority, areas=(area,), since=since, until=until)


def test_coverage_window_boundaries(crm: rbp.Store) -> None:
    """Covered iff the last officer contact is in (T - window, T]: open on the left."""
    people = [Person("P1", "officer")]
    events = []
    for prio, days in ((Priority.KEY, 30), (Priority.REGULAR, 90), (Priority.LOW, 180)):
        for name, offset in (
            ("edge", -days * DAY),
            ("inside", -days * DAY + 1),
            ("now", 0),
            ("later", 1),
        ):
            key = f"{prio.value}-{name}"
            people.append(_member(key, prio))
            events.append(Event(T + offset, ("P1", key)))
    city = load(crm, _city(people, events))
    rep = crm.graph.coverage(as_of=dt_of(T))
    assert set(rep.uncovered) == {f"{p.value}-{n}" for p in Priority for n in ("edge", "later")}
    assert rep.uncovered[:2] == ("key-edge", "key-later")
    assert_coverage(rep, oracle.coverage(city, T))
    fixed = crm.graph.coverage(as_of=dt_of(T), window=pendulum.duration(days=30))
    assert set(fixed.uncovered) == {
        "key-edge",
        "key-later",
        "regular-edge",
        "low-edge",
        "regular-later",
        "low-later",
    } | {"regular-inside", "low-inside"}
    assert_coverage(fixed, oracle.coverage(city, T, window=30 * DAY))


def test_presence_at_t(crm: rbp.Store) -> None:
    """Officers and stakeholders outside their since/until at T are left out; the
    bounds themselves count."""
    people = [
        Person("P-gone", "officer", until=T - 1),
        Person("P-last-day", "officer", until=T),
        Person("P-new", "officer", since=T + 1),
        _member("m-via-gone"),
        _member("m-via-last-day"),
        _member("m-via-new"),
        _member("m-future", since=T + 1),
        _member("m-past", until=T - 1),
        _member("m-from-now", since=T),
        Person("P-ok", "officer"),
    ]
    events = [
        Event(T - DAY, ("P-gone", "m-via-gone")),
        Event(T - DAY, ("P-last-day", "m-via-last-day")),
        Event(T - DAY, ("P-new", "m-via-new")),
        Event(T - DAY, ("P-ok", "m-future", "m-past", "m-from-now")),
    ]
    city = load(crm, _city(people, events))
    rep = crm.graph.coverage(as_of=dt_of(T))
    assert rep.total == 4
    assert rep.uncovered == ("m-via-gone", "m-via-new")
    assert_coverage(rep, oracle.coverage(city, T))
    with pytest.raises(rbp.UnknownKeyError):
        crm.graph.simulate_departure("P-gone", as_of=dt_of(T))


def test_a_stakeholder_of_two_beats_counts_once_in_their_district(crm: rbp.Store) -> None:
    people = [
        Person("P1", "officer"),
        Person(
            "org", "agency", sector=Sector.EDUCATION, priority=Priority.REGULAR, areas=("b1", "b2")
        ),
        _member("m1", area="b2"),
    ]
    city = load(crm, _city(people, [Event(T - DAY, ("P1", "org"))]))
    rep = crm.graph.coverage(as_of=dt_of(T))
    assert (rep.by_area["d1"].covered, rep.by_area["d1"].total) == (1, 2)
    assert (rep.by_area["b1"].covered, rep.by_area["b1"].total) == (1, 1)
    assert (rep.by_area["b2"].covered, rep.by_area["b2"].total) == (1, 2)
    assert rep.by_area["x"].total == 0
    assert rep.by_area["x"].ratio is None
    assert rep.cell("d1", Sector.EDUCATION).total == 1
    assert_coverage(rep, oracle.coverage(city, T))
    assert_coverage(
        crm.graph.coverage(as_of=dt_of(T), area="b2"), oracle.coverage(city, T, area="b2")
    )


def test_uncovered_lists_key_priority_first(crm: rbp.Store) -> None:
    people = [
        Person("P1", "officer"),
        _member("a-low", Priority.LOW),
        _member("b-key", Priority.KEY),
        _member("c-regular", Priority.REGULAR),
        _member("d-key", Priority.KEY),
        _member("e-low", Priority.LOW),
    ]
    load(crm, _city(people, []))
    assert crm.graph.coverage(as_of=dt_of(T)).uncovered == (
        "b-key",
        "d-key",
        "c-regular",
        "a-low",
        "e-low",
    )
    gaps = crm.graph.gaps(as_of=dt_of(T))
    assert gaps.uncovered == {
        Priority.KEY: ("b-key", "d-key"),
        Priority.REGULAR: ("c-regular",),
        Priority.LOW: ("a-low", "e-low"),
    }


def test_key_person_counts_a_tie_exactly_one_cadence_old_as_active(crm: rbp.Store) -> None:
    """A tie is active while the age of its last contact is <= the cadence, so a low-
    priority stakeholder whose second officer last met them exactly 180 days ago is held
    by two officers, not single-threaded (regression: the snapshot's look-back window was
    open at exactly the longest cadence, so that tie was missed)."""
    people = [Person("P1", "officer"), Person("P2", "officer"), _member("m-low", Priority.LOW)]
    events = [Event(T - 100 * DAY, ("P1", "m-low")), Event(T - 180 * DAY, ("P2", "m-low"))]
    city = load(crm, _city(people, events))
    statuses = {t.officer: t.status for t in crm.interactions.ties(as_of=dt_of(T))}
    assert statuses == {"P1": TieStatus.ACTIVE, "P2": TieStatus.ACTIVE}
    rep = crm.graph.key_person_risk(as_of=dt_of(T))
    assert rep.covered == 1
    assert rep.single_threaded == ()
    assert rep.sole_held == {}
    assert set(rep.single_threaded) == oracle.key_person(city, T).single_threaded
    one_more = crm.graph.key_person_risk(as_of=dt_of(T + 1))
    assert one_more.single_threaded == ("m-low",)
    assert one_more.sole_held == {"P1": ("m-low",)}


def test_successors_rank_by_the_documented_score(crm: rbp.Store) -> None:
    """X leaves; A has met two of the orphans (3 + 3), B is assigned to their district
    (1 + 1 + 1), C holds an active tie with the organisation one orphan belongs to (2)."""
    people = [
        Person("X", "officer", areas=("b2",)),
        Person("A", "officer"),
        Person("B", "officer", areas=("d1",)),
        Person("C", "officer", areas=("x",)),
        Person("D", "officer", areas=("x",)),
        _member("o1", area="b1"),
        _member("o2", area="b1"),
        _member("o3", area="b2"),
        Person("org", "agency", sector=Sector.HOUSING, priority=Priority.REGULAR, areas=("x",)),
    ]
    events = [
        Event(T - 10 * DAY, ("X", "o1", "o2", "o3")),
        Event(T - 400 * DAY, ("A", "o1")),
        Event(T - 500 * DAY, ("A", "o2")),
        Event(T - 5 * DAY, ("C", "org")),
        Event(T - 5 * DAY, ("D", "org")),
    ]
    links = [
        Link("o3", "org", RelationshipKind.MEMBER_OF),
        Link("o1", "org", RelationshipKind.KNOWS, until=T - 1),
    ]
    city = load(crm, _city(people, events, links=links))
    impact = crm.graph.simulate_departure("X", as_of=dt_of(T))
    assert impact.orphaned == ("o1", "o2", "o3")
    assert impact.areas_dropped == ("d1", "b1", "b2")
    _, _, orphaned, dropped = oracle.departure(city, T, "X")
    assert (list(impact.orphaned), list(impact.areas_dropped)) == (orphaned, dropped)
    assert [(s.officer, s.score, s.orphans_known) for s in impact.successors] == [
        ("A", 6.0, 2),
        ("B", 3.0, 0),
        ("C", 2.0, 0),
        ("D", 2.0, 0),
    ]
    assert all(s.reasons for s in impact.successors)
    assert impact.before.covered - impact.after.covered == 3
    assert (
        crm.graph.simulate_departure("X", as_of=dt_of(T), successors=1).successors[0].officer == "A"
    )


def test_departure_of_an_officer_without_ties_changes_nothing(crm: rbp.Store) -> None:
    people = [Person("P1", "officer"), Person("P2", "officer"), _member("m1")]
    load(crm, _city(people, [Event(T - DAY, ("P1", "m1"))]))
    impact = crm.graph.simulate_departure("P2", as_of=dt_of(T))
    assert impact.before == impact.after
    assert (impact.orphaned, impact.areas_dropped, impact.successors) == ((), (), ())


def test_community_edges_respect_max_group(crm: rbp.Store) -> None:
    """participants + attendees <= max_group (25) makes community edges; 26 does not."""
    people = [_member(f"m{i}") for i in range(4)]
    events = [
        Event(T - DAY, ("m0", "m1"), attendees=23),  # 25 people: an edge
        Event(T - DAY, ("m2", "m3"), attendees=24),  # 26 people: none
        Event(T - 2 * DAY, ("m0", "m2", "m3"), attendees=22),  # 25: three edges
    ]
    city = load(crm, _city(people, events))
    g = crm.graph.build(as_of=dt_of(T))
    counts = {frozenset((a, b)): d["count"] for a, b, d in g.edges(data=True)}
    assert counts == {
        frozenset(("m0", "m1")): 1,
        frozenset(("m0", "m2")): 1,
        frozenset(("m0", "m3")): 1,
        frozenset(("m2", "m3")): 1,
    }
    assert {frozenset(e) for e in oracle.network(city, T).edges} == set(counts)


def test_declared_relationships_in_the_graph(crm: rbp.Store) -> None:
    people = [
        Person("P1", "officer"),
        _member("m1"),
        _member("m2"),
        _member("m3"),
        _member("m4", since=T + 1),
    ]
    links = [
        Link("m1", "m2", RelationshipKind.KNOWS),
        Link("m2", "m3", RelationshipKind.MEMBER_OF, since=T + 1),
        Link("m1", "m3", RelationshipKind.WORKS_FOR, until=T - 1),
        Link("m3", "m4", RelationshipKind.KNOWS),
        Link("P1", "m1", RelationshipKind.LIAISON_FOR, since=T),
        Link("m2", "m1", RelationshipKind.REFERS_TO, until=T),
    ]
    city = load(crm, _city(people, [Event(T - DAY, ("P1", "m1"))], links=links))
    g = crm.graph.build(as_of=dt_of(T))
    assert g.edges["m1", "m2"]["kind"] == "declared"
    assert g.edges["m1", "m2"]["declared"] == ("knows", "refers_to")
    assert g.edges["P1", "m1"]["kind"] == "officer_tie"
    assert g.edges["P1", "m1"]["declared"] == ("liaison_for",)
    assert not g.has_edge("m2", "m3")
    assert not g.has_edge("m1", "m3")
    assert "m4" not in g
    assert {frozenset(e) for e in g.edges} == {frozenset(e) for e in oracle.network(city, T).edges}


def test_quiet_areas_count_activity_for_ancestors(crm: rbp.Store) -> None:
    places = [
        Place("city"),
        Place("d1", "city"),
        Place("b1", "d1"),
        Place("b2", "d1"),
        Place("d2", "city"),
    ]
    people = [Person("P1", "officer")]
    events = [
        Event(T - 10 * DAY, ("P1",), areas=("b1",)),
        Event(T - 90 * DAY, ("P1",), areas=("d2",)),  # just outside (T - 90d, T]
        Event(T + DAY, ("P1",), areas=("b2",)),  # after T
    ]
    city = load(crm, _city(people, events, places=places))
    rep = crm.graph.gaps(as_of=dt_of(T))
    assert rep.quiet_areas == ("b2", "d2")
    assert set(rep.quiet_areas) == oracle.gaps(city, T).quiet_areas
    assert crm.graph.gaps(as_of=dt_of(T), area="d1").quiet_areas == ("b2",)


@pytest.mark.parametrize("kind", DB_KINDS)
def test_missing_sectors_use_the_area_list_or_the_settings(fresh_store: Any, kind: str) -> None:
    places = [
        Place("d1", expected=(Sector.FAITH, Sector.HEALTH)),
        Place("b1", "d1"),
        Place("b2", "d1", expected=(Sector.YOUTH,)),
    ]
    people = [
        _member("m1", area="b1"),  # faith, in b1 (and d1)
        Person("org", "agency", sector=Sector.YOUTH, priority=Priority.LOW, areas=("b1",)),
        Person(
            "gone",
            "agency",
            sector=Sector.HEALTH,
            priority=Priority.LOW,
            areas=("b2",),
            until=T - 1,
        ),
    ]
    expected = (Sector.FAITH, Sector.MEDIA)
    with fresh_store(kind, settings=Settings(expected_sectors=expected)) as (crm, _):
        city = load(crm, _city(people, [], places=places))
        rep = crm.graph.gaps(as_of=dt_of(T))
        assert rep.missing_sectors == {
            "d1": (Sector.HEALTH,),
            "b1": (Sector.MEDIA,),
            "b2": (Sector.YOUTH,),
        }
        assert (
            rep.missing_sectors == oracle.gaps(city, T, expected_default=expected).missing_sectors
        )


def test_overdue_follow_ups(crm: rbp.Store) -> None:
    people = [Person("P1", "officer"), Person("P2", "officer"), _member("m1"), _member("m2")]
    events = [
        Event(T - 50 * DAY, ("P1", "P2", "m1", "m2"), follow_up_by=T - 20 * DAY),
        Event(T - 30 * DAY, ("P1", "m1")),  # P1 kept the promise to m1
        Event(T - 5 * DAY, ("P2", "m2"), follow_up_by=T),  # due exactly at T, no later contact
        Event(T - 5 * DAY, ("P1", "m2"), follow_up_by=T + 1),  # not due yet
    ]
    city = load(crm, _city(people, events))
    rep = crm.graph.gaps(as_of=dt_of(T))
    got = {(f.officer, f.stakeholder, f.interaction) for f in rep.overdue_follow_ups}
    ids = [e.id for e in city.events]
    assert got == {("P2", "m1", ids[0]), ("P2", "m2", ids[2])}
    assert got == oracle.gaps(city, T).overdue


def test_trend_steps_to_each_period_end(crm: rbp.Store) -> None:
    """Monthly steps from a month end stay on month ends (Jan 31, Feb 28, Mar 31, ...)
    instead of drifting to the 28th after February."""
    load(crm, _city([Person("P1", "officer"), _member("m1")], [Event(T - 100 * DAY, ("P1", "m1"))]))
    start = pendulum.datetime(2026, 1, 31, 23, 59, tz="America/Chicago")
    end = pendulum.datetime(2026, 6, 30, 23, 59, tz="America/Chicago")
    out = crm.graph.trend("coverage", start=start, end=end, every="month")
    days = [stamp.tz_convert("America/Chicago").strftime("%m-%d") for stamp in out["as_of"]]
    assert days == ["01-31", "02-28", "03-31", "04-30", "05-31", "06-30"]
    quarters = crm.graph.trend("coverage", start=start, end=end, every="quarter")
    assert [s.tz_convert("America/Chicago").strftime("%m-%d") for s in quarters["as_of"]] == [
        "01-31",
        "04-30",
    ]
