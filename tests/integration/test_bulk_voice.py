"""Bulk writes of the directory and the community's voice, against the one-by-one path.

``crm.concerns.report_many`` must leave the same rows as ``report`` and one
``set_status`` per change (concerns, their history, the reporters' updates), and
``crm.directory.relate_many`` the same rows as ``relate``; both are all or nothing with
every bad item named. Rows are read back with plain SQL. The bulk page cache of the
unit of work is read back with ``PRAGMA cache_size`` on the same connection.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rbp
from rbp import BulkValidationError
from rbp._unit import BULK_CACHE_KIB
from rbp.engagement import Concern, ConcernStatus
from tests.conftest import FreshStore
from tests.databases import DB_KINDS, TZ, PlainSQL

T0 = pendulum.datetime(2026, 3, 2, 9, tz=TZ)
S = ConcernStatus
# The transition table, written out again.
MOVES: dict[ConcernStatus, list[ConcernStatus]] = {
    S.RECEIVED: [S.ACKNOWLEDGED, S.CLOSED],
    S.ACKNOWLEDGED: [S.IN_PROGRESS, S.RESOLVED, S.CLOSED],
    S.IN_PROGRESS: [S.RESOLVED, S.CLOSED],
    S.RESOLVED: [S.CLOSED, S.IN_PROGRESS],
    S.CLOSED: [],
}
Item = tuple[Concern, list[tuple[ConcernStatus, pendulum.DateTime]]]


def _world(crm: rbp.Store) -> None:
    crm.directory.add_many(
        [
            rbp.Area("d-1"),
            rbp.Area("b-1", parent="d-1"),
            rbp.Area("b-2", parent="d-1"),
            rbp.Officer("P1"),
            rbp.PartnerAgency("org-1"),
            rbp.CommunityMember(
                "m-ok", may_contact=True, contact=rbp.Contact(email="ok@example.org")
            ),
            rbp.CommunityMember(
                "m-sms", may_contact=True, may_text=True, contact=rbp.Contact(phone="5550101")
            ),
            rbp.CommunityMember("m-no"),
        ]
    )


def _snapshot(sql: PlainSQL) -> dict[str, list[tuple[Any, ...]]]:
    """What a concern leaves behind, in the order it was written."""
    return {
        "concerns": sql.rows(
            "SELECT key, at, area, category, text, reporter, tip, code_salt, code_hash "
            "FROM concerns ORDER BY id"
        ),
        "events": sql.rows(
            "SELECT concern, at, kind, status, owner, note, public FROM concern_events ORDER BY id"
        ),
        "messages": sql.rows(
            "SELECT recipient, address, channel, kind, ref, text, made, not_before, status, "
            "reason, attempts, next_try FROM messages ORDER BY id"
        ),
    }


def _one_by_one(crm: rbp.Store, items: Sequence[Item]) -> list[str]:
    keys = []
    for concern, moves in items:
        key = crm.concerns.report(concern)
        for status, at in moves:
            crm.concerns.set_status(key, status, at=at)
        keys.append(key)
    return keys


def _items() -> list[Item]:
    """Every status reached, reporters who may be told (by email, by text), one who may
    not, none; a key given by hand; two concerns at the same time."""

    def c(hours: int, reporter: str | None, key: str | None = None) -> Concern:
        return Concern(
            at=T0.add(hours=hours), area="b-1" if hours % 2 else "b-2", category="noise",
            text=f"concern {hours}", reporter=reporter, key=key,
        )  # fmt: skip

    h = T0.add
    return [
        (c(1, "m-ok"), [(S.ACKNOWLEDGED, h(hours=2)), (S.RESOLVED, h(days=3))]),
        (c(2, None), []),
        (c(3, "m-sms"), [(S.ACKNOWLEDGED, h(hours=4)), (S.IN_PROGRESS, h(hours=4))]),
        (c(4, "m-no"), [(S.CLOSED, h(hours=5))]),
        (c(5, "m-ok", key="REF-77"), [(S.ACKNOWLEDGED, h(hours=6))]),
        (
            c(5, "m-sms"),
            [
                (S.ACKNOWLEDGED, h(hours=7)),
                (S.RESOLVED, h(days=2)),
                (S.IN_PROGRESS, h(days=4)),
                (S.RESOLVED, h(days=5)),
                (S.CLOSED, h(days=6)),
            ],
        ),
    ]


@pytest.mark.parametrize("kind", DB_KINDS)
def test_report_many_writes_what_report_and_set_status_write(
    fresh_store: FreshStore, kind: str
) -> None:
    items = _items()
    with fresh_store(kind) as (crm, sql):
        _world(crm)
        keys = _one_by_one(crm, items)
        expected = _snapshot(sql)
    with fresh_store(kind) as (crm, sql):
        _world(crm)
        got = crm.concerns.report_many((concern, list(moves)) for concern, moves in items)
        assert got == keys
        assert _snapshot(sql) == expected
        assert keys[:5] == ["C-000001", "C-000002", "C-000003", "C-000004", "REF-77"]
        # One audit entry per concern, with its final status.
        audit = sql.rows(
            "SELECT key, detail FROM audit_log WHERE entity = 'concern' AND action = 'report' "
            "ORDER BY id"
        )
        assert [k for k, _ in audit] == keys
        assert '"status": "resolved"' in audit[0][1]
        assert '"status": "received"' in audit[1][1]
        # The reads agree with the rows: the last status of each.
        assert crm.concerns.get(keys[2]).status is S.IN_PROGRESS
        assert crm.concerns.get(keys[5]).status is S.CLOSED


@st.composite
def _histories(draw: st.DrawFn) -> list[Item]:
    """Concerns with walks through the transition table, at rising (sometimes equal)
    times; reporters of every kind."""
    out: list[Item] = []
    for n in range(draw(st.integers(1, 6))):
        at = T0.add(hours=draw(st.integers(0, 500)))
        reporter = draw(st.sampled_from([None, "m-ok", "m-sms", "m-no"]))
        area = draw(st.sampled_from(["b-1", "b-2", "d-1"]))
        status, when, moves = S.RECEIVED, at, []
        for _ in range(draw(st.integers(0, 5))):
            if not MOVES[status]:
                break
            status = draw(st.sampled_from(MOVES[status]))
            when = when.add(minutes=draw(st.integers(0, 3000)))
            moves.append((status, when))
        concern = Concern(at=at, area=area, category="lighting", text=f"c{n}", reporter=reporter)
        out.append((concern, moves))
    return out


@settings(max_examples=25, derandomize=True, deadline=None)
@given(items=_histories())
def test_report_many_matches_one_by_one_on_drawn_histories(
    fresh_store: FreshStore, items: list[Item]
) -> None:
    with fresh_store("sqlite-memory") as (crm, sql):
        _world(crm)
        keys = _one_by_one(crm, items)
        expected = _snapshot(sql)
    with fresh_store("sqlite-memory") as (crm, sql):
        _world(crm)
        assert crm.concerns.report_many(items) == keys
        assert _snapshot(sql) == expected


@pytest.mark.parametrize("kind", DB_KINDS)
def test_report_many_names_every_bad_item_and_writes_nothing(
    fresh_store: FreshStore, kind: str
) -> None:
    with fresh_store(kind) as (crm, sql):
        _world(crm)
        crm.concerns.report(Concern(at=T0, area="b-1", category="noise", text=".", key="OLD-1"))
        before = sql.counts()

        def c(**kw: Any) -> Concern:
            return Concern(**{"at": T0, "area": "b-1", "category": "noise", "text": ".", **kw})

        naive = pendulum.naive(2026, 3, 3)
        bad: list[Any] = [
            c(key="NEW-1"),  # 0: good
            c(area="b-404"),  # 1: no such area
            c(reporter="m-404"),  # 2: no such reporter
            (c(), [(S.RESOLVED, T0.add(hours=1))]),  # 3: received cannot go to resolved
            (c(), [(S.ACKNOWLEDGED, T0.add(hours=2)), (S.CLOSED, T0.add(hours=1))]),  # 4: back
            c(key="NEW-1"),  # 5: the key of item 0
            c(key="OLD-1"),  # 6: a key in the store
            "a concern",  # 7: not a concern
            (c(), [(S.ACKNOWLEDGED, naive)]),  # 8: a naive time
            (c(), [("asleep", T0)]),  # 9: no such status
            (c(), [S.ACKNOWLEDGED]),  # 10: not a (status, at) pair
            (c(), 5),  # 11: changes that are not a list
            (c(), [(S.ACKNOWLEDGED, T0.subtract(hours=1))]),  # 12: before the report
        ]
        with pytest.raises(BulkValidationError) as caught:
            crm.concerns.report_many(bad)
        rows = [e.row for e in caught.value.errors]
        assert rows == list(range(1, 13))
        fields = {e.row: e.field for e in caught.value.errors}
        assert (fields[1], fields[2], fields[5], fields[6]) == ("area", "reporter", "key", "key")
        assert "item 3:" in str(caught.value)
        assert sql.counts() == before


def test_report_many_across_batches(
    fresh_store: FreshStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("rbp.engagement._concern_bulk.CHUNK", 3)
    items = [
        (
            Concern(at=T0.add(hours=i), area="b-1", category="noise", text=".", reporter="m-ok"),
            [(S.ACKNOWLEDGED, T0.add(hours=i + 1))] if i % 2 else [],
        )
        for i in range(8)
    ]
    # A key given by hand that the store would make later on: the made one gets a suffix.
    items[1] = (Concern(at=T0, area="b-1", category="noise", text=".", key="C-000007"), [])
    with fresh_store("sqlite-memory") as (crm, sql):
        _world(crm)
        keys = crm.concerns.report_many(items)
        assert len(set(keys)) == 8
        assert keys[1] == "C-000007"
        assert keys[6].startswith("C-000007-")
        assert sql.count("concerns") == 8
        assert sql.count("concern_events") == 8 + 3
        assert sql.count("messages") == 7 + 3  # the hand-keyed one has no reporter
    with fresh_store("sqlite-memory") as (crm, sql):
        _world(crm)
        items[7] = (Concern(at=T0, area="b-9", category="noise", text="."), [])
        with pytest.raises(BulkValidationError) as caught:
            crm.concerns.report_many(items)
        assert [e.row for e in caught.value.errors] == [7]
        assert sql.count("concerns") == 0


def test_report_many_refuses_what_is_not_a_list_of_items() -> None:
    crm = rbp.open(tz=TZ)
    one = Concern(at=T0, area="b-1", category="noise", text=".")
    for junk in (one, (one, [(S.ACKNOWLEDGED, T0)]), "C-1", 5, None):
        with pytest.raises(TypeError, match="concerns"):
            crm.concerns.report_many(junk)  # type: ignore[arg-type]
    assert crm.concerns.report_many([]) == []


# ----------------------------------------------------------------------------- relate_many


def _relationships() -> list[rbp.Relationship]:
    since = T0.subtract(days=30)
    return [
        rbp.Relationship("m-ok", "org-1", "member_of", since=since),
        rbp.Relationship("P1", "org-1", "liaison_for", since=since, until=T0),
        rbp.Relationship("m-ok", "m-sms", "knows"),
        rbp.Relationship("org-1", "m-no", "refers_to", since=since),
        rbp.Relationship("m-no", "org-1", "works_for"),
    ]


@pytest.mark.parametrize("kind", DB_KINDS)
def test_relate_many_writes_what_relate_writes(
    fresh_store: FreshStore, kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("rbp.directory._relations._CHUNK", 2)  # three batches
    query = "SELECT id, a, b, kind, since, until FROM relationships ORDER BY id"
    with fresh_store(kind) as (crm, sql):
        _world(crm)
        for r in _relationships():
            crm.directory.relate(r.a, r.b, r.kind, since=r.since, until=r.until)
        expected = sql.rows(query)
    with fresh_store(kind) as (crm, sql):
        _world(crm)
        assert crm.directory.relate_many(iter(_relationships())) == 5
        assert sql.rows(query) == expected
        assert sql.rows(
            "SELECT action, entity, detail FROM audit_log WHERE entity = 'relationship'"
        ) == [("relate", "relationship", '{"count": 5}')]


@pytest.mark.parametrize("kind", DB_KINDS)
def test_relate_many_names_bad_items_in_every_batch_and_writes_nothing(
    fresh_store: FreshStore, kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("rbp.directory._relations._CHUNK", 2)
    items: list[Any] = _relationships()
    items[1] = rbp.Relationship("m-404", "org-1", "knows")
    items[3] = "knows"
    items.append(rbp.Relationship("P1", "org-404", "knows"))
    with fresh_store(kind) as (crm, sql):
        _world(crm)
        with pytest.raises(BulkValidationError) as caught:
            crm.directory.relate_many(items)
        errors = caught.value.errors
        assert [(e.row, e.field, e.key) for e in errors] == [
            (1, "a", "m-404"),
            (3, None, None),
            (5, "b", "org-404"),
        ]
        assert sql.count("relationships") == 0


# ----------------------------------------------------------------------------- the page cache


def _cache(conn: Any) -> int:
    return int(conn.exec_driver_sql("PRAGMA cache_size").scalar_one())


def test_bulk_writes_get_a_large_page_cache_and_give_it_back(tmp_path: Any) -> None:
    crm = rbp.open(tmp_path / "c.db", tz=TZ)
    uow = crm.directory._uow
    try:
        with uow.write() as conn:
            own = _cache(conn)
        assert own > -BULK_CACHE_KIB  # smaller than the bulk size (negative is KiB)
        with uow.write(bulk=True) as conn:
            assert _cache(conn) == -BULK_CACHE_KIB
        with uow.write() as conn:
            assert _cache(conn) == own
        seen = []

        def fail() -> None:
            with uow.write(bulk=True) as conn:
                seen.append(_cache(conn))
                raise ZeroDivisionError

        with pytest.raises(ZeroDivisionError):
            fail()
        assert seen == [-BULK_CACHE_KIB]
        with uow.write() as conn:
            assert _cache(conn) == own
        # A connection whose cache is larger already keeps it.
        with uow.write() as conn:
            conn.exec_driver_sql(f"PRAGMA cache_size=-{2 * BULK_CACHE_KIB}")
        with uow.write(bulk=True) as conn:
            assert _cache(conn) == -2 * BULK_CACHE_KIB
    finally:
        crm.close()


def test_a_long_log_keeps_the_cache_larger_than_its_growing_file(tmp_path: Any) -> None:
    """Inside a bulk write ``grow_cache`` raises a connection's cache to three times its
    file once the file passes two thirds of it (file size read back with
    ``os.path.getsize`` after a checkpoint, not from rbp), never shrinks it, and the bulk
    write puts the connection's own size back; a file well inside the cache leaves the
    cache alone."""
    import os
    import sqlite3

    from rbp._unit import BULK_CACHE_KIB, BULK_CACHE_MAX_KIB, grow_cache

    path = tmp_path / "c.db"
    crm = rbp.open(path, tz=TZ)
    uow = crm.directory._uow
    try:
        with uow.write() as conn:
            conn.exec_driver_sql("CREATE TABLE filler (x BLOB)")
            conn.exec_driver_sql(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500) "
                "INSERT INTO filler SELECT randomblob(4000) FROM n"
            )
        plain = sqlite3.connect(path)  # the WAL into the file, by plain sqlite3
        plain.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        plain.close()
        file_kib = os.path.getsize(path) // 1024
        assert 2_000 < file_kib < 3_000  # 500 blobs of 4,000 bytes, a page each
        with uow.write() as conn:
            own = _cache(conn)
        with uow.write(bulk=True) as conn:
            grow_cache(conn)  # the file is far inside the bulk cache: nothing changes
            assert _cache(conn) == -BULK_CACHE_KIB
            conn.exec_driver_sql("PRAGMA cache_size=-1000")  # a cache smaller than the file
            grow_cache(conn)
            assert _cache(conn) == -3 * file_kib
            grow_cache(conn)  # the file has not grown: the same size
            assert _cache(conn) == -3 * file_kib
        with uow.write() as conn:  # the bulk write put the connection's own size back
            assert _cache(conn) == own
        with uow.write(bulk=True) as conn:
            conn.exec_driver_sql(f"PRAGMA cache_size=-{BULK_CACHE_MAX_KIB}")
            grow_cache(conn)  # at the most already: left alone
            assert _cache(conn) == -BULK_CACHE_MAX_KIB
        with uow.write() as conn:
            assert _cache(conn) == own
    finally:
        crm.close()
