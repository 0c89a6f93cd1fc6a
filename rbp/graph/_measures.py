"""Network measures on the relationship graph: reach and cut-off brokers (the
structural measures, betweenness, constraint and communities, are in ``_structure``).

Functions take a networkx graph first (as built by ``crm.graph.build``), options
keyword-only, return plain dicts or records, and never mutate the graph.
"""

from __future__ import annotations

import itertools
from typing import Any

import attrs
import networkx as nx

from rbp.errors import ValidationError
from rbp.graph._base import whole
from rbp.graph._build import officers_of

__all__ = [
    "Broker",
    "Community",
    "ReachReport",
    "check_attribute",
    "check_network",
    "cut_off_counts",
    "reach",
]


@attrs.frozen(kw_only=True)
class ReachReport:
    """Share of community members within ``k`` hops of an officer.

    Made by :func:`reach` and :meth:`~rbp.graph.Graph.reach`: ``reached`` of ``total``
    community members, and the keys of the ``unreached``, sorted.

    Examples
    --------
    >>> r = crm.graph.reach(as_of=T, k=1)
    >>> r.k, r.reached, r.total, round(r.ratio, 3)
    (1, 109, 149, 0.732)
    """

    k: int
    reached: int
    total: int
    unreached: tuple[str, ...]

    @property
    def ratio(self) -> float | None:
        """reached / total, or None when there are no community members."""
        return None if self.total == 0 else self.reached / self.total


@attrs.frozen(kw_only=True)
class Broker:
    """A stakeholder that holds others' only paths to the department.

    Made by :meth:`~rbp.graph.Graph.brokers`: ``cut_off`` stakeholders lose every
    path to an officer without it; ``betweenness`` is normalised (estimated from
    sampled sources); ``constraint`` is Burt's (lower means more brokerage; None
    for an isolated node).

    Examples
    --------
    >>> b = crm.graph.brokers(as_of=T, top=1)[0]
    >>> b.key, b.kind, b.cut_off, round(b.constraint, 3)
    ('org-0005', 'agency', 1, 0.198)
    """

    key: str
    kind: str
    cut_off: int  # stakeholders with no path to any officer without this one
    betweenness: float  # normalised, estimated from sampled sources (see brokers())
    constraint: float | None  # Burt's constraint (lower = more brokerage)


@attrs.frozen(kw_only=True)
class Community:
    """A cluster of densely tied stakeholders (Louvain modularity).

    Made by :func:`communities` and :meth:`~rbp.graph.Graph.communities`: the
    ``members`` (keys, sorted, officers included), how many are ``officers``, and
    the non-officers counted by sector, most first.

    Examples
    --------
    >>> c = crm.graph.communities(as_of=T)[0]
    >>> len(c.members), c.officers, list(c.sectors)[:2]
    (35, 3, ['resident', 'education'])
    """

    members: tuple[str, ...]
    officers: int
    sectors: dict[str, int]


def reach(g: nx.Graph, *, k: int = 2) -> ReachReport:
    """How many community members are within ``k`` hops of any officer.

    Parameters
    ----------
    g
        A graph whose nodes have a ``kind`` ("officer", "member", "agency"), as
        :meth:`~rbp.graph.Graph.build` makes; not changed.
    k
        The most hops (0 or more); agencies count as hops, not as reached.

    Returns
    -------
    ReachReport
        ``reached`` and ``total`` members, and the ``unreached`` keys, sorted.

    Raises
    ------
    ValidationError
        ``k`` is negative.
    TypeError
        ``g`` is not a networkx graph, or ``k`` is not an int.

    Examples
    --------
    >>> import networkx as nx
    >>> g = nx.Graph()
    >>> g.add_nodes_from(["P1"], kind="officer")
    >>> g.add_nodes_from(["m1", "m2", "m3"], kind="member")
    >>> g.add_edges_from([("P1", "m1"), ("m1", "m2")])
    >>> r = reach(g, k=1)
    >>> r.reached, r.total, r.unreached
    (1, 3, ('m2', 'm3'))
    >>> reach(g, k=-1)
    Traceback (most recent call last):
    ...
    rbp.errors.ValidationError: k must be a whole number from 0, got -1
    """
    check_network(g)
    k = whole(k, "k")
    if k < 0:
        raise ValidationError(f"k must be a whole number from 0, got {k}", field="k")
    seen: set[str] = set()
    officers = officers_of(g)
    if officers:
        # networkx's breadth-first layers from every officer at once, the first k + 1.
        for layer in itertools.islice(nx.bfs_layers(g, officers), k + 1):
            seen.update(layer)
    members = sorted(n for n, kind in g.nodes(data="kind") if kind == "member")
    unreached = tuple(m for m in members if m not in seen)
    return ReachReport(
        k=k, reached=len(members) - len(unreached), total=len(members), unreached=unreached
    )


def cut_off_counts(g: nx.Graph) -> dict[str, int]:
    """For each non-officer node, how many other non-officers lose every path to an officer
    if it is removed (0 for most nodes).

    One depth-first search from a virtual source joined to every officer: a node
    ``v`` separates the subtree of a DFS child ``c`` from the source exactly when
    ``low(c) >= disc(v)``. Linear in the size of the graph.

    Parameters
    ----------
    g
        A graph whose officer nodes have ``kind="officer"``; not changed.

    Returns
    -------
    dict of str to int
        The nodes that cut anybody off, most first (ties by key); nodes that cut
        nobody off are left out.

    Raises
    ------
    TypeError
        ``g`` is not a networkx graph.

    Examples
    --------
    >>> import networkx as nx
    >>> g = nx.Graph()
    >>> g.add_node("P1", kind="officer")
    >>> g.add_nodes_from(["m1", "m2", "m3"], kind="member")
    >>> g.add_edges_from([("P1", "m1"), ("m1", "m2"), ("m2", "m3")])
    >>> cut_off_counts(g)
    {'m1': 2, 'm2': 1}
    """
    check_network(g)
    source = object()
    officers = set(officers_of(g))

    def neighbours(node: Any) -> Any:
        if node is source:
            return iter(officers)
        if node in officers:  # every officer is joined to the source
            return itertools.chain(g[node], (source,))
        return iter(g[node])

    disc: dict[Any, int] = {source: 0}
    low: dict[Any, int] = {source: 0}
    size: dict[Any, int] = {}  # non-officer nodes in the DFS subtree, the node included
    cut: dict[str, int] = {}
    stack: list[tuple[Any, Any, Any]] = [(source, None, neighbours(source))]
    counter = 1
    while stack:
        node, parent, it = stack[-1]
        advanced = False
        for nb in it:
            if nb is parent or (parent is not source and nb == parent):
                continue
            if nb in disc:
                low[node] = min(low[node], disc[nb])
                continue
            disc[nb] = low[nb] = counter
            counter += 1
            stack.append((nb, node, neighbours(nb)))
            advanced = True
            break
        if advanced:
            continue
        stack.pop()
        size[node] = size.get(node, 0) + (0 if node is source or node in officers else 1)
        if parent is None:
            continue
        low[parent] = min(low[parent], low[node])
        size[parent] = size.get(parent, 0) + size[node]
        if parent is not source and parent not in officers and low[node] >= disc[parent]:
            cut[parent] = cut.get(parent, 0) + size[node]
    return dict(sorted(cut.items(), key=lambda kv: (-kv[1], kv[0])))


def check_network(g: object) -> None:
    """The graph argument of a measure: a networkx graph."""
    if not isinstance(g, nx.Graph):
        raise TypeError(f"g must be a networkx Graph, got {type(g).__name__}")


def check_attribute(value: object, field: str, *, optional: bool) -> None:
    """An edge attribute name (or None, when ``optional``)."""
    if value is None and optional:
        return
    if not isinstance(value, str):
        kind = "a str or None" if optional else "a str"
        raise TypeError(f"{field} must be {kind} (an edge attribute), got {type(value).__name__}")


# Their public path is set by the package; doctest still reads their examples here.
__test__ = {"Broker": Broker, "Community": Community, "ReachReport": ReachReport}
