"""Every bulk path writes the same rows by ``COPY`` on PostgreSQL as by ``executemany``
on SQLite, and stays all or nothing.

The same synthetic city goes into an in-memory SQLite store and a PostgreSQL store
through the public bulk calls (``directory.add_many`` and ``relate_many``,
``interactions.log_many``, ``feedback.record_many`` with its kudos messages, a course's
units, the audit rows of each call), and an export of it through ``rbp.io.import_dir``
into a fresh store of each kind. Every table of each pair of stores is then read with
plain SQL and compared row for row. A bulk call whose last batch is bad, or whose rows
break a foreign key inside the ``COPY`` itself, leaves every table as it was.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pendulum
import pytest
import sqlalchemy as sa

import rbp
import rbp.io
from rbp import _schema as t
from rbp import synth
from rbp._schema._copy import copy_dicts, copy_rows
from rbp.accountability import Course
from rbp.engagement import Response
from rbp.interactions import Interaction
from tests.databases import PlainSQL

pytestmark = pytest.mark.postgres

Snapshot = dict[str, list[tuple[Any, ...]]]


def _cell(value: Any) -> Any:
    """One cell as both databases can agree on it: booleans as 0/1, dates as text."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _snapshot(sql: PlainSQL) -> Snapshot:
    """Every row of every rbp table (not Alembic's), in a canonical order."""
    out: Snapshot = {}
    for name in sql.tables():
        if name == "alembic_version" or name.startswith("sqlite_"):
            continue
        rows = [tuple(_cell(v) for v in row) for row in sql.rows(f'SELECT * FROM "{name}"')]
        out[name] = sorted(rows, key=repr)
    return out


def _responses(ids: range, plan: synth.Blueprint) -> Iterator[Response]:
    """A response to every seventh interaction, a day later; every third one praises."""
    members = [m.key for m in plan.people.members]
    start = plan.cal.start()
    for n, iid in enumerate(ids[::7]):
        yield Response(
            at=start.add(years=4, days=n % 50),
            interaction=iid,
            overall=1 + n % 5,
            respect=1 + (n * 3) % 5,
            comment="thank you" if n % 3 == 0 else None,
            respondent=members[n % len(members)],
        )


def _fill(crm: rbp.Store, plan: synth.Blueprint) -> None:
    """The city through every bulk call there is."""
    assert crm.directory.add_many(plan.directory()) == len(plan.directory())
    assert crm.directory.relate_many(plan.relationships) == len(plan.relationships)
    ids = crm.interactions.log_many(plan.interactions())
    assert len(ids) == plan.total
    assert crm.feedback.record_many(_responses(ids, plan)) == len(ids[::7])
    course = Course(
        "cit", title="Crisis intervention", every=pendulum.duration(days=365), units=("a", "b")
    )
    crm.accountability.require(course)


@pytest.fixture(scope="module")
def plan() -> synth.Blueprint:
    return synth.blueprint(size="toy", seed=3)


def test_the_bulk_calls_write_the_same_rows_on_both(
    fresh_store: Any, plan: synth.Blueprint, tmp_path: Path
) -> None:
    with fresh_store("sqlite-memory", tz=plan.tz) as (lite, lite_sql):
        _fill(lite, plan)
        expected = _snapshot(lite_sql)
        folder = tmp_path / "export"
        rbp.io.export_csv(lite, folder, personal=True)
        with fresh_store("sqlite-memory", tz=plan.tz) as (copy, copy_sql):
            rbp.io.import_dir(copy, folder)
            imported = _snapshot(copy_sql)
    with fresh_store("postgresql", tz=plan.tz) as (pg, pg_sql):
        _fill(pg, plan)
        got = _snapshot(pg_sql)
    with fresh_store("postgresql", tz=plan.tz) as (pg, pg_sql):
        rbp.io.import_dir(pg, folder)
        got_imported = _snapshot(pg_sql)
    # The bulk paths wrote something in every table they own.
    for name in (
        "areas",
        "stakeholders",
        "stakeholder_areas",
        "stakeholder_tags",
        "officer_trainings",
        "relationships",
        "interactions",
        "interaction_participants",
        "survey_responses",
        "messages",
        "course_units",
        "audit_log",
    ):
        assert expected[name], name
    assert set(got) == set(expected)
    for name in expected:
        assert got[name] == expected[name], name
    assert set(got_imported) == set(imported)
    for name in imported:
        assert got_imported[name] == imported[name], name


def test_relate_many_and_record_many_with_a_bad_last_item_keep_nothing(
    fresh_store: Any,
) -> None:
    n = 12_000  # more than two batches of each call are written before the bad item
    with fresh_store("postgresql") as (crm, sql):
        members = [rbp.CommunityMember(f"m-{i:05d}") for i in range(n)]
        crm.directory.add_many([rbp.Officer("P1"), rbp.PartnerAgency("org-1"), *members])
        at = pendulum.datetime(2026, 1, 5, tz="UTC")
        iid = crm.interactions.log(Interaction(at=at, kind="call", participants=("P1", "m-00001")))
        before = _snapshot(sql)
        rels = [rbp.Relationship(m.key, "org-1", "member_of") for m in members]
        with pytest.raises(rbp.BulkValidationError) as info:
            crm.directory.relate_many([*rels, rbp.Relationship("m-00001", "nobody", "member_of")])
        assert [e.row for e in info.value.errors] == [n]
        answers = [Response(at=at.add(days=1), interaction=iid, overall=5) for _ in range(n)]
        with pytest.raises(rbp.BulkValidationError) as info:
            crm.feedback.record_many([*answers, Response(at=at, interaction=99, overall=1)])
        assert [e.row for e in info.value.errors] == [n]
        assert _snapshot(sql) == before


def test_a_copy_that_breaks_a_key_raises_as_an_insert_would_and_writes_nothing(
    fresh_store: Any,
) -> None:
    with fresh_store("postgresql") as (crm, sql):
        crm.directory.add_many([rbp.CommunityMember("m-1"), rbp.PartnerAgency("org-1")])
        before = _snapshot(sql)
        good = {"a": "m-1", "b": "org-1", "kind": "member_of", "since": None, "until": None}
        bad = {**good, "b": "nobody"}
        with pytest.raises(sa.exc.IntegrityError), crm.engine.begin() as conn:
            copy_dicts(conn, t.relationships, [good] * 3 + [bad])
        assert _snapshot(sql) == before


def test_an_error_while_the_rows_are_read_ends_the_copy_and_writes_nothing(
    fresh_store: Any,
) -> None:
    def rows() -> Iterator[tuple[Any, ...]]:
        for i in range(5_000):
            yield (i, None, "add", "area", f"k-{i}", None)
        raise LookupError("the file ended early")

    with fresh_store("postgresql") as (_crm, sql):
        before = sql.count("audit_log")
        columns = ("at", "actor", "action", "entity", "key", "detail")
        with pytest.raises(LookupError, match="ended early"), _crm.engine.begin() as conn:
            copy_rows(conn, t.audit_log, columns, rows())
        assert sql.count("audit_log") == before


@pytest.mark.parametrize("kind", ["sqlite-memory", "postgresql"])
def test_the_audit_rows_of_a_bulk_add_name_every_key(fresh_store: Any, kind: str) -> None:
    with fresh_store(kind) as (crm, sql):
        keys = [f"m-{i:04d}" for i in range(2_500)]
        crm.directory.add_many(rbp.CommunityMember(k) for k in keys)
        rows = sql.rows(
            "SELECT actor, action, entity, key FROM audit_log WHERE entity = 'stakeholder'"
        )
        assert sorted(rows) == [("test", "add", "stakeholder", k) for k in keys]
