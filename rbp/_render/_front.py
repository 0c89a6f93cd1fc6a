"""The front of a one-page brief: headline figures with a judgement, a coverage heat-map,
and short lists in plain sentences.

A :class:`Front` is data, like the rest of a :class:`~rbp._render.Report`: the texts are
already written for people (``"49 %"``, ``"1 stakeholder"``); this module only adds
what the page shows of them (the colours of a judgement and of each heat-map cell,
the scale). The page template ``brief.html.j2`` lays it out; a report with a front
renders with it.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from rbp._render._data import Table
from rbp._render._words import COVERAGE_SCALE, PALETTE, STATUS_COLOURS, coverage_colours, percent

__all__ = [
    "Figure",
    "Front",
    "HeatMap",
    "HeatRow",
    "Listing",
    "ScaleStep",
    "coverage_scale",
]

NO_JUDGEMENT = PALETTE["grey"]
"""The colour of a figure that has nothing to judge (nobody in scope)."""


def _strs(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(values)


@attrs.frozen(kw_only=True)
class Figure:
    """A headline figure: its value, its change since an earlier time, and a judgement.

    ``status`` is ``"good"``, ``"watch"``, ``"act"`` or None (nothing to judge); the
    page shows it as a colour and as the word.

    Examples
    --------
    >>> f = Figure(label="Coverage", value="49 %", status="act", change="down 2 points")
    >>> f.colour, f.word
    ('#D55E00', 'act')
    """

    label: str
    value: str
    status: str | None = None
    change: str = ""
    detail: str = ""
    rule: str = ""

    @property
    def colour(self) -> str:
        """The colour of the judgement (grey when there is none)."""
        return NO_JUDGEMENT if self.status is None else STATUS_COLOURS[self.status]

    @property
    def word(self) -> str:
        """The judgement as a word (``"no data"`` when there is none)."""
        return "no data" if self.status is None else self.status


@attrs.frozen
class HeatCell:
    """One cell of the heat-map: covered of total stakeholders."""

    covered: int
    total: int

    @property
    def text(self) -> str:
        """The share covered (``"49 %"``), or an en dash when nobody is there."""
        return percent(None if self.total == 0 else self.covered / self.total)

    @property
    def colours(self) -> tuple[str, str]:
        """The fill and text colour on the coverage scale."""
        return coverage_colours(None if self.total == 0 else self.covered / self.total)

    @property
    def title(self) -> str:
        """What a pointer over the cell says: ``"12 of 25 covered"``."""
        if self.total == 0:
            return "nobody here"
        return f"{self.covered:,} of {self.total:,} covered"


def _cells(values: Iterable[tuple[int, int] | HeatCell]) -> tuple[HeatCell, ...]:
    return tuple(v if isinstance(v, HeatCell) else HeatCell(*v) for v in values)


@attrs.frozen
class HeatRow:
    """A row of the heat-map: an area's label, how deep it sits, its cells (covered,
    total) in the order of the map's columns."""

    label: str
    cells: tuple[HeatCell, ...] = attrs.field(converter=_cells)
    depth: int = 0


def _rows(values: Iterable[HeatRow]) -> tuple[HeatRow, ...]:
    return tuple(values)


@attrs.frozen(kw_only=True)
class HeatMap:
    """Coverage of areas (rows) by sector (columns), each cell coloured on the scale.

    Examples
    --------
    >>> m = HeatMap(title="Coverage", columns=("all", "faith"),
    ...             rows=[HeatRow("Beat 1", [(1, 2), (0, 0)])])
    >>> [(c.text, c.title) for c in m.rows[0].cells]
    [('50 %', '1 of 2 covered'), ('–', 'nobody here')]
    """

    title: str
    columns: tuple[str, ...] = attrs.field(converter=_strs)
    rows: tuple[HeatRow, ...] = attrs.field(converter=_rows)
    note: str = ""


@attrs.frozen
class ScaleStep:
    """One step of the coverage scale as the page's key shows it."""

    label: str
    fill: str
    font: str


def coverage_scale() -> tuple[ScaleStep, ...]:
    """The steps of :data:`~rbp._render.COVERAGE_SCALE` with their ranges, and the grey of
    a cell with nobody in it.

    Returns
    -------
    tuple of ScaleStep
        Lowest first; the last is "nobody".

    Examples
    --------
    >>> [s.label for s in coverage_scale()]
    ['0–19 %', '20–39 %', '40–59 %', '60–79 %', '80–100 %', 'nobody']
    """
    steps = []
    for i, (least, fill, font) in enumerate(COVERAGE_SCALE):
        upper = 100 if i + 1 == len(COVERAGE_SCALE) else round(COVERAGE_SCALE[i + 1][0] * 100) - 1
        steps.append(ScaleStep(f"{round(least * 100)}–{upper} %", fill, font))
    fill, font = coverage_colours(None)
    steps.append(ScaleStep("nobody", fill, font))
    return tuple(steps)


@attrs.frozen(kw_only=True)
class Listing:
    """A short titled list of sentences (the most urgent first), or a small table.

    ``empty`` is what the page says when there is nothing to list.
    """

    title: str
    items: tuple[str, ...] = attrs.field(default=(), converter=_strs)
    table: Table | None = None
    empty: str = "Nothing to list."
    note: str = ""


def _figures(values: Iterable[Figure]) -> tuple[Figure, ...]:
    return tuple(values)


def _listings(values: Iterable[Listing]) -> tuple[Listing, ...]:
    return tuple(values)


@attrs.frozen(kw_only=True)
class Front:
    """What a brief shows first: figures, a heat-map, short lists; the report's tables and
    parts follow as details a reader opens.

    ``compared`` says what the figures' changes are measured against (``"30 Sep 2025"``).

    Examples
    --------
    >>> from rbp._render import Report
    >>> front = Front(figures=[Figure(label="Coverage", value="49 %", status="watch")])
    >>> text = Report("Brief", front=front).to_html()
    >>> "49 %" in text and "watch" in text and "@media print" in text
    True
    """

    figures: tuple[Figure, ...] = attrs.field(default=(), converter=_figures)
    heatmap: HeatMap | None = None
    listings: tuple[Listing, ...] = attrs.field(default=(), converter=_listings)
    compared: str = ""
