"""Bring a database to the newest schema with rbp's Alembic migrations.

Released migrations are history: a database made by any release upgrades by running
the migrations it lacks, so a released migration file never changes (the tests keep
a checksum of each); a fix to an old migration is a new migration.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection, Engine

from rbp.errors import StoreError

MIGRATIONS = Path(__file__).with_name("migrations")


def config() -> Config:
    """An Alembic config that points at rbp's migrations (no ini file needed)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


@functools.cache
def revisions() -> tuple[str, ...]:
    """Every revision rbp knows, oldest first."""
    scripts = ScriptDirectory.from_config(config())
    return tuple(reversed([s.revision for s in scripts.walk_revisions()]))


def head() -> str:
    """The newest revision rbp knows."""
    return revisions()[-1]


def current(engine: Engine) -> str | None:
    """The revision the database is at (``None`` for an empty database)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade_to_head(
    engine: Engine,
    revision: str = "head",
    *,
    then: Callable[[Connection], None] | None = None,
) -> None:
    """Run every migration the database lacks, then ``then(conn)``, in one transaction.

    ``then`` runs even when no migration is needed, inside the same write transaction,
    so what it records is there exactly when the schema is.
    """
    at = current(engine)
    if revision == "head" and at == head() and then is None:
        return
    migrating = not (revision == "head" and at == head())
    cfg = config()
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as conn:
        conn = conn.execution_options(rbp_write=True)
        # SQLite changes a table by rebuilding it, which needs foreign keys off (they can
        # only be switched outside a transaction); every key is checked before commit.
        raw = conn.connection.driver_connection if sqlite else None
        if raw is not None:
            raw.execute("PRAGMA foreign_keys=OFF")
        try:
            with conn.begin():
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, revision)
                if raw is not None and migrating:
                    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").first()
                    if broken is not None:
                        raise StoreError(f"the upgrade broke a foreign key: {tuple(broken)}")
                if then is not None:
                    then(conn)
        finally:
            if raw is not None:
                raw.execute("PRAGMA foreign_keys=ON")
