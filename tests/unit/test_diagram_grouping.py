"""Grouped network maps: by sector when asked (one beat's map), by area otherwise."""

from __future__ import annotations

import networkx as nx

from rbp.graph.diagrams import network_diagram


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
    d = network_diagram(_graph(["b-1"] * 9 + ["b-2"]), title="Beat", max_nodes=5, group_by="sector")
    assert "grouped by sector" in d.source
    assert "resident: 5 stakeholders" in d.source
    assert "officers: 1" in d.source
    assert 'label="b-1:' not in d.source


def test_a_district_map_is_grouped_by_area() -> None:
    d = network_diagram(_graph(["b-1"] * 5 + ["b-2"] * 5), title="District", max_nodes=5)
    assert "grouped by area" in d.source
    assert 'label="b-1: 5 stakeholders, 0 uncovered"' in d.source
    assert 'label="b-2: 5 stakeholders, 0 uncovered"' in d.source


def test_the_service_groups_a_beat_by_sector_and_a_district_by_area() -> None:
    import pendulum

    import rbp
    from rbp.interactions import Interaction

    with rbp.open() as crm:
        crm.directory.add_many(
            [rbp.Area("d-1"), rbp.Area("b-1", parent="d-1"), rbp.Officer("P1", areas=("b-1",))]
            + [rbp.CommunityMember(f"m{i}", area="b-1", sector="resident") for i in range(6)]
        )
        at = pendulum.datetime(2026, 3, 1, tz="UTC")
        crm.interactions.log(
            Interaction(at=at, kind="meeting", participants=("P1", "m0"), areas=("b-1",))
        )
        beat = crm.graph.diagram(as_of=at, area="b-1", max_nodes=3).source
        district = crm.graph.diagram(as_of=at, area="d-1", max_nodes=3).source
    assert "grouped by sector" in beat
    assert "resident: 6 stakeholders, 5 uncovered" in beat
    assert "grouped by area" in district
