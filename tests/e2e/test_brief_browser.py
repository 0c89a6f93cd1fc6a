"""The brief as a person sees it: opened in a real headless Chromium at 1280 px wide.

The browser lays the page out; a script added to a copy of the page writes what the
browser measured (``getBoundingClientRect``, computed font sizes, which ``<details>``
are open) into the DOM, and ``--dump-dom`` hands it back. A screenshot checks the
colours a reader sees, and ``--print-to-pdf`` checks the printed page.

Skips (loudly) when /usr/bin/chromium is missing, unless RBP_REQUIRE_BROWSER=1;
``make test`` installs Debian's ``chromium`` when run as root.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pendulum
import pytest

import rbp
from rbp._render import COVERAGE_SCALE, STATUS_COLOURS
from rbp.report import brief
from tests.pngs import png_pixels

WIDTH, FIRST_SCREEN = 1280, 800

PROBE = """
<script>
(function () {
  function box(el) {
    var r = el.getBoundingClientRect();
    return {top: r.top, bottom: r.bottom, left: r.left, right: r.right};
  }
  function all(sel) { return Array.prototype.slice.call(document.querySelectorAll(sel)); }
  function px(el) { return parseFloat(getComputedStyle(el).fontSize); }
  var out = {
    viewport: [window.innerWidth, window.innerHeight],
    scrollWidth: document.documentElement.scrollWidth,
    figures: all(".figure").map(box),
    figureText: all(".figure").map(function (f) { return f.innerText; }),
    heat: box(document.querySelector("table.heat")),
    scale: box(document.querySelector(".scale")),
    heatFont: Math.min.apply(null, all("table.heat td, table.heat th").map(px)),
    figureFont: Math.min.apply(null, all(".figure-value").map(px)),
    details: all("details").length,
    openBefore: all("details[open]").length
  };
  window.dispatchEvent(new Event("beforeprint"));
  out.openAfterPrint = all("details[open]").length;
  var pre = document.createElement("pre");
  pre.id = "rbp-probe";
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();
</script>
"""


def _browser(chromium: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
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
            "--hide-scrollbars",
            f"--user-data-dir={tmp_path / 'profile'}",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )


@pytest.fixture
def page(city_db: Path, tmp_path: Path) -> Path:
    with rbp.open(city_db, tz="UTC") as crm:
        return brief(crm, as_of=pendulum.datetime(2025, 12, 31, 23, 59)).to_html(
            tmp_path / "brief.html"
        )


def _measure(chromium: Path, page: Path, tmp_path: Path) -> dict[str, Any]:
    probe = tmp_path / "probe.html"
    probe.write_text(
        page.read_text(encoding="utf-8").replace("</body>", PROBE + "</body>"), encoding="utf-8"
    )
    proc = _browser(
        chromium, tmp_path, "--dump-dom", f"--window-size={WIDTH},{FIRST_SCREEN}", probe.as_uri()
    )
    found = re.search(r'<pre id="rbp-probe">(.*?)</pre>', proc.stdout, re.S)
    assert found, proc.stderr[-2000:]
    measured: dict[str, Any] = json.loads(html.unescape(found.group(1)))
    return measured


def test_first_screen_holds_the_figures_and_the_heat_map(
    chromium: Path, page: Path, tmp_path: Path
) -> None:
    m = _measure(chromium, page, tmp_path)
    # The page's layout does not depend on the window's height (no vh units), so the
    # positions measured are those of a 1280 x 800 screen.
    assert m["viewport"][0] == WIDTH
    assert m["scrollWidth"] <= WIDTH  # nothing runs off to the side
    assert len(m["figures"]) == 5
    for box in m["figures"]:
        assert box["top"] >= 0, box
        assert box["bottom"] <= FIRST_SCREEN, box
        assert box["left"] >= 0, box
        assert box["right"] <= WIDTH, box
    # the five figures side by side, on one row
    assert len({round(b["top"]) for b in m["figures"]}) == 1
    for box in (m["heat"], m["scale"]):
        assert box["top"] > max(b["bottom"] for b in m["figures"])
        assert box["bottom"] <= FIRST_SCREEN, box
        assert box["right"] <= WIDTH, box
    assert m["heatFont"] >= 12  # px: readable without zooming
    assert m["figureFont"] >= 24
    words = " ".join(m["figureText"]).lower()
    assert re.search(r"\b(good|watch|act|no data)\b", words)
    assert "since 30 sep 2025" in words


def test_printing_opens_every_detail(chromium: Path, page: Path, tmp_path: Path) -> None:
    m = _measure(chromium, page, tmp_path)
    assert m["details"] >= 5
    assert m["openBefore"] == 0  # folded on screen
    assert m["openAfterPrint"] == m["details"]  # open on paper


def test_it_prints_on_a4_with_the_details(chromium: Path, page: Path, tmp_path: Path) -> None:
    def pages(html: Path) -> tuple[int, list[bytes]]:
        pdf = html.with_suffix(".pdf")
        proc = _browser(
            chromium, tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", html.as_uri()
        )
        assert pdf.exists(), proc.stderr[-2000:]
        data = pdf.read_bytes()
        boxes = re.findall(rb"/MediaBox \[([^\]]*)\]", data)
        return len(re.findall(rb"/Type /Page\b", data)), boxes

    printed, boxes = pages(page)
    assert boxes
    for box in boxes:  # A4: 210 x 297 mm is 595 x 842 pt
        width, height = (float(v) for v in box.split()[2:])
        assert (round(width), round(height)) == (595, 842)
    # Two things open the <details> on paper: the print stylesheet's rule and, for
    # browsers without ::details-content, a "beforeprint" script. Each alone prints the
    # same pages; with both taken out only the front is printed.
    text = page.read_text(encoding="utf-8")
    rule = "details::details-content { content-visibility: visible; display: block; }"
    script = "d.open = true;"
    assert rule in text
    assert script in text

    def without(name: str, *cut: str) -> Path:
        changed = text
        for piece in cut:
            changed = changed.replace(piece, "")
        out = tmp_path / f"{name}.html"
        out.write_text(changed, encoding="utf-8")
        return out

    assert pages(without("no-rule", rule))[0] == printed
    assert pages(without("no-script", script))[0] == printed
    folded = pages(without("folded", rule, script))[0]
    assert folded < printed


def test_screenshot_shows_the_judgements_and_the_scale(
    chromium: Path, page: Path, tmp_path: Path
) -> None:
    shot = tmp_path / "brief.png"
    proc = _browser(
        chromium,
        tmp_path,
        f"--screenshot={shot}",
        f"--window-size={WIDTH},{FIRST_SCREEN}",
        page.as_uri(),
    )
    assert shot.exists(), proc.stderr[-2000:]
    width, height, colours = png_pixels(shot.read_bytes())
    assert (width, height) == (WIDTH, FIRST_SCREEN)

    def rgb(hex_colour: str) -> bytes:
        return bytes.fromhex(hex_colour.lstrip("#"))

    seen_status = {name for name, c in STATUS_COLOURS.items() if rgb(c) in colours}
    assert seen_status, "no good / watch / act colour on the first screen"
    seen_scale = [fill for _, fill, _ in COVERAGE_SCALE if rgb(fill) in colours]
    assert len(seen_scale) == len(COVERAGE_SCALE), "the coverage scale is not all on screen"
