"""The relationship graph as networkx sees it, built from aggregated edges.

Nodes are stakeholder keys. Node attributes: ``kind`` ("officer", "member",
"agency"), ``sector``, ``priority`` (values, None for officers), ``areas`` (tuple),
``unit`` (officers) and, only with ``personal=True``, ``name``.

Edges, one per pair, with ``kind``:

- ``"officer_tie"``: an officer and a non-officer who shared interactions;
  ``count``, ``first``, ``last`` (DateTime), ``strength``, ``status``;
- ``"community_tie"``: two non-officers who shared an interaction of at most
  ``max_group`` people (participants plus unnamed attendees); same figures, no status;
- ``"declared"``: a declared relationship active at T with no shared interaction.

Any edge also carries ``declared``: the relationship kinds declared between the
pair (empty tuple if none).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Sequence
from typing import Any

import networkx as nx
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from rbp import _schema as t
from rbp._queries.batch import chunks
from rbp._queries.rules import absent_keys, decay_sql, present_sql, status
from rbp._queries.ties import tie_rows
from rbp._time import MICROS_PER_DAY, AsOf, Window, duration_micros, from_micros
from rbp.model import Priority, StakeholderKind
from rbp.settings import Settings

__all__ = ["build_graph", "community_rows"]


def community_rows(
    conn: Connection,
    *,
    at: int,
    half_life: dt.timedelta,
    max_group: int | None,
    kinds: tuple[str, ...] = ("member", "agency"),
    since: int | None = None,
    keys: Collection[str] | None = None,
) -> list[tuple[Any, ...]]:
    """(a, b, count, first, last, strength) of non-officer pairs from shared interactions.

    With ``keys`` (a few hundred at most: an ``IN`` list), only pairs with ``a`` in
    ``keys`` are read, through the participants' stakeholder index, and ``b`` is any
    other stakeholder (so ``a < b`` does not hold; a pair with both ends in ``keys``
    comes back twice, once each way).
    """
    p1, p2 = sa.alias(t.participants), sa.alias(t.participants)
    i = t.interactions.c
    s = t.stakeholders.c
    hl = duration_micros(half_life)
    outsiders = sa.select(s.key).where(s.kind.not_in(list(kinds)))
    gone = absent_keys(at)
    q = (
        sa.select(
            p1.c.stakeholder,
            p2.c.stakeholder,
            sa.func.count(),
            sa.func.min(p1.c.at),
            sa.func.max(p1.c.at),
            sa.func.sum(decay_sql(sa.literal(at) - p1.c.at, half_life=hl)),
        )
        .join_from(
            p1,
            p2,
            sa.and_(
                p1.c.interaction_id == p2.c.interaction_id,
                p1.c.stakeholder < p2.c.stakeholder
                if keys is None
                else p1.c.stakeholder != p2.c.stakeholder,
            ),
        )
        .where(
            p1.c.at <= at,
            p1.c.stakeholder.not_in(outsiders),
            p2.c.stakeholder.not_in(outsiders),
            p1.c.stakeholder.not_in(gone),
            p2.c.stakeholder.not_in(gone),
        )
        .group_by(p1.c.stakeholder, p2.c.stakeholder)
    )
    if keys is not None:
        q = q.where(p1.c.stakeholder.in_(list(keys)))
    if max_group is not None and keys is not None:
        # Only the interactions of ``keys`` are sized, one index probe each.
        p3 = sa.alias(t.participants)
        size = (
            sa.select(sa.func.count())
            .where(p3.c.interaction_id == p1.c.interaction_id)
            .scalar_subquery()
        )
        attendees = sa.select(i.attendees).where(i.id == p1.c.interaction_id).scalar_subquery()
        q = q.where(size + attendees <= max_group)
    elif max_group is not None:
        sizes = (
            sa.select(t.participants.c.interaction_id)
            .join_from(t.participants, t.interactions, i.id == t.participants.c.interaction_id)
            .where(t.participants.c.at <= at)
            .group_by(t.participants.c.interaction_id, i.attendees)
            .having(sa.func.count() + i.attendees <= max_group)
        )
        q = q.where(p1.c.interaction_id.in_(sizes))
    if since is not None:
        q = q.having(sa.func.max(p1.c.at) > since)
    return [tuple(r) for r in conn.execute(q)]


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
) -> nx.Graph:
    """The graph as of ``as_of``; see the module docstring for its attributes.

    With ``keys``, only the edges touching those stakeholders are read (the SQL scans
    only their rows, a few hundred keys per query): the graph holds ``keys`` (those
    in the picture at T), their neighbours, and exactly the edges of the full graph
    that have an end in ``keys``, which is what a map of ``keys`` needs.
    """
    at = as_of.micros
    since = None if window.micros is None else at - window.micros
    s = t.stakeholders.c
    g = nx.Graph(as_of=as_of.at, window=window.duration)
    present = present_sql(s.since, s.until, at)
    cols = [s.key, s.kind, s.sector, s.priority, s.unit] + ([s.name] if personal else [])
    areas: dict[str, list[str]] = {}
    sa_c = t.stakeholder_areas.c
    for key, area in conn.execute(sa.select(sa_c.stakeholder, sa_c.area).order_by(sa_c.area)):
        areas.setdefault(key, []).append(area)
    for row in conn.execute(sa.select(*cols).where(present).order_by(s.key)):
        attrs: dict[str, Any] = {
            "kind": row[1],
            "sector": row[2],
            "priority": row[3],
            "unit": row[4],
            "areas": tuple(areas.get(row[0], ())),
        }
        if personal:
            attrs["name"] = row[5]
        g.add_node(row[0], **attrs)
    scope = None if keys is None else {k for k in keys if k in g}
    hl = duration_micros(settings.half_life)
    for o, k, n, first, last, strength, priority in _ties(conn, g, scope, at, settings, since):
        cadence = settings.cadence_days(Priority(priority or "regular"))
        g.add_edge(
            o,
            k,
            kind="officer_tie",
            count=int(n),
            first=from_micros(first, tz),
            last=from_micros(last, tz),
            strength=float(strength),
            status=status(at - last, cadence * MICROS_PER_DAY).value,
            declared=(),
        )
    if community:
        for a, b, n, first, last, strength in _community(conn, g, scope, at, settings, since):
            g.add_edge(
                a,
                b,
                kind="community_tie",
                count=int(n),
                first=from_micros(first, tz),
                last=from_micros(last, tz),
                strength=float(strength),
                status=None,
                declared=(),
            )
    if declared:
        r = t.relationships.c
        rows = conn.execute(
            sa.select(r.a, r.b, r.kind).where(present_sql(r.since, r.until, at)).order_by(r.id)
        ).all()
        if scope is not None:
            rows = [r for r in rows if r[0] in scope or r[1] in scope]
            kept = set(scope)
            kept.update(n for k in scope for n in g[k])
            kept.update(x for a, b, _ in rows for x in (a, b))
            g.remove_nodes_from([n for n in list(g) if n not in kept])
        for a, b, kind in rows:
            if a not in g or b not in g:
                continue
            if g.has_edge(a, b):
                g.edges[a, b]["declared"] = (*g.edges[a, b]["declared"], kind)
            else:
                g.add_edge(
                    a,
                    b,
                    kind="declared",
                    count=0,
                    first=None,
                    last=None,
                    strength=0.0,
                    status=None,
                    declared=(kind,),
                )
    elif scope is not None:
        kept = set(scope)
        kept.update(n for k in scope for n in g[k])
        g.remove_nodes_from([n for n in list(g) if n not in kept])
    g.graph["half_life_days"] = hl / 86_400e6
    return g


def _ties(
    conn: Connection,
    g: nx.Graph,
    scope: set[str] | None,
    at: int,
    settings: Settings,
    since: int | None,
) -> list[tuple[Any, ...]]:
    """Officer-tie rows: all of them, or those touching ``scope`` (each pair once)."""
    if scope is None:
        return tie_rows(conn, at=at, half_life=settings.half_life, since=since)
    rows: dict[tuple[str, str], tuple[Any, ...]] = {}
    officers = {k for k in scope if g.nodes[k]["kind"] == StakeholderKind.OFFICER.value}
    for chunk in _chunks(officers):
        for row in tie_rows(conn, at=at, half_life=settings.half_life, since=since, officers=chunk):
            rows[row[0], row[1]] = row
    for chunk in _chunks(scope - officers):
        for row in tie_rows(
            conn, at=at, half_life=settings.half_life, since=since, stakeholders=chunk
        ):
            rows[row[0], row[1]] = row
    return [rows[k] for k in sorted(rows)]


def _community(
    conn: Connection,
    g: nx.Graph,
    scope: set[str] | None,
    at: int,
    settings: Settings,
    since: int | None,
) -> list[tuple[Any, ...]]:
    """Community-tie rows (a < b): all of them, or those touching ``scope``."""
    args: dict[str, Any] = {
        "at": at,
        "half_life": settings.half_life,
        "max_group": settings.max_group,
        "since": since,
    }
    if scope is None:
        return community_rows(conn, **args)
    rows: dict[tuple[str, str], tuple[Any, ...]] = {}
    for chunk in _chunks(k for k in scope if g.nodes[k]["kind"] != "officer"):
        for a, b, *rest in community_rows(conn, keys=chunk, **args):
            if b in scope and b < a:
                continue  # the same pair comes back from b's side
            pair = (a, b) if a < b else (b, a)
            rows[pair] = (*pair, *rest)
    return [rows[k] for k in sorted(rows)]


def officers_of(g: nx.Graph) -> list[str]:
    """Officer nodes of a graph built by :func:`build_graph`."""
    return [n for n, k in g.nodes(data="kind") if k == StakeholderKind.OFFICER.value]
