"""The combined HTML report opens in a real headless Chromium and paints a page.

Skips (loudly) when /usr/bin/chromium is missing, unless RBP_REQUIRE_BROWSER=1;
``make test`` installs Debian's ``chromium`` when run as root.
"""

from __future__ import annotations

import os
import struct
import subprocess
import zlib
from pathlib import Path

import pendulum
import pytest

import rbp
from rbp.report import write_report

CHROMIUM = Path("/usr/bin/chromium")


def png_pixels(data: bytes) -> tuple[int, int, set[bytes]]:
    """Width, height and the set of distinct RGB(A) pixels of an 8-bit PNG (no filters
    other than the five standard ones)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width, height, bpp = 8, b"", 0, 0, 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert depth == 8
            bpp = {2: 3, 6: 4}[colour]
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * bpp
    prev = bytearray(stride)
    colours: set[bytes] = set()
    for y in range(height):
        row_start = y * (stride + 1)
        ftype, line = raw[row_start], bytearray(raw[row_start + 1 : row_start + 1 + stride])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if ftype == 1:
                line[i] = (line[i] + a) & 255
            elif ftype == 2:
                line[i] = (line[i] + b) & 255
            elif ftype == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif ftype == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[i] = (line[i] + pred) & 255
        if y % 8 == 0:
            colours.update(bytes(line[i : i + 3]) for i in range(0, stride, bpp * 8))
        prev = line
    return width, height, colours


@pytest.fixture
def chromium() -> Path:
    if not CHROMIUM.exists():
        message = (
            "NO BROWSER: /usr/bin/chromium is missing, so the HTML report was NOT opened in a "
            "browser (install Debian's chromium, or run `make test` as root)"
        )
        if os.environ.get("RBP_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return CHROMIUM


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
