"""The plans' SQL for changes: checks against the stored plan, and the rows of a new plan.

Functions of an open write connection; the arguments were checked at the public
boundary (:class:`rbp.plans.Plans`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pendulum
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from rbp import _schema as t
from rbp._queries.concerns import must_be_concerns
from rbp._queries.plan_read import must_load
from rbp.errors import DuplicateKeyError, TransitionError, UnknownKeyError, ValidationError
from rbp.model._plans import FINISHED, ActionPlan, TaskStatus

__all__ = [
    "check_dependencies",
    "check_new_plan",
    "insert_plan",
    "must_be_stakeholder",
    "not_before",
    "open_plan",
]


def open_plan(conn: Connection, key: str, tz: str) -> ActionPlan:
    """The plan as it is now; a closed plan raises TransitionError (read-only)."""
    plan = must_load(conn, key, None, tz)
    if plan.closed:
        raise TransitionError(
            f"plan {key!r} is closed and read-only; nothing can change it",
            key=key,
            field="phase",
        )
    return plan


def not_before(plan: ActionPlan, at: pendulum.DateTime, since: Any, what: str) -> None:
    """Refuse a change dated before ``since``: a plan's changes are recorded in time order."""
    if since is not None and at < since:
        raise ValidationError(
            f"plan {plan.key!r}: {what} at {at} is before {since}; changes are recorded "
            "in time order",
            key=plan.key,
            field="at",
        )


def must_be_stakeholder(conn: Connection, key: str, field: str) -> None:
    """Refuse a key that is not a stakeholder of the directory."""
    s = t.stakeholders.c
    if conn.execute(sa.select(s.key).where(s.key == key)).first() is None:
        raise UnknownKeyError(
            f"{field} {key!r} is not a stakeholder; add it to the directory first",
            key=key,
            field=field,
        )


def check_new_plan(conn: Connection, plan: ActionPlan) -> None:
    """A new plan's key is free, and its areas, concerns and triangle stakeholders exist."""
    if conn.execute(sa.select(t.plans.c.key).where(t.plans.c.key == plan.key)).first():
        raise DuplicateKeyError(
            f"plan {plan.key!r} exists already; choose another key", key=plan.key, field="key"
        )
    known = set(
        conn.execute(sa.select(t.areas.c.key).where(t.areas.c.key.in_(plan.areas))).scalars()
    )
    for area in plan.areas:
        if area not in known:
            raise UnknownKeyError(
                f"area {area!r} is not an area; add it to the directory first",
                key=area,
                field="areas",
            )
    must_be_concerns(conn, plan.concerns)
    if plan.triangle is not None:
        for side in plan.triangle.sides().values():
            for who in side.stakeholders:
                must_be_stakeholder(conn, who, "triangle")


def insert_plan(conn: Connection, plan: ActionPlan, opened: int) -> None:
    """The rows of a new plan: the plan, its areas, concerns (linked when it opens),
    sectors, triangle and first phase."""
    conn.execute(sa.insert(t.plans), [t.plan_row(plan, opened)])
    if plan.areas:
        conn.execute(sa.insert(t.plan_areas), [{"plan": plan.key, "area": a} for a in plan.areas])
    if plan.concerns:
        conn.execute(
            sa.insert(t.plan_concerns),
            [{"plan": plan.key, "concern": c, "at": opened} for c in plan.concerns],
        )
    if plan.needed_sectors:
        conn.execute(
            sa.insert(t.plan_sectors),
            [{"plan": plan.key, "sector": s.value} for s in plan.needed_sectors],
        )
    sides = plan.triangle.sides() if plan.triangle is not None else {}
    if sides:
        conn.execute(
            sa.insert(t.plan_triangle),
            [{"plan": plan.key, "side": n, "description": s.description} for n, s in sides.items()],
        )
        people = [
            {"plan": plan.key, "side": n, "stakeholder": who}
            for n, s in sides.items()
            for who in s.stakeholders
        ]
        if people:
            conn.execute(sa.insert(t.plan_triangle_stakeholders), people)
    conn.execute(
        sa.insert(t.plan_phase_history),
        [{"plan": plan.key, "phase": plan.phase.value, "at": opened, "note": None}],
    )


def check_dependencies(
    task: str, depends_on: Iterable[str], statuses: dict[str, tuple[str, int]]
) -> None:
    """Refuse ``task`` done while a task it depends on is neither done nor cancelled."""
    for dep in depends_on:
        if TaskStatus(statuses[dep][0]) not in FINISHED:
            raise TransitionError(
                f"task {task!r} cannot be done while {dep!r}, which it depends on, is "
                f"{statuses[dep][0]}; finish or cancel {dep!r} first",
                key=task,
                field="status",
            )
