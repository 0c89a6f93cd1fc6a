"""Every examples/*.py runs to the end in a subprocess and prints what it promises."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = sorted((Path(__file__).parents[2] / "examples").glob("*.py"))
EXPECTED = {"homeless_outreach.py": ("plan hoc-2026", "missing sectors: health", "hoc-2026")}


@pytest.mark.parametrize("script", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_example_runs(script: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-W", "error", str(script)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=script.parent.parent,
    )
    assert proc.returncode == 0, proc.stderr
    for text in EXPECTED.get(script.name, ()):
        assert text in proc.stdout
