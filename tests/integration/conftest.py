"""Integration fixtures on top of ``tests/conftest.py``.

``reused_db`` serves ``@given`` tests that need many examples: opening and migrating
a store costs about 0.1 s, so instead of a new database per example (``fresh_store``)
it keeps one migrated database per backend for the whole module and empties every
table with plain SQL before each example.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

import rbp
from rbp._unit import UnitOfWork
from rbp.settings import Settings
from tests.databases import DB_KINDS, TZ, PgCluster, PlainSQL, fixed_clock, probe_for


class ReusedDatabase:
    """One migrated database of one backend, emptied on demand.

    ``store(settings)`` empties every table (plain ``DELETE``, children first) and
    returns a :class:`rbp.Store` on the same engine, configured like the ``crm``
    fixture's store (America/Chicago, actor "test", the fixed clock) with ``settings``.
    """

    def __init__(self, kind: str, url: str | None) -> None:
        self.kind = kind
        self.base = rbp.open(url, tz=TZ, actor="test", clock=fixed_clock)
        self.sql: PlainSQL = probe_for(url, self.base)
        meta = sa.MetaData()
        meta.reflect(self.sql.engine)
        self._tables = [t for t in reversed(meta.sorted_tables) if t.name != "alembic_version"]

    def store(self, settings: Settings | None = None) -> rbp.Store:
        with self.sql.engine.begin() as conn:
            for table in self._tables:
                conn.execute(table.delete())
        # A new store on the same engine: the in-memory database lives in the engine.
        return rbp.Store(
            UnitOfWork(self.base.engine, tz=TZ, actor="test", clock=fixed_clock, settings=settings)
        )

    def close(self) -> None:
        self.sql.close()
        self.base.close()


@pytest.fixture(scope="module", params=DB_KINDS)
def reused_db(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, pg_cluster: PgCluster
) -> Iterator[ReusedDatabase]:
    """A migrated database of each backend kept for the module; see :class:`ReusedDatabase`."""
    kind = request.param
    pg_name: str | None = None
    url: str | None
    if kind == "sqlite-memory":
        url = None
    elif kind == "sqlite-file":
        url = str(Path(tmp_path_factory.mktemp("reused")) / "rbp.db")
    else:
        pg_cluster.admin_url()
        pg_name = pg_cluster.create_database()
        url = pg_cluster.url(pg_name)
    db = ReusedDatabase(kind, url)
    try:
        yield db
    finally:
        db.close()
        if pg_name is not None:
            pg_cluster.drop_database(pg_name)
