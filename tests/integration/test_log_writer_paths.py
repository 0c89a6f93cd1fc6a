"""The log writer's bulk paths: summaries split into new and merged rows, and PostgreSQL's
foreign keys checked once per key.

On PostgreSQL a batch's pair summaries are written as a ``COPY`` of the rows that cannot
be stored yet (a new pair, a bucket outside the pair's stored first..last) and a merge
of the rest; the scenario below logs contacts that land in each case (a bucket a
batch continues, one before the pair's first contact, one after its last, one inside
its range that holds no checkpoint yet, a new pair, an equal ``last`` with a promise)
and checks both tables against the brute force after every call, on every database.

When the role may set ``session_replication_role``, the writer switches the
foreign-key triggers off and locks each batch's directory rows itself: a key deleted
by another session after the writer read the keys fails the call, and nothing is
written. A role that may not set it writes with the triggers, as before.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pendulum
import psycopg
import pytest
import sqlalchemy as sa

import rbp
from rbp.errors import StoreError
from rbp.interactions import Interaction, _log_keys, _log_pg
from rbp.interactions._log import LogWriter
from tests.community_summaries import check_community
from tests.databases import PgCluster, probe_for
from tests.pair_summaries import check_summaries

T0 = pendulum.datetime(2025, 1, 1, 9, tz="UTC")


def _item(day: float, *people: str, promise: float | None = None) -> dict[str, Any]:
    at = T0.add(hours=round(day * 24))
    out: dict[str, Any] = {"at": at, "kind": "call", "participants": list(people)}
    if promise is not None:
        out["follow_up_by"] = at.add(days=promise)
    return out


CALLS = [
    # day 0..: P1 x m-1 in buckets 0 and 3; P2 x m-2 in bucket 1
    [_item(5, "P1", "m-1"), _item(6, "P1", "m-1", promise=9), _item(95, "P1", "m-1")],
    [_item(40, "P2", "m-2", "m-3")],
    [
        _item(96, "P1", "m-1"),  # bucket 3 again: merged into the stored checkpoint
        _item(-50, "P1", "m-1"),  # before the pair's first bucket: a new checkpoint
        _item(400, "P1", "m-1", promise=3),  # after its last: new, and the pair's last
        _item(65, "P1", "m-1"),  # bucket 2, inside the stored range, holds nothing yet
        _item(40, "P2", "m-2", promise=2),  # the same last again, now with a promise
        _item(41, "P1", "m-2"),  # a new pair
        _item(10, "m-1", "m-2"),  # no officer: no tie
    ],
    [_item(400, "P1", "m-1", "P2", promise=1), _item(-400, "P2", "m-3")],
]


def _directory(crm: rbp.Store) -> None:
    crm.directory.add_many(
        [
            rbp.Officer("P1"),
            rbp.Officer("P2"),
            rbp.CommunityMember("m-1"),
            rbp.CommunityMember("m-2"),
            rbp.CommunityMember("m-3"),
        ]
    )


def test_summaries_stay_exact_however_the_rows_split(db_url: str | None) -> None:
    crm = rbp.open(db_url)
    _directory(crm)
    sql = probe_for(db_url, crm)
    try:
        for call in CALLS:
            crm.interactions.log_many(call)
            check_summaries(sql)
        # P1 x m-1, P1 x m-2, P2 x m-1, P2 x m-2, P2 x m-3
        assert sql.count("tie_pairs") == 5
    finally:
        sql.close()
        crm.close()


def test_small_batches_write_every_row(db_url: str | None, monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches of 7 and key look-ups in chunks of 3: every row and summary as the brute
    force says, in any order."""
    from rbp.interactions import _log

    monkeypatch.setattr(_log, "BATCH", 7)
    monkeypatch.setattr(_log_keys, "LOOKUP", 3)
    crm = rbp.open(db_url)
    _directory(crm)
    sql = probe_for(db_url, crm)
    people = [("P1", "m-1"), ("P2", "m-2", "m-3"), ("P1", "P2", "m-1"), ("m-2", "P1")]
    try:
        logged = 0
        for start, count in ((0, 2), (100, 23), (-60, 15), (30, 7)):
            calls = [
                _item(start + 17 * (n % 5) - 3 * n, *people[n % 4], promise=n % 3 or None)
                for n in range(count)
            ]
            ids = crm.interactions.log_many(calls)
            assert list(ids) == list(range(logged + 1, logged + count + 1))
            logged += count
            check_summaries(sql)
        assert sql.count("interactions") == logged
        assert sql.count("interaction_participants") == sum(
            len(people[n % 4]) for count in (2, 23, 15, 7) for n in range(count)
        )
    finally:
        sql.close()
        crm.close()


def test_merges_spanning_batches(db_url: str | None, monkeypatch: pytest.MonkeyPatch) -> None:
    """The folded contacts of several batches wait for one merge (SQLite's in a temporary
    table, PostgreSQL's in Python; here batches of 7, a merge once 15 are waiting, so
    one merge takes three batches and a call ends with a partial one): every summary as
    the brute force says after each call, the contacts of one pair and bucket split
    across batches and across merges; the same for the community pairs (m-2 and m-3)."""
    from rbp.interactions import _log

    monkeypatch.setattr(_log, "BATCH", 7)
    monkeypatch.setattr(_log, "MERGE_EVERY", 15)
    crm = rbp.open(db_url)
    _directory(crm)
    sql = probe_for(db_url, crm)
    people = [("P1", "m-1"), ("P2", "m-2", "m-3"), ("P1", "P2", "m-1"), ("m-2", "P1")]
    try:
        for start, count in ((0, 23), (100, 44), (-60, 6), (1, 30)):
            calls = [
                _item(start + (n % 9) * 4 - n // 9, *people[n % 4], promise=n % 5 or None)
                for n in range(count)
            ]
            crm.interactions.log_many(calls)
            check_summaries(sql)
            assert check_community(sql)  # the non-officer pairs wait for the same merges
        assert sql.count("interactions") == 23 + 44 + 6 + 30
    finally:
        sql.close()
        crm.close()


def test_chunks_of_records_checked_at_once(
    db_url: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A chunk of records whose keys are all known goes to its batches without a check
    of each item; a chunk naming an unknown key is checked item by item, and the errors
    carry the item's position in the whole call (chunks of 4, batches of 5)."""
    from rbp.interactions import _log

    monkeypatch.setattr(_log, "BATCH", 5)
    monkeypatch.setattr(_log_keys, "LOOKUP", 4)
    crm = rbp.open(db_url)
    _directory(crm)
    sql = probe_for(db_url, crm)
    people = [("P1", "m-1"), ("P2", "m-2", "m-3"), ("P1", "P2", "m-1")]

    def record(n: int, *extra: str) -> Interaction:
        return Interaction(
            at=T0.add(days=3 * n), kind="call", participants=(*people[n % 3], *extra)
        )

    try:
        bad = [record(n) for n in range(19)]
        bad[10] = record(10, "ghost")
        bad[17] = Interaction(at=T0, kind="call", participants=("P1",), areas=("nowhere",))
        with pytest.raises(rbp.BulkValidationError) as info:
            crm.interactions.log_many(bad)
        assert [(e.row, e.key) for e in info.value.errors] == [(10, "ghost"), (17, "nowhere")]
        assert sql.count("interactions") == 0
        good = [record(n) for n in range(19)]
        assert crm.interactions.log_many(good) == range(1, 20)
        assert sql.count("interaction_participants") == sum(len(people[n % 3]) for n in range(19))
        check_summaries(sql)
    finally:
        sql.close()
        crm.close()


def test_a_log_that_fails_part_way_leaves_nothing(
    db_url: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A log of many batches (of 5, look-ups of 3, a merge once 12 are waiting) whose
    items fail part-way (the generator raises after 23 items: batches written, folded
    and merged) leaves no row and no summary; a later log writes every row and summary
    as the brute force says."""
    from rbp.interactions import _log

    monkeypatch.setattr(_log, "BATCH", 5)
    monkeypatch.setattr(_log, "MERGE_EVERY", 12)
    monkeypatch.setattr(_log_keys, "LOOKUP", 3)
    crm = rbp.open(db_url)
    _directory(crm)
    sql = probe_for(db_url, crm)
    people = [("P1", "m-1"), ("P2", "m-2", "m-3"), ("P1", "P2", "m-1"), ("m-2", "P1")]

    def items(count: int, *, fail: bool) -> Iterator[dict[str, Any]]:
        for n in range(count):
            yield _item((n % 7) * 5 - n // 7, *people[n % 4], promise=n % 3 or None)
        if fail:
            raise ZeroDivisionError

    try:
        with pytest.raises(ZeroDivisionError):
            crm.interactions.log_many(items(23, fail=True))
        for table in (
            "interactions",
            "interaction_participants",
            "tie_pairs",
            "tie_months",
            "community_pairs",
        ):
            assert sql.count(table) == 0, table
        assert crm.interactions.log_many(items(31, fail=False)) == range(1, 32)
        check_summaries(sql)
        assert check_community(sql)
        assert crm.interactions.log_many([_item(3, "P1", "m-2")]) == range(32, 33)
        check_summaries(sql)
    finally:
        sql.close()
        crm.close()


# ----------------------------------------------------------------------------- PostgreSQL


def _conninfo(url: str) -> str:
    return sa.make_url(url).set(drivername="postgresql").render_as_string(False)


def _log_after_a_delete(crm: rbp.Store, url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Log two items, looked up one at a time; another session deletes m-3, named by
    the first, after it was looked up and before the rows are sent."""
    look_up = _log_keys.Directory.look_up
    calls = []

    def look_up_then_delete(self: _log_keys.Directory, wanted: list[set[str]]) -> None:
        look_up(self, wanted)
        calls.append(wanted)
        if len(calls) == 1:  # m-3 has just been read: another session deletes it
            with psycopg.connect(_conninfo(url), autocommit=True) as other:
                other.execute("SET lock_timeout = '5s'")  # never wait for the writer forever
                other.execute("DELETE FROM stakeholders WHERE key = 'm-3'")

    monkeypatch.setattr(_log_keys.Directory, "look_up", look_up_then_delete)
    with crm._uow.write(bulk=True, checked=True) as conn:
        writer = LogWriter(conn)
        assert writer._triggers == "origin"  # the superuser's path
        writer.write([_item(1, "P1", "m-3"), _item(2, "P1", "m-1")])
    assert "m-3" in calls[0][0]


def test_a_key_deleted_after_the_writer_read_it_fails_the_call(
    pg_cluster: PgCluster, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_log_keys, "LOOKUP", 1)  # each item's keys looked up on their own
    pg_cluster.admin_url()
    name = pg_cluster.create_database()
    url = pg_cluster.url(name)
    crm = rbp.open(url)
    try:
        _directory(crm)
        with pytest.raises(StoreError, match="deleted while they were being logged"):
            _log_after_a_delete(crm, url, monkeypatch)
        with psycopg.connect(_conninfo(url)) as check:
            assert check.execute("SELECT count(*) FROM interactions").fetchone() == (0,)
            assert check.execute("SELECT count(*) FROM tie_pairs").fetchone() == (0,)
    finally:
        crm.close()
        pg_cluster.drop_database(name)


def test_the_triggers_come_back_on_and_a_plain_role_keeps_them(pg_cluster: PgCluster) -> None:
    pg_cluster.admin_url()
    role = f"rbp_plain_{os.getpid()}"
    name = f"rbp_plain_db_{os.getpid()}"
    pg_cluster.admin(f"CREATE ROLE {role} LOGIN NOSUPERUSER")
    pg_cluster.admin(f'CREATE DATABASE "{name}" OWNER {role} TEMPLATE template0')
    url = pg_cluster.url(name).replace("postgres@", f"{role}@")
    try:
        crm = rbp.open(url)
        try:
            _directory(crm)
            with crm._uow.write(bulk=True, checked=True) as conn:
                writer = LogWriter(conn)
                assert writer._triggers is None  # may not set the role: triggers on
                ids = writer.write([_item(1, "P1", "m-1")])
                assert list(ids) == [1]
                setting = conn.exec_driver_sql("SHOW session_replication_role").scalar()
                assert setting == "origin"
            # the superuser's store: off while writing, back on afterwards
            admin = rbp.open(pg_cluster.url(name))
            try:
                with admin._uow.write(bulk=True, checked=True) as conn:
                    writer = LogWriter(conn)
                    assert writer._triggers == "origin"
                    on = conn.exec_driver_sql("SHOW session_replication_role").scalar()
                    assert on == "replica"
                    writer.write([_item(2, "P1", "m-2")])
                    on = conn.exec_driver_sql("SHOW session_replication_role").scalar()
                    assert on == "origin"
                    dangling = (
                        "INSERT INTO interaction_participants "
                        "(interaction_id, stakeholder, at) VALUES (999, 'P1', 0)"
                    )
                    savepoint = conn.begin_nested()
                    with pytest.raises(sa.exc.IntegrityError):  # the triggers fire again
                        conn.exec_driver_sql(dangling)
                    savepoint.rollback()
            finally:
                admin.close()
            assert crm.interactions.count() == 2
            sql = probe_for(url, crm)
            try:
                check_summaries(sql)
            finally:
                sql.close()
        finally:
            crm.close()
    finally:
        pg_cluster.drop_database(name)
        pg_cluster.admin(f"DROP ROLE IF EXISTS {role}")


def test_pin_counts_and_locks_every_key(pg_cluster: PgCluster) -> None:
    pg_cluster.admin_url()
    name = pg_cluster.create_database()
    url = pg_cluster.url(name)
    crm = rbp.open(url)
    try:
        _directory(crm)
        with crm._uow.write() as conn:
            held: tuple[set[str], set[str]] = (set(), set())
            _log_pg.pin(conn, {"P1", "m-1"}, set(), held)
            assert held == ({"P1", "m-1"}, set())
            with pytest.raises(StoreError):
                _log_pg.pin(conn, {"P1", "nobody"}, set(), held)
            assert held == ({"P1", "m-1"}, set())  # nothing added by a failed pin
            _log_pg.pin(conn, {"P1", "m-2"}, set(), held)
            assert held == ({"P1", "m-1", "m-2"}, set())
            # another session cannot delete a pinned row (it waits for this transaction)
            with psycopg.connect(_conninfo(url), autocommit=True) as other:
                other.execute("SET lock_timeout = '300ms'")
                with pytest.raises(psycopg.errors.LockNotAvailable):
                    other.execute("DELETE FROM stakeholders WHERE key = 'm-2'")
    finally:
        crm.close()
        pg_cluster.drop_database(name)


def test_binary_copy_writes_what_text_copy_writes(pg_cluster: PgCluster) -> None:
    """``copy_rows(binary=True)``: integers, text (varchar too), floats and NULLs arrive as
    sent; a table with a column of another type is sent as text instead."""
    import datetime as dt

    from rbp._schema._copy import copy_rows

    pg_cluster.admin_url()
    name = pg_cluster.create_database()
    md = sa.MetaData()
    plain = sa.Table(
        "plain",
        md,
        sa.Column("a", sa.BigInteger),
        sa.Column("b", sa.Integer),
        sa.Column("c", sa.String(10)),
        sa.Column("d", sa.Text),
        sa.Column("e", sa.Float),
        sa.Column("f", sa.SmallInteger),
    )
    dated = sa.Table("dated", md, sa.Column("a", sa.Integer), sa.Column("on", sa.Date))
    rows = [
        (2**62, -(2**31), "ä-1", "line\ttab\nnew", 0.1, 7),
        (None, None, None, None, None, None),
        (0, 0, "", "", -1e300, -(2**15)),
    ]
    engine = sa.create_engine(pg_cluster.url(name))
    try:
        md.create_all(engine)
        with engine.begin() as conn:
            assert copy_rows(conn, plain, tuple("abcdef"), rows, binary=True) == 3
            on = dt.date(2026, 3, 2)
            assert copy_rows(conn, dated, ("a", "on"), [(1, on)], binary=True) == 1
        with psycopg.connect(_conninfo(pg_cluster.url(name))) as check:
            got = check.execute("SELECT a, b, c, d, e, f FROM plain ORDER BY ctid").fetchall()
            assert got == rows
            assert check.execute('SELECT a, "on" FROM dated').fetchall() == [(1, on)]
    finally:
        engine.dispose()
        pg_cluster.drop_database(name)


def test_a_deployments_own_trigger_keeps_every_trigger_on(pg_cluster: PgCluster) -> None:
    """A trigger a deployment added to a written table would be silenced by ``replica``
    too: the writer then leaves every trigger on, and the added one fires per row."""
    pg_cluster.admin_url()
    name = pg_cluster.create_database()
    url = pg_cluster.url(name)
    crm = rbp.open(url)
    try:
        _directory(crm)
        with psycopg.connect(_conninfo(url), autocommit=True) as admin:
            admin.execute("CREATE TABLE fired (topic text)")
            admin.execute(
                "CREATE FUNCTION note_topic() RETURNS trigger LANGUAGE plpgsql AS "
                "$$ BEGIN INSERT INTO fired VALUES (NEW.topic); RETURN NEW; END $$"
            )
            admin.execute(
                "CREATE TRIGGER note_topic AFTER INSERT ON interaction_topics "
                "FOR EACH ROW EXECUTE FUNCTION note_topic()"
            )
        with crm._uow.write(bulk=True, checked=True) as conn:
            assert LogWriter(conn)._triggers is None
        items = [_item(1, "P1", "m-1"), _item(2, "P2", "m-2")]
        items[0]["topics"] = ["lights", "parking"]
        items[1]["topics"] = ["lights"]
        crm.interactions.log_many(items)
        with psycopg.connect(_conninfo(url)) as check:
            got = check.execute("SELECT topic FROM fired ORDER BY topic").fetchall()
            assert got == [("lights",), ("lights",), ("parking",)]
    finally:
        crm.close()
        pg_cluster.drop_database(name)


def test_keys_are_checked_however_the_items_name_them(db_url: str | None) -> None:
    """Keys a chunk's look-up cannot see in advance (a generator of participants, a dict
    view of areas) are still checked, each on its own: the good ones logged, the
    unknown ones (participant, area, plan, concern) reported by row, nothing written."""
    crm = rbp.open(db_url)
    _directory(crm)
    crm.directory.add_many([rbp.Area("north")])
    sql = probe_for(db_url, crm)
    try:
        good = _item(1, "P1", "m-1")
        good["participants"] = (k for k in ("P1", "m-1"))
        good["areas"] = {"north": 1}.keys()
        assert list(crm.interactions.log_many([good, _item(2, "P2", "m-2")])) == [1, 2]
        check_summaries(sql)
        assert sql.count("interaction_areas") == 1
        bad = [
            {**_item(3, "P1"), "participants": (k for k in ("P1", "ghost"))},
            {**_item(4, "P1"), "areas": {"south": 1}.keys()},
            {**_item(5, "P1"), "plan": "no-plan"},
            {**_item(6, "P1"), "concern": "no-concern"},
            _item(7, "P1", "ghost"),  # the same unknown key again
        ]
        with pytest.raises(rbp.BulkValidationError) as info:
            crm.interactions.log_many(bad)
        got = [(e.row, e.field, e.key) for e in info.value.errors]
        assert got == [
            (0, "participants", "ghost"),
            (1, "areas", "south"),
            (2, "plan", "no-plan"),
            (3, "concern", "no-concern"),
            (4, "participants", "ghost"),
        ]
        assert sql.count("interactions") == 2
    finally:
        sql.close()
        crm.close()
