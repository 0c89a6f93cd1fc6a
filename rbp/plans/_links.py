"""What a plan works on, linked after it opened: the community's concerns.

Part of :class:`rbp.plans.Plans`. A plan links concerns (and tips) reported with
``crm.concerns``: those in ``ActionPlan.concerns`` when it is created, more with
:meth:`PlanLinks.link_concern`. Each link holds from its time, so ``crm.plans.get(key,
as_of=T)`` lists the concerns linked by T, and ``crm.concerns.get`` the plans.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pendulum
import sqlalchemy as sa

from rbp import _args
from rbp import _schema as t
from rbp._queries.concerns import must_be_concerns
from rbp._time import to_micros
from rbp.errors import DuplicateKeyError
from rbp.plans import _sql as sql

if TYPE_CHECKING:
    from rbp._unit import UnitOfWork

__all__ = ["PlanLinks"]


class PlanLinks:
    """The concern links of :class:`rbp.plans.Plans`."""

    _uow: UnitOfWork

    def link_concern(self, plan: str, concern: str, *, at: pendulum.DateTime | None = None) -> None:
        """Link a concern (or a tip) to the plan, from ``at``: the plan works on it.

        One write transaction, recorded in the audit trail (action ``link_concern``).
        The plan then lists it in ``concerns`` (``crm.plans.get``), and the concern
        lists the plan in ``plans`` (``crm.concerns.get``), from ``at`` on.

        Parameters
        ----------
        plan
            The plan's key.
        concern
            The concern's key (its reference), as ``crm.concerns.report`` gave it.
        at
            From when (aware, not before the plan opened); default the store's clock.

        Raises
        ------
        UnknownKeyError
            No such plan or concern.
        DuplicateKeyError
            The concern is linked to the plan already.
        TransitionError
            The plan is closed.
        ValidationError
            A malformed key, or ``at`` is not an aware datetime or is before the plan
            opened.

        Examples
        --------
        >>> from rbp.engagement import Concern
        >>> from rbp.plans import ActionPlan
        >>> store = rbp.open()
        >>> store.directory.add(rbp.Area("b-1"))
        >>> t0 = pendulum.datetime(2026, 3, 2)
        >>> key = store.concerns.report(Concern(at=t0, area="b-1", category="camp", text="..."))
        >>> store.plans.create(ActionPlan("p-1", title="Creek camp", problem="Tents"), at=t0)
        >>> store.plans.link_concern("p-1", key, at=t0.add(days=3))
        >>> store.plans.get("p-1").concerns, store.plans.get("p-1", as_of=t0).concerns
        (('C-000001',), ())
        >>> store.concerns.get(key).plans
        ('p-1',)
        """
        key = _args.key(plan, "plan")
        what = _args.key(concern, "concern")
        when = self._uow.now() if at is None else _args.time(at, "at")
        with self._uow.write() as conn:
            p = sql.open_plan(conn, key, self._uow.tz)
            sql.not_before(p, when, p.opened, "the concern's link")
            must_be_concerns(conn, [what])
            pc = t.plan_concerns.c
            if conn.execute(
                sa.select(pc.concern).where(pc.plan == p.key, pc.concern == what)
            ).first():
                raise DuplicateKeyError(
                    f"concern {what!r} is linked to plan {p.key!r} already",
                    key=what,
                    field="concern",
                )
            us = to_micros(when)
            conn.execute(sa.insert(t.plan_concerns), [{"plan": p.key, "concern": what, "at": us}])
            self._uow.record(conn, "link_concern", "plan", [p.key], {"concern": what, "at": us})
