"""The ``rbp`` command and the files it is given: read-only commands never create, fill or
migrate a file; ``rbp upgrade`` brings an older store up to date; every answer says the
time it is for and warns when the data ends long before it; ``rbp --version``."""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.metadata
import sqlite3
from pathlib import Path

import pendulum
import pytest

import rbp
from rbp import _migrate
from rbp._unit import make_engine
from rbp.interactions import Interaction, InteractionKind
from tests.e2e.conftest import run
from tests.e2e.test_cli import one_line_error

READ_ONLY = [
    ("summary",),
    ("coverage",),
    ("gaps",),
    ("departure", "P0001"),
    ("report", "-o", "{out}/r.html"),
    ("diagram", "network", "-o", "{out}/d.svg"),
]


def _command(args: tuple[str, ...], db: Path, out: Path) -> list[str]:
    head, *rest = args
    return [head, str(db), *(a.format(out=out) for a in rest)]


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def _foreign(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
        conn.execute("INSERT INTO invoices (total) VALUES (12.5)")
    conn.close()


@pytest.mark.parametrize("args", READ_ONLY, ids=lambda a: a[0])
@pytest.mark.parametrize("kind", ["foreign", "empty"])
def test_read_only_commands_leave_other_files_untouched(
    rbp_command: Path, tmp_path: Path, args: tuple[str, ...], kind: str
) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    db = folder / f"{kind}.db"
    if kind == "foreign":
        _foreign(db)
    else:
        db.touch()
    before = _digest(folder)
    proc = run(rbp_command, *_command(args, db, tmp_path))
    one_line_error(proc, str(db), "not an rbp store")
    assert _digest(folder) == before


@pytest.fixture
def old_store(tmp_path: Path) -> Path:
    """A store at revision 0004 (before the zone was recorded), with one contact."""
    path = tmp_path / "old.db"
    engine = make_engine(path, echo=False)
    _migrate.upgrade_to_head(engine, "0004")
    engine.dispose()
    return path


def test_an_older_store_needs_rbp_upgrade(
    rbp_command: Path, old_store: Path, tmp_path: Path
) -> None:
    before = hashlib.sha256(old_store.read_bytes()).hexdigest()
    for args in READ_ONLY:
        proc = run(rbp_command, *_command(args, old_store, tmp_path))
        one_line_error(proc, f"rbp upgrade {old_store}")
    assert hashlib.sha256(old_store.read_bytes()).hexdigest() == before

    up = run(rbp_command, "upgrade", old_store, "--tz", "America/Chicago")
    assert up.returncode == 0, up.stderr
    assert f"from schema revision 0004 to {_migrate.head()}" in up.stdout
    assert "America/Chicago (recorded now)" in up.stdout
    with sqlite3.connect(old_store) as conn:
        assert conn.execute("SELECT value FROM rbp_meta").fetchall() == [("America/Chicago",)]
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [
            (_migrate.head(),)
        ]
    conn.close()
    again = run(rbp_command, "upgrade", old_store)
    assert again.returncode == 0, again.stderr
    assert "up to date" in again.stdout
    summary = run(rbp_command, "summary", old_store)
    assert summary.returncode == 0, summary.stderr
    assert summary.stdout.splitlines()[0].endswith(" America/Chicago")


@pytest.mark.parametrize("kind", ["foreign", "empty", "missing"])
def test_upgrade_refuses_what_is_not_a_store(rbp_command: Path, tmp_path: Path, kind: str) -> None:
    db = tmp_path / f"{kind}.db"
    if kind == "foreign":
        _foreign(db)
    elif kind == "empty":
        db.touch()
    before = _digest(tmp_path)
    proc = run(rbp_command, "upgrade", db)
    one_line_error(proc, str(db))
    assert _digest(tmp_path) == before


def test_a_different_tz_is_one_line(rbp_command: Path, city_db: Path) -> None:
    proc = run(rbp_command, "summary", city_db, "--tz", "America/Chicago")
    one_line_error(proc, "America/Chicago", "'UTC'")


# --------------------------------------------------------------------------- the zone


def test_commands_answer_in_the_stored_zone(rbp_command: Path, tmp_path: Path) -> None:
    """A contact late on 1 March in Chicago is 2 March in UTC: the day boundary of
    ``--as-of 2026-03-01`` is Chicago's, with no ``--tz``."""
    db = tmp_path / "chicago.db"
    with rbp.open(db, tz="America/Chicago") as crm:
        crm.directory.add_many(
            [
                rbp.Area("d-01"),
                rbp.Officer("P1", areas=("d-01",)),
                rbp.CommunityMember("m1", area="d-01", sector=rbp.Sector.FAITH),
            ]
        )
        crm.interactions.log(
            Interaction(
                at=pendulum.datetime(2026, 3, 1, 23, 30, tz="America/Chicago"),
                kind=InteractionKind.MEETING,
                participants=("P1", "m1"),
            )
        )
    proc = run(rbp_command, "coverage", db, "--as-of", "2026-03-01")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == "Coverage — as of 2026-03-01 23:59 CST", lines[0]
    assert lines[1].startswith("100.0% covered: 1 of 1 "), lines[1]


# --------------------------------------------------------------------------- the time


def _newest(city_db: Path) -> dt.date:
    with sqlite3.connect(f"file:{city_db}?mode=ro", uri=True) as conn:
        _first, last = conn.execute("SELECT min(at), max(at) FROM interactions").fetchone()
    conn.close()
    return dt.datetime.fromtimestamp(last / 1e6, dt.UTC).date()


def test_an_answer_long_after_the_data_says_so(rbp_command: Path, city_db: Path) -> None:
    newest = _newest(city_db)
    late = (newest + dt.timedelta(days=365)).isoformat()
    proc = run(rbp_command, "coverage", city_db, "--as-of", late)
    assert proc.returncode == 0, proc.stderr
    first, note, *_ = proc.stdout.splitlines()
    assert first == f"Coverage — as of {late} 23:59 UTC"
    assert note.startswith(f"note: the newest interaction is from {newest.isoformat()}, 365 days")
    assert note.endswith(f"add --as-of {newest.isoformat()}")
    assert "180 days" in note  # the longest contact window
    report = run(
        rbp_command, "report", city_db, "-o", city_db.parent / "late.html", "--as-of", late
    )
    assert report.returncode == 0, report.stderr
    assert f"rbp: as of {late} 23:59 UTC" in report.stderr.splitlines()
    assert any(line.startswith("rbp: note: the newest") for line in report.stderr.splitlines())


def test_an_answer_within_the_window_has_no_note(rbp_command: Path, city_db: Path) -> None:
    newest = _newest(city_db)
    within = (newest + dt.timedelta(days=180)).isoformat()
    proc = run(rbp_command, "gaps", city_db, "--as-of", within)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[0] == f"Gaps — as of {within} 23:59 UTC"
    assert "note:" not in proc.stdout + proc.stderr


def test_summary_shows_the_period_of_the_data(rbp_command: Path, city_db: Path) -> None:
    with sqlite3.connect(f"file:{city_db}?mode=ro", uri=True) as conn:
        first, last = conn.execute("SELECT min(at), max(at) FROM interactions").fetchone()
    conn.close()

    def day(micros: int) -> str:
        return dt.datetime.fromtimestamp(micros / 1e6, dt.UTC).date().isoformat()

    proc = run(rbp_command, "summary", city_db)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("as of ")
    assert lines[0].endswith(" UTC")
    assert f"interactions from           {day(first)} to {day(last)}" in lines


# --------------------------------------------------------------------------- version


def test_version(rbp_command: Path) -> None:
    proc = run(rbp_command, "--version")
    assert proc.returncode == 0, proc.stderr
    try:
        installed = importlib.metadata.version("rbp-crm")
    except importlib.metadata.PackageNotFoundError:
        # an environment that still has the old distribution installed: the source's version
        assert (
            proc.stdout.strip() == f"rbp {rbp.__version__} (source tree; rbp-crm is not installed)"
        )
    else:
        assert proc.stdout.strip() == f"rbp {installed}"
