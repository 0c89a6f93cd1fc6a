"""Every index of the interaction and summary tables is needed, and used where needed.

Each index carries the cost of one more entry per row logged, so each is justified by
a query rbp runs: the test calls rbp (a public call, or the :mod:`rbp._queries.pairs`
function that builds the statement), records the SQL it sends (an engine event), and
asks the database for its plan (``EXPLAIN QUERY PLAN`` on SQLite, ``EXPLAIN (FORMAT
JSON)`` on PostgreSQL). The plan must SEARCH the index (SQLite), or scan it with an
index condition on its leading column (PostgreSQL), not read the whole table. Then
the indexes the database lists on these tables must be exactly the justified ones.

The store holds a few thousand interactions over two years; PostgreSQL's statistics
are gathered (``ANALYZE``) as autovacuum would, so its planner chooses as it would in
use.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

import rbp
from rbp._queries import pairs
from rbp.engagement import Concern
from rbp.interactions import Interaction
from rbp.plans import ActionPlan
from tests.databases import DB_KINDS, PgCluster
from tests.integration.conftest_graph import DAY, City, T, dt_of, loaded_store

KINDS = [p for p in DB_KINDS if p.id in ("sqlite-memory", "postgresql")]
TABLES = (
    "interactions",
    "interaction_participants",
    "interaction_areas",
    "interaction_topics",
    "tie_pairs",
    "tie_months",
)
OFFICERS = [f"P{i:02d}" for i in range(12)]
HISTORY = tuple(name for name in TABLES if name != "tie_pairs")
"""The tables that grow with the history (``tie_pairs`` grows with the pairs)."""
MEMBERS = [f"m{i:03d}" for i in range(300)]
N = 4000
INSIDE = T - 300 * DAY + DAY // 3
"""An as-of time inside the data (neither on a bucket edge nor at a contact)."""


def _fill(crm: rbp.Store) -> None:
    crm.directory.add_many(
        [
            rbp.Area("d-1"),
            *(rbp.Area(f"b-{i}", parent="d-1") for i in range(6)),
            *(rbp.Officer(k, areas=("d-1",)) for k in OFFICERS),
            *(rbp.CommunityMember(k, area=f"b-{n % 6}") for n, k in enumerate(MEMBERS)),
        ]
    )
    for p in range(5):
        crm.plans.create(ActionPlan(f"plan-{p}", title=f"Plan {p}", problem="-"))
    for _ in range(3):
        crm.concerns.report(
            Concern(at=dt_of(T - N * 4 * DAY // 23), area="b-0", category="noise", text="-")
        )
    crm.interactions.log_many(
        Interaction(
            at=dt_of(T - (N - k) * 4 * DAY // 23),
            kind="meeting" if k % 3 else "call",
            participants=(
                OFFICERS[k % 12],
                MEMBERS[(k * 7) % 300],
                MEMBERS[(k * 7 + 1 + k % 13) % 300],
            )
            if k % 4
            else (OFFICERS[k % 12], MEMBERS[(k * 7) % 300]),
            areas=(f"b-{k % 6}",) if k % 2 else (),
            topics=("housing",) if k % 97 == 0 else ("noise",) if k % 5 == 1 else (),
            plan=f"plan-{k % 5}" if k % 50 == 0 else None,
            concern=f"C-{k % 3 + 1:06d}" if k % 70 == 0 else None,
            follow_up_by=dt_of(T - (N - k) * 4 * DAY // 23 + 14 * DAY) if k % 9 == 0 else None,
        )
        for k in range(N)
    )


@pytest.fixture(scope="module", params=KINDS)
def town(
    request: pytest.FixtureRequest, pg_cluster: PgCluster, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[rbp.Store]:
    folder = Path(tmp_path_factory.mktemp("plans"))
    with loaded_store(request.param, City(), pg_cluster=pg_cluster, folder=folder) as (crm, _):
        _fill(crm)
        if crm.engine.dialect.name == "postgresql":
            with crm.engine.connect() as conn:
                conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")
        yield crm


# ----------------------------------------------------------------------------- plans


_TEMP_TABLE_AS = re.compile(r"\s*CREATE TEMP TABLE \S+ AS (.*)", re.IGNORECASE | re.DOTALL)
_TEMP_READ = re.compile(r"\bFROM temp\.rbp_beside_", re.IGNORECASE)


@contextlib.contextmanager
def _recording(engine: sa.Engine) -> Iterator[list[tuple[str, Any]]]:
    """The SELECTs sent to ``engine`` inside the block, with their parameters."""
    sent: list[tuple[str, Any]] = []

    def grab(_c: Any, _cur: Any, statement: str, parameters: Any, _ctx: Any, _many: bool) -> None:
        made = _TEMP_TABLE_AS.match(statement)
        if made is not None:  # the select a temporary table is made of (the graph build)
            statement = made.group(1)
        elif _TEMP_READ.search(statement):  # reading such a table back: gone by now
            return
        if statement.lstrip()[:6].upper().startswith(("SELECT", "WITH")):
            sent.append((statement, parameters))

    sa.event.listen(engine, "before_cursor_execute", grab)
    try:
        yield sent
    finally:
        sa.event.remove(engine, "before_cursor_execute", grab)


def _sqlite_plan(conn: sa.Connection, statement: str, parameters: Any) -> list[str]:
    return [str(r[-1]) for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)]


def _pg_nodes(conn: sa.Connection, statement: str, parameters: Any) -> list[dict[str, Any]]:
    raw = conn.exec_driver_sql("EXPLAIN (FORMAT JSON) " + statement, parameters).scalar_one()
    doc = raw if isinstance(raw, list) else json.loads(raw)
    out: list[dict[str, Any]] = []

    def walk(node: dict[str, Any]) -> None:
        out.append(node)
        for child in node.get("Plans", ()):
            walk(child)

    walk(doc[0]["Plan"])
    return out


def _plans(
    crm: rbp.Store, call: Callable[[rbp.Store], object], *, pg_settings: tuple[str, ...] = ()
) -> list[Any]:
    """The plan of every SELECT ``call`` sends: lines (SQLite) or nodes (PostgreSQL,
    planned under ``pg_settings``)."""
    with _recording(crm.engine) as sent:
        call(crm)
    assert sent, "the call sent no SELECT"
    with crm.engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            return [_sqlite_plan(conn, s, p) for s, p in sent]
        for setting in pg_settings:
            conn.exec_driver_sql(f"SET LOCAL {setting}")
        return [_pg_nodes(conn, s, p) for s, p in sent]


def _index_searches(nodes: list[dict[str, Any]], index: str, lead: str) -> bool:
    """Some node reads ``index`` with a condition on its leading column."""
    for node in nodes:
        if node.get("Index Name") != index:
            continue
        cond = str(node.get("Index Cond", ""))
        if re.search(rf"\b{lead}\b", cond):
            return True
    return False


# ----------------------------------------------------------------------------- the needs


def _newest(crm: rbp.Store) -> None:
    with crm.engine.connect() as conn:
        pairs.newest(conn)


def _window(crm: rbp.Store) -> None:
    """The window read of an as-of answer before the newest contact."""
    with crm.engine.connect() as conn:
        sub = pairs.window_lasts(conn, at=INSIDE, since=INSIDE - 90 * DAY)
        conn.execute(sa.select(sub)).all()


def _bucket_rows(crm: rbp.Store) -> None:
    """The raw contacts of T's bucket, up to T."""
    b = pairs.bucket_of(INSIDE)
    with crm.engine.connect() as conn:
        conn.execute(pairs.contacts(b * pairs.BUCKET - 1, INSIDE)).all()


@dataclass(frozen=True)
class Need:
    """Why an index exists: ``call`` runs the query that needs it; on SQLite a plan
    line matches ``sqlite``; on PostgreSQL a node reads the index with a condition
    on ``lead``, its leading column."""

    index: str  # an index name, or "pk:<table>" for a table's primary key
    why: str
    call: Callable[[rbp.Store], object]
    sqlite: str
    lead: str


NEEDS = [
    Need(
        "pk:interactions",
        "an interaction by id (get, and each participant row's interaction)",
        lambda crm: crm.interactions.get(17),
        r"^SEARCH interactions USING INTEGER PRIMARY KEY \(rowid=\?\)$",
        "id",
    ),
    Need(
        "ix_interactions_at",
        "the newest-interaction probe that picks tie_pairs or the checkpoints",
        _newest,
        r"^SEARCH interactions USING COVERING INDEX ix_interactions_at$",
        "at",
    ),
    Need(
        "ix_interactions_at",
        "find(since=, until=): a time range of the log",
        lambda crm: crm.interactions.find(since=dt_of(INSIDE - 5 * DAY), until=dt_of(INSIDE)),
        r"^SEARCH interactions USING INDEX ix_interactions_at \(at>\? AND at<\?\)$",
        "at",
    ),
    Need(
        "ix_interactions_plan",
        "find(plan=): the interactions linked to a plan",
        lambda crm: crm.interactions.find(plan="plan-0"),
        r"^SEARCH interactions USING INDEX ix_interactions_plan \(plan=\?\)$",
        "plan",
    ),
    Need(
        "ix_interactions_concern",
        "concerns.get: the interactions that worked on a concern",
        lambda crm: crm.concerns.get("C-000002"),
        r"^SEARCH interactions USING INDEX ix_interactions_concern \(concern=\?\)$",
        "concern",
    ),
    Need(
        "pk:interaction_participants",
        "the participants of an interaction (get, find, and each contact's pairs)",
        lambda crm: crm.interactions.get(17),
        r"^SEARCH interaction_participants USING PRIMARY KEY \(interaction_id=\?\)$",
        "interaction_id",
    ),
    Need(
        "ix_interaction_participants_stakeholder_at",
        "find(stakeholder=): one stakeholder's interactions",
        lambda crm: crm.interactions.find(stakeholder="m007"),
        r"^SEARCH interaction_participants USING COVERING INDEX "
        r"ix_interaction_participants_stakeholder_at \(stakeholder=\?\)$",
        "stakeholder",
    ),
    Need(
        "ix_interaction_participants_stakeholder_at",
        "explain(officer, stakeholder): an officer's contacts up to T",
        lambda crm: crm.interactions.explain("P03", "m021", as_of=dt_of(INSIDE)),
        r"^SEARCH po USING COVERING INDEX ix_interaction_participants_stakeholder_at "
        r"\(stakeholder=\? AND at<\?\)$",
        "stakeholder",
    ),
    Need(
        "pk:interaction_areas",
        "the areas of an interaction (get, find)",
        lambda crm: crm.interactions.get(17),
        r"^SEARCH interaction_areas USING PRIMARY KEY \(interaction_id=\?\)$",
        "interaction_id",
    ),
    Need(
        "ix_interaction_areas_area_at",
        "find(area=): the interactions in an area",
        lambda crm: crm.interactions.find(area="b-2"),
        r"^SEARCH interaction_areas USING COVERING INDEX ix_interaction_areas_area_at \(area=\?\)$",
        "area",
    ),
    Need(
        "pk:interaction_topics",
        "the topics of an interaction (get, find)",
        lambda crm: crm.interactions.get(17),
        r"^SEARCH interaction_topics USING PRIMARY KEY \(interaction_id=\?\)$",
        "interaction_id",
    ),
    Need(
        "ix_interaction_topics_topic",
        "find(topic=): the interactions about a topic",
        lambda crm: crm.interactions.find(topic="housing"),
        r"^SEARCH interaction_topics USING COVERING INDEX ix_interaction_topics_topic "
        r"\(topic=\?\)$",
        "topic",
    ),
    Need(
        "pk:tie_pairs",
        "ties(officer=) now: one officer's pairs",
        lambda crm: crm.interactions.ties(officer="P05"),
        r"^SEARCH tie_pairs USING PRIMARY KEY \(officer=\?\)$",
        "officer",
    ),
    Need(
        "ix_tie_pairs_stakeholder",
        "ties(stakeholder=) now: one stakeholder's pairs",
        lambda crm: crm.interactions.ties(stakeholder="m042"),
        r"^SEARCH tie_pairs USING INDEX ix_tie_pairs_stakeholder \(stakeholder=\?\)$",
        "stakeholder",
    ),
    Need(
        "pk:tie_months",
        "the window of an as-of answer: a touched pair's checkpoints in the window are one "
        "range of the key",
        _window,
        r"^SEARCH (tie_months|inner) USING PRIMARY KEY "
        r"\(officer=\? AND stakeholder=\? AND bucket>\? AND bucket<\?\)$",
        "officer",
    ),
]


@pytest.mark.parametrize("need", NEEDS, ids=[f"{n.index}:{n.why.split(':')[0]}" for n in NEEDS])
def test_the_query_that_needs_an_index_uses_it(town: rbp.Store, need: Need) -> None:
    plans = _plans(town, need.call)
    if town.engine.dialect.name == "sqlite":
        lines = [line for plan in plans for line in plan]
        assert any(re.search(need.sqlite, line) for line in lines), (need.why, lines)
        return
    index = _listed(town)[need.index]
    assert any(_index_searches(nodes, index, need.lead) for nodes in plans), (
        need.why,
        [
            [(n.get("Node Type"), n.get("Index Name"), n.get("Index Cond")) for n in p]
            for p in plans
        ],
    )


def test_a_window_read_touches_only_the_window(town: rbp.Store) -> None:
    """The raw contacts of T's bucket are a range of ``at`` (by the interactions' ``at``
    index, or each officer's range of the participants' (stakeholder, at) index),
    never a scan of the log. ``tie_pairs`` (one row per pair, not the history) is the
    one table read whole: it says which pairs were touched after T.

    PostgreSQL's planner rightly reads a table of this test's size whole rather than
    through an index; there the check is that a plan exists that reads no table of the
    history whole when whole reads are priced out (``enable_seqscan = off``)."""
    for call in (_bucket_rows, _window):
        plans = _plans(town, call, pg_settings=("enable_seqscan = off",))
        if town.engine.dialect.name == "sqlite":
            lines = [line for plan in plans for line in plan]
            ranged = [
                line
                for line in lines
                if re.search(
                    r"USING (COVERING )?INDEX ix_interactions_at \(at>\? AND at<\?\)", line
                )
                or re.search(
                    r"USING COVERING INDEX ix_interaction_participants_stakeholder_at "
                    r"\(stakeholder=\? AND at>\? AND at<\?\)",
                    line,
                )
            ]
            assert ranged, lines
            for table in HISTORY:
                assert not any(re.match(rf"SCAN {table}\b", line) for line in lines), lines
        else:
            nodes = [n for p in plans for n in p]
            assert not any(
                n.get("Node Type") == "Seq Scan" and n.get("Relation Name") in HISTORY
                for n in nodes
            ), " ; ".join(
                f"{n.get('Node Type')} {n.get('Relation Name')} {n.get('Index Name')}"
                for n in nodes
            )
            assert any(
                n.get("Index Name")
                in ("ix_interactions_at", "ix_interaction_participants_stakeholder_at")
                and re.search(r"\bat [<>]", str(n.get("Index Cond", "")))
                for n in nodes
            ), nodes


# ----------------------------------------------------------------------------- no more


def _listed(crm: rbp.Store) -> dict[str, str]:
    """Every index on :data:`TABLES` as the database lists it: justification key ->
    the database's own name ("pk:<table>" for primary keys)."""
    out: dict[str, str] = {}
    with crm.engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            for table in TABLES:
                for _seq, name, _unique, origin, _partial in conn.exec_driver_sql(
                    f"PRAGMA index_list({table})"
                ):
                    out[f"pk:{table}" if origin == "pk" else name] = name
            return out
        rows = conn.exec_driver_sql(
            "SELECT c.relname, i.relname, x.indisprimary FROM pg_index x "
            "JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class c ON c.oid = x.indrelid "
            "JOIN pg_namespace s ON s.oid = c.relnamespace "
            "WHERE s.nspname = current_schema() AND c.relname = ANY(%(tables)s)",
            {"tables": list(TABLES)},
        )
        for table, name, primary in rows:
            out[f"pk:{table}" if primary else name] = name
    return out


def test_every_index_is_justified_and_every_justified_index_exists(town: rbp.Store) -> None:
    listed = _listed(town)
    justified = {n.index for n in NEEDS}
    assert set(listed) - justified == set(), "an index no query needs"
    if town.engine.dialect.name == "sqlite":
        # the interactions' key is the table's rowid: no index of its own
        justified.discard("pk:interactions")
        with town.engine.connect() as conn:
            info = {r[1]: r for r in conn.exec_driver_sql("PRAGMA table_info(interactions)")}
        assert (info["id"][2], info["id"][5]) == ("INTEGER", 1)
    assert justified - set(listed) == set(), "a justified index is missing"


# ----------------------------------------------------------------------------- community ties


def test_the_build_groups_the_community_summaries_in_key_order(town: rbp.Store) -> None:
    """A whole-graph build as of T after the newest interaction reads ``community_pairs``
    once, grouping each pair's rows in the order of its key (a, b, size): no temporary
    b-tree on SQLite; on PostgreSQL, with sorts and hashing priced out, the key's index
    is read in order and nothing is sorted."""
    settings = ("enable_sort = off", "enable_hashagg = off")
    plans = _plans(town, lambda crm: crm.graph.build(as_of=dt_of(T)), pg_settings=settings)
    if town.engine.dialect.name == "sqlite":
        reads = [plan for plan in plans if any("community_pairs" in line for line in plan)]
        assert len(reads) == 1, plans
        assert "SCAN community_pairs" in reads[0], reads
        assert not any("TEMP B-TREE" in line for line in reads[0]), reads
        assert not any("interaction_participants" in line for plan in plans for line in plan)
        return
    reads = [p for p in plans if any(n.get("Relation Name") == "community_pairs" for n in p)]
    assert len(reads) == 1, plans
    nodes = reads[0]
    assert not any(n.get("Node Type") == "Sort" for n in nodes), nodes
    assert any(
        n.get("Relation Name") == "community_pairs"
        and n.get("Node Type") in ("Index Scan", "Index Only Scan")
        and n.get("Index Name") == "pk_community_pairs"
        for n in nodes
    ), nodes


def test_a_batch_folds_its_community_contacts_from_its_own_rows(town: rbp.Store) -> None:
    """The log's fold of a batch (SQLite) reads the batch's interactions by a range of
    the rowid and their participants by the key: never a whole table of the log."""
    if town.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL folds a batch in Python")
    from rbp._queries import community_batch, pair_batch

    with town.engine.connect() as conn:
        conn.exec_driver_sql(community_batch._CREATE)
        conn.exec_driver_sql(  # the log's table of its officers, as the writer makes it
            "CREATE TEMP TABLE IF NOT EXISTS rbp_log_officers (key TEXT PRIMARY KEY) WITHOUT ROWID"
        )
        fold = community_batch._fold_sql(pair_batch.OFFICERS)
        lines = _sqlite_plan(conn, fold, (1, 20_000))
    assert any(
        re.search(r"^SEARCH i USING INTEGER PRIMARY KEY \(rowid>\? AND rowid<\?\)$", line)
        for line in lines
    ), lines
    assert any(
        re.search(r"^SEARCH pb USING PRIMARY KEY \(interaction_id=\?", line) for line in lines
    )
    for table in ("interactions", "interaction_participants", "stakeholders", "i", "p", "pa", "pb"):
        assert not any(re.match(rf"SCAN {table}\b", line) for line in lines), lines
