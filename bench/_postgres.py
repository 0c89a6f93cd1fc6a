"""A PostgreSQL server for the benchmarks.

``--postgres URL`` uses the server at ``URL`` (a SQLAlchemy URL such as
``postgresql+psycopg://rbp@localhost/rbp``, whose user may create databases: each
benchmark makes databases of its own, named ``rbp_bench_*``). ``--postgres`` alone
starts a throwaway server the way the tests do (:class:`tests.databases.PgCluster`:
Debian's ``initdb`` + ``pg_ctl`` in a temporary folder, run as the ``postgres`` user
when we are root, durability off, unix socket in the folder) and stops it at the end.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import sqlalchemy as sa
from sqlalchemy.pool import NullPool

THROWAWAY = "throwaway"
"""The ``const`` of ``--postgres`` given without a URL."""


class Server:
    """Databases on one PostgreSQL server, through a URL of any database on it."""

    def __init__(self, url: str) -> None:
        self.admin_url = url

    def url(self, database: str) -> str:
        """SQLAlchemy URL of ``database`` on this server."""
        return sa.make_url(self.admin_url).set(database=database).render_as_string(False)

    def conninfo(self, database: str) -> str:
        """libpq URL of ``database`` (for psycopg itself)."""
        url = sa.make_url(self.admin_url).set(drivername="postgresql", database=database)
        return url.render_as_string(False)

    def _admin(self, statement: str) -> list[tuple[object, ...]]:
        engine = sa.create_engine(self.admin_url, poolclass=NullPool)
        try:
            with engine.connect() as conn:
                result = conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
                    statement
                )
                return [tuple(r) for r in result] if result.returns_rows else []
        finally:
            engine.dispose()

    def exists(self, database: str) -> bool:
        """Whether ``database`` is there."""
        return bool(self._admin(f"SELECT 1 FROM pg_database WHERE datname = '{database}'"))

    def fresh(self, database: str) -> str:
        """Drop ``database`` if it is there, create it empty; its SQLAlchemy URL."""
        self.drop(database)
        self._admin(f'CREATE DATABASE "{database}" TEMPLATE template0')
        return self.url(database)

    def drop(self, database: str) -> None:
        """Drop ``database`` (ending its sessions) if it is there."""
        self._admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


@contextlib.contextmanager
def server(url: str) -> Iterator[Server]:
    """The server at ``url``, or (``url == THROWAWAY``) a throwaway one for the block."""
    if url != THROWAWAY:
        yield Server(url)
        return
    from tests.databases import PgCluster, find_pg_bindir

    bindir = find_pg_bindir()
    if bindir is None:
        raise SystemExit(
            "PostgreSQL binaries not found under /usr/lib/postgresql/*/bin; "
            "pass --postgres URL of a running server"
        )
    cluster = PgCluster(bindir)
    try:
        admin = cluster.admin_url()
        print(f"throwaway PostgreSQL {cluster.major} on 127.0.0.1:{cluster.port}", flush=True)
        yield Server(admin)
    finally:
        cluster.stop()
