"""Structural measures on the relationship graph: betweenness, Burt's constraint and
communities.

Functions take a networkx graph first (as built by ``crm.graph.build``), options
keyword-only, return plain dicts or records, and never mutate the graph. Betweenness and
communities run in igraph (C): networkx takes minutes on a city-sized graph. igraph is
imported when a measure first needs it (its import takes 55–75 ms, which the graph's
other calls need not pay).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import networkx as nx

from rbp import _args
from rbp.graph._base import whole
from rbp.graph._measures import Community, check_attribute, check_network

if TYPE_CHECKING:
    import igraph as ig

__all__ = ["betweenness", "communities", "constraint"]


def betweenness(
    g: nx.Graph, *, samples: int | None = 256, seed: int = 0, weight: str | None = None
) -> dict[str, float]:
    """Normalised betweenness centrality, computed by igraph.

    With ``samples`` (default 256) the shortest paths from that many randomly chosen
    source nodes are counted and scaled by ``n / samples`` (the Brandes–Pich
    estimator, as networkx's ``k``): unbiased, with relative error shrinking as
    ``1 / sqrt(samples)``; top-ranked nodes are stable, small values are noisy.
    ``samples=None`` computes the exact value.

    Parameters
    ----------
    g
        Any undirected graph; not changed.
    samples
        How many source nodes to sample (at least 1); None, or as many as there are
        nodes, for the exact value.
    seed
        The seed of the sample.
    weight
        An edge attribute read as a strength: the distance of an edge is
        ``1 / strength``. None counts hops.

    Returns
    -------
    dict of str to float
        Every node's normalised betweenness, in ``g``'s node order.

    Raises
    ------
    ValidationError
        ``samples`` is not a whole number from 1.
    TypeError
        ``g`` is not a networkx graph, ``seed`` or ``samples`` not an int, or
        ``weight`` not a str.

    Examples
    --------
    >>> import networkx as nx
    >>> betweenness(nx.path_graph(["a", "b", "c"]), samples=None)
    {'a': 0.0, 'b': 1.0, 'c': 0.0}
    >>> betweenness({"a": "b"})
    Traceback (most recent call last):
    ...
    TypeError: g must be a networkx Graph, got dict
    """
    check_network(g)
    if samples is not None:
        samples = _args.positive(samples, "samples")
    seed = whole(seed, "seed")
    check_attribute(weight, "weight", optional=True)
    nodes = list(g.nodes)
    n = len(nodes)
    if n < 3:
        return dict.fromkeys(nodes, 0.0)
    h = _igraph(g, nodes)
    weights = None
    if weight is not None:
        weights = [1.0 / max(float(d.get(weight) or 0.0), 1e-9) for _, _, d in g.edges(data=True)]
    if samples is None or samples >= n:
        raw = h.betweenness(directed=False, weights=weights)
        scale = 1.0
    else:
        sources = random.Random(seed).sample(range(n), samples)
        raw = h.betweenness(directed=False, weights=weights, sources=sources, targets=None)
        scale = n / samples
    norm = 2.0 / ((n - 1) * (n - 2))
    return {v: float(raw[i]) * scale * norm for i, v in enumerate(nodes)}


def _igraph(g: nx.Graph, nodes: Sequence[Any]) -> ig.Graph:
    """The structure of ``g`` as an igraph graph: vertex ``i`` is ``nodes[i]``, edges in
    ``g.edges`` order.

    Hand-built rather than ``ig.Graph.from_networkx``, which copies every node and edge
    attribute (dates, tuples) and takes ten times as long on the benchmark city's graph
    (0.2 s against 0.02 s at 60,000 edges); the measures here need the structure only.
    """
    import igraph as ig

    index = {v: i for i, v in enumerate(nodes)}
    return ig.Graph(n=len(nodes), edges=[(index[a], index[b]) for a, b in g.edges])


def communities(
    g: nx.Graph, *, weight: str = "strength", seed: int = 0, min_size: int = 2
) -> tuple[Community, ...]:
    """Louvain communities (igraph's multilevel modularity), largest first.

    Deterministic for a given ``seed``.

    Parameters
    ----------
    g
        Any undirected graph; nodes may carry ``kind`` and ``sector`` (as
        :meth:`~rbp.graph.Graph.build` makes); not changed.
    weight
        The edge attribute that weighs an edge (missing or 0: a tiny weight).
    seed
        The seed of Louvain's random order.
    min_size
        Leave out communities of fewer nodes (at least 1).

    Returns
    -------
    tuple of Community
        Largest first, ties by first key.

    Raises
    ------
    ValidationError
        ``min_size`` is not a whole number from 1.
    TypeError
        ``g`` is not a networkx graph, ``seed`` or ``min_size`` not an int, or
        ``weight`` not a str.

    Examples
    --------
    >>> import networkx as nx
    >>> g = nx.Graph()
    >>> g.add_edges_from([("a", "b"), ("b", "c"), ("a", "c")], strength=1.0)
    >>> g.add_edges_from([("x", "y"), ("y", "z"), ("x", "z")], strength=1.0)
    >>> g.add_edge("c", "x", strength=0.1)
    >>> [c.members for c in communities(g)]
    [('a', 'b', 'c'), ('x', 'y', 'z')]
    """
    check_network(g)
    check_attribute(weight, "weight", optional=False)
    seed = whole(seed, "seed")
    min_size = _args.positive(min_size, "min_size")
    nodes = list(g.nodes)
    if not nodes:
        return ()
    import igraph as ig

    h = _igraph(g, nodes)
    weights = [max(float(d.get(weight) or 0.0), 1e-6) for _, _, d in g.edges(data=True)]
    ig.set_random_number_generator(random.Random(seed))
    try:
        parts = h.community_multilevel(weights=weights if g.number_of_edges() else None)
    finally:
        ig.set_random_number_generator(random)
    out = []
    for members in parts:
        keys = tuple(sorted(nodes[i] for i in members))
        if len(keys) < min_size:
            continue
        sectors: dict[str, int] = {}
        officers = 0
        for k in keys:
            data = g.nodes[k]
            if data.get("kind") == "officer":
                officers += 1
            elif data.get("sector"):
                sectors[data["sector"]] = sectors.get(data["sector"], 0) + 1
        out.append(
            Community(
                members=keys,
                officers=officers,
                sectors=dict(sorted(sectors.items(), key=lambda kv: -kv[1])),
            )
        )
    out.sort(key=lambda c: (-len(c.members), c.members[0]))
    return tuple(out)


def constraint(
    g: nx.Graph, nodes: list[str], *, weight: str | None = "strength"
) -> dict[str, float]:
    """Burt's constraint of ``nodes``, as ``networkx.constraint`` defines it, computed with
    each node's weight total found once (networkx recomputes it per neighbour pair,
    which takes minutes around a busy officer). Isolated nodes are skipped.

    Parameters
    ----------
    g
        Any undirected graph; not changed.
    nodes
        The nodes to measure.
    weight
        The edge attribute that weighs an edge (missing: 1); None weighs every edge 1.

    Returns
    -------
    dict of str to float
        The constraint of each node of ``nodes`` that has a neighbour.

    Examples
    --------
    >>> import networkx as nx
    >>> g = nx.Graph([("a", "b"), ("a", "c"), ("b", "c"), ("c", "d")])
    >>> ours = constraint(g, ["a", "c"], weight=None)
    >>> theirs = nx.constraint(g, nodes=["a", "c"])
    >>> all(abs(ours[k] - theirs[k]) < 1e-12 for k in ours)
    True
    """

    def w(u: Any, v: Any) -> float:
        if weight is None:
            return 1.0
        return float(g.edges[u, v].get(weight, 1.0) or 0.0)

    totals: dict[Any, float] = {}

    def total(u: Any) -> float:
        if u not in totals:
            totals[u] = sum(w(u, x) for x in g[u])
        return totals[u]

    def p(u: Any, v: Any) -> float:
        t = total(u)
        return 0.0 if t == 0 else w(u, v) / t

    out: dict[str, float] = {}
    for i in nodes:
        if g.degree(i) == 0:
            continue
        neighbours = set(g[i])
        value = 0.0
        for j in neighbours:
            indirect = sum(p(i, q) * p(q, j) for q in neighbours & set(g[j]) if q != j)
            value += (p(i, j) + indirect) ** 2
        out[i] = value
    return out
