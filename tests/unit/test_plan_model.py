"""Plan records: converters, validation errors that name the field, transition tables."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rbp.errors import (
    NaiveDatetimeError,
    RbpError,
    TransitionError,
    UnknownKeyError,
    ValidationError,
)
from rbp.model._plans import (
    PHASE_TRANSITIONS,
    TASK_TRANSITIONS,
    check_phase,
    check_task_status,
)
from rbp.plans import ActionPlan, Direction, Goal, Phase, Task, TaskStatus


def test_plan_defaults_and_sorted_sets() -> None:
    plan = ActionPlan("p", title="t", problem="x", areas=("b", "a", "b"), needed_sectors=("faith",))
    assert plan.areas == ("a", "b")
    assert plan.phase is Phase.SCANNING
    assert plan.needed_sectors[0].value == "faith"
    assert "x" not in repr(plan)  # the problem text stays out of reprs


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda: ActionPlan("", title="t", problem="x"), "key"),
        (lambda: ActionPlan("p", title="t" * 301, problem="x"), "title"),
        (lambda: ActionPlan("p", title="t", problem="x", phase="nope"), "phase"),
        (lambda: Task("t", title="x", depends_on=("t",)), "depends_on"),
        (lambda: Task("t", title="x", due=dt.datetime(2026, 1, 1)), "due"),
        (lambda: Goal("g", measure="m", baseline=1, target=0, direction="increase"), "target"),
        (
            lambda: Goal("g", measure="m", baseline=1, target=float("nan"), direction="increase"),
            "target",
        ),
    ],
)
def test_bad_values_name_their_field(make: object, field: str) -> None:
    with pytest.raises(ValidationError) as info:
        make()  # type: ignore[operator]
    assert info.value.field == field


def test_naive_due_is_a_naive_datetime_error() -> None:
    with pytest.raises(NaiveDatetimeError):
        Task("t", title="x", due=dt.datetime(2026, 1, 1))


@given(st.sampled_from(Phase), st.sampled_from(Phase))
def test_phase_transitions_follow_the_table(old: Phase, new: Phase) -> None:
    if new in PHASE_TRANSITIONS[old]:
        check_phase("p", old, new)
    else:
        with pytest.raises(TransitionError):
            check_phase("p", old, new)


@given(st.sampled_from(TaskStatus), st.sampled_from(TaskStatus))
def test_task_transitions_follow_the_table(old: TaskStatus, new: TaskStatus) -> None:
    if new in TASK_TRANSITIONS[old]:
        check_task_status("t", old, new)
    else:
        with pytest.raises(TransitionError) as info:
            check_task_status("t", old, new)
        assert isinstance(info.value, RbpError)
        assert info.value.key == "t"


def test_closed_is_final_and_every_phase_may_close() -> None:
    assert PHASE_TRANSITIONS[Phase.CLOSED] == frozenset()
    assert all(Phase.CLOSED in PHASE_TRANSITIONS[p] for p in Phase if p is not Phase.CLOSED)


@given(
    st.floats(-1e6, 1e6),
    st.floats(-1e6, 1e6),
    st.floats(-1e7, 1e7),
)
def test_attainment_is_within_zero_and_one(baseline: float, target: float, value: float) -> None:
    if baseline == target:
        return
    direction = Direction.INCREASE if target > baseline else Direction.DECREASE
    goal = Goal("g", measure="m", baseline=baseline, target=target, direction=direction)
    share = goal.attainment(value)
    assert 0.0 <= share <= 1.0
    assert goal.attainment(target) == 1.0
    assert goal.attainment(baseline) == 0.0


def test_unknown_task_is_an_rbp_error_naming_the_plan_and_its_tasks() -> None:
    plan = ActionPlan(
        "p-7", title="Lights", problem="Dark path", areas=("b-1",), tasks=(Task("t-1", title="A"),)
    )
    with pytest.raises(UnknownKeyError) as caught:
        plan.task("t-2")
    assert isinstance(caught.value, RbpError)
    assert isinstance(caught.value, KeyError)
    assert caught.value.key == "t-2"
    assert caught.value.field == "task"
    assert "p-7" in str(caught.value)
    assert "t-1" in str(caught.value)
