"""The plans namespace (``crm.plans``).

Every change is one write transaction, checked before anything is written, and
recorded in the audit trail (entity ``"plan"``, key the plan's key). Every change
carries its time ``at`` (default: the store's clock) so that ``get(key, as_of=T)``
and ``status(key, as_of=T)`` answer as the plan stood at T.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pendulum
import sqlalchemy as sa

from rbp import _args
from rbp import _schema as t
from rbp._queries.messages import milestones
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
    PartnerRole,
    Phase,
    Task,
    TaskStatus,
    check_phase,
    check_task_status,
)
from rbp.plans import _sql as sql
from rbp.plans._assessment import PlanAssessment
from rbp.plans._links import PlanLinks
from rbp.plans._reads import PlanReads

if TYPE_CHECKING:
    from rbp._unit import UnitOfWork

__all__ = ["Plans"]


class Plans(PlanReads, PlanAssessment, PlanLinks):
    """Collaborative action plans of one store (SARA phases, partners, tasks, goals).

    Parameters
    ----------
    uow
        The store's unit of work. Not built by hand: ``crm.plans`` is this namespace.

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

    # ------------------------------------------------------------------ writes

    def create(self, plan: ActionPlan, *, at: pendulum.DateTime | None = None) -> None:
        """Create a plan in its ``phase`` (default scanning), opened at ``at`` (default now).

        Its ``concerns`` are linked from ``at``. Add partners, tasks, goals and reviews
        afterwards with their own calls (and more concerns with :meth:`link_concern`).

        Parameters
        ----------
        plan
            The new plan: key, title, problem, areas, concerns, needed sectors,
            triangle, phase.
        at
            When it was opened (aware); default the store's clock.

        Raises
        ------
        DuplicateKeyError
            A plan with that key exists.
        UnknownKeyError
            An area, a concern or a triangle stakeholder does not exist.
        ValidationError
            The plan starts closed, or already lists partners, tasks, goals or reviews.
        StoreError
            The store was opened read-only.
        TypeError
            ``plan`` is not an :class:`ActionPlan`.

        Examples
        --------
        >>> from rbp.plans import ActionPlan
        >>> store = rbp.open()
        >>> store.plans.create(ActionPlan("p-1", title="Creek camp", problem="Encampment"),
        ...                    at=pendulum.datetime(2026, 3, 2))
        >>> store.plans.get("p-1").opened.to_date_string()
        '2026-03-02'
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

        Parameters
        ----------
        plan
            The plan's key.
        stakeholder
            The partner's key.
        role
            A :class:`PartnerRole` or its value.
        at
            From when (aware, not before the plan opened); default the store's clock.

        Raises
        ------
        UnknownKeyError
            No such plan or stakeholder.
        DuplicateKeyError
            The stakeholder is a partner already.
        TransitionError
            The plan is closed.
        ValidationError
            An unknown role, or ``at`` before the plan opened.

        Examples
        --------
        >>> from rbp.plans import ActionPlan
        >>> store = rbp.open()
        >>> store.directory.add(rbp.PartnerAgency("org-dmh"))
        >>> store.plans.create(ActionPlan("p-1", title="Creek camp", problem="Encampment"))
        >>> store.plans.add_partner("p-1", "org-dmh", "lead")
        >>> [(p.stakeholder, p.role.value) for p in store.plans.get("p-1").partners]
        [('org-dmh', 'lead')]
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

        Parameters
        ----------
        plan
            The plan's key.
        task
            The new task.
        at
            From when (aware, not before the plan opened); default the store's clock.

        Raises
        ------
        UnknownKeyError
            No such plan, owner, or task it depends on.
        DuplicateKeyError
            The plan has a task with that key.
        TransitionError
            The plan is closed, or the task is done while a dependency is not.
        ValidationError
            ``at`` is before the plan opened.
        TypeError
            ``task`` is not a :class:`Task`.

        Examples
        --------
        >>> from rbp.plans import ActionPlan, Task
        >>> store = rbp.open()
        >>> store.plans.create(ActionPlan("p-1", title="Creek camp", problem="Encampment"))
        >>> store.plans.add_task("p-1", Task("t-1", title="Count tents"))
        >>> store.plans.add_task("p-1", Task("t-2", title="Outreach", depends_on=("t-1",)))
        >>> [t.key for t in store.plans.get("p-1").tasks]
        ['t-1', 't-2']
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

        Parameters
        ----------
        plan
            The plan's key.
        task
            The task's key.
        status
            A :class:`TaskStatus` or its value.
        at
            When (aware, not before the task's last change); default the store's clock.

        Raises
        ------
        UnknownKeyError
            No such plan or task.
        TransitionError
            The change is not allowed, the plan is closed, or the task would be done
            while a task it depends on is neither done nor cancelled.
        ValidationError
            An unknown status, or ``at`` before the task's last change.

        Examples
        --------
        >>> from rbp.plans import ActionPlan, Task
        >>> store = rbp.open()
        >>> store.plans.create(ActionPlan("p-1", title="Creek camp", problem="Encampment"))
        >>> store.plans.add_task("p-1", Task("t-1", title="Count tents"))
        >>> store.plans.set_task_status("p-1", "t-1", "done")
        >>> store.plans.get("p-1").task("t-1").status.value
        'done'
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

        ``Phase.CLOSED`` closes the plan; a closed plan is read-only. Each partner of
        the plan gets a plan-milestone message in the outbox (``crm.outbox``), queued
        when their consent allows, else kept as suppressed with the reason.

        Parameters
        ----------
        plan
            The plan's key.
        phase
            A :class:`Phase` or its value.
        note
            Why (kept in the phase history).
        at
            When (aware, not before the current phase began); default the store's clock.

        Raises
        ------
        UnknownKeyError
            No such plan.
        TransitionError
            The move is not allowed (or the plan is closed already).
        ValidationError
            An unknown phase, or ``at`` before the current phase began.

        Examples
        --------
        >>> from rbp.plans import ActionPlan
        >>> store = rbp.open()
        >>> store.plans.create(ActionPlan("p-1", title="Creek camp", problem="Encampment"))
        >>> store.plans.advance("p-1", "analysis", "Counts are in")
        >>> store.plans.get("p-1").phase.value
        'analysis'
        >>> store.plans.advance("p-1", "assessment")
        Traceback (most recent call last):
        ...
        rbp.errors.TransitionError: ...

        Partners hear of it: a community leader who may be contacted by e-mail, not an
        agency (agencies give no consent):

        >>> store.directory.add_many([rbp.PartnerAgency("org-1"), rbp.CommunityMember(
        ...     "m-1", may_contact=True, contact=rbp.Contact(email="lee@example.org"))])
        2
        >>> store.plans.add_partner("p-1", "org-1", "partner")
        >>> store.plans.add_partner("p-1", "m-1", "community_leader")
        >>> store.plans.advance("p-1", "response")
        >>> [(m.to, m.kind.value, m.status.value) for m in store.outbox.find()]
        [('m-1', 'plan_milestone', 'queued'), ('org-1', 'plan_milestone', 'suppressed')]
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
            milestones(
                conn,
                p.key,
                p.title,
                new.value,
                at=to_micros(when),
                made=to_micros(self._uow.now()),
                agency=self._uow.settings.agency,
            )


__test__ = {"Plans": Plans}
