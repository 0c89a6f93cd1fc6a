"""Concerns and tips as they stand at T, shared by engagement and graph.

The rules, written once:

- a concern counts at T when it was reported at or before T; its **status** at T is the
  last status event at or before T (received when reported), its **owner** the last
  assignment at or before T;
- it is **open** while received, acknowledged or in progress;
- it is **overdue** when open and past its category's service-level target, counted from
  its report: a received concern is late to be acknowledged, an acknowledged or
  in-progress one late to be resolved; **level** 1 past the target, 2 past twice it,
  3 past four times it.

A tip is a concern with ``tip`` true; it counts in every list and count here.

Plans link concerns (``plan_concerns``, each link from a time); the plans namespace
checks its links and the concerns namespace reads them back through here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from typing import Any

import attrs
import pendulum
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from rbp import _schema as t
from rbp._queries.batch import plain_rows
from rbp._time import MICROS_PER_DAY, duration_micros, from_micros
from rbp.errors import UnknownKeyError
from rbp.model._engagement import OPEN_STATUSES, ConcernStatus
from rbp.settings import Settings

__all__ = [
    "OverdueConcern",
    "Standing",
    "linked_plans",
    "must_be_concerns",
    "open_counts",
    "overdue",
    "standing",
]


@attrs.frozen(kw_only=True)
class OverdueConcern:
    """A concern past its service-level target.

    ``stage`` is "acknowledge" (still received) or "resolve" (acknowledged or in
    progress); ``due`` is the target time; ``level`` is 1 past the target, 2 past twice
    it and 3 past four times it (measured from the report).

    Examples
    --------
    >>> from rbp.engagement import ConcernStatus
    >>> OverdueConcern(key="C-1", area="b-1", category="noise", status=ConcernStatus.RECEIVED,
    ...                owner=None, stage="acknowledge", due=pendulum.datetime(2026, 3, 5),
    ...                days_late=3, level=2).level
    2
    """

    key: str
    area: str
    category: str
    status: ConcernStatus
    owner: str | None
    stage: str
    due: pendulum.DateTime
    days_late: int
    level: int


@attrs.frozen
class Standing:
    """Where one concern stands at T (keys and times only, never its text)."""

    key: str
    at: int
    area: str
    category: str
    tip: bool
    status: ConcernStatus
    owner: str | None


def standing(
    conn: Connection, upto: int, *, areas: Collection[str] | None = None
) -> list[Standing]:
    """Every concern reported at or before ``upto`` (micros), in report order, with its
    status and owner then; only those of ``areas`` when given."""
    c, e = t.concerns.c, t.concern_events.c
    conds = [c.at <= upto]
    if areas is not None:
        conds.append(c.area.in_(list(areas)))
    q = sa.select(c.key, c.at, c.area, c.category, c.tip).where(*conds)
    rows = plain_rows(conn, q.order_by(c.at, c.id))
    if not rows:
        return []
    status: dict[str, str] = {}
    owner: dict[str, str | None] = {}
    keys = sa.select(c.key).where(*conds)
    events = (
        sa.select(e.concern, e.kind, e.status, e.owner)
        .where(e.at <= upto, e.concern.in_(keys))
        .order_by(e.at, e.id)
    )
    for key, kind, state, who in plain_rows(conn, events):  # the driver's tuples
        if kind == "assign":
            owner[key] = who
        elif state is not None:
            status[key] = state
    received = ConcernStatus.RECEIVED.value
    return [
        Standing(
            str(key),
            int(at),
            str(area),
            str(category),
            bool(tip),
            ConcernStatus(status.get(key, received)),
            owner.get(key),
        )
        for key, at, area, category, tip in rows
    ]


def overdue(
    conn: Connection,
    upto: int,
    settings: Settings,
    tz: str,
    *,
    areas: Collection[str] | None = None,
) -> list[OverdueConcern]:
    """The open concerns past their target at ``upto``: highest level, most days late first."""
    out = []
    for c in standing(conn, upto, areas=areas):
        if c.status not in OPEN_STATUSES:
            continue
        level = settings.target(c.category)
        stage, target = (
            ("acknowledge", level.acknowledge)
            if c.status is ConcernStatus.RECEIVED
            else ("resolve", level.resolve)
        )
        span = duration_micros(target)
        elapsed = upto - c.at
        if elapsed <= span:
            continue
        out.append(
            OverdueConcern(
                key=c.key,
                area=c.area,
                category=c.category,
                status=c.status,
                owner=c.owner,
                stage=stage,
                due=from_micros(c.at + span, tz),
                days_late=(elapsed - span) // MICROS_PER_DAY,
                level=3 if elapsed > 4 * span else 2 if elapsed > 2 * span else 1,
            )
        )
    out.sort(key=lambda o: (-o.level, -o.days_late, o.key))
    return out


def open_counts(
    conn: Connection, upto: int, *, areas: Collection[str] | None = None
) -> dict[str, tuple[int, int]]:
    """Area key -> (open concerns that are not tips, open tips) at ``upto``, for the
    areas the concerns were reported in (no roll-up)."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for c in standing(conn, upto, areas=areas):
        if c.status in OPEN_STATUSES:
            counts[c.area][1 if c.tip else 0] += 1
    return {a: (n[0], n[1]) for a, n in sorted(counts.items())}


def must_be_concerns(conn: Connection, keys: Iterable[str]) -> None:
    """Refuse a key that is not a concern (nor a tip): ``UnknownKeyError`` on ``concern``."""
    wanted = list(dict.fromkeys(keys))
    if not wanted:
        return
    c = t.concerns.c
    known = set(conn.execute(sa.select(c.key).where(c.key.in_(wanted))).scalars())
    for key in wanted:
        if key not in known:
            raise UnknownKeyError(
                f"concern {key!r} is not a concern; report it with crm.concerns.report",
                key=key,
                field="concern",
            )


def linked_plans(
    conn: Connection, concerns: Collection[str] | sa.Select[Any], upto: int
) -> dict[str, list[str]]:
    """Concern key -> the keys of the plans linked to it at or before ``upto`` (micros),
    in key order, for the concerns ``concerns`` (keys, or a select of keys)."""
    pc = t.plan_concerns.c
    out: dict[str, list[str]] = defaultdict(list)
    for concern, plan in conn.execute(
        sa.select(pc.concern, pc.plan)
        .where(pc.at <= upto, pc.concern.in_(concerns))
        .order_by(pc.concern, pc.plan)
    ):
        out[str(concern)].append(str(plan))
    return out
