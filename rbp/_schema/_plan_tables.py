"""The tables of action plans: every change is a row with its time, so a plan as it
stood at any T is read back from these tables alone."""

from __future__ import annotations

import sqlalchemy as sa

from rbp._schema._tables import KEY, Micros, metadata

__all__ = [
    "plan_areas",
    "plan_concerns",
    "plan_goals",
    "plan_measures",
    "plan_partners",
    "plan_phase_history",
    "plan_reviews",
    "plan_sectors",
    "plan_task_deps",
    "plan_task_history",
    "plan_tasks",
    "plan_triangle",
    "plan_triangle_stakeholders",
    "plans",
]


def _plan_fk() -> sa.ForeignKey:
    return sa.ForeignKey("plans.key")


plans = sa.Table(
    "plans",
    metadata,
    sa.Column("key", KEY, primary_key=True),
    sa.Column("title", sa.String(300), nullable=False),
    sa.Column("problem", sa.Text, nullable=False),
    sa.Column("opened", Micros, nullable=False),
    sa.Column("has_triangle", sa.Boolean, nullable=False, server_default=sa.false()),
)

plan_areas = sa.Table(
    "plan_areas",
    metadata,
    sa.Column("plan", KEY, _plan_fk(), primary_key=True),
    sa.Column("area", KEY, sa.ForeignKey("areas.key"), primary_key=True, index=True),
)

# A concern (or tip) the plan works on, linked at ``at``: when the plan opened, or later.
plan_concerns = sa.Table(
    "plan_concerns",
    metadata,
    sa.Column("plan", KEY, _plan_fk(), primary_key=True),
    sa.Column("concern", KEY, sa.ForeignKey("concerns.key"), primary_key=True, index=True),
    sa.Column("at", Micros, nullable=False),
)

plan_sectors = sa.Table(
    "plan_sectors",
    metadata,
    sa.Column("plan", KEY, _plan_fk(), primary_key=True),
    sa.Column("sector", sa.String(40), primary_key=True),
)

# One row per side (victim, offender, place) of a plan that has a triangle.
plan_triangle = sa.Table(
    "plan_triangle",
    metadata,
    sa.Column("plan", KEY, _plan_fk(), primary_key=True),
    sa.Column("side", sa.String(10), primary_key=True),
    sa.Column("description", sa.Text, nullable=False),
)

plan_triangle_stakeholders = sa.Table(
    "plan_triangle_stakeholders",
    metadata,
    sa.Column("plan", KEY, _plan_fk(), primary_key=True),
    sa.Column("side", sa.String(10), primary_key=True),
    sa.Column("stakeholder", KEY, sa.ForeignKey("stakeholders.key"), primary_key=True),
)

plan_partners = sa.Table(
    "plan_partners",
    metadata,
    sa.Column("plan", KEY, _plan_fk(), primary_key=True),
    sa.Column("stakeholder", KEY, sa.ForeignKey("stakeholders.key"), primary_key=True, index=True),
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("since", Micros, nullable=False),
)

plan_tasks = sa.Table(
    "plan_tasks",
    metadata,
    sa.Column("plan", KEY, _plan_fk(), primary_key=True),
    sa.Column("key", KEY, primary_key=True),
    sa.Column("title", sa.String(300), nullable=False),
    sa.Column("owner", KEY, sa.ForeignKey("stakeholders.key"), nullable=True),
    sa.Column("due", Micros, nullable=True),
    sa.Column("added", Micros, nullable=False),
)

plan_task_deps = sa.Table(
    "plan_task_deps",
    metadata,
    sa.Column("plan", KEY, _plan_fk(), primary_key=True),
    sa.Column("task", KEY, primary_key=True),
    sa.Column("depends_on", KEY, primary_key=True),
)

# Every status a task has had, from when; the first row is its status when added.
plan_task_history = sa.Table(
    "plan_task_history",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("plan", KEY, _plan_fk(), nullable=False),
    sa.Column("task", KEY, nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("at", Micros, nullable=False),
    sa.Index("ix_plan_task_history_plan_task", "plan", "task"),
)

plan_goals = sa.Table(
    "plan_goals",
    metadata,
    sa.Column("plan", KEY, _plan_fk(), primary_key=True),
    sa.Column("key", KEY, primary_key=True),
    sa.Column("measure", sa.String(300), nullable=False),
    sa.Column("baseline", sa.Double, nullable=False),
    sa.Column("target", sa.Double, nullable=False),
    sa.Column("direction", sa.String(10), nullable=False),
    sa.Column("due", Micros, nullable=True),
    sa.Column("added", Micros, nullable=False),
)

plan_measures = sa.Table(
    "plan_measures",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("plan", KEY, _plan_fk(), nullable=False),
    sa.Column("goal", KEY, nullable=False),
    sa.Column("value", sa.Double, nullable=False),
    sa.Column("at", Micros, nullable=False),
    sa.Index("ix_plan_measures_plan_goal", "plan", "goal"),
)

plan_reviews = sa.Table(
    "plan_reviews",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("plan", KEY, _plan_fk(), nullable=False, index=True),
    sa.Column("at", Micros, nullable=False),
    sa.Column("note", sa.Text, nullable=False),
    sa.Column("decisions", sa.Text, nullable=False),  # a JSON list of strings
)

plan_phase_history = sa.Table(
    "plan_phase_history",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("plan", KEY, _plan_fk(), nullable=False, index=True),
    sa.Column("phase", sa.String(20), nullable=False),
    sa.Column("at", Micros, nullable=False),
    sa.Column("note", sa.Text, nullable=True),
)
