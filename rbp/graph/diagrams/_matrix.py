"""The area x sector coverage matrix: one HTML-like table, cells coloured by coverage.

Every text in the table (area keys, sector names, tooltips) goes through
:func:`~rbp.graph.diagrams._style.text` with ``into=TextIn.HTML``, so ``<``, ``&``
and graphviz escapes such as ``\\N`` show literally.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

import graphviz

from rbp._render._words import COVERAGE_SCALE, count, number, percent
from rbp.graph._reports import CoverageReport
from rbp.graph.diagrams._style import FONT, STYLE, TextIn, new_graph, text
from rbp.model import Sector

__all__ = ["matrix_diagram"]

MAX_ROWS = 80
"""The most area rows a matrix draws (about 2,000 pt of 12 pt rows); past it the
deepest levels are left out, and the title says how many."""


def _cell_style(total: int, covered: int, expected: bool) -> str:
    if total == 0:
        return "cell_missing" if expected else "cell_empty"
    if covered == 0:
        return "cell_gap"
    ratio = covered / total
    step = max(i for i, (least, _, _) in enumerate(COVERAGE_SCALE) if ratio >= least)
    return f"cell_{step}"


def _td(content: str, style: str, *, tooltip: str = "", align: str = "") -> str:
    attrs = STYLE[style]
    font = attrs.get("fontcolor")
    body = text(content, into=TextIn.HTML)
    if font:
        body = f'<font color="{font}">{body}</font>'
    tip = f' title="{text(tooltip, into=TextIn.HTML)}"' if tooltip else ""
    where = f' align="{align}"' if align else ""
    return f'<td bgcolor="{attrs["bgcolor"]}"{tip}{where}>{body}</td>'


_CELL_TEXT = {
    "cell_gap": "GAP {covered}/{total}",
    "cell_missing": "none known",
    "cell_empty": "·",
}


def _rows(areas: list[str], depth: Mapping[str, int] | None) -> tuple[list[str], int]:
    """The areas drawn (at most :data:`MAX_ROWS`, the shallowest levels first) and
    how many are left out."""
    if depth is None or len(areas) <= MAX_ROWS:
        return areas, 0
    deepest = max(depth.get(a, 0) for a in areas)
    while deepest > 0 and sum(1 for a in areas if depth.get(a, 0) <= deepest) > MAX_ROWS:
        deepest -= 1
    kept = [a for a in areas if depth.get(a, 0) <= deepest][:MAX_ROWS]
    return kept, len(areas) - len(kept)


def matrix_diagram(
    report: CoverageReport,
    *,
    title: str,
    expected: Mapping[str, Sequence[Sector]] | None = None,
    areas: Mapping[str, str] | None = None,
    depth: Mapping[str, int] | None = None,
    parents: Collection[str] = (),
) -> graphviz.Digraph:
    """The area × sector coverage matrix as one HTML-like table, cells coloured by
    covered / total on the coverage scale of every page; a cell with stakeholders
    but none covered reads "GAP", an expected sector with nobody known reads "none
    known". Sectors with nobody in any area (and expected nowhere) are left out; past
    :data:`MAX_ROWS` areas the deepest levels are left out and the title says so.

    Parameters
    ----------
    report
        The coverage report whose matrix is drawn.
    title
        The diagram's title.
    expected
        The expected sectors of each area; an expected sector with nobody reads
        "none known". None expects nothing.
    areas
        Area names by key (rows show the name; the key when there is none).
    depth
        Each area's depth in the tree (the deepest levels are left out of a matrix
        too tall to read); None draws every row.
    parents
        The areas with areas below them, whose rows are bold.

    Returns
    -------
    graphviz.Digraph
        One HTML-like table node and a legend beside it.

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
    >>> "Beat 1" in matrix_diagram(cov, title="t", areas={"b<1>": "Beat 1"}).source
    True
    """
    expected = expected or {}
    names = areas or {}
    sectors = [
        s
        for s in Sector
        if any(report.cell(a, s).total for a in report.by_area)
        or any(s in expected.get(a, ()) for a in report.by_area)
    ]
    drawn, left_out = _rows(list(report.by_area), depth)
    head = "".join(
        f"<td><b>{text(s.value.replace('_', ' '), into=TextIn.HTML)}</b></td>" for s in sectors
    )
    rows = [f"<tr><td><b>area</b></td>{head}<td><b>all</b></td></tr>"]
    for a in drawn:
        whole = report.by_area[a]
        cells = []
        for s in sectors:
            c = report.cell(a, s)
            style = _cell_style(c.total, c.covered, s in expected.get(a, ()))
            fmt = _CELL_TEXT.get(style, "{covered}/{total}")
            cells.append(
                _td(
                    fmt.format(covered=number(c.covered), total=number(c.total)),
                    style,
                    tooltip=f"{names.get(a, a)} {s.value}: {c.covered} of {c.total} covered",
                )
            )
        style = _cell_style(whole.total, whole.covered, False)
        share = "" if not whole.total else f" · {percent(whole.covered / whole.total)}"
        cells.append(_td(f"{number(whole.covered)}/{number(whole.total)}{share}", style))
        name = text(names.get(a, a), into=TextIn.HTML)
        if a in parents:
            name = f"<b>{name}</b>"
        rows.append(f'<tr><td align="left">{name}</td>{"".join(cells)}</tr>')
    note = ""
    if left_out:
        note = f" ({count(left_out, 'deeper area')} left out: draw one area's matrix for them)"
    table = '<table border="0" cellborder="1" cellspacing="0" cellpadding="4">'
    d = new_graph(title + note, nodes=1, engine="dot", directed=True)
    d.attr(fontname=FONT, nodesep="0.5")
    d.attr("node", fontname=FONT, fontsize="12")
    d.node("matrix", label=f"<{table}{''.join(rows)}</table>>", shape="plain")
    steps = [least for least, _, _ in COVERAGE_SCALE]
    keys = [("cell_gap", "stakeholders, none covered")]
    for i, least in enumerate(steps):
        upper = steps[i + 1] if i + 1 < len(steps) else None
        words = (
            f"{percent(least)} or more covered"
            if upper is None
            else f"{percent(least)} to under {percent(upper)}"
        )
        keys.append((f"cell_{i}", words))
    keys += [
        ("cell_missing", "expected sector, nobody known"),
        ("cell_empty", "nobody, not expected"),
    ]
    legend_rows = "".join(f"<tr>{_td(label, style, align='left')}</tr>" for style, label in keys)
    with d.subgraph(name="cluster_legend") as leg:
        leg.attr(label="Legend", fontsize="12", style="rounded", color="#999999")
        leg.node("legend_cells", label=f"<{table}{legend_rows}</table>>", shape="plain")
    return d
