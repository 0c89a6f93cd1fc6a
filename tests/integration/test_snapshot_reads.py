"""One report is one snapshot: how often ``crm.graph`` reads the as-of view, counted.

Coverage, gaps, key-person risk, departures and the diagrams drawn from them as of one
T share one snapshot (one load of the stakeholders, their areas and the officer ties);
a departure is computed from that snapshot, not from a second one without the officer.
Coverage, key-person risk and departures read the ties one cadence back; the gap report
reads them four cadences back (the ties going cold), once, and that snapshot then
serves every other answer of T. The brief reads the snapshot of T (with the ties going
cold) and the one of a quarter before (without) and makes one gap report; the full
report reads one snapshot. Loads are counted by wrapping the real loader, and
statements with a SQLAlchemy event listener; nothing is timed. The figures the brief
counts without a gap report are checked against the gap reports of the same times,
and the answers of the shorter read against those of the longer, on every database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pendulum
import pytest
import sqlalchemy as sa

import rbp
import rbp.report
from rbp import Priority
from tests.databases import DB_KINDS, PgCluster
from tests.integration import graph_oracle as oracle
from tests.integration.conftest_graph import DAY, City, T, dt_of, loaded_store, random_city

CITY = random_city(7)


@pytest.fixture(scope="module", params=DB_KINDS)
def town(
    request: pytest.FixtureRequest, pg_cluster: PgCluster, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[rbp.Store, City]]:
    """The seeded city, loaded once per database kind for the whole module."""
    folder = tmp_path_factory.mktemp("town")
    with loaded_store(request.param, CITY, pg_cluster=pg_cluster, folder=folder) as loaded:
        yield loaded


@pytest.fixture
def loads(
    town: tuple[rbp.Store, City], monkeypatch: pytest.MonkeyPatch
) -> list[tuple[int, object]]:
    """The as-of time (epoch micros) of every snapshot the graph loads from now on, and
    whether it read the ties going cold; a snapshot widened to read them is (T, "widened").

    The loader is wrapped where the store's graph looks it up (the globals of its
    ``_snapshot`` method), so the count holds however the modules were imported."""
    seen: list[tuple[int, object]] = []
    names = type(town[0].graph)._snapshot.__globals__
    real_load, real_widen = names["load_snapshot"], names["widen"]

    def load(conn: Any, **kwargs: Any) -> Any:
        seen.append((kwargs["as_of"].micros, kwargs["cooling"]))
        return real_load(conn, **kwargs)

    def widen(conn: Any, snap: Any, **kwargs: Any) -> Any:
        seen.append((snap.at, "widened"))
        return real_widen(conn, snap, **kwargs)

    monkeypatch.setitem(names, "load_snapshot", load)
    monkeypatch.setitem(names, "widen", widen)
    return seen


@pytest.fixture
def gap_reports(
    town: tuple[rbp.Store, City], monkeypatch: pytest.MonkeyPatch
) -> list[pendulum.DateTime]:
    """The as-of time of every gap report the store's graph makes from now on."""
    seen: list[pendulum.DateTime] = []
    graph = type(town[0].graph)
    real = graph.gaps

    def counted(self: Any, **kwargs: Any) -> Any:
        report = real(self, **kwargs)
        seen.append(report.as_of)
        return report

    monkeypatch.setattr(graph, "gaps", counted)
    return seen


def statements(crm: rbp.Store, call: Callable[[], object]) -> list[str]:
    """The SQL statements ``call`` runs on ``crm``'s engine."""
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    sa.event.listen(crm.engine, "before_cursor_execute", record)
    try:
        call()
    finally:
        sa.event.remove(crm.engine, "before_cursor_execute", record)
    return seen


def present_officers(city: City, at: int) -> list[str]:
    return [p.key for p in city.officers if oracle.present(p.since, p.until, at)]


# Each test asks as of its own time, so no answer cached by another test is reused.


def test_gaps_then_coverage_risk_departures_and_diagrams_of_one_time_read_one_snapshot(
    town: tuple[rbp.Store, City], loads: list[tuple[int, object]]
) -> None:
    crm, city = town
    at = T - 3 * DAY
    when = dt_of(at)
    area = sorted(p.key for p in city.places)[0]
    crm.graph.gaps(as_of=when)
    crm.graph.coverage(as_of=when)
    crm.graph.coverage(as_of=when, area=area)
    crm.graph.key_person_risk(as_of=when, area=area)
    officers = present_officers(city, at)
    assert officers
    for officer in officers:
        crm.graph.simulate_departure(officer, as_of=when)
    crm.graph.matrix_diagram(as_of=when)
    crm.graph.keyperson_diagram(as_of=when)
    crm.graph.gaps(as_of=when, area=area)
    assert loads == [(at, True)]


def test_the_answers_of_the_shorter_read_are_those_of_the_longer(
    town: tuple[rbp.Store, City], loads: list[tuple[int, object]]
) -> None:
    crm, city = town
    at = T - 9 * DAY
    when = dt_of(at)
    officers = present_officers(city, at)

    def answers() -> list[object]:
        return [
            crm.graph.coverage(as_of=when),
            crm.graph.key_person_risk(as_of=when),
            *(crm.graph.simulate_departure(o, as_of=when) for o in officers),
        ]

    short = answers()
    assert loads == [(at, False)]
    widened = crm.graph.gaps(as_of=when)
    assert loads == [(at, False), (at, "widened")]
    assert answers() == short
    assert widened.single_threaded == crm.graph.key_person_risk(as_of=when).single_threaded
    assert loads == [(at, False), (at, "widened")]
    # The widened snapshot's gap report is the one a snapshot read whole gives: asked of
    # a second graph of the same store (its own cache), gap report first.
    whole = type(crm.graph)(crm._uow).gaps(as_of=when)
    assert loads == [(at, False), (at, "widened"), (at, True)]
    assert widened == whole


def test_a_departure_reads_no_second_snapshot_without_the_officer(
    town: tuple[rbp.Store, City], loads: list[tuple[int, object]]
) -> None:
    crm, city = town
    at = T - 4 * DAY
    officer = present_officers(city, at)[0]
    impact = crm.graph.simulate_departure(officer, as_of=dt_of(at))
    assert loads == [(at, False)]
    # What the one snapshot gives is the oracle's departure (every officer is checked
    # in test_graph_bruteforce; this one pins it beside the count).
    _, after, orphaned, _ = oracle.departure(city, at, officer)
    assert (impact.after.covered, impact.after.total) == (after.covered, after.total)
    assert list(impact.orphaned) == orphaned


def test_a_repeated_question_runs_only_the_freshness_check(town: tuple[rbp.Store, City]) -> None:
    crm, city = town
    when = dt_of(T - 5 * DAY)
    area = sorted(p.key for p in city.places)[0]
    crm.graph.coverage(as_of=when)
    for ask in (
        lambda: crm.graph.coverage(as_of=when),
        lambda: crm.graph.coverage(as_of=when, area=area),
        lambda: crm.graph.key_person_risk(as_of=when),
        lambda: crm.graph.trend("uncovered_key", start=when, end=when),
    ):
        ran = [q for q in statements(crm, ask) if q.split()[0].upper() == "SELECT"]
        assert len(ran) == 1, ran
        assert "audit_log" in ran[0]


def test_answers_from_one_snapshot_are_separate_objects(town: tuple[rbp.Store, City]) -> None:
    crm, _ = town
    when = dt_of(T - 6 * DAY)
    first = crm.graph.coverage(as_of=when)
    by_area = dict(first.by_area)
    first.by_area.clear()
    first.matrix.clear()
    again = crm.graph.coverage(as_of=when)
    assert again.by_area == by_area
    assert again.matrix
    risk = crm.graph.key_person_risk(as_of=when)
    held = dict(risk.sole_held)
    risk.sole_held.clear()
    assert crm.graph.key_person_risk(as_of=when).sole_held == held


def test_trend_reads_one_snapshot_per_step(
    town: tuple[rbp.Store, City], loads: list[tuple[int, object]]
) -> None:
    crm, _ = town
    start = dt_of(T - 100 * DAY)
    out = crm.graph.trend("coverage", start=start, end=start.add(months=2))
    assert len(out) == 3
    assert len(set(loads)) == len(loads) == 3
    assert not any(cooling for _, cooling in loads)


def test_the_brief_reads_now_and_the_quarter_before_and_makes_one_gap_report(
    town: tuple[rbp.Store, City],
    loads: list[tuple[int, object]],
    gap_reports: list[pendulum.DateTime],
) -> None:
    crm, _ = town
    when = dt_of(T - 7 * DAY)
    brief = rbp.report.brief(crm, as_of=when)
    compared = brief.compared
    assert loads == [(_micros(when), True), (_micros(compared), False)]
    assert gap_reports == [brief.as_of]
    # The figures counted without a gap report are the gap reports' counts.
    figures = {h.name: h for h in brief.headlines}
    for value, at in (("value", when), ("previous", compared)):
        gaps = crm.graph.gaps(as_of=at)
        assert getattr(figures["cold_ties"], value) == len(gaps.cooling)
        assert getattr(figures["key_uncontacted"], value) == len(gaps.uncovered[Priority.KEY])


def test_the_full_report_reads_one_snapshot(
    town: tuple[rbp.Store, City], loads: list[tuple[int, object]], tmp_path: Path
) -> None:
    crm, _ = town
    at = T - 8 * DAY
    rbp.report.write_report(crm, tmp_path / "report.html", as_of=dt_of(at))
    assert loads == [(at, True)]


def _micros(value: pendulum.DateTime) -> int:
    delta = value - dt_of(0)
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
