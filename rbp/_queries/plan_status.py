"""Plan metrics as of a time T: progress, overdue tasks, unengaged partners,
missing sectors, goal attainment, days in phase.

Definitions (all as of T; nothing after T counts):

- **progress**: tasks done / tasks not cancelled; ``None`` when there are none.
- **overdue**: tasks due before T that are neither done nor cancelled.
- **unengaged**: partners (since at or before T) who took part in no interaction
  linked to the plan (``Interaction.plan``) in the window ``(T - window, T]``.
- **missing sectors**: needed sectors no partner belongs to (an officer counts as
  ``Sector.LAW_ENFORCEMENT``).
- **attainment** per goal: ``(latest measure - baseline) / (target - baseline)``
  clipped to ``[0, 1]`` (0: no better than the baseline, 1: target reached);
  ``None`` when the goal has no measure yet.
- **days in phase**: days from the start of the current phase to T.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import pendulum
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from rbp import _schema as t
from rbp._queries.plan_read import must_load
from rbp._queries.scope import area_scope
from rbp._render import Renderable, Report, Table, frame
from rbp._time import MICROS_PER_DAY, duration_micros, to_micros
from rbp.model import Sector
from rbp.model._plans import FINISHED, ActionPlan, Phase, TaskStatus

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["OverdueTask", "PlanStatus", "plan_status", "portfolio_frame"]

PORTFOLIO_COLUMNS = (
    "key",
    "title",
    "phase",
    "days_in_phase",
    "progress",
    "overdue",
    "unengaged",
    "missing_sectors",
)


@attrs.frozen(kw_only=True)
class OverdueTask:
    """A task past its due time that is neither done nor cancelled.

    Examples
    --------
    >>> from rbp.plans import ActionPlan, Task
    >>> store = rbp.open()
    >>> t0 = pendulum.datetime(2026, 3, 2)
    >>> store.plans.create(ActionPlan("p-1", title="Creek camp", problem="Encampment"), at=t0)
    >>> store.plans.add_task("p-1", Task("t-1", title="Count tents", due=t0.add(days=7)), at=t0)
    >>> late = store.plans.status("p-1", as_of=t0.add(days=10)).overdue[0]
    >>> late.task, late.status.value, late.due.to_date_string()
    ('t-1', 'open', '2026-03-09')
    """

    task: str
    owner: str | None
    due: pendulum.DateTime
    status: TaskStatus


@attrs.frozen(kw_only=True, repr=False)
class PlanStatus(Renderable):
    """Where a plan stands at ``as_of`` (see the definitions in this module).

    Examples
    --------
    >>> from rbp.plans import ActionPlan
    >>> store = rbp.open()
    >>> t0 = pendulum.datetime(2026, 3, 2)
    >>> store.plans.create(ActionPlan("p-1", title="Creek camp", problem="Encampment",
    ...                               needed_sectors=("housing",)), at=t0)
    >>> s = store.plans.status("p-1", as_of=t0.add(days=10))
    >>> s.phase.value, s.days_in_phase, s.progress, [x.value for x in s.missing_sectors]
    ('scanning', 10.0, None, ['housing'])
    """

    plan: str
    title: str
    as_of: pendulum.DateTime
    phase: Phase
    phase_since: pendulum.DateTime
    days_in_phase: float
    tasks: int
    done: int
    progress: float | None
    overdue: tuple[OverdueTask, ...]
    unengaged: tuple[str, ...]
    missing_sectors: tuple[Sector, ...]
    attainment: dict[str, float | None]

    def row(self) -> dict[str, Any]:
        """The portfolio row of this plan: counts for overdue and unengaged."""
        return {
            "key": self.plan,
            "title": self.title,
            "phase": self.phase,
            "days_in_phase": round(self.days_in_phase, 1),
            "progress": self.progress,
            "overdue": len(self.overdue),
            "unengaged": len(self.unengaged),
            "missing_sectors": self.missing_sectors,
        }

    def _report(self) -> Report:
        """The portfolio row (``to_frame()``, one row), then the overdue tasks, idle
        partners, missing sectors and goal attainment as tables.

        Returns
        -------
        Report
            The status as a report.

        Examples
        --------
        >>> import pendulum, rbp
        >>> from rbp.plans import ActionPlan
        >>> crm = rbp.open()
        >>> crm.directory.add(rbp.Area("b-1"))
        >>> T = pendulum.datetime(2026, 3, 1, tz="UTC")
        >>> crm.plans.create(ActionPlan("p-1", title="Creek <camp>", problem="x",
        ...                             areas=("b-1",), needed_sectors=("housing",)), at=T)
        >>> text = crm.plans.status("p-1", as_of=T).to_html()
        >>> "housing" in text, "<camp>" in text, "Creek &lt;camp&gt;" in text
        (True, False, True)
        >>> lines = repr(crm.plans.status("p-1", as_of=T)).splitlines()
        >>> print(lines[1]); print(lines[2])
        scanning for 0 days, progress — (0 of 0 tasks done); 0 tasks overdue, 0 partners not
        engaged lately; missing sectors: housing.
        """
        progress = "—" if self.progress is None else f"{self.progress:.0%}"
        return Report(
            f"Plan {self.plan}: {self.title}",
            as_of=self.as_of,
            summary=(
                f"{self.phase.value} for {self.days_in_phase:.0f} days, progress {progress} "
                f"({self.done} of {self.tasks} tasks done); {len(self.overdue)} tasks overdue, "
                f"{len(self.unengaged)} partners not engaged lately; missing sectors: "
                f"{', '.join(s.value for s in self.missing_sectors) or 'none'}."
            ),
            tables=(
                Table("Plan", PORTFOLIO_COLUMNS, [self.row()]),
                Table(
                    "Overdue tasks",
                    ("task", "owner", "due", "status"),
                    [attrs.asdict(o, recurse=False) for o in self.overdue],
                ),
                Table(
                    "Partners not engaged lately",
                    ("partner",),
                    [{"partner": p} for p in self.unengaged],
                ),
                Table(
                    "Needed sectors with no partner",
                    ("sector",),
                    [{"sector": x} for x in self.missing_sectors],
                ),
                Table(
                    "Goal attainment",
                    ("goal", "attainment"),
                    [{"goal": g, "attainment": v} for g, v in self.attainment.items()],
                ),
            ),
        )


def plan_status(
    conn: Connection, plan: ActionPlan, at: pendulum.DateTime, window: dt.timedelta
) -> PlanStatus:
    """The :class:`PlanStatus` of ``plan`` (as read back at ``at``)."""
    counted = [x for x in plan.tasks if x.status is not TaskStatus.CANCELLED]
    done = sum(1 for x in counted if x.status is TaskStatus.DONE)
    overdue = tuple(
        OverdueTask(task=x.key, owner=x.owner, due=x.due, status=x.status)
        for x in plan.tasks
        if x.due is not None and x.due < at and x.status not in FINISHED
    )
    partners = [p.stakeholder for p in plan.partners]
    t_us = to_micros(at)
    engaged = _engaged(conn, plan.key, partners, t_us, t_us - duration_micros(window))
    latest: dict[str, float] = {}
    for m in plan.measures:  # ordered by goal, then time
        latest[m.goal] = m.value
    attainment = {
        g.key: None if g.key not in latest else g.attainment(latest[g.key]) for g in plan.goals
    }
    have = _sectors(conn, partners)
    assert plan.phase_since is not None
    return PlanStatus(
        plan=plan.key,
        title=plan.title,
        as_of=at,
        phase=plan.phase,
        phase_since=plan.phase_since,
        days_in_phase=(t_us - to_micros(plan.phase_since)) / MICROS_PER_DAY,
        tasks=len(counted),
        done=done,
        progress=done / len(counted) if counted else None,
        overdue=overdue,
        unengaged=tuple(p for p in partners if p not in engaged),
        missing_sectors=tuple(s for s in plan.needed_sectors if s not in have),
        attainment=attainment,
    )


def _engaged(
    conn: Connection, plan: str, partners: Sequence[str], upto: int, after: int
) -> set[str]:
    """Partners in an interaction linked to ``plan`` with ``after < at <= upto``."""
    if not partners:
        return set()
    i, p = t.interactions.c, t.participants.c
    q = (
        sa.select(p.stakeholder)
        .distinct()
        .join_from(t.participants, t.interactions, i.id == p.interaction_id)
        .where(
            i.plan == plan,
            i.at <= upto,
            i.at > after,
            p.stakeholder.in_(list(partners)),
        )
    )
    return set(conn.execute(q).scalars())


def _sectors(conn: Connection, partners: Sequence[str]) -> set[Sector]:
    """The sectors of these stakeholders; officers count as law enforcement."""
    if not partners:
        return set()
    s = t.stakeholders.c
    out = set()
    for kind, sector in conn.execute(sa.select(s.kind, s.sector).where(s.key.in_(list(partners)))):
        out.add(Sector.LAW_ENFORCEMENT if kind == "officer" or sector is None else Sector(sector))
    return out


def portfolio_html(
    rows: Sequence[PlanStatus], path: str | Path, *, as_of: pendulum.DateTime
) -> Path:
    """Write the portfolio as a standalone HTML page and return its path."""
    table = Table("Plans", PORTFOLIO_COLUMNS, [r.row() for r in rows])
    return Report("Plan portfolio", as_of=as_of, tables=(table,)).to_html(path)


def portfolio_frame(rows: Sequence[PlanStatus]) -> pd.DataFrame:
    """The portfolio frame: one :meth:`PlanStatus.row` per plan."""
    return frame([r.row() for r in rows], PORTFOLIO_COLUMNS)


def plan_statuses(
    conn: Connection,
    at: pendulum.DateTime,
    span: dt.timedelta,
    tz: str,
    *,
    area: str | None = None,
) -> tuple[PlanStatus, ...]:
    """The status of every plan opened by ``at`` (covering ``area`` or below), by key."""
    q = sa.select(t.plans.c.key).where(t.plans.c.opened <= to_micros(at))
    if area is not None:
        a = t.plan_areas.c
        scope = area_scope(conn, area)
        q = q.where(t.plans.c.key.in_(sa.select(a.plan).where(a.area.in_(scope))))
    keys = list(conn.execute(q.order_by(t.plans.c.key)).scalars())
    return tuple(
        plan_status(conn, must_load(conn, key, to_micros(at), tz), at, span) for key in keys
    )


# rbp.plans gives these classes its path, so doctest would look for their methods'
# examples there; point it at them here.
__test__ = {"OverdueTask": OverdueTask, "PlanStatus": PlanStatus}
