"""The plans domain: SARA action plans, partners, tasks, goals, measures and reviews.

Plain attrs records; nothing here knows about databases. Allowed phase and task
status changes are data (:data:`PHASE_TRANSITIONS`, :data:`TASK_TRANSITIONS`),
checked in one place (:func:`check_phase`, :func:`check_task_status`).

Examples
--------
>>> from rbp.model._plans import ActionPlan, Phase, Task, TransitionError, check_phase
>>> plan = ActionPlan("p-1", title="Camp on Elm St", problem="Encampment by the creek",
...                   areas=("b-2", "b-1"))
>>> plan.areas, plan.phase
(('b-1', 'b-2'), <Phase.SCANNING: 'scanning'>)
>>> try:
...     check_phase("p-1", Phase.SCANNING, Phase.RESPONSE)
... except TransitionError as exc:
...     print(exc)
plan 'p-1' cannot go from scanning to response; allowed: analysis, closed
>>> Task("t-2", title="Outreach", depends_on=("t-1",)).status
<TaskStatus.OPEN: 'open'>
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable
from typing import Any

import attrs
import pendulum

from rbp._time import aware, optional_aware
from rbp.errors import TransitionError, ValidationError
from rbp.model._directory import Sector, check_key, enum_value

__all__ = [
    "PHASE_TRANSITIONS",
    "TASK_TRANSITIONS",
    "ActionPlan",
    "Direction",
    "Goal",
    "Measure",
    "Partner",
    "PartnerRole",
    "Phase",
    "ProblemTriangle",
    "Review",
    "Task",
    "TaskStatus",
    "TriangleSide",
    "check_phase",
    "check_task_status",
]

# The longest text each field's column holds (rbp._schema must match).
TITLE_LIMIT = 300
TEXT_LIMIT = 10_000


class Phase(enum.Enum):
    """SARA phases: scanning → analysis → response → assessment (→ analysis again)."""

    SCANNING = "scanning"
    ANALYSIS = "analysis"
    RESPONSE = "response"
    ASSESSMENT = "assessment"
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


# --------------------------------------------------------------------------- converters


def _text(value: Any, field: str, limit: int) -> str:
    if not isinstance(value, str):
        raise ValidationError(f"{field} must be text, got {type(value).__name__}", field=field)
    if len(value) > limit:
        raise ValidationError(
            f"{field} is {len(value)} characters long; at most {limit} fit", field=field
        )
    if "\x00" in value or any("\ud800" <= c <= "\udfff" for c in value):
        raise ValidationError(
            f"{field} contains a NUL character or a lone surrogate, which cannot be stored",
            field=field,
        )
    return value


def _sorted_keys(values: Any, field: str) -> tuple[str, ...]:
    if isinstance(values, str):
        values = (values,)
    return tuple(sorted({check_key(v, field) for v in values}))


def _number(value: Any, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValidationError(f"{field} must be a finite number, got {value!r}", field=field)
    return float(value)


def _c_key(value: Any) -> str:
    return check_key(value, "key")


def _c_title(value: Any) -> str:
    return _text(value, "title", TITLE_LIMIT)


def _c_measure_name(value: Any) -> str:
    return _text(value, "measure", TITLE_LIMIT)


def _c_problem(value: Any) -> str:
    return _text(value, "problem", TEXT_LIMIT)


def _c_description(value: Any) -> str:
    return _text(value, "description", TEXT_LIMIT)


def _c_note(value: Any) -> str:
    return _text(value, "note", TEXT_LIMIT)


def _c_decisions(values: Any) -> tuple[str, ...]:
    if isinstance(values, str):
        values = (values,)
    return tuple(_text(v, "decisions", TEXT_LIMIT) for v in values)


def _c_areas(values: Any) -> tuple[str, ...]:
    return _sorted_keys(values, "areas")


def _c_stakeholders(values: Any) -> tuple[str, ...]:
    return _sorted_keys(values, "stakeholders")


def _c_depends_on(values: Any) -> tuple[str, ...]:
    return _sorted_keys(values, "depends_on")


def _c_sectors(values: Any) -> tuple[Sector, ...]:
    if isinstance(values, str | Sector):
        values = (values,)
    found = {enum_value(Sector, "needed_sectors")(v) for v in values}
    return tuple(sorted(found, key=lambda s: s.value))


def _c_phase(value: Any) -> Phase:
    return enum_value(Phase, "phase")(value)


def _c_role(value: Any) -> PartnerRole:
    return enum_value(PartnerRole, "role")(value)


def _c_status(value: Any) -> TaskStatus:
    return enum_value(TaskStatus, "status")(value)


def _c_direction(value: Any) -> Direction:
    return enum_value(Direction, "direction")(value)


def _c_stakeholder(value: Any) -> str:
    return check_key(value, "stakeholder")


def _c_goal(value: Any) -> str:
    return check_key(value, "goal")


def _c_owner(value: Any) -> str | None:
    return None if value is None else check_key(value, "owner")


def _c_due(value: Any) -> pendulum.DateTime | None:
    return optional_aware(value, field="due")


def _c_optional_time(value: Any) -> pendulum.DateTime | None:
    return optional_aware(value, field="at")


def _c_at(value: Any) -> pendulum.DateTime:
    return aware(value, field="at")


def _c_since(value: Any) -> pendulum.DateTime:
    return aware(value, field="since")


def _c_baseline(value: Any) -> float:
    return _number(value, "baseline")


def _c_target(value: Any) -> float:
    return _number(value, "target")


def _c_value(value: Any) -> float:
    return _number(value, "value")


def _c_side(value: Any) -> TriangleSide:
    if isinstance(value, str):
        return TriangleSide(value)
    if not isinstance(value, TriangleSide):
        raise ValidationError("each side of the triangle must be a TriangleSide", field="triangle")
    return value


def _c_triangle(value: Any) -> ProblemTriangle | None:
    if value is not None and not isinstance(value, ProblemTriangle):
        raise ValidationError("triangle must be a ProblemTriangle", field="triangle")
    return value


# --------------------------------------------------------------------------- records


@attrs.frozen
class TriangleSide:
    """One side of the problem-analysis triangle: what is known, and who it involves."""

    description: str = attrs.field(default="", repr=False, converter=_c_description)
    stakeholders: tuple[str, ...] = attrs.field(default=(), converter=_c_stakeholders)


@attrs.frozen
class ProblemTriangle:
    """The problem-analysis triangle: victim (or target), offender, place."""

    victim: TriangleSide = attrs.field(factory=TriangleSide, converter=_c_side)
    offender: TriangleSide = attrs.field(factory=TriangleSide, converter=_c_side)
    place: TriangleSide = attrs.field(factory=TriangleSide, converter=_c_side)

    def sides(self) -> dict[str, TriangleSide]:
        """The three sides by name."""
        return {"victim": self.victim, "offender": self.offender, "place": self.place}


@attrs.frozen
class Partner:
    """A stakeholder taking part in a plan, with a role, since a time."""

    stakeholder: str = attrs.field(converter=_c_stakeholder)
    role: PartnerRole = attrs.field(converter=_c_role)
    since: pendulum.DateTime = attrs.field(converter=_c_since)


@attrs.frozen
class Task:
    """A piece of work with an owner (any stakeholder), a due time and a status.

    A task cannot be done while a task in ``depends_on`` is neither done nor cancelled.
    """

    key: str = attrs.field(converter=_c_key)
    title: str = attrs.field(kw_only=True, converter=_c_title)
    owner: str | None = attrs.field(kw_only=True, default=None, converter=_c_owner)
    due: pendulum.DateTime | None = attrs.field(kw_only=True, default=None, converter=_c_due)
    status: TaskStatus = attrs.field(kw_only=True, default=TaskStatus.OPEN, converter=_c_status)
    depends_on: tuple[str, ...] = attrs.field(kw_only=True, default=(), converter=_c_depends_on)

    def __attrs_post_init__(self) -> None:
        if self.key in self.depends_on:
            raise ValidationError(
                f"task {self.key!r} cannot depend on itself", key=self.key, field="depends_on"
            )


@attrs.frozen
class Goal:
    """What the plan wants to change: a measure, its baseline and target.

    ``direction`` must agree with baseline and target (INCREASE: target above baseline).
    """

    key: str = attrs.field(converter=_c_key)
    measure: str = attrs.field(kw_only=True, converter=_c_measure_name)
    baseline: float = attrs.field(kw_only=True, converter=_c_baseline)
    target: float = attrs.field(kw_only=True, converter=_c_target)
    direction: Direction = attrs.field(kw_only=True, converter=_c_direction)
    due: pendulum.DateTime | None = attrs.field(kw_only=True, default=None, converter=_c_due)

    def __attrs_post_init__(self) -> None:
        up = self.target > self.baseline
        if self.target == self.baseline or up != (self.direction is Direction.INCREASE):
            raise ValidationError(
                f"goal {self.key!r}: target {self.target} does not {self.direction.value} "
                f"from baseline {self.baseline}",
                key=self.key,
                field="target",
            )

    def attainment(self, value: float) -> float:
        """``(value - baseline) / (target - baseline)`` clipped to ``[0, 1]``.

        0 is no better than the baseline (or worse), 1 is the target reached or passed.

        >>> Goal("g", measure="calls", baseline=40, target=20, direction="decrease").attainment(30)
        0.5
        """
        share = (value - self.baseline) / (self.target - self.baseline)
        return min(1.0, max(0.0, share))


@attrs.frozen
class Measure:
    """One reading of a goal's measure at a time."""

    goal: str = attrs.field(converter=_c_goal)
    value: float = attrs.field(converter=_c_value)
    at: pendulum.DateTime = attrs.field(converter=_c_at)


@attrs.frozen
class Review:
    """A meeting note on the plan and the decisions taken. Notes may hold personal data."""

    at: pendulum.DateTime = attrs.field(converter=_c_at)
    note: str = attrs.field(repr=False, converter=_c_note)
    decisions: tuple[str, ...] = attrs.field(default=(), repr=False, converter=_c_decisions)


def _tuple(values: Any) -> tuple[Any, ...]:
    return tuple(values)


@attrs.frozen
class ActionPlan:
    """A collaborative SARA plan. Pass the fields you set to ``crm.plans.create``.

    ``partners``, ``tasks``, ``goals``, ``measures`` and ``reviews`` are filled when
    the plan is read back (``crm.plans.get``), with ``opened`` (when it was created)
    and ``phase_since`` (when its current phase began); leave them empty when creating.
    """

    key: str = attrs.field(converter=_c_key)
    title: str = attrs.field(kw_only=True, converter=_c_title)
    problem: str = attrs.field(kw_only=True, repr=False, converter=_c_problem)
    areas: tuple[str, ...] = attrs.field(kw_only=True, default=(), converter=_c_areas)
    needed_sectors: tuple[Sector, ...] = attrs.field(kw_only=True, default=(), converter=_c_sectors)
    triangle: ProblemTriangle | None = attrs.field(
        kw_only=True, default=None, repr=False, converter=_c_triangle
    )
    phase: Phase = attrs.field(kw_only=True, default=Phase.SCANNING, converter=_c_phase)
    opened: pendulum.DateTime | None = attrs.field(
        kw_only=True, default=None, converter=_c_optional_time
    )
    phase_since: pendulum.DateTime | None = attrs.field(
        kw_only=True, default=None, converter=_c_optional_time
    )
    partners: tuple[Partner, ...] = attrs.field(kw_only=True, default=(), converter=_tuple)
    tasks: tuple[Task, ...] = attrs.field(kw_only=True, default=(), converter=_tuple)
    goals: tuple[Goal, ...] = attrs.field(kw_only=True, default=(), converter=_tuple)
    measures: tuple[Measure, ...] = attrs.field(kw_only=True, default=(), converter=_tuple)
    reviews: tuple[Review, ...] = attrs.field(kw_only=True, default=(), converter=_tuple)

    @property
    def closed(self) -> bool:
        """Whether the plan is closed (and so read-only)."""
        return self.phase is Phase.CLOSED

    def task(self, key: str) -> Task:
        """The task with this key (``KeyError`` if none)."""
        for task in self.tasks:
            if task.key == key:
                return task
        raise KeyError(key)
