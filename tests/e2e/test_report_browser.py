"""The combined HTML report opens in a real headless Chromium and paints a page.

Skips (loudly) when /usr/bin/chromium is missing, unless RBP_REQUIRE_BROWSER=1;
``make test`` installs Debian's ``chromium`` when run as root.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pendulum
import pytest

import rbp
from rbp.report import write_report
from tests.pngs import png_pixels


def test_report_renders_in_headless_chromium(chromium: Path, city_db: Path, tmp_path: Path) -> None:
    with rbp.open(city_db, tz="UTC") as crm:
        page = write_report(
            crm, tmp_path / "report.html", as_of=pendulum.datetime(2025, 12, 31, 23, 59)
        )
    _painted(chromium, page, tmp_path)


@pytest.mark.parametrize("kind", ["transparency", "accreditation"])
def test_accountability_pages_render_in_headless_chromium(
    chromium: Path, city_db: Path, tmp_path: Path, kind: str
) -> None:
    end = pendulum.datetime(2025, 12, 31, 23, 59)
    with rbp.open(city_db, readonly=True) as crm:
        if kind == "transparency":
            made = crm.accountability.transparency_report(start=end.subtract(months=6), end=end)
        else:
            made = crm.accountability.accreditation_pack(start=end.subtract(months=6), end=end)
        page = made.to_html(tmp_path / f"{kind}.html")
    _painted(chromium, page, tmp_path)


def _painted(chromium: Path, page: Path, tmp_path: Path) -> None:
    """Open ``page`` in headless Chromium and check the screenshot shows a painted page."""
    shot = tmp_path / "report.png"
    proc = subprocess.run(
        [
            str(chromium),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            f"--user-data-dir={tmp_path / 'profile'}",
            f"--screenshot={shot}",
            "--window-size=1200,900",
            page.resolve().as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert shot.exists(), proc.stderr[-2000:]
    data = shot.read_bytes()
    assert len(data) > 10_000  # a painted page, not a blank one
    width, height, colours = png_pixels(data)
    assert (width, height) == (1200, 900)
    assert len(colours) > 5  # text, table headers and rules: not a single colour
