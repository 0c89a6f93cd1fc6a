"""``directory.add_many`` streams: it writes a batch at a time and lets go of what it wrote.

Two observables that do not go through the code under test:

* the writes as they happen: on SQLite the driver's statements, seen by a SQLAlchemy
  ``before_cursor_execute`` listener on the store's engine (``INSERT INTO
  stakeholders`` is sent before the generator of members is exhausted, several
  times); on PostgreSQL, where the rows go by ``COPY`` on the driver's own cursor,
  the size of the ``stakeholders`` table on disk, read from another session (it
  grows with each batch long before the transaction commits);
* the members themselves, held by weak references only: when the generator makes its
  last member, the members of the early batches are gone from memory (nothing keeps a
  list of them).

Then the contract that must not change across batches, checked with plain SQL: a bad
item far in (after batches were written) rolls back everything and is named with its
position; a key given twice in two batches names the first; children before parents
and members before their areas, across batch boundaries, still load. The batch size
is made tiny for the property test, so hypothesis' faulty batches cross many
boundaries.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

import rbp
import rbp.io
from rbp._queries.batch import CHUNK
from rbp.directory._bulk import BulkAdd
from tests import strategies as strat
from tests.databases import DB_KINDS, PlainSQL

N = 6 * CHUNK + 123  # seven batches


class Statements:
    """Counts the batches of stakeholders the store sends, as they go.

    SQLite: the ``INSERT INTO stakeholders`` statements the engine sends. PostgreSQL:
    how many times the table's file was seen to grow since the last look (:meth:`poll`),
    read by a session of its own.
    """

    def __init__(self, engine: sa.Engine, sql: PlainSQL) -> None:
        self.engine = engine
        self.sql = sql
        self.inserts = 0
        self.postgres = engine.dialect.name == "postgresql"
        self._size = self._bytes()
        sa.event.listen(engine, "before_cursor_execute", self._seen)

    def _bytes(self) -> int:
        if not self.postgres:
            return 0
        return int(self.sql.scalar("SELECT pg_relation_size('stakeholders')"))

    def _seen(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO STAKEHOLDERS "):
            self.inserts += 1

    def poll(self) -> int:
        """The count so far (on PostgreSQL, one more if the table grew since last time)."""
        if self.postgres:
            size = self._bytes()
            if size > self._size:
                self.inserts += 1
                self._size = size
        return self.inserts

    def close(self) -> None:
        sa.event.remove(self.engine, "before_cursor_execute", self._seen)


def test_add_many_writes_batches_before_the_generator_ends_and_lets_go_of_them(
    crm: rbp.Store, sql: PlainSQL
) -> None:
    crm.directory.add(rbp.Area("b-1"))
    statements = Statements(crm.engine, sql)
    made: list[weakref.ref[rbp.CommunityMember]] = []
    at_last: dict[str, int] = {}

    def members() -> Iterator[rbp.CommunityMember]:
        for i in range(N):
            if i % CHUNK == 0:
                statements.poll()
            if i == N - 1:
                at_last["inserts"] = statements.poll()
                at_last["alive"] = sum(r() is not None for r in made)
            member = rbp.CommunityMember(f"m-{i:06d}", area="b-1", tags=("t",))
            made.append(weakref.ref(member))
            yield member
            del member

    try:
        assert crm.directory.add_many(members()) == N
    finally:
        statements.close()
    assert at_last["inserts"] >= 6  # six full batches were sent before the last member
    # At most the batch being read and the one before it are held; the rest is gone.
    assert at_last["alive"] <= 2 * CHUNK
    assert sql.count("stakeholders") == N
    assert sql.count("stakeholder_areas", "area = 'b-1'") == N
    assert sql.count("stakeholder_tags") == N
    assert sql.count("audit_log", "entity = 'stakeholder'") == N


def test_import_csv_of_many_members_writes_while_it_reads(
    crm: rbp.Store, sql: PlainSQL, tmp_path: Path
) -> None:
    """The progress callback says how many rows were read when each batch was sent."""
    crm.directory.add(rbp.Area("b-1"))
    path = tmp_path / "members.csv"
    with path.open("w", encoding="utf-8") as f:
        f.write("ID,Beat\n")
        f.writelines(f"m-{i:06d},b-1\n" for i in range(N))
    statements = Statements(crm.engine, sql)
    read_at_insert: list[int] = []
    read = [0]
    seen_inserts = [0]

    def progress(rows: int) -> None:
        read[0] = rows
        while seen_inserts[0] < statements.poll():
            seen_inserts[0] += 1
            read_at_insert.append(rows)

    try:
        report = rbp.io.import_csv(
            crm, path, "members", columns={"key": "ID", "area": "Beat"}, progress=progress
        )
    finally:
        statements.close()
    assert report.added == N
    # Inserts were under way while most of the file was still unread, and went on
    # between the progress calls (every 10,000 rows read) before the end of the file.
    assert read_at_insert[0] <= 2 * CHUNK + 10_000
    assert len({r for r in read_at_insert if r < N}) >= 3
    assert sql.count("stakeholders") == N


def test_a_bad_member_far_in_rolls_back_every_batch(crm: rbp.Store, sql: PlainSQL) -> None:
    crm.directory.add(rbp.Area("b-1"))
    before = sql.snapshot()
    counts = sql.counts()
    late = N - 7

    def members() -> Iterator[Any]:
        for i in range(N):
            if i == late:
                yield rbp.CommunityMember(f"m-{i:06d}", area="nowhere")
            elif i == late + 1:
                yield rbp.CommunityMember("m-000003")  # given in the first batch too
            else:
                yield rbp.CommunityMember(f"m-{i:06d}", area="b-1")

    with pytest.raises(rbp.BulkValidationError) as info:
        crm.directory.add_many(members())
    found = [(e.row, type(e).__name__, e.key, e.field) for e in info.value.errors]
    assert found == [
        (late, "UnknownKeyError", f"m-{late:06d}", "area"),
        (late + 1, "DuplicateKeyError", "m-000003", "key"),
    ]
    assert "first at item 3" in str(info.value)
    assert sql.snapshot() == before
    assert sql.counts() == counts


def test_children_and_members_before_their_areas_across_batches(
    crm: rbp.Store, sql: PlainSQL
) -> None:
    """Members (and a child area) come in the first batches, their areas in the last."""
    people = [rbp.CommunityMember(f"m-{i:06d}", area=f"b-{i % 3}") for i in range(2 * CHUNK)]
    areas = [rbp.Area(f"b-{i}", parent="d-1") for i in range(3)]
    items: list[Any] = [areas[0], *people, *areas[1:], rbp.Area("d-1")]
    assert crm.directory.add_many(iter(items)) == len(items)
    assert sorted(sql.rows("SELECT key, parent FROM areas")) == [
        ("b-0", "d-1"),
        ("b-1", "d-1"),
        ("b-2", "d-1"),
        ("d-1", None),
    ]
    assert sorted(sql.rows("SELECT stakeholder, area FROM stakeholder_areas")) == sorted(
        (p.key, p.area) for p in people
    )


@pytest.mark.parametrize("kind", DB_KINDS)
@settings(max_examples=40, derandomize=True, deadline=None)
@given(size=st.integers(1, 3), case=strat.faulty_batches(), good=strat.directories())
def test_tiny_batches_keep_the_contract(
    fresh_store: Any, kind: str, size: int, case: strat.FaultyBatch, good: strat.Directory
) -> None:
    """With batches of 1-3 items, bad items are named exactly and nothing is kept; a
    valid directory in any order loads whole."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(BulkAdd, "size", size)
        with fresh_store(kind) as (crm, sql):
            crm.directory.add_many(iter(case.base.items))
            before = sql.snapshot()
            with pytest.raises(rbp.BulkValidationError) as info:
                crm.directory.add_many(iter(case.batch))
            assert {e.row for e in info.value.errors} == case.bad_rows, case.fault
            assert sql.snapshot() == before
        with fresh_store(kind) as (crm, sql):
            items = list(reversed(good.items))  # children and members before their areas
            assert crm.directory.add_many(iter(items)) == len(items)
            assert sorted(sql.rows("SELECT key, parent FROM areas"), key=repr) == sorted(
                ((a.key, a.parent) for a in good.areas), key=repr
            )
            assert sorted(sql.rows("SELECT stakeholder, area FROM stakeholder_areas")) == sorted(
                (p.key, a) for p in good.people for a in p.areas
            )
            assert sql.count("stakeholders") == len(good.people)
