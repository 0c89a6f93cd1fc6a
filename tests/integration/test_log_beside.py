"""The log's fold beside the next batch (SQLite): one thread at a time on the connection,
the fold's error raised by the call, and nothing written when it fails.

Each batch's folds and merges run on a second thread while the log reads the next batch;
every statement on the store's connections is timed through the driver's own connection
and cursor classes, and none of the calling thread's may run while a fold does. The
summaries are checked against the brute force (:func:`tests.pair_summaries.check_summaries`),
the tables read through plain SQL.
"""

from __future__ import annotations

import contextlib
import functools
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pendulum
import pytest
import sqlalchemy as sa

import rbp
from rbp._queries import community_batch
from rbp.interactions import _log, _log_keys
from tests.community_summaries import check_community
from tests.databases import probe_for
from tests.pair_summaries import check_summaries

T0 = pendulum.datetime(2025, 3, 1, 9, tz="UTC")
PEOPLE = [("P1", "m-1"), ("P2", "m-2", "m-3"), ("P1", "P2", "m-1"), ("m-2", "m-3", "P1")]


def _items(count: int, *, new_from: int = 0) -> Iterator[dict[str, Any]]:
    """``count`` contacts; from item ``new_from`` on, every fourth names a member met
    for the first time in the call (so a key look-up waits for the fold)."""
    for n in range(count):
        people = list(PEOPLE[n % 4])
        if n >= new_from and n % 4 == 0:
            people.append(f"m-{10 + n}")
        at = T0.add(hours=7 * n - 30 * (n % 5))
        yield {
            "at": at,
            "kind": "call",
            "participants": people,
            "follow_up_by": at.add(days=n % 9) if n % 3 == 0 else None,
        }


def _store(url: str | None, count: int) -> rbp.Store:
    crm = rbp.open(url)
    crm.directory.add_many(
        [rbp.Officer("P1"), rbp.Officer("P2")]
        + [rbp.CommunityMember(f"m-{n}") for n in (1, 2, 3)]
        + [rbp.CommunityMember(f"m-{10 + n}") for n in range(0, count, 4)]
    )
    return crm


@pytest.fixture(params=["file", "memory"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str | None:
    """A SQLite file (a pool of connections) and a store in memory (one shared one)."""
    return str(tmp_path / "beside.db") if request.param == "file" else None


class _Spans:
    """When each statement ran on a connection, and on which thread (recorded by the
    driver's own connection and cursor classes, so the log's raw look-ups count too)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.statements: list[tuple[float, float, str, str]] = []
        self.folds: list[tuple[float, float]] = []

    @contextlib.contextmanager
    def statement(self, sql: str) -> Iterator[None]:
        begun = time.perf_counter()
        try:
            yield
        finally:
            span = (begun, time.perf_counter(), threading.current_thread().name, sql)
            with self.lock:
                self.statements.append(span)


SPANS = _Spans()


class _Cursor(sqlite3.Cursor):
    def execute(self, sql: str, parameters: Any = (), /) -> Any:
        with SPANS.statement(sql):
            return super().execute(sql, parameters)

    def executemany(self, sql: str, parameters: Any, /) -> Any:
        with SPANS.statement(sql):
            return super().executemany(sql, parameters)


class _Connection(sqlite3.Connection):
    def cursor(self, factory: Any = _Cursor) -> Any:
        return super().cursor(factory)

    def execute(self, sql: str, parameters: Any = (), /) -> Any:
        return self.cursor().execute(sql, parameters)

    def executemany(self, sql: str, parameters: Any, /) -> Any:
        return self.cursor().executemany(sql, parameters)


def test_nothing_else_uses_the_connection_while_a_fold_runs(
    url: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Batches of 6, look-ups of 4, a merge once 13 are waiting, new keys all along, each
    fold made to last 20 ms longer: the folds and merges run on the second thread,
    and no statement of the calling thread (an insert, a look-up of new keys, the
    final merge) runs while a fold is under way; every summary as the brute force says."""
    monkeypatch.setattr(_log, "BATCH", 6)
    monkeypatch.setattr(_log, "MERGE_EVERY", 13)
    monkeypatch.setattr(_log_keys, "LOOKUP", 4)
    connect = sqlite3.connect
    monkeypatch.setattr(sqlite3.dbapi2, "connect", functools.partial(connect, factory=_Connection))
    SPANS.statements.clear()
    SPANS.folds.clear()
    start = _log.Beside.start

    def slow_start(beside: _log.Beside, work: Callable[[], None]) -> None:
        def slow() -> None:
            begun = time.perf_counter()
            time.sleep(0.02)
            work()
            SPANS.folds.append((begun, time.perf_counter()))

        start(beside, slow)

    monkeypatch.setattr(_log.Beside, "start", slow_start)
    count = 61
    crm = _store(url, count)
    try:
        assert crm.interactions.log_many(_items(count, new_from=20)) == range(1, count + 1)
        ran = {name for _, _, name, _ in SPANS.statements}
        assert "rbp-log-fold" in ran
        assert threading.current_thread().name in ran
        assert len(SPANS.folds) == 11  # ten full batches and the last one
        looked_up = [s for s in SPANS.statements if "json_each" in s[3]]
        assert looked_up  # the new keys were looked up along the way
        for begun, ended, name, statement in SPANS.statements:
            if name == "rbp-log-fold":
                continue
            for f_begun, f_ended in SPANS.folds:
                assert ended <= f_begun or begun >= f_ended, statement
    finally:
        monkeypatch.setattr(sqlite3.dbapi2, "connect", connect)
    sql = probe_for(url, crm)
    try:
        check_summaries(sql)
        assert check_community(sql)
        assert sql.count("interactions") == count
    finally:
        sql.close()
        crm.close()


def test_a_fold_that_fails_fails_the_log(url: str | None, monkeypatch: pytest.MonkeyPatch) -> None:
    """The second batch's community fold raises on the fold thread: the call raises that
    error, and no row or summary is left (the first batch's were written and folded)."""
    monkeypatch.setattr(_log, "BATCH", 5)
    fold = community_batch.fold
    calls: list[str] = []

    def failing(*args: Any, **kwargs: Any) -> None:
        calls.append(threading.current_thread().name)
        if len(calls) == 2:
            raise sa.exc.OperationalError("fold", {}, Exception("disk I/O error"))
        fold(*args, **kwargs)

    monkeypatch.setattr(community_batch, "fold", failing)
    crm = _store(url, 23)
    sql = probe_for(url, crm)
    try:
        with pytest.raises(sa.exc.OperationalError, match="disk I/O error"):
            crm.interactions.log_many(_items(23))
        assert calls[:2] == ["rbp-log-fold", "rbp-log-fold"]
        for table in ("interactions", "interaction_participants", "tie_pairs", "tie_months"):
            assert sql.count(table) == 0, table
        assert sql.count("community_pairs") == 0
        monkeypatch.setattr(community_batch, "fold", fold)
        assert crm.interactions.log_many(_items(23)) == range(1, 24)
        check_summaries(sql)
        assert check_community(sql)
    finally:
        sql.close()
        crm.close()


def test_the_caller_raising_waits_for_the_fold(
    url: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The items raise while a fold runs: the call raises the items' error only after
    the fold is over (the rollback never meets it on the connection), nothing is left."""
    monkeypatch.setattr(_log, "BATCH", 5)
    fold = community_batch.fold
    over: list[float] = []

    def slow(*args: Any, **kwargs: Any) -> None:
        time.sleep(0.2)
        fold(*args, **kwargs)
        over.append(time.perf_counter())

    monkeypatch.setattr(community_batch, "fold", slow)

    def items() -> Iterator[dict[str, Any]]:
        yield from _items(5)  # one batch: written, then folded beside
        raise ZeroDivisionError

    crm = _store(url, 5)
    sql = probe_for(url, crm)
    try:
        with pytest.raises(ZeroDivisionError):
            crm.interactions.log_many(items())
        raised = time.perf_counter()
        assert len(over) == 1
        assert over[0] <= raised
        assert sql.count("interactions") == 0
        assert sql.count("tie_months") == 0
    finally:
        sql.close()
        crm.close()
