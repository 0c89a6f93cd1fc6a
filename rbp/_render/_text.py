"""Reports as short text, the way pandas shows a frame: a summary line and the first
rows of the lead table, never the whole report."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

from rbp._render._cells import cell_text, is_number, plain, rows_text, window_text
from rbp._render._words import count

if TYPE_CHECKING:
    from rbp._render._data import Shown, Table

__all__ = ["TEXT_CELL", "TEXT_ROWS", "text"]

TEXT_ROWS = 10
"""Rows of the lead table a repr shows."""

TEXT_CELL = 40
"""Characters of a cell a repr shows."""


def _when(report: Shown) -> str:
    bits = []
    if report.as_of is not None:
        bits.append(f"as of {report.as_of.format('YYYY-MM-DD HH:mm zz')}")
    window = window_text(report.window)
    if window is not None:
        bits.append(f"window {window}")
    return ", ".join(bits)


def _table_lines(table: Table) -> list[str]:
    rows = table.rows[:TEXT_ROWS]
    cells = [[cell_text(r.get(c), width=TEXT_CELL) for c in table.columns] for r in rows]
    numeric = [
        bool(rows) and all(is_number(plain(r.get(c))) or r.get(c) is None for r in rows)
        for c in table.columns
    ]
    widths = [max([len(c)] + [len(line[i]) for line in cells]) for i, c in enumerate(table.columns)]

    def fmt(values: list[str]) -> str:
        return "  ".join(
            v.rjust(w) if num else v.ljust(w)
            for v, w, num in zip(values, widths, numeric, strict=True)
        ).rstrip()

    lines = [f"{table.name} ({rows_text(len(table.rows))})"]
    if not rows:
        return lines
    lines.append("  " + fmt(list(table.columns)))
    lines += ["  " + fmt(line) for line in cells]
    more = len(table.rows) - len(rows)
    if more > 0:
        lines.append(f"  ... {rows_text(more).replace(' row', ' more row')}")
    return lines


def text(report: Shown, *, kind: str | None = None) -> str:
    """``report`` as a few lines: ``kind: title — as of, window`` (no ``kind:`` without a
    kind), the summary, the first
    rows of the lead table, and the names and sizes of the other tables and parts.

    Parameters
    ----------
    report
        The report to show.
    kind
        What kind of report it is (e.g. "Coverage"), printed before the title.

    Returns
    -------
    str
        The lines, joined.

    Examples
    --------
    >>> from rbp._render._report import Report, Table
    >>> rows = [{"key": f"k{i}", "n": i} for i in range(12)]
    >>> print(text(Report("R", summary="12 keys.", tables=(Table("t", ("key", "n"), rows),))))
    R
    12 keys.
    t (12 rows)
      key  n
      k0   0
      k1   1
      k2   2
      k3   3
      k4   4
      k5   5
      k6   6
      k7   7
      k8   8
      k9   9
      ... 2 more rows
    """
    when = _when(report)
    head = report.title if kind is None else f"{kind}: {report.title}"
    lines = [head + (f" — {when}" if when else "")]
    if report.summary:
        lines += textwrap.wrap(report.summary, width=88)
    if report.front is not None:
        for f in report.front.figures:
            change = f"; {f.change}" if f.change else ""
            lines.append(f"  {f.label}: {f.value} ({f.word}){change}")
    if report.tables:
        lines += _table_lines(report.tables[0])
    others = [f"{t.name} ({rows_text(len(t.rows))})" for t in report.tables[1:]]
    others += [p._report().title for p in report.parts]
    if others:
        also = "Also: " + "; ".join(others) + " (to_frames() or to_html() show them all)."
        lines += textwrap.wrap(also, width=88, subsequent_indent="  ")
    if report.diagrams:
        lines.append(f"{count(len(report.diagrams), 'diagram')}, drawn by to_html().")
    return "\n".join(lines)
