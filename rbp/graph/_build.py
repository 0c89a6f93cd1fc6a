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
from typing import Any

import networkx as nx
import pendulum
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from rbp import _schema as t
from rbp._time import duration_micros, from_micros, to_micros
from rbp.interactions._ties import absent, decay, status_of, tie_rows
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
) -> list[tuple[Any, ...]]:
    """(a, b, count, first, last, strength) of non-officer pairs from shared interactions."""
    p1, p2 = sa.alias(t.participants), sa.alias(t.participants)
    i = t.interactions.c
    s = t.stakeholders.c
    hl = float(duration_micros(half_life))
    outsiders = sa.select(s.key).where(s.kind.not_in(list(kinds)))
    gone = absent(at)
    q = (
        sa.select(
            p1.c.stakeholder,
            p2.c.stakeholder,
            sa.func.count(),
            sa.func.min(p1.c.at),
            sa.func.max(p1.c.at),
            sa.func.sum(decay((sa.literal(at) - p1.c.at) / sa.literal(hl))),
        )
        .join_from(
            p1,
            p2,
            sa.and_(
                p1.c.interaction_id == p2.c.interaction_id, p1.c.stakeholder < p2.c.stakeholder
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
    if max_group is not None:
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


def build_graph(
    conn: Connection,
    *,
    as_of: pendulum.DateTime,
    settings: Settings,
    tz: str,
    window: dt.timedelta | None = None,
    personal: bool = False,
    community: bool = True,
    declared: bool = True,
) -> nx.Graph:
    """The graph as of ``as_of``; see the module docstring for its attributes."""
    at = to_micros(as_of)
    since = None if window is None else at - duration_micros(window)
    s = t.stakeholders.c
    g = nx.Graph(as_of=as_of, window=window)
    present = sa.and_(
        sa.or_(s.since.is_(None), s.since <= at), sa.or_(s.until.is_(None), s.until >= at)
    )
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
    hl = duration_micros(settings.half_life)
    for o, k, n, first, last, strength, priority in tie_rows(
        conn, at=at, half_life=settings.half_life, since=since
    ):
        cadence = settings.cadence_days(Priority(priority or "regular"))
        g.add_edge(
            o,
            k,
            kind="officer_tie",
            count=int(n),
            first=from_micros(first, tz),
            last=from_micros(last, tz),
            strength=float(strength),
            status=status_of(at - last, cadence).value,
            declared=(),
        )
    if community:
        for a, b, n, first, last, strength in community_rows(
            conn, at=at, half_life=settings.half_life, max_group=settings.max_group, since=since
        ):
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
        for a, b, kind in conn.execute(
            sa.select(r.a, r.b, r.kind)
            .where(
                sa.or_(r.since.is_(None), r.since <= at), sa.or_(r.until.is_(None), r.until >= at)
            )
            .order_by(r.id)
        ):
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
    g.graph["half_life_days"] = hl / 86_400e6
    return g


def officers_of(g: nx.Graph) -> list[str]:
    """Officer nodes of a graph built by :func:`build_graph`."""
    return [n for n, k in g.nodes(data="kind") if k == StakeholderKind.OFFICER.value]
