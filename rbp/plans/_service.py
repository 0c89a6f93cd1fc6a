"""The plans namespace (``crm.plans``).

Every change is one write transaction, checked before anything is written, and
recorded in the audit trail (entity ``"plan"``, key the plan's key). Every change
carries its time ``at`` (default: the store's clock) so that ``get(key, as_of=T)``
and ``status(key, as_of=T)`` answer as the plan stood at T.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import pendulum
import sqlalchemy as sa

from rbp import _args
from rbp import _schema as t
from rbp._queries.plan_read import task_statuses
from rbp._time import from_micros, to_micros
from rbp.errors import (
    DuplicateKeyError,
    UnknownKeyError,
    ValidationError,
)
from rbp.model._plans import (
    TEXT_LIMIT,
    ActionPlan,
    Goal,
    Measure,
    PartnerRole,
    Phase,
    Review,
    Task,
    TaskStatus,
    check_phase,
    check_task_status,
)
from rbp.plans import _sql as sql
from rbp.plans._reads import PlanReads

if TYPE_CHECKING:
    from rbp._unit import UnitOfWork

__all__ = ["Plans"]

_FIND_COLUMNS = ("key", "title", "phase", "areas", "needed_sectors", "opened", "phase_since")


class Plans(PlanReads):
    """Collaborative action plans of one store (SARA phases, partners, tasks, goals).

    Examples
    --------
    >>> import pendulum, rbp
    >>> from rbp.plans import ActionPlan, PartnerRole, Phase, Task, TaskStatus
    >>> crm = rbp.open(tz="America/Chicago")
    >>> crm.directory.add_many([rbp.Area("b-1"), rbp.Officer("P1"),
    ...                         rbp.PartnerAgency("org-dmh", sector="mental_health")])
    3
    >>> t0 = pendulum.datetime(2026, 3, 2, 9, tz="America/Chicago")
    >>> crm.plans.create(ActionPlan("p-1", title="Creek camp", problem="Encampment",
    ...                             areas=("b-1",), needed_sectors=("mental_health", "housing")),
    ...                  at=t0)
    >>> crm.plans.add_partner("p-1", "org-dmh", PartnerRole.PARTNER, at=t0)
    >>> crm.plans.add_task("p-1", Task("t-1", title="Count tents", owner="P1"), at=t0)
    >>> crm.plans.add_task("p-1", Task("t-2", title="Outreach", depends_on=("t-1",)), at=t0)
    >>> crm.plans.set_task_status("p-1", "t-1", TaskStatus.DONE, at=t0.add(days=3))
    >>> crm.plans.advance("p-1", Phase.ANALYSIS, at=t0.add(days=7))
    >>> s = crm.plans.status("p-1", as_of=t0.add(days=10))
    >>> s.phase.value, s.progress, [x.value for x in s.missing_sectors]
    ('analysis', 0.5, ['housing'])
    >>> crm.plans.get("p-1", as_of=t0.add(days=1)).task("t-1").status.value
    'open'
    """

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    # ------------------------------------------------------------------ helpers

    def _at(self, at: Any) -> pendulum.DateTime:
        return self._uow.now() if at is None else _args.time(at, "at")

    # ------------------------------------------------------------------ writes

    def create(self, plan: ActionPlan, *, at: pendulum.DateTime | None = None) -> None:
        """Create a plan in its ``phase`` (default scanning), opened at ``at`` (default now).

        Add partners, tasks, goals and reviews afterwards with their own calls.

        Raises
        ------
        DuplicateKeyError
            A plan with that key exists.
        UnknownKeyError
            An area or a triangle stakeholder does not exist.
        ValidationError
            The plan starts closed, or already lists partners, tasks, goals or reviews.
        """
        _args.instance(plan, ActionPlan, "plan")
        when = self._at(at)
        if plan.closed:
            raise ValidationError(
                f"plan {plan.key!r} cannot start closed", key=plan.key, field="phase"
            )
        for name in ("partners", "tasks", "goals", "measures", "reviews"):
            if getattr(plan, name):
                raise ValidationError(
                    f"plan {plan.key!r}: add {name} with their own calls after create()",
                    key=plan.key,
                    field=name,
                )
        with self._uow.write() as conn:
            sql.check_new_plan(conn, plan)
            us = to_micros(when)
            sql.insert_plan(conn, plan, us)
            self._uow.record(
                conn, "create", "plan", [plan.key], {"phase": plan.phase.value, "at": us}
            )

    def add_partner(
        self,
        plan: str,
        stakeholder: str,
        role: PartnerRole | str,
        *,
        at: pendulum.DateTime | None = None,
    ) -> None:
        """Add a stakeholder (officer, member or agency) to the plan with a role, from ``at``.

        Raises
        ------
        UnknownKeyError
            No such plan or stakeholder.
        DuplicateKeyError
            The stakeholder is a partner already.
        TransitionError
            The plan is closed.
        """
        key = _args.key(plan, "plan")
        who = _args.key(stakeholder, "stakeholder")
        the_role = _args.choice(PartnerRole, role, "role")
        when = self._at(at)
        with self._uow.write() as conn:
            p = sql.open_plan(conn, key, self._uow.tz)
            sql.not_before(p, when, p.opened, "the partner")
            sql.must_be_stakeholder(conn, who, "stakeholder")
            pp = t.plan_partners.c
            if conn.execute(
                sa.select(pp.stakeholder).where(pp.plan == p.key, pp.stakeholder == who)
            ).first():
                raise DuplicateKeyError(
                    f"{who!r} is a partner of plan {p.key!r} already", key=who, field="stakeholder"
                )
            us = to_micros(when)
            conn.execute(
                sa.insert(t.plan_partners),
                [{"plan": p.key, "stakeholder": who, "role": the_role.value, "since": us}],
            )
            self._uow.record(
                conn, "add_partner", "plan", [p.key], {"stakeholder": who, "role": the_role.value}
            )

    def add_task(self, plan: str, task: Task, *, at: pendulum.DateTime | None = None) -> None:
        """Add a task, in its ``status`` (default open), from ``at``.

        Every task in ``depends_on`` must be in the plan already, so the dependencies
        never form a cycle; a task added as done needs them done or cancelled.

        Raises
        ------
        UnknownKeyError
            No such plan, owner, or task it depends on.
        DuplicateKeyError
            The plan has a task with that key.
        TransitionError
            The plan is closed, or the task is done while a dependency is not.
        """
        key = _args.key(plan, "plan")
        _args.instance(task, Task, "task")
        when = self._at(at)
        with self._uow.write() as conn:
            p = sql.open_plan(conn, key, self._uow.tz)
            sql.not_before(p, when, p.opened, "the task")
            if any(x.key == task.key for x in p.tasks):
                raise DuplicateKeyError(
                    f"plan {p.key!r} has a task {task.key!r} already", key=task.key, field="task"
                )
            if task.owner is not None:
                sql.must_be_stakeholder(conn, task.owner, "owner")
            statuses = task_statuses(conn, p.key, None)
            for dep in task.depends_on:
                if dep not in statuses:
                    raise UnknownKeyError(
                        f"task {task.key!r} depends on {dep!r}, which is not a task of plan "
                        f"{p.key!r}; add it first",
                        key=dep,
                        field="depends_on",
                    )
            if task.status is TaskStatus.DONE:
                sql.check_dependencies(task.key, task.depends_on, statuses)
            us = to_micros(when)
            conn.execute(sa.insert(t.plan_tasks), [t.task_row(p.key, task, us)])
            if task.depends_on:
                conn.execute(
                    sa.insert(t.plan_task_deps),
                    [{"plan": p.key, "task": task.key, "depends_on": d} for d in task.depends_on],
                )
            conn.execute(
                sa.insert(t.plan_task_history),
                [{"plan": p.key, "task": task.key, "status": task.status.value, "at": us}],
            )
            self._uow.record(
                conn, "add_task", "plan", [p.key], {"task": task.key, "status": task.status.value}
            )

    def set_task_status(
        self,
        plan: str,
        task: str,
        status: TaskStatus | str,
        *,
        at: pendulum.DateTime | None = None,
    ) -> None:
        """Move a task to ``status`` at ``at``, as :data:`TASK_TRANSITIONS` allows.

        Raises
        ------
        UnknownKeyError
            No such plan or task.
        TransitionError
            The change is not allowed, the plan is closed, or the task would be done
            while a task it depends on is neither done nor cancelled.
        ValidationError
            ``at`` is before the task's last change.
        """
        key = _args.key(plan, "plan")
        task = _args.key(task, "task")
        new = _args.choice(TaskStatus, status, "status")
        when = self._at(at)
        with self._uow.write() as conn:
            p = sql.open_plan(conn, key, self._uow.tz)
            statuses = task_statuses(conn, p.key, None)
            if task not in statuses:
                raise UnknownKeyError(
                    f"plan {p.key!r} has no task {task!r}", key=task, field="task"
                )
            old, since = statuses[task]
            sql.not_before(p, when, from_micros(since, self._uow.tz), f"task {task!r}'s change")
            check_task_status(task, TaskStatus(old), new)
            if new is TaskStatus.DONE:
                d = t.plan_task_deps.c
                deps = conn.execute(
                    sa.select(d.depends_on).where(d.plan == p.key, d.task == task)
                ).scalars()
                sql.check_dependencies(task, tuple(deps), statuses)
            conn.execute(
                sa.insert(t.plan_task_history),
                [{"plan": p.key, "task": task, "status": new.value, "at": to_micros(when)}],
            )
            self._uow.record(
                conn,
                "set_task_status",
                "plan",
                [p.key],
                {"task": task, "from": old, "to": new.value},
            )

    def advance(
        self,
        plan: str,
        phase: Phase | str,
        note: str | None = None,
        *,
        at: pendulum.DateTime | None = None,
    ) -> None:
        """Move the plan to ``phase`` at ``at``, as :data:`PHASE_TRANSITIONS` allows.

        ``Phase.CLOSED`` closes the plan; a closed plan is read-only.

        Raises
        ------
        TransitionError
            The move is not allowed (or the plan is closed already).
        """
        key = _args.key(plan, "plan")
        new = _args.choice(Phase, phase, "phase")
        note = _args.optional_text(note, "note", TEXT_LIMIT)
        when = self._at(at)
        with self._uow.write() as conn:
            p = sql.open_plan(conn, key, self._uow.tz)
            check_phase(p.key, p.phase, new)
            sql.not_before(p, when, p.phase_since, "the phase change")
            conn.execute(
                sa.insert(t.plan_phase_history),
                [{"plan": p.key, "phase": new.value, "at": to_micros(when), "note": note}],
            )
            self._uow.record(
                conn, "advance", "plan", [p.key], {"from": p.phase.value, "to": new.value}
            )

    def add_goal(self, plan: str, goal: Goal, *, at: pendulum.DateTime | None = None) -> None:
        """Add a goal (measure, baseline, target) from ``at``.

        Raises
        ------
        DuplicateKeyError
            The plan has a goal with that key.
        """
        key = _args.key(plan, "plan")
        _args.instance(goal, Goal, "goal")
        when = self._at(at)
        with self._uow.write() as conn:
            p = sql.open_plan(conn, key, self._uow.tz)
            sql.not_before(p, when, p.opened, "the goal")
            g = t.plan_goals.c
            if conn.execute(sa.select(g.key).where(g.plan == p.key, g.key == goal.key)).first():
                raise DuplicateKeyError(
                    f"plan {p.key!r} has a goal {goal.key!r} already", key=goal.key, field="goal"
                )
            conn.execute(sa.insert(t.plan_goals), [t.goal_row(p.key, goal, to_micros(when))])
            self._uow.record(conn, "add_goal", "plan", [p.key], {"goal": goal.key})

    def record_measure(self, plan: str, goal: str, value: float, *, at: pendulum.DateTime) -> None:
        """Record a reading of a goal's measure taken at ``at`` (not before the goal).

        Raises
        ------
        UnknownKeyError
            No such plan or goal.
        """
        key = _args.key(plan, "plan")
        m = Measure(_args.key(goal, "goal"), _args.number(value, "value"), _args.time(at, "at"))
        with self._uow.write() as conn:
            p = sql.open_plan(conn, key, self._uow.tz)
            g = t.plan_goals.c
            added = conn.execute(
                sa.select(g.added).where(g.plan == p.key, g.key == m.goal)
            ).scalar()
            if added is None:
                raise UnknownKeyError(
                    f"plan {p.key!r} has no goal {m.goal!r}", key=m.goal, field="goal"
                )
            sql.not_before(p, m.at, from_micros(added, self._uow.tz), "the measure")
            conn.execute(
                sa.insert(t.plan_measures),
                [{"plan": p.key, "goal": m.goal, "value": m.value, "at": to_micros(m.at)}],
            )
            self._uow.record(conn, "record_measure", "plan", [p.key], {"goal": m.goal})

    def add_review(
        self,
        plan: str,
        note: str,
        *,
        decisions: Iterable[str] = (),
        at: pendulum.DateTime | None = None,
    ) -> None:
        """Record a review meeting of the plan: a note and the decisions taken."""
        key = _args.key(plan, "plan")
        review = Review(self._at(at), _args.text(note, "note", TEXT_LIMIT), decisions=decisions)
        with self._uow.write() as conn:
            p = sql.open_plan(conn, key, self._uow.tz)
            sql.not_before(p, review.at, p.opened, "the review")
            conn.execute(sa.insert(t.plan_reviews), [t.review_row(p.key, review)])
            self._uow.record(
                conn, "add_review", "plan", [p.key], {"decisions": len(review.decisions)}
            )


# The class shows its public path (rbp.plans), so doctest would look for its
# methods' examples there; point it at them here.
__test__ = {"Plans": Plans}
