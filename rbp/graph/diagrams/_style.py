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
import textwrap
from collections.abc import Iterable, Mapping
from typing import cast

import graphviz

from rbp._render._words import COVERAGE_SCALE, PALETTE

__all__ = [
    "FONT",
    "LEGEND_TEXT",
    "STYLE",
    "Labels",
    "Nodes",
    "TextIn",
    "engine_for",
    "lines",
    "new_graph",
    "text",
    "width",
]

FONT = "Helvetica"
"""The font of every diagram (text is at least 10 pt: node text 12, legend 11)."""

_INK = "#333333"
_FAINT = "#b0b0b0"

STYLE: dict[str, dict[str, str]] = {
    # People and areas. Colours are the Okabe-Ito palette (rbp._render._words), and
    # every kind also has its own shape, so colour is never the only sign.
    "officer": {
        "shape": "box",
        "style": "filled",
        "fillcolor": PALETTE["blue"],
        "fontcolor": "white",
        "color": PALETTE["blue"],
    },
    "member": {"shape": "ellipse", "style": "filled", "fillcolor": PALETTE["orange"]},
    "agency": {"shape": "hexagon", "style": "filled", "fillcolor": PALETTE["bluish_green"]},
    # added to a stakeholder's own style: a thick dashed border
    "uncovered": {"style": "filled,dashed", "color": PALETTE["vermillion"], "penwidth": "2.5"},
    # Officer ties by status: solid, dashed, dotted, and faint dotted for lapsed.
    "active": {"style": "solid", "color": _INK},
    "cooling": {"style": "dashed", "color": PALETTE["orange"]},
    "dormant": {"style": "dotted", "color": PALETTE["vermillion"]},
    "lapsed": {"style": "dotted", "color": _FAINT, "penwidth": "1"},
    "community_tie": {"style": "solid", "color": _FAINT, "penwidth": "1"},
    # A declared relationship: a double line, unlike any tie.
    "declared": {"style": "solid", "color": f"{_FAINT}:invis:{_FAINT}", "penwidth": "1"},
    # ego map: the stakeholders' other officers, and their ties, greyed
    "other_officer": {
        "shape": "box",
        "style": "filled",
        "fillcolor": "#e5e5e5",
        "fontcolor": "#555555",
        "color": _FAINT,
    },
    "other_tie": {"style": "solid", "color": "#d0d0d0", "penwidth": "1"},
    # key-person map: a stakeholder only this officer holds
    "single_threaded": {"style": "dashed", "color": PALETTE["vermillion"], "penwidth": "1.6"},
    "more": {"shape": "note", "style": "solid", "color": "#777777", "fontcolor": "#555555"},
    # plan coalition
    "plan": {"shape": "doubleoctagon", "style": "filled", "fillcolor": PALETTE["sky_blue"]},
    "task": {"shape": "note", "style": "solid"},
    "task_overdue": {
        "shape": "note",
        "style": "filled,bold",
        "fillcolor": "#f6c8a8",
        "color": PALETTE["vermillion"],
    },
    "task_done": {"shape": "note", "style": "filled", "fillcolor": "#cce8df"},
    "ghost": {"shape": "ellipse", "style": "dashed", "color": "#999999", "fontcolor": "#555555"},
    "role": {"style": "solid", "color": _INK},
    "unengaged": {"style": "dashed", "color": PALETTE["vermillion"]},
    "owner": {"style": "dotted", "color": _INK},
    "depends": {"style": "bold", "color": PALETTE["reddish_purple"], "arrowhead": "empty"},
    "plan_task": {"style": "solid", "color": _FAINT, "arrowhead": "none"},
    "ghost_edge": {"style": "dashed", "color": "#999999"},
    # coverage matrix cells (HTML table bgcolor): the coverage scale of every page,
    # lowest step first; "GAP" where none is covered, and the two empty cases
    **{
        f"cell_{i}": {"bgcolor": fill, "fontcolor": font, "min": f"{least:g}"}
        for i, (least, fill, font) in enumerate(COVERAGE_SCALE)
    },
    "cell_good": {"bgcolor": COVERAGE_SCALE[-1][1], "fontcolor": COVERAGE_SCALE[-1][2]},
    "cell_gap": {"bgcolor": COVERAGE_SCALE[0][1], "fontcolor": COVERAGE_SCALE[0][2]},
    "cell_missing": {"bgcolor": "#ffffff", "fontcolor": PALETTE["vermillion"]},
    "cell_empty": {"bgcolor": "#f4f4f4", "fontcolor": "#777777"},
}

LEGEND_TEXT = {
    "plan": "action plan",
    "officer": "officer",
    "other_officer": "another officer of the same stakeholders",
    "member": "community member",
    "agency": "partner agency",
    "uncovered": "uncovered: no recent officer contact",
    "more": "more stakeholders, counted",
    "task": "task",
    "task_overdue": "task overdue",
    "task_done": "task done or cancelled",
    "ghost": "needed sector, no partner",
    "active": "tie active",
    "cooling": "tie cooling",
    "dormant": "tie dormant",
    "lapsed": "tie lapsed (faint)",
    "community_tie": "community members met together",
    "declared": "declared relationship",
    "other_tie": "another officer's tie",
    "single_threaded": "held by this officer only",
    "role": "partner (role under its name)",
    "unengaged": "partner not met in 90 days",
    "owner": "task owner",
    "depends": "task needs another first",
}
"""The legend's words for each kind, in the order a legend lists them."""

SMALL = 60
"""Up to this many nodes an unpinned network (the grouped map) is laid out by
``neato`` with curved edges routed around nodes; past it by ``sfdp`` with straight
edges (routing splines around nodes takes ``sfdp`` about a minute at 400 nodes,
straight lines under a second)."""

PINNED = 300
"""Up to this many nodes a map drawn one by one is laid out by ``neato`` (compact and
quick at this size), past it by ``sfdp``; either way it is then pinned and drawn by
``neato`` (see :class:`~rbp.graph.diagrams._layout.Sketch`)."""


def engine_for(nodes: int, *, pinned: bool = False) -> str:
    """The layout engine for a network of ``nodes`` nodes (``dot`` is for hierarchies)."""
    return "neato" if nodes <= (PINNED if pinned else SMALL) else "sfdp"


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
    """What a diagram shows for a stakeholder key: the caller's label, an alias, the
    name the store gives it, or the key.

    The caller's ``labels`` win. With ``pseudonymise``, every other key shows as
    "S-001", "S-002", ... numbered in key order over ``keys``, so the same picture
    gives the same aliases every time. Otherwise ``names`` (what ``crm.graph`` reads:
    agencies by name, officers by badge, community members by sector and area) and
    last the key.

    Parameters
    ----------
    keys
        Every key the diagram may show (the aliases are numbered over them).
    labels
        The caller's text for some keys; it wins over everything.
    names
        The text the store gives some keys; used when not pseudonymised.
    pseudonymise
        Show aliases instead of names and keys.

    Examples
    --------
    >>> lab = Labels(["m-2", "P1", "m-1"], pseudonymise=True)
    >>> lab("P1"), lab("m-1"), lab("m-2")
    ('S-001', 'S-002', 'S-003')
    >>> lab = Labels(["m-1", "P1"], labels={"m-1": "Pastor"}, names={"P1": "P 1"})
    >>> lab("m-1"), lab("P1"), lab("P2")
    ('Pastor', 'P 1', 'P2')
    """

    def __init__(
        self,
        keys: Iterable[str],
        *,
        labels: Mapping[str, str] | None = None,
        names: Mapping[str, str] | None = None,
        pseudonymise: bool = False,
    ) -> None:
        self._labels = dict(labels or {})
        self._names = {} if pseudonymise else dict(names or {})
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
        return self._names.get(key, key)


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


WRAP = 24
"""About how many characters a label line holds before it wraps."""


def lines(value: str, *, wrap: int = WRAP) -> str:
    r"""``value`` escaped as :func:`text` does, wrapped at spaces onto lines of about
    ``wrap`` characters (a word longer than that keeps its own line).

    Each line is escaped on its own and the lines are joined by graphviz's centred
    line break, so a user's ``\n`` still shows literally.

    Parameters
    ----------
    value
        The text to show.
    wrap
        About how many characters a line holds.

    Returns
    -------
    str
        The escaped label.

    Examples
    --------
    >>> lines("Mental health · Near West Side #12")
    'Mental health · Near\\nWest Side #12'
    >>> lines("a\\n b", wrap=2)
    'a\\\\n\\nb'
    """
    parts = textwrap.wrap(
        " ".join(str(value).split()), width=wrap, break_long_words=False, break_on_hyphens=False
    )
    return cast("str", graphviz.nohtml("\\n".join(text(p) for p in parts or [""])))
