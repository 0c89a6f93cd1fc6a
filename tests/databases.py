"""The databases the tests run on, and the plain-SQL probe they check stores with.

* :class:`PgCluster`: a REAL throwaway PostgreSQL cluster made with Debian's
  ``initdb`` + ``pg_ctl`` in a temp folder (as the ``postgres`` user when the tests
  run as root, since initdb refuses root), on a free port of 127.0.0.1, with its unix
  socket inside the folder and durability switched off for speed.
* :class:`PlainSQL`: plain SQL text on a connection of its own, the second path an
  integration test checks what the store wrote with.
* :data:`DB_KINDS`: the parameters ``sqlite-memory``, ``sqlite-file``, ``postgresql``.

The fixtures that use these live in ``tests/conftest.py``.
"""

from __future__ import annotations

import contextlib
import glob
import itertools
import os
import pwd
import shlex
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pendulum
import pytest
import sqlalchemy as sa
from sqlalchemy.pool import NullPool

import rbp

__all__ = [
    "DB_KINDS",
    "NOW",
    "TZ",
    "PgCluster",
    "PlainSQL",
    "find_pg_bindir",
    "fixed_clock",
    "probe_for",
]

TZ = "America/Chicago"
NOW = pendulum.datetime(2026, 6, 30, 12, tz=TZ)
"""What the clock of the ``crm`` fixture always says."""

DB_KINDS = [
    pytest.param("sqlite-memory", id="sqlite-memory"),
    pytest.param("sqlite-file", id="sqlite-file"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
]
"""Parameters for tests that open their own stores (``fresh_store``)."""

PG_VERSION_WANTED = "15"
PG_START_OPTIONS = "-F -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
REQUIRE_ENV = "RBP_REQUIRE_POSTGRES"


def fixed_clock() -> pendulum.DateTime:
    """The clock of the ``crm`` fixture: always 2026-06-30 12:00 America/Chicago."""
    return NOW


# ----------------------------------------------------------------------------- PostgreSQL


def find_pg_bindir() -> Path | None:
    """The ``bin`` folder of Debian's PostgreSQL: 15 if present, else the newest."""
    found = [Path(p).parent for p in glob.glob("/usr/lib/postgresql/*/bin/initdb")]
    found = [d for d in found if (d / "pg_ctl").exists()]
    found.sort(key=lambda d: (d.parent.name != PG_VERSION_WANTED, -_major(d.parent.name)))
    return found[0] if found else None


def _major(name: str) -> int:
    try:
        return int(name.split(".")[0])
    except ValueError:
        return 0


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PgCluster:
    """A throwaway PostgreSQL cluster: started by the first :meth:`admin_url`, ended
    by :meth:`stop`.

    When the binaries exist and the server does not start, :meth:`admin_url` raises
    (so the tests error); only when they are missing does it skip, loudly, or fail
    when ``RBP_REQUIRE_POSTGRES=1``.
    """

    def __init__(self, bindir: Path | None) -> None:
        self.bindir = bindir
        self.root: Path | None = None
        self.port: int | None = None
        self._started = False
        self._failure: str | None = None
        self._names = itertools.count()
        self._as_user: list[str] = []
        self._watchdog: subprocess.Popen[bytes] | None = None

    # -- commands, run as the postgres user when we are root

    def _run(self, *args: str | os.PathLike[str], timeout: float = 120) -> None:
        cmd = [*self._as_user, *map(str, args)]
        proc = subprocess.run(
            cmd,
            cwd=self.root,  # a folder the postgres user can enter
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if proc.returncode != 0:
            raise RuntimeError(
                f"`{' '.join(cmd)}` failed with exit code {proc.returncode}:\n"
                f"{proc.stdout}\n{proc.stderr}"
            )

    # -- lifetime

    def admin_url(self) -> str:
        """Superuser URL of the ``postgres`` database; starts the cluster on first use."""
        if self.bindir is None:
            message = (
                "PostgreSQL binaries not found under /usr/lib/postgresql/*/bin: this "
                "PostgreSQL test is SKIPPED. Install Debian's postgresql-15 (`make "
                "postgres` as root) to run it."
            )
            if os.environ.get(REQUIRE_ENV) == "1":
                pytest.fail(f"{message} ({REQUIRE_ENV}=1 makes this an error.)")
            pytest.skip(message)
        if self._failure is not None:
            raise RuntimeError(self._failure)
        if not self._started:
            try:
                self._start()
            except Exception as exc:
                self._failure = f"the throwaway PostgreSQL server did not start: {exc}"
                raise RuntimeError(self._failure) from exc
        return self.url("postgres")

    @property
    def major(self) -> int:
        """The PostgreSQL major version of the binaries (0 when unknown)."""
        return 0 if self.bindir is None else _major(self.bindir.parent.name)

    def url(self, database: str) -> str:
        """SQLAlchemy URL (psycopg 3) of ``database`` on this cluster."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def _start(self) -> None:
        assert self.bindir is not None
        self.root = Path(tempfile.mkdtemp(prefix="rbp-pg-"))
        if os.geteuid() == 0:  # initdb refuses to run as root
            user = pwd.getpwnam("postgres")
            os.chown(self.root, user.pw_uid, user.pw_gid)
            self._as_user = [shutil.which("runuser") or "/usr/sbin/runuser", "-u", "postgres"]
            self._as_user.append("--")
        data, sock, log = self.root / "data", self.root / "sock", self.root / "server.log"
        self._run(
            self.bindir / "initdb",
            *("-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C"),
            "--no-sync",
        )
        self._run("mkdir", sock)
        failures = []
        for _attempt in range(3):  # another process may take the free port first
            self.port = _free_port()
            options = (
                f"{PG_START_OPTIONS} -p {self.port} -k {sock} "
                "-c listen_addresses=127.0.0.1 -c max_connections=50"
            )
            try:
                self._run(
                    self.bindir / "pg_ctl",
                    *("-D", data, "-l", log, "-w", "-t", "60", "-o", options, "start"),
                )
            except RuntimeError as exc:
                failures.append(f"{exc}\nserver log:\n{self._log()}")
                continue
            self._started = True
            self._watch(os.getpid())
            return
        raise RuntimeError("\n".join(failures))

    def _watch(self, owner: int) -> None:
        """Start a watchdog that stops the server and deletes its folder once the
        process ``owner`` is gone, however it ended (a test run killed with SIGKILL or
        SIGTERM never reaches :meth:`stop`, and its server would run on for good).

        It is a shell loop in a session of its own, so a signal to the test run's
        process group does not reach it; :meth:`stop` ends it first.
        """
        assert self.root is not None
        assert self.bindir is not None
        stop = [*self._as_user, str(self.bindir / "pg_ctl"), "-D", str(self.root / "data")]
        stop += ["-m", "immediate", "-w", "stop"]
        script = (
            f"while kill -0 {owner} 2>/dev/null; do sleep 1; done; "
            f"{shlex.join(stop)} >/dev/null 2>&1; rm -rf {shlex.quote(str(self.root))}"
        )
        self._watchdog = subprocess.Popen(
            ["sh", "-c", script],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )

    def _log(self) -> str:
        assert self.root is not None
        try:
            return (self.root / "server.log").read_text(errors="replace")[-4000:]
        except OSError as exc:
            return f"(no server log: {exc})"

    def stop(self) -> None:
        """Stop the server at once (``-m immediate``) and delete its folder."""
        if self._watchdog is not None:
            self._watchdog.kill()
            self._watchdog.wait()
            self._watchdog = None
        if self.root is None:
            return
        if self._started and self.bindir is not None:
            with contextlib.suppress(Exception):
                self._run(
                    self.bindir / "pg_ctl",
                    *("-D", self.root / "data", "-m", "immediate", "-w", "stop"),
                    timeout=60,
                )
        shutil.rmtree(self.root, ignore_errors=True)
        self.root = None
        self._started = False

    # -- databases

    def create_database(self) -> str:
        """Create a new empty database from ``template0``; returns its name."""
        name = f"rbp_test_{os.getpid()}_{next(self._names)}"
        # FILE_COPY (PostgreSQL 15+) is about twice as fast as the default WAL_LOG here
        strategy = " STRATEGY = FILE_COPY" if self.major >= 15 else ""
        self.admin(f'CREATE DATABASE "{name}" TEMPLATE template0{strategy}')
        return name

    def drop_database(self, name: str) -> None:
        """Drop a database, ending any session still on it."""
        self.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def admin(self, statement: str) -> None:
        """Run one statement outside a transaction on the ``postgres`` database."""
        engine = sa.create_engine(self.admin_url(), poolclass=NullPool)
        try:
            with engine.connect() as conn:
                conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(statement)
        finally:
            engine.dispose()


# ----------------------------------------------------------------------------- plain SQL


class PlainSQL:
    """Plain SQL text on a connection of its own (``:name`` placeholders)."""

    def __init__(self, engine: sa.Engine, *, owned: bool) -> None:
        self.engine = engine
        self._owned = owned

    @property
    def dialect(self) -> str:
        return str(self.engine.dialect.name)

    def rows(self, query: str, **params: Any) -> list[tuple[Any, ...]]:
        """Every row of ``query``, as tuples."""
        with self.engine.connect() as conn:
            return [tuple(r) for r in conn.execute(sa.text(query), params)]

    def scalar(self, query: str, **params: Any) -> Any:
        """The single value of ``query``."""
        with self.engine.connect() as conn:
            return conn.execute(sa.text(query), params).scalar_one()

    def count(self, table: str, where: str = "", **params: Any) -> int:
        """``SELECT count(*) FROM table [WHERE ...]``."""
        clause = f" WHERE {where}" if where else ""
        return int(self.scalar(f"SELECT count(*) FROM {table}{clause}", **params))

    def tables(self) -> list[str]:
        """Table names as the database itself lists them."""
        return [r[0] for r in self.rows(self._tables_query())]

    def _tables_query(self) -> str:
        if self.dialect == "sqlite":
            return "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
        # What information_schema.tables lists for the public schema (tables, views,
        # foreign and partitioned tables), read from the catalog: many times faster.
        return (
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'v', 'f', 'p') "
            "ORDER BY c.relname"
        )

    def _every_table(self, select: str) -> dict[str, list[tuple[Any, ...]]]:
        """``select`` (with ``{name}`` for the table) on every table, on one connection
        through the driver's own cursor: one read of the whole database."""
        with self.engine.connect() as conn:
            raw: Any = conn.connection.driver_connection
            with contextlib.closing(raw.cursor()) as cursor:
                cursor.execute(self._tables_query())
                names = [str(r[0]) for r in cursor.fetchall()]
                found = {}
                for name in names:
                    cursor.execute(select.format(name=name))
                    found[name] = [tuple(r) for r in cursor.fetchall()]
                return found

    def counts(self) -> dict[str, int]:
        """Row count of every table."""
        found = self._every_table('SELECT count(*) FROM "{name}"')
        return {name: int(rows[0][0]) for name, rows in found.items()}

    def snapshot(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every row of every table, sorted: two equal snapshots mean nothing changed."""
        found = self._every_table('SELECT * FROM "{name}"')
        return {name: sorted(rows, key=repr) for name, rows in found.items()}

    def close(self) -> None:
        if self._owned:
            self.engine.dispose()


def probe_for(url: str | None, store: rbp.Store) -> PlainSQL:
    """A :class:`PlainSQL` on the database at ``url`` that ``store`` has open.

    An in-memory database lives only inside the store's engine, so its probe borrows
    that engine (still plain SQL text, not rbp's reading code).
    """
    if url is None:
        return PlainSQL(store.engine, owned=False)
    text = url if "://" in url else f"sqlite:///{url}"
    return PlainSQL(sa.create_engine(text, pool_size=1), owned=True)
