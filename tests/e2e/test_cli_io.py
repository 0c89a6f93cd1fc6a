"""``rbp import`` and ``rbp export``: a spreadsheet in, CSV/GraphML/GEXF out, one-line
errors with exit code 2 and nothing written."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import networkx as nx

from tests.e2e.conftest import run
from tests.e2e.test_cli import one_line_error


def test_import_then_export(rbp_command: Path, tmp_path: Path) -> None:
    db = tmp_path / "city.db"
    (tmp_path / "beats.csv").write_text("Beat,Parent\nb-1,d-1\nd-1,\n")
    (tmp_path / "people.csv").write_text("ID,Group\nP1,\n")
    (tmp_path / "sheet.csv").write_text("When,Who\n2026-03-02 18:00,P1;m-1\n")
    proc = run(
        rbp_command,
        "import",
        db,
        tmp_path / "beats.csv",
        "--kind",
        "areas",
        "--map",
        "key=Beat",
        "--map",
        "parent=Parent",
        "--tz",
        "America/Chicago",
    )
    assert proc.returncode == 0, proc.stderr
    assert "added 2" in proc.stdout
    proc = run(
        rbp_command, "import", db, tmp_path / "people.csv", "--kind", "officers", "--map", "key=ID"
    )
    assert proc.returncode == 0, proc.stderr
    (tmp_path / "people.csv").write_text("ID,Group\nm-1,faith\n")
    proc = run(
        rbp_command,
        "import",
        db,
        tmp_path / "people.csv",
        "--kind",
        "members",
        "--map",
        "key=ID",
        "--map",
        "sector=Group",
        "--dry-run",
    )
    assert proc.returncode == 0
    assert "would add 1" in proc.stdout
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM stakeholders").fetchone() == (1,)
    run(
        rbp_command,
        "import",
        db,
        tmp_path / "people.csv",
        "--kind",
        "members",
        "--map",
        "key=ID",
        "--map",
        "sector=Group",
    )
    proc = run(
        rbp_command,
        "import",
        db,
        tmp_path / "sheet.csv",
        "--kind",
        "interactions",
        "--map",
        "at=When",
        "--map",
        "participants=Who",
        "--default",
        "kind=meeting",
        "--tz",
        "America/Chicago",
    )
    assert proc.returncode == 0, proc.stderr
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT at FROM interactions").fetchall() == [(1772496000 * 10**6,)]
    proc = run(rbp_command, "export", db, "--format", "csv", "--out", tmp_path / "out")
    assert proc.returncode == 0, proc.stderr
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["files"]["interactions.csv"]["rows"] == 1
    proc = run(
        rbp_command,
        "export",
        db,
        "--format",
        "graphml",
        "--out",
        tmp_path / "g.graphml",
        "--as-of",
        "2026-06-30",
        "--pseudonymise",
    )
    assert proc.returncode == 0, proc.stderr
    g = nx.read_graphml(tmp_path / "g.graphml")
    assert g.number_of_nodes() == 2
    assert "P1" not in g


def test_import_errors_are_one_line(rbp_command: Path, tmp_path: Path) -> None:
    db = tmp_path / "city.db"
    (tmp_path / "m.csv").write_text("ID,Group\nm-1,faith\nm-2,astronaut\n")
    proc = run(
        rbp_command,
        "import",
        db,
        tmp_path / "m.csv",
        "--kind",
        "members",
        "--map",
        "key=ID",
        "--map",
        "sector=Group",
    )
    one_line_error(proc, "line 3", "Group", "astronaut")
    proc = run(
        rbp_command, "import", db, tmp_path / "m.csv", "--kind", "members", "--map", "key=Nope"
    )
    one_line_error(proc, "Nope")
    proc = run(rbp_command, "import", db, tmp_path / "m.csv", "--kind", "members", "--map", "x")
    one_line_error(proc, "field=value")
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM stakeholders").fetchone() == (0,)
