"""The pure network functions of ``rbp.graph`` on hand-made and hypothesis-drawn graphs.

Each is checked against a brute-force computation written here (breadth-first search,
remove-a-node-and-recount-components) or against networkx's textbook implementation,
and none may change the graph it is given.
"""

from __future__ import annotations

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rbp.graph import betweenness, communities, cut_off_counts, reach
from rbp.graph._structure import constraint

KINDS = ("officer", "member", "agency")


@st.composite
def graphs(draw: st.DrawFn, *, max_nodes: int = 14, weights: bool = False) -> nx.Graph:
    """Small undirected graphs with a ``kind`` on every node (some without officers,
    some disconnected) and, with ``weights``, a ``strength`` on every edge."""
    n = draw(st.integers(0, max_nodes))
    g = nx.Graph()
    for i in range(n):
        g.add_node(f"n{i:02d}", kind=draw(st.sampled_from(KINDS)), sector="faith")
    nodes = list(g.nodes)
    if len(nodes) >= 2:
        pairs = st.lists(st.sampled_from(nodes), min_size=2, max_size=2, unique=True)
        for a, b in draw(st.lists(pairs, max_size=3 * n)):
            strength = draw(st.sampled_from([0.5, 1.0, 2.0, 4.0])) if weights else 1.0
            g.add_edge(a, b, strength=strength)
    return g


def _frozen(g: nx.Graph) -> tuple[object, ...]:
    return (
        sorted(g.nodes(data=True)),
        sorted((tuple(sorted((a, b))), sorted(d.items())) for a, b, d in g.edges(data=True)),
        dict(g.graph),
    )


# ----------------------------------------------------------------------------- reach


def _reach_brute(g: nx.Graph, k: int) -> tuple[int, int, tuple[str, ...]]:
    """Members within ``k`` hops of some officer, by a BFS from every officer in turn."""
    near: set[str] = set()
    for o, kind in g.nodes(data="kind"):
        if kind == "officer":
            near |= set(nx.single_source_shortest_path_length(g, o, cutoff=k))
    members = sorted(n for n, kind in g.nodes(data="kind") if kind == "member")
    unreached = tuple(m for m in members if m not in near)
    return len(members) - len(unreached), len(members), unreached


def test_reach_counts_members_within_k_hops() -> None:
    g = nx.Graph()
    g.add_node("P1", kind="officer")
    g.add_nodes_from(["m1", "m2", "m3", "m4"], kind="member")
    g.add_node("org", kind="agency")
    g.add_edges_from([("P1", "org"), ("org", "m1"), ("m1", "m2"), ("m3", "m4")])
    assert [(r.reached, r.total, r.unreached) for r in (reach(g, k=k) for k in range(4))] == [
        (0, 4, ("m1", "m2", "m3", "m4")),
        (0, 4, ("m1", "m2", "m3", "m4")),  # the agency is not a member
        (1, 4, ("m2", "m3", "m4")),
        (2, 4, ("m3", "m4")),
    ]
    assert reach(g, k=3).ratio == 0.5
    assert reach(nx.Graph(), k=2).ratio is None


@settings(max_examples=150, deadline=None)
@given(g=graphs(), k=st.integers(0, 5))
def test_reach_matches_a_breadth_first_search(g: nx.Graph, k: int) -> None:
    before = _frozen(g)
    got = reach(g, k=k)
    assert (got.reached, got.total, got.unreached) == _reach_brute(g, k)
    assert got.k == k
    assert _frozen(g) == before


# ----------------------------------------------------------------------------- cut-off


def _cut_off_brute(g: nx.Graph) -> dict[str, int]:
    """Remove each non-officer in turn and count the other non-officers that had a path to
    an officer and lost every one."""

    def attached(h: nx.Graph) -> set[str]:
        out: set[str] = set()
        for comp in nx.connected_components(h):
            if any(h.nodes[n]["kind"] == "officer" for n in comp):
                out |= {n for n in comp if h.nodes[n]["kind"] != "officer"}
        return out

    base = attached(g)
    out = {}
    for v, kind in g.nodes(data="kind"):
        if kind == "officer":
            continue
        h = g.copy()
        h.remove_node(v)
        lost = len(base - attached(h) - {v})
        if lost:
            out[v] = lost
    return out


def test_cut_off_counts_on_a_hand_made_graph() -> None:
    g = nx.Graph()
    g.add_nodes_from(["P1", "P2"], kind="officer")
    g.add_nodes_from(["a", "b", "c", "d", "e", "f"], kind="member")
    # P1 - a - b - c, b - d;  P2 - e - a (a second way to a);  f alone.
    g.add_edges_from([("P1", "a"), ("a", "b"), ("b", "c"), ("b", "d"), ("P2", "e"), ("e", "a")])
    assert cut_off_counts(g) == {"a": 3, "b": 2}
    g.add_edge("P2", "d")  # now d leads back to an officer: only b still cuts c off
    assert cut_off_counts(g) == {"b": 1} == _cut_off_brute(g)


@settings(max_examples=200, deadline=None)
@given(g=graphs())
def test_cut_off_counts_match_removing_each_node(g: nx.Graph) -> None:
    before = _frozen(g)
    got = cut_off_counts(g)
    assert got == _cut_off_brute(g)
    assert list(got) == sorted(got, key=lambda n: (-got[n], n))
    assert _frozen(g) == before


def test_cut_off_counts_on_a_long_chain_needs_no_recursion() -> None:
    g = nx.path_graph([f"m{i:05d}" for i in range(5_000)])
    nx.set_node_attributes(g, "member", "kind")
    g.add_node("P1", kind="officer")
    g.add_edge("P1", "m00000")
    got = cut_off_counts(g)
    assert got["m00000"] == 4_999
    assert got["m04998"] == 1
    assert "m04999" not in got


# ----------------------------------------------------------------------------- betweenness


@settings(max_examples=150, deadline=None)
@given(g=graphs())
def test_exact_betweenness_equals_networkx(g: nx.Graph) -> None:
    before = _frozen(g)
    got = betweenness(g, samples=None)
    want = nx.betweenness_centrality(g)
    assert set(got) == set(want)
    for n in want:
        assert got[n] == pytest.approx(want[n], abs=1e-12), n
    assert betweenness(g, samples=len(g) + 5) == got  # more samples than nodes: exact
    assert _frozen(g) == before


@settings(max_examples=100, deadline=None)
@given(g=graphs(weights=True))
def test_weighted_betweenness_uses_inverse_strength_as_distance(g: nx.Graph) -> None:
    h = g.copy()
    for _, _, d in h.edges(data=True):
        d["distance"] = 1.0 / d["strength"]
    want = nx.betweenness_centrality(h, weight="distance")
    got = betweenness(g, samples=None, weight="strength")
    for n in want:
        assert got[n] == pytest.approx(want[n], abs=1e-12), n


def test_sampled_betweenness_estimates_the_exact_value() -> None:
    g = nx.relabel_nodes(nx.barabasi_albert_graph(400, 2, seed=3), lambda i: f"n{i:03d}")
    exact = nx.betweenness_centrality(g)
    sampled = betweenness(g, samples=128, seed=1)
    assert sampled == betweenness(g, samples=128, seed=1)  # deterministic for a seed
    assert sum(sampled.values()) == pytest.approx(sum(exact.values()), rel=0.1)
    top = sorted(exact, key=lambda n: -exact[n])[:10]
    for n in top:  # the well-connected nodes are estimated well
        assert sampled[n] == pytest.approx(exact[n], rel=0.3), n
    assert set(sorted(sampled, key=lambda n: -sampled[n])[:5]) <= set(top)


# ----------------------------------------------------------------------------- constraint


@settings(max_examples=100, deadline=None)
@given(g=graphs(weights=True), weighted=st.booleans())
def test_constraint_equals_networkx(g: nx.Graph, weighted: bool) -> None:
    weight = "strength" if weighted else None
    nodes = sorted(g.nodes)
    got = constraint(g, nodes, weight=weight)
    wanted = [n for n in nodes if g.degree(n) > 0]
    assert set(got) == set(wanted)
    want = nx.constraint(g, nodes=wanted, weight=weight) if wanted else {}
    for n in wanted:
        assert got[n] == pytest.approx(want[n], rel=1e-9, abs=1e-12), n


# ----------------------------------------------------------------------------- communities


def test_communities_find_two_cliques_joined_by_one_edge() -> None:
    g = nx.Graph()
    left = [f"a{i}" for i in range(5)]
    right = [f"b{i}" for i in range(4)]
    g.add_nodes_from(left[:1] + right[:1], kind="officer")
    g.add_nodes_from(left[1:], kind="member", sector="faith")
    g.add_nodes_from(right[1:], kind="agency", sector="housing")
    g.add_edges_from((u, v) for grp in (left, right) for u in grp for v in grp if u < v)
    g.add_edge("a4", "b3")
    g.add_node("loner", kind="member", sector="youth")
    nx.set_edge_attributes(g, 1.0, "strength")
    found = communities(g, seed=0)
    assert [c.members for c in found] == [tuple(left), tuple(right)]
    assert [(c.officers, c.sectors) for c in found] == [(1, {"faith": 4}), (1, {"housing": 3})]


@settings(max_examples=100, deadline=None)
@given(g=graphs(weights=True), seed=st.integers(0, 3), min_size=st.integers(1, 3))
def test_communities_are_a_partition(g: nx.Graph, seed: int, min_size: int) -> None:
    before = _frozen(g)
    found = communities(g, seed=seed, min_size=min_size)
    assert found == communities(g, seed=seed, min_size=min_size)
    seen = [n for c in found for n in c.members]
    assert len(seen) == len(set(seen))
    assert set(seen) <= set(g.nodes)
    sizes = [len(c.members) for c in found]
    assert sizes == sorted(sizes, reverse=True)
    assert all(s >= min_size for s in sizes)
    if min_size == 1:
        assert set(seen) == set(g.nodes)
    for c in found:
        assert list(c.members) == sorted(c.members)
        assert c.officers == sum(g.nodes[n]["kind"] == "officer" for n in c.members)
        assert sum(c.sectors.values()) == len(c.members) - c.officers
    assert _frozen(g) == before
