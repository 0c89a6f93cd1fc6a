"""How a diagram is laid out: pinned with its legend beside or below when Graphviz can
run, and still drawn (unpinned, legend a plain cluster) when it cannot."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from rbp.graph.diagrams._layout import Sketch


def _sketch() -> Sketch:
    sk = Sketch("A star and two alone", engine="neato", alone="2 with no tie")
    sk.node("n0", "officer", label="P1")
    for i in range(1, 6):
        sk.node(f"n{i}", "member", label=f"Faith #{i}")
        sk.edge("n0", f"n{i}", "active" if i % 2 else "cooling")
    sk.node("n6", "agency", label="Creek Shelter")
    sk.node("n7", "member", "uncovered", label="Youth #1")
    return sk


def _pins(src: str) -> dict[str, tuple[float, float]]:
    found = re.findall(r'^\s*(\w+) \[.*?pos="([-\d.]+),([-\d.]+)!"', src, flags=re.M)
    return {name: (float(x), float(y)) for name, x, y in found}


def test_without_graphviz_the_diagram_comes_back_unpinned(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no Graphviz binary on the path
    d = _sketch().finish()
    assert d.engine == "neato"
    assert "pos=" not in d.source
    assert "subgraph cluster_legend" in d.source
    for kind in ("officer", "member", "agency", "uncovered", "active", "cooling"):
        assert f"legend_{kind}" in d.source


@pytest.mark.skipif(shutil.which("neato") is None, reason="Graphviz is not installed")
def test_every_node_pinned_and_the_legend_clear_of_the_data() -> None:
    d = _sketch().finish()
    pins = _pins(d.source)
    data = {k: v for k, v in pins.items() if not k.startswith("legend")}
    legend = {k: v for k, v in pins.items() if k.startswith("legend")}
    assert set(data) == {f"n{i}" for i in range(8)} | {"alone"}
    # only the kinds drawn are explained: no "dormant" sample, one per kind used
    kinds = ("officer", "member", "agency", "uncovered", "active", "cooling")
    assert {k for k in legend if k.endswith("_text")} == {f"legend_{k}_text" for k in kinds}
    right = max(x for x, _ in data.values())
    low = min(y for _, y in data.values())
    beside = all(x > right for x, _ in legend.values())
    below = all(y < low for _, y in legend.values())
    assert beside or below
    # a line sample is 0.9 inch (65 pt) long
    a, b = legend["legend_cooling_a"], legend["legend_cooling_b"]
    assert b[0] - a[0] == pytest.approx(0.9)
    assert a[1] == b[1]
    # the two nodes without a tie sit in a row below the star
    star_low = min(data[f"n{i}"][1] for i in range(6))
    assert data["n6"][1] < star_low
    assert data["n7"][1] < star_low
