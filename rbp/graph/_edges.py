"""Writing a graph's interaction edges straight into its adjacency.

A city-sized graph has millions of edges; :meth:`networkx.Graph.add_edges_from` makes
a second attribute dict per edge (a fresh one, updated from the one given) and checks
both ends for every edge. Here each edge's one attribute dict goes into both ends'
adjacency, as ``add_edges_from`` would store it, and each end is the node's own key
object (so an edge holds no copy of a key). Both ends must be nodes of the graph
already: an officer-tie row with an end that is not (someone not in the picture at T)
is skipped, and so is a community row's (the summaries' rows are not filtered by
their SQL).

The attribute dicts of all the edges share one table of keys: each is the ``__dict__``
of a :class:`_Tie` whose attributes were set in the same order (CPython's key-sharing
dicts, PEP 412), so an edge's dict holds its seven values and not seven keys too (about
130 bytes an edge instead of 270; a city of two million edges saves about 300 MiB).
They are plain dicts all the same; one that gets another key, or loses one, simply
becomes a dict of its own.

Examples
--------
>>> import networkx as nx
>>> g = nx.Graph()
>>> g.add_nodes_from([("P1", {"priority": None}), ("m-1", {"priority": "key"})])
>>> day = 86_400_000_000
>>> officer_edges(g, [("P1", "m-1", 2, 0, day, 1.5), ("P1", "gone", 1, 0, 0, 1.0)],
...               at=3 * day, cadence={"key": 7 * day, None: 30 * day})
>>> g.edges["P1", "m-1"]["count"], g.edges["P1", "m-1"]["status"], g.number_of_edges()
(2, 'active', 1)
>>> g.edges["m-1", "P1"] is g.edges["P1", "m-1"]
True
>>> type(g.edges["P1", "m-1"]), list(g.edges["P1", "m-1"])
(<class 'dict'>, ['kind', 'count', 'first', 'last', 'strength', 'status', 'declared'])
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Mapping
from typing import Any

import networkx as nx

from rbp._queries.rules import STATUS_ORDER, status_limits

__all__ = ["community_edges", "officer_edges"]


_STATUS = tuple(s.value for s in STATUS_ORDER)


class _Tie:
    """The attributes of one edge, always set in the order of the annotations below;
    the instance is dropped and its ``__dict__`` kept as the edge's attribute dict."""

    kind: str
    count: int
    first: int
    last: int
    strength: float
    status: str | None
    declared: tuple[str, ...]


def officer_edges(
    g: nx.Graph,
    rows: Iterable[tuple[Any, ...]],
    *,
    at: int,
    cadence: Mapping[str | None, int],
) -> None:
    """Add ``"officer_tie"`` edges from (officer, stakeholder, count, first, last,
    strength, ...) rows (columns after the sixth are ignored); ``status`` from the
    stakeholder node's ``priority`` (its cadence in ``cadence``, micros). A row with an
    end that is not a node is skipped."""
    adj: dict[str, dict[str, Any]] = g._adj
    own = {key: key for key in adj}.get
    # Each node's status limits, looked up once per node rather than once per edge
    # (an officer's ``priority`` is None: the default cadence, never used).
    limits = {p: status_limits(c) for p, c in cadence.items()}
    limits_of = {k: limits[a.get("priority")] for k, a in g._node.items()}
    for row in rows:
        o, k = own(row[0]), own(row[1])
        if o is None or k is None:
            continue
        first, last = int(row[3]), int(row[4])
        tie = _Tie()
        tie.kind = "officer_tie"
        tie.count = int(row[2])
        tie.first = first
        tie.last = first if last == first else last
        tie.strength = float(row[5])
        tie.status = _STATUS[bisect_left(limits_of[k], at - last)]
        tie.declared = ()
        attrs = tie.__dict__
        adj[o][k] = attrs
        adj[k][o] = attrs


def community_edges(g: nx.Graph, rows: Iterable[tuple[Any, ...]]) -> None:
    """Add ``"community_tie"`` edges from (a, b, count, first, last, strength) rows; a
    row with an end that is not a node is skipped."""
    adj: dict[str, dict[str, Any]] = g._adj
    own = {key: key for key in adj}.get
    for a, b, n, first, last, strength in rows:
        a, b = own(a), own(b)
        if a is None or b is None:
            continue
        first, last = int(first), int(last)
        tie = _Tie()
        tie.kind = "community_tie"
        tie.count = int(n)
        tie.first = first
        tie.last = first if last == first else last
        tie.strength = float(strength)
        tie.status = None
        tie.declared = ()
        attrs = tie.__dict__
        adj[a][b] = attrs
        adj[b][a] = attrs
