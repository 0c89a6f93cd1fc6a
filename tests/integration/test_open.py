"""``rbp.open`` is harmless: it refuses what is not an rbp store and leaves it byte for
byte as it was; ``readonly=True`` never creates, fills or migrates; the store keeps
its time zone.

Files are compared by SHA-256 before and after, and every folder by its listing, so
a new ``-wal``/``-shm``/journal file would show too. The one exception: reading an rbp
store (WAL journal) read-only lets SQLite make its shared-memory ``-shm`` and an
empty ``-wal`` beside it, as any reader of a WAL database does; the store's own file
stays byte for byte the same.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pendulum
import pytest
import sqlalchemy as sa

import rbp
from rbp import _migrate
from rbp._unit import make_engine
from rbp.interactions import Interaction, InteractionKind
from tests.databases import PgCluster


def _digest(folder: Path) -> dict[str, str]:
    """Every file of a folder and its SHA-256."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def _foreign(path: Path) -> None:
    """Another application's SQLite file, in the default rollback journal."""
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
        conn.execute("INSERT INTO invoices (total) VALUES (12.5), (99.0)")
    conn.close()


def _store(path: Path, tz: str = "UTC") -> None:
    with rbp.open(path, tz=tz) as crm:
        crm.directory.add(rbp.Area("d-01"))


OTHERS = {
    "foreign-sqlite": _foreign,
    "alembic-of-another-app": lambda p: _another_alembic(p),
    "text-file": lambda p: p.write_text("name,phone\nJ. Lee,555-0100\n"),
    "newer-rbp": lambda p: _newer(p),
}


def _another_alembic(path: Path) -> None:
    """Another application that also uses Alembic, at a revision named like rbp's."""
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)")
        conn.execute("INSERT INTO alembic_version VALUES ('0001')")
        conn.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY)")
    conn.close()


def _newer(path: Path) -> None:
    """A store a newer rbp made: rbp's tables, a revision this rbp does not know."""
    _store(path)
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.close()


@pytest.mark.parametrize("readonly", [False, True], ids=["open", "readonly"])
@pytest.mark.parametrize("kind", list(OTHERS))
def test_what_is_not_an_rbp_store_is_refused_and_untouched(
    tmp_path: Path, kind: str, readonly: bool
) -> None:
    path = tmp_path / "other.db"
    OTHERS[kind](path)
    before = _digest(tmp_path)
    with pytest.raises(rbp.StoreError) as info:
        rbp.open(path, readonly=readonly)
    assert str(path) in str(info.value)
    expected = "newer rbp" if kind == "newer-rbp" else "not an rbp store"
    assert expected in str(info.value)
    assert _digest(tmp_path) == before


def test_a_foreign_file_keeps_its_journal_mode(tmp_path: Path) -> None:
    """Even the WAL pragma rbp sets on its own files is never run on another's."""
    path = tmp_path / "other.db"
    _foreign(path)
    with pytest.raises(rbp.StoreError):
        rbp.open(path)
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert conn.execute("SELECT count(*) FROM invoices").fetchone()[0] == 2
    conn.close()


def test_an_empty_file_is_refused_read_only_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    path.touch()
    with pytest.raises(rbp.StoreError, match="is empty, not an rbp store"):
        rbp.open(path, readonly=True)
    assert _digest(tmp_path) == {"empty.db": hashlib.sha256(b"").hexdigest()}


def test_an_empty_file_becomes_a_store_when_opened_for_writing(tmp_path: Path) -> None:
    """Documented choice: 0 bytes hold nothing to lose, as for SQLite itself."""
    path = tmp_path / "empty.db"
    path.touch()
    with rbp.open(path, tz="America/Chicago") as crm:
        crm.directory.add(rbp.Area("d-01"))
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT key FROM areas").fetchall() == [("d-01",)]
    conn.close()


def test_a_missing_file_becomes_a_store_but_not_read_only(tmp_path: Path) -> None:
    path = tmp_path / "city.db"
    with pytest.raises(rbp.StoreError, match="no rbp store at"):
        rbp.open(path, readonly=True)
    assert list(tmp_path.iterdir()) == []
    rbp.open(path).close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (
            _migrate.head(),
        )
    conn.close()


def test_read_only_reads_and_refuses_every_write(tmp_path: Path) -> None:
    path = tmp_path / "city.db"
    _store(path)
    before = _digest(tmp_path)
    with rbp.open(path, readonly=True) as crm:
        assert [a.key for a in crm.directory.areas()] == ["d-01"]
        with pytest.raises(rbp.StoreError, match="read-only"):
            crm.directory.add(rbp.Area("d-02"))
        with pytest.raises(rbp.StoreError, match="read-only"):
            crm.interactions.log(
                Interaction(
                    at=pendulum.datetime(2026, 1, 1, tz="UTC"),
                    kind=InteractionKind.MEETING,
                    participants=("x",),
                )
            )
    assert _digest(tmp_path)["city.db"] == before["city.db"]
    assert set(_digest(tmp_path)) <= {"city.db", "city.db-wal", "city.db-shm"}


def test_an_older_store_read_only_asks_for_an_upgrade(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    engine = make_engine(path, echo=False)
    _migrate.upgrade_to_head(engine, "0004")
    engine.dispose()
    before = _digest(tmp_path)
    with pytest.raises(rbp.StoreError, match=r"needs `rbp upgrade .*old\.db`"):
        rbp.open(path, readonly=True)
    assert _digest(tmp_path) == before
    with rbp.open(path, tz="America/Chicago") as crm:  # a writable open upgrades it
        assert crm.tz == "America/Chicago"
    rbp.open(path, readonly=True).close()


def test_an_in_memory_store_cannot_be_read_only() -> None:
    with pytest.raises(rbp.ValidationError) as info:
        rbp.open(readonly=True)
    assert info.value.field == "readonly"


# --------------------------------------------------------------------------- time zone

CHICAGO = "America/Chicago"


def test_the_store_remembers_its_zone(tmp_path: Path) -> None:
    path = tmp_path / "city.db"
    late = pendulum.datetime(2026, 3, 1, 23, 30, tz=CHICAGO)  # 2 March in UTC
    with rbp.open(path, tz=CHICAGO) as crm:
        crm.directory.add_many(
            [
                rbp.Area("d-01"),
                rbp.Officer("P1", areas=("d-01",)),
                rbp.CommunityMember("m1", area="d-01", sector=rbp.Sector.FAITH),
            ]
        )
        iid = crm.interactions.log(
            Interaction(at=late, kind=InteractionKind.MEETING, participants=("P1", "m1"))
        )
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT name, value FROM rbp_meta").fetchall() == [("tz", CHICAGO)]
    conn.close()
    for readonly in (False, True):
        with rbp.open(path, readonly=readonly) as crm:  # no tz=
            assert crm.tz == CHICAGO
            assert crm.now().timezone_name == CHICAGO
            got = crm.interactions.get(iid).at
            assert (got.timezone_name, got.day, got.hour) == (CHICAGO, 1, 23)
            # The end of 1 March, Chicago, counts the contact; in UTC it would not.
            end_of_day = pendulum.datetime(2026, 3, 1, tz=crm.tz).end_of("day")
            assert crm.graph.coverage(as_of=end_of_day).covered == 1
            assert crm.graph.coverage(as_of=end_of_day).as_of.timezone_name == CHICAGO


def test_a_different_zone_is_refused_and_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "city.db"
    _store(path, tz=CHICAGO)
    before = _digest(tmp_path)
    for readonly in (False, True):
        with pytest.raises(rbp.ValidationError) as info:
            rbp.open(path, tz="UTC", readonly=readonly)
        assert info.value.field == "tz"
        assert CHICAGO in str(info.value)
    assert _digest(tmp_path) == before
    rbp.open(path, tz=CHICAGO).close()  # the same zone is fine


def test_a_new_store_without_tz_is_utc(tmp_path: Path) -> None:
    path = tmp_path / "city.db"
    with rbp.open(path) as crm:
        assert crm.tz == "UTC"
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT value FROM rbp_meta WHERE name = 'tz'").fetchone() == ("UTC",)
    conn.close()
    with rbp.open(tz=CHICAGO) as crm:  # in memory too
        assert crm.tz == CHICAGO


# --------------------------------------------------------------------------- PostgreSQL


@pytest.fixture
def pg_url(pg_cluster: PgCluster) -> Iterator[str]:
    pg_cluster.admin_url()
    name = pg_cluster.create_database()
    try:
        yield pg_cluster.url(name)
    finally:
        pg_cluster.drop_database(name)


def _pg_state(url: str) -> tuple[list[str], list[tuple[object, ...]]]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            tables = sorted(sa.inspect(conn).get_table_names())
            rows = conn.execute(sa.text("SELECT * FROM invoices ORDER BY id")).all()
    finally:
        engine.dispose()
    return tables, [tuple(r) for r in rows]


@pytest.mark.postgres
def test_postgresql_foreign_database_is_refused_and_untouched(pg_url: str) -> None:
    engine = sa.create_engine(pg_url)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE invoices (id SERIAL PRIMARY KEY, total REAL)"))
        conn.execute(sa.text("INSERT INTO invoices (total) VALUES (12.5), (99.0)"))
    engine.dispose()
    before = _pg_state(pg_url)
    for readonly in (False, True):
        with pytest.raises(rbp.StoreError, match="not an rbp store"):
            rbp.open(pg_url, readonly=readonly)
    assert _pg_state(pg_url) == before == (["invoices"], [(1, 12.5), (2, 99.0)])


@pytest.mark.postgres
def test_postgresql_read_only(pg_url: str) -> None:
    with pytest.raises(rbp.StoreError, match="is empty"):
        rbp.open(pg_url, readonly=True)
    rbp.open(pg_url, tz=CHICAGO).close()
    with rbp.open(pg_url, readonly=True) as crm:
        assert crm.tz == CHICAGO
        with pytest.raises(rbp.StoreError, match="read-only"):
            crm.directory.add(rbp.Area("d-01"))
        # below rbp's own refusal, the server refuses too
        with (
            pytest.raises(sa.exc.InternalError, match="read-only transaction"),
            crm.engine.begin() as conn,
        ):
            conn.execute(sa.text("DELETE FROM areas"))
