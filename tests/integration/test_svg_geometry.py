"""The readability checker (tests/svg_geometry.py) on drawings made by the real Graphviz:
it passes a tidy drawing and names each fault it is built to catch."""

from __future__ import annotations

import shutil

import graphviz
import pytest

from tests.svg_geometry import problems, read, svg_of

pytestmark = pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz's dot")


def _drawing(
    *,
    engine: str = "dot",
    font: str = "14",
    legend: bool = True,
    legend_rows: int = 2,
    clash: bool = False,
    wide: int = 3,
) -> graphviz.Graph:
    d = graphviz.Graph(engine=engine)
    d.attr(fontsize=font)
    d.node_attr.update(fontsize=font)
    for i in range(wide):
        pos = {"pos": "0,0!" if clash else f"{i * 2},0!"} if engine == "neato" else {}
        d.node(f"n{i}", label=f"node {i}", **pos)
    d.edge("n0", "n1")
    if legend:
        with d.subgraph(name="cluster_legend") as leg:
            leg.attr(label="Legend")
            for j in range(legend_rows):
                leg.node(f"legend_{j}", label=f"sample {j}")
    return d


def test_a_tidy_drawing_has_no_problems() -> None:
    svg = svg_of(_drawing(wide=8))
    assert problems(svg) == []
    d = read(svg)
    assert set(d.data_nodes()) == {f"n{i}" for i in range(8)}
    assert d.legend is not None
    assert all(not d.legend.overlaps(b) for b in d.data_nodes().values())


def test_missing_legend_is_named() -> None:
    assert problems(svg_of(_drawing(legend=False, wide=8))) == ["no cluster_legend"]
    assert problems(svg_of(_drawing(legend=False, wide=8)), legend=False) == []


def test_small_text_is_named() -> None:
    found = problems(svg_of(_drawing(font="8", wide=8)))
    assert any("under 10 pt" in p and "8.0" in p for p in found), found


def test_overlapping_nodes_are_named() -> None:
    found = problems(svg_of(_drawing(engine="neato", clash=True)))
    assert any("pairs of nodes overlap" in p for p in found), found
    assert problems(svg_of(_drawing(engine="neato", legend=False)), legend=False) == []


def test_a_legend_bigger_than_a_quarter_is_named() -> None:
    found = problems(svg_of(_drawing(legend_rows=12, wide=1)))
    assert any("legend covers" in p for p in found), found


def test_an_oversized_drawing_is_named() -> None:
    found = problems(svg_of(_drawing(wide=60)))
    assert any("over 2400" in p for p in found), found


def test_scale_counts_in_text_size() -> None:
    d = _drawing(wide=60)
    d.attr(size="10,10")  # shrinks the drawing to fit 10 in: the text shrinks with it
    found = problems(svg_of(d))
    assert read(svg_of(d)).scale < 1
    assert any("under 10 pt" in p for p in found), found
