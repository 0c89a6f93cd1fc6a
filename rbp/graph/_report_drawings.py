"""Diagrams of the graph's reports and plans (``crm.graph.matrix_diagram``,
``keyperson_diagram``, ``plan_diagram``); the drawing itself is in
:mod:`rbp.graph.diagrams`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import graphviz
import pendulum

from rbp import _args
from rbp._queries.plan_read import must_load
from rbp._queries.plan_status import plan_status
from rbp._queries.scope import stakeholder_kinds
from rbp._render import _words as words
from rbp.graph import _metrics as metrics
from rbp.graph._base import GraphBase, labels_arg
from rbp.graph._names import names_arg, read_names
from rbp.graph._snapshot import KINDS
from rbp.graph.diagrams import keyperson_diagram, matrix_diagram, plan_diagram

__all__ = ["ReportDiagramReads"]

PLAN_ENGAGED = pendulum.duration(days=90)
"""How recently a plan partner must have been met to count as engaged."""


class ReportDiagramReads(GraphBase):
    """Graphviz diagrams of the coverage matrix, key-person risk and action plans, as of T."""

    def matrix_diagram(
        self,
        *,
        as_of: pendulum.DateTime | None = None,
        window: dt.timedelta | None = None,
        area: str | None = None,
    ) -> graphviz.Digraph:
        """The area × sector coverage matrix as of T, as one table: cells coloured by
        covered / total (contact within ``window``, None: each cadence, as in
        :meth:`coverage`), "GAP" where stakeholders are known but none covered, "none
        known" where an expected sector has nobody (see :meth:`gaps`), and a legend.

        Parameters
        ----------
        as_of
            T; default now by the store's clock.
        window
            The coverage window; None (the default) uses each stakeholder's cadence.
        area
            Only this area and the areas below it; None for the whole department.

        Returns
        -------
        graphviz.Digraph
            One HTML-like table node and its legend.

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

        Notes
        -----
        Drawing needs nothing; rendering (``.render(...)``, ``.pipe(...)``, Jupyter's
        display) runs Graphviz and raises ``graphviz.ExecutableNotFound`` when its
        ``dot`` binary is not installed.

        Examples
        --------
        >>> crm.graph.matrix_diagram(as_of=T).source.count("GAP")
        20

        >>> import pendulum, rbp
        >>> crm = rbp.open()
        >>> crm.directory.add_many([rbp.Area("b-1"),
        ...     rbp.CommunityMember("m-1", area="b-1", sector="faith")])
        2
        >>> src = crm.graph.matrix_diagram(as_of=pendulum.datetime(2026, 1, 1)).source
        >>> "GAP 0/1" in src and "cluster_legend" in src
        True
        """
        when = self._uow.when(as_of)
        win = self._uow.window(window)
        scope = _args.optional_key(area, "area")
        with self._uow.read() as conn:
            snap = self._snapshot(conn, when, win)
            naming = read_names(conn, ())
        cov = metrics.coverage(snap, metrics.select(snap, area=scope), area=scope)
        default = self._uow.settings.expected_sectors
        expected = {a: snap.tree[a].expected_sectors or default for a in cov.by_area}
        return matrix_diagram(
            cov,
            title=f"{naming.place(scope)}: coverage by area and sector as of {cov.as_of:%Y-%m-%d}",
            expected=expected,
            areas=naming.areas,
            depth={a: snap.tree.depth(a) for a in cov.by_area},
            parents={a for a in cov.by_area if snap.tree.children(a)},
        )

    def keyperson_diagram(
        self,
        *,
        as_of: pendulum.DateTime | None = None,
        window: dt.timedelta | None = None,
        area: str | None = None,
        top: int = 10,
        per_officer: int = 12,
        labels: Mapping[str, str] | None = None,
        pseudonymise: bool = False,
        names: bool = False,
    ) -> graphviz.Graph:
        """The key-person map as of T: the ``top`` officers by stakeholders only they
        hold (see :meth:`key_person_risk`, with the same ``window``), each tied to those
        stakeholders by a dashed (single-threaded) line; past ``per_officer`` the rest
        are one counted node. Agencies show their names, officers their badges,
        community members a pseudonym of sector and area; ``names``, ``labels`` and
        ``pseudonymise`` work as in :meth:`diagram`.

        Parameters
        ----------
        as_of
            T; default now by the store's clock.
        window
            The coverage window; None (the default) uses each stakeholder's cadence.
        area
            Only stakeholders of this area and the areas below it.
        top
            How many officers to draw (at least 1).
        per_officer
            How many stakeholders to draw per officer (at least 1).
        labels
            Your text for some stakeholders, by key; it wins over names and aliases.
        pseudonymise
            Show stable aliases ("S-001") instead of names, badges and pseudonyms.
        names
            Show officers' and community members' stored names (personal data: only
            for a reader who may see them).

        Returns
        -------
        graphviz.Graph
            The key-person map.

        Raises
        ------
        UnknownKeyError
            ``area`` is no area of the store.
        ValidationError
            ``area`` is not a valid key, ``top`` or ``per_officer`` is not a whole
            number from 1, ``window`` is not longer than zero (at most a century), or
            both ``names`` and ``pseudonymise`` are True.
        NaiveDatetimeError
            ``as_of`` has no time zone.
        TypeError
            An argument of the wrong Python type (``labels`` not a mapping, say).

        Notes
        -----
        Drawing runs Graphviz once to lay the diagram out when it is installed (and
        returns it unpinned when it is not); rendering (``.render(...)``,
        ``.pipe(...)``, Jupyter's display) runs Graphviz and raises
        ``graphviz.ExecutableNotFound`` when its ``dot`` binary is not installed.

        Examples
        --------
        >>> src = crm.graph.keyperson_diagram(as_of=T, top=2).source
        >>> "43 of 78 covered stakeholders held by one officer" in src, "P0006 (9)" in src
        (True, True)

        >>> import pendulum, rbp
        >>> from rbp.interactions import Interaction
        >>> crm = rbp.open()
        >>> crm.directory.add_many([rbp.Area("b-1"), rbp.Officer("P1", areas=("b-1",)),
        ...     rbp.CommunityMember("m-1", area="b-1")])
        3
        >>> T = pendulum.datetime(2026, 6, 30, tz="UTC")
        >>> _ = crm.interactions.log(Interaction(at=T.subtract(days=3), kind="meeting",
        ...     participants=("P1", "m-1"), areas=("b-1",)))
        >>> "P1 (1)" in crm.graph.keyperson_diagram(as_of=T).source
        True
        """
        count = _args.positive(top, "top")
        per = _args.positive(per_officer, "per_officer")
        when = self._uow.when(as_of)
        win = self._uow.window(window)
        scope = _args.optional_key(area, "area")
        shown = labels_arg(labels)
        alias = _args.flag(pseudonymise, "pseudonymise")
        named = names_arg(names, alias)
        with self._uow.read() as conn:
            snap = self._snapshot(conn, when, win)
            report = metrics.key_person(snap, metrics.select(snap, area=scope))
            chosen = list(report.sole_held.items())[:count]
            drawn = {o for o, _ in chosen} | {k for _, held in chosen for k in held[:per]}
            naming = read_names(conn, drawn, names=named)
        position = snap.position
        kinds = {k: KINDS[snap.kind[position[k]]].value for k in drawn if k in position}
        where = "" if scope is None else f" in {naming.area(scope)}"
        shown_officers = words.count(min(count, len(report.sole_held)), "officer")
        return keyperson_diagram(
            report,
            kinds,
            title=(
                f"Key-person risk{where} as of {snap.as_of:%Y-%m-%d}: {len(report.single_threaded)}"
                f" of {words.count(report.covered, 'covered stakeholder')} held by one"
                f" officer; top {shown_officers}"
            ),
            top=count,
            per_officer=per,
            labels=shown,
            names=naming.people,
            pseudonymise=alias,
        )

    def plan_diagram(
        self,
        plan: str,
        *,
        as_of: pendulum.DateTime | None = None,
        labels: Mapping[str, str] | None = None,
        pseudonymise: bool = False,
        names: bool = False,
    ) -> graphviz.Digraph:
        """The coalition of an action plan as of T: partners by role, tasks by owner and
        dependency, overdue tasks marked, idle partners dashed, and the sectors it needs
        but has no partner for as ghost nodes. Laid out top-down by ``dot``. Agencies
        show their names, officers their badges, community members a pseudonym of
        sector and area; ``names``, ``labels`` and ``pseudonymise`` work as in
        :meth:`diagram`.

        Parameters
        ----------
        plan
            The plan's key.
        as_of
            T; default now by the store's clock.
        labels
            Your text for some stakeholders, by key; it wins over names and aliases.
        pseudonymise
            Show stable aliases ("S-001") instead of names, badges and pseudonyms.
        names
            Show officers' and community members' stored names (personal data: only
            for a reader who may see them).

        Returns
        -------
        graphviz.Digraph
            The coalition diagram.

        Raises
        ------
        UnknownKeyError
            No plan ``plan`` at T.
        ValidationError
            ``plan`` is not a valid key, or both ``names`` and ``pseudonymise`` are
            True.
        NaiveDatetimeError
            ``as_of`` has no time zone.
        TypeError
            An argument of the wrong Python type (``labels`` not a mapping, say).

        Notes
        -----
        Drawing runs Graphviz once to lay the diagram out when it is installed (and
        returns it unpinned when it is not); rendering (``.render(...)``,
        ``.pipe(...)``, Jupyter's display) runs Graphviz and raises
        ``graphviz.ExecutableNotFound`` when its ``dot`` binary is not installed.

        Examples
        --------
        >>> import pendulum, rbp
        >>> from rbp.plans import ActionPlan, PartnerRole
        >>> crm = rbp.open()
        >>> crm.directory.add_many([rbp.Area("b-1"), rbp.PartnerAgency("org-h", sector="housing")])
        2
        >>> T = pendulum.datetime(2026, 3, 1, tz="UTC")
        >>> crm.plans.create(ActionPlan("p-1", title="Creek camp", problem="tents at night",
        ...                  areas=("b-1",), needed_sectors=("housing", "faith")), at=T)
        >>> crm.plans.add_partner("p-1", "org-h", PartnerRole.LEAD, at=T)
        >>> src = crm.graph.plan_diagram("p-1", as_of=T.add(days=1)).source
        >>> "no faith partner" in src, "org-h" in src, "tents" in src
        (True, True, False)
        """
        key = _args.key(plan, "plan")
        when = self._uow.when(as_of)
        shown = labels_arg(labels)
        alias = _args.flag(pseudonymise, "pseudonymise")
        named = names_arg(names, alias)
        with self._uow.read() as conn:
            found = must_load(conn, key, when.micros, self._uow.tz)
            status = plan_status(conn, found, when.at, PLAN_ENGAGED)
            people = {p.stakeholder for p in found.partners}
            people |= {t.owner for t in found.tasks if t.owner}
            kinds = stakeholder_kinds(conn, sorted(people))
            naming = read_names(conn, people, names=named)
        return plan_diagram(
            found, status, kinds, labels=shown, names=naming.people, pseudonymise=alias
        )
