"""A hypothesis state machine over crm.plans on SQLite (memory, file) and PostgreSQL.

The machine keeps its own plain-Python model of every plan, with the phase and task
status rules written out here (not imported from rbp). Rules draw plans, tasks, goals
and partners that exist from bundles, so most operations reach the rule they test;
one rule tries unknown keys on purpose. The first plan starts with a chain of up to
three tasks, each depending on the one before, so that finishing a task whose
dependency is unfinished is tried in most examples. After each step:

* every plan read back from the store (``crm.plans.get``) equals the model;
* a refused operation raised the :class:`rbp.RbpError` subclass the model predicts
  and changed no row (row counts by plain SQL);
* ``get(key, as_of=T)`` at a sampled earlier step's time T equals the model as it
  stood then, and one microsecond before T equals the step before.

Every step happens one day after the last. ``event()`` labels each outcome; run with
``--hypothesis-show-statistics`` to see how often each rule succeeded or was refused.
"""

from __future__ import annotations

import collections
import contextlib
import random
from collections.abc import Callable
from typing import Any

import attrs
import pendulum
import pytest
from hypothesis import event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    precondition,
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
    ProblemTriangle,
    Review,
    Task,
    TaskStatus,
    TriangleSide,
)
from tests.databases import DB_KINDS, TZ

# ----------------------------------------------------------------------------- the rules

OPEN, WORKING, DONE, BLOCKED, CANCELLED = (
    TaskStatus.OPEN,
    TaskStatus.IN_PROGRESS,
    TaskStatus.DONE,
    TaskStatus.BLOCKED,
    TaskStatus.CANCELLED,
)
PHASE_MOVES: dict[Phase, set[Phase]] = {
    Phase.SCANNING: {Phase.ANALYSIS, Phase.CLOSED},
    Phase.ANALYSIS: {Phase.RESPONSE, Phase.CLOSED},
    Phase.RESPONSE: {Phase.ASSESSMENT, Phase.CLOSED},
    Phase.ASSESSMENT: {Phase.ANALYSIS, Phase.CLOSED},
    Phase.CLOSED: set(),
}
"""Where each phase may go: round the SARA loop (assessment back to analysis) or closed."""
NEXT_PHASE = {
    Phase.SCANNING: Phase.ANALYSIS,
    Phase.ANALYSIS: Phase.RESPONSE,
    Phase.RESPONSE: Phase.ASSESSMENT,
    Phase.ASSESSMENT: Phase.ANALYSIS,
    Phase.CLOSED: Phase.ANALYSIS,  # refused: a closed plan stays closed
}
STATUS_MOVES: dict[TaskStatus, set[TaskStatus]] = {
    OPEN: {WORKING, DONE, BLOCKED, CANCELLED},
    WORKING: {OPEN, DONE, BLOCKED, CANCELLED},
    BLOCKED: {OPEN, WORKING, CANCELLED},
    DONE: {OPEN},
    CANCELLED: {OPEN},
}
"""Where each task status may go; done and cancelled tasks may only be reopened."""
LETS_DEPENDENTS_FINISH = {DONE, CANCELLED}
"""A task may be done only when every task it depends on is in one of these."""

# ----------------------------------------------------------------------------- the world

T0 = pendulum.datetime(2026, 1, 5, 9, tz=TZ)
MAX_PLANS = 3
PEOPLE = ("P1", "m-1", "org-h", "org-mh")
SECTORS = ("housing", "faith", "mental_health", "youth")
DECISIONS = ("meet monthly", "count tents", "call DMH")
UNKNOWN = ("plan", "stakeholder", "owner", "dependency", "task", "goal", "taken")
PLAN_OPS = ("add_partner", "add_task", "set_task_status", "advance", "add_goal", "measure")

Error = type[RbpError] | None
OUTCOMES: collections.Counter[str] = collections.Counter()
"""Every outcome label of every run in this process (for a look at what was covered)."""


class PlanModel:
    """The expected state of one plan, in plain Python."""

    def __init__(self, plan: ActionPlan, at: pendulum.DateTime) -> None:
        self.plan = plan
        self.opened = at
        self.phase = Phase.SCANNING
        self.phase_since = at
        self.partners: dict[str, Partner] = {}
        self.tasks: dict[str, Task] = {}
        self.goals: dict[str, Goal] = {}
        self.measures: list[Measure] = []
        self.reviews: list[Review] = []
        self.names = 0  # numbers new task and goal keys

    @property
    def closed(self) -> bool:
        return self.phase is Phase.CLOSED

    def fresh(self, prefix: str) -> str:
        self.names += 1
        return f"{prefix}{self.names}"

    def unfinished(self, deps: tuple[str, ...]) -> list[str]:
        return [d for d in deps if self.tasks[d].status not in LETS_DEPENDENTS_FINISH]

    def record(self) -> ActionPlan:
        return attrs.evolve(
            self.plan,
            phase=self.phase,
            opened=self.opened,
            phase_since=self.phase_since,
            partners=[self.partners[k] for k in sorted(self.partners)],
            tasks=[self.tasks[k] for k in sorted(self.tasks)],
            goals=[self.goals[k] for k in sorted(self.goals)],
            measures=sorted(self.measures, key=lambda m: (m.goal, m.at)),
            reviews=list(self.reviews),
        )


class PlanMachine(RuleBasedStateMachine):
    open_store: Callable[[], contextlib.AbstractContextManager[tuple[rbp.Store, Any]]]

    plans = Bundle("plans")  # plan keys
    tasks = Bundle("tasks")  # (plan, task)
    goals = Bundle("goals")  # (plan, goal)
    partners = Bundle("partners")  # (plan, stakeholder)

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
        tables = [r[0] for r in self.sql.rows(_TABLES[self.sql.dialect])]
        self.count_query = " UNION ALL ".join(
            f"SELECT '{name}', count(*) FROM \"{name}\"" for name in tables
        )
        self.now = T0
        self.model: dict[str, PlanModel] = {}
        self.history: list[tuple[pendulum.DateTime, dict[str, ActionPlan]]] = []
        self._snapshot()

    def teardown(self) -> None:
        self.stack.close()

    # ------------------------------------------------------------------ helpers

    def _tick(self) -> pendulum.DateTime:
        self.now = self.now.add(days=1)
        return self.now

    def _counts(self) -> dict[str, int]:
        """Rows per table, by plain SQL."""
        return {name: int(n) for name, n in self.sql.rows(self.count_query)}

    def _snapshot(self) -> None:
        self.history.append((self.now, {k: p.record() for k, p in self.model.items()}))

    def _attempt(
        self, label: str, expected: Error, call: Callable[[], object], key: str | None = None
    ) -> bool:
        """Run ``call``. When the model expects an error, check that exactly that error
        came and that no row changed. Labels the outcome (``key``: the plan, to tell a
        refusal because the plan is closed)."""
        if key in self.model and self.model[key].closed:
            label += " on a closed plan"
        outcome = "ok" if expected is None else expected.__name__
        event(f"{label}: {outcome}")
        OUTCOMES[f"{label}: {outcome}"] += 1
        if expected is None:
            call()
            return True
        before = self._counts()
        caught: RbpError | None = None
        try:
            call()
        except RbpError as exc:
            caught = exc
        if caught is None:
            pytest.fail(f"{label}: expected {expected.__name__}, but the store accepted it")
        assert type(caught) is expected, f"{label}: expected {expected.__name__}, got {caught!r}"
        assert self._counts() == before, f"{label}: refused, but rows changed"
        return False

    def _plan_error(self, key: str) -> Error:
        plan = self.model.get(key)
        if plan is None:
            return UnknownKeyError
        return TransitionError if plan.closed else None

    def _draw_existing(self, data: st.DataObject, keys: dict[str, Any]) -> str:
        return data.draw(st.sampled_from(sorted(keys)))

    # ------------------------------------------------------------------ plans

    def _create(self, sectors: frozenset[str], triangle: bool) -> str:
        at = self._tick()
        key = f"p{len(self.model) + 1}"
        plan = ActionPlan(
            key,
            title=f"Plan {key}",
            problem="an encampment by the creek",
            areas=("b-1",),
            needed_sectors=sectors,
            triangle=ProblemTriangle(place=TriangleSide("the creek", ("m-1",)))
            if triangle
            else None,
        )
        self._attempt("create", None, lambda: self.crm.plans.create(plan, at=at))
        self.model[key] = PlanModel(plan, at)
        self._snapshot()
        return key

    @initialize(target=plans, sectors=st.frozensets(st.sampled_from(SECTORS), max_size=2))
    def create_first(self, sectors: frozenset[str]) -> str:
        """The first plan (made by :meth:`first_tasks` when that ran first)."""
        return "p1" if "p1" in self.model else self._create(sectors, triangle=False)

    @initialize(target=tasks, chain=st.integers(0, 3))
    def first_tasks(self, chain: int) -> object:
        """A chain of open tasks in the first plan, each depending on the one before."""
        if "p1" not in self.model:
            self._create(frozenset(), triangle=False)
        names: list[str] = []
        for _ in range(chain):
            name = self.model["p1"].fresh("t")
            self._add_task("p1", name, frozenset(names[-1:]), OPEN, None, None)
            names.append(name)
        return multiple(*(("p1", name) for name in names))

    @precondition(lambda self: len(self.model) < MAX_PLANS)
    @rule(
        target=plans,
        sectors=st.frozensets(st.sampled_from(SECTORS), max_size=2),
        triangle=st.booleans(),
    )
    def create(self, sectors: frozenset[str], triangle: bool) -> str:
        return self._create(sectors, triangle)

    @rule(key=plans, how=st.sampled_from(["next"] * 6 + list(Phase)))
    def advance(self, key: str, how: str | Phase) -> None:
        at = self._tick()
        plan = self.model[key]
        new = NEXT_PHASE[plan.phase] if how == "next" else how
        assert isinstance(new, Phase)
        expected = self._plan_error(key)
        if expected is None and new not in PHASE_MOVES[plan.phase]:
            expected = TransitionError
        label = f"advance {plan.phase.value}->{new.value}"
        if self._attempt(
            label, expected, lambda: self.crm.plans.advance(key, new, "note", at=at), key
        ):
            plan.phase, plan.phase_since = new, at
        self._snapshot()

    # ------------------------------------------------------------------ partners

    @rule(
        target=partners, key=plans, who=st.sampled_from(PEOPLE), role=st.sampled_from(PartnerRole)
    )
    def add_partner(self, key: str, who: str, role: PartnerRole) -> object:
        at = self._tick()
        plan = self.model[key]
        expected = self._plan_error(key)
        if expected is None and who in plan.partners:
            expected = DuplicateKeyError
        call = lambda: self.crm.plans.add_partner(key, who, role, at=at)  # noqa: E731
        ok = self._attempt("add_partner", expected, call, key)
        if ok:
            plan.partners[who] = Partner(who, role, at)
        self._snapshot()
        return (key, who) if ok else multiple()

    @rule(pair=partners, role=st.sampled_from(PartnerRole))
    def add_partner_again(self, pair: tuple[str, str], role: PartnerRole) -> None:
        at = self._tick()
        key, who = pair
        expected = self._plan_error(key) or DuplicateKeyError
        call = lambda: self.crm.plans.add_partner(key, who, role, at=at)  # noqa: E731
        self._attempt("add_partner (a partner already)", expected, call, key)
        self._snapshot()

    # ------------------------------------------------------------------ tasks

    def _add_task(
        self,
        key: str,
        name: str,
        deps: frozenset[str],
        status: TaskStatus,
        owner: str | None,
        due_days: int | None,
    ) -> object:
        at = self._tick()
        plan = self.model[key]
        due = None if due_days is None else at.add(days=due_days)
        task = Task(name, title=f"do {name}", owner=owner, due=due, status=status, depends_on=deps)
        expected = self._plan_error(key)
        label = f"add_task as {status.value}"
        if expected is None:
            if name in plan.tasks:
                expected = DuplicateKeyError
            elif status is DONE and plan.unfinished(task.depends_on):
                expected = TransitionError
                label += " (a dependency unfinished)"
            elif status is DONE and task.depends_on:
                label += " (dependencies finished)"
        ok = self._attempt(label, expected, lambda: self.crm.plans.add_task(key, task, at=at), key)
        if ok:
            plan.tasks[name] = task
            event(f"tasks with {len(deps)} dependencies")
        self._snapshot()
        return (key, name) if ok else multiple()

    @rule(
        target=tasks,
        key=plans,
        reuse=st.integers(0, 5),
        owner=st.sampled_from((None, *PEOPLE)),
        status=st.sampled_from((OPEN, OPEN, OPEN, WORKING, DONE, BLOCKED, CANCELLED)),
        due_days=st.none() | st.integers(-5, 30),
        data=st.data(),
    )
    def add_task(
        self,
        key: str,
        reuse: int,
        owner: str | None,
        status: TaskStatus,
        due_days: int | None,
        data: st.DataObject,
    ) -> object:
        """A task depending on some of the plan's tasks (sometimes a key it has)."""
        plan = self.model[key]
        if reuse == 0 and plan.tasks:
            name = self._draw_existing(data, plan.tasks)
        else:
            name = plan.fresh("t")
        have = sorted(k for k in plan.tasks if k != name)
        deps = data.draw(st.frozensets(st.sampled_from(have), max_size=3)) if have else frozenset()
        return self._add_task(key, name, deps, status, owner, due_days)

    @rule(
        target=tasks,
        pair=tasks,
        status=st.sampled_from((OPEN, OPEN, OPEN, DONE)),
        owner=st.sampled_from((None, *PEOPLE)),
        data=st.data(),
    )
    def add_dependent_task(
        self, pair: tuple[str, str], status: TaskStatus, owner: str | None, data: st.DataObject
    ) -> object:
        """A new task that depends on ``pair``'s task (and maybe others of its plan)."""
        key, first = pair
        plan = self.model[key]
        others = sorted(k for k in plan.tasks if k != first)
        more = data.draw(st.frozensets(st.sampled_from(others), max_size=2)) if others else set()
        return self._add_task(key, plan.fresh("t"), frozenset({first, *more}), status, owner, None)

    def _set_status(self, pair: tuple[str, str], new: TaskStatus) -> None:
        at = self._tick()
        key, name = pair
        plan = self.model[key]
        old = plan.tasks[name]
        expected = self._plan_error(key)
        label = f"set_task_status {old.status.value}->{new.value}"
        if expected is None:
            if new not in STATUS_MOVES[old.status]:
                expected = TransitionError
            elif new is DONE and plan.unfinished(old.depends_on):
                expected = TransitionError
                label += " (a dependency unfinished)"
            elif new is DONE and old.depends_on:
                label += " (dependencies finished)"
        call = lambda: self.crm.plans.set_task_status(key, name, new, at=at)  # noqa: E731
        if self._attempt(label, expected, call, key):
            plan.tasks[name] = attrs.evolve(old, status=new)
        self._snapshot()

    @rule(pair=tasks, allowed=st.integers(0, 2), data=st.data())
    def set_task_status(self, pair: tuple[str, str], allowed: int, data: st.DataObject) -> None:
        """Mostly a move the table allows from the task's status now (blocking, reopening,
        cancelling, ...), sometimes any status."""
        key, name = pair
        old = self.model[key].tasks[name].status
        choices = sorted(STATUS_MOVES[old], key=lambda s: s.value) if allowed else list(TaskStatus)
        self._set_status(pair, data.draw(st.sampled_from(choices)))

    @rule(pair=tasks, dependent=st.integers(0, 3), data=st.data())
    def finish_task(self, pair: tuple[str, str], dependent: int, data: st.DataObject) -> None:
        """Done, the move the dependency rule is about: mostly a task of ``pair``'s plan
        that depends on others (when it has one), else ``pair``'s task."""
        key, name = pair
        tasks = self.model[key].tasks
        waiting = sorted(k for k, task in tasks.items() if task.depends_on)
        if dependent and waiting:
            name = data.draw(st.sampled_from(waiting))
        self._set_status((key, name), DONE)

    # ------------------------------------------------------------------ goals, reviews

    @rule(
        target=goals,
        key=plans,
        reuse=st.integers(0, 4),
        up=st.booleans(),
        baseline=st.integers(5, 50),
        data=st.data(),
    )
    def add_goal(
        self, key: str, reuse: int, up: bool, baseline: int, data: st.DataObject
    ) -> object:
        at = self._tick()
        plan = self.model[key]
        name = (
            self._draw_existing(data, plan.goals) if reuse == 0 and plan.goals else plan.fresh("g")
        )
        goal = Goal(
            name,
            measure="calls for service",
            baseline=baseline,
            target=baseline * 2 if up else baseline // 2,
            direction=Direction.INCREASE if up else Direction.DECREASE,
            due=at.add(days=90),
        )
        expected = self._plan_error(key)
        if expected is None and name in plan.goals:
            expected = DuplicateKeyError
        ok = self._attempt(
            "add_goal", expected, lambda: self.crm.plans.add_goal(key, goal, at=at), key
        )
        if ok:
            plan.goals[name] = goal
        self._snapshot()
        return (key, name) if ok else multiple()

    @rule(pair=goals, value=st.integers(0, 100) | st.floats(0, 100, allow_nan=False))
    def record_measure(self, pair: tuple[str, str], value: float) -> None:
        at = self._tick()
        key, name = pair
        plan = self.model[key]
        call = lambda: self.crm.plans.record_measure(key, name, value, at=at)  # noqa: E731
        if self._attempt("record_measure", self._plan_error(key), call, key):
            plan.measures.append(Measure(name, value, at))
        self._snapshot()

    @rule(
        key=plans,
        note=st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=20),
        decisions=st.lists(st.sampled_from(DECISIONS), max_size=2),
    )
    def add_review(self, key: str, note: str, decisions: list[str]) -> None:
        at = self._tick()
        plan = self.model[key]
        call = lambda: self.crm.plans.add_review(key, note, decisions=decisions, at=at)  # noqa: E731
        if self._attempt("add_review", self._plan_error(key), call, key):
            plan.reviews.append(Review(at, note, decisions=tuple(decisions)))
        self._snapshot()

    # ------------------------------------------------------------------ unknown keys

    @rule(key=plans, what=st.sampled_from(UNKNOWN), op=st.sampled_from(PLAN_OPS))
    def unknown_key(self, key: str, what: str, op: str) -> None:
        """An operation naming something that does not exist (``op`` on a ghost plan), or
        creating a plan with a key in use."""
        at = self._tick()
        plans = self.crm.plans
        calls: dict[str, Callable[[str], object]] = {
            "add_partner": lambda k: plans.add_partner(k, "P1", "partner", at=at),
            "add_task": lambda k: plans.add_task(k, Task("t-new", title="new"), at=at),
            "set_task_status": lambda k: plans.set_task_status(k, "t1", DONE, at=at),
            "advance": lambda k: plans.advance(k, Phase.ANALYSIS, at=at),
            "add_goal": lambda k: plans.add_goal(
                k, Goal("g-new", measure="m", baseline=1, target=2, direction="increase"), at=at
            ),
            "measure": lambda k: plans.record_measure(k, "g1", 1, at=at),
        }
        if what == "taken":  # creating a plan with a key in use
            again = ActionPlan(key, title="again", problem="again")
            expected: Error = DuplicateKeyError
            call: Callable[[], object] = lambda: plans.create(again, at=at)  # noqa: E731
            label = "create with a key in use"
        elif what == "plan":
            expected = UnknownKeyError
            call = lambda: calls[op]("ghost-plan")  # noqa: E731
            label = f"unknown plan ({op})"
        else:
            expected = self._plan_error(key) or UnknownKeyError
            label = f"unknown {what}"
            call = {
                "stakeholder": lambda: plans.add_partner(key, "ghost", "advisor", at=at),
                "owner": lambda: plans.add_task(key, Task("t-x", title="x", owner="ghost"), at=at),
                "dependency": lambda: plans.add_task(
                    key, Task("t-x", title="x", depends_on=("t-ghost",)), at=at
                ),
                "task": lambda: plans.set_task_status(key, "t-ghost", OPEN, at=at),
                "goal": lambda: plans.record_measure(key, "g-ghost", 1, at=at),
            }[what]
        self._attempt(label, expected, call, None if what in ("plan", "taken") else key)
        self._snapshot()

    # ------------------------------------------------------------------ invariants

    @invariant()
    def store_equals_model(self) -> None:
        for key, plan in self.model.items():
            assert self.crm.plans.get(key) == plan.record()
        assert [p.key for p in self.crm.plans.find()] == sorted(self.model)
        closed = sorted(k for k, p in self.model.items() if p.closed)
        assert [p.key for p in self.crm.plans.find(status="closed")] == closed

    @invariant()
    def the_past_stays_as_it_was(self) -> None:
        """``get(as_of=T)`` at a sampled step's T equals the model snapshot of then, and
        one microsecond before T equals the snapshot of the step before."""
        i = random.Random(len(self.history)).randrange(len(self.history))
        checks = [(self.history[i][0], self.history[i][1])]
        if i > 0:
            checks.append((self.history[i][0].subtract(microseconds=1), self.history[i - 1][1]))
        for when, plans in checks:
            for key in self.model:
                if key in plans:
                    assert self.crm.plans.get(key, as_of=when) == plans[key]
                else:
                    with pytest.raises(UnknownKeyError):
                        self.crm.plans.get(key, as_of=when)


_TABLES = {
    "sqlite": "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
    "postgresql": "SELECT table_name FROM information_schema.tables "
    "WHERE table_schema = 'public' ORDER BY table_name",
}


@pytest.mark.parametrize("kind", DB_KINDS)
def test_plan_operations_match_a_plain_model(fresh_store: Any, kind: str) -> None:
    class Machine(PlanMachine):
        @staticmethod
        def open_store() -> contextlib.AbstractContextManager[tuple[rbp.Store, Any]]:
            return fresh_store(kind)  # type: ignore[no-any-return]

    run_state_machine_as_test(
        Machine, settings=settings(max_examples=30, stateful_step_count=25, deadline=None)
    )
