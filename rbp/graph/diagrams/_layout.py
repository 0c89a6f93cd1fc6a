"""Laying a diagram out so its legend sits beside or below the drawing, never among it.

``neato`` and ``sfdp`` ignore clusters when they place nodes, so a legend cluster
handed to them ends up among the data (or its box around the whole drawing). A
:class:`Sketch` therefore collects the diagram's nodes and edges, lets its engine lay
out the data alone (one run of Graphviz to ``plain`` output: node positions in
inches), and returns the diagram with every data node pinned where the engine put it
(``pos="x,y!"``) and the legend pinned in columns beside the drawing or in rows below
it, whichever keeps the picture more compact. ``neato`` then draws the pinned picture
(it keeps pinned nodes where they are and routes the edges), and draws the legend's
box around the legend alone.

When Graphviz is not installed, drawing still works: the diagram comes back unpinned,
its legend a plain cluster, and only rendering needs Graphviz.
"""

from __future__ import annotations

import math
import re
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass

import graphviz

from rbp.graph.diagrams._legend import legend_cluster, legend_place, text_width
from rbp.graph.diagrams._style import FONT, LEGEND_TEXT, STYLE, text

__all__ = ["Sketch"]

ROUTED = 40
"""Up to this many nodes edges are routed around nodes (about a second at 40 nodes,
six at 100: the routing grows with the square of the nodes)."""


@dataclass(frozen=True)
class _Placed:
    """Where the layout engine put the data: each node's centre and the bounding box."""

    pos: dict[str, tuple[float, float]]
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def box(self) -> tuple[float, float, float, float]:
        """(x0, y0, x1, y1), in inches."""
        return (self.x0, self.y0, self.x1, self.y1)


Bounds = tuple[float, float, float, float]


def _bounds(nodes: Mapping[str, tuple[float, float, float, float]]) -> Bounds | None:
    """(x0, y0, x1, y1) around nodes given as (centre x, centre y, width, height)."""
    if not nodes:
        return None
    v = nodes.values()
    return (
        min(x - w / 2 for x, _, w, _ in v),
        min(y - h / 2 for _, y, _, h in v),
        max(x + w / 2 for x, _, w, _ in v),
        max(y + h / 2 for _, y, _, h in v),
    )


def _union(a: Bounds | None, b: Bounds | None) -> Bounds | None:
    if a is None or b is None:
        return a or b
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))


class Sketch:
    """A diagram being drawn: nodes and edges kept until :meth:`finish` lays them out.

    Nodes and edges take style kinds (keys of :data:`STYLE`), merged in order, then
    any attributes; the kinds used are what the legend explains.

    Parameters
    ----------
    title
        The diagram's title, drawn on top.
    engine
        The engine that lays the data out: ``neato``, ``sfdp`` or ``dot``.
    directed
        A directed diagram (``graphviz.Digraph``).
    alone
        The heading over the nodes without edges, which are set in a grid below the
        rest; none when empty.
    cards
        Set the connected parts side by side in rows, in the order their first node
        was added (reading order), each as its engine laid it out.
    **attrs
        More graph attributes for the layout (``rankdir``, ``ranksep``, ...).

    Examples
    --------
    >>> sk = Sketch("Two", engine="neato")
    >>> sk.node("n0", "officer", label="P1")
    >>> sk.node("n1", "member", label="m-1")
    >>> sk.edge("n0", "n1", "cooling")
    >>> d = sk.finish()
    >>> "cluster_legend" in d.source and "legend_cooling_a" in d.source
    True
    """

    def __init__(
        self,
        title: str,
        *,
        engine: str,
        directed: bool = False,
        alone: str = "",
        cards: bool = False,
        **attrs: str,
    ) -> None:
        self.title = title
        self.alone = alone
        self.cards = cards
        self.engine = engine
        self.directed = directed
        self.attrs = attrs
        self.nodes: dict[str, dict[str, str]] = {}
        self.edges: list[tuple[str, str, dict[str, str]]] = []
        self.used: dict[str, None] = {}

    def node(self, name: str, *kinds: str, **attrs: str) -> None:
        """Add node ``name`` styled by ``kinds`` (the legend explains each) and ``attrs``."""
        merged: dict[str, str] = {}
        for kind in kinds:
            merged.update(STYLE[kind])
            self.used[kind] = None
        merged.update(attrs)
        self.nodes[name] = merged

    def edge(self, tail: str, head: str, *kinds: str, **attrs: str) -> None:
        """Add an edge styled by ``kinds`` (the legend explains each) and ``attrs``."""
        merged: dict[str, str] = {}
        for kind in kinds:
            merged.update(STYLE[kind])
            self.used[kind] = None
        merged.update(attrs)
        self.edges.append((tail, head, merged))

    def _graph(self, *, title: bool, **attrs: str) -> graphviz.Graph:
        cls = graphviz.Digraph if self.directed else graphviz.Graph
        d: graphviz.Graph = cls(name="rbp", engine=self.engine)
        graph = {
            "fontname": FONT,
            "outputorder": "edgesfirst",
            **self.attrs,
            **attrs,
        }
        if title:
            graph |= {"label": text(self.title), "labelloc": "t", "fontsize": "18"}
        d.attr(**graph)
        d.attr("node", fontname=FONT, fontsize="12")
        d.attr("edge", fontname=FONT, fontsize="11")
        return d

    def _data(self, d: graphviz.Graph, pos: Mapping[str, tuple[float, float]]) -> None:
        for name, attrs in self.nodes.items():
            where = pos.get(name)
            extra = {} if where is None else {"pos": f"{where[0]:.3f},{where[1]:.3f}!"}
            d.node(name, **attrs, **extra)
        for tail, head, attrs in self.edges:
            d.edge(tail, head, **attrs)

    def _layout(self) -> _Placed | None:
        """The data laid out by the engine alone; None when Graphviz cannot run.

        Nodes without edges are then set in a grid below the rest, in the order of
        their labels (an engine strews them around the network, which makes the
        picture twice as large)."""
        if not self.nodes:
            return None
        d = self._graph(title=False)
        self._data(d, {})
        try:
            plain = d.pipe(format="plain", encoding="utf-8")
        except (graphviz.ExecutableNotFound, subprocess.CalledProcessError):
            return None
        size: dict[str, tuple[float, float, float, float]] = {}
        for line in plain.splitlines():
            if line.startswith("node "):
                _, name, x, y, w, h, *_ = line.split(maxsplit=6)
                size[name.strip('"')] = (float(x), float(y), float(w), float(h))
        if not size:
            return None
        if self.cards:
            _cards(size, self._parts())
        tied = {e for tail, head, _ in self.edges for e in (tail, head)}
        alone = [n for n in self.nodes if n not in tied and n in size]
        linked = [n for n in size if n in tied] if len(alone) > 1 else list(size)
        alone = sorted((n for n in alone if n not in linked), key=self._reading_order)
        pos = {n: size[n][:2] for n in linked}
        box = _bounds({n: size[n] for n in linked})
        if alone:
            cell_w = max(size[n][2] for n in alone) + 0.12
            cell_h = max(size[n][3] for n in alone) + 0.12
            width = 0.0 if box is None else box[2] - box[0]
            cols = max(math.ceil(math.sqrt(len(alone) * cell_h / cell_w)), int(width // cell_w))
            left = 0.0 if box is None else box[0]
            top = 0.0 if box is None else box[1] - 0.3
            grid: dict[str, tuple[float, float, float, float]] = {}
            if self.alone:
                wide = text_width(self.alone)
                self.nodes["alone"] = {
                    "label": text(self.alone) + "\\l",
                    "shape": "plaintext",
                    "fontname": f"{FONT} Bold",
                    "width": f"{wide:.2f}",
                    "height": "0.3",
                }
                pos["alone"] = (left + wide / 2, top - 0.15)
                grid["alone"] = (*pos["alone"], wide, 0.3)
                top -= 0.35
            for i, n in enumerate(alone):
                row, col = divmod(i, cols)
                pos[n] = (left + (col + 0.5) * cell_w, top - (row + 0.5) * cell_h)
                grid[n] = (*pos[n], *size[n][2:])
            box = _union(box, _bounds(grid))
        assert box is not None
        return _Placed(pos, *box)

    def _reading_order(self, name: str) -> list[tuple[int, str]]:
        """A node's label as a reader sorts it: numbers by value ("#2" before "#10")."""
        label = self.nodes[name].get("label", name)
        return [(int(p), "") if p.isdigit() else (0, p) for p in re.split(r"(\d+)", label)]

    def _parts(self) -> list[list[str]]:
        """The connected parts, each in the order its nodes were added."""
        root = {n: n for n in self.nodes}

        def find(n: str) -> str:
            while root[n] != n:
                root[n] = root[root[n]]
                n = root[n]
            return n

        for tail, head, _ in self.edges:
            root[find(tail)] = find(head)
        parts: dict[str, list[str]] = {}
        for n in self.nodes:
            parts.setdefault(find(n), []).append(n)
        return list(parts.values())

    def finish(
        self, *, texts: Mapping[str, str] | None = None, splines: str | None = None
    ) -> graphviz.Graph:
        """The diagram, laid out, with a legend of the kinds used beside or below it.

        Parameters
        ----------
        texts
            The legend's words for some kinds, instead of :data:`LEGEND_TEXT`.
        splines
            How the final picture routes edges; default: curves around nodes up to
            :data:`ROUTED` nodes, straight lines past it (routing takes seconds
            there); lines are drawn first and nodes are filled, so a line never
            crosses a label.

        Returns
        -------
        graphviz.Graph
            Pinned and drawn by ``neato`` when Graphviz could lay it out; otherwise
            the unpinned diagram for its own engine.
        """
        words = {**LEGEND_TEXT, **(texts or {})}
        kinds = [k for k in LEGEND_TEXT if k in self.used]
        entries = [(k, words[k]) for k in kinds]
        placed = self._layout()
        if splines is None:
            splines = "true" if len(self.nodes) <= ROUTED else "line"
        if placed is None:
            d = self._graph(title=True, overlap="false", splines=splines)
            self._data(d, {})
            legend_cluster(d, entries, {})
            return d
        # The layout left at least ``sep`` between nodes; edges keep a smaller margin,
        # so neato can route them around nodes instead of falling back to lines.
        d = self._graph(
            title=True,
            overlap="true",
            splines=splines,
            sep="+4",
            esep="+1",
            comment=f"laid out by {self.engine}, pinned for neato",
        )
        d.engine = "neato"
        self._data(d, placed.pos)
        legend_cluster(d, entries, legend_place(placed.box, entries))
        return d


def _cards(size: dict[str, tuple[float, float, float, float]], parts: list[list[str]]) -> None:
    """Move each part (its nodes' centres in ``size``) to its slot in rows of about
    equal width and height overall, in order, top-aligned in each row."""
    boxes = [_bounds({n: size[n] for n in part if n in size}) for part in parts]
    found = [(part, box) for part, box in zip(parts, boxes, strict=True) if box is not None]
    if len(found) < 2:
        return
    wide = max(b[2] - b[0] for _, b in found) + 0.3
    tall = max(b[3] - b[1] for _, b in found) + 0.3
    cols = max(1, round(math.sqrt(len(found) * tall / wide)))
    top = 0.0
    for start in range(0, len(found), cols):
        row = found[start : start + cols]
        left = 0.0
        for part, (x0, _, x1, y1) in row:
            for n in part:
                x, y, w, h = size[n]
                size[n] = (x - x0 + left, y - y1 + top, w, h)
            left += x1 - x0 + 0.3
        top -= max(b[3] - b[1] for _, b in row) + 0.3
