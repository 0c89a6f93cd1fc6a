"""The legend of a diagram: a heading, then per kind a sample (a node, or a line 0.9
inch long) and its words, pinned in columns beside the drawing or in rows below it.

Legend node names start with ``legend`` (readers and checkers of the SVG rely on it).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

import graphviz

from rbp.graph.diagrams._style import FONT, STYLE, TextIn, text

__all__ = ["LEGEND_FONT", "legend_cluster", "legend_place", "text_width"]

ROW = 0.3
"""Height of one legend row, in inches."""
SAMPLE = 1.0
"""Width of a legend sample (a node, or a line of 0.9 inch: 65 pt), in inches."""
GAP = 0.45
"""Space between the drawing and its legend, in inches."""
LEGEND_FONT = 11.0
"""Font size of the legend's text, in points."""


def text_width(value: str) -> float:
    """A generous estimate of the width of ``value`` in the legend font, in inches."""
    return (0.6 * LEGEND_FONT * len(value) + 10) / 72


def _is_edge(kind: str) -> bool:
    return "shape" not in STYLE[kind] and kind != "uncovered"


def _sample(kind: str) -> dict[str, str]:
    """How a node kind looks in the legend (an uncovered member for "uncovered")."""
    if kind == "uncovered":
        return {**STYLE["member"], **STYLE["uncovered"]}
    return STYLE[kind]


def legend_place(
    box: tuple[float, float, float, float], entries: list[tuple[str, str]]
) -> dict[str, tuple[float, float]]:
    """Where each legend row starts (its sample's left end, its centre line), in inches:
    in columns beside the drawing or in rows below it, whichever picture is smaller."""
    x0, y0, x1, y1 = box
    width = x1 - x0
    height = y1 - y0
    entry = SAMPLE + 0.4 + max((text_width(t) for _, t in entries), default=1.0)
    n = len(entries) + 1  # the heading
    # Beside: as many columns as it takes to stay about as tall as the drawing.
    per_col = max(4, math.floor(height / ROW))
    cols = math.ceil(n / per_col)
    per_col = math.ceil(n / cols)
    beside = (width + GAP + cols * entry) * max(height, per_col * ROW)
    # Below: as many per row as fit the drawing's width.
    per_row = max(1, math.floor(width / entry))
    rows = math.ceil(n / per_row)
    below = max(width, min(per_row, n) * entry) * (height + GAP + rows * ROW)
    # The smaller picture, unless its legend would take over a fifth of it.
    share = {
        True: cols * entry * per_col * ROW / beside,
        False: min(per_row, n) * entry * rows * ROW / below,
    }
    fits = [(area, side) for area, side in ((beside, True), (below, False)) if share[side] <= 0.2]
    put_beside = min(fits)[1] if fits else share[True] <= share[False]
    out: dict[str, tuple[float, float]] = {}
    names = ["legend_title", *(k for k, _ in entries)]
    for i, name in enumerate(names):  # down the columns, so kinds read in order
        if put_beside:
            col, row = divmod(i, per_col)
            x, top = x1 + GAP + col * entry, y1
        else:
            col, row = divmod(i, rows)
            x, top = x0 + col * entry, y0 - GAP
        out[name] = (x, top - ROW / 2 - row * ROW)
    return out


def legend_cluster(
    d: graphviz.Graph,
    entries: Iterable[tuple[str, str]],
    at: Mapping[str, tuple[float, float]],
) -> None:
    """The legend: a heading, then per kind a sample (a node, or a line 0.9 inch long)
    and its words, pinned at ``at`` when given."""

    def pin(x: float, y: float) -> dict[str, str]:
        return {"pos": f"{x:.3f},{y:.3f}!"} if at else {}

    with d.subgraph(name="cluster_legend") as leg:
        leg.attr(label="", style="rounded", color="#999999", margin="8")
        x, y = at.get("legend_title", (0.0, 0.0))
        leg.node(
            "legend_title",
            label=text("Legend") + "\\l",
            shape="plaintext",
            fontsize=f"{LEGEND_FONT + 1:g}",
            fontname=f"{FONT} Bold",
            width=f"{SAMPLE:.2f}",
            height=f"{ROW * 0.8:.2f}",
            **pin(x + SAMPLE / 2, y),
        )
        for kind, words in entries:
            x, y = at.get(kind, (0.0, 0.0))
            if _is_edge(kind):
                # a line of middle strength, unless the kind has a width of its own
                style = {"penwidth": "1.8", **STYLE[kind]}
                for end, dx in (("a", 0.05), ("b", SAMPLE - 0.05)):
                    leg.node(
                        f"legend_{kind}_{end}",
                        label="",
                        shape="point",
                        style="invis",
                        width="0.01",
                        **pin(x + dx, y),
                    )
                leg.edge(f"legend_{kind}_a", f"legend_{kind}_b", **style)
            else:
                leg.node(
                    f"legend_{kind}",
                    label="",
                    **_sample(kind),
                    width="0.5",
                    height="0.24",
                    fixedsize="true",
                    **pin(x + SAMPLE / 2, y),
                )
            wide = text_width(words)
            leg.node(
                f"legend_{kind}_text",
                label=text(words, into=TextIn.LABEL) + "\\l",
                shape="plaintext",
                fontsize=f"{LEGEND_FONT:g}",
                width=f"{wide:.2f}",
                height=f"{ROW * 0.8:.2f}",
                margin="0.02,0",
                **pin(x + SAMPLE + 0.1 + wide / 2, y),
            )
