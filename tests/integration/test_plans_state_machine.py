"""A hypothesis state machine over crm.plans on SQLite (memory, file) and PostgreSQL.

The machine keeps its own plain-Python model of every plan. After each step the plans
read back from the store equal the model; a refused operation raised the RbpError the
model predicts and changed no row (row counts by plain SQL). Every step happens one
day after the last, and ``get(key, as_of=T)`` for an earlier step's T equals the model
as it stood then.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

import pendulum
import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

import rbp
from rbp.errors import (
    DuplicateKeyError,
    RbpError,
    TransitionError,
    UnknownKeyError,
)
from rbp.plans import (
    ActionPlan,
    Direction,
    Goal,
    Measure,
    Partner,
    PartnerRole,
    Phase,
    Task,
    TaskStatus,
)
from rbp.plans._model import PHASE_TRANSITIONS, TASK_TRANSITIONS
from tests.databases import DB_KINDS, TZ

PLANS = ("p1", "p2", "ghost-plan")
PLAN_CHOICES = st.sampled_from(("p1", "p1", "p1", "p2", "ghost-plan"))  # mostly the open one
PEOPLE = ("P1", "m-1", "org-h", "org-mh")
WHO = (*PEOPLE, "ghost")
TASKS = ("t1", "t2", "t3")
# Closing is allowed from every phase and ends a plan's story: draw it less often.
PHASE_CHOICES = st.sampled_from([*[p for p in Phase if p is not Phase.CLOSED] * 3, Phase.CLOSED])
GOALS = ("g1", "g2")
T0 = pendulum.datetime(2026, 1, 5, 9, tz=TZ)
FINISHED = {TaskStatus.DONE, TaskStatus.CANCELLED}

Error = type[RbpError] | None


class PlanModel:
    """The expected state of one plan, in plain Python."""

    def __init__(self, key: str, at: pendulum.DateTime) -> None:
        self.key = key
        self.opened = at
        self.phase = Phase.SCANNING
        self.phase_since = at
        self.partners: dict[str, Partner] = {}
        self.tasks: dict[str, Task] = {}
        self.goals: dict[str, Goal] = {}
        self.measures: list[Measure] = []

    def record(self) -> ActionPlan:
        return ActionPlan(
            self.key,
            title=f"Plan {self.key}",
            problem="a problem",
            needed_sectors=("housing", "faith"),
            phase=self.phase,
            opened=self.opened,
            phase_since=self.phase_since,
            partners=[self.partners[k] for k in sorted(self.partners)],
            tasks=[self.tasks[k] for k in sorted(self.tasks)],
            goals=[self.goals[k] for k in sorted(self.goals)],
            measures=sorted(self.measures, key=lambda m: m.goal),  # stable: time order kept
        )


class PlanMachine(RuleBasedStateMachine):
    open_store: Callable[[], contextlib.AbstractContextManager[tuple[rbp.Store, Any]]]

    def __init__(self) -> None:
        super().__init__()
        self.stack = contextlib.ExitStack()
        self.crm, self.sql = self.stack.enter_context(self.open_store())
        self.crm.directory.add_many(
            [
                rbp.Area("b-1"),
                rbp.Officer("P1", areas=("b-1",)),
                rbp.CommunityMember("m-1", sector="faith", area="b-1"),
                rbp.PartnerAgency("org-h", sector="housing"),
                rbp.PartnerAgency("org-mh", sector="mental_health"),
            ]
        )
        self.now = T0
        self.model: dict[str, PlanModel] = {}
        self.history: list[tuple[pendulum.DateTime, dict[str, ActionPlan]]] = []

    def teardown(self) -> None:
        self.stack.close()

    # ------------------------------------------------------------------ helpers

    def _tick(self) -> pendulum.DateTime:
        self.now = self.now.add(days=1)
        return self.now

    def _attempt(self, expected: Error, call: Callable[[], None]) -> bool:
        """Run ``call``; when an error is expected, check it and that nothing changed."""
        if expected is None:
            call()
            return True
        before = self.sql.counts()
        with pytest.raises(expected):
            call()
        assert self.sql.counts() == before
        return False

    def _plan_error(self, key: str) -> Error:
        plan = self.model.get(key)
        if plan is None:
            return UnknownKeyError
        if plan.phase is Phase.CLOSED:
            return TransitionError
        return None

    def _snapshot(self) -> None:
        self.history.append((self.now, {k: p.record() for k, p in self.model.items()}))

    # ------------------------------------------------------------------ rules

    @initialize()
    def create_first(self) -> None:
        self.create("p1")

    @rule(key=st.sampled_from(PLANS[:2]))
    def create(self, key: str) -> None:
        """Creates p2, or is refused (p1 exists from the start)."""
        at = self._tick()
        expected: Error = DuplicateKeyError if key in self.model else None
        plan = ActionPlan(
            key, title=f"Plan {key}", problem="a problem", needed_sectors=("housing", "faith")
        )
        if self._attempt(expected, lambda: self.crm.plans.create(plan, at=at)):
            self.model[key] = PlanModel(key, at)
        self._snapshot()

    @rule(
        key=PLAN_CHOICES,
        who=st.sampled_from(WHO),
        role=st.sampled_from(PartnerRole),
    )
    def add_partner(self, key: str, who: str, role: PartnerRole) -> None:
        at = self._tick()
        expected = self._plan_error(key)
        if expected is None:
            if who not in PEOPLE:
                expected = UnknownKeyError
            elif who in self.model[key].partners:
                expected = DuplicateKeyError
        if self._attempt(expected, lambda: self.crm.plans.add_partner(key, who, role, at=at)):
            self.model[key].partners[who] = Partner(who, role, at)
        self._snapshot()

    def _pick_tasks(self, data: st.DataObject, key: str, most: int) -> set[str]:
        """Mostly tasks the plan has; sometimes one it does not."""
        have = sorted(self.model[key].tasks) if key in self.model else []
        pool = [*have, *have, "t-none"] if have else ["t-none"]
        return data.draw(st.sets(st.sampled_from(pool), max_size=most))

    @rule(
        key=PLAN_CHOICES,
        task=st.sampled_from(TASKS),
        owner=st.sampled_from((None, *WHO)),
        status=st.sampled_from((TaskStatus.OPEN, TaskStatus.OPEN, TaskStatus.DONE)),
        due_days=st.none() | st.integers(-5, 30),
        data=st.data(),
    )
    def add_task(
        self,
        key: str,
        task: str,
        owner: str | None,
        status: TaskStatus,
        due_days: int | None,
        data: st.DataObject,
    ) -> None:
        at = self._tick()
        deps = self._pick_tasks(data, key, 2)
        deps.discard(task)
        due = None if due_days is None else at.add(days=due_days)
        item = Task(task, title=f"do {task}", owner=owner, due=due, status=status, depends_on=deps)
        expected = self._plan_error(key)
        if expected is None:
            tasks = self.model[key].tasks
            if task in tasks:
                expected = DuplicateKeyError
            elif (owner is not None and owner not in PEOPLE) or any(d not in tasks for d in deps):
                expected = UnknownKeyError
            elif status is TaskStatus.DONE and any(tasks[d].status not in FINISHED for d in deps):
                expected = TransitionError
        if self._attempt(expected, lambda: self.crm.plans.add_task(key, item, at=at)):
            self.model[key].tasks[task] = item
        self._snapshot()

    @rule(key=PLAN_CHOICES, status=st.sampled_from(TaskStatus), data=st.data())
    def set_task_status(self, key: str, status: TaskStatus, data: st.DataObject) -> None:
        at = self._tick()
        task = min(self._pick_tasks(data, key, 1) or {"t-none"})
        expected = self._plan_error(key)
        if expected is None:
            tasks = self.model[key].tasks
            if task not in tasks:
                expected = UnknownKeyError
            else:
                allowed = status in TASK_TRANSITIONS[tasks[task].status]
                blocked = status is TaskStatus.DONE and any(
                    tasks[d].status not in FINISHED for d in tasks[task].depends_on
                )
                expected = None if allowed and not blocked else TransitionError
        call = lambda: self.crm.plans.set_task_status(key, task, status, at=at)  # noqa: E731
        if self._attempt(expected, call):
            tasks = self.model[key].tasks
            tasks[task] = Task(
                task,
                title=tasks[task].title,
                owner=tasks[task].owner,
                due=tasks[task].due,
                status=status,
                depends_on=tasks[task].depends_on,
            )
        self._snapshot()

    @rule(key=PLAN_CHOICES, phase=PHASE_CHOICES)
    def advance(self, key: str, phase: Phase) -> None:
        at = self._tick()
        expected = self._plan_error(key)
        if expected is None and phase not in PHASE_TRANSITIONS[self.model[key].phase]:
            expected = TransitionError
        if self._attempt(expected, lambda: self.crm.plans.advance(key, phase, "note", at=at)):
            self.model[key].phase = phase
            self.model[key].phase_since = at
        self._snapshot()

    @rule(key=PLAN_CHOICES, goal=st.sampled_from(GOALS), up=st.booleans())
    def add_goal(self, key: str, goal: str, up: bool) -> None:
        at = self._tick()
        item = Goal(
            goal,
            measure="calls for service",
            baseline=10,
            target=20 if up else 4,
            direction=Direction.INCREASE if up else Direction.DECREASE,
        )
        expected = self._plan_error(key)
        if expected is None and goal in self.model[key].goals:
            expected = DuplicateKeyError
        if self._attempt(expected, lambda: self.crm.plans.add_goal(key, item, at=at)):
            self.model[key].goals[goal] = item
        self._snapshot()

    @rule(key=PLAN_CHOICES, goal=st.sampled_from(GOALS), value=st.integers(0, 30))
    def record_measure(self, key: str, goal: str, value: int) -> None:
        at = self._tick()
        expected = self._plan_error(key)
        if expected is None and goal not in self.model[key].goals:
            expected = UnknownKeyError
        call = lambda: self.crm.plans.record_measure(key, goal, value, at=at)  # noqa: E731
        if self._attempt(expected, call):
            self.model[key].measures.append(Measure(goal, value, at))
        self._snapshot()

    @rule(data=st.data())
    def look_back(self, data: st.DataObject) -> None:
        """``get(as_of=T)`` at an earlier step's T equals the model as it was then."""
        if not self.history:
            return
        when, plans = data.draw(st.sampled_from(self.history))
        for key in PLANS[:2]:
            if key in plans:
                assert self.crm.plans.get(key, as_of=when) == plans[key]
            else:
                with pytest.raises(UnknownKeyError):
                    self.crm.plans.get(key, as_of=when)

    # ------------------------------------------------------------------ invariants

    @invariant()
    def store_equals_model(self) -> None:
        for key, plan in self.model.items():
            assert self.crm.plans.get(key) == plan.record()
        found = {p.key for p in self.crm.plans.find()}
        assert found == set(self.model)
        closed = {k for k, p in self.model.items() if p.phase is Phase.CLOSED}
        assert {p.key for p in self.crm.plans.find(status="closed")} == closed


@pytest.mark.parametrize("kind", DB_KINDS)
def test_plan_operations_match_a_plain_model(fresh_store: Any, kind: str) -> None:
    class Machine(PlanMachine):
        @staticmethod
        def open_store() -> contextlib.AbstractContextManager[tuple[rbp.Store, Any]]:
            return fresh_store(kind)  # type: ignore[no-any-return]

    run_state_machine_as_test(
        Machine, settings=settings(max_examples=25, stateful_step_count=20, deadline=None)
    )
