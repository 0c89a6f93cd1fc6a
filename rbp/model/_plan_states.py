"""The plans' state machine: SARA phases, task statuses, and the moves allowed between them.

Allowed phase and task status changes are data (:data:`PHASE_TRANSITIONS`,
:data:`TASK_TRANSITIONS`), checked in one place (:func:`check_phase`,
:func:`check_task_status`).

Examples
--------
>>> from rbp.model._plan_states import Phase, TransitionError, check_phase
>>> try:
...     check_phase("p-1", Phase.SCANNING, Phase.RESPONSE)
... except TransitionError as exc:
...     print(exc)
plan 'p-1' cannot go from scanning to response; allowed: analysis, closed
"""

from __future__ import annotations

import enum
from collections.abc import Iterable

from rbp.errors import TransitionError

__all__ = [
    "FINISHED",
    "PHASE_TRANSITIONS",
    "TASK_TRANSITIONS",
    "Direction",
    "PartnerRole",
    "Phase",
    "PlanState",
    "TaskStatus",
    "TransitionError",
    "check_phase",
    "check_task_status",
]


class Phase(enum.Enum):
    """SARA phases: scanning → analysis → response → assessment (→ analysis again)."""

    SCANNING = "scanning"
    ANALYSIS = "analysis"
    RESPONSE = "response"
    ASSESSMENT = "assessment"
    CLOSED = "closed"


class PlanState(enum.Enum):
    """Whether a plan is open (any phase but closed) or closed; a filter of ``find``."""

    OPEN = "open"
    CLOSED = "closed"


class PartnerRole(enum.Enum):
    """What a partner does in a plan."""

    LEAD = "lead"
    PARTNER = "partner"
    COMMUNITY_LEADER = "community_leader"
    ADVISOR = "advisor"


class TaskStatus(enum.Enum):
    """Where a task stands."""

    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    BLOCKED = "blocked"
    CANCELLED = "cancelled"


class Direction(enum.Enum):
    """Whether a goal wants its measure to go up or down."""

    INCREASE = "increase"
    DECREASE = "decrease"


PHASE_TRANSITIONS: dict[Phase, frozenset[Phase]] = {
    Phase.SCANNING: frozenset({Phase.ANALYSIS, Phase.CLOSED}),
    Phase.ANALYSIS: frozenset({Phase.RESPONSE, Phase.CLOSED}),
    Phase.RESPONSE: frozenset({Phase.ASSESSMENT, Phase.CLOSED}),
    Phase.ASSESSMENT: frozenset({Phase.ANALYSIS, Phase.CLOSED}),
    Phase.CLOSED: frozenset(),
}
"""The phases each phase may move to. A closed plan is read-only."""

TASK_TRANSITIONS: dict[TaskStatus, frozenset[TaskStatus]] = {
    TaskStatus.OPEN: frozenset(
        {TaskStatus.IN_PROGRESS, TaskStatus.DONE, TaskStatus.BLOCKED, TaskStatus.CANCELLED}
    ),
    TaskStatus.IN_PROGRESS: frozenset(
        {TaskStatus.DONE, TaskStatus.BLOCKED, TaskStatus.CANCELLED, TaskStatus.OPEN}
    ),
    TaskStatus.BLOCKED: frozenset({TaskStatus.OPEN, TaskStatus.IN_PROGRESS, TaskStatus.CANCELLED}),
    TaskStatus.DONE: frozenset({TaskStatus.OPEN}),
    TaskStatus.CANCELLED: frozenset({TaskStatus.OPEN}),
}
"""The statuses each task status may move to (done and cancelled may be reopened)."""

FINISHED = frozenset({TaskStatus.DONE, TaskStatus.CANCELLED})
"""Statuses that let a dependent task be done."""


def _allowed(values: Iterable[enum.Enum]) -> str:
    names = sorted(v.value for v in values)
    return ", ".join(names) if names else "nothing (it is final)"


def check_phase(plan: str, old: Phase, new: Phase) -> None:
    """Raise :class:`~rbp.errors.TransitionError` unless ``old`` may move to ``new``."""
    if new not in PHASE_TRANSITIONS[old]:
        raise TransitionError(
            f"plan {plan!r} cannot go from {old.value} to {new.value}; "
            f"allowed: {_allowed(PHASE_TRANSITIONS[old])}",
            key=plan,
            field="phase",
        )


def check_task_status(task: str, old: TaskStatus, new: TaskStatus) -> None:
    """Raise :class:`~rbp.errors.TransitionError` unless ``old`` may move to ``new``."""
    if new not in TASK_TRANSITIONS[old]:
        raise TransitionError(
            f"task {task!r} cannot go from {old.value} to {new.value}; "
            f"allowed: {_allowed(TASK_TRANSITIONS[old])}",
            key=task,
            field="status",
        )


# Users import these from ``rbp.plans``: reprs and docs show that path.
for _cls in (Direction, PartnerRole, Phase, PlanState, TaskStatus):
    _cls.__module__ = "rbp.plans"
