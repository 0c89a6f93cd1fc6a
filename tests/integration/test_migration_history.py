"""Migrations are history: released files never change, and every release's store upgrades.

* ``RELEASED`` holds the SHA-256 of every migration file as released. Editing one
  fails here: a database made by that release would never run the edit (that is how
  stores made by the first release lost ``ix_interactions_follow_up_by``, which
  migration 0005 now adds where it is missing). A new migration adds its line.
* ``RELEASES`` are the commits of this repository that added a migration, plus the
  one that edited 0002 after its release. For each, the test unpacks that commit's
  ``rbp`` with ``git archive``, runs that release's own code
  (``tests/integration/release_fill.py``) to make and fill a small store, opens it with
  the current code, and compares with plain SQL and the inspector: every row the
  release wrote is still there, and tables, columns and indexes equal those of a
  fresh store.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

import rbp
from rbp._migrate import MIGRATIONS, head, upgrade_to_head
from tests.databases import PlainSQL
from tests.pair_summaries import check_summaries, contacts_in_store, stored_summaries

ROOT = Path(__file__).resolve().parents[2]
FILL = Path(__file__).with_name("release_fill.py")
TZ = "America/Chicago"

RELEASED = {
    "0001_directory.py": "b82f137b3ba356dd79f0ac2d5d701d115cd12744a68ca1d83616bcf6a1fc29b6",
    "0002_interactions.py": "7ae5f5fa3f980da60380bb5665fee53b94bd46bfa3180439995351d55dc2d1bf",
    "0003_plans.py": "43b45afc2fa22e5534b1a83026361f7c87c5a656dd51284da88915837ed56955",
    "0004_tie_promises.py": "7ac99cee12704507cf6533abcbb21bdbb8e11358ddba30f34f7bf6eea7edfcea",
    "0005_follow_up_index.py": "3165df39a780f61ac68e9a90f74f5a73ad8c1aaadb3a7244abf8b7514dc06d6e",
    "0006_store_meta.py": "971c5a1299ea87516d4ca0f739d4b157e0882607f15b14c0b1a21eb1d3e830d9",
    "0007_engagement.py": "f94ae8cb44732715d81da63b19115cdd8a2958af0c607dfc2ce38016809c4a47",
    "0008_accountability.py": "00ac491f711e18a919443ba59315a4aeb8f1e0078dfeb257f170306392ceb523",
    "0009_plan_concerns.py": "075461663c3f1aab00309c1d0549043518ac426ba4d1e75b82bbf53975aada4a",
    "0010_pair_summaries.py": "966e5d509e4ea4b50a9716904e0274d600f29bd8a71cd47708c4ad5c8741dd0d",
    "0011_partial_indexes.py": "543e75386a7b1bef52e5768456be8eb2c8939c0531c82c8312cb4699390193de",
    "0012_community_pairs.py": "df8653e0078d8f1e9e3b6dd08c95b3072933ea82061d963fa51829c675fb1ce4",
}

# commit -> the revision its store is at
RELEASES = {
    "8bd461b199cbbcda9029420cefb068380482be47": "0002",  # 0001 and 0002, before the edit
    "1e17007eb78dd0e2ce4be340753dcaba44ccf7f3": "0002",  # 0002 edited: the follow-up index
    "5b61e6e9d3cf1cec7ddfc2b11cc746d3247a69c8": "0003",
    "5c00fce8a04642b9cd6f6718118f26d03b014c7b": "0004",
}


def test_released_migration_files_never_change() -> None:
    versions = MIGRATIONS / "versions"
    found = {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(versions.glob("[0-9]*.py"))
    }
    changed = sorted(name for name in RELEASED if found.get(name) != RELEASED[name])
    assert changed == [], (
        f"released migrations changed or went missing: {changed}; a released migration is "
        "history, so write a new migration instead"
    )
    unlisted = sorted(set(found) - set(RELEASED))
    assert unlisted == [], f"add the SHA-256 of each new migration to RELEASED: {unlisted}"


def test_the_checksum_test_sees_an_edit(tmp_path: Path) -> None:
    """The comparison above fails on a one-character edit (the guard can fail)."""
    original = (MIGRATIONS / "versions" / "0002_interactions.py").read_bytes()
    edited = original.replace(b"ix_interactions_at", b"ix_interactions_At")
    assert hashlib.sha256(original).hexdigest() == RELEASED["0002_interactions.py"]
    assert hashlib.sha256(edited).hexdigest() != RELEASED["0002_interactions.py"]


# --------------------------------------------------------------------------- releases


def _git(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)


@pytest.fixture(scope="module")
def release_stores(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A small store made by each release's own code, built once per module."""
    if shutil.which("git") is None or _git("rev-parse", "--git-dir").returncode != 0:
        pytest.skip("not a git checkout: the releases come from this repository's history")
    folder = tmp_path_factory.mktemp("releases")
    stores = {}
    for commit in RELEASES:
        if _git("cat-file", "-e", f"{commit}^{{commit}}").returncode != 0:
            pytest.fail(f"commit {commit} is missing: a shallow clone? run git fetch --unshallow")
        code = folder / commit[:7]
        code.mkdir()
        archive = _git("archive", "--format=tar", commit, "rbp")
        assert archive.returncode == 0, archive.stderr
        tar = code / "rbp.tar"
        tar.write_bytes(archive.stdout)
        with tarfile.open(tar) as t:
            t.extractall(code, filter="data")
        db = folder / f"{commit[:7]}.db"
        env = {**os.environ, "PYTHONPATH": str(code)}
        env.pop("PYTHONWARNINGS", None)
        proc = subprocess.run(
            [sys.executable, str(FILL), str(db), TZ],
            cwd=code,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert proc.returncode == 0, proc.stderr
        stores[commit] = db
    return stores


@pytest.fixture(params=list(RELEASES), ids=[c[:7] for c in RELEASES])
def release_db(
    request: pytest.FixtureRequest, release_stores: dict[str, Path], tmp_path: Path
) -> tuple[str, Path]:
    """A copy of one release's store, for one test to change."""
    commit = request.param
    path = tmp_path / "old.db"
    shutil.copyfile(release_stores[commit], path)
    return commit, path


def _rows(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows, sorted, read with the stdlib's sqlite3."""
    with sqlite3.connect(path) as conn:
        tables = [
            n
            for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if not n.startswith("sqlite_") and n != "alembic_version"
        ]
        out = {}
        for table in tables:
            cols = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
            rows = conn.execute(f"SELECT {', '.join(cols)} FROM {table}").fetchall()
            out[table] = sorted(rows, key=repr)
    return out


def _schema(path: Path) -> dict[str, Any]:
    """Tables, columns (name, type, nullable, primary key) and indexes, by the inspector."""
    engine = sa.create_engine(f"sqlite:///{path}")
    try:
        insp = sa.inspect(engine)
        out: dict[str, Any] = {}
        for table in insp.get_table_names():
            out[table] = {
                "columns": [
                    (c["name"], str(c["type"]), c["nullable"]) for c in insp.get_columns(table)
                ],
                "pk": insp.get_pk_constraint(table)["constrained_columns"],
                "indexes": sorted(
                    (i["name"], tuple(i["column_names"]), bool(i["unique"]))
                    for i in insp.get_indexes(table)
                ),
                "fks": sorted(
                    (tuple(f["constrained_columns"]), f["referred_table"])
                    for f in insp.get_foreign_keys(table)
                ),
            }
    finally:
        engine.dispose()
    return out


def _revision(path: Path) -> str:
    with sqlite3.connect(path) as conn:
        return str(conn.execute("SELECT version_num FROM alembic_version").fetchone()[0])


def test_every_release_upgrades_with_its_data_and_the_fresh_schema(
    release_db: tuple[str, Path], tmp_path: Path
) -> None:
    commit, path = release_db
    assert _revision(path) == RELEASES[commit]
    before = _rows(path)
    assert len(before["stakeholders"]) == 4  # the release really filled it

    with rbp.open(path, tz=TZ) as crm:
        assert crm.tz == TZ
        assert crm.directory.get("P1234").unit == "CSP"
        assert crm.interactions.count() == len(before.get("interactions", []))

    fresh = tmp_path / "fresh.db"
    rbp.open(fresh, tz=TZ).close()
    assert _schema(path) == _schema(fresh)
    assert _revision(path) == head()

    after = _rows(path)
    assert "tie_events" not in after  # 0010 replaced it with the pair summaries
    for table, rows in before.items():
        if table == "tie_events":
            continue
        width = len(rows[0]) if rows else 0
        assert [r[:width] for r in after[table]] == rows, table  # old columns first
    assert after["rbp_meta"] == [("tz", TZ)]
    interactions = before.get("interactions", [])
    assert len(interactions) in (0, 4)
    for table in ("interactions", "interaction_participants", "interaction_areas"):
        assert len(after[table]) == len(before.get(table, [])), table

    # The summaries 0010 built from the release's tie events equal a brute-force
    # summary of the interactions, their participants and the stakeholders' kinds.
    sql = PlainSQL(sa.create_engine(f"sqlite:///{path}"), owned=True)
    try:
        contacts = contacts_in_store(sql)
        old_events = sorted(r[:3] for r in before.get("tie_events", []))
        assert sorted((o, k, at) for o, k, at, _ in contacts) == old_events
        pairs, months = stored_summaries(sql)
        if interactions:
            assert len(contacts) == 8
            assert len(pairs) == 4
            # buckets (30-day, from 1970): -200 days in 677, -40 in 682, -3 in 683
            assert len(months) == 7
            # two contacts at the pair's last instant: the earlier promise stands
            by_id = {i[0]: i for i in interactions}
            first, last, promise = by_id[4][1], by_id[1][1], by_id[1][5]
            assert by_id[3][1] == last
            assert by_id[3][5] > promise
            assert pairs["P1234", "m-17"][:4] == (3, first, last, promise)
        check_summaries(sql, contacts)
    finally:
        sql.close()


def test_the_first_release_lacks_the_index_that_0005_adds(
    release_stores: dict[str, Path], tmp_path: Path
) -> None:
    """The defect 0005 mends, seen in the first release's own file (0010 then drops
    the index again: only the tie events' promises used it)."""
    first = next(iter(RELEASES))
    indexes = {i[0] for i in _schema(release_stores[first])["interactions"]["indexes"]}
    assert "ix_interactions_follow_up_by" not in indexes
    path = tmp_path / "first.db"
    shutil.copyfile(release_stores[first], path)
    engine = sa.create_engine(f"sqlite:///{path}")
    try:
        upgrade_to_head(engine, "0009")
    finally:
        engine.dispose()
    assert _revision(path) == "0009"
    indexes = {i[0] for i in _schema(path)["interactions"]["indexes"]}
    assert "ix_interactions_follow_up_by" in indexes
    rbp.open(path).close()
    indexes = {i[0] for i in _schema(path)["interactions"]["indexes"]}
    assert "ix_interactions_follow_up_by" not in indexes


def test_a_release_store_opened_read_only_asks_for_an_upgrade(
    release_db: tuple[str, Path],
) -> None:
    _, path = release_db
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(rbp.StoreError, match=r"needs `rbp upgrade .*old\.db`"):
        rbp.open(path, readonly=True)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest


def test_an_old_store_records_utc_when_no_zone_is_given(
    release_stores: dict[str, Path], tmp_path: Path
) -> None:
    """Before 0006 a store kept no zone and was read in UTC unless told otherwise."""
    path = tmp_path / "old.db"
    shutil.copyfile(release_stores[next(reversed(RELEASES))], path)
    with rbp.open(path) as crm:
        assert crm.tz == "UTC"
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT name, value FROM rbp_meta").fetchall() == [("tz", "UTC")]
