"""The network map: who is tied to whom, with gaps drawn visibly.

Past ``max_nodes`` the map groups stakeholders (by area, or by sector for one beat)
and says so; every map has a legend. Styles and escaping come from
:mod:`rbp.graph.diagrams._style`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

import graphviz
import networkx as nx

from rbp._render._words import count
from rbp.graph.diagrams._layout import Sketch
from rbp.graph.diagrams._style import (
    STYLE,
    Labels,
    Nodes,
    TextIn,
    engine_for,
    legend,
    lines,
    new_graph,
    text,
    width,
)

__all__ = ["network_diagram"]


def network_diagram(
    g: nx.Graph,
    *,
    title: str,
    uncovered: frozenset[str] = frozenset(),
    labels: Mapping[str, str] | None = None,
    names: Mapping[str, str] | None = None,
    pseudonymise: bool = False,
    max_nodes: int = 150,
    group_by: str = "area",
) -> graphviz.Graph:
    """A graphviz diagram of ``g`` (as built by ``crm.graph.build``).

    Past ``max_nodes`` nodes the stakeholders are grouped, by home area or (for one
    beat's map, ``group_by="sector"``) by sector with the officers as one group, and
    the title says so.

    Parameters
    ----------
    g
        The graph to draw; not changed.
    title
        The diagram's title.
    uncovered
        Keys drawn dashed (uncovered stakeholders).
    labels
        Text to show instead of keys, by key; it wins over ``names`` and aliases.
    names
        What the store calls some keys (``crm.graph`` passes agencies' names,
        officers' badges and members' pseudonyms); other keys show as themselves.
        Long labels wrap; every label is escaped.
    pseudonymise
        Show stable aliases ("S-001") instead of names and keys.
    max_nodes
        The most stakeholders drawn one by one; past it they are grouped.
    group_by
        "area" or "sector": how a grouped map groups.

    Returns
    -------
    graphviz.Graph
        The map, laid out by ``neato`` (``sfdp`` when it is large) and pinned there
        with its legend beside or below it (see :class:`~rbp.graph.diagrams._layout.Sketch`).

    Examples
    --------
    >>> import networkx as nx
    >>> g = nx.Graph()
    >>> g.add_node("P1", kind="officer", areas=("b-1",))
    >>> g.add_node('m "1"', kind="member", areas=("b-1",))
    >>> g.add_edge("P1", 'm "1"', kind="officer_tie", status="cooling", strength=1.0)
    >>> d = network_diagram(g, title="Beat 1")
    >>> 'style=dashed' in d.source and 'm \\\\"1\\\\"' in d.source
    True
    >>> 'm \\\\"1' in network_diagram(g, title="Beat 1", pseudonymise=True).source
    False
    """
    big = g.number_of_nodes() > max_nodes
    by = group_by
    ids = Nodes()
    if big:
        d = new_graph(
            title + f" (grouped by {by}: too many stakeholders to draw one by one)",
            nodes=max_nodes + 1,
        )
        _grouped(d, g, uncovered, ids, by=by)
        legend(d, ("area",), ())
        return d
    alone = sum(1 for n in g if not g.degree(n))
    window = g.graph.get("window")
    days = f" in the last {count(window.days, 'day')}" if window is not None else ""
    sk = Sketch(
        title,
        alone=f"{count(alone, 'stakeholder')} with no tie{days}" if alone else "",
        engine=engine_for(g.number_of_nodes(), pinned=True),
        sep="+8",
        overlap="prism",
        overlap_scaling="-1",  # start as tight as the labels; prism then spreads
        pack="true",
    )
    show = Labels(g.nodes, labels=labels, names=names, pseudonymise=pseudonymise)
    for node, data in sorted(g.nodes(data=True)):
        kind = data.get("kind", "member")
        gap = ("uncovered",) if node in uncovered else ()
        kinds = (kind if kind in STYLE else "member", *gap)
        label = show(node)
        sk.node(
            ids(node),
            *kinds,
            label=lines(label),
            tooltip=text(f"{kind} {label}", into=TextIn.TOOLTIP),
        )
    for a, b, data in sorted(g.edges(data=True), key=lambda e: (e[0], e[1])):
        kind = data.get("kind")
        if kind == "officer_tie":
            style = str(data.get("status") or "active")
        else:
            style = str(kind) if str(kind) in STYLE else "community_tie"
        strength = width(float(data.get("strength") or 0.0))
        sk.edge(ids(a), ids(b), style, penwidth=STYLE[style].get("penwidth", strength))
    return sk.finish()


def _grouped(
    d: graphviz.Graph, g: nx.Graph, uncovered: frozenset[str], ids: Nodes, *, by: str = "area"
) -> None:
    """Groups as nodes (sized by stakeholders), ties counted between them.

    ``by="area"`` groups everyone by home area; ``by="sector"`` (one area's map) groups
    stakeholders by sector and the officers together. Every edge of ``g`` between
    different groups counts; the graph service leaves community ties out of a graph it
    knows will be grouped, so there the counts are officer ties and declared relationships.
    """
    home: dict[str, str] = {}
    counts: Counter[str] = Counter()
    gaps: Counter[str] = Counter()
    for node, data in g.nodes(data=True):
        officer = data.get("kind") == "officer"
        if by == "sector":
            group = "officers" if officer else str(data.get("sector") or "other")
        else:
            group = (data.get("areas") or ("(no area)",))[0]
        home[node] = group
        if officer and by == "area":
            continue  # officers link their area to others but are not counted in it
        counts[group] += 1
        gaps[group] += node in uncovered
    for group in sorted(counts):
        if by == "sector" and group == "officers":
            label = f"officers: {counts[group]}"
        else:
            label = f"{group}: {counts[group]} stakeholders, {gaps[group]} uncovered"
        d.node(
            ids("area:" + group),
            label=text(label),
            tooltip=text(f"{by} {group}", into=TextIn.TOOLTIP),
            **STYLE["area"],
        )
    links: Counter[tuple[str, str]] = Counter()
    for a, b in g.edges:
        x, y = sorted((home[a], home[b]))
        if x != y:
            links[x, y] += 1
    for (x, y), n in sorted(links.items()):
        if x in counts and y in counts:
            d.edge(ids("area:" + x), ids("area:" + y), label=text(str(n)), penwidth=width(n / 10))
