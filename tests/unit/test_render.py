"""The one renderer: every report and record list as a frame, notebook HTML, a page and
short text; HTML is checked by parsing it (html.parser), never by comparing it with
the renderer's own output; hostile text is escaped in every HTML output."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import attrs
import pendulum
import pytest

import rbp
from rbp._queries.plan_status import OverdueTask, PlanStatus
from rbp._queries.ties import TieSet
from rbp._render import RecordList, Renderable, Report, Table
from rbp._time import AsOf
from rbp.directory._summary import DirectorySummary
from rbp.graph import (
    Cell,
    ColdTie,
    CoverageReport,
    DepartureImpact,
    GapReport,
    KeyPersonReport,
    Successor,
)
from rbp.model import Priority, Sector
from rbp.model._plans import Phase, TaskStatus
from tests.html_tables import Tables

T = pendulum.datetime(2026, 6, 30, 12, tz="UTC")
HOSTILE = "<script>alert(\"x\")</script> & 'q'"
"""A key no page may turn into markup."""


class Parsed(HTMLParser):
    """Tags, table rows (cell texts), headings and all text of an HTML document."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.rows: list[list[str]] = []
        self.headings: list[str] = []
        self.title = ""
        self.texts: list[str] = []
        self._cell: list[str] | None = None
        self._heading: list[str] | None = None
        self._in_title = False
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs_: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self._heading = []
        elif tag == "title":
            self._in_title = True

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append("".join(self._cell))
            self._cell = None
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6") and self._heading is not None:
            self.headings.append("".join(self._heading).strip())
            self._heading = None
        elif tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        self.texts.append(data)
        if self._cell is not None:
            self._cell.append(data)
        if self._heading is not None:
            self._heading.append(data)
        if self._in_title:
            self.title += data


def tags_of(text: str) -> list[str]:
    return Parsed(text).tags


def coverage(key: str = "b-1", n_uncovered: int = 3) -> CoverageReport:
    return CoverageReport(
        as_of=T,
        window=pendulum.duration(days=90),
        covered=1,
        total=1 + n_uncovered,
        by_area={key: Cell(1, 1 + n_uncovered)},
        by_sector={Sector.FAITH: Cell(1, 1 + n_uncovered)},
        matrix={(key, Sector.FAITH): Cell(1, 1 + n_uncovered)},
        uncovered=tuple(f"{key}-{i}" for i in range(n_uncovered)),
    )


def gaps(key: str, n: int) -> GapReport:
    keys = tuple(f"{key}-{i:05d}" for i in range(n))
    return GapReport(
        as_of=T,
        uncovered={Priority.KEY: keys},
        cooling=tuple(ColdTie(officer="P1", stakeholder=k, status="cooling", last=T) for k in keys),
        matrix_gaps=((key, Sector.FAITH),),
        missing_sectors={key: (Sector.HOUSING,)},
        quiet_areas=(key,),
        single_threaded=keys,
        overdue_follow_ups=(),
    )


def plan_status(key: str) -> PlanStatus:
    return PlanStatus(
        plan=key,
        title=f"Title {key}",
        as_of=T,
        phase=Phase.RESPONSE,
        phase_since=T.subtract(days=3),
        days_in_phase=3.0,
        tasks=2,
        done=1,
        progress=0.5,
        overdue=(OverdueTask(task=key, owner=key, due=T.subtract(days=1), status=TaskStatus.OPEN),),
        unengaged=(key,),
        missing_sectors=(Sector.FAITH,),
        attainment={key: 0.25},
    )


def every_renderable(key: str) -> list[Renderable]:
    cov = coverage(key)
    impact = DepartureImpact(
        officer=key,
        before=cov,
        after=cov,
        orphaned=(key,),
        areas_dropped=(key,),
        successors=(Successor(officer=key, score=1.0, orphans_known=1, reasons=(key,)),),
    )
    row = attrs.make_class("Row", ["key", "count"], frozen=True)
    ties = TieSet(
        [("P1", key, 2, 0, 1, 1.5, "regular")],
        as_of=AsOf.of(T, "UTC"),
        tz="UTC",
        cadence={Priority.REGULAR: 30},
    )
    return [
        cov,
        gaps(key, 3),
        KeyPersonReport(as_of=T, covered=2, single_threaded=(key,), sole_held={key: (key,)}),
        impact,
        DirectorySummary(areas=1, officers=1, members=1, agencies=0, relationships=0, by_sector={}),
        plan_status(key),
        RecordList([row(key, 1)], columns=("key", "count"), title=key),
        ties,
        Report(key, as_of=T, summary=key, notes=(key,), parts=(cov,)),
    ]


@pytest.mark.parametrize("index", range(9))
def test_hostile_text_is_escaped_in_every_html_output(index: int) -> None:
    report = every_renderable(HOSTILE)[index]
    has_key = not isinstance(report, DirectorySummary)  # counts only
    for text in (report._repr_html_(), report.to_html()):
        parsed = Parsed(text)
        assert "script" not in parsed.tags  # never markup
        assert "<script>" not in text
        if has_key:
            assert HOSTILE in "".join(parsed.texts)  # shown, as text
    assert len(repr(report)) < 2_000


def test_hostile_title_and_diagram_caption_are_escaped(tmp_path: Path) -> None:
    report = Report(HOSTILE, as_of=T, tables=(Table(HOSTILE, (HOSTILE,), [{HOSTILE: HOSTILE}]),))
    out = report.to_html(tmp_path / "p.html", diagrams={HOSTILE: _NoDiagram()})
    parsed = Parsed(out.read_text(encoding="utf-8"))
    assert parsed.title == HOSTILE
    assert HOSTILE in parsed.headings
    assert "script" not in parsed.tags
    assert Tables(out.read_text(encoding="utf-8")).table(HOSTILE) == [[HOSTILE]]


class _NoDiagram:
    """Stands in for a graphviz object whose ``pipe`` gives SVG with a hostile label
    escaped as Graphviz escapes it."""

    def pipe(self, *, format: str, encoding: str) -> str:
        return (
            '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg">'
            "<text>&lt;script&gt;</text></svg>"
        )


def test_notebook_html_is_bounded_and_page_and_frame_hold_everything() -> None:
    report = gaps("m", 500)
    nb = Tables(report._repr_html_())
    assert all(len(rows) <= 10 for _, rows in nb.tables)
    assert "490 more rows" in report._repr_html_()
    assert len(report._repr_html_()) < 30_000
    page = Tables(report.to_html())
    shown = page.table("stakeholder", "priority")
    assert sorted(r[0] for r in shown) == sorted(f"m-{i:05d}" for i in range(500))
    assert {r[1] for r in shown} == {"key"}
    assert len(page.table("officer", "stakeholder", "status", "last")) == 500
    frames = report.to_frames()
    assert len(frames["Uncovered stakeholders"]) == 500
    summary = report.to_frame()
    assert list(summary.columns) == ["gap", "count", "examples"]
    assert summary.set_index("gap").loc["uncovered (key)", "count"] == 500


def test_repr_is_short_and_shows_the_first_rows() -> None:
    report = gaps("m", 5_000)
    text = repr(report)
    assert len(text) < 3_000
    assert str(report) == text.removeprefix("GapReport: ")
    assert text.splitlines()[0] == "GapReport: Gaps — as of 2026-06-30 12:00 UTC"
    assert "m-04999" not in text  # a key far down the lists is not dumped
    row = attrs.make_class("Row", ["key", "count"], frozen=True)
    rows = RecordList([row(f"k{i}", i) for i in range(100)], columns=("key", "count"), title="R")
    lines = repr(rows).splitlines()
    assert len(lines) <= 14
    assert lines[-1].strip() == "... 90 more rows"
    assert [line.split()[0] for line in lines[3:13]] == [f"k{i}" for i in range(10)]


def test_the_page_has_the_as_of_window_title_and_every_table() -> None:
    cov = coverage("b-1", n_uncovered=40)
    parsed = Parsed(cov.to_html())
    assert parsed.title == "Coverage"
    text = " ".join("".join(parsed.texts).split())
    assert "As of 2026-06-30 12:00 UTC; window 90 days" in text
    tables = Tables(cov.to_html())
    assert tables.table("sector", "covered", "total", "ratio") == [["faith", "1", "41", "0.024"]]
    assert len(tables.table("stakeholder")) == 40
    assert cov.to_frame().to_dict("records") == [
        {"area": "b-1", "sector": "faith", "covered": 1, "total": 41, "ratio": 1 / 41}
    ]


def test_to_html_returns_text_or_writes_a_file(tmp_path: Path) -> None:
    report = coverage()
    out = report.to_html(tmp_path / "a" / "c.html")
    assert out == tmp_path / "a" / "c.html"
    assert out.read_text(encoding="utf-8") == report.to_html()
    assert report.to_html().startswith("<!DOCTYPE html>")


def test_a_report_of_parts_nests_their_sections() -> None:
    cov, gap = coverage(), gaps("m", 2)
    page = rbp.Report("Monthly", as_of=T, summary="S", parts=(cov, gap), notes=("N",))
    parsed = Parsed(page.to_html())
    assert parsed.headings[:3] == ["Monthly", "Coverage", "By sector"]
    assert "Gaps" in parsed.headings
    nb = page._repr_html_()
    assert "Coverage" in "".join(Parsed(nb).texts)
    assert "Also: Coverage; Gaps" in repr(page)


def test_records_with_personal_data_show_only_their_columns() -> None:
    row = attrs.make_class("Row", ["key", "notes"], frozen=True)
    rows = RecordList([row("m-1", "SECRET-notes")], columns=("key",), title="Rows")
    for text in (repr(rows), rows._repr_html_(), rows.to_html()):
        assert "SECRET" not in text
    assert list(rows.to_frame().columns) == ["key"]


def test_a_record_list_is_still_a_tuple() -> None:
    row = attrs.make_class("Row", ["key"], frozen=True)
    rows = RecordList([row("a"), row("b")], columns=("key",))
    assert rows == (row("a"), row("b"))
    assert rows[1:] == (row("b"),)
    assert len(rows) == 2


def test_tie_set_shows_strongest_first_and_frames_all() -> None:
    data: list[tuple[Any, ...]] = [
        ("P1", f"m-{i:02d}", 1, 0, 10**6 * i, float(i), "regular") for i in range(30)
    ]
    ties = TieSet(data, as_of=AsOf.of(T, "UTC"), tz="UTC", cadence={Priority.REGULAR: 30})
    nb = Tables(ties._repr_html_()).tables[0][1]
    assert [r[1] for r in nb] == [f"m-{i:02d}" for i in range(29, 19, -1)]
    assert len(ties.to_frame()) == 30
    assert len(Tables(ties.to_html()).tables[0][1]) == 30
