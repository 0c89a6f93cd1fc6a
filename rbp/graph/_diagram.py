"""Network diagrams (graphviz): who is tied to whom, with gaps drawn visibly.

One style map decides every look: node shape and colour by kind, line style by tie
status, line width by strength. Labels are stakeholder keys (never names unless the
caller passes ``labels``), and every label is escaped by graphviz's own quoting.
Past ``max_nodes`` the diagram groups stakeholders by area and says so.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import cast

import graphviz
import networkx as nx

__all__ = ["STYLE", "network_diagram"]

STYLE: dict[str, dict[str, str]] = {
    "officer": {"shape": "box", "style": "filled", "fillcolor": "#1f4e79", "fontcolor": "white"},
    "member": {"shape": "ellipse", "style": "filled", "fillcolor": "#f2c14e"},
    "agency": {"shape": "hexagon", "style": "filled", "fillcolor": "#7bb274"},
    "uncovered": {"shape": "ellipse", "style": "dashed", "color": "#b03a2e"},
    "active": {"style": "solid", "color": "#333333"},
    "cooling": {"style": "dashed", "color": "#d68910"},
    "dormant": {"style": "dotted", "color": "#b03a2e"},
    "lapsed": {"style": "dotted", "color": "#bbbbbb"},
    "community_tie": {"style": "solid", "color": "#aaaaaa"},
    "declared": {"style": "dashed", "color": "#5d6d7e", "arrowhead": "none"},
}


def _width(strength: float) -> str:
    return f"{min(0.6 + strength**0.5, 5.0):.2f}"


def network_diagram(
    g: nx.Graph,
    *,
    title: str,
    uncovered: frozenset[str] = frozenset(),
    labels: Mapping[str, str] | None = None,
    max_nodes: int = 150,
) -> graphviz.Graph:
    """A graphviz diagram of ``g`` (as built by ``crm.graph.build``).

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
    """
    big = g.number_of_nodes() > max_nodes
    engine = "sfdp" if big or g.number_of_nodes() > 60 else "neato"
    d = graphviz.Graph(name="rbp", engine=engine)
    d.attr(
        label=title
        + (" (grouped by area: too many stakeholders to draw one by one)" if big else ""),
        labelloc="t",
        fontsize="18",
        overlap="false",
        splines="true",
        outputorder="edgesfirst",
    )
    if big:
        _grouped(d, g, uncovered)
    else:
        for node, data in sorted(g.nodes(data=True)):
            kind = data.get("kind", "member")
            style = STYLE["uncovered"] if node in uncovered else STYLE.get(kind, STYLE["member"])
            label = labels.get(node, node) if labels else node
            d.node(_id(node), label=_text(label), tooltip=_text(f"{kind} {node}"), **style)
        for a, b, data in sorted(g.edges(data=True), key=lambda e: (e[0], e[1])):
            kind = data.get("kind")
            if kind == "officer_tie":
                style = STYLE[data.get("status") or "active"]
            else:
                style = STYLE.get(str(kind), STYLE["community_tie"])
            d.edge(_id(a), _id(b), penwidth=_width(float(data.get("strength") or 0.0)), **style)
    _legend(d)
    return d


def _grouped(d: graphviz.Graph, g: nx.Graph, uncovered: frozenset[str]) -> None:
    """Areas as nodes (sized by stakeholders), officers' ties counted between them."""
    home: dict[str, str] = {}
    counts: Counter[str] = Counter()
    gaps: Counter[str] = Counter()
    for node, data in g.nodes(data=True):
        areas = data.get("areas") or ("(no area)",)
        home[node] = areas[0]
        if data.get("kind") != "officer":
            counts[areas[0]] += 1
            gaps[areas[0]] += node in uncovered
    for area in sorted(counts):
        d.node(
            _id("area:" + area),
            label=_text(f"{area}: {counts[area]} stakeholders, {gaps[area]} uncovered"),
            shape="box",
            style="rounded",
        )
    links: Counter[tuple[str, str]] = Counter()
    for a, b in g.edges:
        x, y = sorted((home[a], home[b]))
        if x != y:
            links[x, y] += 1
    for (x, y), n in sorted(links.items()):
        if x in counts and y in counts:
            d.edge(_id("area:" + x), _id("area:" + y), label=str(n), penwidth=_width(n / 10))


def _legend(d: graphviz.Graph) -> None:
    with d.subgraph(name="cluster_legend") as leg:
        leg.attr(label="Legend", fontsize="12", style="dashed")
        for kind in ("officer", "member", "agency", "uncovered"):
            leg.node(f"legend_{kind}", label=kind, **STYLE[kind])
        for status in ("active", "cooling", "dormant"):
            leg.node(f"legend_{status}_a", label="", shape="point", width="0.05")
            leg.node(f"legend_{status}_b", label=f"tie {status}", shape="plaintext")
            leg.edge(f"legend_{status}_a", f"legend_{status}_b", **STYLE[status])


def _id(key: str) -> str:
    """A node id made of hex digits only: keys may hold ':' (graphviz's port syntax in
    edges), quotes or backslashes, and the id is never shown (the label is).

    >>> _id("area:b-1")
    'n617265613a622d31'
    """
    return "n" + key.encode().hex()


def _text(value: str) -> str:
    """A label shown literally: no HTML, no graphviz escapes, no line breaks."""
    flat = " ".join(str(value).split())
    return cast("str", graphviz.nohtml(flat.replace("\\", "\\\\")))
