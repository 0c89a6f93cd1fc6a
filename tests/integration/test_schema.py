"""The Alembic-migrated schema is rbp._schema.metadata, and reopening migrates nothing."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

import rbp
from rbp import _schema
from rbp._migrate import config
from tests.databases import TZ, PgCluster, PlainSQL, fixed_clock, probe_for


def _head() -> str:
    head = ScriptDirectory.from_config(config()).get_current_head()
    assert head is not None
    return head


def _literal(default: str | None) -> str | None:
    """A reflected or rendered server default as a bare literal: ``('')``,
    ``''::character varying`` and ``''`` are all the empty string."""
    if default is None:
        return None
    text = re.sub(r"::[a-z ]+$", "", default.strip())
    while text.startswith("(") and text.endswith(")"):
        text = text[1:-1].strip()
    if len(text) >= 2 and text[0] == text[-1] == "'":
        text = text[1:-1]
    return text


def _defaults_differ(
    context: Any,
    inspected_column: Any,
    metadata_column: Any,
    inspected_default: str | None,
    metadata_default: Any,
    rendered_metadata_default: str | None,
) -> bool:
    # Alembic's own comparison calls SQLite's reflected ('') different from '' .
    return _literal(inspected_default) != _literal(rendered_metadata_default)


def test_migrated_schema_matches_the_metadata(crm: rbp.Store, sql: PlainSQL) -> None:
    with sql.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "compare_server_default": _defaults_differ}
        )
        differences = compare_metadata(context, _schema.metadata)
    assert differences == []


def test_server_default_comparison_still_sees_a_difference() -> None:
    assert _defaults_differ(None, None, None, "('')", None, "") is False
    assert _defaults_differ(None, None, None, "''::character varying", None, "") is False
    assert _defaults_differ(None, None, None, "'0'", None, "0") is False
    assert _defaults_differ(None, None, None, "'x'", None, "") is True
    assert _defaults_differ(None, None, None, None, None, "0") is True


def test_database_is_at_the_newest_revision(crm: rbp.Store, sql: PlainSQL) -> None:
    assert sql.rows("SELECT version_num FROM alembic_version") == [(_head(),)]
    assert set(sql.tables()) == {*_schema.metadata.tables, "alembic_version"}


@pytest.fixture(params=["sqlite-file", pytest.param("postgresql", marks=pytest.mark.postgres)])
def lasting_url(
    request: pytest.FixtureRequest, tmp_path: Path, pg_cluster: PgCluster
) -> Iterator[str]:
    """A database that outlives one store: a SQLite file or a PostgreSQL database."""
    if request.param == "sqlite-file":
        yield str(tmp_path / "city.db")
        return
    pg_cluster.admin_url()
    name = pg_cluster.create_database()
    try:
        yield pg_cluster.url(name)
    finally:
        pg_cluster.drop_database(name)


def test_reopening_runs_no_migration(lasting_url: str) -> None:
    with rbp.open(lasting_url, tz=TZ, actor="test", clock=fixed_clock) as crm:
        crm.directory.add_many([rbp.Area("d-01"), rbp.CommunityMember("m-17", area="d-01")])
    statements: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    sa.event.listen(sa.engine.Engine, "before_cursor_execute", record)
    try:
        crm = rbp.open(lasting_url, tz=TZ, actor="test", clock=fixed_clock)
        # (a SQLite file's version is read before any engine exists, through a
        # read-only sqlite3 connection; the read below shows the listener works)
        assert crm.directory.get("m-17").area == "d-01"
    finally:
        sa.event.remove(sa.engine.Engine, "before_cursor_execute", record)
    try:
        probe = probe_for(lasting_url, crm)
        try:
            assert probe.rows("SELECT version_num FROM alembic_version") == [(_head(),)]
        finally:
            probe.close()
    finally:
        crm.close()
    assert statements  # the store was read ...
    ddl = ("CREATE", "ALTER", "DROP", "INSERT", "UPDATE", "DELETE")
    assert [
        s for s in statements if s.lstrip().upper().startswith(ddl)
    ] == []  # ... and nothing changed


def test_missing_folder_is_a_store_error(tmp_path: Path) -> None:
    with pytest.raises(rbp.StoreError, match="does not exist"):
        rbp.open(tmp_path / "no" / "such" / "folder" / "city.db")
    assert list(tmp_path.iterdir()) == []


def test_unreachable_server_is_a_store_error() -> None:
    url = "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2"
    with pytest.raises(rbp.StoreError, match="could not open"):
        rbp.open(url)


def test_unknown_time_zone_is_a_validation_error() -> None:
    with pytest.raises(rbp.ValidationError) as info:
        rbp.open(tz="Mars/Olympus_Mons")
    assert info.value.field == "tz"
