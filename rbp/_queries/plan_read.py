"""Reading a plan back as it stood at a time T, from its rows and their times."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from rbp import _schema as t
from rbp._time import from_micros
from rbp.errors import UnknownKeyError
from rbp.model import Sector
from rbp.model._plans import ActionPlan, Phase

__all__ = ["load_plan", "must_load", "phase_row"]


def _upto(column: sa.ColumnElement[Any], at: int | None) -> sa.ColumnElement[bool]:
    return sa.true() if at is None else column <= at


def phase_row(conn: Connection, key: str, at: int | None) -> tuple[Phase, int, int] | None:
    """(phase, since, row id) of the plan's phase at ``at`` (``None``: the newest)."""
    h = t.plan_phase_history.c
    q = (
        sa.select(h.phase, h.at, h.id)
        .where(h.plan == key, _upto(h.at, at))
        .order_by(h.at.desc(), h.id.desc())
        .limit(1)
    )
    row = conn.execute(q).first()
    return None if row is None else (Phase(row[0]), int(row[1]), int(row[2]))


def task_statuses(conn: Connection, key: str, at: int | None) -> dict[str, tuple[str, int]]:
    """Each task's (status, since) at ``at``: its newest history row up to then."""
    h = t.plan_task_history.c
    out: dict[str, tuple[str, int]] = {}
    q = sa.select(h.task, h.status, h.at).where(h.plan == key, _upto(h.at, at)).order_by(h.at, h.id)
    for task, status, when in conn.execute(q):
        out[task] = (status, int(when))
    return out


def load_plan(conn: Connection, key: str, at: int | None, tz: str) -> ActionPlan | None:
    """The plan ``key`` as it stood at ``at`` (microseconds; ``None``: as it is now).

    ``None`` when there is no such plan or it was opened after ``at``.
    """
    row = conn.execute(sa.select(t.plans).where(t.plans.c.key == key)).mappings().first()
    if row is None or (at is not None and row["opened"] > at):
        return None
    phase = phase_row(conn, key, at)
    assert phase is not None  # create() writes the first phase at ``opened``
    areas = conn.execute(sa.select(t.plan_areas.c.area).where(t.plan_areas.c.plan == key)).scalars()
    pc = t.plan_concerns.c
    concerns = conn.execute(
        sa.select(pc.concern).where(pc.plan == key, _upto(pc.at, at)).order_by(pc.concern)
    ).scalars()
    sectors = conn.execute(
        sa.select(t.plan_sectors.c.sector).where(t.plan_sectors.c.plan == key)
    ).scalars()
    triangle = None
    if row["has_triangle"]:
        tr, ts = t.plan_triangle.c, t.plan_triangle_stakeholders.c
        sides = {
            r.side: r.description
            for r in conn.execute(sa.select(tr.side, tr.description).where(tr.plan == key))
        }
        people: dict[str, list[str]] = defaultdict(list)
        for side, who in conn.execute(sa.select(ts.side, ts.stakeholder).where(ts.plan == key)):
            people[side].append(who)
        triangle = t.triangle_from_rows(sides, people)
    p = t.plan_partners.c
    partners = [
        t.partner_from_row(r, tz)
        for r in conn.execute(
            sa.select(t.plan_partners)
            .where(p.plan == key, _upto(p.since, at))
            .order_by(p.stakeholder)
        ).mappings()
    ]
    statuses = task_statuses(conn, key, at)
    d = t.plan_task_deps.c
    deps: dict[str, list[str]] = defaultdict(list)
    for task, dep in conn.execute(sa.select(d.task, d.depends_on).where(d.plan == key)):
        deps[task].append(dep)
    k = t.plan_tasks.c
    tasks = [
        t.task_from_row(r, status=statuses[r["key"]][0], depends_on=deps[r["key"]], tz=tz)
        for r in conn.execute(
            sa.select(t.plan_tasks).where(k.plan == key, _upto(k.added, at)).order_by(k.key)
        ).mappings()
    ]
    g = t.plan_goals.c
    goals = [
        t.goal_from_row(r, tz)
        for r in conn.execute(
            sa.select(t.plan_goals).where(g.plan == key, _upto(g.added, at)).order_by(g.key)
        ).mappings()
    ]
    m = t.plan_measures.c
    measures = [
        t.measure_from_row(r, tz)
        for r in conn.execute(
            sa.select(t.plan_measures)
            .where(m.plan == key, _upto(m.at, at))
            .order_by(m.goal, m.at, m.id)
        ).mappings()
    ]
    v = t.plan_reviews.c
    reviews = [
        t.review_from_row(r, tz)
        for r in conn.execute(
            sa.select(t.plan_reviews).where(v.plan == key, _upto(v.at, at)).order_by(v.at, v.id)
        ).mappings()
    ]
    return ActionPlan(
        key,
        title=row["title"],
        problem=row["problem"],
        areas=tuple(areas),
        concerns=tuple(concerns),
        needed_sectors=tuple(Sector(s) for s in sectors),
        triangle=triangle,
        phase=phase[0],
        opened=from_micros(row["opened"], tz),
        phase_since=from_micros(phase[1], tz),
        partners=partners,
        tasks=tasks,
        goals=goals,
        measures=measures,
        reviews=reviews,
    )


def must_load(conn: Connection, key: str, at: int | None, tz: str) -> ActionPlan:
    """Like :func:`load_plan`, but an unknown plan raises :class:`UnknownKeyError`."""
    plan = load_plan(conn, key, at, tz)
    if plan is None:
        when = "" if at is None else f" at {from_micros(at, tz)}"
        raise UnknownKeyError(
            f"no plan {key!r}{when}; create it with crm.plans.create", key=key, field="plan"
        )
    return plan
