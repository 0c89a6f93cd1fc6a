"""Writing a graph's edges straight into its adjacency.

A city-sized graph has millions of edges; :meth:`networkx.Graph.add_edges_from` makes
a second attribute dict per edge (a fresh one, updated from the one given) and checks
both ends for every edge. Here each edge's one attribute dict goes into both ends'
adjacency, as ``add_edges_from`` would store it, and each end is the node's own key
object (so an edge holds no copy of a key). Both ends must be nodes of the graph
already: an officer-tie row with an end that is not (someone not in the picture at T)
is skipped, and so is a community row's (the summaries' rows are not filtered by
their SQL).

The ends are found in one table, :func:`ends` (or made as the nodes are added:
:func:`add_nodes`): per node key, the node's own key object, its adjacency dict and its
status limits, so that an edge looks up each end once. The rows come grouped by their
first column (the reads are in key order), so the first end is looked up once per
group. Counts and times must be ints and strengths floats already (SQLite's driver
gives them so; :func:`plain` converts other drivers' values).

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
>>> day = 86_400_000_000
>>> table = add_nodes(g, [("P1", {"priority": None}), ("m-1", {"priority": "key"}),
...                       ("m-2", {"priority": None})],
...                   cadence={"key": 7 * day, None: 30 * day})
>>> officer_edges(table, [("P1", "m-1", 2, 0, day, 1.5), ("P1", "gone", 1, 0, 0, 1.0)],
...               at=3 * day)
>>> g.edges["P1", "m-1"]["count"], g.edges["P1", "m-1"]["status"], g.number_of_edges()
(2, 'active', 1)
>>> g.edges["m-1", "P1"] is g.edges["P1", "m-1"]
True
>>> type(g.edges["P1", "m-1"]), list(g.edges["P1", "m-1"])
(<class 'dict'>, ['kind', 'count', 'first', 'last', 'strength', 'status', 'declared'])
>>> community_edges(table, [("m-1", "m-2", 1, day, day, 0.5)])
>>> declared_edges(table, [("m-1", "m-2", "family"), ("P1", "m-2", "mentor")])
>>> g.edges["m-1", "m-2"]["declared"], g.edges["P1", "m-2"]["kind"]
(('family',), 'declared')
>>> list(plain([("a", "b", 1.0, 2.0, 3.0, 4)]))
[('a', 'b', 1, 2, 3, 4.0)]
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Iterator, Mapping
from itertools import groupby
from operator import itemgetter
from typing import Any

import networkx as nx

from rbp._queries.rules import STATUS_ORDER, status_limits

__all__ = [
    "Ends",
    "add_nodes",
    "community_edges",
    "declared_edges",
    "ends",
    "officer_edges",
    "plain",
]


_STATUS = tuple(s.value for s in STATUS_ORDER)

End = tuple[str, dict[str, Any], tuple[int, int, int]]
"""A node's own key object, its adjacency dict and its status limits (micros)."""

Ends = dict[str, End]
"""Each node's :data:`End`, by key."""

_first = itemgetter(0)


class _Tie:
    """The attributes of one edge, always set in the order of the annotations below;
    the instance is dropped and its ``__dict__`` kept as the edge's attribute dict."""

    kind: str
    count: int
    first: int | None
    last: int | None
    strength: float
    status: str | None
    declared: tuple[str, ...]


def _limits(cadence: Mapping[str | None, int]) -> dict[str | None, tuple[int, int, int]]:
    return {p: status_limits(c) for p, c in cadence.items()}


def add_nodes(
    g: nx.Graph,
    nodes: Iterable[tuple[str, dict[str, Any]]],
    *,
    cadence: Mapping[str | None, int],
) -> Ends:
    """Put ``nodes`` (key, attributes; keys new to ``g``) into the graph's structure as
    :meth:`networkx.Graph.add_nodes_from` would, without copying each attribute dict,
    and return their :data:`Ends` (the status limits from the node's ``priority``: its
    cadence in ``cadence``, micros; None's for a node without one)."""
    node, adj = g._node, g._adj
    limits = _limits(cadence)
    table: Ends = {}
    for key, attrs in nodes:
        nbrs: dict[str, Any] = {}
        node[key] = attrs
        adj[key] = nbrs
        table[key] = (key, nbrs, limits[attrs.get("priority")])
    return table


def ends(g: nx.Graph, *, cadence: Mapping[str | None, int]) -> Ends:
    """The :data:`Ends` of the nodes of ``g`` (see :func:`add_nodes`)."""
    limits = _limits(cadence)
    adj = g._adj
    return {k: (k, adj[k], limits[a.get("priority")]) for k, a in g._node.items()}


def plain(rows: Iterable[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
    """(a, b, count, first, last, strength) of ``rows`` as ints and a float (a driver's
    Decimal sums, say); columns after the sixth are dropped."""
    for row in rows:
        yield row[0], row[1], int(row[2]), int(row[3]), int(row[4]), float(row[5])


def officer_edges(table: Ends, rows: Iterable[tuple[Any, ...]], *, at: int) -> None:
    """Add ``"officer_tie"`` edges from (officer, stakeholder, count, first, last,
    strength) rows (ints and a float); ``status`` from the stakeholder's status
    limits. A row with an end that is not a node of ``table`` is skipped."""
    end = table.get
    status = _STATUS
    for officer, group in groupby(rows, _first):
        one = end(officer)
        if one is None:
            continue
        o, onbrs, _ = one
        for _o, k, n, first, last, strength in group:
            other = end(k)
            if other is None:
                continue
            k, knbrs, limits = other
            tie = _Tie()
            tie.kind = "officer_tie"
            tie.count = n
            tie.first = first
            tie.last = first if last == first else last
            tie.strength = strength
            tie.status = status[bisect_left(limits, at - last)]
            tie.declared = ()
            attrs = tie.__dict__
            onbrs[k] = attrs
            knbrs[o] = attrs


def community_edges(table: Ends, rows: Iterable[tuple[Any, ...]]) -> None:
    """Add ``"community_tie"`` edges from (a, b, count, first, last, strength) rows
    (ints and a float); a row with an end that is not a node of ``table`` is skipped."""
    end = table.get
    for a, group in groupby(rows, _first):
        one = end(a)
        if one is None:
            continue
        a, anbrs, _ = one
        for _a, b, n, first, last, strength in group:
            other = end(b)
            if other is None:
                continue
            b, bnbrs, _ = other
            tie = _Tie()
            tie.kind = "community_tie"
            tie.count = n
            tie.first = first
            tie.last = first if last == first else last
            tie.strength = strength
            tie.status = None
            tie.declared = ()
            attrs = tie.__dict__
            anbrs[b] = attrs
            bnbrs[a] = attrs


def declared_edges(table: Ends, rows: Iterable[tuple[str, str, str]]) -> None:
    """Add the declared relationships of (a, b, kind) rows: the kind is appended to an
    edge's ``declared``, or a ``"declared"`` edge made (no count, no times). A row with
    an end that is not a node of ``table`` is skipped."""
    end = table.get
    for a, b, kind in rows:
        one, other = end(a), end(b)
        if one is None or other is None:
            continue
        a, anbrs, _ = one
        b, bnbrs, _ = other
        attrs = anbrs.get(b)
        if attrs is not None:
            attrs["declared"] = (*attrs["declared"], kind)
            continue
        tie = _Tie()
        tie.kind = "declared"
        tie.count = 0
        tie.first = None
        tie.last = None
        tie.strength = 0.0
        tie.status = None
        tie.declared = (kind,)
        attrs = tie.__dict__
        anbrs[b] = attrs
        bnbrs[a] = attrs
