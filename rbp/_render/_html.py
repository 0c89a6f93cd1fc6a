"""HTML for notebooks and standalone pages, from the Jinja2 templates of this package.

Autoescaping is on for every template, so every title, key and cell is escaped by
Jinja2; the only markup let through as it is comes from Graphviz (SVG, whose labels
Graphviz escapes as XML). Reports hold keys and counts only, so a page carries no
personal data unless a caller puts names into a diagram's labels.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import attrs
import jinja2
import markupsafe

from rbp._render._cells import cell_text, is_number, plain, rows_text, window_text
from rbp._render._front import Figure, Front, HeatMap, Listing, ScaleStep, coverage_scale
from rbp._render._svg import diagram_svg
from rbp._render._words import percent

if TYPE_CHECKING:
    from rbp._render._data import Shown, Table

__all__ = ["NOTEBOOK_ROWS", "notebook", "page"]

NOTEBOOK_ROWS = 10
"""Rows of each table a notebook shows; ``to_frame()`` and ``to_html()`` give them all."""

NOTEBOOK_CELL = 160
"""Characters of a cell a notebook shows."""

SHARE_COLUMNS = frozenset({"ratio", "progress"})
"""Columns of shares (0 to 1) that a brief's details show as percentages ("49 %")."""

BRIEF_ROWS = 12
"""Rows of each table in a brief's details (the full report has them all), so that the
brief prints in a few pages."""


@functools.cache
def _env() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("rbp._render", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


@attrs.frozen
class Cell:
    """One shown cell: its text and whether it is a number (aligned right)."""

    text: str
    number: bool


@attrs.frozen
class TableView:
    """A table as a template shows it: the rows shown and how many were left out."""

    name: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    total: int
    more: int

    @property
    def size(self) -> str:
        """``"12 rows"``."""
        return rows_text(self.total)

    @property
    def left_out(self) -> str:
        """``"2 more rows"``."""
        return rows_text(self.more).replace(" row", " more row")


@attrs.frozen
class ListingView:
    """A listing of a brief's front as a template shows it (its table, if any, cut)."""

    listing: Listing
    table: TableView | None


@attrs.frozen
class FrontView:
    """A brief's front as a template shows it, with the coverage scale's key."""

    figures: tuple[Figure, ...]
    heatmap: HeatMap | None
    scale: tuple[ScaleStep, ...]
    listings: tuple[ListingView, ...]
    compared: str


def _front(front: Front | None, limit: int | None, width: int | None) -> FrontView | None:
    if front is None:
        return None
    listings = tuple(
        ListingView(item, None if item.table is None else _table(item.table, limit, width))
        for item in front.listings
    )
    return FrontView(front.figures, front.heatmap, coverage_scale(), listings, front.compared)


@attrs.frozen
class ReportView:
    """A report as a template shows it (parts nested, diagrams as SVG or None)."""

    title: str
    as_of: str | None
    window: str | None
    summary: str
    notes: tuple[str, ...]
    tables: tuple[TableView, ...]
    parts: tuple[ReportView, ...]
    diagrams: tuple[tuple[str, markupsafe.Markup | None], ...]
    front: FrontView | None = None


def _cell(value: Any, column: str, width: int | None, shares: bool) -> Cell:
    value = plain(value)
    if shares and column in SHARE_COLUMNS and (value is None or is_number(value)):
        return Cell(percent(value), True)
    return Cell(cell_text(value, width=width), is_number(value))


def _table(
    table: Table, limit: int | None, width: int | None, *, shares: bool = False
) -> TableView:
    rows: Sequence[Any] = table.rows if limit is None else table.rows[:limit]
    shown = tuple(tuple(_cell(r.get(c), c, width, shares) for c in table.columns) for r in rows)
    total = len(table.rows)
    return TableView(table.name, tuple(table.columns), shown, total, total - len(shown))


def _view(
    report: Shown, *, limit: int | None, width: int | None, svg: bool, shares: bool = False
) -> ReportView:
    parts = tuple(
        _view(p._report(), limit=limit, width=width, svg=svg, shares=shares) for p in report.parts
    )
    diagrams = tuple((caption, _svg(d) if svg else None) for caption, d in report.diagrams)
    return ReportView(
        title=report.title,
        as_of=None if report.as_of is None else report.as_of.format("YYYY-MM-DD HH:mm zz"),
        window=window_text(report.window),
        summary=report.summary,
        notes=report.notes,
        tables=tuple(_table(t, limit, width, shares=shares) for t in report.tables),
        parts=parts,
        diagrams=diagrams,
        front=_front(report.front, limit, width),
    )


def _svg(diagram: Any) -> markupsafe.Markup | None:
    svg = diagram_svg(diagram)
    # Graphviz's own output, its labels escaped as XML: the one markup let through.
    return None if svg is None else markupsafe.Markup(svg)  # noqa: S704


def notebook(report: Shown) -> str:
    """Notebook HTML of ``report``: the summary and the first rows of each table,
    saying how many more there are; diagrams are named, not drawn.

    Parameters
    ----------
    report
        The report to show.

    Returns
    -------
    str
        HTML for a notebook cell.

    Examples
    --------
    >>> from rbp._render._report import Report, Table
    >>> r = Report("R", tables=(Table("t", ("k",), [{"k": i} for i in range(25)]),))
    >>> text = notebook(r)
    >>> text.count("<tr>"), "15 more rows" in text
    (11, True)
    """
    view = _view(report, limit=NOTEBOOK_ROWS, width=NOTEBOOK_CELL, svg=False)
    return _env().get_template("notebook.html.j2").render(report=view)


def page(report: Shown) -> str:
    """A standalone HTML page of ``report``: inline CSS, every row, diagrams inlined as
    SVG (or a note saying how to install Graphviz). A report with a front (a brief)
    shows it first and its tables and parts below as details, each table cut to
    :data:`BRIEF_ROWS` rows, shares (:data:`SHARE_COLUMNS`) as percentages.

    Parameters
    ----------
    report
        The report to write.

    Returns
    -------
    str
        The page's HTML text.

    Examples
    --------
    >>> from rbp._render._report import Report
    >>> page(Report("Gaps <east>")).startswith("<!DOCTYPE html>")
    True
    """
    if report.front is None:
        view = _view(report, limit=None, width=None, svg=True)
        return _env().get_template("page.html.j2").render(report=view)
    view = _view(report, limit=BRIEF_ROWS, width=None, svg=True, shares=True)
    return _env().get_template("brief.html.j2").render(report=view)
