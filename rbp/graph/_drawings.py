"""Network maps of a store (``crm.graph.diagram``, ``ego_diagram``); the drawing itself
is in :mod:`rbp.graph.diagrams`, the report diagrams in :mod:`rbp.graph._report_drawings`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import graphviz
import pendulum

from rbp import _args
from rbp._queries.ties import tie_rows
from rbp._time import Window
from rbp.errors import ValidationError
from rbp.graph import _metrics as metrics
from rbp.graph._area_map import MapLevel, area_map, open_concerns, open_words
from rbp.graph._base import GraphBase, labels_arg
from rbp.graph._names import names_arg, read_names
from rbp.graph._snapshot import Snapshot
from rbp.graph.diagrams import ego_diagram, network_diagram

__all__ = ["MAX_NODES", "DiagramReads"]

MAX_NODES = 100_000
"""The largest ``max_nodes`` a map takes (graphviz cannot lay out more in any time)."""


def _whole(opened: Mapping[str, tuple[int, int]], snap: Snapshot) -> tuple[int, int]:
    """Open concerns and tips of the whole department (the sum over the root areas)."""
    found = [opened.get(r, (0, 0)) for r in snap.tree.roots]
    return sum(c for c, _ in found), sum(t for _, t in found)


class DiagramReads(GraphBase):
    """Graphviz maps of the store as of T: the department, an area, an officer."""

    def diagram(
        self,
        *,
        as_of: pendulum.DateTime | None = None,
        window: dt.timedelta | None = None,
        area: str | None = None,
        labels: Mapping[str, str] | None = None,
        max_nodes: int = 150,
        pseudonymise: bool = False,
        level: MapLevel | str | None = None,
        names: bool = False,
    ) -> graphviz.Graph:
        """A map of the department or of an area as of T: its areas, or its people.

        **Areas** (the department, and any area with more stakeholders than
        ``max_nodes``): each area a box labelled with its name and coverage ("Beat
        111", "49 % of 120"), filled by its coverage ratio on one colour-blind-safe
        scale, sized by its stakeholders; districts framing their beats; a line between
        two districts (two areas, on a map without frames) whose stakeholders share
        officers, with how many hold active ties on both sides. Coverage counts by
        each stakeholder's cadence, as :meth:`coverage` does. Past 150 areas each
        district stands for its beats (with the range of their coverage); at most 24
        lines are drawn, the strongest; the map says what it left out. A beat (an
        area with fewer than two areas below it) is drawn as its sectors.

        **People** (an area that fits): officers, members and agencies as styled
        nodes, ties with a shared interaction in ``window`` (default 365 days) styled
        by status (solid, dashed, dotted) and strength (width), stakeholders uncovered
        by their cadence with a dashed border. Agencies show their names, officers
        their badges (keys), community members a pseudonym of sector and area ("Faith ·
        Beat 111 #3", the same in every diagram); ``names=True`` shows officers' and
        members' stored names instead, ``labels`` maps keys to your own text, and
        ``pseudonymise=True`` shows stable aliases ("S-001") for every stakeholder. An
        area's map reads only the ties of that area's stakeholders.

        Open concerns and tips (received, acknowledged or in progress at T, each
        counted for its area and every area above it) show as counts only: on each
        area box that has any ("2 concerns and 1 tip open") and in the title of a
        beat's map and of a people map; never their texts or reporters.

        Every map has a legend beside or below it. Render with ``.render("file",
        format="svg")`` (needs Graphviz).

        Parameters
        ----------
        as_of
            T; default now by the store's clock.
        window
            A map of people: ties count with a shared interaction in
            ``(T - window, T]``; default 365 days. Uncovered stakeholders are marked by
            their cadence, and a map of areas counts coverage by cadence too.
        area
            Only this area and the areas below it; None for the whole department.
        labels
            A map of people: your text for some stakeholders, by key; it wins over
            names and aliases.
        max_nodes
            The most stakeholders drawn one by one (1 to 100,000); past it the map
            draws areas.
        pseudonymise
            A map of people: show stable aliases ("S-001") instead of names, badges
            and pseudonyms.
        level
            ``"areas"`` or ``"people"`` (a :class:`~rbp.graph.MapLevel`) to choose
            the map; None chooses areas for the department and for an area with more
            stakeholders than ``max_nodes``, people otherwise.
        names
            A map of people: show officers' and community members' stored names
            (personal data: only for a reader who may see them).

        Returns
        -------
        graphviz.Graph
            A map of areas, laid out by ``fdp`` (``osage`` when it is large); a map
            of people, laid out by ``neato`` (``sfdp`` when it is large) and pinned
            there with its legend, so it renders with ``neato`` whatever the size.

        Raises
        ------
        UnknownKeyError
            ``area`` is no area of the store.
        ValidationError
            ``area`` is not a valid key, ``max_nodes`` is out of range, ``level`` is
            neither "areas" nor "people", ``level="people"`` for more stakeholders
            than ``max_nodes``, ``window`` is not longer than zero (at most a
            century), or both ``names`` and ``pseudonymise`` are True.
        NaiveDatetimeError
            ``as_of`` has no time zone.
        TypeError
            An argument of the wrong Python type (``labels`` not a mapping, say).

        Notes
        -----
        Drawing runs Graphviz once to lay the map out when it is installed (and
        returns the unpinned map when it is not); rendering (``.render(...)``,
        ``.pipe(...)``, Jupyter's display) runs Graphviz and raises
        ``graphviz.ExecutableNotFound`` when its ``dot`` binary is not installed.

        Examples
        --------
        >>> dot = crm.graph.diagram(as_of=T, area="b-0101")
        >>> dot.engine, "Beat 0101 as of 2025-12-31" in dot.source
        ('neato', True)
        >>> "cluster_legend" in dot.source, "SECRET" in dot.source
        (True, False)
        >>> department = crm.graph.diagram(as_of=T)
        >>> department.engine, "Department as of 2025-12-31" in department.source
        ('fdp', True)
        >>> crm.graph.diagram(as_of=T, level="people", max_nodes=500).engine
        'neato'

        >>> import pendulum, rbp
        >>> crm = rbp.open()
        >>> crm.directory.add_many([rbp.Area("b-1", name="Beat 1"),
        ...     rbp.CommunityMember("m-1", area="b-1")])
        2
        >>> src = crm.graph.diagram(as_of=pendulum.datetime(2026, 1, 1)).source
        >>> "Beat 1\\\\n0 % of 1" in src, "cluster_legend" in src, "m-1" in src
        (True, True, False)
        """
        when = self._uow.when(as_of)
        win = self._network_window(window)
        scope = _args.optional_key(area, "area")
        shown = labels_arg(labels)
        most = _args.positive(max_nodes, "max_nodes", maximum=MAX_NODES)
        alias = _args.flag(pseudonymise, "pseudonymise")
        chosen_level = _args.optional_choice(MapLevel, level, "level")
        named = names_arg(names, alias)
        with self._uow.read() as conn:
            snap = self._snapshot(conn, when, Window(None))
            chosen = metrics.select(snap, area=scope)
            cov = metrics.coverage(snap, chosen, area=scope)
            opened = open_concerns(conn, snap)
            if chosen_level is None:
                big = scope is None or len(chosen) > most
                chosen_level = MapLevel.AREAS if big else MapLevel.PEOPLE
            if chosen_level is MapLevel.AREAS:
                name = "Department" if scope is None else snap.tree[scope].name or scope
                return area_map(
                    conn,
                    snap,
                    cov,
                    chosen,
                    scope=scope,
                    title=f"{name} as of {when.at:%Y-%m-%d}",
                    cadence=self._uow.settings.cadence,
                    concerns=opened,
                )
            if len(chosen) > most:
                raise ValidationError(
                    f"{len(chosen)} stakeholders are more than max_nodes={most} to draw one "
                    "by one: raise max_nodes, or draw the areas (level='areas')",
                    field="max_nodes",
                )
            if scope is None:
                g = self._graph(conn, when, win)
            else:
                keys = {snap.keys[i] for i in chosen}
                g = self._graph(conn, when, win, keys=keys)
                keep = keys & set(g)
                keep |= {o for n in keep for o in g[n] if g.nodes[o].get("kind") == "officer"}
                g = g.subgraph(keep)
            naming = read_names(conn, g, names=named, here=scope)
        title = f"{naming.place(scope)} as of {when.at:%Y-%m-%d}"
        words = open_words(opened.get(scope) if scope is not None else _whole(opened, snap))
        if words:
            title = f"{title}; {words}"
        return network_diagram(
            g,
            title=title,
            uncovered=frozenset(cov.uncovered),
            labels=shown,
            names=naming.people,
            pseudonymise=alias,
        )

    def ego_diagram(
        self,
        officer: str,
        *,
        as_of: pendulum.DateTime | None = None,
        window: dt.timedelta | None = None,
        labels: Mapping[str, str] | None = None,
        pseudonymise: bool = False,
        max_nodes: int = 150,
        names: bool = False,
    ) -> graphviz.Graph:
        """An officer's ego map as of T: the officer, their ties styled by status
        and strength, and the other officers of the same stakeholders, greyed.

        Ties count when they have a shared interaction in the window (default 365
        days). Reads only this officer's ties and their stakeholders' ties. Labels
        (agencies by name, officers by badge, members by sector and area), ``names``,
        ``labels``, ``pseudonymise`` and ``max_nodes`` work as in :meth:`diagram`.

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
            Your text for some stakeholders, by key; it wins over names and aliases.
        pseudonymise
            Show stable aliases ("S-001") instead of names, badges and pseudonyms.
        max_nodes
            The most stakeholders drawn one by one (1 to 100,000).
        names
            Show officers' and community members' stored names (personal data: only
            for a reader who may see them).

        Returns
        -------
        graphviz.Graph
            The ego map, laid out and pinned, drawn by ``neato``.

        Raises
        ------
        UnknownKeyError
            ``officer`` is not an officer in the picture at T.
        ValidationError
            ``officer`` is not a valid key, ``max_nodes`` is out of range, ``window``
            is not longer than zero (at most a century), or both ``names`` and
            ``pseudonymise`` are True.
        NaiveDatetimeError
            ``as_of`` has no time zone.
        TypeError
            An argument of the wrong Python type (``labels`` not a mapping, say).

        Notes
        -----
        Drawing runs Graphviz once to lay the map out when it is installed (and
        returns the unpinned map when it is not); rendering (``.render(...)``,
        ``.pipe(...)``, Jupyter's display) runs Graphviz and raises
        ``graphviz.ExecutableNotFound`` when its ``dot`` binary is not installed.

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
        named = names_arg(names, alias)
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
            near = {key, *mine} | {o for n in mine if n in g for o in g[n]}
            naming = read_names(conn, near, names=named)
        return ego_diagram(
            g,
            key,
            title=f"officer's ties as of {when.at:%Y-%m-%d}",
            labels=shown,
            names=naming.people,
            areas=naming.areas,
            pseudonymise=alias,
            max_nodes=most,
        )
