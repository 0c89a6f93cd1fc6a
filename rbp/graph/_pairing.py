"""Community ties paired from the participants of each interaction.

The graph reads the community summaries when they answer (:mod:`rbp._queries.community`);
otherwise, and for a graph around a few keys, it pairs the participants itself here.

Examples
--------
>>> from rbp._time import to_micros
>>> import datetime as dt
>>> with crm.engine.connect() as conn:
...     rows = list(community_rows(conn, at=to_micros(T), half_life=dt.timedelta(days=90),
...                                max_group=25))
>>> all(a < b for a, b, *_ in rows), all(n >= 1 for _, _, n, *_ in rows)
(True, True)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterator
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from rbp import _schema as t
from rbp._queries.community import COMMUNITY, outsiders
from rbp._queries.rules import decay_sql
from rbp._time import duration_micros
from rbp.graph._reading import streamed

__all__ = ["community_rows", "pairing"]


def community_rows(
    conn: Connection,
    *,
    at: int,
    half_life: dt.timedelta,
    max_group: int | None,
    kinds: tuple[str, ...] = COMMUNITY,
    since: int | None = None,
    keys: Collection[str] | None = None,
) -> Iterator[tuple[Any, ...]]:
    """(a, b, count, first, last, strength) of non-officer pairs from shared interactions,
    streamed (:data:`rbp.graph._reading.STREAM` rows at a time; read as they are consumed).

    With ``keys`` (a few hundred at most: an ``IN`` list), only pairs with ``a`` in
    ``keys`` are read, through the participants' stakeholder index, and ``b`` is any
    other stakeholder (so ``a < b`` does not hold; a pair with both ends in ``keys``
    comes back twice, once each way).
    """
    q = pairing(
        at=at, half_life=half_life, max_group=max_group, kinds=kinds, since=since, keys=keys
    )
    return streamed(conn, q)


def pairing(
    *,
    at: int,
    half_life: dt.timedelta,
    max_group: int | None,
    kinds: tuple[str, ...],
    since: int | None,
    keys: Collection[str] | None,
) -> sa.Select[Any]:
    """The statement of :func:`community_rows` (the same arguments)."""
    p1, p2 = sa.alias(t.participants), sa.alias(t.participants)
    i = t.interactions.c
    hl = duration_micros(half_life)
    # One list of the stakeholders left out (another kind, or not in the picture at
    # ``at``), probed once per participant row.
    left_out = outsiders(at, kinds)
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
            p1.c.stakeholder.not_in(left_out),
            p2.c.stakeholder.not_in(left_out),
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
    elif keys is None:
        # The interactions that can make a pair at all, found in one pass over the
        # participants in the key's order (no sort): at least two people of ``kinds``
        # in the picture, and (with ``max_group``) participants + attendees within it,
        # ``attendees`` looked up once per interaction. The pairs are then read from
        # those interactions only.
        pc = t.participants.c
        insider = sa.case((pc.stakeholder.not_in(left_out), 1), else_=0)
        candidates = (
            sa.select(pc.interaction_id)
            .where(pc.at <= at)
            .group_by(pc.interaction_id)
            .having(sa.func.sum(insider) >= 2)
        )
        if max_group is not None:
            attendees = sa.select(i.attendees).where(i.id == pc.interaction_id).scalar_subquery()
            candidates = candidates.having(sa.func.count() + attendees <= max_group)
        q = q.where(p1.c.interaction_id.in_(candidates))
    if since is not None:
        q = q.having(sa.func.max(p1.c.at) > since)
    return q
