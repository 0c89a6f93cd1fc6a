"""A whole graph on SQLite is built on two threads (rbp.graph._reading.beside): SQLite
works the community ties out into a temporary table while a second thread writes the
officer edges. The work's errors reach the caller, no thread outlives the call, and no
temporary table outlives it either; a read-only store builds the same way."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pendulum
import pytest
import sqlalchemy as sa

import rbp
from rbp.graph._reading import beside
from rbp.interactions import Interaction

T = pendulum.datetime(2026, 6, 30, 12, tz="UTC")


def _threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name == "rbp-graph-beside"]


def _temp_tables(conn: sa.Connection) -> list[str]:
    return [r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_temp_master")]


@pytest.fixture
def engine() -> Iterator[sa.Engine]:
    engine = sa.create_engine("sqlite://")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (a TEXT, b INTEGER)")
        conn.exec_driver_sql("INSERT INTO t VALUES ('x', 2), ('w', 1), ('y', 3)")
    yield engine
    engine.dispose()


def _query() -> sa.Select[tuple[str, int]]:
    t = sa.table("t", sa.column("a"), sa.column("b"))
    return sa.select(t.c.a, t.c.b).order_by(t.c.b)


def test_rows_come_in_order_after_the_work_and_the_table_is_dropped(engine: sa.Engine) -> None:
    done: list[str] = []

    def work() -> None:
        time.sleep(0.05)
        done.append(threading.current_thread().name)

    with engine.connect() as conn, conn.begin():
        with beside(conn, _query(), work) as rows:
            assert done == ["rbp-graph-beside"]  # ran on its own thread, and is over
            assert list(rows) == [("w", 1), ("x", 2), ("y", 3)]
        assert _temp_tables(conn) == []
    assert _threads() == []


def test_an_error_of_the_work_is_raised_here(engine: sa.Engine) -> None:
    def work() -> None:
        raise ValueError("the work failed")

    with engine.connect() as conn, conn.begin():
        with (
            pytest.raises(ValueError, match="the work failed"),
            beside(conn, _query(), work),
        ):
            pytest.fail("the rows are not handed out after the work failed")
        assert _temp_tables(conn) == []
        assert conn.exec_driver_sql("SELECT count(*) FROM t").scalar() == 3  # still usable
    assert _threads() == []


def test_an_error_of_the_statement_is_raised_once_the_work_is_over(engine: sa.Engine) -> None:
    done: list[bool] = []

    def work() -> None:
        time.sleep(0.2)
        done.append(True)

    missing = sa.select(sa.column("a")).select_from(sa.table("nowhere"))
    with engine.connect() as conn, conn.begin():
        with (
            pytest.raises(sa.exc.OperationalError, match="no such table"),
            beside(conn, missing, work),
        ):
            pytest.fail("no rows without a statement")
        assert done == [True]
        assert _temp_tables(conn) == []
    assert _threads() == []


def _read_one_and_fail(conn: sa.Connection) -> None:
    with beside(conn, _query(), lambda: None) as rows:
        next(rows)
        raise KeyError("reader")


def test_an_error_while_the_rows_are_read_drops_the_table(engine: sa.Engine) -> None:
    with engine.connect() as conn, conn.begin():
        with pytest.raises(KeyError):
            _read_one_and_fail(conn)
        assert _temp_tables(conn) == []


@pytest.fixture
def city(tmp_path: Path) -> Path:
    path = tmp_path / "city.db"
    crm = rbp.open(path, tz="UTC")
    crm.directory.add_many(
        [rbp.Officer("P1"), rbp.Officer("P2")]
        + [rbp.CommunityMember(f"m-{i}") for i in range(6)]
        + [rbp.PartnerAgency("a-1")]
    )
    crm.interactions.log_many(
        [
            Interaction(at=T.subtract(days=d), kind="meeting", participants=people)
            for d, people in [
                (3, ("P1", "m-0", "m-1")),
                (40, ("P2", "m-1", "m-2", "a-1")),
                (90, ("m-3", "m-4")),
                (200, ("P1", "m-5")),
            ]
        ]
    )
    crm.close()
    return path


def test_a_read_only_store_builds_the_same_graph(city: Path) -> None:
    with rbp.open(city) as crm:
        want = crm.graph.build(as_of=T)
    with rbp.open(city, readonly=True) as crm:
        got = crm.graph.build(as_of=T)
        with crm.engine.connect() as conn:
            assert _temp_tables(conn) == []
    assert _threads() == []
    assert list(got.nodes(data=True)) == list(want.nodes(data=True))
    assert [(n, list(got.adj[n].items())) for n in got] == [
        (n, list(want.adj[n].items())) for n in want
    ]
    # the pairs of each interaction, by hand: officer x other, member/agency pairs
    officer = {("P1", "m-0"), ("P1", "m-1"), ("P2", "m-1"), ("P2", "m-2"), ("P2", "a-1")}
    officer |= {("P1", "m-5")}
    community = {("m-0", "m-1"), ("m-1", "m-2"), ("a-1", "m-1"), ("a-1", "m-2"), ("m-3", "m-4")}
    edges = {tuple(sorted((a, b))): kind for a, b, kind in got.edges(data="kind")}
    assert edges == {
        **dict.fromkeys(officer, "officer_tie"),
        **dict.fromkeys(community, "community_tie"),
    }
