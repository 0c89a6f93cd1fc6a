"""The plans namespace (``crm.plans``).

Every change is one write transaction, checked before anything is written, and
recorded in the audit trail (entity ``"plan"``, key the plan's key). Every change
carries its time ``at`` (default: the store's clock) so that ``get(key, as_of=T)``
and ``status(key, as_of=T)`` answer as the plan stood at T.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pendulum
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from rbp import _args
from rbp import _schema as t
from rbp._frames import RecordList
from rbp._queries.plan_read import load_plan, must_load, task_statuses
from rbp._queries.plan_status import (
    PlanStatus,
    plan_status,
    plan_statuses,
    portfolio_frame,
    portfolio_html,
)
from rbp._queries.scope import area_scope
from rbp._time import from_micros, to_micros
from rbp.errors import (
    DuplicateKeyError,
    StoreError,
    TransitionError,
    UnknownKeyError,
    ValidationError,
)
from rbp.model._plans import (
    FINISHED,
    TEXT_LIMIT,
    ActionPlan,
    Goal,
    Measure,
    PartnerRole,
    Phase,
    PlanState,
    Review,
    Task,
    TaskStatus,
    check_phase,
    check_task_status,
)

if TYPE_CHECKING:
    import pandas as pd

    from rbp._unit import UnitOfWork

__all__ = ["Plans"]

_FIND_COLUMNS = ("key", "title", "phase", "areas", "needed_sectors", "opened", "phase_since")


class Plans:
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

    def _open_plan(self, conn: Connection, key: str) -> ActionPlan:
        """The plan as it is now; a closed plan raises TransitionError (read-only)."""
        plan = must_load(conn, key, None, self._uow.tz)
        if plan.closed:
            raise TransitionError(
                f"plan {key!r} is closed and read-only; nothing can change it",
                key=key,
                field="phase",
            )
        return plan

    @staticmethod
    def _not_before(plan: ActionPlan, at: pendulum.DateTime, since: Any, what: str) -> None:
        if since is not None and at < since:
            raise ValidationError(
                f"plan {plan.key!r}: {what} at {at} is before {since}; changes are recorded "
                "in time order",
                key=plan.key,
                field="at",
            )

    @staticmethod
    def _stakeholder(conn: Connection, key: str, field: str) -> None:
        s = t.stakeholders.c
        if conn.execute(sa.select(s.key).where(s.key == key)).first() is None:
            raise UnknownKeyError(
                f"{field} {key!r} is not a stakeholder; add it to the directory first",
                key=key,
                field=field,
            )

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
            if conn.execute(sa.select(t.plans.c.key).where(t.plans.c.key == plan.key)).first():
                raise DuplicateKeyError(
                    f"plan {plan.key!r} exists already; choose another key",
                    key=plan.key,
                    field="key",
                )
            known = set(
                conn.execute(
                    sa.select(t.areas.c.key).where(t.areas.c.key.in_(plan.areas))
                ).scalars()
            )
            for area in plan.areas:
                if area not in known:
                    raise UnknownKeyError(
                        f"area {area!r} is not an area; add it to the directory first",
                        key=area,
                        field="areas",
                    )
            sides = plan.triangle.sides() if plan.triangle is not None else {}
            for side in sides.values():
                for who in side.stakeholders:
                    self._stakeholder(conn, who, "triangle")
            us = to_micros(when)
            conn.execute(sa.insert(t.plans), [t.plan_row(plan, us)])
            if plan.areas:
                conn.execute(
                    sa.insert(t.plan_areas), [{"plan": plan.key, "area": a} for a in plan.areas]
                )
            if plan.needed_sectors:
                conn.execute(
                    sa.insert(t.plan_sectors),
                    [{"plan": plan.key, "sector": s.value} for s in plan.needed_sectors],
                )
            if sides:
                conn.execute(
                    sa.insert(t.plan_triangle),
                    [
                        {"plan": plan.key, "side": n, "description": s.description}
                        for n, s in sides.items()
                    ],
                )
                people = [
                    {"plan": plan.key, "side": n, "stakeholder": who}
                    for n, s in sides.items()
                    for who in s.stakeholders
                ]
                if people:
                    conn.execute(sa.insert(t.plan_triangle_stakeholders), people)
            conn.execute(
                sa.insert(t.plan_phase_history),
                [{"plan": plan.key, "phase": plan.phase.value, "at": us, "note": None}],
            )
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
            p = self._open_plan(conn, key)
            self._not_before(p, when, p.opened, "the partner")
            self._stakeholder(conn, who, "stakeholder")
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
            p = self._open_plan(conn, key)
            self._not_before(p, when, p.opened, "the task")
            if any(x.key == task.key for x in p.tasks):
                raise DuplicateKeyError(
                    f"plan {p.key!r} has a task {task.key!r} already", key=task.key, field="task"
                )
            if task.owner is not None:
                self._stakeholder(conn, task.owner, "owner")
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
                _check_dependencies(task.key, task.depends_on, statuses)
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
            p = self._open_plan(conn, key)
            statuses = task_statuses(conn, p.key, None)
            if task not in statuses:
                raise UnknownKeyError(
                    f"plan {p.key!r} has no task {task!r}", key=task, field="task"
                )
            old, since = statuses[task]
            self._not_before(p, when, from_micros(since, self._uow.tz), f"task {task!r}'s change")
            check_task_status(task, TaskStatus(old), new)
            if new is TaskStatus.DONE:
                d = t.plan_task_deps.c
                deps = conn.execute(
                    sa.select(d.depends_on).where(d.plan == p.key, d.task == task)
                ).scalars()
                _check_dependencies(task, tuple(deps), statuses)
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
            p = self._open_plan(conn, key)
            check_phase(p.key, p.phase, new)
            self._not_before(p, when, p.phase_since, "the phase change")
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
            p = self._open_plan(conn, key)
            self._not_before(p, when, p.opened, "the goal")
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
            p = self._open_plan(conn, key)
            g = t.plan_goals.c
            added = conn.execute(
                sa.select(g.added).where(g.plan == p.key, g.key == m.goal)
            ).scalar()
            if added is None:
                raise UnknownKeyError(
                    f"plan {p.key!r} has no goal {m.goal!r}", key=m.goal, field="goal"
                )
            self._not_before(p, m.at, from_micros(added, self._uow.tz), "the measure")
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
            p = self._open_plan(conn, key)
            self._not_before(p, review.at, p.opened, "the review")
            conn.execute(sa.insert(t.plan_reviews), [t.review_row(p.key, review)])
            self._uow.record(
                conn, "add_review", "plan", [p.key], {"decisions": len(review.decisions)}
            )

    # ------------------------------------------------------------------ reading

    def get(self, plan: str, as_of: pendulum.DateTime | None = None) -> ActionPlan:
        """The plan as it stands now (every change recorded), or as it stood at ``as_of``.

        Raises
        ------
        UnknownKeyError
            No such plan (or it was opened after ``as_of``).

        Examples
        --------
        >>> import rbp
        >>> from rbp.plans import ActionPlan
        >>> crm = rbp.open()
        >>> crm.plans.create(ActionPlan("p-1", title="Creek camp", problem="Encampment"))
        >>> crm.plans.get("p-1").phase.value
        'scanning'
        """
        key = _args.key(plan, "plan")
        at = None if as_of is None else self._uow.when(as_of).micros
        with self._uow.read() as conn:
            return must_load(conn, key, at, self._uow.tz)

    def find(
        self,
        *,
        area: str | None = None,
        phase: Phase | str | None = None,
        partner: str | None = None,
        status: PlanState | str | None = None,
    ) -> RecordList:
        """Plans as they are now that match every filter, ordered by key.

        Parameters
        ----------
        area : str, optional
            Covers this area or an area below it.
        phase : Phase, optional
            Is in this phase now.
        partner : str, optional
            Has this stakeholder as a partner.
        status : PlanState or {"open", "closed"}, optional
            Is open (any phase but closed) or closed.

        Examples
        --------
        >>> import rbp
        >>> from rbp.plans import ActionPlan, PlanState
        >>> crm = rbp.open()
        >>> crm.plans.create(ActionPlan("p-1", title="Creek camp", problem="Encampment"))
        >>> [p.key for p in crm.plans.find(status=PlanState.OPEN)]
        ['p-1']
        >>> len(crm.plans.find(status="Closed"))
        0
        """
        area = _args.optional_key(area, "area")
        want = _args.optional_choice(Phase, phase, "phase")
        partner = _args.optional_key(partner, "partner")
        state = _args.optional_choice(PlanState, status, "status")
        q = sa.select(t.plans.c.key).order_by(t.plans.c.key)
        with self._uow.read() as conn:
            if area is not None:
                a = t.plan_areas.c
                scope = area_scope(conn, area)
                q = q.where(t.plans.c.key.in_(sa.select(a.plan).where(a.area.in_(scope))))
            if partner is not None:
                pp = t.plan_partners.c
                q = q.where(t.plans.c.key.in_(sa.select(pp.plan).where(pp.stakeholder == partner)))
            found = []
            for key in conn.execute(q).scalars():
                plan = load_plan(conn, key, None, self._uow.tz)
                assert plan is not None
                if want is not None and plan.phase is not want:
                    continue
                if state is not None and plan.closed != (state is PlanState.CLOSED):
                    continue
                found.append(plan)
        return RecordList(found, columns=_FIND_COLUMNS, title="Plans")

    def status(
        self,
        plan: str,
        as_of: pendulum.DateTime | None = None,
        *,
        window: pendulum.Duration | None = None,
    ) -> PlanStatus:
        """Where the plan stands at ``as_of`` (default now): see :class:`PlanStatus`.

        ``window`` (default 90 days) is how recent a partner's last interaction
        linked to the plan must be for the partner to count as engaged.
        """
        key = _args.key(plan, "plan")
        at = self._uow.when(as_of)
        span = _span(window)
        with self._uow.read() as conn:
            p = must_load(conn, key, at.micros, self._uow.tz)
            return plan_status(conn, p, at.at, span)

    def statuses(
        self,
        as_of: pendulum.DateTime | None = None,
        *,
        area: str | None = None,
        window: pendulum.Duration | None = None,
    ) -> tuple[PlanStatus, ...]:
        """:meth:`status` of every plan opened by ``as_of`` (those covering ``area`` or an
        area below it, when given), ordered by key."""
        at = self._uow.when(as_of)
        area = _args.optional_key(area, "area")
        span = _span(window)
        with self._uow.read() as conn:
            return plan_statuses(conn, at.at, span, self._uow.tz, area=area)

    def portfolio(
        self, as_of: pendulum.DateTime | None = None, *, window: pendulum.Duration | None = None
    ) -> pd.DataFrame:
        """One row per plan opened by ``as_of``: key, title, phase, progress, overdue
        (count), unengaged (count), missing sectors, days in phase."""
        return portfolio_frame(list(self.statuses(as_of, window=window)))

    def portfolio_html(
        self,
        path: str | Path,
        as_of: pendulum.DateTime | None = None,
        *,
        window: pendulum.Duration | None = None,
    ) -> Path:
        """Write the portfolio as a standalone HTML page; returns its path."""
        target = _args.path(path, "path")
        at = self._uow.when(as_of).at
        rows = list(self.statuses(at, window=window))
        try:
            return portfolio_html(rows, target, as_of=at)
        except OSError as exc:
            raise StoreError(
                f"could not write the portfolio to {str(target)[:200]!r}: {exc.strerror}"
            ) from None


def _span(window: object) -> dt.timedelta:
    """The engagement window of a plan's partners (default 90 days)."""
    span = _args.window(window).duration
    return pendulum.duration(days=90) if span is None else span


def _check_dependencies(
    task: str, depends_on: Iterable[str], statuses: dict[str, tuple[str, int]]
) -> None:
    for dep in depends_on:
        if TaskStatus(statuses[dep][0]) not in FINISHED:
            raise TransitionError(
                f"task {task!r} cannot be done while {dep!r}, which it depends on, is "
                f"{statuses[dep][0]}; finish or cancel {dep!r} first",
                key=task,
                field="status",
            )
