"""Grouped network maps: a map of mostly one area groups by sector, a wider map by area."""

from __future__ import annotations

import networkx as nx

from rbp.graph._diagram import network_diagram


def _graph(homes: list[str]) -> nx.Graph:
    g = nx.Graph()
    g.add_node("P1", kind="officer", areas=("b-9",))
    sectors = ["faith", "resident", "resident", "youth"]
    for i, home in enumerate(homes):
        key = f"m{i}"
        g.add_node(key, kind="member", sector=sectors[i % len(sectors)], areas=(home,))
        g.add_edge("P1", key, kind="officer_tie", status="active", strength=1.0)
    return g


def test_a_beat_map_is_grouped_by_sector() -> None:
    d = network_diagram(_graph(["b-1"] * 9 + ["b-2"]), title="Beat", max_nodes=5)
    assert "grouped by sector" in d.source
    assert "resident: 5 stakeholders" in d.source
    assert "officers: 1" in d.source
    assert 'label="b-1:' not in d.source


def test_a_district_map_is_grouped_by_area() -> None:
    d = network_diagram(_graph(["b-1"] * 5 + ["b-2"] * 5), title="District", max_nodes=5)
    assert "grouped by area" in d.source
    assert 'label="b-1: 5 stakeholders, 0 uncovered"' in d.source
    assert 'label="b-2: 5 stakeholders, 0 uncovered"' in d.source
