"""The area map: a department, or an area too big to draw person by person, drawn as
its areas.

Districts are frames (clusters) around their beats. Each area is a box filled by its
coverage ratio on the one coverage scale (:data:`rbp._render._words.COVERAGE_SCALE`),
sized by its stakeholders, and labelled with its name and ratio ("Beat 111",
"49 % of 120"). A line joins two districts (or two areas, on a map without frames)
whose stakeholders share officers, with the number of officers on it. The legend
(:mod:`rbp.graph.diagrams._area_legend`), a cluster of its own beside or below the
map, explains colours, sizes, frames and lines; what the map leaves out is said under
its title.

Drawing is pure: :func:`area_diagram` takes plain records (:class:`MapArea`) and
counts, which ``crm.graph.diagram`` reads from the store. Area keys are never drawn
(a key shows only for an area without a name); DOT ids are opaque.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Mapping, Sequence

import attrs
import graphviz

from rbp._render._words import count, coverage_colours, percent
from rbp.graph.diagrams._area_legend import (
    FONT,
    FONT_NAME,
    FRAME,
    LARGE,
    LINE,
    box_size,
    legend_table,
)
from rbp.graph.diagrams._style import Nodes, TextIn, text

__all__ = [
    "LINES_MAX_BOXES",
    "LINES_MAXFRAMES",
    "LINES_MAX_LOOSE",
    "MapArea",
    "area_diagram",
    "packed",
]

_GAP = 0.3  # inches between boxes in a frame
LINES_MAXFRAMES = 6
"""The most frames a map draws lines between (see :func:`packed`)."""
LINES_MAX_BOXES = 60
"""The most boxes in frames a map draws lines beside (see :func:`packed`)."""
LINES_MAX_LOOSE = 30
"""The most boxes without frames a map draws lines between (see :func:`packed`)."""


@attrs.frozen(kw_only=True)
class MapArea:
    """An area (or a group of stakeholders) as an area map draws it.

    Parameters
    ----------
    key
        Identifies it in ``within`` and in the shared-officer counts; never drawn.
    name
        What the map shows for it (the area's name).
    covered
        Stakeholders covered.
    total
        Stakeholders.
    within
        The key of the frame (district) it is drawn in; None for none.
    note
        One more line of label (a district's spread of beat ratios, say).
    concerns
        A last line of label: its open concerns and tips, counts only ("2 concerns
        open"); "" for none.
    """

    key: str
    name: str
    covered: int
    total: int
    within: str | None = None
    note: str = ""
    concerns: str = ""

    @property
    def ratio(self) -> float | None:
        """Covered / total; None when nobody is there."""
        return self.covered / self.total if self.total else None


def _label(*lines: str) -> str:
    """A plain label of several centred lines, each escaped."""
    return str(graphviz.nohtml("\\n".join(str(text(line)) for line in lines if line)))


def _ratio_line(area: MapArea) -> str:
    if not area.total:
        return "no stakeholders"
    return f"{percent(area.ratio)} of {area.total:,}"


def _box(area: MapArea, size: tuple[str, str]) -> dict[str, str]:
    """The DOT attributes of an area's box: label, coverage colours and size."""
    fill, font = coverage_colours(area.ratio)
    w, h = size
    return {
        "label": _label(area.name or area.key, _ratio_line(area), area.note, area.concerns),
        "tooltip": text(
            f"{area.name or area.key}: {area.covered:,} of "
            f"{count(area.total, 'stakeholder')} covered",
            into=TextIn.TOOLTIP,
        ),
        "shape": "box",
        "style": "filled,rounded",
        "fillcolor": fill,
        "fontcolor": font,
        "color": "#444444",
        "width": w,
        "height": h,
        "margin": "0.08,0.04",
    }


def _grid(boxes: Sequence[MapArea], sizes: Mapping[str, tuple[str, str]]) -> dict[str, str]:
    """Pinned positions (inches) of a frame's boxes: rows in their order, as square
    as the boxes allow, each cell as big as the frame's biggest box."""
    if not boxes:
        return {}
    w = max(float(sizes[b.key][0]) for b in boxes) + _GAP
    h = max(float(sizes[b.key][1]) for b in boxes) + _GAP
    cols = max(1, round(math.sqrt(len(boxes) * h / w * 1.6)))
    return {b.key: f"{(i % cols) * w:.2f},{-(i // cols) * h:.2f}!" for i, b in enumerate(boxes)}


def area_diagram(
    areas: Sequence[MapArea],
    *,
    title: str,
    frames: Sequence[MapArea] = (),
    shared: Mapping[tuple[str, str], int] | None = None,
    between: str = "districts",
    notes: Sequence[str] = (),
) -> graphviz.Graph:
    """An area map: each area a box coloured by coverage and sized by stakeholders,
    districts as frames, lines for officers shared, a legend beside it.

    Parameters
    ----------
    areas
        The boxes, in drawing order; an area whose ``within`` names a frame is drawn
        inside it, on a grid in this order.
    title
        The map's title.
    frames
        The frames (districts), with their own counts for the frame's label.
    shared
        Officers shared by two keys (of frames, or of areas on a map without
        frames): a line with the number on it. Keys not on the map are skipped.
    between
        What the lines join, plural ("districts"), for the legend.
    notes
        Sentences under the title: what the map grouped or left out.

    Returns
    -------
    graphviz.Graph
        The map, laid out by ``fdp`` (which draws frames and lines between them),
        or, for many frames (:func:`packed`), by ``osage``, which packs the frames
        in rows in their order and draws no lines.

    Examples
    --------
    >>> d = area_diagram(
    ...     [MapArea(key="b-1", name="Beat 1", covered=49, total=100, within="d-1"),
    ...      MapArea(key="b-2", name="", covered=0, total=0, within="d-1")],
    ...     frames=[MapArea(key="d-1", name="District <1>", covered=49, total=100)],
    ...     title="Department")
    >>> "Beat 1\\\\n49 % of 100" in d.source, "b-2\\\\nno stakeholders" in d.source
    (True, True)
    >>> "cluster_legend" in d.source and "District &lt;1&gt;" not in d.source
    True
    """
    ids = Nodes()
    tight = packed(len(frames), len(areas))
    d = graphviz.Graph(name="rbp", engine="osage" if tight else "fdp")
    head = f"<b>{text(title, into=TextIn.HTML)}</b>"
    below = "".join(f"<br/>{text(n, into=TextIn.HTML)}" for n in notes)
    if below:
        head += f'<font point-size="{FONT + 1}">{below}</font>'
    d.attr(
        label=f"<{head}>",
        labelloc="t",
        fontsize=str(FONT + 8),
        fontname=FONT_NAME,
        outputorder="edgesfirst",
    )
    if tight:  # the map (frames or boxes packed in rows, in order), the legend below it
        d.attr(pack="24", packmode="array_u1")
    else:  # fdp routes no splines to a frame: lines between frames are straight
        d.attr(overlap="false", splines="line" if frames else "true", sep="+16", esep="+8")
    d.node_attr.update(fontname=FONT_NAME, fontsize=str(FONT))
    d.edge_attr.update(fontname=FONT_NAME, fontsize=str(FONT))
    totals = [a.total for a in areas if a.total] or [1]
    least, most = min(totals), max(totals)
    sizes = {a.key: box_size(a.total, least, most) for a in areas}
    known = {f.key for f in frames}
    inside: dict[str | None, list[MapArea]] = {}
    for a in areas:
        inside.setdefault(a.within if a.within in known else None, []).append(a)
    order = iter(range(1, len(areas) + len(frames) + 3))
    with d.subgraph(name="cluster_map") if tight else contextlib.nullcontext(d) as body:
        if tight:
            body.attr(
                label="",
                style="invis",
                margin="0",
                packmode=f"array_u{_columns(frames, areas)}",
                sortv=str(next(order)),
            )
        for f in frames:
            boxes = inside.get(f.key, [])
            with body.subgraph(name=f"cluster_{ids(f.key)}") as c:
                c.attr(
                    label=_label(f"{f.name or f.key} · {_ratio_line(f)}"),
                    style="rounded",
                    color=FRAME,
                    penwidth="1.4",
                    fontsize=str(FONT + 2),
                    margin="14",
                )
                if tight:
                    c.attr(packmode=f"array_u{_inner(len(boxes))}", sortv=str(next(order)))
                pins = _grid(boxes, sizes)
                for a in boxes:
                    place = {"sortv": str(next(order))} if tight else {"pos": pins[a.key]}
                    c.node(ids(a.key), **place, **_box(a, sizes[a.key]))
        for a in inside.get(None, []):
            place = {"sortv": str(next(order))} if tight else {}
            body.node(ids(a.key), **place, **_box(a, sizes[a.key]))
    if frames:
        ends = {f.key: f"cluster_{ids(f.key)}" for f in frames}
    else:
        ends = {a.key: ids(a.key) for a in areas}
    lines = [
        (x, y, n)
        for (x, y), n in sorted((shared or {}).items())
        if x in ends and y in ends and x != y and n > 0 and not tight
    ]
    heaviest = max((n for *_, n in lines), default=1)
    for x, y, n in lines:
        d.edge(
            ends[x],
            ends[y],
            label=str(n),
            penwidth=f"{1.0 + 3.0 * n / heaviest:.2f}",
            color=LINE,
            fontcolor=LINE,
        )
    with d.subgraph(name="cluster_legend") as leg:
        leg.attr(label="Legend", fontsize=str(FONT + 2), style="rounded", color="#bbbbbb")
        if tight:
            leg.attr(sortv=str(next(order)))
        leg.node(
            "legend",
            label=legend_table(
                least,
                most,
                between=between,
                frames=bool(frames),
                lines=bool(lines),
                spread=any(a.note for a in areas),
                concerns=any(a.concerns for a in areas),
            ),
            shape="plain",
            fontsize=str(FONT - 1),
        )
    return d


def packed(frames: int, boxes: int) -> bool:
    """Whether a map of ``frames`` frames and ``boxes`` boxes packs its frames (or its
    boxes) in rows in their order (``osage``) and so draws no lines: past
    :data:`LINES_MAXFRAMES` frames or :data:`LINES_MAX_BOXES` boxes in frames, or
    :data:`LINES_MAX_LOOSE` boxes without frames, where a force layout spreads the
    map too far and scatters the boxes a reader looks up by name."""
    if frames:
        return frames > LINES_MAXFRAMES or boxes > LINES_MAX_BOXES
    return boxes > LINES_MAX_LOOSE


def _inner(n: int) -> int:
    """Columns of boxes in a frame of ``n`` boxes: about twice as many rows as columns
    in count, so the frame, of boxes twice as wide as tall, comes out near square."""
    return max(1, math.ceil(math.sqrt(n / 2)))


def _columns(frames: Sequence[MapArea], areas: Sequence[MapArea]) -> int:
    """Frames (or boxes) per row, so the packed map comes out about 4 wide to 3 high."""
    if not frames:
        return max(1, round(math.sqrt(len(areas) * (LARGE[1] + _GAP) / (LARGE[0] + _GAP))))
    counts = [sum(a.within == f.key for a in areas) for f in frames]
    wide = sum(_inner(n) * LARGE[0] for n in counts) / len(counts)
    high = sum(math.ceil(n / _inner(n)) * LARGE[1] + 0.5 for n in counts) / len(counts)
    return max(1, round(math.sqrt(len(frames) * high / wide * 4 / 3)))
