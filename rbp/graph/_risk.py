"""Key-person risk and departure simulation (``crm.graph.key_person_risk``,
``crm.graph.simulate_departure``)."""

from __future__ import annotations

import datetime as dt

import pendulum

from rbp import _args
from rbp.graph import _metrics as metrics
from rbp.graph._base import GraphBase
from rbp.graph._risk_reports import DepartureImpact, KeyPersonReport

__all__ = ["RiskReads"]


class RiskReads(GraphBase):
    """Who holds relationships alone, and what is lost when an officer leaves."""

    def key_person_risk(
        self,
        *,
        as_of: pendulum.DateTime | None = None,
        window: dt.timedelta | None = None,
        area: str | None = None,
    ) -> KeyPersonReport:
        """Covered stakeholders held by a single officer, and per officer the ones only
        they hold, as of T.

        A stakeholder is covered by contact within ``window`` (None: its cadence), as
        in :meth:`coverage`; a tie is *held* when it is active (last contact within the
        stakeholder's cadence). The report's ``window`` says which window was used.

        Parameters
        ----------
        as_of
            T; default now by the store's clock.
        window
            The coverage window; None (the default) uses each stakeholder's cadence.
        area
            Only stakeholders of this area and the areas below it.

        Returns
        -------
        KeyPersonReport
            ``covered``, the ``single_threaded`` keys, their ``ratio`` of the covered,
            and ``sole_held``: per officer, the stakeholders only they hold (most first).

        Raises
        ------
        UnknownKeyError
            ``area`` is no area of the store.
        ValidationError
            ``area`` is not a valid key, or ``window`` is not longer than zero (at most
            a century).
        NaiveDatetimeError
            ``as_of`` has no time zone.
        TypeError
            An argument of the wrong Python type (a window that is not a duration).

        Examples
        --------
        The synthetic city, at the end of its log:

        >>> risk = crm.graph.key_person_risk(as_of=T)
        >>> risk.covered, len(risk.single_threaded), round(risk.ratio, 3)
        (78, 43, 0.551)
        >>> list(risk.sole_held)[:3]
        ['P0006', 'P0001', 'P0003']

        A tie is held within the stakeholder's cadence; a shorter window drops it:

        >>> import pendulum, rbp
        >>> from rbp.interactions import Interaction
        >>> crm = rbp.open()
        >>> crm.directory.add_many([rbp.Area("b-1"), rbp.Officer("P1", areas=("b-1",)),
        ...     rbp.CommunityMember("m-1", area="b-1")])
        3
        >>> T = pendulum.datetime(2026, 6, 30, tz="UTC")
        >>> _ = crm.interactions.log(Interaction(at=T.subtract(days=10), kind="meeting",
        ...                                      participants=("P1", "m-1")))
        >>> crm.graph.key_person_risk(as_of=T).sole_held
        {'P1': ('m-1',)}
        >>> crm.graph.key_person_risk(as_of=T, window=pendulum.duration(days=7)).covered
        0
        """
        when = self._uow.when(as_of)
        win = self._uow.window(window)
        scope = _args.optional_key(area, "area")
        with self._uow.read() as conn:
            snap = self._snapshot(conn, when, win)
        return metrics.key_person(snap, metrics.select(snap, area=scope))

    def simulate_departure(
        self,
        officer: str,
        *,
        as_of: pendulum.DateTime | None = None,
        window: dt.timedelta | None = None,
        successors: int = 10,
    ) -> DepartureImpact:
        """Coverage before and after ``officer`` leaves at T, and who should take over.

        Coverage counts contact within ``window`` (None: each stakeholder's cadence).
        ``orphaned`` are stakeholders covered before and not after; ``areas_dropped``
        are areas whose covered count falls, biggest fall first. Successors (at most
        ``successors``) are ranked by a documented score summed over the orphans: 3
        points for each orphan the candidate has ever met (as of T), 2 for each orphan
        related by a declared relationship to someone the candidate holds an active tie
        with (the orphan's organisation, say), and 1 for each orphan living in or served
        by an area the candidate is assigned to (or an area above or below it). Ties
        are broken by key. Each successor lists its reasons.

        Parameters
        ----------
        officer
            The officer who leaves; an officer in the picture at T.
        as_of
            T; default now by the store's clock.
        window
            The coverage window; None (the default) uses each stakeholder's cadence.
        successors
            The most successors to rank (at least 1).

        Returns
        -------
        DepartureImpact
            Coverage ``before`` and ``after``, the ``orphaned`` keys, the
            ``areas_dropped`` and the ranked ``successors``.

        Raises
        ------
        UnknownKeyError
            ``officer`` is not an officer in the picture at T.
        ValidationError
            ``officer`` is not a valid key, ``successors`` is not a whole number from
            1, or ``window`` is not longer than zero (at most a century).
        NaiveDatetimeError
            ``as_of`` has no time zone.
        TypeError
            An argument of the wrong Python type.

        Examples
        --------
        The synthetic city, if P0001 left at the end of its log:

        >>> impact = crm.graph.simulate_departure("P0001", as_of=T, successors=2)
        >>> len(impact.orphaned), round(impact.before.ratio, 3), round(impact.after.ratio, 3)
        (6, 0.453, 0.419)
        >>> [(s.officer, s.score) for s in impact.successors]
        [('P0003', 18.0), ('P0006', 15.0)]

        The smallest handover:

        >>> import pendulum, rbp
        >>> from rbp.interactions import Interaction
        >>> crm = rbp.open()
        >>> crm.directory.add_many([rbp.Area("b-1"), rbp.Officer("P1", areas=("b-1",)),
        ...     rbp.Officer("P2", areas=("b-1",)), rbp.CommunityMember("m-1", area="b-1")])
        4
        >>> T = pendulum.datetime(2026, 6, 30, tz="UTC")
        >>> _ = crm.interactions.log(Interaction(at=T.subtract(days=10), kind="meeting",
        ...                                      participants=("P1", "m-1")))
        >>> impact = crm.graph.simulate_departure("P1", as_of=T)
        >>> impact.orphaned, impact.successors[0].officer
        (('m-1',), 'P2')
        """
        key = _args.key(officer, "officer")
        limit = _args.positive(successors, "successors")
        when = self._uow.when(as_of)
        win = self._uow.window(window)
        with self._uow.read() as conn:
            snap = self._snapshot(conn, when, win)
            self._officer(snap, key)
            before, after, orphans = metrics.departure(snap, key)
            ranked = metrics.successors(conn, snap, key, orphans, limit=limit)
        drops = sorted(
            (
                (before.by_area[a].covered - after.by_area[a].covered, a)
                for a in before.by_area
                if after.by_area[a].covered < before.by_area[a].covered
            ),
            key=lambda x: (-x[0], x[1]),
        )
        return DepartureImpact(
            officer=key,
            window=win.duration,
            before=before,
            after=after,
            orphaned=tuple(snap.keys[i] for i in orphans),
            areas_dropped=tuple(a for _, a in drops),
            successors=ranked,
        )
