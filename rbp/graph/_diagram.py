"""Network diagrams (graphviz): who is tied to whom, with gaps drawn visibly.

One style map (:data:`STYLE`) decides every look: node shape and colour by kind,
line style by tie status, line width by strength, matrix cells by coverage ratio.
Labels are stakeholder keys (never names: the graphs drawn here carry none), or the
caller's ``labels``, or stable aliases ("S-001") with ``pseudonymise=True``. Node ids
are opaque ("n12"), so a key never reaches the DOT source as an identifier (a key
with ``:`` would otherwise read as a node port); every label and tooltip is escaped
(:func:`text`). Past ``max_nodes`` a diagram groups by area and says so. Every
diagram has a legend.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import cast

import graphviz
import networkx as nx

__all__ = ["STYLE", "Labels", "Nodes", "engine_for", "legend", "network_diagram", "text"]

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
    # ego map: the stakeholders' other officers, and their ties, greyed
    "other_officer": {
        "shape": "box",
        "style": "filled",
        "fillcolor": "#e5e5e5",
        "fontcolor": "#777777",
        "color": "#bbbbbb",
    },
    "other_tie": {"style": "solid", "color": "#d0d0d0"},
    # key-person map: a stakeholder only this officer holds
    "single_threaded": {"style": "dashed", "color": "#b03a2e", "penwidth": "1.6"},
    "more": {"shape": "note", "style": "solid", "color": "#777777", "fontcolor": "#555555"},
    "area": {"shape": "box", "style": "rounded"},
    # plan coalition
    "plan": {"shape": "doubleoctagon", "style": "filled", "fillcolor": "#d6eaf8"},
    "task": {"shape": "note", "style": "solid"},
    "task_overdue": {"shape": "note", "style": "filled", "fillcolor": "#f5b7b1"},
    "task_done": {"shape": "note", "style": "filled", "fillcolor": "#d5f5e3"},
    "ghost": {"shape": "ellipse", "style": "dashed", "color": "#999999", "fontcolor": "#777777"},
    "role": {"style": "solid", "color": "#333333"},
    "unengaged": {"style": "dashed", "color": "#b03a2e"},
    "owner": {"style": "dotted", "color": "#555555"},
    "depends": {"style": "solid", "color": "#7d3c98"},
    "plan_task": {"style": "solid", "color": "#aaaaaa", "arrowhead": "none"},
    "ghost_edge": {"style": "dashed", "color": "#999999"},
    # coverage matrix cells (HTML table bgcolor), by covered / total
    "cell_good": {"bgcolor": "#a9dfbf", "min": "0.8"},
    "cell_fair": {"bgcolor": "#f9e79f", "min": "0.5"},
    "cell_poor": {"bgcolor": "#f5b7b1", "min": "0.0"},
    "cell_gap": {"bgcolor": "#c0392b", "fontcolor": "white"},
    "cell_missing": {"bgcolor": "#fad7a0", "fontcolor": "#784212"},
    "cell_empty": {"bgcolor": "#f4f4f4", "fontcolor": "#999999"},
}

LEGEND_TEXT = {
    "officer": "officer",
    "member": "community member",
    "agency": "partner agency",
    "uncovered": "uncovered (no recent officer contact)",
    "other_officer": "another officer of the same stakeholders",
    "more": "more stakeholders, counted",
    "area": "an area (grouped)",
    "plan": "action plan",
    "task": "task",
    "task_overdue": "task overdue",
    "task_done": "task done or cancelled",
    "ghost": "needed sector, no partner",
    "role": "partner (role)",
    "unengaged": "partner not engaged lately",
    "owner": "task owner",
    "depends": "task needs another",
    "active": "tie active",
    "cooling": "tie cooling",
    "dormant": "tie dormant",
    "lapsed": "tie lapsed",
    "community_tie": "community tie",
    "declared": "declared relationship",
    "other_tie": "another officer's tie",
    "single_threaded": "held by this officer only",
}

SMALL = 60
"""Up to this many nodes a network is laid out by ``neato`` with curved edges routed
around nodes; past it by ``sfdp`` with straight edges (routing splines around nodes
takes ``sfdp`` about a minute at 400 nodes, straight lines under a second)."""


def engine_for(nodes: int) -> str:
    """The layout engine for a network of ``nodes`` nodes (``dot`` is for hierarchies)."""
    return "neato" if nodes <= SMALL else "sfdp"


class Nodes:
    """Opaque DOT node ids ("n0", "n1", ...), one per key, in order of first use."""

    def __init__(self) -> None:
        self._ids: dict[str, str] = {}

    def __call__(self, key: str) -> str:
        found = self._ids.get(key)
        if found is None:
            found = self._ids[key] = f"n{len(self._ids)}"
        return found


class Labels:
    """What a diagram shows for a key: the caller's label, an alias, or the key.

    With ``pseudonymise``, keys without a caller's label are shown as "S-001",
    "S-002", ... numbered in key order over ``keys``, so the same picture gives the
    same aliases every time.

    Examples
    --------
    >>> lab = Labels(["m-2", "P1", "m-1"], pseudonymise=True)
    >>> lab("P1"), lab("m-1"), lab("m-2")
    ('S-001', 'S-002', 'S-003')
    >>> Labels(["m-1"], labels={"m-1": "Pastor"})("m-1")
    'Pastor'
    """

    def __init__(
        self,
        keys: Iterable[str],
        *,
        labels: Mapping[str, str] | None = None,
        pseudonymise: bool = False,
    ) -> None:
        self._labels = dict(labels or {})
        self._alias: dict[str, str] = {}
        if pseudonymise:
            ordered = sorted(set(keys))
            width = max(3, len(str(len(ordered))))
            self._alias = {k: f"S-{i:0{width}d}" for i, k in enumerate(ordered, 1)}
        self.pseudonymise = pseudonymise

    def __call__(self, key: str) -> str:
        if key in self._labels:
            return str(self._labels[key])
        if self.pseudonymise:
            return self._alias.get(key, "S-?")
        return key


def width(strength: float) -> str:
    """Line width for a tie of this strength."""
    return f"{min(0.6 + strength**0.5, 5.0):.2f}"


def network_diagram(
    g: nx.Graph,
    *,
    title: str,
    uncovered: frozenset[str] = frozenset(),
    labels: Mapping[str, str] | None = None,
    pseudonymise: bool = False,
    max_nodes: int = 150,
    group_by: str = "area",
) -> graphviz.Graph:
    """A graphviz diagram of ``g`` (as built by ``crm.graph.build``).

    Past ``max_nodes`` nodes the stakeholders are grouped, by home area or (for one
    beat's map, ``group_by="sector"``) by sector with the officers as one group, and
    the title says so.

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
    d = new_graph(
        title + (f" (grouped by {by}: too many stakeholders to draw one by one)" if big else ""),
        nodes=max_nodes + 1 if big else g.number_of_nodes(),
    )
    ids = Nodes()
    if big:
        _grouped(d, g, uncovered, ids, by=by)
        legend(d, ("area",), ())
        return d
    show = Labels(g.nodes, labels=labels, pseudonymise=pseudonymise)
    for node, data in sorted(g.nodes(data=True)):
        kind = data.get("kind", "member")
        style = STYLE["uncovered"] if node in uncovered else STYLE.get(kind, STYLE["member"])
        label = show(node)
        d.node(ids(node), label=text(label), tooltip=text(f"{kind} {label}"), **style)
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


def new_graph(
    title: str, *, nodes: int, engine: str | None = None, directed: bool = False
) -> graphviz.Graph:
    """An empty diagram of about ``nodes`` nodes with its title on top and the shared
    graph attributes; the engine and edge routing follow the size (see :data:`SMALL`)."""
    engine = engine or engine_for(nodes)
    d: graphviz.Graph = (graphviz.Digraph if directed else graphviz.Graph)(
        name="rbp", engine=engine
    )
    d.attr(
        label=text(title),
        labelloc="t",
        fontsize="18",
        overlap="false",
        splines="true" if nodes <= SMALL else "line",
        outputorder="edgesfirst",
    )
    return d


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
            tooltip=text(f"{by} {group}"),
            **STYLE["area"],
        )
    links: Counter[tuple[str, str]] = Counter()
    for a, b in g.edges:
        x, y = sorted((home[a], home[b]))
        if x != y:
            links[x, y] += 1
    for (x, y), n in sorted(links.items()):
        if x in counts and y in counts:
            d.edge(ids("area:" + x), ids("area:" + y), label=str(n), penwidth=width(n / 10))


def legend(d: graphviz.Graph, nodes: Iterable[str], edges: Iterable[str]) -> None:
    """A legend cluster: a sample node per node style, a sample line per line style."""
    with d.subgraph(name="cluster_legend") as leg:
        leg.attr(label="Legend", fontsize="12", style="dashed")
        for kind in nodes:
            leg.node(f"legend_{kind}", label=text(LEGEND_TEXT[kind]), **STYLE[kind])
        for kind in edges:
            leg.node(f"legend_{kind}_a", label="", shape="point", width="0.05")
            leg.node(f"legend_{kind}_b", label=text(LEGEND_TEXT[kind]), shape="plaintext")
            leg.edge(f"legend_{kind}_a", f"legend_{kind}_b", **STYLE[kind])


def text(value: str) -> str:
    r"""A label shown literally: no HTML, no graphviz escapes, no line breaks.

    Backslashes are doubled (``\N`` or ``\l`` stay text), ``&`` becomes ``&amp;``
    (graphviz reads entities in any label), whitespace runs (newlines too) become one
    space, and the result is marked not-HTML so ``<...>`` stays text; graphviz's
    quoting then escapes the double quotes.

    Examples
    --------
    >>> text('a "b" <c>\\d\ne &amp;')
    'a "b" <c>\\\\d e &amp;amp;'
    """
    flat = " ".join(str(value).split())
    return cast("str", graphviz.nohtml(flat.replace("\\", "\\\\").replace("&", "&amp;")))
