"""The relationship graph as networkx sees it, built from aggregated edges.

Nodes are stakeholder keys. Node attributes: ``kind`` ("officer", "member",
"agency"), ``sector``, ``priority`` (values, None for officers), ``areas`` (tuple),
``unit`` (officers) and, only with ``personal=True``, ``name``.

Edges, one per pair, with ``kind``:

- ``"officer_tie"``: an officer and a non-officer who shared interactions;
  ``count``, ``first``, ``last``, ``strength``, ``status``;
- ``"community_tie"``: two non-officers who shared an interaction of at most
  ``max_group`` people (participants plus unnamed attendees); same figures, no status;
- ``"declared"``: a declared relationship active at T with no shared interaction.

Any edge also carries ``declared``: the relationship kinds declared between the
pair (empty tuple if none).

``first`` and ``last`` are epoch microseconds (int, UTC), the store's own unit: a
graph of millions of edges holds plain numbers, not a time object per edge. They are
exact (no rounding) and order and subtract as numbers. :func:`rbp.graph.edge_times`
reads them as DateTimes in the agency's zone (``g.graph["tz"]``); ``rbp.io`` writes
them as ISO 8601 text; pandas reads a column of them with
``pd.to_datetime(values, unit="us", utc=True)``. A declared-only edge has None.

The community ties of a whole graph come from the community summaries
(``community_pairs``, kept when interactions are logged: :mod:`rbp._queries.community`)
when they answer exactly: T at or after the newest interaction, the stored half-life,
``max_group`` at most :data:`~rbp._queries.community.CAP`. Otherwise, and for a graph
around a few keys, :func:`~rbp.graph._pairing.community_rows` pairs the participants of
each interaction. The two agree edge for edge, strengths to rounding.

The graph is built from plain rows (on SQLite the driver's own tuples) and no time
object per row. The edges go straight into the adjacency with one shared-key attribute
dict each (:mod:`rbp.graph._edges`), and SQLite reads through its page cache rather
than the memory map while a graph is built (:func:`rbp.graph._reading.unmapped`). The
community ties are streamed as they are read. On SQLite a whole graph's officer ties
are read first (a piece at a time, each piece let go once its edges are written), and
their edges are written on a second thread while SQLite works out the community ties
(:func:`rbp.graph._reading.beside`): the two largest parts of a build overlap on two
cores. Elsewhere the officer ties are streamed too, and the parts run one after the
other (PostgreSQL works its answers out in the server already, and a read-only
transaction there may not create the temporary table).
"""

from __future__ import annotations

import itertools
import sys
from collections.abc import Collection, Iterable, Iterator, Sequence
from typing import Any

import networkx as nx
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from rbp import _schema as t
from rbp._queries.batch import chunks
from rbp._queries.community import COMMUNITY, answers, summed
from rbp._queries.pairs import HALF_LIFE
from rbp._queries.rules import present_sql
from rbp._queries.tie_figures import figure_pieces
from rbp._queries.ties import tie_rows
from rbp._time import MICROS_PER_DAY, AsOf, Window, duration_micros
from rbp._unit import quiet_collector
from rbp.graph._edges import (
    Ends,
    add_nodes,
    community_edges,
    declared_edges,
    officer_edges,
    plain,
)
from rbp.graph._pairing import community_rows, pairing
from rbp.graph._reading import beside, streamed, unmapped
from rbp.model import Priority, StakeholderKind
from rbp.settings import Settings

__all__ = ["build_graph", "officers_of"]


CHUNK = 500
"""How many keys one scoped query takes (an ``IN`` list; SQLite allows 32,766 params)."""


def _chunks(keys: Iterable[str]) -> Iterable[Sequence[str]]:
    return chunks(sorted(keys), size=CHUNK)


def build_graph(
    conn: Connection,
    *,
    as_of: AsOf,
    settings: Settings,
    tz: str,
    window: Window,
    personal: bool = False,
    community: bool = True,
    declared: bool = True,
    keys: Collection[str] | None = None,
    raw: bool = False,
) -> nx.Graph:
    """The graph as of ``as_of``; see the module docstring for its attributes.

    With ``keys``, only the edges touching those stakeholders are read (the SQL scans
    only their rows, a few hundred keys per query): the graph holds ``keys`` (those
    in the picture at T), their neighbours, and exactly the edges of the full graph
    that have an end in ``keys``, which is what a map of ``keys`` needs (their
    community strengths summed from the participants: to rounding those of the full
    graph, which may read the summaries). ``raw`` reads the community ties from the
    participants even when the summaries answer (what the summaries are checked
    against).
    """
    with quiet_collector(), unmapped(conn):
        return _build(
            conn,
            as_of=as_of,
            settings=settings,
            tz=tz,
            window=window,
            personal=personal,
            community=community,
            declared=declared,
            keys=keys,
            raw=raw,
        )


def _build(
    conn: Connection,
    *,
    as_of: AsOf,
    settings: Settings,
    tz: str,
    window: Window,
    personal: bool,
    community: bool,
    declared: bool,
    keys: Collection[str] | None,
    raw: bool,
) -> nx.Graph:
    at = as_of.micros
    since = None if window.micros is None else at - window.micros
    g = nx.Graph(as_of=as_of.at, window=window.duration, tz=tz)
    # The status of an officer tie: from the stakeholder's cadence (by priority).
    cadence: dict[str | None, int] = {
        p.value: settings.cadence_days(p) * MICROS_PER_DAY for p in Priority
    }
    cadence[None] = cadence[Priority.REGULAR.value]
    table = add_nodes(g, _nodes(conn, at, personal=personal), cadence=cadence)
    scope = None if keys is None else {k for k in keys if k in g}
    ties = _ties(conn, g, scope, at, settings, since)
    if community and scope is None and conn.dialect.name == "sqlite":
        # Every officer tie is read now; SQLite works the community ties out while a
        # second thread writes the officer edges.
        held = list(ties)
        whole = _whole_community(conn, at, settings, since, raw=raw, sqlite=True)
        with beside(conn, whole, lambda: officer_edges(table, _drained(held), at=at)) as rows:
            community_edges(table, rows)
    else:
        officer_edges(table, itertools.chain.from_iterable(ties), at=at)
        if community:
            community_edges(table, _community(conn, g, scope, at, settings, since, raw=raw))
    if declared:
        _declared(conn, g, table, scope, at)
    elif scope is not None:
        kept = set(scope)
        kept.update(n for k in scope for n in g[k])
        g.remove_nodes_from([n for n in list(g) if n not in kept])
    g.graph["half_life_days"] = duration_micros(settings.half_life) / 86_400e6
    return g


def _nodes(conn: Connection, at: int, *, personal: bool) -> Iterator[tuple[str, dict[str, Any]]]:
    """(key, attributes) of the stakeholders in the picture at ``at``, in key order.

    Both reads stream the driver's own tuples; kinds, sectors, priorities, units and
    areas are a few words, interned (one object each)."""
    s = t.stakeholders.c
    intern = sys.intern
    areas: dict[str, list[str]] = {}
    sa_c = t.stakeholder_areas.c
    # in the key's order (the primary key covers the read); each one's areas sorted
    listed = streamed(
        conn,
        sa.select(sa_c.stakeholder, sa_c.area).order_by(sa_c.stakeholder, sa_c.area),
    )
    for key, area in listed:
        areas.setdefault(key, []).append(intern(area))
    cols = [s.key, s.kind, s.sector, s.priority, s.unit] + ([s.name] if personal else [])
    q = sa.select(*cols).where(present_sql(s.since, s.until, at)).order_by(s.key)
    none: tuple[str, ...] = ()
    for row in streamed(conn, q):
        key, kind, sector, priority, unit = row[:5]
        attrs: dict[str, Any] = {
            "kind": kind and intern(kind),
            "sector": sector and intern(sector),
            "priority": priority and intern(priority),
            "unit": unit and intern(unit),
            "areas": tuple(found) if (found := areas.get(key)) else none,
        }
        if personal:
            attrs["name"] = row[5]
        yield intern(key), attrs


def _declared(conn: Connection, g: nx.Graph, table: Ends, scope: set[str] | None, at: int) -> None:
    """Add the relationships declared and active at ``at`` (and, with ``scope``, keep
    only ``scope``, its neighbours and the ends of its relationships)."""
    r = t.relationships.c
    q = sa.select(r.a, r.b, r.kind).where(present_sql(r.since, r.until, at)).order_by(r.id)
    rows: list[tuple[str, str, str]] = list(streamed(conn, q))
    if scope is not None:
        rows = [r for r in rows if r[0] in scope or r[1] in scope]
        kept = set(scope)
        kept.update(n for k in scope for n in g[k])
        kept.update(x for a, b, _ in rows for x in (a, b))
        g.remove_nodes_from([n for n in list(g) if n not in kept])
        table = {k: end for k, end in table.items() if k in g}
    declared_edges(table, rows)


def _ties(
    conn: Connection,
    g: nx.Graph,
    scope: set[str] | None,
    at: int,
    settings: Settings,
    since: int | None,
) -> Iterator[list[tuple[Any, ...]]]:
    """Officer-tie rows in pieces (read as the pieces are): all of them, or those
    touching ``scope`` (each pair once).

    All of them, with the stored half-life, are the pair summaries as they stand,
    streamed in key order; whether both ends are in the picture at T is the graph's
    to check (its nodes are the people in it), and the status is worked out from the
    node's priority, so the read joins nothing. SQLite's driver gives the figures as
    ints and floats already; other drivers' are converted (:func:`plain`).
    """
    if scope is None and duration_micros(settings.half_life) == HALF_LIFE:
        pieces = figure_pieces(conn, at=at, since=since, everyone=True)
        if conn.dialect.name == "sqlite":
            return pieces
        return (list(plain(piece)) for piece in pieces)
    if scope is None:
        return iter([list(plain(tie_rows(conn, at=at, half_life=settings.half_life, since=since)))])
    found: dict[tuple[str, str], tuple[Any, ...]] = {}
    officers = {k for k in scope if g.nodes[k]["kind"] == StakeholderKind.OFFICER.value}
    for chunk in _chunks(officers):
        for row in tie_rows(conn, at=at, half_life=settings.half_life, since=since, officers=chunk):
            found[row[0], row[1]] = row
    for chunk in _chunks(scope - officers):
        for row in tie_rows(
            conn, at=at, half_life=settings.half_life, since=since, stakeholders=chunk
        ):
            found[row[0], row[1]] = row
    return iter([list(plain(found[k] for k in sorted(found)))])


def _drained(pieces: list[list[tuple[Any, ...]]]) -> Iterator[tuple[Any, ...]]:
    """The rows of ``pieces`` in order; each piece is let go once its rows are out."""
    pieces.reverse()
    return itertools.chain.from_iterable(iter(lambda: pieces.pop() if pieces else None, None))


def _whole_community(
    conn: Connection, at: int, settings: Settings, since: int | None, *, raw: bool, sqlite: bool
) -> sa.Select[Any]:
    """The statement of every community tie (a < b): the community summaries grouped by
    pair when those answer exactly (:func:`rbp._queries.community.answers`; unless
    ``raw``), else the participants paired (:func:`community_rows`)."""
    if not raw and answers(conn, at=at, half_life=settings.half_life, max_group=settings.max_group):
        return summed(at=at, max_group=settings.max_group, since=since, sqlite=sqlite)
    return pairing(
        at=at,
        half_life=settings.half_life,
        max_group=settings.max_group,
        kinds=COMMUNITY,
        since=since,
        keys=None,
    )


def _community(
    conn: Connection,
    g: nx.Graph,
    scope: set[str] | None,
    at: int,
    settings: Settings,
    since: int | None,
    *,
    raw: bool = False,
) -> Iterable[tuple[Any, ...]]:
    """Community-tie rows (a < b): all of them (streamed), or those touching ``scope``.

    All of them are :func:`_whole_community`'s, else :func:`community_rows` per chunk
    of ``scope``. SQLite's driver gives the figures as ints and floats already; other
    drivers' are converted (:func:`plain`).
    """
    sqlite = conn.dialect.name == "sqlite"
    if scope is None:
        whole = streamed(conn, _whole_community(conn, at, settings, since, raw=raw, sqlite=sqlite))
        return whole if sqlite else plain(whole)
    args: dict[str, Any] = {
        "at": at,
        "half_life": settings.half_life,
        "max_group": settings.max_group,
        "since": since,
    }
    rows: dict[tuple[str, str], tuple[Any, ...]] = {}
    for chunk in _chunks(k for k in scope if g.nodes[k]["kind"] != "officer"):
        for a, b, *rest in community_rows(conn, keys=chunk, **args):
            if b in scope and b < a:
                continue  # the same pair comes back from b's side
            pair = (a, b) if a < b else (b, a)
            rows[pair] = (*pair, *rest)
    ordered = [rows[k] for k in sorted(rows)]
    return ordered if sqlite else plain(ordered)


def officers_of(g: nx.Graph) -> list[str]:
    """Officer nodes of a graph built by :func:`build_graph`."""
    return [n for n, k in g.nodes(data="kind") if k == StakeholderKind.OFFICER.value]
