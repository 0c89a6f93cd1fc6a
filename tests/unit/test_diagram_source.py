"""DOT source of every diagram: nodes, edges, styles from the one style map, a legend,
escaping of awkward keys and labels, pseudonymised labels. No ``dot`` needed."""

from __future__ import annotations

import re

import pytest

import rbp
from rbp._time import AsOf, Window
from rbp.graph._build import build_graph
from rbp.graph.diagrams import STYLE, text
from tests.diagram_city import AMP, ANGLE, AREA, BACK, COLON, KEYS, Q, T, small_city


@pytest.fixture
def crm() -> rbp.Store:
    return small_city()


def _attrs(style: str) -> list[str]:
    """The DOT a_list fragments of one STYLE entry, as graphviz writes them."""
    out = []
    for k, v in STYLE[style].items():
        value = v if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*|[0-9.]+", v) else f'"{v}"'
        out.append(f"{k}={value}")
    return out


def _node_lines(src: str) -> list[str]:
    return [line for line in src.splitlines() if re.match(r"\s*n\d+ \[", line)]


def _edge_lines(src: str) -> list[str]:
    return [line for line in src.splitlines() if re.match(r"\s*n\d+ -- n\d+", line)]


def test_network_nodes_edges_styles_and_legend(crm: rbp.Store) -> None:
    src = crm.graph.diagram(as_of=T, level="people").source
    assert len(_node_lines(src)) == 9  # 3 officers, 6 stakeholders
    assert len(_edge_lines(src)) == 7  # 6 officer ties + the Q-ANGLE community tie
    cooling = [line for line in _edge_lines(src) if f'color="{STYLE["cooling"]["color"]}"' in line]
    assert len(cooling) == 1
    assert all(a in cooling[0] for a in _attrs("cooling"))
    officer_lines = [line for line in _node_lines(src) if 'tooltip="officer' in line]
    assert len(officer_lines) == 3
    assert all(a in line for line in officer_lines for a in _attrs("officer"))
    assert "subgraph cluster_legend" in src
    for kind in ("officer", "member", "agency", "uncovered"):
        assert f"legend_{kind} " in src


def test_keys_are_escaped_and_never_node_ids(crm: rbp.Store) -> None:
    # members are pseudonymised by default: show every key as the caller's label
    src = crm.graph.diagram(as_of=T, level="people", labels={k: k for k in KEYS}).source
    assert 'label="m \\"q\\""' in src
    assert 'label="m<b>"' in src  # quoted, so not an HTML label
    assert 'label="m\\\\N"' in src  # \N would print the node id
    assert 'label="org&amp;amp;1"' in src  # graphviz decodes entities in labels
    assert 'label="m:1"' in src
    ids = {line.split()[0] for line in _node_lines(src)}
    assert all(re.fullmatch(r"n\d+", i) for i in ids)
    # no edge endpoint carries a port (a ':' outside quotes)
    assert all(":" not in line.split("[")[0] for line in _edge_lines(src))


def test_labels_mapping_with_control_characters_is_flattened_and_escaped(
    crm: rbp.Store,
) -> None:
    labels = {Q: 'Pastor "J"\nline <2>\\l\r\tend', ANGLE: "<<b>bold</b>>"}
    src = crm.graph.diagram(as_of=T, labels=labels, level="people").source
    # flattened, then wrapped at about 24 characters with graphviz's line break
    assert 'label="Pastor \\"J\\" line <2>\\\\l\\nend"' in src
    assert 'label="<<b>bold</b>>"' in src  # a quoted string, not HTML
    assert "\r" not in src
    assert "\tend" not in src
    assert len(_node_lines(src)) == 9  # no label broke its line


def test_text_escapes_everything_that_matters() -> None:
    assert text('a "b"') == 'a "b"'  # graphviz's quoting escapes the quotes
    assert text("x\\y") == "x\\\\y"
    assert text("x\ny\r\nz") == "x y z"
    assert text("&lt;") == "&amp;lt;"


def test_pseudonymised_labels_hold_no_key(crm: rbp.Store) -> None:
    for d in (
        crm.graph.diagram(as_of=T, pseudonymise=True, level="people"),
        crm.graph.ego_diagram("P1", as_of=T, pseudonymise=True),
        crm.graph.keyperson_diagram(as_of=T, pseudonymise=True),
    ):
        labels = re.findall(r'(?:label|tooltip)=("(?:[^"\\]|\\.)*"|\S+)', d.source)
        assert labels
        for key in KEYS:
            escaped = key.replace("\\", "\\\\").replace('"', '\\"').replace("&", "&amp;")
            assert all(escaped not in lab for lab in labels), key
        assert re.search(r"S-00\d", d.source)


def test_pseudonyms_are_stable(crm: rbp.Store) -> None:
    a = crm.graph.diagram(as_of=T, pseudonymise=True, level="people").source
    b = crm.graph.diagram(as_of=T, pseudonymise=True, level="people").source
    assert a == b


def test_no_personal_data_by_default(crm: rbp.Store) -> None:
    for d in (
        crm.graph.diagram(as_of=T),
        crm.graph.ego_diagram("P1", as_of=T),
        crm.graph.keyperson_diagram(as_of=T),
        crm.graph.matrix_diagram(as_of=T),
    ):
        assert "SECRET" not in d.source
        assert "subgraph cluster_legend" in d.source


def test_area_map_keeps_its_area(crm: rbp.Store) -> None:
    src = crm.graph.diagram(as_of=T, area="b-2").source
    assert 'label="Youth #1"' in src  # m-far, by sector and number in its own area
    assert "m<b>" not in src
    assert "P1" not in src


def test_ego_map_greys_other_officers(crm: rbp.Store) -> None:
    src = crm.graph.ego_diagram("P1", as_of=T).source
    nodes = _node_lines(src)
    assert len(nodes) == 6  # P1, its 4 stakeholders, P2 (shares ANGLE)
    p2 = next(line for line in nodes if "label=P2" in line)
    assert all(a in p2 for a in _attrs("other_officer"))
    grey = [line for line in _edge_lines(src) if all(a in line for a in _attrs("other_tie"))]
    assert len(grey) == 1
    assert COLON not in src  # P2's own stakeholder
    with pytest.raises(rbp.UnknownKeyError):
        crm.graph.ego_diagram(Q, as_of=T)


def test_ego_map_counts_other_officers_past_the_limit(crm: rbp.Store) -> None:
    src = crm.graph.ego_diagram("P1", as_of=T, max_nodes=5).source
    assert "1 other officer counted, not drawn" in src
    assert "label=P2" not in src


def test_matrix_cells_escaped_coloured_and_gaps_marked(crm: rbp.Store) -> None:
    src = crm.graph.matrix_diagram(as_of=T).source
    assert "b&lt;&amp;&gt;&quot;1" in src
    assert AREA not in src
    assert STYLE["cell_gap"]["bgcolor"] in src
    assert "GAP 0/1" in src
    assert STYLE["cell_good"]["bgcolor"] in src
    assert "none known" in src  # expected sectors nobody holds
    assert "cluster_legend" in src
    assert src.count("<table") == 2  # the matrix and the legend


def test_keyperson_map_dashed_single_threaded(crm: rbp.Store) -> None:
    src = crm.graph.keyperson_diagram(as_of=T).source
    edges = _edge_lines(src)
    assert len(edges) == 3  # P1: Q, AMP; P2: COLON
    assert all(all(a in e for a in _attrs("single_threaded")) for e in edges)
    assert 'label="P1 (2)"' in src
    assert 'label="P2 (1)"' in src
    one = crm.graph.keyperson_diagram(as_of=T, top=1, per_officer=1).source
    assert "+1 more" in one
    assert "P2" not in one


def test_past_max_nodes_a_district_is_drawn_as_its_areas() -> None:
    crm = small_city(extra_members=20)
    src = crm.graph.diagram(as_of=T, area="d-1", max_nodes=10).source
    assert "stakeholders covered" in src
    assert "cluster_legend" in src
    # m-far (nobody's) and the 20 extra members (met by P3 9 days before T): 20 covered
    assert 'label="b-2\\n95 % of 21"' in src
    assert "m-000" not in src
    assert "P3" not in src


def test_build_with_keys_is_the_full_graph_around_them() -> None:
    crm = small_city(extra_members=3)
    with crm.engine.connect() as conn:
        kw = {"as_of": AsOf.of(T, "UTC"), "settings": crm.settings, "tz": "UTC", "window": Window()}
        full = build_graph(conn, **kw)
        for keys in ({ANGLE}, {Q, ANGLE, BACK}, {"P1"}, {COLON, AMP, "m-000"}):
            part = build_graph(conn, keys=keys, **kw)
            want = {n for k in keys for n in full[k]} | keys
            assert set(part) == want
            got = {frozenset(e): d for *e, d in part.edges(data=True)}
            exp = {
                frozenset((a, b)): d for a, b, d in full.edges(data=True) if a in keys or b in keys
            }
            assert got == exp
