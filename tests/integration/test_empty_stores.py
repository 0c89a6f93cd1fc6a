"""A store from :class:`tests.empty_stores.EmptyStores` is the same as a freshly opened one.

The ``crm`` and ``fresh_store`` fixtures copy or empty a migrated template instead of
migrating a new database for every store. Here a store made that way is first filled
(a synthetic city, plans, and on PostgreSQL every sequence moved on); then the next
store made that way is compared, through plain SQL, with a store ``rbp.open``
migrated on a brand-new database with the same options (other than the template's):

* every table's rows and the schema (``sqlite_master`` and the connection's pragmas
  on SQLite; on PostgreSQL a hash of the catalog, and each sequence's
  ``last_value``/``is_called`` and next value);
* the store's zone, actor, clock and settings;
* the same writes on both (a small city, a plan with tasks, goals and reviews) give
  the same rows, ids included.

Both ways are checked: ``reset`` (``fresh_store``; on PostgreSQL the process's
database emptied) and ``copy`` (``crm``; on PostgreSQL a new copy of the template
database). ``rbp.open`` must not migrate the store it is given, and each kind
migrates one template per zone (counted). A zone other than the template's, a schema
a test changed (a migration taken back, a stray table) and two PostgreSQL stores at
once give fresh stores too.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pendulum
import pytest
from alembic import command

import rbp
import rbp.store
from rbp import synth
from rbp._migrate import config
from rbp.plans import ActionPlan, Direction, Goal, Phase, Task
from rbp.settings import Settings
from tests.databases import DB_KINDS, TZ, PgCluster, PlainSQL, probe_for
from tests.empty_stores import DEFAULTS, EmptyStores

_USER_SCHEMAS = "left(n.nspname, 3) <> 'pg_' AND n.nspname <> 'information_schema'"
PG_FINGERPRINT = f"""
SELECT md5(coalesce(string_agg(line, E'\\n' ORDER BY line), ''))
FROM (
    SELECT 'schema ' || n.nspname AS line FROM pg_namespace n WHERE {_USER_SCHEMAS}
    UNION ALL
    SELECT concat_ws(' ', 'relation', n.nspname, c.relname, c.relkind, c.relpersistence,
                     c.relispartition, pg_get_partkeydef(c.oid),
                     pg_get_expr(c.relpartbound, c.oid))
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE {_USER_SCHEMAS}
    UNION ALL
    SELECT concat_ws(' ', 'column', n.nspname, c.relname, a.attnum, a.attname,
                     format_type(a.atttypid, a.atttypmod), a.attnotnull, a.attidentity,
                     a.attgenerated, a.attcollation, pg_get_expr(d.adbin, d.adrelid))
    FROM pg_attribute a
    JOIN pg_class c ON c.oid = a.attrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    WHERE a.attnum > 0 AND NOT a.attisdropped AND {_USER_SCHEMAS}
    UNION ALL
    SELECT concat_ws(' ', 'constraint', n.nspname, k.conrelid::regclass::text, k.conname,
                     pg_get_constraintdef(k.oid))
    FROM pg_constraint k JOIN pg_namespace n ON n.oid = k.connamespace WHERE {_USER_SCHEMAS}
    UNION ALL
    SELECT concat_ws(' ', 'index', pg_get_indexdef(i.indexrelid))
    FROM pg_index i
    JOIN pg_class c ON c.oid = i.indexrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace WHERE {_USER_SCHEMAS}
    UNION ALL
    SELECT concat_ws(' ', 'trigger', t.tgrelid::regclass::text, t.tgname,
                     pg_get_triggerdef(t.oid))
    FROM pg_trigger t WHERE NOT t.tgisinternal
    UNION ALL
    SELECT concat_ws(' ', 'view', n.nspname, c.relname, pg_get_viewdef(c.oid))
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('v', 'm') AND {_USER_SCHEMAS}
    UNION ALL
    SELECT concat_ws(' ', 'routine', p.oid::regprocedure::text, md5(p.prosrc))
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE {_USER_SCHEMAS}
    UNION ALL
    SELECT concat_ws(' ', 'type', n.nspname, t.typname, t.typtype)
    FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE {_USER_SCHEMAS}
    UNION ALL
    SELECT concat_ws(' ', 'label', e.enumtypid::regtype::text, e.enumsortorder, e.enumlabel)
    FROM pg_enum e
    UNION ALL
    SELECT concat_ws(' ', 'sequence', s.seqrelid::regclass::text, s.seqtypid::regtype::text,
                     s.seqstart, s.seqincrement, s.seqmax, s.seqmin, s.seqcache, s.seqcycle)
    FROM pg_sequence s
    UNION ALL
    SELECT concat_ws(' ', 'extension', x.extname, x.extversion) FROM pg_extension x
    UNION ALL
    SELECT concat_ws(' ', 'setting', array_to_string(r.setconfig, ','))
    FROM pg_db_role_setting r JOIN pg_database b ON b.oid = r.setdatabase
    WHERE b.datname = current_database()
) lines
"""
"""One hash of the database's schema: every user schema, relation, column, default,
constraint, index, trigger, view, routine, type, sequence definition, extension and
database setting, by name and definition (no OIDs), so a schema dropped and made
again the same way hashes the same."""


def pg_fingerprint(conn: Any) -> str:
    """The hash of :data:`PG_FINGERPRINT` for the database of ``conn``."""
    return str(conn.exec_driver_sql(PG_FINGERPRINT).scalar_one())


NAMES = itertools.count()
OTHER_TZ = "Europe/Lisbon"
LATER = pendulum.datetime(2027, 2, 1, 8, tz="UTC")


def later_clock() -> pendulum.DateTime:
    return LATER


OPTIONS: dict[str, Any] = {
    "actor": "someone.else",
    "clock": later_clock,
    "settings": Settings(half_life=pendulum.duration(days=30)),
}
"""Options other than the ones the templates are migrated with."""

SQLITE_PRAGMAS = (
    "application_id",
    "auto_vacuum",
    "busy_timeout",
    "cache_size",
    "encoding",
    "foreign_keys",
    "journal_mode",
    "mmap_size",
    "page_size",
    "synchronous",
    "temp_store",
    "user_version",
)


@pytest.fixture
def stores(tmp_path: Path, pg_cluster: PgCluster) -> Iterator[EmptyStores]:
    made = EmptyStores(tmp_path, pg_cluster)
    try:
        yield made
    finally:
        made.close()


@contextlib.contextmanager
def migrated(
    kind: str, folder: Path, pg_cluster: PgCluster, **options: Any
) -> Iterator[tuple[rbp.Store, PlainSQL]]:
    """``rbp.open`` on a brand-new database of ``kind``: every migration runs."""
    url: str | None = None
    database = None
    if kind == "sqlite-file":
        url = str(folder / f"migrated-{next(NAMES)}.db")
    elif kind == "postgresql":
        pg_cluster.admin_url()
        database = pg_cluster.create_database()
        url = pg_cluster.url(database)
    try:
        with rbp.open(url, **options) as store:
            probe = probe_for(url, store)
            try:
                yield store, probe
            finally:
                probe.close()
    finally:
        if database is not None:
            pg_cluster.drop_database(database)


@contextlib.contextmanager
def no_migration() -> Iterator[None]:
    """``rbp.open`` fails if it migrates in the block: the store it opens is made."""

    def refuse(*args: Any) -> None:
        raise AssertionError("rbp.open migrated a store made from the template")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(rbp.store, "_migrate", refuse)
        yield


def _dirty(crm: rbp.Store, sql: PlainSQL) -> None:
    """Rows in most tables, and every id counter moved on."""
    synth.city(crm, officers=4, members=30, agencies=3, interactions=200, seed=11)
    _plans(crm)
    if sql.dialect == "postgresql":
        for (name,) in sql.rows("SELECT sequencename FROM pg_sequences"):
            sql.scalar(f"SELECT setval('{name}', 1000)")
    assert sum(sql.counts().values()) > 1000


def _plans(crm: rbp.Store) -> None:
    at = pendulum.datetime(2026, 3, 2, 9, tz=TZ)
    first = crm.directory.find(kind="officer")[0].key
    crm.plans.create(ActionPlan("p-1", title="A plan", problem="the creek"), at=at)
    crm.plans.add_task("p-1", Task("t1", title="one", owner=first), at=at.add(days=1))
    crm.plans.set_task_status("p-1", "t1", "done", at=at.add(days=2))
    crm.plans.add_goal(
        "p-1",
        Goal("g1", measure="calls", baseline=10, target=5, direction=Direction.DECREASE),
        at=at.add(days=3),
    )
    crm.plans.record_measure("p-1", "g1", 7, at=at.add(days=4))
    crm.plans.add_review("p-1", "going", decisions=["meet"], at=at.add(days=5))
    crm.plans.advance("p-1", Phase.ANALYSIS, "note", at=at.add(days=6))


def _cell(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date | dt.datetime) else value


def _rows(sql: PlainSQL) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table. An anonymous tip's code is random: only whether it has
    one is compared."""
    rows = sql.snapshot()
    if "concerns" in rows:
        rows["concerns"] = sql.rows(
            "SELECT id, key, at, area, category, text, reporter, tip, "
            "code_salt IS NULL, code_hash IS NULL FROM concerns ORDER BY id"
        )
    return {
        name: sorted((tuple(_cell(v) for v in row) for row in got), key=repr)
        for name, got in rows.items()
    }


def _schema(crm: rbp.Store, sql: PlainSQL) -> Any:
    """The schema as the database describes it, and the connection's settings."""
    if sql.dialect == "postgresql":
        with crm.engine.connect() as conn:
            return pg_fingerprint(conn)
    with crm.engine.connect() as conn:
        pragmas = {p: conn.exec_driver_sql(f"PRAGMA {p}").scalar() for p in SQLITE_PRAGMAS}
    objects = sql.rows("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name")
    return pragmas, objects


def _sequences(sql: PlainSQL) -> dict[str, tuple[Any, ...]]:
    """PostgreSQL: each sequence's state, then its next value (which moves it)."""
    if sql.dialect != "postgresql":
        return {}
    names = [r[0] for r in sql.rows("SELECT sequencename FROM pg_sequences ORDER BY 1")]
    states = {n: sql.rows(f"SELECT last_value, is_called FROM {n}")[0] for n in names}
    return {n: (*states[n], sql.scalar(f"SELECT nextval('{n}')")) for n in names}


def _same(a: tuple[rbp.Store, PlainSQL], b: tuple[rbp.Store, PlainSQL]) -> None:
    (one, one_sql), (two, two_sql) = a, b
    assert (one.tz, one.actor, one.now(), one.settings) == (
        two.tz,
        two.actor,
        two.now(),
        two.settings,
    )
    assert _schema(one, one_sql) == _schema(two, two_sql)
    assert _rows(one_sql) == _rows(two_sql)
    # The same writes on both: the same rows and ids.
    for crm in (one, two):
        synth.city(crm, officers=3, members=12, agencies=2, interactions=60, seed=5)
        _plans(crm)
    assert _rows(one_sql) == _rows(two_sql)
    assert _sequences(one_sql) == _sequences(two_sql)


@contextlib.contextmanager
def made(
    stores: EmptyStores, route: str, kind: str, **options: Any
) -> Iterator[tuple[rbp.Store, PlainSQL]]:
    """A store made by ``stores``: as ``fresh_store`` makes one (``reset``: on
    PostgreSQL a database of the process, emptied) or as the ``crm`` fixture does
    (``copy``: on PostgreSQL a new copy of the template database)."""
    if route == "reset":
        with stores.open(kind, **options) as pair:
            yield pair
        return
    options = {**DEFAULTS, **options}
    path = stores.folder / f"copy-{next(NAMES)}.db"
    with stores.database(kind, options["tz"], path=path) as url:
        with stores.loading(options["tz"]) if url is None else contextlib.nullcontext():
            store = rbp.open(url, **options)
        with store:
            probe = probe_for(url, store)
            try:
                yield store, probe
            finally:
                probe.close()


@pytest.mark.parametrize("route", ["reset", "copy"])
@pytest.mark.parametrize("kind", DB_KINDS)
def test_a_store_from_the_template_is_a_freshly_migrated_one(
    stores: EmptyStores, kind: str, route: str, tmp_path: Path, pg_cluster: PgCluster
) -> None:
    with made(stores, route, kind) as (crm, sql):
        _dirty(crm, sql)
    with contextlib.ExitStack() as stack:
        with no_migration():
            one = stack.enter_context(made(stores, route, kind, **OPTIONS))
        fresh = stack.enter_context(migrated(kind, tmp_path, pg_cluster, tz=TZ, **OPTIONS))
        assert stores.migrations == 1
        _same(one, fresh)
    if kind == "postgresql":  # the process's database was emptied, not copied again
        assert stores.copies == (1 if route == "reset" else 2)


@pytest.mark.parametrize("kind", DB_KINDS)
def test_another_zone_and_a_changed_schema_still_give_a_fresh_store(
    stores: EmptyStores, kind: str, tmp_path: Path, pg_cluster: PgCluster
) -> None:
    with stores.open(kind, tz=OTHER_TZ) as (crm, sql):
        _dirty(crm, sql)
        cfg = config()
        with crm.engine.begin() as conn:  # as a migration test may leave it
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0011")
            conn.exec_driver_sql("CREATE TABLE stray (x integer)")
    with (
        stores.open(kind, tz=OTHER_TZ, **OPTIONS) as one,
        migrated(kind, tmp_path, pg_cluster, tz=OTHER_TZ, **OPTIONS) as fresh,
    ):
        _same(one, fresh)
    with stores.open(kind) as (crm, sql):  # back to the default zone
        _dirty(crm, sql)
    with (
        stores.open(kind, **OPTIONS) as one,
        migrated(kind, tmp_path, pg_cluster, tz=TZ, **OPTIONS) as fresh,
    ):
        _same(one, fresh)
    assert stores.migrations == 2  # one template per zone
    if kind == "postgresql":  # copied again after the schema changed, else emptied
        assert stores.copies == 2


def test_two_stores_at_once_get_two_databases(stores: EmptyStores, pg_cluster: PgCluster) -> None:
    """A test may hold two PostgreSQL stores of ``fresh_store`` at once."""
    with stores.open("postgresql") as (one, one_sql), stores.open("postgresql") as (two, _):
        one.directory.add(rbp.Area("b-1"))
        assert two.directory.summary().areas == 0
        assert one_sql.count("areas") == 1
    with stores.open("postgresql") as (again, sql):
        assert sql.count("areas") == 0
        assert again.directory.summary().areas == 0
    assert stores.copies == 2
