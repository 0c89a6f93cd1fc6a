"""The times on a built graph's edges, read as DateTimes (:func:`edge_times`).

A graph from ``crm.graph.build`` holds ``first`` and ``last`` as epoch microseconds
(int, UTC): plain numbers, so that a graph of millions of edges holds no time object
per edge. This is where they become aware DateTimes, in the agency's zone, one edge
at a time.
"""

from __future__ import annotations

from typing import Any

import networkx as nx
import pendulum

from rbp._time import from_micros
from rbp.errors import UnknownKeyError
from rbp.graph._measures import check_network

__all__ = ["edge_times"]


def edge_times(
    g: nx.Graph, u: Any, v: Any
) -> tuple[pendulum.DateTime | None, pendulum.DateTime | None]:
    """The first and last shared interaction of the edge ``(u, v)``, as DateTimes.

    The graph holds them as epoch microseconds (``first``, ``last``: int, UTC); this
    gives the instants in the graph's zone (``g.graph["tz"]``, the agency's zone that
    ``crm.graph.build`` records; UTC when the graph has none). They are the same
    instants as the ``first``/``last`` of the matching tie of
    ``crm.interactions.ties``.

    Parameters
    ----------
    g
        A graph as :meth:`~rbp.graph.Graph.build` makes; not changed.
    u
        One end of an edge of ``g``.
    v
        The other end (the order of ``u`` and ``v`` does not matter).

    Returns
    -------
    tuple
        ``(first, last)``: aware DateTimes, or ``(None, None)`` for an edge with no
        shared interaction (a declared relationship alone).

    Raises
    ------
    UnknownKeyError
        ``g`` has no edge between ``u`` and ``v``.
    TypeError
        ``g`` is not a networkx graph, or a time on the edge is not a whole number.

    Examples
    --------
    >>> from rbp.graph import edge_times
    >>> g = crm.graph.build(as_of=T)
    >>> g.edges["P0012", "m-000030"]["last"]
    1764953100000000
    >>> first, last = edge_times(g, "P0012", "m-000030")
    >>> tie = crm.interactions.ties(as_of=T).get("P0012", "m-000030")
    >>> f"{last:%Y-%m-%d %H:%M}", (first, last) == (tie.first, tie.last)
    ('2025-12-05 10:45', True)
    >>> edge_times(g, "P0012", "nobody")
    Traceback (most recent call last):
    ...
    rbp.errors.UnknownKeyError: the graph has no edge between 'P0012' and 'nobody'
    """
    check_network(g)
    data = g.get_edge_data(u, v)
    if data is None:
        raise UnknownKeyError(
            f"the graph has no edge between {u!r} and {v!r}", key=str(v), field="v"
        )
    tz = g.graph.get("tz") or "UTC"
    return _instant(data.get("first"), tz, "first"), _instant(data.get("last"), tz, "last")


def _instant(value: object, tz: str, name: str) -> pendulum.DateTime | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(
            f"edge attribute {name} must be epoch microseconds (int), got {type(value).__name__}"
        )
    return from_micros(value, tz)
