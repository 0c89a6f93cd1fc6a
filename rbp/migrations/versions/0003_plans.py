"""Plans: action plans, their areas, sectors, triangle, partners, tasks, goals, history.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

KEY = sa.String(200)


def _plan() -> sa.Column[str]:
    return sa.Column("plan", KEY, sa.ForeignKey("plans.key"), primary_key=True)


def _plan_ref() -> sa.Column[str]:
    return sa.Column("plan", KEY, sa.ForeignKey("plans.key"), nullable=False)


def upgrade() -> None:
    op.create_table(
        "plans",
        sa.Column("key", KEY, primary_key=True),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("problem", sa.Text, nullable=False),
        sa.Column("opened", sa.BigInteger, nullable=False),
        sa.Column("has_triangle", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.create_table(
        "plan_areas",
        _plan(),
        sa.Column("area", KEY, sa.ForeignKey("areas.key"), primary_key=True),
    )
    op.create_index("ix_plan_areas_area", "plan_areas", ["area"])
    op.create_table(
        "plan_sectors",
        _plan(),
        sa.Column("sector", sa.String(40), primary_key=True),
    )
    op.create_table(
        "plan_triangle",
        _plan(),
        sa.Column("side", sa.String(10), primary_key=True),
        sa.Column("description", sa.Text, nullable=False),
    )
    op.create_table(
        "plan_triangle_stakeholders",
        _plan(),
        sa.Column("side", sa.String(10), primary_key=True),
        sa.Column("stakeholder", KEY, sa.ForeignKey("stakeholders.key"), primary_key=True),
    )
    op.create_table(
        "plan_partners",
        _plan(),
        sa.Column("stakeholder", KEY, sa.ForeignKey("stakeholders.key"), primary_key=True),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("since", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_plan_partners_stakeholder", "plan_partners", ["stakeholder"])
    op.create_table(
        "plan_tasks",
        _plan(),
        sa.Column("key", KEY, primary_key=True),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("owner", KEY, sa.ForeignKey("stakeholders.key"), nullable=True),
        sa.Column("due", sa.BigInteger, nullable=True),
        sa.Column("added", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "plan_task_deps",
        _plan(),
        sa.Column("task", KEY, primary_key=True),
        sa.Column("depends_on", KEY, primary_key=True),
    )
    op.create_table(
        "plan_task_history",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        _plan_ref(),
        sa.Column("task", KEY, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("at", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_plan_task_history_plan_task", "plan_task_history", ["plan", "task"])
    op.create_table(
        "plan_goals",
        _plan(),
        sa.Column("key", KEY, primary_key=True),
        sa.Column("measure", sa.String(300), nullable=False),
        sa.Column("baseline", sa.Double, nullable=False),
        sa.Column("target", sa.Double, nullable=False),
        sa.Column("direction", sa.String(10), nullable=False),
        sa.Column("due", sa.BigInteger, nullable=True),
        sa.Column("added", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "plan_measures",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        _plan_ref(),
        sa.Column("goal", KEY, nullable=False),
        sa.Column("value", sa.Double, nullable=False),
        sa.Column("at", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_plan_measures_plan_goal", "plan_measures", ["plan", "goal"])
    op.create_table(
        "plan_reviews",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        _plan_ref(),
        sa.Column("at", sa.BigInteger, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("decisions", sa.Text, nullable=False),
    )
    op.create_index("ix_plan_reviews_plan", "plan_reviews", ["plan"])
    op.create_table(
        "plan_phase_history",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        _plan_ref(),
        sa.Column("phase", sa.String(20), nullable=False),
        sa.Column("at", sa.BigInteger, nullable=False),
        sa.Column("note", sa.Text, nullable=True),
    )
    op.create_index("ix_plan_phase_history_plan", "plan_phase_history", ["plan"])


def downgrade() -> None:
    for table in (
        "plan_phase_history",
        "plan_reviews",
        "plan_measures",
        "plan_goals",
        "plan_task_history",
        "plan_task_deps",
        "plan_tasks",
        "plan_partners",
        "plan_triangle_stakeholders",
        "plan_triangle",
        "plan_sectors",
        "plan_areas",
        "plans",
    ):
        op.drop_table(table)
