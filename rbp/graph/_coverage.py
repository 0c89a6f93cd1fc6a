"""Coverage and gaps (``crm.graph.coverage``, ``crm.graph.gaps``)."""

from __future__ import annotations

import datetime as dt

import pendulum

from rbp import _args
from rbp._queries.concerns import overdue as late_concerns
from rbp._queries.currency import out_of_currency, standings
from rbp._queries.plan_status import plan_statuses
from rbp._queries.scope import area_scope
from rbp._unit import quiet_collector
from rbp.graph import _metrics as metrics
from rbp.graph._base import GraphBase
from rbp.graph._overdue import overdue_follow_ups
from rbp.graph._reports import CoverageReport, GapReport
from rbp.model import Priority, Sector, StakeholderKind
from rbp.model._plans import Phase

__all__ = ["CoverageReads"]

PLAN_ENGAGED = pendulum.duration(days=90)
"""How recently a plan partner must have been met to count as engaged (plan status)."""


class CoverageReads(GraphBase):
    """Who is covered as of T, and where relationships are missing or thinning."""

    def coverage(
        self,
        *,
        as_of: pendulum.DateTime | None = None,
        window: dt.timedelta | None = None,
        area: str | None = None,
        sector: Sector | str | None = None,
        kind: StakeholderKind | str | None = None,
    ) -> CoverageReport:
        """Who has a working relationship with an officer, as of T.

        A non-officer stakeholder is *covered* when at least one officer shares an
        interaction with it in ``(T - window, T]``; the window defaults to the
        stakeholder's cadence (key 30, regular 90, low 180 days). Coverage ratio is
        covered / stakeholders in scope (None for an empty scope).

        Parameters
        ----------
        as_of
            T; default now by the store's clock.
        window
            One window for everybody instead of each stakeholder's cadence; the
            report's ``window`` says which was used.
        area
            Only stakeholders of this area or any area below it.
        sector
            Only stakeholders of this sector (a :class:`~rbp.Sector` or its value).
        kind
            Only members or only agencies (a :class:`~rbp.StakeholderKind` or its value).

        Returns
        -------
        CoverageReport
            Covered and total counts, ``ratio``, ``by_area``, ``by_sector``, the area ×
            sector ``matrix`` and the ``uncovered`` keys.

        Raises
        ------
        UnknownKeyError
            ``area`` is no area of the store.
        ValidationError
            ``area`` is not a valid key, ``sector`` or ``kind`` is no member of its
            enum, or ``window`` is not longer than zero (at most a century).
        NaiveDatetimeError
            ``as_of`` has no time zone.
        TypeError
            An argument of the wrong Python type (``window`` not a duration, say).

        Examples
        --------
        The synthetic city, at the end of its log:

        >>> cov = crm.graph.coverage(as_of=T)
        >>> cov.covered, cov.total, round(cov.ratio, 3)
        (78, 172, 0.453)
        >>> cov.uncovered[:2]
        ('m-000045', 'm-000053')
        >>> crm.graph.coverage(as_of=T, kind="agency").total
        23

        One window for everybody instead of each cadence:

        >>> import pendulum, rbp
        >>> crm = rbp.open()
        >>> crm.directory.add_many([rbp.Area("b-1"), rbp.CommunityMember("m-1", area="b-1")])
        2
        >>> T, week = pendulum.datetime(2026, 1, 1), pendulum.duration(days=7)
        >>> cov = crm.graph.coverage(as_of=T, window=week)
        >>> cov.ratio, cov.window.days
        (0.0, 7)
        """
        when = self._uow.when(as_of)
        win = self._uow.window(window)
        scope = _args.optional_key(area, "area")
        chosen_sector = None if sector is None else _args.choice(Sector, sector, "sector")
        chosen_kind = None if kind is None else _args.choice(StakeholderKind, kind, "kind")
        with quiet_collector():  # a city's answer is many objects, none in a cycle
            with self._uow.read() as conn:
                snap = self._snapshot(conn, when, win)
            chosen = metrics.select(snap, area=scope, sector=chosen_sector, kind=chosen_kind)
            return metrics.coverage(snap, chosen, area=scope)

    def gaps(
        self,
        *,
        as_of: pendulum.DateTime | None = None,
        window: dt.timedelta | None = None,
        area: str | None = None,
        quiet_window: dt.timedelta | None = None,
    ) -> GapReport:
        """Where relationships are missing or thinning, as of T (see :class:`GapReport`).

        ``window`` is the coverage window (None: each stakeholder's cadence): the
        uncovered lists, the matrix gaps and the single-threaded list all use it, so
        ``gaps(window=W).single_threaded == key_person_risk(window=W).single_threaded``.
        ``quiet_window`` (default: the regular cadence, 90 days) is how long an area
        may go without any logged interaction before it is quiet. Expected sectors
        come from each area's ``expected_sectors``, else ``settings.expected_sectors``.
        Officers out of policy or training currency are listed by the areas they are
        assigned to (and every area above), and open concerns and tips past their
        service-level target as :meth:`rbp.engagement.Concerns.overdue` lists them.
        Everything is read in one transaction.

        Parameters
        ----------
        as_of
            T; default now by the store's clock.
        window
            The coverage window; None (the default) uses each stakeholder's cadence.
        area
            Only this area and the areas below it.
        quiet_window
            How long an area may go without a logged interaction before it is quiet;
            default the regular cadence (90 days).

        Returns
        -------
        GapReport
            Uncovered stakeholders by priority, ties going cold, matrix gaps, missing
            sectors, quiet areas, single-threaded stakeholders, overdue follow-ups,
            plans needing attention and concerns overdue.

        Raises
        ------
        UnknownKeyError
            ``area`` is no area of the store.
        ValidationError
            ``area`` is not a valid key, or a window is not longer than zero (at most a
            century).
        NaiveDatetimeError
            ``as_of`` has no time zone.
        TypeError
            An argument of the wrong Python type (a window that is not a duration).

        Examples
        --------
        The synthetic city, at the end of its log:

        >>> gaps = crm.graph.gaps(as_of=T)
        >>> {p.value: len(keys) for p, keys in gaps.uncovered.items()}
        {'key': 6, 'regular': 60, 'low': 28}
        >>> gaps.quiet_areas, len(gaps.overdue_follow_ups)
        (('b-0108',), 65)

        A store with one uncovered member in one quiet beat:

        >>> import pendulum, rbp
        >>> crm = rbp.open()
        >>> crm.directory.add_many([rbp.Area("b-1"), rbp.CommunityMember("m-1", area="b-1")])
        2
        >>> gaps = crm.graph.gaps(as_of=pendulum.datetime(2026, 1, 1))
        >>> gaps.uncovered[rbp.Priority.REGULAR], gaps.quiet_areas, gaps.window
        (('m-1',), ('b-1',), None)
        """
        when = self._uow.when(as_of)
        win = self._uow.window(window)
        scope = _args.optional_key(area, "area")
        settings = self._uow.settings
        quiet = _args.window(quiet_window, field="quiet_window").micros_for(
            settings.cadence_days(Priority.REGULAR)
        )
        # a city's answers are many objects, none in a cycle
        with quiet_collector(), self._uow.read() as conn:
            snap = self._snapshot(conn, when, win, cooling=True)
            chosen = metrics.select(snap, area=scope)
            cov = metrics.coverage(snap, chosen, area=scope)
            risk = metrics.key_person(snap, chosen)
            in_scope = set(cov.by_area)
            quiet_areas = tuple(a for a in metrics.quiet_areas(conn, snap, quiet) if a in in_scope)
            mine = None if scope is None else {snap.keys[i] for i in chosen}
            overdue = overdue_follow_ups(
                conn,
                snap.broken
                if mine is None
                else snap.broken.where(map(mine.__contains__, snap.broken.stakeholder)),
                at=snap.at,
                as_of=snap.as_of,
                tz=self._uow.tz,
            )
            statuses = plan_statuses(conn, snap.as_of, PLAN_ENGAGED, self._uow.tz, area=scope)
            currency = standings(
                conn, when, grace=settings.policy_grace, due_soon=settings.due_soon
            )
            concerns = late_concerns(
                conn,
                when.micros,
                settings,
                self._uow.tz,
                areas=None if scope is None else area_scope(conn, scope),
            )
        uncovered = metrics.by_priority(snap, chosen, cov.uncovered)
        missing: dict[str, tuple[Sector, ...]] = {}
        for a in cov.by_area:
            expected = snap.tree[a].expected_sectors or settings.expected_sectors
            absent = tuple(s for s in expected if cov.cell(a, s).total == 0)
            if absent:
                missing[a] = absent
        plans = tuple(
            p
            for p in statuses
            if p.phase is not Phase.CLOSED and (p.overdue or p.unengaged or p.missing_sectors)
        )
        return GapReport(
            as_of=snap.as_of,
            window=win.duration,
            uncovered=uncovered,
            cooling=metrics.cold_ties(snap, chosen, self._uow.tz),
            matrix_gaps=tuple(k for k, c in cov.matrix.items() if c.total > 0 and c.covered == 0),
            missing_sectors=missing,
            quiet_areas=quiet_areas,
            single_threaded=risk.single_threaded,
            overdue_follow_ups=overdue,
            plans=plans,
            out_of_currency={
                a: keys for a, keys in out_of_currency(currency, snap.tree).items() if a in in_scope
            },
            overdue_concerns=tuple(concerns),
        )
