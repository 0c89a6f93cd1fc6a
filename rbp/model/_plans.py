# mypy: disable-error-code="misc"
# mypy's attrs plugin does not read attrs.Converter(..., takes_field=True) yet ("Unsupported
# converter"); it types such a field's __init__ parameter as Any, as the per-field
# wrapper functions did before. Every field rule lives in rbp.model._fields.
"""The plans domain: SARA action plans, partners, tasks, goals, measures and reviews.

Plain attrs records; nothing here knows about databases. The phases, task statuses
and the moves allowed between them live in :mod:`rbp.model._plan_states`.

Examples
--------
>>> from rbp.model._plans import ActionPlan, Task
>>> plan = ActionPlan("p-1", title="Camp on Elm St", problem="Encampment by the creek",
...                   areas=("b-2", "b-1"))
>>> plan.areas, plan.phase
(('b-1', 'b-2'), <Phase.SCANNING: 'scanning'>)
>>> Task("t-2", title="Outreach", depends_on=("t-1",)).status
<TaskStatus.OPEN: 'open'>
"""

from __future__ import annotations

from typing import Any

import attrs
import pendulum

from rbp.errors import UnknownKeyError, ValidationError
from rbp.model import _fields as f
from rbp.model._kinds import Sector
from rbp.model._plan_states import (
    FINISHED,
    PHASE_TRANSITIONS,
    TASK_TRANSITIONS,
    Direction,
    PartnerRole,
    Phase,
    PlanState,
    TaskStatus,
    TransitionError,
    check_phase,
    check_task_status,
)

__all__ = [
    "FINISHED",
    "PHASE_TRANSITIONS",
    "TASK_TRANSITIONS",
    "ActionPlan",
    "Direction",
    "Goal",
    "Measure",
    "Partner",
    "PartnerRole",
    "Phase",
    "PlanState",
    "ProblemTriangle",
    "Review",
    "Task",
    "TaskStatus",
    "TransitionError",
    "TriangleSide",
    "check_phase",
    "check_task_status",
]

# The longest text each field's column holds (rbp._schema must match).
TITLE_LIMIT = 300
TEXT_LIMIT = 10_000


def _side(value: Any) -> TriangleSide:
    if isinstance(value, str):
        return TriangleSide(value)
    if not isinstance(value, TriangleSide):
        raise ValidationError("each side of the triangle must be a TriangleSide", field="triangle")
    return value


def _triangle(value: Any) -> ProblemTriangle | None:
    if value is not None and not isinstance(value, ProblemTriangle):
        raise ValidationError("triangle must be a ProblemTriangle", field="triangle")
    return value


# --------------------------------------------------------------------------- records


@attrs.frozen
class TriangleSide:
    """One side of the problem-analysis triangle: what is known, and who it involves.

    Examples
    --------
    >>> from rbp.plans import TriangleSide
    >>> side = TriangleSide("Tents along the creek path", stakeholders=("m-17",))
    >>> side.stakeholders
    ('m-17',)
    """

    description: str = attrs.field(default="", repr=False, converter=f.text(TEXT_LIMIT))
    stakeholders: tuple[str, ...] = attrs.field(default=(), converter=f.keys())


@attrs.frozen
class ProblemTriangle:
    """The problem-analysis triangle: victim (or target), offender, place.

    Examples
    --------
    >>> from rbp.plans import ProblemTriangle, TriangleSide
    >>> tri = ProblemTriangle(place=TriangleSide("Creek path", stakeholders=("org-parks",)))
    >>> {name: side.stakeholders for name, side in tri.sides().items()}
    {'victim': (), 'offender': (), 'place': ('org-parks',)}
    """

    victim: TriangleSide = attrs.field(factory=TriangleSide, converter=_side)
    offender: TriangleSide = attrs.field(factory=TriangleSide, converter=_side)
    place: TriangleSide = attrs.field(factory=TriangleSide, converter=_side)

    def sides(self) -> dict[str, TriangleSide]:
        """The three sides by name."""
        return {"victim": self.victim, "offender": self.offender, "place": self.place}


@attrs.frozen
class Partner:
    """A stakeholder taking part in a plan, with a role, since a time.

    Read back in ``ActionPlan.partners``; add one with ``crm.plans.add_partner``.

    Examples
    --------
    >>> from rbp.plans import Partner
    >>> p = Partner("org-dmh", "partner", pendulum.datetime(2026, 3, 2))
    >>> p.role.value, p.since.to_date_string()
    ('partner', '2026-03-02')
    """

    stakeholder: str = attrs.field(converter=f.key())
    role: PartnerRole = attrs.field(converter=f.choice(PartnerRole))
    since: pendulum.DateTime = attrs.field(converter=f.time(optional=False))


@attrs.frozen
class Task:
    """A piece of work with an owner (any stakeholder), a due time and a status.

    A task cannot be done while a task in ``depends_on`` is neither done nor cancelled.

    Examples
    --------
    >>> from rbp.plans import Task
    >>> t = Task("t-2", title="Outreach visit", owner="P1234", depends_on=("t-1",))
    >>> t.status.value, t.depends_on
    ('open', ('t-1',))
    """

    key: str = attrs.field(converter=f.key())
    title: str = attrs.field(kw_only=True, converter=f.text(TITLE_LIMIT))
    owner: str | None = attrs.field(kw_only=True, default=None, converter=f.key(optional=True))
    due: pendulum.DateTime | None = attrs.field(kw_only=True, default=None, converter=f.time())
    status: TaskStatus = attrs.field(
        kw_only=True, default=TaskStatus.OPEN, converter=f.choice(TaskStatus)
    )
    depends_on: tuple[str, ...] = attrs.field(kw_only=True, default=(), converter=f.keys())

    def __attrs_post_init__(self) -> None:
        if self.key in self.depends_on:
            raise ValidationError(
                f"task {self.key!r} cannot depend on itself", key=self.key, field="depends_on"
            )


@attrs.frozen
class Goal:
    """What the plan wants to change: a measure, its baseline and target.

    ``direction`` must agree with baseline and target (INCREASE: target above baseline).

    Examples
    --------
    >>> from rbp.plans import Goal
    >>> g = Goal("g-calls", measure="calls for service a month", baseline=40, target=20,
    ...          direction="decrease")
    >>> g.attainment(30), g.attainment(10)
    (0.5, 1.0)
    """

    key: str = attrs.field(converter=f.key())
    measure: str = attrs.field(kw_only=True, converter=f.text(TITLE_LIMIT))
    baseline: float = attrs.field(kw_only=True, converter=f.number())
    target: float = attrs.field(kw_only=True, converter=f.number())
    direction: Direction = attrs.field(kw_only=True, converter=f.choice(Direction))
    due: pendulum.DateTime | None = attrs.field(kw_only=True, default=None, converter=f.time())

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
    """One reading of a goal's measure at a time.

    Read back in ``ActionPlan.measures``; record one with ``crm.plans.record_measure``.

    Examples
    --------
    >>> from rbp.plans import Measure
    >>> m = Measure("g-calls", 31, pendulum.datetime(2026, 5, 1))
    >>> m.goal, m.value
    ('g-calls', 31.0)
    """

    goal: str = attrs.field(converter=f.key())
    value: float = attrs.field(converter=f.number())
    at: pendulum.DateTime = attrs.field(converter=f.time(optional=False))


@attrs.frozen
class Review:
    """A meeting note on the plan and the decisions taken. Notes may hold personal data.

    Examples
    --------
    >>> from rbp.plans import Review
    >>> r = Review(pendulum.datetime(2026, 4, 1), "Partners met at the library",
    ...            decisions=("Weekly outreach",))
    >>> r.decisions
    ('Weekly outreach',)
    >>> "library" in repr(r)    # notes stay out of reprs
    False
    """

    at: pendulum.DateTime = attrs.field(converter=f.time(optional=False))
    note: str = attrs.field(repr=False, converter=f.text(TEXT_LIMIT))
    decisions: tuple[str, ...] = attrs.field(default=(), repr=False, converter=f.texts(TEXT_LIMIT))


@attrs.frozen
class ActionPlan:
    """A collaborative SARA plan. Pass the fields you set to ``crm.plans.create``.

    ``concerns`` are the keys of the concerns (or tips) the plan works on
    (``crm.concerns``), kept sorted: those given here are linked when the plan opens,
    more later with ``crm.plans.link_concern``.

    ``partners``, ``tasks``, ``goals``, ``measures`` and ``reviews`` are filled when
    the plan is read back (``crm.plans.get``), with ``opened`` (when it was created)
    and ``phase_since`` (when its current phase began); leave them empty when creating.

    Examples
    --------
    >>> from rbp.plans import ActionPlan
    >>> plan = ActionPlan("p-1", title="Creek camp", problem="Encampment by the path",
    ...                   areas=("b-0111",), needed_sectors=("mental_health", "housing"),
    ...                   concerns=("C-000002", "C-000001"))
    >>> plan.phase.value, plan.closed, [s.value for s in plan.needed_sectors]
    ('scanning', False, ['housing', 'mental_health'])
    >>> plan.concerns
    ('C-000001', 'C-000002')
    """

    key: str = attrs.field(converter=f.key())
    title: str = attrs.field(kw_only=True, converter=f.text(TITLE_LIMIT))
    problem: str = attrs.field(kw_only=True, repr=False, converter=f.text(TEXT_LIMIT))
    areas: tuple[str, ...] = attrs.field(kw_only=True, default=(), converter=f.keys())
    concerns: tuple[str, ...] = attrs.field(kw_only=True, default=(), converter=f.keys())
    needed_sectors: tuple[Sector, ...] = attrs.field(
        kw_only=True, default=(), converter=f.choices(Sector)
    )
    triangle: ProblemTriangle | None = attrs.field(
        kw_only=True, default=None, repr=False, converter=_triangle
    )
    phase: Phase = attrs.field(kw_only=True, default=Phase.SCANNING, converter=f.choice(Phase))
    opened: pendulum.DateTime | None = attrs.field(kw_only=True, default=None, converter=f.time())
    phase_since: pendulum.DateTime | None = attrs.field(
        kw_only=True, default=None, converter=f.time()
    )
    partners: tuple[Partner, ...] = attrs.field(
        kw_only=True, default=(), converter=f.records(Partner)
    )
    tasks: tuple[Task, ...] = attrs.field(kw_only=True, default=(), converter=f.records(Task))
    goals: tuple[Goal, ...] = attrs.field(kw_only=True, default=(), converter=f.records(Goal))
    measures: tuple[Measure, ...] = attrs.field(
        kw_only=True, default=(), converter=f.records(Measure)
    )
    reviews: tuple[Review, ...] = attrs.field(kw_only=True, default=(), converter=f.records(Review))

    @property
    def closed(self) -> bool:
        """Whether the plan is closed (and so read-only)."""
        return self.phase is Phase.CLOSED

    def task(self, key: str) -> Task:
        """The task with this key.

        Parameters
        ----------
        key
            The task's key.

        Returns
        -------
        Task
            The task.

        Raises
        ------
        UnknownKeyError
            The plan has no task with this key (it is also a ``KeyError``).

        Examples
        --------
        >>> from rbp.plans import ActionPlan, Task
        >>> plan = ActionPlan("p-1", title="Park", problem="Dark path", areas=("b-1",),
        ...                   tasks=(Task("t-1", title="Lights"),))
        >>> plan.task("t-1").title
        'Lights'
        >>> plan.task("t-9")
        Traceback (most recent call last):
        rbp.errors.UnknownKeyError: plan p-1 has no task 't-9'; its tasks: t-1
        """
        for task in self.tasks:
            if task.key == key:
                return task
        known = ", ".join(t.key for t in self.tasks) or "none"
        raise UnknownKeyError(
            f"plan {self.key} has no task {key!r}; its tasks: {known}", key=str(key), field="task"
        )


# Users import these from ``rbp.plans``: reprs and docs show that path.
for _cls in (ActionPlan, Goal, Measure, Partner, ProblemTriangle, Review, Task, TriangleSide):
    _cls.__module__ = "rbp.plans"

# The classes show their public path, so doctest would look for their examples there;
# point it at them here.
__test__ = {
    c.__name__: c
    for c in (ActionPlan, Goal, Measure, Partner, ProblemTriangle, Review, Task, TriangleSide)
}
