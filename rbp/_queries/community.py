"""Community-tie summaries: kept when interactions are logged, read by the graph build.

Two non-officers (members or agencies) who took part in the same interaction share a
*community contact*; the graph's ``community_tie`` edges count only the interactions of
at most ``Settings.max_group`` people (participants plus unnamed attendees).
``community_pairs`` keeps, per pair (``a < b`` in code-point order, both non-officers)
and group size (``size``: the interaction's participants plus its attendees), a summary
of their shared contacts in interactions of that size: ``n``, ``first``, ``last`` and
``weight``, the decay sum anchored at ``last`` as for the officer ties
(:mod:`rbp._queries.pairs`; no promise). Only the interactions of at most :data:`CAP`
people are summed up. :mod:`rbp._queries.community_batch` keeps the table when
interactions are logged, merging by the rule of :func:`rbp._queries.pairs.merge_sql`,
so it is exact whatever order the contacts arrive in.

A whole-graph build as of T reads the summaries when they answer exactly
(:func:`answers`): T at or after the newest interaction (so every contact counts), the
half-life the weights are anchored with (:data:`~rbp._queries.pairs.HALF_LIFE`) and a
``max_group`` of at most :data:`CAP`. Then :func:`summed` groups each pair's rows of
sizes up to ``max_group`` in the key's order (nothing is sorted): the count is the sum
of ``n``, first and last the min and max, and the strength the sum of each row's
weight decayed from its ``last`` to T, so about one row per pair is read instead of
every participant of every interaction. Otherwise the build pairs the participants
itself (:func:`rbp.graph._pairing.community_rows`), as it always did; both give the same
edges and figures (the strengths are sums of the same terms grouped differently, so
they agree to rounding: a relative 1e-12 or so).

Examples
--------
>>> import pendulum, rbp
>>> from rbp.interactions import Interaction
>>> crm = rbp.open()
>>> crm.directory.add_many([rbp.Officer("P1"), rbp.CommunityMember("m-1"),
...                         rbp.CommunityMember("m-2"), rbp.PartnerAgency("a-1")])
4
>>> t0 = pendulum.datetime(2026, 1, 5, 10, tz="UTC")
>>> _ = crm.interactions.log_many([
...     Interaction(at=t0, kind="meeting", participants=("P1", "m-1", "m-2")),
...     Interaction(at=t0.add(days=90), kind="meeting", participants=("m-1", "m-2", "a-1")),
...     Interaction(at=t0, kind="meeting", participants=("m-1", "m-2"), attendees=60)])
>>> with crm.engine.connect() as conn:
...     rows = conn.exec_driver_sql(
...         "SELECT a, b, size, n, weight FROM community_pairs ORDER BY a, b, size").all()
>>> rows  # the meeting of 62 people is over CAP: not summed up
[('a-1', 'm-1', 3, 1, 1.0), ('a-1', 'm-2', 3, 1, 1.0), ('m-1', 'm-2', 3, 2, 1.5)]
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from rbp import _schema as t
from rbp._queries.pairs import HALF_LIFE, newest
from rbp._queries.rules import decay_sql
from rbp._time import duration_micros

__all__ = ["CAP", "COMMUNITY", "answers", "outsiders", "summed"]

CAP = 50
"""The largest group whose community contacts are summed up (participants plus
attendees). Twice the default ``max_group`` (25), so a store may raise the limit
without losing the summaries. An interaction of ``k`` non-officers writes ``k * (k -
1) / 2`` rows, so a bound keeps a large event from writing quadratically many (50
named people: 1,225 rows; 500: 124,750); the graph never uses them by default.
A larger ``max_group`` is answered from the participants."""

COMMUNITY = ("member", "agency")
"""The kinds of stakeholder a community tie joins (every kind but officers)."""


def outsiders(at: int, kinds: tuple[str, ...] = COMMUNITY) -> sa.Select[tuple[str]]:
    """Keys of the stakeholders left out of community ties at ``at``: of another kind
    than ``kinds``, or not in the picture at ``at`` (one list, probed per row)."""
    s = t.stakeholders.c
    return sa.select(s.key).where(sa.or_(s.kind.not_in(list(kinds)), s.since > at, s.until < at))


def answers(conn: Connection, *, at: int, half_life: dt.timedelta, max_group: int | None) -> bool:
    """Whether :func:`summed` gives the community ties as of ``at`` exactly: the stored
    half-life, a ``max_group`` of at most :data:`CAP`, and no interaction after ``at``
    (one probe of the interactions' ``at`` index)."""
    if max_group is None or max_group > CAP or duration_micros(half_life) != HALF_LIFE:
        return False
    top = newest(conn)
    return top is None or at >= top


def summed(
    *, at: int, max_group: int, since: int | None = None, sqlite: bool = False
) -> sa.Select[Any]:
    """(a, b, count, first, last, strength) of every community tie as of ``at`` (a < b,
    ordered by a and b), from the summaries; valid when :func:`answers` says so.

    The rows of each pair are grouped in the key's order (the key is ``(a, b,
    size)``), ``size <= max_group`` tested per row. With ``since``, only the pairs
    whose last contact is after it. Pairs with an end not in the picture at ``at`` are
    left in: the graph drops them (its nodes are the people in it; both ends are
    members or agencies, kinds never change), which costs less than testing two keys
    per row here. ``sqlite``: the query runs on SQLite, whose ``power()`` needs no
    guard against underflow (:func:`~rbp._queries.rules.decay_sql`).
    """
    c = t.community_pairs.c
    decay = decay_sql(sa.literal(at) - c.last, half_life=HALF_LIFE, guarded=not sqlite)
    q = (
        sa.select(
            c.a,
            c.b,
            sa.func.sum(c.n),
            sa.func.min(c.first),
            sa.func.max(c.last),
            sa.func.sum(c.weight * decay),
        )
        .where(c.size <= max_group)
        .group_by(c.a, c.b)
        .order_by(c.a, c.b)
    )
    if since is not None:
        q = q.having(sa.func.max(c.last) > since)
    return q
