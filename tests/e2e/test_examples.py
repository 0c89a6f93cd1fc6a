"""Every examples/*.py runs to the end in a subprocess and prints what it promises."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.e2e.conftest import ROOT, run

EXAMPLES = sorted((ROOT / "examples").glob("*.py"))
EXPECTED = {
    "homeless_outreach.py": ("Plan hoc-2026", "missing sectors: health", "hoc-2026"),
    "developer_quickstart.py": (
        "tie P1234 ~ m-17: 1 contact, active",
        "coverage 1/2, uncovered: org-dmh",
        "if P1234 leaves, orphaned: m-17",
        "graph: 3 nodes",
    ),
    "analyst_walkthrough.py": (
        "city: 60 officers, 30000 interactions",
        "ties frame:",
        "coverage matrix: 34 areas x 13 sectors",
        "coverage trend:",
        "single-threaded stakeholders",
    ),
    "program_lead_pack.py": ("monthly pack for 2025-12", "wrote report-2025-12.html"),
}


def test_every_example_is_checked() -> None:
    assert {p.name for p in EXAMPLES} >= set(EXPECTED)


@pytest.mark.parametrize("script", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_example_runs(script: Path, tmp_path: Path) -> None:
    args: list[str | Path] = [sys.executable, "-W", "error", script]
    if script.name == "program_lead_pack.py":
        args.append(tmp_path / "pack")
    proc = run(*args, cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr
    for text in EXPECTED.get(script.name, ()):
        assert text in proc.stdout


def test_program_lead_pack_writes_pages(tmp_path: Path) -> None:
    proc = run(sys.executable, "-W", "error", ROOT / "examples" / "program_lead_pack.py", tmp_path)
    assert proc.returncode == 0, proc.stderr
    pages = sorted(p.name for p in tmp_path.glob("*.html"))
    assert "report-2025-12.html" in pages
    assert "brief-2025-12.html" in pages
    assert "coverage-2025-12.html" in pages
    for page in tmp_path.glob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert text.startswith("<!DOCTYPE html>")
        assert "<style>" in text
