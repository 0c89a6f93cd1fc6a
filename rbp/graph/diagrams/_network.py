"""The network map: who is tied to whom, with gaps drawn visibly.

Every map has a legend. A map too big to draw person by person is an area map
(:mod:`rbp.graph.diagrams._areas`), chosen by ``crm.graph.diagram``. Styles and
escaping come from :mod:`rbp.graph.diagrams._style`.
"""

from __future__ import annotations

from collections.abc import Mapping

import graphviz
import networkx as nx

from rbp.graph.diagrams._style import STYLE, Labels, Nodes, TextIn, legend, new_graph, text, width

__all__ = ["network_diagram"]


def network_diagram(
    g: nx.Graph,
    *,
    title: str,
    uncovered: frozenset[str] = frozenset(),
    labels: Mapping[str, str] | None = None,
    pseudonymise: bool = False,
) -> graphviz.Graph:
    """A graphviz diagram of ``g`` (as built by ``crm.graph.build``).

    Parameters
    ----------
    g
        The graph to draw; not changed.
    title
        The diagram's title.
    uncovered
        Keys drawn dashed (uncovered stakeholders).
    labels
        Text to show instead of keys, by key; None shows keys (escaped either way).
    pseudonymise
        Show stable aliases ("S-001") instead of keys.

    Returns
    -------
    graphviz.Graph
        The map, laid out by ``neato``, or ``sfdp`` when it is large.

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
    d = new_graph(title, nodes=g.number_of_nodes())
    ids = Nodes()
    show = Labels(g.nodes, labels=labels, pseudonymise=pseudonymise)
    for node, data in sorted(g.nodes(data=True)):
        kind = data.get("kind", "member")
        style = STYLE["uncovered"] if node in uncovered else STYLE.get(kind, STYLE["member"])
        label = show(node)
        d.node(
            ids(node),
            label=text(label),
            tooltip=text(f"{kind} {label}", into=TextIn.TOOLTIP),
            **style,
        )
    for a, b, data in sorted(g.edges(data=True), key=lambda e: (e[0], e[1])):
        kind = data.get("kind")
        if kind == "officer_tie":
            style = STYLE[data.get("status") or "active"]
        else:
            style = STYLE.get(str(kind), STYLE["community_tie"])
        d.edge(ids(a), ids(b), penwidth=width(float(data.get("strength") or 0.0)), **style)
    legend(
        d,
        ("officer", "member", "agency", "uncovered"),
        ("active", "cooling", "dormant", "community_tie", "declared"),
    )
    return d
