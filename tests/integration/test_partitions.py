"""A state-wide layout on the real PostgreSQL: one schema per agency, time partitions inside.

Two agencies get a schema each in one database, their stores laid out by
:func:`rbp.scale.partition` in 90-day partitions; a third, plain store (the ``public``
schema) gets the same synthetic city as the first agency. Checked with plain SQL and
the server's own ``EXPLAIN``, not through rbp's reading code:

* every interaction and participant row lies in the partition of its time (the counts
  per partition equal a ``GROUP BY`` of the plain store's rows by span), and each
  agency's schema holds its own city only;
* every metric gives the same answer on the partitioned store as on the plain one;
* a windowed query, and the query ``interactions.find(since=, until=)`` sends, read
  only the partitions that overlap their window (partition pruning);
* a later call adds the spans up to a later end, once; a store with rows in plain
  tables is refused.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterator
from typing import Any

import networkx as nx
import pandas as pd
import pendulum
import pytest
import sqlalchemy as sa
from sqlalchemy.pool import NullPool

import rbp
import rbp.scale
from rbp import synth
from rbp._schema._partitions import BUCKET, PARTITIONED, tables
from tests.databases import PgCluster

pytestmark = pytest.mark.postgres

SPAN = 3  # buckets of 30 days per partition
START, END = pendulum.datetime(2023, 1, 1), pendulum.datetime(2025, 12, 31)
MID = pendulum.datetime(2024, 8, 20, 15, tz="America/Chicago")
WINDOW = dt.timedelta(days=90)
BIG = [tb.name for tb in tables()]  # interactions, interaction_participants, tie_months


def _url(base: str, schema: str) -> str:
    return f"{base}?options=-csearch_path%3D{schema}"


class Stores:
    """The three stores and a plain-SQL engine on each schema."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.open: dict[str, rbp.Store] = {}
        self.engines: dict[str, sa.Engine] = {}

    def add(self, schema: str) -> rbp.Store:
        url = _url(self.base, schema)
        self.open[schema] = rbp.open(url, tz="America/Chicago")
        self.engines[schema] = sa.create_engine(url, poolclass=NullPool)
        return self.open[schema]

    def rows(self, schema: str, query: str, **params: Any) -> list[tuple[Any, ...]]:
        with self.engines[schema].connect() as conn:
            return [tuple(r) for r in conn.execute(sa.text(query), params)]

    def close(self) -> None:
        for store in self.open.values():
            store.close()
        for engine in self.engines.values():
            engine.dispose()


@pytest.fixture(scope="module")
def stores(pg_cluster: PgCluster) -> Iterator[Stores]:
    pg_cluster.admin_url()
    name = pg_cluster.create_database()
    out = Stores(pg_cluster.url(name))
    try:
        admin = sa.create_engine(out.base, poolclass=NullPool)
        with admin.begin() as conn:
            conn.exec_driver_sql("CREATE SCHEMA agency_a")
            conn.exec_driver_sql("CREATE SCHEMA agency_b")
        admin.dispose()
        made = {}
        for schema in ("agency_a", "agency_b"):
            made[schema] = rbp.scale.partition(out.add(schema), start=START, end=END, months=SPAN)
        out.add("public")
        for schema, seed in (("agency_a", 5), ("agency_b", 6), ("public", 5)):
            synth.city(out.open[schema], size="toy", seed=seed)
        out.made = made  # type: ignore[attr-defined]
        yield out
    finally:
        out.close()
        pg_cluster.drop_database(name)


_SPAN_NAME = re.compile(r"^(?P<table>[a-z_]+)_b(?P<bucket>[0-9]{5})$")


def _span(name: str) -> tuple[str, int, int] | None:
    """``(table, first, end)`` of span partition ``<table>_bNNNNN``, in the units of the
    table's partition column; None for another name."""
    found = _SPAN_NAME.match(name)
    if found is None:
        return None
    table, b = found["table"], int(found["bucket"])
    unit = PARTITIONED[table][1]
    return table, b * unit, (b + SPAN) * unit


def test_the_partitions_made_cover_the_span_in_every_table(stores: Stores) -> None:
    made = stores.made  # type: ignore[attr-defined]
    first = int(pendulum.instance(START).timestamp() * 1e6) // BUCKET
    last = int(pendulum.instance(END).timestamp() * 1e6) // BUCKET
    starts = list(range(first // SPAN * SPAN, last + 1, SPAN))
    assert {"interactions", "interaction_participants"} <= set(BIG)
    for table in BIG:
        names = {f"{table}_b{b:05d}" for b in starts} | {f"{table}_before", f"{table}_later"}
        assert {n for n in made["agency_a"] if n.rsplit("_", 1)[0] == table} == names
    listed = stores.rows(
        "agency_a",
        "SELECT c.relname FROM pg_inherits JOIN pg_class c ON c.oid = inhrelid "
        "JOIN pg_class p ON p.oid = inhparent WHERE p.relname = 'interactions' "
        "AND p.relnamespace = 'agency_a'::regnamespace",
    )
    assert {r[0] for r in listed} == {
        n for n in made["agency_a"] if n.rsplit("_", 1)[0] == "interactions"
    }


@pytest.mark.parametrize("table", BIG)
def test_each_row_lies_in_the_partition_of_its_time(stores: Stores, table: str) -> None:
    column, unit = PARTITIONED[table]
    got = dict(
        stores.rows(
            "agency_a", f"SELECT tableoid::regclass::text, count(*) FROM {table} GROUP BY 1"
        )
    )
    width = unit * SPAN
    plain = stores.rows("public", f"SELECT {column} / {width}, count(*) FROM {table} GROUP BY 1")
    expected = {f"{table}_b{int(k) * SPAN:05d}": n for k, n in plain}
    assert got == expected
    assert len(got) >= 10  # three years in 90-day spans
    for name in got:
        span = _span(name)
        assert span is not None
        _, lo, hi = span
        (outside,) = stores.rows(
            "agency_a",
            f"SELECT count(*) FROM {name} WHERE {column} < :lo OR {column} >= :hi",
            lo=lo,
            hi=hi,
        )[0]
        assert outside == 0


def test_each_agency_schema_holds_its_own_city(stores: Stores) -> None:
    a = stores.rows("agency_a", "SELECT id, at FROM interactions ORDER BY id")
    b = stores.rows("agency_b", "SELECT id, at FROM interactions ORDER BY id")
    plain = stores.rows("public", "SELECT id, at FROM interactions ORDER BY id")
    assert a == plain
    assert a != b
    assert len(a) == len(b) == 2000


def _frames(report: Any) -> dict[str, pd.DataFrame]:
    if isinstance(report, pd.DataFrame):
        return {"": report}
    return dict(report.to_frames())


class Near(float):
    """A float equal to any float within 1e-9 of it, relatively: a sum over partitions
    adds the same terms in another order."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, float) and math.isclose(self, other, rel_tol=1e-9)

    __hash__ = float.__hash__


def _graph(g: nx.Graph) -> tuple[list[Any], list[Any]]:
    nodes = sorted((n, sorted(d.items())) for n, d in g.nodes(data=True))
    edges = sorted(
        (
            *sorted((a, b)),
            sorted(((k, Near(x) if isinstance(x, float) else x) for k, x in d.items()), key=repr),
        )
        for a, b, d in g.edges(data=True)
    )
    return nodes, edges


def _busiest(crm: rbp.Store) -> str:
    """The officer with the most ties at MID (the first by key among equals)."""
    counts = crm.interactions.ties(as_of=MID).to_frame()["officer"].value_counts()
    return str(min(counts.index, key=lambda k: (-counts[k], k)))


CALLS: dict[str, Callable[[rbp.Store], Any]] = {
    "coverage": lambda c: _frames(c.graph.coverage(as_of=MID, window=WINDOW)),
    "coverage, cadence": lambda c: _frames(c.graph.coverage(as_of=MID)),
    "gaps": lambda c: _frames(c.graph.gaps(as_of=MID, window=WINDOW)),
    "key person": lambda c: _frames(c.graph.key_person_risk(as_of=MID, window=WINDOW)),
    "departure": lambda c: _frames(c.graph.simulate_departure(_busiest(c), as_of=MID)),
    "trend": lambda c: _frames(
        c.graph.trend("coverage", start=MID.subtract(months=6), end=MID, every="month")
    ),
    "ties": lambda c: c.interactions.ties(as_of=MID).to_frame(),
    "follow-ups": lambda c: c.interactions.follow_ups(as_of=MID).to_frame(),
    "graph": lambda c: _graph(c.graph.build(as_of=MID, window=WINDOW)),
    "find": lambda c: c.interactions.find(since=MID.subtract(days=90), until=MID).to_frame(),
}


@pytest.mark.parametrize("call", CALLS)
def test_every_metric_answers_as_on_the_plain_store(stores: Stores, call: str) -> None:
    got = CALLS[call](stores.open["agency_a"])
    expected = CALLS[call](stores.open["public"])
    if isinstance(expected, dict):
        assert set(got) == set(expected)
        for name in expected:
            pd.testing.assert_frame_equal(got[name], expected[name])
    elif isinstance(expected, pd.DataFrame):
        pd.testing.assert_frame_equal(got, expected)
        assert len(expected) > 0
    else:
        assert got == expected
        assert expected[1]


def _scanned(plan: Any) -> set[str]:
    """Every relation an EXPLAIN (FORMAT JSON) plan reads."""
    out: set[str] = set()
    if isinstance(plan, dict):
        if "Relation Name" in plan:
            out.add(plan["Relation Name"])
        for value in plan.values():
            out |= _scanned(value)
    elif isinstance(plan, list):
        for value in plan:
            out |= _scanned(value)
    return out


def _explain(stores: Stores, statement: str, params: Any) -> set[str]:
    with stores.engines["agency_a"].connect() as conn:
        plan = conn.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {statement}", params).scalar_one()
    return _scanned(plan)


def _overlapping(table: str, lo: int, hi: int, names: set[str]) -> set[str]:
    """The span partitions of ``table`` that hold a time in ``[lo, hi]``."""
    out = set()
    for name in names:
        span = _span(name)
        if span is not None and span[0] == table and span[1] <= hi and span[2] > lo:
            out.add(name)
    return out


def _of(table: str, names: set[str]) -> set[str]:
    """The partitions of ``table`` among ``names``."""
    return {n for n in names if n.rsplit("_", 1)[0] == table}


def test_a_windowed_query_reads_only_the_partitions_of_its_window(stores: Stores) -> None:
    made = set(stores.made["agency_a"])  # type: ignore[attr-defined]
    at = int(MID.timestamp() * 1e6)
    since = at - int(WINDOW.total_seconds() * 1e6)
    query = (
        "SELECT p.stakeholder, count(*) FROM interaction_participants p "
        "JOIN interactions i ON i.id = p.interaction_id AND i.at = p.at "
        "WHERE p.at > %(since)s AND p.at <= %(at)s "
        "AND i.at > %(since)s AND i.at <= %(at)s "  # the planner needs both bounds
        "GROUP BY p.stakeholder"
    )
    scanned = _explain(stores, query, {"since": since, "at": at})
    for table in ("interactions", "interaction_participants"):
        wanted = _overlapping(table, since, at, made)
        assert 1 <= len(wanted) <= 2
        assert _of(table, scanned) == wanted


def test_interactions_find_in_a_window_reads_only_its_partitions(stores: Stores) -> None:
    made = set(stores.made["agency_a"])  # type: ignore[attr-defined]
    crm = stores.open["agency_a"]
    sent: list[tuple[str, Any]] = []

    def seen(conn: Any, cursor: Any, statement: str, params: Any, *args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            sent.append((statement, params))

    since, until = MID.subtract(days=90), MID
    sa.event.listen(crm.engine, "before_cursor_execute", seen)
    try:
        found = crm.interactions.find(since=since, until=until)
    finally:
        sa.event.remove(crm.engine, "before_cursor_execute", seen)
    assert len(found) > 0
    lo, hi = int(since.timestamp() * 1e6), int(until.timestamp() * 1e6)
    wanted = _overlapping("interactions", lo, hi, made)
    plans = [_explain(stores, s, p) for s, p in sent]
    windowed = [_of("interactions", plan) for plan in plans]
    assert wanted in windowed  # the query by time reads the window's partitions only
    everything = _of("interactions", made)
    assert len(wanted) < len(everything) / 4


def _sent(crm: rbp.Store, call: Callable[[], Any]) -> list[tuple[str, Any]]:
    """The SELECT statements (with their parameters) that ``call`` sends through ``crm``."""
    sent: list[tuple[str, Any]] = []

    def seen(conn: Any, cursor: Any, statement: str, params: Any, *args: Any) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            sent.append((statement, params))

    sa.event.listen(crm.engine, "before_cursor_execute", seen)
    try:
        call()
    finally:
        sa.event.remove(crm.engine, "before_cursor_execute", seen)
    return sent


AS_OF_CALLS: dict[str, Callable[[rbp.Store], Any]] = {
    "coverage": lambda c: c.graph.coverage(as_of=MID, window=WINDOW),
    "key person": lambda c: c.graph.key_person_risk(as_of=MID, window=WINDOW),
    "ties": lambda c: c.interactions.ties(as_of=MID),
    "graph": lambda c: c.graph.build(as_of=MID, window=WINDOW),
}


@pytest.mark.skipif("tie_months" not in BIG, reason="the monthly checkpoints are not here")
@pytest.mark.parametrize("call", AS_OF_CALLS)
def test_an_answer_as_of_a_past_time_reads_no_partition_after_it(stores: Stores, call: str) -> None:
    """An as-of answer reads the checkpoints up to T's bucket and the raw interactions
    of T's bucket: the partitions after T are pruned, whatever the history after it."""
    made = set(stores.made["agency_a"])  # type: ignore[attr-defined]
    crm = rbp.open(_url(stores.base, "agency_a"), tz="America/Chicago")  # nothing cached
    try:
        sent = _sent(crm, lambda: AS_OF_CALLS[call](crm))
    finally:
        crm.close()
    at = int(MID.timestamp() * 1e6)
    read: set[str] = set()
    for statement, params in sent:
        scanned = _explain(stores, statement, params)
        if _of("tie_months", scanned):  # the answer's queries (not max(at): one probe each)
            read |= scanned
    up_to_t = _overlapping("tie_months", -(2**40), at // BUCKET, made) | {"tie_months_before"}
    assert _of("tie_months", read)
    assert _of("tie_months", read) <= up_to_t
    assert _of("interactions", read) <= _overlapping("interactions", -(2**62), at, made) | {
        "interactions_before"
    }
    if call == "coverage":  # the raw rows of T's own bucket, through the interactions
        assert _of("interactions", read) == _overlapping("interactions", at, at, made)


def test_a_later_call_adds_the_spans_up_to_a_later_end_once(stores: Stores) -> None:
    crm = stores.open["agency_b"]
    later = pendulum.datetime(2026, 12, 31)
    added = rbp.scale.partition(crm, start=START, end=later, months=SPAN)
    first = int(pendulum.instance(END).timestamp() * 1e6) // BUCKET // SPAN * SPAN + SPAN
    last = int(later.timestamp() * 1e6) // BUCKET
    expected = {f"{table}_b{b:05d}" for table in BIG for b in range(first, last + 1, SPAN)}
    assert set(added) == expected
    assert rbp.scale.partition(crm, start=START, end=later, months=SPAN) == ()
    n = stores.rows("agency_b", "SELECT count(*) FROM interactions")[0][0]
    assert n == 2000


def test_a_store_with_rows_in_plain_tables_is_refused(stores: Stores) -> None:
    before = stores.rows("public", "SELECT count(*), sum(at) FROM interactions")
    with pytest.raises(rbp.StoreError, match="already holds rows"):
        rbp.scale.partition(stores.open["public"], start=START, end=END)
    assert stores.rows("public", "SELECT count(*), sum(at) FROM interactions") == before
    kinds = stores.rows(
        "public",
        "SELECT relkind FROM pg_class WHERE relname = 'interactions' "
        "AND relnamespace = 'public'::regnamespace",
    )
    assert kinds == [("r",)]
