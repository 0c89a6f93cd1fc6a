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
    PlanState,
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
    "PlanState",
    "PlanStatus",
    "Plans",
    "ProblemTriangle",
    "Review",
    "Task",
    "TaskStatus",
    "TriangleSide",
]

# Users import these from ``rbp.plans``: reprs and docs show that path.
for _cls in (OverdueTask, PlanStatus, Plans):
    _cls.__module__ = __name__
