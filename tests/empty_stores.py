"""New empty stores in milliseconds: each kind migrated once per zone, then copied or reset.

``rbp.open`` on an empty database runs every Alembic migration (about 0.15 s of CPU on
SQLite, far more on PostgreSQL), and the tests open thousands of new stores: one per
test through the ``crm`` fixture, one per example in ``@given`` tests. An
:class:`EmptyStores` (one per test process) migrates a *template* once per zone, with
``rbp.open`` itself, and makes every later store from it:

* ``sqlite-file``: the template file is copied, and ``rbp.open`` opens the copy (an
  existing store at the newest revision: nothing to migrate);
* ``sqlite-memory``: ``rbp.open(None)`` runs as always, but the new in-memory
  database receives the template's pages (SQLite's backup API) when its first
  connection is made, after rbp's own connection pragmas, so ``open`` finds a store
  at the newest revision (:meth:`EmptyStores.loading`);
* ``postgresql``, one store per test (:meth:`EmptyStores.database`, the ``crm``
  fixture): a database made by ``CREATE DATABASE ... TEMPLATE`` from the migrated
  template database (a copy of its files, so the same down to the planner's
  statistics) and dropped after the test;
* ``postgresql``, one store per example (:meth:`EmptyStores.open`, ``fresh_store``):
  a database of the process, copied from the template once and emptied before each
  example: every row deleted, the rows a new store holds put back (the Alembic
  revision and the zone, read from the template), every sequence set to where the
  template has it. Rows and sequences are then exactly a new store's; a table whose
  file grew past :data:`BLOATED` bytes is truncated too, so dead rows do not pile up.
  When a test changed the schema (a signature of the system catalogs differs from the
  one taken after the last reset: any catalog row added, changed or removed), the
  database is dropped and copied again.

tests/integration/test_empty_stores.py compares every kind of store made here with
one ``rbp.open`` migrated on a brand-new database, through plain SQL (every table's
rows, the schema, the sequences' next values, the pragmas), after a test filled it,
changed its schema, and asked for another zone.

The template of a zone is made by ``rbp.open(url, tz=zone)`` with the ``crm``
fixture's actor and clock; a store opened with other options (actor, clock,
settings) holds the same rows, which the comparison test checks too.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.pool import NullPool

import rbp
import rbp.store
from tests.databases import TZ, PgCluster, PlainSQL, fixed_clock, probe_for

__all__ = ["DEFAULTS", "EmptyStores"]

DEFAULTS: dict[str, Any] = {"tz": TZ, "actor": "test", "clock": fixed_clock}
"""The options of the ``crm`` fixture; a caller's keyword arguments override them."""

BLOATED = 1 << 20
"""A table whose file is larger than this (bytes) after an example is truncated, not
only emptied."""

_CATALOGS = (
    "pg_namespace",
    "pg_class",
    "pg_attribute",
    "pg_attrdef",
    "pg_constraint",
    "pg_index",
    "pg_inherits",
    "pg_type",
    "pg_enum",
    "pg_proc",
    "pg_trigger",
    "pg_rewrite",
    "pg_sequence",
    "pg_depend",
    "pg_description",
    "pg_policy",
    "pg_statistic_ext",
    "pg_extension",
    "pg_db_role_setting",
)
CATALOG_SIGNATURE = "SELECT " + ", ".join(
    f"(SELECT count(*) || '/' || coalesce(max(xmin::text::bigint), 0) FROM {name})"
    for name in _CATALOGS
)
"""Row count and newest writing transaction of each system catalog that describes a
schema. Any DDL adds or changes a catalog row (a newer ``xmin``) or removes one (a
smaller count), so equal signatures mean the catalogs are as they were."""

_PG_TABLES = (
    "SELECT quote_ident(c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY c.relname"
)
_PG_SEQUENCES = (
    "SELECT quote_ident(c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE n.nspname = 'public' AND c.relkind = 'S' ORDER BY c.relname"
)
_PG_BLOATED = (
    "SELECT quote_ident(c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE n.nspname = 'public' AND c.relkind = 'r' AND pg_relation_size(c.oid) > :limit"
)


class _PgSeed:
    """What a new store of one zone holds on PostgreSQL: the rows of every table that
    has any, and each sequence's ``(last_value, is_called)``; read from a template."""

    def __init__(self, conn: sa.Connection) -> None:
        self.tables = [str(r[0]) for r in conn.exec_driver_sql(_PG_TABLES)]
        self.rows: dict[str, tuple[list[str], list[tuple[Any, ...]]]] = {}
        for table in self.tables:
            result = conn.exec_driver_sql(f"SELECT * FROM {table}")
            rows = [tuple(r) for r in result]
            if rows:
                self.rows[table] = (list(result.keys()), rows)
        names = [str(r[0]) for r in conn.exec_driver_sql(_PG_SEQUENCES)]
        self.sequences = {
            name: tuple(conn.exec_driver_sql(f"SELECT last_value, is_called FROM {name}").one())
            for name in names
        }

    def restore(self, conn: sa.Connection) -> None:
        """Empty every table, put the rows back, set the sequences (in the caller's
        transaction)."""
        bloated = [str(r[0]) for r in conn.execute(sa.text(_PG_BLOATED), {"limit": BLOATED})]
        if bloated:
            conn.exec_driver_sql(f"TRUNCATE {', '.join(bloated)} CASCADE")
        # Emptied whole, so the order of the deletes need not follow the foreign keys.
        conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
        conn.exec_driver_sql("; ".join(f"DELETE FROM {table}" for table in self.tables))
        conn.exec_driver_sql("SET LOCAL session_replication_role = origin")
        for table, (columns, rows) in self.rows.items():
            names = ", ".join(f'"{c}"' for c in columns)
            marks = ", ".join(f":c{i}" for i in range(len(columns)))
            conn.execute(
                sa.text(f"INSERT INTO {table} ({names}) VALUES ({marks})"),
                [{f"c{i}": v for i, v in enumerate(row)} for row in rows],
            )
        if self.sequences:
            calls = ", ".join(f"setval(:n{i}, :v{i}, :c{i})" for i in range(len(self.sequences)))
            params: dict[str, Any] = {}
            for i, (name, (value, called)) in enumerate(self.sequences.items()):
                params.update({f"n{i}": name, f"v{i}": value, f"c{i}": called})
            conn.execute(sa.text(f"SELECT {calls}"), params)


@dataclass
class _PgTemplate:
    """A migrated database of one zone that stores are copied from; nobody connects
    to it after it is made."""

    name: str
    seed: _PgSeed


@dataclass
class _PgReused:
    """A database of the process that ``fresh_store`` empties before each store."""

    name: str
    engine: sa.Engine
    signature: tuple[Any, ...] | None = None
    busy: bool = False


class EmptyStores:
    """New empty stores of each kind, made from templates (see the module docstring).

    Parameters
    ----------
    folder
        Where the SQLite files go (the templates and the examples' copies).
    pg_cluster
        The session's throwaway PostgreSQL cluster (started when first needed).
    """

    def __init__(self, folder: Path, pg_cluster: PgCluster) -> None:
        self.folder = folder
        self.pg_cluster = pg_cluster
        self._names = itertools.count()
        self._files: dict[str | None, Path] = {}
        self._memory: dict[str | None, sqlite3.Connection] = {}
        self._pg_templates: dict[str | None, _PgTemplate] = {}
        self._pg_reused: list[_PgReused] = []
        self.migrations = 0
        """How many templates were migrated (for the tests of this module)."""
        self.copies = 0
        """How many PostgreSQL databases were copied from a template."""

    # ------------------------------------------------------------------ the two uses

    @contextlib.contextmanager
    def open(self, kind: str, **options: Any) -> Iterator[tuple[rbp.Store, PlainSQL]]:
        """A new empty store of ``kind`` opened with ``options`` (over :data:`DEFAULTS`)
        and a plain-SQL probe on its database; both closed after the block. On
        PostgreSQL the database is one of the process's, emptied."""
        options = {**DEFAULTS, **options}
        with self.database(kind, options["tz"], reuse=True) as url:
            with self.loading(options["tz"]) if url is None else contextlib.nullcontext():
                store = rbp.open(url, **options)
            try:
                probe = probe_for(url, store)
            except BaseException:
                store.close()
                raise
            try:
                yield store, probe
            finally:
                probe.close()
                store.close()

    @contextlib.contextmanager
    def database(
        self, kind: str, zone: str | None, *, path: Path | None = None, reuse: bool = False
    ) -> Iterator[str | None]:
        """The URL of a database that holds a new store of ``zone``, for the block.

        ``None`` for ``sqlite-memory`` (open it inside :meth:`loading`); a copy of the
        template file at ``path`` (or a new name, removed after) for ``sqlite-file``;
        for ``postgresql`` a copy of the template database dropped after, or with
        ``reuse`` one of the process's databases, emptied.
        """
        if kind == "sqlite-memory":
            yield None
        elif kind == "sqlite-file":
            made = path is None
            target = self.folder / f"example-{next(self._names)}.db" if path is None else path
            shutil.copyfile(self._file_template(zone), target)
            try:
                yield str(target)
            finally:
                if made:
                    for suffix in ("", "-wal", "-shm"):
                        Path(f"{target}{suffix}").unlink(missing_ok=True)
        elif kind == "postgresql":
            self.pg_cluster.admin_url()  # starts the cluster, or skips without binaries
            if reuse:
                db = self._pg_acquire(zone)
                try:
                    yield self.pg_cluster.url(db.name)
                finally:
                    db.busy = False
            else:
                name = self._pg_copy(zone)
                try:
                    yield self.pg_cluster.url(name)
                finally:
                    self.pg_cluster.drop_database(name)
        else:
            raise ValueError(f"unknown database kind {kind!r}")

    @contextlib.contextmanager
    def loading(self, zone: str | None) -> Iterator[None]:
        """While the block runs, the in-memory database ``rbp.open(None)`` makes is
        given the pages of the template of ``zone`` as its first connection is made
        (after rbp's own connection pragmas ran)."""
        template = self._memory_template(zone)
        real = rbp.store.make_engine

        def make_engine(url: Any, *, echo: bool, readonly: bool = False) -> sa.Engine:
            engine = real(url, echo=echo, readonly=readonly)
            if url is None:
                with engine.connect() as conn:
                    raw = conn.connection.driver_connection
                    assert isinstance(raw, sqlite3.Connection)
                    template.backup(raw)
            return engine

        rbp.store.make_engine = make_engine  # type: ignore[assignment]
        try:
            yield
        finally:
            rbp.store.make_engine = real

    def close(self) -> None:
        """Drop the PostgreSQL databases and close the in-memory templates."""
        for conn in self._memory.values():
            conn.close()
        self._memory.clear()
        names = [db.name for db in self._pg_reused]
        names += [t.name for t in self._pg_templates.values()]
        for db in self._pg_reused:
            db.engine.dispose()
        self._pg_reused.clear()
        self._pg_templates.clear()
        for name in names:
            with contextlib.suppress(Exception):
                self.pg_cluster.drop_database(name)

    # ------------------------------------------------------------------ SQLite

    def _migrated(self, url: str | None, zone: str | None) -> rbp.Store:
        self.migrations += 1
        return rbp.open(url, **{**DEFAULTS, "tz": zone})

    def _file_template(self, zone: str | None) -> Path:
        if zone not in self._files:
            path = self.folder / f"template-{len(self._files)}.db"
            self._migrated(str(path), zone).close()  # the last close folds the WAL in
            for suffix in ("-wal", "-shm"):
                assert not Path(f"{path}{suffix}").exists(), f"{path}{suffix} left behind"
            self._files[zone] = path
        return self._files[zone]

    def _memory_template(self, zone: str | None) -> sqlite3.Connection:
        if zone not in self._memory:
            store = self._migrated(None, zone)
            try:
                template = sqlite3.connect(":memory:")
                with store.engine.connect() as conn:
                    raw = conn.connection.driver_connection
                    assert isinstance(raw, sqlite3.Connection)
                    raw.backup(template)
            finally:
                store.close()
            self._memory[zone] = template
        return self._memory[zone]

    # ------------------------------------------------------------------ PostgreSQL

    def _pg_template(self, zone: str | None) -> _PgTemplate:
        if zone not in self._pg_templates:
            name = self.pg_cluster.create_database()
            url = self.pg_cluster.url(name)
            self._migrated(url, zone).close()
            engine = sa.create_engine(url, poolclass=NullPool)
            try:
                with engine.connect() as conn:
                    seed = _PgSeed(conn)
            finally:
                engine.dispose()
            # Nobody may connect to it now: a copy needs it untouched and unused.
            self.pg_cluster.admin(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false')
            self._pg_templates[zone] = _PgTemplate(name, seed)
        return self._pg_templates[zone]

    def _pg_copy(self, zone: str | None) -> str:
        """A new database copied from the template of ``zone``; returns its name."""
        template = self._pg_template(zone)
        name = f"rbp_copy_{os.getpid()}_{next(self._names)}"
        strategy = " STRATEGY = FILE_COPY" if self.pg_cluster.major >= 15 else ""
        self.pg_cluster.admin(f'CREATE DATABASE "{name}" TEMPLATE "{template.name}"{strategy}')
        self.copies += 1
        return name

    def _pg_acquire(self, zone: str | None) -> _PgReused:
        """A database of the process, not in use, holding what a new store of ``zone``
        holds (emptied, or copied again when a test changed its schema)."""
        seed = self._pg_template(zone).seed
        db = next((d for d in self._pg_reused if not d.busy), None)
        if db is None:
            db = self._pg_new(zone)
        else:
            with db.engine.connect() as conn:
                with conn.begin():
                    # Sessions a test left open would hold locks: end them, as a drop would.
                    conn.exec_driver_sql(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    )
                    signature = tuple(conn.exec_driver_sql(CATALOG_SIGNATURE).one())
                    changed = signature != db.signature
                    if not changed:
                        seed.restore(conn)
                if not changed:
                    db.signature = tuple(conn.exec_driver_sql(CATALOG_SIGNATURE).one())
                    conn.rollback()
            if changed:
                self._pg_reused.remove(db)
                db.engine.dispose()
                self.pg_cluster.drop_database(db.name)
                db = self._pg_new(zone)
        db.busy = True
        return db

    def _pg_new(self, zone: str | None) -> _PgReused:
        name = self._pg_copy(zone)
        db = _PgReused(name, sa.create_engine(self.pg_cluster.url(name), pool_size=1))
        with db.engine.connect() as conn:
            db.signature = tuple(conn.exec_driver_sql(CATALOG_SIGNATURE).one())
        self._pg_reused.append(db)
        return db
