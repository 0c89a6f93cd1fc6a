"""Bad arguments to ``crm.graph`` and ``crm.interactions`` are refused at the entry,
before any SQL runs, with a TypeError or an rbp error that names the argument."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pendulum
import pytest
import sqlalchemy as sa

import rbp
from rbp.graph import Every, TrendMetric

T = pendulum.datetime(2026, 6, 30, tz="UTC")
NAIVE = dt.datetime(2026, 6, 30)


@pytest.fixture(scope="module")
def crm() -> Iterator[rbp.Store]:
    store = rbp.open()
    store.directory.add_many([rbp.Area("b-1"), rbp.Officer("P1", areas=("b-1",))])
    yield store
    store.close()


class Statements:
    """Counts the SQL statements an engine runs."""

    def __init__(self, engine: sa.Engine) -> None:
        self.count = 0
        self._engine = engine

    def __call__(self, *args: Any) -> None:
        self.count += 1

    def __enter__(self) -> Statements:
        sa.event.listen(self._engine, "before_cursor_execute", self)
        return self

    def __exit__(self, *exc: object) -> None:
        sa.event.remove(self._engine, "before_cursor_execute", self)


G = Callable[[rbp.Store], object]
TYPE_ERRORS: list[tuple[str, G, str]] = [
    ("build window -1", lambda c: c.graph.build(window=-1), "window"),
    ("coverage window str", lambda c: c.graph.coverage(window="30d"), "window"),
    ("gaps quiet_window int", lambda c: c.graph.gaps(quiet_window=5), "quiet_window"),
    ("reach k float", lambda c: c.graph.reach(k=1.5), "k"),
    ("brokers samples str", lambda c: c.graph.brokers(samples="all"), "samples"),
    ("communities seed", lambda c: c.graph.communities(seed="x"), "seed"),
    ("build personal", lambda c: c.graph.build(personal=1), "personal"),
    ("diagram labels", lambda c: c.graph.diagram(labels=["a"]), "labels"),
    ("diagram max_nodes", lambda c: c.graph.diagram(max_nodes=None), "max_nodes"),
    ("find ids str", lambda c: c.interactions.find(ids="12"), "ids"),
    ("find topic", lambda c: c.interactions.find(topic=3), "topic"),
    ("find newest_first", lambda c: c.interactions.find(newest_first="yes"), "newest_first"),
    ("get float", lambda c: c.interactions.get(1.0), "interaction"),
]
RBP_ERRORS: list[tuple[str, G, str]] = [
    ("window zero", lambda c: c.graph.coverage(window=dt.timedelta(0)), "window"),
    ("window negative", lambda c: c.graph.gaps(window=pendulum.duration(days=-1)), "window"),
    ("naive as_of", lambda c: c.graph.coverage(as_of=NAIVE), "as_of"),
    ("brokers samples 0", lambda c: c.graph.brokers(samples=0), "samples"),
    ("brokers top 0", lambda c: c.graph.brokers(top=0), "top"),
    ("reach k 0", lambda c: c.graph.reach(k=0), "k"),
    ("diagram max_nodes 0", lambda c: c.graph.diagram(max_nodes=0), "max_nodes"),
    ("keyperson per_officer", lambda c: c.graph.keyperson_diagram(per_officer=0), "per_officer"),
    (
        "departure successors",
        lambda c: c.graph.simulate_departure("P1", successors=0),
        "successors",
    ),
    ("coverage sector", lambda c: c.graph.coverage(sector="bakeries"), "sector"),
    ("coverage kind", lambda c: c.graph.coverage(kind=3), "kind"),
    ("coverage area", lambda c: c.graph.coverage(area=""), "area"),
    ("trend metric", lambda c: c.graph.trend("speed", start=T, end=T), "metric"),
    ("trend every", lambda c: c.graph.trend("coverage", start=T, end=T, every="day"), "every"),
    ("ego officer", lambda c: c.graph.ego_diagram(("P1",)), "officer"),
    ("plan key", lambda c: c.graph.plan_diagram(7), "plan"),
    ("ties stakeholder", lambda c: c.interactions.ties(stakeholder=(1,)), "stakeholder"),
    ("ties officer", lambda c: c.interactions.ties(officer=" P1"), "officer"),
    ("explain", lambda c: c.interactions.explain("P1", None), "stakeholder"),
    ("follow_ups officer", lambda c: c.interactions.follow_ups(officer=1), "officer"),
    ("find limit", lambda c: c.interactions.find(limit=-1), "limit"),
    ("find offset", lambda c: c.interactions.find(offset=-5), "offset"),
    ("find ids 0", lambda c: c.interactions.find(ids=[1, 0]), "ids"),
    ("find kind", lambda c: c.interactions.find(kind="séance"), "kind"),
    ("get 0", lambda c: c.interactions.get(0), "interaction"),
]


@pytest.mark.parametrize(
    ("call", "field"), [p[1:] for p in TYPE_ERRORS], ids=[p[0] for p in TYPE_ERRORS]
)
def test_wrong_types_are_type_errors_naming_the_argument(
    crm: rbp.Store, call: G, field: str
) -> None:
    with Statements(crm.engine) as sql, pytest.raises(TypeError, match=field):
        call(crm)
    assert sql.count == 0


@pytest.mark.parametrize(
    ("call", "field"), [p[1:] for p in RBP_ERRORS], ids=[p[0] for p in RBP_ERRORS]
)
def test_bad_values_are_rbp_errors_naming_the_argument(crm: rbp.Store, call: G, field: str) -> None:
    with Statements(crm.engine) as sql, pytest.raises(rbp.RbpError) as info:
        call(crm)
    assert info.value.field == field
    assert sql.count == 0


def test_choices_take_members_or_values_in_any_case(crm: rbp.Store) -> None:
    by_value = crm.graph.trend("COVERAGE", start=T, end=T.add(days=7), every="Week")
    by_member = crm.graph.trend(TrendMetric.COVERAGE, start=T, end=T.add(days=7), every=Every.WEEK)
    assert by_value.equals(by_member)
    assert len(by_value) == 2
    assert crm.graph.coverage(as_of=T, sector="FAITH") == crm.graph.coverage(
        as_of=T, sector=rbp.Sector.FAITH
    )


def test_options_are_keyword_only(crm: rbp.Store) -> None:
    with pytest.raises(TypeError):
        crm.graph.coverage(T)  # type: ignore[misc]
    with pytest.raises(TypeError):
        crm.graph.simulate_departure("P1", T)  # type: ignore[misc]
    with pytest.raises(TypeError):
        crm.interactions.ties(T)  # type: ignore[misc]
