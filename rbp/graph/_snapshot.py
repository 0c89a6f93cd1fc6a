"""What the metrics read: one SQL pass per question, compact rows back.

A :class:`Snapshot` holds, as of T, every non-officer stakeholder in the picture
with its last officer contact and how many officers hold an active tie with it,
plus the area tree. Coverage, gaps and key-person risk are all computed from it,
so the three agree with each other by construction.
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Sequence
from typing import Any

import attrs
import pendulum
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from rbp import _schema as t
from rbp._queries.pairs import broken_pairs, window_lasts
from rbp._queries.rules import (
    absent_keys,
    present_sql,
    promise_passed_sql,
    status_sql,
    within,
)
from rbp._time import MICROS_PER_DAY, AsOf, Window
from rbp.areas import AreaTree
from rbp.model import Priority, Sector, StakeholderKind

__all__ = ["Member", "Snapshot", "cadence_case", "load_snapshot", "pair_lasts"]

PRIORITY_RANK = {Priority.KEY: 0, Priority.REGULAR: 1, Priority.LOW: 2}


@attrs.frozen(kw_only=True)
class Member:
    """A non-officer stakeholder as the metrics see it (no personal data)."""

    key: str
    kind: StakeholderKind
    sector: Sector
    priority: Priority
    areas: tuple[str, ...]
    last: int | None  # last officer contact at or before T, epoch micros
    window: int  # coverage window in micros
    covered: bool
    active_officers: tuple[str, ...]  # officers holding an active tie


@attrs.frozen(kw_only=True, slots=False)
class Snapshot:
    """Everything coverage, gaps and key-person risk need, as of one time."""

    as_of: pendulum.DateTime
    at: int
    window: Window
    members: tuple[Member, ...]
    tree: AreaTree
    officers: frozenset[str]
    excluded: frozenset[str] = frozenset()
    # (last, officer, stakeholder, status) of ties cooling or dormant at T, coldest first
    cold: tuple[tuple[int, str, str, str], ...] = ()
    # (officer, stakeholder, last) of pairs whose last contact was a promise now passed
    broken: tuple[tuple[str, str, int], ...] = ()

    def closure(self, areas: Sequence[str]) -> set[str]:
        """The areas and all their ancestors."""
        up = self._up
        if len(areas) == 1 and areas[0] in up:  # the common case: one home area
            return set(up[areas[0]])
        out: set[str] = set()
        for a in areas:
            out.update(up.get(a, ()))
        return out

    @functools.cached_property
    def _up(self) -> dict[str, tuple[str, ...]]:
        """Each area with its ancestors, found once per snapshot."""
        return {a.key: (a.key, *self.tree.ancestors(a.key)) for a in self.tree}


def cadence_case(priority: Any, cadence: dict[Priority, int]) -> Any:
    """SQL: a stakeholder's cadence in microseconds, by its ``priority`` column."""
    return sa.case(
        {p.value: cadence[p] * MICROS_PER_DAY for p in Priority},
        value=priority,
        else_=cadence[Priority.REGULAR] * MICROS_PER_DAY,
    )


def pair_lasts(
    conn: Connection, *, at: int, horizon: int, excluded: Collection[str] = ()
) -> sa.Subquery:
    """Subquery: (officer, stakeholder, last, promised) of pairs with a contact in
    ``(at - horizon, at]``, or whose last contact up to ``at`` was a promise
    (``follow_up_by``) that has passed by ``at``: ``promised`` equals ``last`` exactly
    for those broken promises (NULL otherwise).

    Reads the pair summaries of the window (see :mod:`rbp._queries.pairs`), plus the
    broken promises older than it. The officers' presence at ``at`` is for the caller
    to check, once per pair.
    """
    since = at - horizon
    recent = window_lasts(conn, at=at, since=since)
    broken = broken_pairs(conn, at=at)
    q = sa.union_all(
        sa.select(
            recent.c.officer,
            recent.c.stakeholder,
            recent.c.last,
            sa.case((promise_passed_sql(recent.c.promise, at), recent.c.last)).label("promised"),
        ),
        sa.select(broken.c.officer, broken.c.stakeholder, broken.c.last, broken.c.last).where(
            broken.c.last <= since
        ),
    ).subquery("pairs")
    if excluded:
        return sa.select(q).where(q.c.officer.not_in(list(excluded))).subquery("pairs")
    return q


def load_snapshot(
    conn: Connection,
    *,
    as_of: AsOf,
    cadence: dict[Priority, int],
    window: Window,
    excluded: Collection[str] = (),
) -> Snapshot:
    """Load the as-of-T view in three queries (stakeholders, their areas, officer ties)."""
    at = as_of.micros
    fixed = window.micros
    c_max = max(cadence.values()) * MICROS_PER_DAY
    # Far enough back to see every tie that is not lapsed (a <= 4c) and every contact
    # in the coverage window; + 1 because the bounds are inclusive.
    horizon = max(4 * c_max, fixed or 0) + 1
    s = t.stakeholders.c
    present = present_sql(s.since, s.until, at)
    pairs = pair_lasts(conn, at=at, horizon=horizon, excluded=excluded)
    c = cadence_case(t.stakeholders.c.priority, cadence)
    ties = conn.execute(
        sa.select(
            pairs.c.stakeholder,
            pairs.c.officer,
            pairs.c.last,
            status_sql(sa.literal(at) - pairs.c.last, c),
            pairs.c.promised,
        )
        .join_from(pairs, t.stakeholders, s.key == pairs.c.stakeholder)
        .where(present, pairs.c.officer.not_in(absent_keys(at)))
        .order_by(pairs.c.stakeholder, pairs.c.officer)
    ).all()
    last: dict[str, int] = {}
    active: dict[str, list[str]] = {}
    cold: list[tuple[int, str, str, str]] = []
    broken: list[tuple[str, str, int]] = []
    for key, officer, when, state, promised in ties:
        if promised == when:
            broken.append((officer, key, when))
        if when > last.get(key, -(2**62)):
            last[key] = when
        if state == "active":
            active.setdefault(key, []).append(officer)
        elif state != "lapsed":
            cold.append((when, officer, key, state))
    cold.sort()
    rows = conn.execute(
        sa.select(s.key, s.kind, s.sector, s.priority)
        .where(s.kind != StakeholderKind.OFFICER.value, present)
        .order_by(s.key)
    ).all()
    links: dict[str, list[str]] = {}
    sa_c = t.stakeholder_areas.c
    for key, area in conn.execute(
        sa.select(sa_c.stakeholder, sa_c.area)
        .join_from(t.stakeholder_areas, t.stakeholders, s.key == sa_c.stakeholder)
        .where(s.kind != StakeholderKind.OFFICER.value, present)
        .order_by(sa_c.stakeholder, sa_c.area)
    ):
        links.setdefault(key, []).append(area)
    officers = frozenset(
        conn.execute(
            sa.select(s.key).where(s.kind == StakeholderKind.OFFICER.value, present)
        ).scalars()
    ) - frozenset(excluded)
    tree = AreaTree(t.area_from_row(r) for r in conn.execute(sa.select(t.areas)).mappings())
    members = []
    for key, kind, sector, priority in rows:
        prio = Priority(priority or "regular")
        win = window.micros_for(cadence[prio])
        seen = last.get(key)
        members.append(
            Member(
                key=key,
                kind=StakeholderKind(kind),
                sector=Sector(sector or "other"),
                priority=prio,
                areas=tuple(links.get(key, ())),
                last=seen,
                window=win,
                covered=seen is not None and within(seen, at, win),
                active_officers=tuple(active.get(key, ())),
            )
        )
    return Snapshot(
        as_of=as_of.at,
        at=at,
        window=window,
        members=tuple(members),
        tree=tree,
        officers=officers,
        excluded=frozenset(excluded),
        cold=tuple(cold),
        broken=tuple(broken),
    )
