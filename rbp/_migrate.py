"""Bring a database to the newest schema with rbp's Alembic migrations."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

MIGRATIONS = Path(__file__).with_name("migrations")


def config() -> Config:
    """An Alembic config that points at rbp's migrations (no ini file needed)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head() -> str:
    """The newest revision rbp knows."""
    revision = ScriptDirectory.from_config(config()).get_current_head()
    assert revision is not None
    return revision


def current(engine: Engine) -> str | None:
    """The revision the database is at (``None`` for an empty database)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade_to_head(engine: Engine, revision: str = "head") -> None:
    """Run every migration the database lacks, in one write transaction."""
    if revision == "head" and current(engine) == head():
        return
    cfg = config()
    with engine.connect() as conn:
        conn = conn.execution_options(rbp_write=True)
        with conn.begin():
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
