"""The relationship graph for Gephi: :func:`write_graphml`, :func:`write_gexf`.

Nodes are the stakeholders in the picture at T with ``kind``, ``sector``,
``priority``, ``unit``, ``area`` (the first) and ``areas`` (``;``-joined area keys).
Edges are the officer ties and community ties made by interactions up to T
(``kind`` ``officer_tie`` or ``community_tie``, ``count``, ``first``, ``last``,
``strength``, ``status``) and the declared relationships active at T (``kind``
``declared``, ``count`` 0); an interaction edge between two stakeholders who also
declared a relationship carries its kinds in ``relationships``. Times are ISO 8601
strings; an attribute with no value is left out (the formats hold no None).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pendulum

from rbp import _args

if TYPE_CHECKING:
    import networkx as nx

    from rbp.store import Store

__all__ = ["write_gexf", "write_graphml"]


def _value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return ";".join(str(v) for v in value) if value else None
    return value


def export_graph(crm: Store, *, as_of: pendulum.DateTime | None, pseudonymise: bool) -> nx.Graph:
    """The graph as written: plain attribute values, aliases when pseudonymised."""
    import networkx as nx

    from rbp.graph import edge_times

    pseudonymise = _args.flag(pseudonymise, "pseudonymise")
    g = crm.graph.build(as_of=as_of)
    alias: dict[str, str] = {}
    if pseudonymise:
        counts: dict[str, int] = {}
        for key in sorted(g.nodes, key=lambda k: (str(g.nodes[k].get("kind")), k)):
            kind = str(g.nodes[key].get("kind") or "stakeholder")
            counts[kind] = counts.get(kind, 0) + 1
            alias[key] = f"{kind}-{counts[kind]}"
    out = nx.Graph()
    when = g.graph.get("as_of")
    if isinstance(when, dt.datetime):
        out.graph["as_of"] = when.isoformat()
    for key, data in g.nodes(data=True):
        node = alias.get(key, key)
        attrs = {"label": node}
        areas = data.get("areas") or ()
        if areas:
            attrs["area"] = areas[0]
        for name in ("kind", "sector", "priority", "unit", "areas"):
            value = _value(data.get(name))
            if value is not None:
                attrs[name] = value
        out.add_node(node, **attrs)
    for a, b, data in g.edges(data=True):
        attrs = {}
        # The graph holds epoch microseconds; the files get the instants as ISO 8601.
        first, last = edge_times(g, a, b)
        for name, raw in (
            ("kind", data.get("kind")),
            ("count", data.get("count")),
            ("first", first),
            ("last", last),
            ("strength", data.get("strength")),
            ("status", data.get("status")),
        ):
            value = _value(raw)
            if value is not None:
                attrs[name] = value
        declared = _value(data.get("declared"))
        if declared is not None:
            attrs["relationships"] = declared
        out.add_edge(alias.get(a, a), alias.get(b, b), **attrs)
    return out


def _path(path: Any) -> Path:
    if not isinstance(path, str | Path):
        raise TypeError(f"path must be a str or Path, got {type(path).__name__}")
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    return out


def write_graphml(
    crm: Store,
    path: str | Path,
    *,
    as_of: pendulum.DateTime | None = None,
    pseudonymise: bool = False,
) -> Path:
    """Write the relationship graph as of T as GraphML (for Gephi, yEd, networkx).

    Parameters
    ----------
    crm
    path
        The file to write (parent folders are made).
    as_of
        T (default: now). Only stakeholders in the picture at T; only interactions
        at or before T; only relationships active at T.
    pseudonymise
        Node ids become aliases (``officer-1``, ``member-7``, ...), stable within
        the file; no stakeholder key or name is written.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    NaiveDatetimeError
        ``as_of`` has no time zone.

    Examples
    --------
    >>> import pathlib, tempfile, networkx as nx, rbp.io
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "city.graphml"
    >>> g = nx.read_graphml(rbp.io.write_graphml(crm, path, as_of=T))
    >>> g.number_of_nodes() == len(crm.graph.build(as_of=T))
    True
    >>> {d["kind"] for _, _, d in g.edges(data=True)} >= {"officer_tie", "declared"}
    True
    """
    import networkx as nx

    out = _path(path)
    nx.write_graphml(export_graph(crm, as_of=as_of, pseudonymise=pseudonymise), out)
    return out


def write_gexf(
    crm: Store,
    path: str | Path,
    *,
    as_of: pendulum.DateTime | None = None,
    pseudonymise: bool = False,
) -> Path:
    """Write the relationship graph as of T as GEXF (Gephi's own format).

    Parameters
    ----------
    crm
    path
    as_of
    pseudonymise
        As for :func:`write_graphml`.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    NaiveDatetimeError
        ``as_of`` has no time zone.

    Examples
    --------
    >>> import pathlib, tempfile, networkx as nx, rbp.io
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "city.gexf"
    >>> g = nx.read_gexf(rbp.io.write_gexf(crm, path, as_of=T, pseudonymise=True))
    >>> any(n in crm.graph.build(as_of=T) for n in g)
    False
    """
    import networkx as nx

    out = _path(path)
    nx.write_gexf(export_graph(crm, as_of=as_of, pseudonymise=pseudonymise), out)
    return out
