"""Diagrams of a store (``crm.graph.diagram``, ``ego_diagram``, ``matrix_diagram``,
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
from rbp._queries.ties import tie_rows
from rbp._time import Window
from rbp.graph import _metrics as metrics
from rbp.graph._base import GraphBase, labels_arg
from rbp.graph.diagrams import (
    ego_diagram,
    keyperson_diagram,
    matrix_diagram,
    network_diagram,
    plan_diagram,
)

__all__ = ["DiagramReads"]

MAX_NODES = 100_000
"""The largest ``max_nodes`` a map takes (graphviz cannot lay out more in any time)."""

PLAN_ENGAGED = pendulum.duration(days=90)
"""How recently a plan partner must have been met to count as engaged."""


class DiagramReads(GraphBase):
    """Graphviz diagrams of the store as of T."""

    def diagram(
        self,
        *,
        as_of: pendulum.DateTime | None = None,
        window: dt.timedelta | None = None,
        area: str | None = None,
        labels: Mapping[str, str] | None = None,
        max_nodes: int = 150,
        pseudonymise: bool = False,
    ) -> graphviz.Graph:
        """A network map of an area (or the whole department) as of T.

        Officers, members and agencies as styled nodes, ties with a shared interaction
        in ``window`` (default 365 days) styled by status and strength, stakeholders
        uncovered by their cadence dashed, and a legend. Labels are keys unless
        ``labels`` maps keys to other text, or ``pseudonymise=True`` shows stable
        aliases ("S-001") instead of keys. Past ``max_nodes`` the map groups
        stakeholders (one beat by sector, anything larger by area) and says so on the
        diagram. An area's map reads only the ties of that area's stakeholders. Render
        with ``.render("file", format="svg")`` (needs Graphviz's ``dot``/``sfdp``).

        Parameters
        ----------
        as_of
            T; default now by the store's clock.
        window
            Ties count with a shared interaction in ``(T - window, T]``; default 365
            days. Uncovered stakeholders are marked by their cadence.
        area
            Only this area and the areas below it; None for the whole department.
        labels
            Text to show instead of keys, by key (names, say); None shows keys.
        max_nodes
            The most stakeholders drawn one by one (1 to 100,000); past it the map
            groups them.
        pseudonymise
            Show stable aliases ("S-001") instead of keys.

        Returns
        -------
        graphviz.Graph
            The map, laid out by ``neato``, or ``sfdp`` when it is large.

        Raises
        ------
        UnknownKeyError
            ``area`` is no area of the store.
        ValidationError
            ``area`` is not a valid key, ``max_nodes`` is out of range, or ``window`` is
            not longer than zero (at most a century).
        NaiveDatetimeError
            ``as_of`` has no time zone.
        TypeError
            An argument of the wrong Python type (``labels`` not a mapping, say).

        Notes
        -----
        Drawing needs nothing; rendering (``.render(...)``, ``.pipe(...)``, Jupyter's
        display) runs Graphviz and raises ``graphviz.ExecutableNotFound`` when its
        ``dot`` binary is not installed.

        Examples
        --------
        >>> dot = crm.graph.diagram(as_of=T, area="b-0101")
        >>> dot.engine, "Area b-0101 as of 2025-12-31" in dot.source
        ('neato', True)
        >>> "grouped by area" in crm.graph.diagram(as_of=T, max_nodes=20).source
        True

        >>> import pendulum, rbp
        >>> crm = rbp.open()
        >>> crm.directory.add_many([rbp.Area("b-1"), rbp.CommunityMember("m-1", area="b-1")])
        2
        >>> "cluster_legend" in crm.graph.diagram(as_of=pendulum.datetime(2026, 1, 1)).source
        True
        """
        when = self._uow.when(as_of)
        win = self._network_window(window)
        scope = _args.optional_key(area, "area")
        shown = labels_arg(labels)
        most = _args.positive(max_nodes, "max_nodes", maximum=MAX_NODES)
        alias = _args.flag(pseudonymise, "pseudonymise")
        with self._uow.read() as conn:
            snap = self._snapshot(conn, when, Window(None))
            chosen = metrics.select(snap, area=scope)
            cov = metrics.coverage(snap, chosen, area=scope)
            # Grouped for sure: the grouped view counts officer ties and declared
            # relationships between areas, so the costly community pairs are not read.
            community = len(chosen) <= most
            if scope is None:
                g = self._graph(conn, when, win, community=community)
            else:
                keys = {m.key for m in chosen}
                g = self._graph(conn, when, win, keys=keys, community=community)
                keep = keys & set(g)
                keep |= {o for n in keep for o in g[n] if g.nodes[o].get("kind") == "officer"}
                g = g.subgraph(keep)
        title = f"{'Department' if scope is None else 'Area ' + scope} as of {when.at:%Y-%m-%d}"
        return network_diagram(
            g,
            title=title,
            uncovered=frozenset(cov.uncovered),
            labels=shown,
            pseudonymise=alias,
            max_nodes=most,
            # One beat (an area with no areas below it) is grouped by sector.
            group_by="sector" if scope is not None and not snap.tree.children(scope) else "area",
        )

    def plan_diagram(
        self,
        plan: str,
        *,
        as_of: pendulum.DateTime | None = None,
        labels: Mapping[str, str] | None = None,
        pseudonymise: bool = False,
    ) -> graphviz.Digraph:
        """The coalition of an action plan as of T: partners by role, tasks by owner and
        dependency, overdue tasks marked, idle partners dashed, and the sectors it needs
        but has no partner for as ghost nodes. Laid out top-down by ``dot``.

        Parameters
        ----------
        plan
            The plan's key.
        as_of
            T; default now by the store's clock.
        labels
            Text to show instead of keys, by key (names, say); None shows keys.
        pseudonymise
            Show stable aliases ("S-001") instead of keys.

        Returns
        -------
        graphviz.Digraph
            The coalition diagram.

        Raises
        ------
        UnknownKeyError
            No plan ``plan`` at T.
        ValidationError
            ``plan`` is not a valid key.
        NaiveDatetimeError
            ``as_of`` has no time zone.
        TypeError
            An argument of the wrong Python type (``labels`` not a mapping, say).

        Notes
        -----
        Drawing needs nothing; rendering (``.render(...)``, ``.pipe(...)``, Jupyter's
        display) runs Graphviz and raises ``graphviz.ExecutableNotFound`` when its
        ``dot`` binary is not installed.

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
        with self._uow.read() as conn:
            found = must_load(conn, key, when.micros, self._uow.tz)
            status = plan_status(conn, found, when.at, PLAN_ENGAGED)
            people = {p.stakeholder for p in found.partners}
            people |= {t.owner for t in found.tasks if t.owner}
            kinds = stakeholder_kinds(conn, sorted(people))
        return plan_diagram(found, status, kinds, labels=shown, pseudonymise=alias)

    def ego_diagram(
        self,
        officer: str,
        *,
        as_of: pendulum.DateTime | None = None,
        window: dt.timedelta | None = None,
        labels: Mapping[str, str] | None = None,
        pseudonymise: bool = False,
        max_nodes: int = 150,
    ) -> graphviz.Graph:
        """An officer's ego map as of T: the officer, their ties styled by status
        and strength, and the other officers of the same stakeholders, greyed.

        Ties count when they have a shared interaction in the window (default 365
        days). Reads only this officer's ties and their stakeholders' ties. Labels,
        ``pseudonymise`` and ``max_nodes`` work as in :meth:`diagram`.

        Parameters
        ----------
        officer
            The officer at the centre; an officer in the picture at T.
        as_of
            T; default now by the store's clock.
        window
            Ties count with a shared interaction in ``(T - window, T]``; default 365
            days.
        labels
            Text to show instead of keys, by key (names, say); None shows keys.
        pseudonymise
            Show stable aliases ("S-001") instead of keys.
        max_nodes
            The most stakeholders drawn one by one (1 to 100,000).

        Returns
        -------
        graphviz.Graph
            The ego map, laid out by ``neato``, or ``sfdp`` when it is large.

        Raises
        ------
        UnknownKeyError
            ``officer`` is not an officer in the picture at T.
        ValidationError
            ``officer`` is not a valid key, ``max_nodes`` is out of range, or ``window``
            is not longer than zero (at most a century).
        NaiveDatetimeError
            ``as_of`` has no time zone.
        TypeError
            An argument of the wrong Python type (``labels`` not a mapping, say).

        Notes
        -----
        Drawing needs nothing; rendering (``.render(...)``, ``.pipe(...)``, Jupyter's
        display) runs Graphviz and raises ``graphviz.ExecutableNotFound`` when its
        ``dot`` binary is not installed.

        Examples
        --------
        >>> dot = crm.graph.ego_diagram("P0001", as_of=T)
        >>> dot.engine, "P0001: officer's ties as of 2025-12-31" in dot.source
        ('neato', True)

        >>> import pendulum, rbp
        >>> from rbp.interactions import Interaction
        >>> crm = rbp.open()
        >>> crm.directory.add_many([rbp.Area("b-1"), rbp.Officer("P1", areas=("b-1",)),
        ...     rbp.Officer("P2", areas=("b-1",)), rbp.CommunityMember("m-1", area="b-1")])
        4
        >>> T = pendulum.datetime(2026, 6, 30, tz="UTC")
        >>> _ = crm.interactions.log(Interaction(at=T.subtract(days=3), kind="meeting",
        ...     participants=("P1", "P2", "m-1"), areas=("b-1",)))
        >>> src = crm.graph.ego_diagram("P1", as_of=T, pseudonymise=True).source
        >>> "S-003" in src and "m-1" not in src
        True
        """
        key = _args.key(officer, "officer")
        when = self._uow.when(as_of)
        win = self._network_window(window)
        shown = labels_arg(labels)
        alias = _args.flag(pseudonymise, "pseudonymise")
        most = _args.positive(max_nodes, "max_nodes", maximum=MAX_NODES)
        assert win.micros is not None  # a network window is never the cadence
        with self._uow.read() as conn:
            snap = self._snapshot(conn, when, Window(None))
            self._officer(snap, key)
            rows = tie_rows(
                conn,
                at=when.micros,
                half_life=self._uow.settings.half_life,
                since=when.micros - win.micros,
                officers=[key],
            )
            mine = {r[1] for r in rows}
            g = self._graph(conn, when, win, keys={key, *mine}, community=False, declared=False)
        return ego_diagram(
            g,
            key,
            title=f"officer's ties as of {when.at:%Y-%m-%d}",
            labels=shown,
            pseudonymise=alias,
            max_nodes=most,
        )

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
        cov = metrics.coverage(snap, metrics.select(snap, area=scope), area=scope)
        default = self._uow.settings.expected_sectors
        expected = {a: snap.tree[a].expected_sectors or default for a in cov.by_area}
        where = "Department" if scope is None else f"Area {scope}"
        return matrix_diagram(
            cov,
            title=f"{where}: coverage by area and sector as of {cov.as_of:%Y-%m-%d}",
            expected=expected,
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
    ) -> graphviz.Graph:
        """The key-person map as of T: the ``top`` officers by stakeholders only they
        hold (see :meth:`key_person_risk`, with the same ``window``), each tied to those
        stakeholders by a dashed (single-threaded) line; past ``per_officer`` the rest
        are one counted node.

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
            Text to show instead of keys, by key (names, say); None shows keys.
        pseudonymise
            Show stable aliases ("S-001") instead of keys.

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
            number from 1, or ``window`` is not longer than zero (at most a century).
        NaiveDatetimeError
            ``as_of`` has no time zone.
        TypeError
            An argument of the wrong Python type (``labels`` not a mapping, say).

        Notes
        -----
        Drawing needs nothing; rendering (``.render(...)``, ``.pipe(...)``, Jupyter's
        display) runs Graphviz and raises ``graphviz.ExecutableNotFound`` when its
        ``dot`` binary is not installed.

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
        with self._uow.read() as conn:
            snap = self._snapshot(conn, when, win)
        report = metrics.key_person(snap, metrics.select(snap, area=scope))
        kinds = {m.key: m.kind.value for m in snap.members}
        where = "" if scope is None else f" in {scope}"
        return keyperson_diagram(
            report,
            kinds,
            title=(
                f"Key-person risk{where} as of {snap.as_of:%Y-%m-%d}: {len(report.single_threaded)}"
                f" of {report.covered} covered stakeholders held by one officer;"
                f" top {min(count, len(report.sole_held))} officers"
            ),
            top=count,
            per_officer=per,
            labels=shown,
            pseudonymise=alias,
        )
