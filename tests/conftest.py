"""Shared fixtures: the three databases every store test runs on, and a plain-SQL probe.

``db_url`` is parametrized over

* ``sqlite-memory``: ``None``, rbp's default in-memory SQLite;
* ``sqlite-file``: the path of a new SQLite file under ``tmp_path``;
* ``postgresql``: a fresh database (``CREATE DATABASE ... TEMPLATE template0``,
  dropped after the test) on the REAL throwaway PostgreSQL cluster of
  :class:`tests.databases.PgCluster`, started once per session. These tests carry
  the ``postgres`` marker.

``crm`` opens a store on ``db_url`` (America/Chicago, actor "test", a clock fixed at
2026-06-30 12:00 Chicago) and closes it after; ``sql`` is a
:class:`tests.databases.PlainSQL` on the same database, for checking through a
second path.

``@given`` tests may not use function-scoped fixtures: they take the session-scoped
``fresh_store`` factory and open a new empty store for each example::

    @pytest.mark.parametrize("kind", DB_KINDS)
    @given(...)
    def test_x(fresh_store, kind, ...):
        with fresh_store(kind) as (crm, sql):
            ...
"""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

import rbp
from tests.databases import (
    DB_KINDS,
    TZ,
    PgCluster,
    PlainSQL,
    find_pg_bindir,
    fixed_clock,
    probe_for,
)

settings.register_profile(
    "rbp",
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile("ci", parent=settings.get_profile("rbp"), derandomize=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "rbp"))


def pytest_report_header(config: pytest.Config) -> str:
    bindir = find_pg_bindir()
    if bindir is None:
        return (
            "postgresql: NO BINARIES under /usr/lib/postgresql/*/bin -- the PostgreSQL "
            "tests will be SKIPPED (install postgresql-15: `make postgres`)"
        )
    return f"postgresql: {bindir} (a throwaway cluster starts when a test first needs it)"


# ----------------------------------------------------------------------------- PostgreSQL


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    """The session's throwaway PostgreSQL cluster; it starts when first needed."""
    cluster = PgCluster(find_pg_bindir())
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(scope="session")
def pg_admin_url(pg_cluster: PgCluster) -> str:
    """Superuser URL of the cluster's ``postgres`` database (starts the cluster)."""
    return pg_cluster.admin_url()


# ----------------------------------------------------------------------------- db_url, crm


@pytest.fixture(params=DB_KINDS)
def db_url(
    request: pytest.FixtureRequest, tmp_path: Path, pg_cluster: PgCluster
) -> Iterator[str | None]:
    """A new empty database: ``None`` (in-memory SQLite), a SQLite file path, or the
    URL of a PostgreSQL database made for this test and dropped after it."""
    kind = request.param
    if kind == "sqlite-memory":
        yield None
    elif kind == "sqlite-file":
        yield str(tmp_path / "rbp.db")
    else:
        pg_cluster.admin_url()
        name = pg_cluster.create_database()
        try:
            yield pg_cluster.url(name)
        finally:
            pg_cluster.drop_database(name)


@pytest.fixture
def crm(db_url: str | None) -> Iterator[rbp.Store]:
    """A store on ``db_url``: America/Chicago, actor "test", clock fixed at ``NOW``."""
    store = rbp.open(db_url, tz=TZ, actor="test", clock=fixed_clock)
    try:
        yield store
    finally:
        store.close()


@pytest.fixture
def sql(db_url: str | None, crm: rbp.Store) -> Iterator[PlainSQL]:
    """Plain SQL on the database of ``crm``, not through rbp's reading code."""
    probe = probe_for(db_url, crm)
    try:
        yield probe
    finally:
        probe.close()


# ----------------------------------------------------------------------------- hypothesis

FreshStore = Callable[..., contextlib.AbstractContextManager[tuple[rbp.Store, PlainSQL]]]


@pytest.fixture(scope="session")
def fresh_store(pg_cluster: PgCluster) -> Iterator[FreshStore]:
    """A factory for ``@given`` tests: ``with fresh_store(kind) as (crm, sql):``.

    Each call opens a new empty store of ``kind`` ("sqlite-memory", "sqlite-file" or
    "postgresql") like the ``crm`` fixture's (keyword arguments override the zone,
    actor, clock, ...) and closes it after. PostgreSQL reuses one database and empties
    it by recreating its ``public`` schema, which is faster than a new database.
    """
    folder = Path(tempfile.mkdtemp(prefix="rbp-hyp-"))
    files = itertools.count()
    pg_database: list[str] = []

    @contextlib.contextmanager
    def make(kind: str, **options: Any) -> Iterator[tuple[rbp.Store, PlainSQL]]:
        url: str | None
        if kind == "sqlite-memory":
            url = None
        elif kind == "sqlite-file":
            url = str(folder / f"example-{next(files)}.db")
        elif kind == "postgresql":
            pg_cluster.admin_url()
            if pg_database:
                pg_cluster.reset_schema(pg_database[0])
            else:
                pg_database.append(pg_cluster.create_database())
            url = pg_cluster.url(pg_database[0])
        else:
            raise ValueError(f"unknown database kind {kind!r}")
        store = rbp.open(url, **{"tz": TZ, "actor": "test", "clock": fixed_clock, **options})
        probe = probe_for(url, store)
        try:
            yield store, probe
        finally:
            probe.close()
            store.close()
            if kind == "sqlite-file" and url is not None:
                for suffix in ("", "-wal", "-shm"):
                    Path(url + suffix).unlink(missing_ok=True)

    try:
        yield make
    finally:
        for name in pg_database:
            with contextlib.suppress(Exception):
                pg_cluster.drop_database(name)
        shutil.rmtree(folder, ignore_errors=True)
