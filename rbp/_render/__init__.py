"""One renderer for every report and record list.

A report is data (:class:`Report`: a title, its as-of time, the window it used, named
tables, notes, diagrams, other reports as parts). Anything that mixes in
:class:`Renderable` and says what it is by ``_report()`` becomes a pandas frame
(``to_frame()``), notebook HTML (``_repr_html_()``), a standalone page
(``to_html()``) and short text (``repr``). Every collection result is a
:class:`RecordList`. HTML comes from the Jinja2 templates in ``templates/`` with
autoescaping on.
"""

from __future__ import annotations

from rbp._render._cells import frame, plain
from rbp._render._front import Figure, Front, HeatMap, HeatRow, Listing
from rbp._render._records import RecordList, Rows
from rbp._render._report import Diagrams, Renderable, Report, Table
from rbp._render._svg import diagram_svg
from rbp._render._words import (
    COVERAGE_SCALE,
    PALETTE,
    STATUS_COLOURS,
    count,
    coverage_colours,
    number,
    percent,
)

__all__ = [
    "COVERAGE_SCALE",
    "PALETTE",
    "STATUS_COLOURS",
    "Diagrams",
    "Figure",
    "Front",
    "HeatMap",
    "HeatRow",
    "Listing",
    "RecordList",
    "Renderable",
    "Report",
    "Rows",
    "Table",
    "count",
    "coverage_colours",
    "diagram_svg",
    "frame",
    "number",
    "percent",
    "plain",
]
