"""What every diagram shares: the style map, the one label-escaping helper, labels,
opaque node ids, the legend and the empty graph with its title.

One style map (:data:`STYLE`) decides every look: node shape and colour by kind,
line style by tie status, line width by strength, matrix cells by coverage ratio.
Labels are stakeholder keys (never names: the graphs drawn here carry none), or the
caller's ``labels``, or stable aliases ("S-001") with ``pseudonymise=True``. Node ids
are opaque ("n12"), so a key never reaches the DOT source as an identifier (a key
with ``:`` would otherwise read as a node port); every label, HTML-like cell and
tooltip goes through :func:`text`.
"""

from __future__ import annotations

import enum
import html
from collections.abc import Iterable, Mapping
from typing import cast

import graphviz

__all__ = [
    "STYLE",
    "Labels",
    "Nodes",
    "TextIn",
    "engine_for",
    "legend",
    "new_graph",
    "text",
    "width",
]

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

    Parameters
    ----------
    keys
        Every key the diagram may show (the aliases are numbered over them).
    labels
        The caller's text for some keys; it wins over aliases.
    pseudonymise
        Show aliases instead of keys.

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


class TextIn(enum.Enum):
    """Where a text goes in DOT, which decides how it is escaped (see :func:`text`)."""

    LABEL = "label"
    TOOLTIP = "tooltip"
    HTML = "html"


# How many backslashes stand for one shown backslash: graphviz reads the escapes
# (\N, \G, \L, \E, \T, \H, \n, \l, \r) in plain and HTML-like labels once, and in
# tooltips twice (checked against the real dot in tests/integration).
_BACKSLASHES = {TextIn.LABEL: "\\" * 2, TextIn.TOOLTIP: "\\" * 4, TextIn.HTML: "\\" * 2}


def text(value: str, *, into: TextIn = TextIn.LABEL) -> str:
    r"""``value`` escaped so graphviz shows it literally, on one line.

    Whitespace runs (newlines too) become one space, and every backslash is doubled
    (quadrupled in a tooltip, which graphviz unescapes twice), so no escape sequence
    (``\N`` the node name, ``\G`` the graph name, ``\l`` a line break, ...) is
    expanded. In a plain label or tooltip ``&`` becomes ``&amp;`` (graphviz reads
    entities there too) and the result is marked not-HTML so ``<...>`` stays text;
    graphviz's quoting then escapes the double quotes. Inside an HTML-like label
    (``into=TextIn.HTML``) the text is HTML-escaped instead, quotes included, so it
    may also stand in an attribute.

    Parameters
    ----------
    value
        The text to show.
    into
        Where it goes: a plain label, a tooltip or an HTML-like label.

    Returns
    -------
    str
        The escaped text.

    Examples
    --------
    >>> text('a "b" <c>\\d\ne &amp;')
    'a "b" <c>\\\\d e &amp;amp;'
    >>> text('a\\Nb <c>', into=TextIn.HTML)
    'a\\\\Nb &lt;c&gt;'
    >>> len(text('\\', into=TextIn.TOOLTIP))
    4
    """
    flat = " ".join(str(value).split()).replace("\\", _BACKSLASHES[into])
    if into is TextIn.HTML:
        return html.escape(flat)
    return cast("str", graphviz.nohtml(flat.replace("&", "&amp;")))
