"""The demo (``python -m rbp.demo``, ``make demo``) tells one consistent story.

One busiest beat everywhere (the summary, the network map, the brief of that beat, the
full report), checked against the beat with the most stakeholders counted with plain
SQL; the gaps see the demo's plan; every page it writes is titled and styled; the
README's pictures are written (the brief's only with Chromium, else one line says why).
"""

from __future__ import annotations

import re
import shutil
import sqlite3
import sys
from pathlib import Path

import pytest

from tests.e2e.conftest import CHROMIUM, run


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("demo")
    proc = run(sys.executable, "-m", "rbp.demo", "--out", out, "--docs", out / "docs", timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return out, proc.stdout


def _busiest_by_sql(db: Path) -> str:
    """The leaf area with the most non-officer stakeholders in the picture at the end of
    the log (ties: the smaller key)."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        (end,) = conn.execute("SELECT max(at) FROM interactions").fetchone()
        rows = conn.execute(
            "SELECT sa.area, count(*) FROM stakeholder_areas sa "
            "JOIN stakeholders s ON s.key = sa.stakeholder "
            "WHERE s.kind <> 'officer' AND (s.since IS NULL OR s.since <= ?) "
            "AND (s.until IS NULL OR s.until >= ?) "
            "AND NOT EXISTS (SELECT 1 FROM areas c WHERE c.parent = sa.area) "
            "GROUP BY sa.area",
            (end, end),
        ).fetchall()
    conn.close()
    return min(rows, key=lambda r: (-r[1], r[0]))[0]


def test_one_busiest_beat_everywhere(demo: tuple[Path, str]) -> None:
    out, stdout = demo
    beat = _busiest_by_sql(out / "city.db")
    said = re.search(r"busiest beat: .* \(([^)]+)\), ", stdout)
    assert said, stdout
    assert said.group(1) == beat
    assert (out / f"network-{beat}.gv").exists()
    assert (out / f"brief-{beat}.html").exists()
    assert len(list(out.glob("brief-*.html"))) == 1
    assert len(list(out.glob("network-b-*.gv"))) == 1
    report = (out / "report.html").read_text(encoding="utf-8")
    assert f"busiest beat: {beat}" in report
    with sqlite3.connect(f"file:{out / 'city.db'}?mode=ro", uri=True) as conn:
        (name,) = conn.execute("SELECT name FROM areas WHERE key = ?", (beat,)).fetchone()
    conn.close()
    page = (out / "brief.html").read_text(encoding="utf-8")
    assert f"Busiest beat: {name}, " in page
    assert f"<summary>Network of the busiest beat, {name}</summary>" in page


def test_the_gaps_see_the_plan(demo: tuple[Path, str]) -> None:
    out, stdout = demo
    gaps = stdout[stdout.index("\nTop gaps\n") :]
    found = re.search(r"(\d+) plans? needing attention", gaps)
    assert found, gaps[:500]
    assert int(found.group(1)) >= 1
    page = (out / "brief.html").read_text(encoding="utf-8")
    assert "Creek-side encampment outreach (plan-outreach;" in page


def test_every_page_is_titled_and_styled(demo: tuple[Path, str]) -> None:
    out, _ = demo
    pages = sorted(out.glob("*.html"))
    assert {"brief.html", "report.html", "coverage.html"} <= {p.name for p in pages}
    for page in pages:
        text = page.read_text(encoding="utf-8")
        title = re.search(r"<title>(.+?)</title>", text)
        assert title, page.name
        assert title.group(1).strip(), page.name
        assert "<style>" in text, page.name
        assert "<h1>" in text, page.name


def test_the_readme_pictures(demo: tuple[Path, str]) -> None:
    out, stdout = demo
    docs = out / "docs"
    if shutil.which("dot"):
        for name in ("network-district.png", "coverage-matrix.png"):
            assert (docs / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", name
    if CHROMIUM.exists():
        assert (docs / "brief.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert "brief.png (1280 px wide)" in stdout
    else:
        assert "brief.png skipped: Chromium is not installed" in stdout


def test_without_chromium_the_screenshot_is_skipped_in_one_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from rbp import demo as the_demo

    page = tmp_path / "brief.html"
    page.write_text("<!DOCTYPE html><title>t</title>", encoding="utf-8")
    monkeypatch.setattr(the_demo, "CHROMIUM", (str(tmp_path / "no-such-chromium"),))
    line = the_demo._screenshot(page, tmp_path / "brief.png")
    assert line == "brief.png skipped: Chromium is not installed (apt-get install chromium)"
    assert not (tmp_path / "brief.png").exists()


def test_the_demo_shows_the_community_s_voice(demo: tuple[Path, str]) -> None:
    """The CPSS line and the concerns line agree with plain SQL over the demo's file."""
    out, stdout = demo
    voice = stdout[stdout.index("\nThe community's voice\n") :]
    with sqlite3.connect(f"file:{out / 'city.db'}?mode=ro", uri=True) as conn:
        (end,) = conn.execute("SELECT max(at) FROM interactions").fetchone()
        year = 365 * 86_400 * 1_000_000
        answers = [
            o
            for (o,) in conn.execute(
                "SELECT overall FROM survey_responses WHERE overall IS NOT NULL AND at > ?",
                (end - year,),
            )
        ]
        concerns, tips = conn.execute(
            "SELECT SUM(CASE WHEN tip THEN 0 ELSE 1 END), SUM(CASE WHEN tip THEN 1 ELSE 0 END) "
            "FROM concerns"
        ).fetchone()
    conn.close()
    said = re.search(r"CPSS (\d+) from ([\d,]+) responses", voice)
    assert said, voice[:500]
    assert int(said.group(2).replace(",", "")) == len(answers)
    assert int(said.group(1)) == round(100 * sum(o >= 4 for o in answers) / len(answers))
    assert f"{concerns:,} concerns and {tips:,} anonymous tips reported" in voice
    late = re.search(r"(\d+) concerns? past their service level", voice)
    assert late
    assert int(late.group(1)) > 0
    gaps = stdout[stdout.index("\nTop gaps\n") : stdout.index("\nKey-person risk\n")]
    listed = re.search(r"Concerns and tips overdue \((\d+) rows?\)", gaps)
    assert listed, gaps
    assert listed.group(1) == late.group(1)
    assert (out / "satisfaction.html").exists()
