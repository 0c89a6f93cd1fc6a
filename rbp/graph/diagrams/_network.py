"""The network map: who is tied to whom, with gaps drawn visibly.

Every map has a legend. A map too big to draw person by person is an area map
(:mod:`rbp.graph.diagrams._areas`), chosen by ``crm.graph.diagram``. Styles and
escaping come from :mod:`rbp.graph.diagrams._style`.
"""

from __future__ import annotations

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
    lines,
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
        Text to show instead of keys, by key; it wins over ``names`` and aliases.
    names
        What the store calls some keys (``crm.graph`` passes agencies' names,
        officers' badges and members' pseudonyms); other keys show as themselves.
        Long labels wrap; every label is escaped.
    pseudonymise
        Show stable aliases ("S-001") instead of names and keys.

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
    ids = Nodes()
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
