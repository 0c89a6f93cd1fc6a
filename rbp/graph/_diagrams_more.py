"""More diagrams: an officer's ego map, the coverage matrix, the key-person map.

Same rules as :mod:`rbp.graph._diagram`: one style map (:data:`STYLE`), opaque node
ids, keys (or the caller's labels, or "S-001" aliases) as labels, everything escaped,
a legend on every diagram, and grouping past ``max_nodes``, said on the diagram.
The coverage matrix is an HTML-like table label, so its text is escaped with
:func:`html.escape` instead.
"""

from __future__ import annotations

import html
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence

import graphviz
import networkx as nx

from rbp.graph._diagram import (
    STYLE,
    Labels,
    Nodes,
    legend,
    new_graph,
    text,
    width,
)
from rbp.graph._reports import CoverageReport, KeyPersonReport
from rbp.model import Sector

__all__ = ["ego_diagram", "keyperson_diagram", "matrix_diagram"]

_STATUS_ORDER = ("active", "cooling", "dormant", "lapsed")


def ego_diagram(
    g: nx.Graph,
    officer: str,
    *,
    title: str,
    labels: Mapping[str, str] | None = None,
    pseudonymise: bool = False,
    max_nodes: int = 150,
) -> graphviz.Graph:
    """One officer, their ties (styled by status, width by strength), and the other
    officers of the same stakeholders, greyed. The title starts with the officer's label.

    ``g`` holds officer ties (as built by ``crm.graph.build``); only the officer's
    neighbours and their officers are drawn. Past ``max_nodes`` the other officers
    are counted instead of drawn and, if the officer's stakeholders alone are too
    many, they are grouped by area; the title says so.

    Examples
    --------
    >>> import networkx as nx
    >>> g = nx.Graph()
    >>> for k, kind in (("P1", "officer"), ("P2", "officer"), ("m-1", "member")):
    ...     g.add_node(k, kind=kind, areas=("b-1",))
    >>> g.add_edge("P1", "m-1", kind="officer_tie", status="active", strength=2.0)
    >>> g.add_edge("P2", "m-1", kind="officer_tie", status="cooling", strength=1.0)
    >>> src = ego_diagram(g, "P1", title="P1").source
    >>> "#e5e5e5" in src and "legend_other_officer" in src
    True
    """
    mine = sorted(
        n
        for n in (g.adj[officer] if officer in g else {})
        if g.nodes[n].get("kind") != "officer" and g.edges[officer, n].get("kind") == "officer_tie"
    )
    others: dict[str, list[str]] = defaultdict(list)
    for n in mine:
        for o in g[n]:
            if (
                o != officer
                and g.nodes[o].get("kind") == "officer"
                and g.edges[o, n].get("kind") == "officer_tie"
            ):
                others[o].append(n)
    group = len(mine) + 1 > max_nodes
    draw_others = not group and len(mine) + len(others) + 1 <= max_nodes
    note = ""
    if group:
        note = " (stakeholders grouped by area: too many to draw one by one)"
    elif not draw_others:
        note = f" ({len(others)} other officers counted, not drawn: too many)"
    shown = [officer, *mine, *(sorted(others) if draw_others else ())]
    show = Labels(shown, labels=labels, pseudonymise=pseudonymise)
    d = new_graph(f"{show(officer)}: {title}{note}", nodes=len(shown))
    ids = Nodes()
    d.node(
        ids(officer),
        label=text(show(officer)),
        tooltip=text(f"officer {show(officer)}"),
        **STYLE["officer"],
    )
    if group:
        _ego_grouped(d, g, officer, mine, ids)
        legend(d, ("officer", "area"), _STATUS_ORDER)
        return d
    held_by = Counter(n for ns in others.values() for n in ns)
    for n in mine:
        kind = g.nodes[n].get("kind", "member")
        extra = "" if draw_others else f", {held_by[n]} other officers"
        d.node(
            ids(n),
            label=text(show(n)),
            tooltip=text(f"{kind} {show(n)}{extra}"),
            **STYLE.get(kind, STYLE["member"]),
        )
        tie = g.edges[officer, n]
        d.edge(
            ids(officer),
            ids(n),
            penwidth=width(float(tie.get("strength") or 0.0)),
            **STYLE[tie.get("status") or "active"],
        )
    if draw_others:
        for o in sorted(others):
            d.node(
                ids(o),
                label=text(show(o)),
                tooltip=text(f"other officer {show(o)}"),
                **STYLE["other_officer"],
            )
            for n in others[o]:
                d.edge(ids(o), ids(n), **STYLE["other_tie"])
    legend(
        d,
        ("officer", "member", "agency") + (("other_officer",) if draw_others else ()),
        _STATUS_ORDER + (("other_tie",) if draw_others else ()),
    )
    return d


def _ego_grouped(
    d: graphviz.Graph, g: nx.Graph, officer: str, mine: Sequence[str], ids: Nodes
) -> None:
    """The officer's stakeholders as one node per home area, tie statuses counted."""
    per: dict[str, Counter[str]] = defaultdict(Counter)
    strength: defaultdict[str, float] = defaultdict(float)
    for n in mine:
        area = (g.nodes[n].get("areas") or ("(no area)",))[0]
        tie = g.edges[officer, n]
        per[area][tie.get("status") or "active"] += 1
        strength[area] += float(tie.get("strength") or 0.0)
    for area in sorted(per):
        counts = ", ".join(f"{per[area][s]} {s}" for s in _STATUS_ORDER if per[area][s])
        d.node(
            ids("area:" + area),
            label=text(f"{area}: {counts}"),
            tooltip=text(f"area {area}"),
            **STYLE["area"],
        )
        best = next(s for s in _STATUS_ORDER if per[area][s])
        d.edge(ids(officer), ids("area:" + area), penwidth=width(strength[area]), **STYLE[best])


def keyperson_diagram(
    report: KeyPersonReport,
    kinds: Mapping[str, str],
    *,
    title: str,
    top: int = 10,
    per_officer: int = 12,
    labels: Mapping[str, str] | None = None,
    pseudonymise: bool = False,
) -> graphviz.Graph:
    """The ``top`` officers by stakeholders only they hold, each with those
    stakeholders on dashed (single-threaded) lines; past ``per_officer`` the rest
    of an officer's are one counted node.

    Examples
    --------
    >>> import pendulum
    >>> from rbp.graph._reports import KeyPersonReport
    >>> r = KeyPersonReport(as_of=pendulum.datetime(2026, 1, 1), covered=3,
    ...                     single_threaded=("m-1", "m-2"), sole_held={"P1": ("m-1", "m-2")})
    >>> src = keyperson_diagram(r, {"m-1": "member", "m-2": "agency"}, title="t").source
    >>> src.count("style=dashed") >= 2 and "legend_single_threaded" in src
    True
    """
    chosen = list(report.sole_held.items())[:top]
    keys = [o for o, _ in chosen] + [k for _, held in chosen for k in held[:per_officer]]
    more = sum(1 for _, held in chosen if len(held) > per_officer)
    d = new_graph(title, nodes=len(keys) + more)
    ids = Nodes()
    show = Labels(keys, labels=labels, pseudonymise=pseudonymise)
    for o, held in chosen:
        d.node(
            ids(o),
            label=text(f"{show(o)} ({len(held)})"),
            tooltip=text(f"officer {show(o)}: {len(held)} held by nobody else"),
            **STYLE["officer"],
        )
        for k in held[:per_officer]:
            kind = kinds.get(k, "member")
            d.node(
                ids(k),
                label=text(show(k)),
                tooltip=text(f"{kind} {show(k)}"),
                **STYLE.get(kind, STYLE["member"]),
            )
            d.edge(ids(o), ids(k), **STYLE["single_threaded"])
        if len(held) > per_officer:
            rest = len(held) - per_officer
            d.node(
                ids("more:" + o),
                label=text(f"+{rest} more"),
                tooltip=text(f"{rest} more held only by {show(o)}"),
                **STYLE["more"],
            )
            d.edge(ids(o), ids("more:" + o), **STYLE["single_threaded"])
    legend(
        d,
        ("officer", "member", "agency") + (("more",) if more else ()),
        ("single_threaded",),
    )
    return d


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
    body = html.escape(content)
    if font:
        body = f'<font color="{font}">{body}</font>'
    tip = f' title="{html.escape(tooltip)}"' if tooltip else ""
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

    Examples
    --------
    >>> import pendulum
    >>> from rbp.graph._reports import Cell, CoverageReport
    >>> from rbp.model import Sector
    >>> cov = CoverageReport(as_of=pendulum.datetime(2026, 1, 1), window_days=None,
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
    head = "".join(f"<td><b>{html.escape(s.value)}</b></td>" for s in sectors)
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
        rows.append(f"<tr><td>{html.escape(a)}</td>{''.join(cells)}</tr>")
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
