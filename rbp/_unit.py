"""The unit of work: engine, transactions, clock, zone, settings and the audit writer.

The storage floor. It knows no namespace: the facade (:mod:`rbp.store`) builds one
and hands it to each namespace, which opens its transactions through it. A write
transaction commits only when its block ends without an error, so every call is all
or nothing.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import pendulum
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import StaticPool

from rbp import _args
from rbp import _schema as t
from rbp._identify import sqlite_path
from rbp._schema._copy import copy_rows
from rbp._time import AsOf, Window, aware, from_micros, to_micros
from rbp.audit import AuditEntry
from rbp.errors import StoreError
from rbp.settings import Settings

__all__ = [
    "BULK_CACHE_KIB",
    "BULK_CACHE_MAX_KIB",
    "Clock",
    "UnitOfWork",
    "grow_cache",
    "make_engine",
    "quiet_collector",
]

Clock = Callable[[], pendulum.DateTime]

BULK_CACHE_KIB = 262_144
"""SQLite's page cache during a bulk write, in KiB (256 MiB): index upkeep dominates bulk
loads, and it is about twice as fast when the indexes being written fit in the cache."""


def _memory_kib() -> int:
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") // 1024
    except (AttributeError, ValueError, OSError):  # not a POSIX system
        return 8 * 2**20


BULK_CACHE_MAX_KIB = max(BULK_CACHE_KIB, min(4 * 2**20, _memory_kib() // 4))
"""The most page cache a long bulk write grows a SQLite connection's to (:func:`grow_cache`),
in KiB: 4 GiB, or a quarter of the machine's memory if that is less."""


def _cache_kib(raw: Any, setting: int) -> int:
    """A ``PRAGMA cache_size`` setting in KiB (a negative size is KiB, a positive one
    pages)."""
    page = int(raw.execute("PRAGMA page_size").fetchone()[0])
    return -setting if setting < 0 else setting * page // 1024


def grow_cache(conn: Connection) -> None:
    """Inside a bulk write (:meth:`UnitOfWork.write` with ``bulk=True``), keep a SQLite
    connection's page cache larger than its growing file: once the file passes two
    thirds of the cache, raise the cache to three times the file, up to
    :data:`BULK_CACHE_MAX_KIB` (a no-op on other databases).

    The interaction log writes its indexes and pair summaries at random places all over
    the file: once the file outgrows the cache, every write of a page that was pushed
    out reads it back first (a city of 5 million interactions, 2 GB, took half as long
    again with the bulk write's fixed 256 MiB). SQLite takes the memory only as pages
    are read; the cache never shrinks here, and the bulk write puts the connection's
    own size back when it ends (:meth:`UnitOfWork.bulk_cache`).
    """
    if conn.dialect.name != "sqlite":
        return
    raw: Any = conn.connection.driver_connection
    held = _cache_kib(raw, int(raw.execute("PRAGMA cache_size").fetchone()[0]))
    file_kib = _cache_kib(raw, int(raw.execute("PRAGMA page_count").fetchone()[0]))
    if held >= BULK_CACHE_MAX_KIB or 3 * file_kib <= 2 * held:
        return
    raw.execute(f"PRAGMA cache_size=-{min(BULK_CACHE_MAX_KIB, 3 * file_kib)}")


def make_engine(
    url: str | os.PathLike[str] | None, *, echo: bool, readonly: bool = False
) -> Engine:
    """The SQLAlchemy engine for ``url`` (None: in-memory SQLite; a path: a SQLite file).

    ``readonly`` opens a SQLite file through ``file:...?mode=ro`` (SQLite refuses every
    write, and no pragma that changes the file runs) and makes every PostgreSQL
    transaction READ ONLY.
    """
    if url is None:
        engine = sa.create_engine(
            "sqlite://",
            poolclass=StaticPool,
            connect_args={"check_same_thread": False},
            echo=echo,
        )
        _sqlite_setup(engine, file=False)
        return engine
    text = os.fspath(url)
    path = sqlite_path(text)
    if path is not None:
        if not path.parent.exists():
            raise StoreError(f"folder {path.parent} does not exist; create it first")
        if readonly:
            uri = path.resolve().as_uri() + "?mode=ro"
            engine = sa.create_engine(  # the URL names the file; the creator opens it
                f"sqlite:///{path}",
                creator=lambda: sqlite3.connect(uri, uri=True, timeout=30),
                echo=echo,
            )
        else:
            engine = sa.create_engine(f"sqlite:///{path}", connect_args={"timeout": 30}, echo=echo)
        _sqlite_setup(engine, file=True, readonly=readonly)
        return engine
    try:
        engine = sa.create_engine(text, echo=echo)
    except Exception as exc:
        raise StoreError(f"not a usable database URL: {exc}") from exc
    if engine.dialect.name == "sqlite":
        _sqlite_setup(engine, file=engine.url.database not in (None, "", ":memory:"))
    elif readonly and engine.dialect.name == "postgresql":
        _postgresql_readonly(engine)
    return engine


def _postgresql_readonly(engine: Engine) -> None:
    @sa.event.listens_for(engine, "connect")
    def _connect(dbapi_conn: Any, record: Any) -> None:
        cur = dbapi_conn.cursor()
        cur.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
        cur.close()
        dbapi_conn.commit()


@contextlib.contextmanager
def quiet_collector() -> Iterator[None]:
    """The cyclic garbage collector paused for the block (if it was running).

    A bulk call makes and drops hundreds of thousands of records and row tuples, none
    in a cycle; every collector pass over them finds nothing, and a pass over all that
    is alive costs more the longer the call runs (an import of 100,000 interactions
    spent a tenth of its time there). Reference counting still frees everything as
    usual; the collector runs again after the block. The collector is the process's:
    other threads go without it for the block too.

    Examples
    --------
    >>> import gc
    >>> with quiet_collector():
    ...     gc.isenabled()
    False
    >>> gc.isenabled()
    True
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


CACHE_KIB = 131_072
"""SQLite's page cache per connection, in KiB (128 MiB): index upkeep dominates writes."""


def _sqlite_setup(engine: Engine, *, file: bool, readonly: bool = False) -> None:
    """Pragmas, real transactions (BEGIN IMMEDIATE for writes), and ``pow`` if missing."""

    @sa.event.listens_for(engine, "connect")
    def _connect(dbapi_conn: Any, record: Any) -> None:
        dbapi_conn.isolation_level = None  # rbp issues BEGIN itself
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
        cur.execute("PRAGMA temp_store=MEMORY")
        if file and not readonly:  # the journal mode is written into the file
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
        if file:
            cur.execute("PRAGMA busy_timeout=30000")
            # Read pages through a memory map: the random lookups of the metrics on a
            # city-sized file are 10-20% faster than through read() calls.
            cur.execute("PRAGMA mmap_size=4294967296")
        try:
            cur.execute("SELECT pow(2.0, 1.0)")
        except Exception:  # SQLite built without math functions
            dbapi_conn.create_function("pow", 2, _pow, deterministic=True)
            dbapi_conn.create_function("power", 2, _pow, deterministic=True)
        cur.close()

    @sa.event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        write = conn.get_execution_options().get("rbp_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def _pow(x: float, y: float) -> float:
    return float(float(x) ** float(y))


_AUDIT_COLUMNS = ("at", "actor", "action", "entity", "key", "detail")


class UnitOfWork:
    """Transactions on one database, with the store's zone, clock, settings and actor."""

    def __init__(
        self,
        engine: Engine,
        *,
        tz: str = "UTC",
        actor: str | None = None,
        clock: Clock | None = None,
        settings: Settings | None = None,
        readonly: bool = False,
    ) -> None:
        self.engine = engine
        self.readonly = readonly
        self.tz = tz
        self.actor = _args.actor(actor)
        self._clock = clock
        self.settings = settings if settings is not None else Settings()
        self._write_lock = threading.RLock()
        self._generation = 0

    def now(self) -> pendulum.DateTime:
        """The current time in the store's zone, from the injected clock if any."""
        value = self._clock() if self._clock is not None else pendulum.now(self.tz)
        return aware(value, field="clock").in_timezone(self.tz)

    def as_of(self, value: object | None) -> pendulum.DateTime:
        """Check an ``as_of`` argument; ``None`` means now."""
        if value is None:
            return self.now()
        return aware(value, field="as_of").in_timezone(self.tz)

    def when(self, value: object | None) -> AsOf:
        """Resolve an ``as_of`` argument once; None means now by the store's clock."""
        return _args.as_of(value, tz=self.tz, now=self.now)

    @staticmethod
    def window(value: object | None) -> Window:
        """Resolve a ``window`` argument once; None means each stakeholder's cadence."""
        return _args.window(value)

    @property
    def dialect(self) -> str:
        """``"sqlite"`` or ``"postgresql"`` (or another SQLAlchemy dialect name)."""
        return str(self.engine.dialect.name)

    @contextlib.contextmanager
    def write(self, *, bulk: bool = False, checked: bool = False) -> Iterator[Connection]:
        """A write transaction: commits when the block ends, rolls back on any error.

        A store opened read-only refuses with a :class:`~rbp.errors.StoreError`.

        ``bulk`` gives a SQLite connection a large page cache (:data:`BULK_CACHE_KIB`)
        for the transaction and puts its own back afterwards (:meth:`bulk_cache`), and
        pauses the cyclic garbage collector for the block (:func:`quiet_collector`).
        ``checked`` is for a writer that checks every key it writes against the
        directory itself, inside this transaction (the interaction log): on SQLite the
        transaction then runs without foreign-key enforcement (one parent lookup per
        key saved), switched back on afterwards.
        """
        if self.readonly:
            raise StoreError(
                "this store was opened read-only; open it without readonly=True to change it"
            )
        with self._write_lock, self.engine.connect() as conn:
            conn = conn.execution_options(rbp_write=True)
            raw = (
                conn.connection.driver_connection if checked and self.dialect == "sqlite" else None
            )
            if raw is not None:  # only takes effect outside a transaction
                raw.execute("PRAGMA foreign_keys=OFF")
            try:
                with (
                    self.bulk_cache(conn) if bulk else contextlib.nullcontext(),
                    quiet_collector() if bulk else contextlib.nullcontext(),
                    conn.begin(),
                ):
                    yield conn
            finally:
                self._generation += 1
                if raw is not None:
                    raw.execute("PRAGMA foreign_keys=ON")

    @staticmethod
    @contextlib.contextmanager
    def bulk_cache(conn: Connection, kib: int = BULK_CACHE_KIB) -> Iterator[None]:
        """Raise a SQLite connection's page cache to ``kib`` KiB for the block (and let
        :func:`grow_cache` raise it further inside it), then put the connection's own
        size back (a no-op on other databases).

        The cache never shrinks: a connection whose cache is already larger keeps it.
        ``PRAGMA cache_size`` is not transactional, so it may wrap a transaction or
        run inside one; the size is restored even when the block raises.
        """
        if conn.dialect.name != "sqlite":
            yield
            return
        raw = conn.connection.driver_connection
        assert raw is not None
        before = int(raw.execute("PRAGMA cache_size").fetchone()[0])
        if _cache_kib(raw, before) < kib:
            raw.execute(f"PRAGMA cache_size=-{int(kib)}")
        try:
            yield
        finally:
            raw.execute(f"PRAGMA cache_size={before}")

    def version(self, conn: Connection) -> tuple[int, int]:
        """A stamp that changes whenever the data may have changed.

        This store's own write count, and the newest audit entry (every write, by
        any process, appends one), so cached answers are never stale.
        """
        newest = conn.execute(sa.select(sa.func.max(t.audit_log.c.id))).scalar()
        return (self._generation, int(newest or 0))

    @contextlib.contextmanager
    def read(self) -> Iterator[Connection]:
        """A read transaction: one consistent snapshot for the whole block."""
        with self.engine.connect() as conn, conn.begin():
            yield conn

    def record(
        self,
        conn: Connection,
        action: str,
        entity: str,
        keys: Sequence[str | None],
        detail: dict[str, Any] | None = None,
    ) -> None:
        """Append audit rows (one per key) inside the caller's transaction."""
        at = to_micros(self.now())
        text = None if detail is None else json.dumps(detail, sort_keys=True, default=str)
        rows = ((at, self.actor, action, entity, k, text) for k in keys)
        copy_rows(conn, t.audit_log, _AUDIT_COLUMNS, rows)

    def audit(
        self,
        since: pendulum.DateTime | None = None,
        *,
        key: str | None = None,
        entity: str | None = None,
        limit: int | None = None,
    ) -> tuple[AuditEntry, ...]:
        """The audit trail, oldest first (see :meth:`rbp.Store.audit`)."""
        q = sa.select(t.audit_log).order_by(t.audit_log.c.id)
        if since is not None:
            q = q.where(t.audit_log.c.at >= to_micros(aware(since, field="since")))
        if key is not None:
            q = q.where(t.audit_log.c.key == key)
        if entity is not None:
            q = q.where(t.audit_log.c.entity == entity)
        if limit is not None:
            q = q.limit(limit)
        with self.read() as conn:
            rows = conn.execute(q).mappings().all()
        return tuple(
            AuditEntry(
                at=from_micros(r["at"], self.tz),
                actor=r["actor"],
                action=r["action"],
                entity=r["entity"],
                key=r["key"],
                detail=json.loads(r["detail"]) if r["detail"] else None,
            )
            for r in rows
        )
