"""How an area map looks, and its legend: the fonts, the frame and line colours, the
box sizes, and one HTML-like table that explains them with samples (the coverage
scale, two boxes of the least and the most stakeholders, a box, a frame, a line).

The legend is drawn by :func:`rbp.graph.diagrams._areas.area_diagram` in its own
cluster, ``cluster_legend``, beside or below the map.
"""

from __future__ import annotations

import math

from rbp._render._words import COVERAGE_SCALE, coverage_colours, percent
from rbp.graph.diagrams._style import TextIn, text

__all__ = ["FONT", "FONT_NAME", "FRAME", "LARGE", "LINE", "SMALL", "box_size", "legend_table"]

FONT = 12
"""Point size of the area labels; frames, lines and the legend use sizes near it, the
title more. All at least 10 pt, and the layout is never scaled down."""

FONT_NAME = "Helvetica"
FRAME = "#777777"
"""The colour of a frame (a district around its areas)."""
LINE = "#555555"
"""The colour of a line (officers shared) and of its number."""
NO_ONE = coverage_colours(None)
SMALL = (1.15, 0.55)
"""Width and height (inches) of the box of the fewest stakeholders on a map."""
LARGE = (2.0, 0.95)
"""Width and height (inches) of the box of the most stakeholders on a map."""


def box_size(total: int, least: int, most: int) -> tuple[str, str]:
    """Width and height (inches) of a box for ``total`` stakeholders: the box's area
    grows with the count, from the map's least to its most."""
    span = math.sqrt(most) - math.sqrt(least)
    share = (math.sqrt(total) - math.sqrt(least)) / span if span > 0 else 0.5
    w = SMALL[0] + share * (LARGE[0] - SMALL[0])
    h = SMALL[1] + share * (LARGE[1] - SMALL[1])
    return f"{w:.2f}", f"{h:.2f}"


def _cell(body: str, **attrs: str) -> str:
    spec = "".join(f' {k}="{v}"' for k, v in attrs.items())
    return f"<td{spec}>{body}</td>"


def legend_table(
    least: int,
    most: int,
    *,
    between: str,
    frames: bool,
    lines: bool,
    spread: bool,
    concerns: bool = False,
) -> str:
    """The legend, one HTML-like table of rows: the coverage scale, what size means,
    what a box, a frame and a line say (and a box's open concerns, when any has some)."""

    def html(value: str) -> str:
        return str(text(value, into=TextIn.HTML))

    steps = [step[0] for step in COVERAGE_SCALE]
    swatches = []
    for i, (low, fill, font) in enumerate(COVERAGE_SCALE):
        if i == 0:
            span = f"under {percent(steps[1])}"
        elif i == len(steps) - 1:
            span = f"{percent(low)} or more"
        else:
            span = f"{round(low * 100)}–{round(steps[i + 1] * 100) - 1} %"
        swatches.append(
            _cell(f'<font color="{font}">{html(span)}</font>', bgcolor=fill, border="1")
        )
    swatches.append(
        _cell(f'<font color="{NO_ONE[1]}">nobody</font>', bgcolor=NO_ONE[0], border="1")
    )
    (lo_w, lo_h), (hi_w, hi_h) = (
        (round(float(w) * 72), round(float(h) * 72))
        for w, h in (box_size(least, least, most), box_size(most, least, most))
    )
    rows = [
        [
            _cell(
                "<b>Colour: share of stakeholders covered</b> (an officer contact within "
                "their cadence)",
                align="left",
            )
        ],
        swatches,
        [
            _cell(
                f"{least:,}",
                width=str(lo_w),
                height=str(lo_h),
                fixedsize="true",
                border="1",
                style="rounded",
            ),
            _cell(
                f"{most:,}",
                width=str(hi_w),
                height=str(hi_h),
                fixedsize="true",
                border="1",
                style="rounded",
            ),
            _cell(html("Size: stakeholders (the fewest and the most here)"), align="left"),
        ],
        [
            _cell(html("Area name") + "<br/>" + html("49 % of 120"), border="1", style="rounded"),
            _cell(html("its name; 49 % of its 120 stakeholders covered"), align="left"),
        ],
    ]
    if spread:
        rows.append(
            [
                _cell(html("areas 12–80 %"), border="1", style="rounded"),
                _cell(html("the least and the most covered of its areas"), align="left"),
            ]
        )
    if concerns:
        rows.append(
            [
                _cell(html("2 concerns and 1 tip open"), border="1", style="rounded"),
                _cell(html("concerns and anonymous tips not yet resolved"), align="left"),
            ]
        )
    if frames:
        rows.append(
            [
                _cell(html("District · 49 % of 900"), border="1", color=FRAME),
                _cell(html("a frame: a district around its areas"), align="left"),
            ]
        )
    if lines:
        rows.append(
            [
                _cell(
                    f'<font color="{LINE}">12</font>',
                    sides="b",
                    border="3",
                    color=LINE,
                    width="80",
                ),
                _cell(
                    html(f"a line: 12 officers hold active ties in both {between}"), align="left"
                ),
            ]
        )
    inner = '<table border="0" cellborder="0" cellspacing="4" cellpadding="3">'
    body = "".join(
        f'<tr><td align="left">{inner}<tr>{"".join(r)}</tr></table></td></tr>' for r in rows
    )
    return f'<<table border="0" cellborder="0" cellspacing="0" cellpadding="0">{body}</table>>'
