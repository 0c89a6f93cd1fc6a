"""Reading plans (``crm.plans.get``, ``find``, ``status``, ``statuses``, ``portfolio``):
a plan as it stands now or as it stood at any T."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import pendulum
import sqlalchemy as sa

from rbp import _args
from rbp import _schema as t
from rbp._queries.plan_read import load_plan, must_load
from rbp._queries.plan_status import (
    PlanStatus,
    plan_status,
    plan_statuses,
    portfolio_frame,
    portfolio_html,
)
from rbp._queries.scope import area_scope
from rbp._render import RecordList
from rbp.errors import StoreError
from rbp.model._plans import ActionPlan, Phase, PlanState

if TYPE_CHECKING:
    import pandas as pd

    from rbp._unit import UnitOfWork

__all__ = ["PlanReads"]

_STATUS_COLUMNS = ("plan", "title", "phase", "days_in_phase", "progress", "attainment")
_FIND_COLUMNS = ("key", "title", "phase", "areas", "needed_sectors", "opened", "phase_since")


class PlanReads:
    """The reading half of :class:`rbp.plans.Plans`."""

    _uow: UnitOfWork

    def get(self, plan: str, *, as_of: pendulum.DateTime | None = None) -> ActionPlan:
        """The plan as it stood at ``as_of`` (default now by the store's clock).

        Changes dated after ``as_of`` (e.g. a phase change recorded ahead) are not in it.

        Parameters
        ----------
        plan
            The plan's key.
        as_of
            When (aware); default now by the store's clock.

        Returns
        -------
        ActionPlan
            With its partners, tasks, goals, measures and reviews at ``as_of``.

        Raises
        ------
        UnknownKeyError
            No such plan (or it was opened after ``as_of``).
        ValidationError
            A malformed key, or a naive ``as_of``.
        TypeError
            ``as_of`` is not a datetime.

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
        at = self._uow.when(as_of).micros
        with self._uow.read() as conn:
            return must_load(conn, key, at, self._uow.tz)

    def find(
        self,
        *,
        area: str | None = None,
        phase: Phase | str | None = None,
        partner: str | None = None,
        status: PlanState | str | None = None,
        concern: str | None = None,
    ) -> RecordList:
        """Plans as they are now that match every filter, ordered by key.

        Parameters
        ----------
        area
            Covers this area or an area below it.
        phase
            Is in this phase now (a :class:`Phase` or its value).
        partner
            Has this stakeholder as a partner.
        status
            Is open (any phase but closed) or closed (a :class:`PlanState` or its value).
        concern
            Works on this concern (or tip): the plans linked to it.

        Returns
        -------
        RecordList
            The plans (a tuple-like list that renders as a table).

        Raises
        ------
        UnknownKeyError
            ``area`` does not exist.
        ValidationError
            An unknown phase or status, or a malformed key.

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

        The plans of a concern:

        >>> from rbp.engagement import Concern
        >>> crm.directory.add(rbp.Area("b-1"))
        >>> key = crm.concerns.report(Concern(at=pendulum.datetime(2026, 3, 2), area="b-1",
        ...                                   category="camp", text="Tents by the creek"))
        >>> crm.plans.create(ActionPlan("p-2", title="Camp", problem="Tents", concerns=(key,)))
        >>> [p.key for p in crm.plans.find(concern=key)]
        ['p-2']
        """
        area = _args.optional_key(area, "area")
        want = _args.optional_choice(Phase, phase, "phase")
        partner = _args.optional_key(partner, "partner")
        state = _args.optional_choice(PlanState, status, "status")
        concern = _args.optional_key(concern, "concern")
        q = sa.select(t.plans.c.key).order_by(t.plans.c.key)
        with self._uow.read() as conn:
            if area is not None:
                a = t.plan_areas.c
                scope = area_scope(conn, area)
                q = q.where(t.plans.c.key.in_(sa.select(a.plan).where(a.area.in_(scope))))
            if partner is not None:
                pp = t.plan_partners.c
                q = q.where(t.plans.c.key.in_(sa.select(pp.plan).where(pp.stakeholder == partner)))
            if concern is not None:
                pc = t.plan_concerns.c
                q = q.where(t.plans.c.key.in_(sa.select(pc.plan).where(pc.concern == concern)))
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
        *,
        as_of: pendulum.DateTime | None = None,
        window: pendulum.Duration | None = None,
    ) -> PlanStatus:
        """Where the plan stands at ``as_of`` (default now): see :class:`PlanStatus`.

        Parameters
        ----------
        plan
            The plan's key.
        as_of
            When (aware); default now by the store's clock.
        window
            How recent a partner's last interaction linked to the plan must be for the
            partner to count as engaged (default 90 days).

        Returns
        -------
        PlanStatus
            Phase, progress, overdue tasks, unengaged partners, missing sectors, attainment.

        Raises
        ------
        UnknownKeyError
            No such plan (or it was opened after ``as_of``).
        ValidationError
            A malformed key, a naive ``as_of``, or a window that is not positive.
        TypeError
            ``as_of`` is not a datetime, or ``window`` not a duration.

        Examples
        --------
        >>> from rbp.plans import ActionPlan, Task
        >>> store = rbp.open()
        >>> t0 = pendulum.datetime(2026, 3, 2)
        >>> store.plans.create(ActionPlan("p-1", title="Creek camp", problem="Encampment"), at=t0)
        >>> store.plans.add_task("p-1", Task("t-1", title="Count tents", due=t0.add(days=7)), at=t0)
        >>> s = store.plans.status("p-1", as_of=t0.add(days=10))
        >>> s.progress, [o.task for o in s.overdue]
        (0.0, ['t-1'])
        """
        key = _args.key(plan, "plan")
        at = self._uow.when(as_of)
        span = _span(window)
        with self._uow.read() as conn:
            p = must_load(conn, key, at.micros, self._uow.tz)
            return plan_status(conn, p, at.at, span)

    def statuses(
        self,
        *,
        as_of: pendulum.DateTime | None = None,
        area: str | None = None,
        window: pendulum.Duration | None = None,
    ) -> RecordList:
        """:meth:`status` of every plan opened by ``as_of``, ordered by key.

        Parameters
        ----------
        as_of
            When (aware); default now by the store's clock.
        area
            Only plans covering this area or an area below it.
        window
            The engagement window of partners (default 90 days).

        Returns
        -------
        tuple of PlanStatus
            Ordered by plan key.

        Raises
        ------
        UnknownKeyError
            ``area`` does not exist.
        ValidationError
            A malformed key, a naive ``as_of``, or a window that is not positive.
        TypeError
            ``as_of`` is not a datetime, or ``window`` not a duration.

        Examples
        --------
        >>> from rbp.plans import ActionPlan
        >>> store = rbp.open()
        >>> for key in ("p-1", "p-2"):
        ...     store.plans.create(ActionPlan(key, title="Plan " + key, problem="Noise"))
        >>> [s.plan for s in store.plans.statuses()]
        ['p-1', 'p-2']
        """
        at = self._uow.when(as_of)
        area = _args.optional_key(area, "area")
        span = _span(window)
        with self._uow.read() as conn:
            found = plan_statuses(conn, at.at, span, self._uow.tz, area=area)
        return RecordList(found, columns=_STATUS_COLUMNS, title="Plan statuses", as_of=at.at)

    def portfolio(
        self, *, as_of: pendulum.DateTime | None = None, window: pendulum.Duration | None = None
    ) -> pd.DataFrame:
        """One row per plan opened by ``as_of``.

        Columns: key, title, phase, progress, overdue (count), unengaged (count),
        missing sectors, days in phase. Needs pandas.

        Parameters
        ----------
        as_of
            When (aware); default now by the store's clock.
        window
            The engagement window of partners (default 90 days).

        Returns
        -------
        pandas.DataFrame
            One row per plan.

        Raises
        ------
        ValidationError
            A naive ``as_of``, or a window that is not positive.
        TypeError
            ``as_of`` is not a datetime, or ``window`` not a duration.

        Examples
        --------
        >>> from rbp.plans import ActionPlan
        >>> store = rbp.open()
        >>> store.plans.create(ActionPlan("p-1", title="Creek camp", problem="Encampment"))
        >>> frame = store.plans.portfolio()
        >>> list(frame["key"]), list(frame["phase"])
        (['p-1'], ['scanning'])
        """
        return portfolio_frame(list(self.statuses(as_of=as_of, window=window)))

    def portfolio_html(
        self,
        path: str | Path,
        *,
        as_of: pendulum.DateTime | None = None,
        window: pendulum.Duration | None = None,
    ) -> Path:
        """Write the portfolio as a standalone HTML page; returns its path.

        Parameters
        ----------
        path
            The HTML file to write.
        as_of
            When (aware); default now by the store's clock.
        window
            The engagement window of partners (default 90 days).

        Returns
        -------
        Path
            ``path``.

        Raises
        ------
        StoreError
            The file cannot be written.
        ValidationError
            A bad path, a naive ``as_of``, or a window that is not positive.
        TypeError
            ``path`` is not a str or path, ``as_of`` not a datetime, ``window`` not a duration.

        Examples
        --------
        >>> import pathlib, tempfile
        >>> from rbp.plans import ActionPlan
        >>> store = rbp.open()
        >>> store.plans.create(ActionPlan("p-1", title="Creek camp", problem="Encampment"))
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     out = store.plans.portfolio_html(pathlib.Path(tmp) / "plans.html")
        ...     "Creek camp" in out.read_text(encoding="utf-8")
        True
        """
        target = _args.path(path, "path")
        at = self._uow.when(as_of).at
        rows = list(self.statuses(as_of=at, window=window))
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
