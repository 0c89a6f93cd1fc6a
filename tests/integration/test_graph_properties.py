"""Properties of ``crm.graph`` on hypothesis-drawn small cities, on SQLite and PostgreSQL.

Each example opens a fresh store (``fresh_store``), loads a city drawn by
:func:`tests.integration.conftest_graph.cities` (an area forest, a few officers, members
of several sectors and priorities, a few agencies, 0-40 interactions clustered on window
boundaries) and checks:

* every answer agrees with the brute-force oracle;
* every ratio is in [0, 1], or None exactly when its scope is empty;
* a contact inside the window never lowers coverage anywhere;
* logging interactions after T never changes an as-of-T answer;
* the departure of an officer without ties changes nothing.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rbp
from rbp import Officer
from rbp.graph import CoverageReport
from tests.databases import DB_KINDS
from tests.integration import graph_oracle as oracle
from tests.integration.conftest_graph import DAY, City, Event, T, cities, dt_of, load, log_events

KINDS = [p for p in DB_KINDS if p.id in ("sqlite-memory", "postgresql")]
EXAMPLES = settings(max_examples=20, deadline=None)


def _covered(rep: CoverageReport) -> dict[object, int]:
    """Every covered count of a report, by a key naming its slice."""
    out: dict[object, int] = {"all": rep.covered}
    out.update({("area", a): c.covered for a, c in rep.by_area.items()})
    out.update({("sector", s): c.covered for s, c in rep.by_sector.items()})
    out.update({("cell", k): c.covered for k, c in rep.matrix.items()})
    return out


def _check_ratio(ratio: float | None, covered: int, total: int) -> None:
    assert 0 <= covered <= total
    if total == 0:
        assert ratio is None
    else:
        assert ratio is not None
        assert 0.0 <= ratio <= 1.0
        assert ratio == covered / total


def _check_report(rep: CoverageReport) -> None:
    _check_ratio(rep.ratio, rep.covered, rep.total)
    for cell in [*rep.by_area.values(), *rep.by_sector.values(), *rep.matrix.values()]:
        _check_ratio(cell.ratio, cell.covered, cell.total)
    assert len(rep.uncovered) == rep.total - rep.covered


@pytest.mark.parametrize("kind", KINDS)
@EXAMPLES
@given(city=cities())
def test_small_cities_agree_with_brute_force(fresh_store: Any, kind: str, city: City) -> None:
    with fresh_store(kind) as (crm, _):
        city = load(crm, city)
        at = dt_of(T)
        cov = crm.graph.coverage(as_of=at)
        want = oracle.coverage(city, T)
        assert (cov.covered, cov.total, cov.uncovered) == (want.covered, want.total, want.uncovered)
        assert {a: (c.covered, c.total) for a, c in cov.by_area.items()} == want.by_area
        assert {k: (c.covered, c.total) for k, c in cov.matrix.items() if c.total} == want.matrix
        risk = crm.graph.key_person_risk(as_of=at)
        want_risk = oracle.key_person(city, T)
        assert set(risk.single_threaded) == want_risk.single_threaded
        assert {o: set(k) for o, k in risk.sole_held.items()} == want_risk.sole_held
        gaps = crm.graph.gaps(as_of=at)
        want_gaps = oracle.gaps(city, T)
        assert gaps.uncovered == want_gaps.uncovered
        assert {(c.officer, c.stakeholder, c.status) for c in gaps.cooling} == {
            c[:3] for c in want_gaps.cooling
        }
        assert set(gaps.matrix_gaps) == want_gaps.matrix_gaps
        assert gaps.missing_sectors == want_gaps.missing_sectors
        assert set(gaps.quiet_areas) == want_gaps.quiet_areas
        assert {(f.officer, f.stakeholder, f.interaction) for f in gaps.overdue_follow_ups} == (
            want_gaps.overdue
        )
        for officer in city.officers:
            if not oracle.present(officer.since, officer.until, T):
                continue
            impact = crm.graph.simulate_departure(officer.key, as_of=at)
            _, after, orphaned, dropped = oracle.departure(city, T, officer.key)
            assert (impact.after.covered, impact.after.total) == (after.covered, after.total)
            assert (list(impact.orphaned), list(impact.areas_dropped)) == (orphaned, dropped)
            assert all(s.reasons for s in impact.successors)
        g = crm.graph.build(as_of=at)
        net = oracle.network(city, T)
        assert set(g.nodes) == set(net.nodes)
        assert {frozenset(e) for e in g.edges} == {frozenset(e) for e in net.edges}
        for a, b, data in net.edges(data=True):
            got = g.edges[a, b]
            assert (got["kind"], got["count"], got["declared"]) == (
                data["kind"],
                data["count"],
                data["declared"],
            )
            if data["kind"] != "declared":
                assert math.isclose(got["strength"], data["strength"], rel_tol=1e-9)


@pytest.mark.parametrize("kind", KINDS)
@EXAMPLES
@given(city=cities(), window=st.none() | st.sampled_from([1, 30, 365]))
def test_every_ratio_is_in_the_unit_interval_or_none(
    fresh_store: Any, kind: str, city: City, window: int | None
) -> None:
    with fresh_store(kind) as (crm, _):
        load(crm, city)
        at = dt_of(T)
        w = None if window is None else window * DAY
        duration = None if w is None else dt.timedelta(microseconds=w)
        reports = [crm.graph.coverage(as_of=at, window=duration)]
        reports += [crm.graph.coverage(as_of=at, area=p.key) for p in city.places]
        reports += [crm.graph.coverage(as_of=at, kind=k) for k in ("member", "agency", "officer")]
        for officer in city.officers:
            if oracle.present(officer.since, officer.until, T):
                impact = crm.graph.simulate_departure(officer.key, as_of=at)
                reports += [impact.before, impact.after]
                assert impact.after.covered <= impact.before.covered
        for rep in reports:
            _check_report(rep)
        for area in [None, *(p.key for p in city.places)]:
            risk = crm.graph.key_person_risk(as_of=at, area=area)
            _check_ratio(risk.ratio, len(risk.single_threaded), risk.covered)
        reach = crm.graph.reach(as_of=at, k=2)
        _check_ratio(reach.ratio, reach.reached, reach.total)


@pytest.mark.parametrize("kind", KINDS)
@EXAMPLES
@given(city=cities(), data=st.data())
def test_a_contact_inside_the_window_never_lowers_coverage(
    fresh_store: Any, kind: str, city: City, data: st.DataObject
) -> None:
    officer = data.draw(st.sampled_from(city.officers), label="officer")
    other = data.draw(st.sampled_from(city.others), label="stakeholder")
    age = data.draw(st.integers(0, 30 * DAY - 1), label="age")  # inside every cadence window
    at = dt_of(T)
    thirty = dt.timedelta(days=30)
    with fresh_store(kind) as (crm, _):
        city = load(crm, city)
        before = crm.graph.coverage(as_of=at)
        before_fixed = crm.graph.coverage(as_of=at, window=thirty)
        areas = tuple(sorted(set(other.areas)))
        log_events(crm, [Event(T - age, tuple(sorted((officer.key, other.key))), areas)])
        after = crm.graph.coverage(as_of=at)
        after_fixed = crm.graph.coverage(as_of=at, window=thirty)
        for old, new in ((before, after), (before_fixed, after_fixed)):
            assert new.total == old.total
            lost = {k for k, n in _covered(old).items() if _covered(new).get(k, 0) < n}
            assert not lost
            assert set(new.uncovered) <= set(old.uncovered)
            both_here = oracle.present(officer.since, officer.until, T) and oracle.present(
                other.since, other.until, T
            )
            if both_here:
                assert other.key not in new.uncovered


@st.composite
def _later_events(draw: st.DrawFn, city: City, after: int) -> list[Event]:
    keys = [p.key for p in city.people]
    area_keys = [p.key for p in city.places]
    out = []
    for _ in range(draw(st.integers(1, 6))):
        at = after + draw(st.sampled_from([1, DAY, 30 * DAY, 400 * DAY]))
        who = draw(st.lists(st.sampled_from(keys), min_size=1, max_size=4, unique=True))
        out.append(
            Event(
                at=at,
                participants=tuple(sorted(who)),
                areas=tuple(draw(st.lists(st.sampled_from(area_keys), max_size=2, unique=True))),
                follow_up_by=draw(st.none() | st.just(at + DAY)),
            )
        )
    return out


@pytest.mark.parametrize("kind", KINDS)
@EXAMPLES
@given(city=cities(), data=st.data())
def test_logging_after_t_changes_no_answer_as_of_t(
    fresh_store: Any, kind: str, city: City, data: st.DataObject
) -> None:
    as_of = T - data.draw(st.sampled_from([0, 1, 45 * DAY]), label="T - as_of")
    later = data.draw(_later_events(city, as_of), label="later")
    at = dt_of(as_of)
    with fresh_store(kind) as (crm, _):
        load(crm, city)

        def answers() -> tuple[object, ...]:
            present = [p.key for p in city.officers if oracle.present(p.since, p.until, as_of)]
            return (
                crm.graph.coverage(as_of=at),
                crm.graph.coverage(as_of=at, window=dt.timedelta(days=1)),
                crm.graph.gaps(as_of=at),
                crm.graph.key_person_risk(as_of=at),
                [crm.graph.simulate_departure(o, as_of=at) for o in present],
            )

        before = answers()
        log_events(crm, later)
        assert answers() == before


@pytest.mark.parametrize("kind", KINDS)
@EXAMPLES
@given(city=cities(), data=st.data())
def test_departure_of_an_officer_without_ties_changes_nothing(
    fresh_store: Any, kind: str, city: City, data: st.DataObject
) -> None:
    areas = data.draw(
        st.lists(st.sampled_from([p.key for p in city.places]), max_size=2, unique=True)
    )
    colleagues = [p.key for p in city.officers]
    with fresh_store(kind) as (crm, _):
        load(crm, city)
        crm.directory.add(Officer("P-new", areas=tuple(areas)))
        # Meetings with other officers only make no ties.
        log_events(crm, [Event(T - 5 * DAY, tuple(sorted(("P-new", colleagues[0]))), tuple(areas))])
        at = dt_of(T)
        impact = crm.graph.simulate_departure("P-new", as_of=at)
        assert impact.before == impact.after == crm.graph.coverage(as_of=at)
        assert impact.orphaned == ()
        assert impact.areas_dropped == ()
        assert impact.successors == ()


def test_the_strategy_reaches_the_interesting_cases() -> None:
    """A guard on :func:`cities`: the examples must cover what the properties are about.

    Derandomized, so the examples are the same on every run: the guard passes or fails
    for the strategy, never for the luck of a draw (random draws of 60 missed a case in
    about one run in six).
    """
    seen: set[str] = set()

    @settings(max_examples=150, deadline=None, database=None, derandomize=True)
    @given(city=cities())
    def collect(city: City) -> None:
        if any(e.at > T for e in city.events):
            seen.add("after T")
        if any(any(T - e.at == d * DAY for d in (30, 90, 180)) for e in city.events):
            seen.add("on a boundary")
        if any(p.since is not None and p.since > T for p in city.people):
            seen.add("not yet present")
        if any(len(e.participants) + e.attendees > 25 for e in city.events):
            seen.add("big group")
        if oracle.coverage(city, T).covered:
            seen.add("covered")
        if oracle.key_person(city, T).single_threaded:
            seen.add("single-threaded")
        if not city.events:
            seen.add("no events")

    collect()
    assert seen == {
        "after T",
        "on a boundary",
        "not yet present",
        "big group",
        "covered",
        "single-threaded",
        "no events",
    }


@pytest.mark.parametrize("kind", KINDS)
def test_an_empty_city_has_no_ratios(fresh_store: Any, kind: str) -> None:
    with fresh_store(kind) as (crm, _):
        crm.directory.add(rbp.Area("a0"))
        cov = crm.graph.coverage(as_of=dt_of(T))
        assert (cov.ratio, cov.total, cov.by_area["a0"].ratio, cov.by_sector) == (None, 0, None, {})
        assert crm.graph.key_person_risk(as_of=dt_of(T)).ratio is None
        assert crm.graph.reach(as_of=dt_of(T)).ratio is None
        gaps = crm.graph.gaps(as_of=dt_of(T))
        assert gaps.quiet_areas == ("a0",)
        assert gaps.single_threaded == ()
