"""Is a rendered diagram readable? Geometry read off the SVG that the real Graphviz wrote.

:func:`problems` lists what a reader would trip over, as sentences, so a failing test
says what is wrong: no legend cluster, a legend over a quarter of the drawing, a data
node overlapping the legend or another node, a drawing over 2400 x 2400 pt, text under
10 pt. Legend nodes are the nodes whose DOT name starts with ``legend`` (the convention
of every rbp diagram); every other node is a data node. Sizes are in points as drawn,
after the graph's own ``scale(...)`` transform.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

import graphviz

SVG = "{http://www.w3.org/2000/svg}"
MAX_SIDE = 2400.0
MIN_TEXT = 10.0
MAX_LEGEND_SHARE = 0.25
SLACK = 1.0  # points two boxes may share before they count as overlapping

_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e-?\d+)?")


@dataclass(frozen=True)
class Box:
    """An axis-aligned box in graph coordinates."""

    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def area(self) -> float:
        return max(0.0, self.x1 - self.x0) * max(0.0, self.y1 - self.y0)

    def overlaps(self, other: Box, slack: float = SLACK) -> bool:
        dx = min(self.x1, other.x1) - max(self.x0, other.x0)
        dy = min(self.y1, other.y1) - max(self.y0, other.y0)
        return dx > slack and dy > slack


@dataclass(frozen=True)
class Drawing:
    """What :func:`read` found in an SVG."""

    width: float
    height: float
    scale: float
    nodes: dict[str, Box]
    legend: Box | None
    font_sizes: list[float]

    def data_nodes(self) -> dict[str, Box]:
        return {k: b for k, b in self.nodes.items() if not k.startswith("legend")}


def _points(values: str) -> list[tuple[float, float]]:
    nums = [float(n) for n in _NUMBER.findall(values)]
    return list(zip(nums[0::2], nums[1::2], strict=False))


def _box(g: ET.Element) -> Box | None:
    xs: list[float] = []
    ys: list[float] = []
    for el in g.iter():
        tag = el.tag.removeprefix(SVG)
        if tag in ("polygon", "polyline"):
            for x, y in _points(el.get("points", "")):
                xs.append(x)
                ys.append(y)
        elif tag == "ellipse":
            cx, cy = float(el.get("cx", 0)), float(el.get("cy", 0))
            rx, ry = float(el.get("rx", 0)), float(el.get("ry", 0))
            xs += [cx - rx, cx + rx]
            ys += [cy - ry, cy + ry]
        elif tag == "path":
            for x, y in _points(el.get("d", "")):
                xs.append(x)
                ys.append(y)
    if not xs:
        return None
    return Box(min(xs), min(ys), max(xs), max(ys))


def _pt(value: str | None) -> float:
    found = _NUMBER.search(value or "")
    return float(found.group()) if found else 0.0


def read(svg: str) -> Drawing:
    """The drawing's size, scale, node boxes, legend box and font sizes."""
    root = ET.fromstring(svg)
    graph = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "graph")
    found = re.search(r"scale\(([\d.]+)", graph.get("transform", ""))
    scale = float(found.group(1)) if found else 1.0
    nodes: dict[str, Box] = {}
    legend: Box | None = None
    for g in graph.iter(f"{SVG}g"):
        title = g.find(f"{SVG}title")
        name = "" if title is None or title.text is None else title.text
        if g.get("class") == "node":
            box = _box(g)
            if box is not None:
                nodes[name] = box
        elif g.get("class") == "cluster" and name == "cluster_legend":
            legend = _box(g)
    sizes = [_pt(t.get("font-size")) * scale for t in root.iter(f"{SVG}text")]
    return Drawing(
        width=_pt(root.get("width")),
        height=_pt(root.get("height")),
        scale=scale,
        nodes=nodes,
        legend=legend,
        font_sizes=sizes,
    )


def problems(svg: str, *, legend: bool = True) -> list[str]:
    """What makes the drawing hard to read, one sentence each; empty when it is fine.

    ``legend=False`` skips the legend checks (for a drawing that has none by design).
    """
    d = read(svg)
    out: list[str] = []
    if d.width > MAX_SIDE or d.height > MAX_SIDE:
        out.append(f"the drawing is {d.width:.0f} x {d.height:.0f} pt, over {MAX_SIDE:.0f}")
    small = sorted({s for s in d.font_sizes if s < MIN_TEXT - 0.05})
    if small:
        out.append(f"text at {', '.join(f'{s:.1f}' for s in small)} pt, under {MIN_TEXT:.0f} pt")
    data = d.data_nodes()
    if legend:
        if d.legend is None:
            out.append("no cluster_legend")
        else:
            drawing = (d.width / d.scale) * (d.height / d.scale)
            share = d.legend.area / drawing if drawing else 1.0
            if share > MAX_LEGEND_SHARE:
                out.append(f"the legend covers {share:.0%} of the drawing")
            over = sorted(k for k, b in data.items() if b.overlaps(d.legend))
            if over:
                out.append(f"{len(over)} data nodes overlap the legend: {over[:5]}")
    boxes = sorted(data.items(), key=lambda kv: kv[1].x0)
    clashes: list[tuple[str, str]] = []
    for i, (a, box_a) in enumerate(boxes):  # sweep along x: compare only neighbours in x
        for b, box_b in boxes[i + 1 :]:
            if box_b.x0 >= box_a.x1 - SLACK:
                break
            if box_a.overlaps(box_b):
                clashes.append((a, b))
    if clashes:
        out.append(f"{len(clashes)} pairs of nodes overlap: {clashes[:5]}")
    return out


def svg_of(d: graphviz.Graph | graphviz.Digraph) -> str:
    """The diagram rendered to SVG by the real Graphviz, with its own engine."""
    return d.pipe(format="svg", encoding="utf-8")
