"""Fixtures for the end-to-end tests: a small synthetic city in a SQLite file, the
venv's ``rbp`` console script, and Debian's Chromium for the browser tests.

The browser tests skip (loudly) when /usr/bin/chromium is missing, unless
RBP_REQUIRE_BROWSER=1; ``make test`` installs Debian's ``chromium`` when run as root."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pendulum
import pytest

import rbp
from rbp import synth

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
AS_OF = "2025-12-31"


@pytest.fixture(scope="session")
def city_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small synthetic city (seed 7, about 30k interactions) in a SQLite file."""
    path = tmp_path_factory.mktemp("city") / "city.db"
    clock = lambda: pendulum.datetime(2026, 1, 15, tz="UTC")  # noqa: E731
    with rbp.open(path, tz="UTC", actor="e2e", clock=clock) as crm:
        synth.city(crm, size="small", seed=7)
    return path


@pytest.fixture(scope="session")
def rbp_command() -> Path:
    """The ``rbp`` console script the editable install put next to the interpreter."""
    script = Path(sys.executable).parent / "rbp"
    if not script.exists():
        pytest.fail(f"no console script at {script}: run `make venv` (pip install -e .)")
    return script


def run(
    *args: str | Path, cwd: Path = ROOT, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run a command with warnings as errors; capture text output."""
    env = {**os.environ, "PYTHONWARNINGS": "error"}
    return subprocess.run(
        [str(a) for a in args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        cwd=cwd,
        env=env,
    )


@pytest.fixture
def chromium() -> Path:
    """Debian's Chromium, or a loud skip (a failure with RBP_REQUIRE_BROWSER=1)."""
    if not CHROMIUM.exists():
        message = (
            "NO BROWSER: /usr/bin/chromium is missing, so the HTML pages were NOT opened in a "
            "browser (install Debian's chromium, or run `make test` as root)"
        )
        if os.environ.get("RBP_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return CHROMIUM
