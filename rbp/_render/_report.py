"""What a report is (a title, an as-of time, a window, named tables, notes, diagrams)
and the one mixin that renders any report four ways.

A class that wants to be shown mixes in :class:`Renderable` and says what it is by
``_report()``; the mixin gives it ``to_frame()``, ``to_frames()``, ``_repr_html_()``
(notebooks), ``to_html()`` (a standalone page) and a short ``repr``, the way graphviz's
``jupyter_integration.py`` gives every graphviz object ``_repr_mimebundle_``.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, overload

import attrs
import pendulum

from rbp._render import _html, _text
from rbp._render._cells import frame
from rbp._render._data import Diagrams, Table, diagram_items, strs
from rbp._render._front import Front

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Diagrams", "Renderable", "Report", "Table", "diagram_items"]


def _tables(values: Iterable[Table]) -> tuple[Table, ...]:
    return tuple(values)


def _parts(values: Iterable[Renderable]) -> tuple[Renderable, ...]:
    return tuple(values)


class Renderable:
    """The mixin of everything rbp shows: one renderer for frames, notebooks, pages and
    text. A subclass defines ``_report()``; attrs classes that mix it in pass
    ``repr=False`` so the short text repr is kept.
    """

    __slots__ = ()

    def _report(self) -> Report:
        raise NotImplementedError  # pragma: no cover - every subclass defines it

    def to_frame(self) -> pd.DataFrame:
        """The report's main table as a pandas frame, every row of it."""
        table = self._report().main()
        if table is None:
            return frame([], [])
        return frame(table.rows, table.columns)

    def to_frames(self) -> dict[str, pd.DataFrame]:
        """Every table of the report as a pandas frame, by table name, every row.

        Returns
        -------
        dict of str to pandas.DataFrame
            Every table, by its name.

        Examples
        --------
        >>> r = Report("R", tables=(Table("t", ("k",), [{"k": "a"}]),))
        >>> {name: len(df) for name, df in r.to_frames().items()}
        {'t': 1}
        """
        return {t.name: frame(t.rows, t.columns) for t in self._report().tables}

    def _repr_html_(self) -> str:
        """Notebook HTML: the summary and the first rows of each table."""
        return _html.notebook(self._report())

    @overload
    def to_html(
        self,
        path: None = None,
        *,
        diagrams: Diagrams = None,
        as_of: pendulum.DateTime | None = None,
    ) -> str: ...
    @overload
    def to_html(
        self,
        path: str | Path,
        *,
        diagrams: Diagrams = None,
        as_of: pendulum.DateTime | None = None,
    ) -> Path: ...
    def to_html(
        self,
        path: str | Path | None = None,
        *,
        diagrams: Diagrams = None,
        as_of: pendulum.DateTime | None = None,
    ) -> str | Path:
        """A standalone HTML page of the whole report (inline CSS, every row, diagrams
        as inline SVG).

        Parameters
        ----------
        path
            The file to write (parent folders are made). Without it the page's HTML
            text is returned.
        diagrams
            Inlined as SVG when Graphviz's ``dot`` is installed (a mapping gives each
            its caption).
        as_of
            The time printed under the title when the report carries none.

        Returns
        -------
        str or Path
            The HTML text, or ``path`` once written.

        Examples
        --------
        >>> import pendulum
        >>> r = Report("Gaps <east>", as_of=pendulum.datetime(2026, 6, 30),
        ...            tables=(Table("t", ("key",), [{"key": "a&b"}]),))
        >>> text = r.to_html()
        >>> "<title>Gaps &lt;east&gt;</title>" in text, "<td>a&amp;b</td>" in text
        (True, True)
        """
        report = self._report()
        if as_of is not None and report.as_of is None:
            report = attrs.evolve(report, as_of=as_of)
        extra = diagram_items(diagrams)
        if extra:
            report = attrs.evolve(report, diagrams=dict(report.diagrams + extra))
        text = _html.page(report)
        if path is None:
            return text
        out = Path(path)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
        return out

    def __repr__(self) -> str:
        return _text.text(self._report(), kind=type(self).__name__)

    def __str__(self) -> str:
        """The repr without the type's name, for ``print`` and the ``rbp`` command."""
        return _text.text(self._report())


@attrs.frozen(repr=False, eq=False)
class Report(Renderable):
    """A report as data: what every rbp report is, and a page of several reports.

    Parameters
    ----------
    title
        The heading.
    as_of
        The time the report answers for.
    window
        The contact window the report used (a number is taken as days).
    summary
        One sentence that says what the report found (plain text).
    tables
        Named tables; the first leads in text and notebooks.
    notes
        Further paragraphs (plain text).
    parts
        Other reports, each a section of this one's page (their own titles as headings).
    diagrams
        Inlined as SVG on the page.
    frame
        The name of the table ``to_frame()`` gives (default: the first).
    front
        A brief's front (headline figures, a heat-map, short lists): the page shows it
        first and folds the tables and parts below it.

    Examples
    --------
    >>> import pendulum, rbp
    >>> crm = rbp.open()
    >>> crm.directory.add(rbp.Area("b-1"))
    >>> T = pendulum.datetime(2026, 6, 30)
    >>> page = rbp.Report("Monthly pack", as_of=T, summary="All quiet.",
    ...                   parts=(crm.directory.summary(), crm.graph.gaps(as_of=T)))
    >>> text = page.to_html()
    >>> "Monthly pack" in text and "Directory" in text
    True
    >>> print(repr(page).splitlines()[0])
    Report: Monthly pack — as of 2026-06-30 00:00 UTC
    """

    title: str
    as_of: pendulum.DateTime | None = attrs.field(default=None, kw_only=True)
    window: Any = attrs.field(default=None, kw_only=True)
    summary: str = attrs.field(default="", kw_only=True)
    tables: tuple[Table, ...] = attrs.field(default=(), kw_only=True, converter=_tables)
    notes: tuple[str, ...] = attrs.field(default=(), kw_only=True, converter=strs)
    parts: tuple[Renderable, ...] = attrs.field(default=(), kw_only=True, converter=_parts)
    diagrams: tuple[tuple[str, Any], ...] = attrs.field(
        default=(), kw_only=True, converter=diagram_items
    )
    frame: str | None = attrs.field(default=None, kw_only=True)
    front: Front | None = attrs.field(default=None, kw_only=True)

    def _report(self) -> Report:
        return self

    def main(self) -> Table | None:
        """The table ``to_frame()`` gives: the one named ``frame``, else the first."""
        for t in self.tables:
            if t.name == self.frame:
                return t
        return self.tables[0] if self.tables else None


Report.__module__ = "rbp"  # users import it from rbp: reprs and docs show that path
