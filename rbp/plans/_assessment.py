"""Assessment work on a plan: goals with their measures, and reviews.

The SARA assessment phase asks whether the response worked: each goal names a measure,
a baseline and a target, measures are recorded over time, and reviews note what the
partners decided. Part of :class:`rbp.plans.Plans`; like every change, each is one write
transaction, checked first, dated ``at`` and recorded in the audit trail.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import pendulum
import sqlalchemy as sa

from rbp import _args
from rbp import _schema as t
from rbp._time import from_micros, to_micros
from rbp.errors import DuplicateKeyError, UnknownKeyError
from rbp.model._plans import TEXT_LIMIT, Goal, Measure, Review
from rbp.plans import _sql as sql

if TYPE_CHECKING:
    from rbp._unit import UnitOfWork

__all__ = ["PlanAssessment"]


class PlanAssessment:
    """The goals, measures and reviews of :class:`rbp.plans.Plans`."""

    _uow: UnitOfWork

    def _at(self, at: Any) -> pendulum.DateTime:
        """When a change happened: ``at``, checked, or now by the store's clock."""
        return self._uow.now() if at is None else _args.time(at, "at")

    def add_goal(self, plan: str, goal: Goal, *, at: pendulum.DateTime | None = None) -> None:
        """Add a goal (measure, baseline, target) from ``at``.

        Parameters
        ----------
        plan
            The plan's key.
        goal
            The new goal.
        at
            From when (aware, not before the plan opened); default the store's clock.

        Raises
        ------
        UnknownKeyError
            No such plan.
        DuplicateKeyError
            The plan has a goal with that key.
        TransitionError
            The plan is closed.
        TypeError
            ``goal`` is not a :class:`Goal`.

        Examples
        --------
        >>> from rbp.plans import ActionPlan, Goal
        >>> store = rbp.open()
        >>> store.plans.create(ActionPlan("p-1", title="Creek camp", problem="Encampment"))
        >>> store.plans.add_goal("p-1", Goal("g-1", measure="calls a month", baseline=40,
        ...                                  target=20, direction="decrease"))
        >>> [g.key for g in store.plans.get("p-1").goals]
        ['g-1']
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

        Parameters
        ----------
        plan
            The plan's key.
        goal
            The goal's key.
        value
            The reading.
        at
            When it was taken (aware).

        Raises
        ------
        UnknownKeyError
            No such plan or goal.
        TransitionError
            The plan is closed.
        ValidationError
            ``value`` is not a finite number, or ``at`` is before the goal was added.

        Examples
        --------
        >>> from rbp.plans import ActionPlan, Goal
        >>> store = rbp.open()
        >>> t0 = pendulum.datetime(2026, 3, 2)
        >>> store.plans.create(ActionPlan("p-1", title="Creek camp", problem="Encampment"), at=t0)
        >>> store.plans.add_goal("p-1", Goal("g-1", measure="calls a month", baseline=40,
        ...                                  target=20, direction="decrease"), at=t0)
        >>> store.plans.record_measure("p-1", "g-1", 30, at=t0.add(days=30))
        >>> store.plans.status("p-1", as_of=t0.add(days=31)).attainment
        {'g-1': 0.5}
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
        """Record a review meeting of the plan: a note and the decisions taken.

        Parameters
        ----------
        plan
            The plan's key.
        note
            What was discussed (may hold personal data; never shown in reprs).
        decisions
            The decisions taken, one text each.
        at
            When (aware, not before the plan opened); default the store's clock.

        Raises
        ------
        UnknownKeyError
            No such plan.
        TransitionError
            The plan is closed.
        ValidationError
            An empty or too long note, or ``at`` before the plan opened.

        Examples
        --------
        >>> from rbp.plans import ActionPlan
        >>> store = rbp.open()
        >>> store.plans.create(ActionPlan("p-1", title="Creek camp", problem="Encampment"))
        >>> store.plans.add_review("p-1", "Met at the library", decisions=["Weekly outreach"])
        >>> store.plans.get("p-1").reviews[0].decisions
        ('Weekly outreach',)
        """
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
