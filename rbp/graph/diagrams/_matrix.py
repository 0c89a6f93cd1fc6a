"""The area x sector coverage matrix: one HTML-like table, cells coloured by coverage.

Every text in the table (area keys, sector names, tooltips) goes through
:func:`~rbp.graph.diagrams._style.text` with ``into=TextIn.HTML``, so ``<``, ``&``
and graphviz escapes such as ``\\N`` show literally.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import graphviz

from rbp.graph._reports import CoverageReport
from rbp.graph.diagrams._style import STYLE, TextIn, new_graph, text
from rbp.model import Sector

__all__ = ["matrix_diagram"]


def _cell_style(total: int, covered: int, expected: bool) -> str:
    if total == 0:
        return "cell_missing" if expected else "cell_empty"
    if covered == 0:
        return "cell_gap"
    ratio = covered / total
    for name in ("cell_good", "cell_fair"):
        if ratio >= float(STYLE[name]["min"]):
            return name
    return "cell_poor"


def _td(content: str, style: str, *, tooltip: str = "") -> str:
    attrs = STYLE[style]
    font = attrs.get("fontcolor")
    body = text(content, into=TextIn.HTML)
    if font:
        body = f'<font color="{font}">{body}</font>'
    tip = f' title="{text(tooltip, into=TextIn.HTML)}"' if tooltip else ""
    return f'<td bgcolor="{attrs["bgcolor"]}"{tip}>{body}</td>'


_CELL_TEXT = {
    "cell_gap": "GAP {covered}/{total}",
    "cell_missing": "none known",
    "cell_empty": "·",
}


def matrix_diagram(
    report: CoverageReport,
    *,
    title: str,
    expected: Mapping[str, Sequence[Sector]] | None = None,
) -> graphviz.Digraph:
    """The area × sector coverage matrix as one HTML-like table, cells coloured by
    covered / total; a cell with stakeholders but none covered reads "GAP", an
    expected sector with nobody known reads "none known". Sectors with nobody in
    any area (and expected nowhere) are left out.

    Parameters
    ----------
    report
        The coverage report whose matrix is drawn.
    title
        The diagram's title.
    expected
        The expected sectors of each area; an expected sector with nobody reads
        "none known". None expects nothing.

    Returns
    -------
    graphviz.Digraph
        One HTML-like table node and a legend.

    Examples
    --------
    >>> import pendulum
    >>> from rbp.graph._reports import Cell, CoverageReport
    >>> from rbp.model import Sector
    >>> cov = CoverageReport(as_of=pendulum.datetime(2026, 1, 1),
    ...     covered=1, total=3, by_area={"b<1>": Cell(1, 3)},
    ...     by_sector={Sector.FAITH: Cell(1, 1), Sector.YOUTH: Cell(0, 2)},
    ...     matrix={("b<1>", Sector.FAITH): Cell(1, 1), ("b<1>", Sector.YOUTH): Cell(0, 2)},
    ...     uncovered=("m-2", "m-3"))
    >>> src = matrix_diagram(cov, title="t").source
    >>> "b&lt;1&gt;" in src and "GAP 0/2" in src and "b<1>" not in src
    True
    """
    expected = expected or {}
    sectors = [
        s
        for s in Sector
        if any(report.cell(a, s).total for a in report.by_area)
        or any(s in expected.get(a, ()) for a in report.by_area)
    ]
    head = "".join(f"<td><b>{text(s.value, into=TextIn.HTML)}</b></td>" for s in sectors)
    rows = [f"<tr><td><b>area</b></td>{head}<td><b>all</b></td></tr>"]
    for a, whole in report.by_area.items():
        cells = []
        for s in sectors:
            c = report.cell(a, s)
            style = _cell_style(c.total, c.covered, s in expected.get(a, ()))
            fmt = _CELL_TEXT.get(style, "{covered}/{total}")
            cells.append(
                _td(
                    fmt.format(covered=c.covered, total=c.total),
                    style,
                    tooltip=f"{a} {s.value}: {c.covered} of {c.total} covered",
                )
            )
        style = _cell_style(whole.total, whole.covered, False)
        cells.append(_td(f"{whole.covered}/{whole.total}", style))
        rows.append(f"<tr><td>{text(a, into=TextIn.HTML)}</td>{''.join(cells)}</tr>")
    table = '<table border="0" cellborder="1" cellspacing="0" cellpadding="3">'
    d = new_graph(title, nodes=1, engine="dot", directed=True)
    d.node("matrix", label=f"<{table}{''.join(rows)}</table>>", shape="plain")
    keys = (
        ("cell_good", f"≥ {float(STYLE['cell_good']['min']):.0%} covered"),
        ("cell_fair", f"≥ {float(STYLE['cell_fair']['min']):.0%}"),
        ("cell_poor", f"< {float(STYLE['cell_fair']['min']):.0%}"),
        ("cell_gap", "stakeholders, none covered"),
        ("cell_missing", "expected sector, nobody known"),
        ("cell_empty", "nobody, not expected"),
    )
    legend_rows = "".join(f"<tr>{_td(label, style)}</tr>" for style, label in keys)
    with d.subgraph(name="cluster_legend") as leg:
        leg.attr(label="Legend", fontsize="12", style="dashed")
        leg.node("legend_cells", label=f"<{table}{legend_rows}</table>>", shape="plain")
    return d
