"""On the small synthetic city, reprs and notebook HTML stay short while to_frame() and
the standalone page hold every row; counts are checked against plain SQL and the
pages are parsed, not compared with the renderer's own output."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pendulum
import pytest

import rbp
from rbp.report import write_report
from tests.html_tables import Tables

T = pendulum.datetime(2025, 12, 31, 23, 59, tz="UTC")


@pytest.fixture(scope="module")
def crm(city_db: Path) -> Iterator[rbp.Store]:
    with rbp.open(city_db, tz="UTC") as store:
        yield store


def test_gap_report_repr_is_short_and_the_page_holds_every_key(crm: rbp.Store) -> None:
    gaps = crm.graph.gaps(as_of=T)
    n_uncovered = sum(len(k) for k in gaps.uncovered.values())
    assert n_uncovered > 500  # a report worth bounding
    text = repr(gaps)
    assert len(text.encode()) < 4_000
    assert len(text.splitlines()) < 25
    html = gaps._repr_html_()
    assert len(html.encode()) < 40_000
    notebook = Tables(html)
    assert all(len(rows) <= 10 for _, rows in notebook.tables)
    assert f"{n_uncovered - 10:,} more rows" in html
    page = Tables(gaps.to_html())
    assert "script" not in page.tags
    shown = page.rows("stakeholder", "priority")
    every = {k for keys in gaps.uncovered.values() for k in keys}
    assert len(shown) == len(every)
    assert {r[0] for r in shown} == every
    assert len(gaps.to_frames()["Ties going cold"]) == len(gaps.cooling)


def test_ties_repr_and_notebook_are_bounded_and_the_frame_matches_sql(
    crm: rbp.Store, city_db: Path
) -> None:
    ties = crm.interactions.ties(as_of=T)
    assert len(repr(ties).encode()) < 4_000
    assert len(Tables(ties._repr_html_()).tables[0][1]) == 10
    with sqlite3.connect(city_db) as db:
        (officers,) = db.execute(
            "SELECT count(*) FROM stakeholders WHERE kind = 'officer'"
        ).fetchone()
    frame = ties.to_frame()
    assert len(frame) == len(ties) > 1_000
    assert frame["officer"].nunique() <= officers


def test_combined_report_holds_each_part_and_no_names(
    crm: rbp.Store, city_db: Path, tmp_path: Path
) -> None:
    page = write_report(crm, tmp_path / "r.html", as_of=T).read_text(encoding="utf-8")
    parsed = Tables(page)
    assert "script" not in parsed.tags
    cov = crm.graph.coverage(as_of=T)
    by_area = parsed.rows("area", "covered", "total", "ratio")
    assert sorted(r[0] for r in by_area) == sorted(cov.by_area)
    with sqlite3.connect(city_db) as db:
        # people's names; partner agencies are organisations, drawn by name
        names = [
            n
            for (n,) in db.execute(
                "SELECT name FROM stakeholders WHERE name <> '' AND kind <> 'agency'"
            )
        ]
    assert len(names) > 100
    assert not [n for n in names if n in page]
