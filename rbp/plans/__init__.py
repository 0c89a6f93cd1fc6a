"""Collaborative action plans (``crm.plans``): SARA phases, partners, tasks, goals.

``crm.plans`` is a :class:`Plans`; the records are plain attrs classes.
"""

from __future__ import annotations

from rbp._queries.plan_status import OverdueTask, PlanStatus
from rbp.model._plans import (
    ActionPlan,
    Direction,
    Goal,
    Measure,
    Partner,
    PartnerRole,
    Phase,
    ProblemTriangle,
    Review,
    Task,
    TaskStatus,
    TriangleSide,
)
from rbp.plans._service import Plans

__all__ = [
    "ActionPlan",
    "Direction",
    "Goal",
    "Measure",
    "OverdueTask",
    "Partner",
    "PartnerRole",
    "Phase",
    "PlanStatus",
    "Plans",
    "ProblemTriangle",
    "Review",
    "Task",
    "TaskStatus",
    "TriangleSide",
]
