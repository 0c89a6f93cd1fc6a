"""Rows <-> plan records: plans, triangles, partners, tasks, goals, measures, reviews."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from rbp._schema._rows import instant, micros
from rbp._time import from_micros, to_micros
from rbp.model._plans import (
    ActionPlan,
    Direction,
    Goal,
    Measure,
    Partner,
    PartnerRole,
    ProblemTriangle,
    Review,
    Task,
    TaskStatus,
    TriangleSide,
)

__all__ = [
    "goal_from_row",
    "goal_row",
    "measure_from_row",
    "partner_from_row",
    "plan_row",
    "review_from_row",
    "review_row",
    "task_from_row",
    "task_row",
    "triangle_from_rows",
]


def plan_row(plan: ActionPlan, opened: int) -> dict[str, Any]:
    """The ``plans`` row of a new plan (areas, concerns, sectors, triangle and phase go
    elsewhere)."""
    return {
        "key": plan.key,
        "title": plan.title,
        "problem": plan.problem,
        "opened": opened,
        "has_triangle": plan.triangle is not None,
    }


def triangle_from_rows(
    sides: Mapping[str, str], people: Mapping[str, Sequence[str]]
) -> ProblemTriangle:
    """The triangle of a plan from its side descriptions and stakeholders by side."""
    return ProblemTriangle(
        victim=TriangleSide(sides.get("victim", ""), tuple(people.get("victim", ()))),
        offender=TriangleSide(sides.get("offender", ""), tuple(people.get("offender", ()))),
        place=TriangleSide(sides.get("place", ""), tuple(people.get("place", ()))),
    )


def partner_from_row(row: Mapping[Any, Any], tz: str) -> Partner:
    return Partner(row["stakeholder"], PartnerRole(row["role"]), from_micros(row["since"], tz))


def task_row(plan: str, task: Task, added: int) -> dict[str, Any]:
    return {
        "plan": plan,
        "key": task.key,
        "title": task.title,
        "owner": task.owner,
        "due": micros(task.due),
        "added": added,
    }


def task_from_row(
    row: Mapping[Any, Any], *, status: str, depends_on: Sequence[str], tz: str
) -> Task:
    return Task(
        row["key"],
        title=row["title"],
        owner=row["owner"],
        due=instant(row["due"], tz),
        status=TaskStatus(status),
        depends_on=tuple(depends_on),
    )


def goal_row(plan: str, goal: Goal, added: int) -> dict[str, Any]:
    return {
        "plan": plan,
        "key": goal.key,
        "measure": goal.measure,
        "baseline": goal.baseline,
        "target": goal.target,
        "direction": goal.direction.value,
        "due": micros(goal.due),
        "added": added,
    }


def goal_from_row(row: Mapping[Any, Any], tz: str) -> Goal:
    return Goal(
        row["key"],
        measure=row["measure"],
        baseline=float(row["baseline"]),
        target=float(row["target"]),
        direction=Direction(row["direction"]),
        due=instant(row["due"], tz),
    )


def measure_from_row(row: Mapping[Any, Any], tz: str) -> Measure:
    return Measure(row["goal"], float(row["value"]), from_micros(row["at"], tz))


def review_row(plan: str, review: Review) -> dict[str, Any]:
    return {
        "plan": plan,
        "at": to_micros(review.at),
        "note": review.note,
        "decisions": json.dumps(list(review.decisions)),
    }


def review_from_row(row: Mapping[Any, Any], tz: str) -> Review:
    return Review(
        from_micros(row["at"], tz), row["note"], decisions=tuple(json.loads(row["decisions"]))
    )
