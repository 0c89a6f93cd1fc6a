"""Shared fixtures: the three databases every store test runs on, and a plain-SQL probe.

``db_url`` is parametrized over

* ``sqlite-memory``: ``None``, rbp's default in-memory SQLite;
* ``sqlite-file``: the path of a new SQLite file under ``tmp_path``;
* ``postgresql``: a fresh database (``CREATE DATABASE ... TEMPLATE template0``,
  dropped after the test) on the REAL throwaway PostgreSQL cluster of
  :class:`tests.databases.PgCluster`, started once per session. These tests carry
  the ``postgres`` marker.

``crm`` opens a store on ``db_url`` (America/Chicago, actor "test", a clock fixed at
2026-06-30 12:00 Chicago) and closes it after. Its new store is not migrated for
each test: ``db_url`` copies one migrated once per process
(:class:`tests.empty_stores.EmptyStores`; tests/integration/test_empty_stores.py
shows the copies are the same as freshly migrated stores). ``sql`` is a
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
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

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
from tests.empty_stores import EmptyStores

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


@pytest.fixture(scope="session")
def empty_stores(pg_cluster: PgCluster) -> Iterator[EmptyStores]:
    """The process's templates of new stores (:class:`tests.empty_stores.EmptyStores`)."""
    folder = Path(tempfile.mkdtemp(prefix="rbp-stores-"))
    stores = EmptyStores(folder, pg_cluster)
    try:
        yield stores
    finally:
        stores.close()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(params=DB_KINDS)
def db_url(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    pg_cluster: PgCluster,
    empty_stores: EmptyStores,
) -> Iterator[str | None]:
    """A new empty database: ``None`` (in-memory SQLite), a SQLite file path, or the
    URL of a PostgreSQL database made for this test and dropped after it.

    When the test also uses ``crm``, the database already holds the new store ``crm``
    opens, copied from a migrated template (the file, or ``CREATE DATABASE ...
    TEMPLATE``; in memory, ``crm`` loads it), as it would once ``crm`` had made it.
    """
    kind = request.param
    if "crm" in request.fixturenames:
        with empty_stores.database(kind, TZ, path=tmp_path / "rbp.db") as url:
            yield url
    elif kind == "sqlite-memory":
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
def crm(db_url: str | None, empty_stores: EmptyStores) -> Iterator[rbp.Store]:
    """A store on ``db_url``: America/Chicago, actor "test", clock fixed at ``NOW``."""
    with empty_stores.loading(TZ) if db_url is None else contextlib.nullcontext():
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
def fresh_store(empty_stores: EmptyStores) -> FreshStore:
    """A factory for ``@given`` tests: ``with fresh_store(kind) as (crm, sql):``.

    Each call opens a new empty store of ``kind`` ("sqlite-memory", "sqlite-file" or
    "postgresql") like the ``crm`` fixture's (keyword arguments override the zone,
    actor, clock, ...) and closes it after. The stores are made from a template
    migrated once per process and zone (:class:`tests.empty_stores.EmptyStores`: a
    copied file, an in-memory copy, on PostgreSQL a database of the process emptied
    and given back the rows of a new store), the same as freshly migrated ones
    (tests/integration/test_empty_stores.py compares them).
    """
    return empty_stores.open
