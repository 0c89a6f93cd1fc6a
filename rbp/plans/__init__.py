"""Collaborative action plans (``crm.plans``): SARA phases, partners, tasks, goals.

``crm.plans`` is a :class:`Plans`; the records are plain attrs classes.
"""

from __future__ import annotations

from rbp.plans._model import (
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
from rbp.plans._status import OverdueTask, PlanStatus

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
