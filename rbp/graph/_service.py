"""The graph namespace (``crm.graph``): coverage, gaps, key-person risk, network measures."""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING, Any

import attrs
import graphviz
import networkx as nx
import pendulum

from rbp._queries.plan_read import must_load
from rbp._queries.plan_status import plan_status, plan_statuses
from rbp._queries.scope import stakeholder_kinds
from rbp._queries.ties import overdue_records, promise_rows, tie_rows
from rbp._render import RecordList
from rbp._time import MICROS_PER_DAY, duration_micros, from_micros, to_micros
from rbp.errors import UnknownKeyError, ValidationError
from rbp.graph import _metrics as metrics
from rbp.graph._build import build_graph, community_rows
from rbp.graph._diagram import network_diagram
from rbp.graph._diagrams_more import ego_diagram, keyperson_diagram, matrix_diagram
from rbp.graph._network import (
    Broker,
    Community,
    ReachReport,
    betweenness,
    communities,
    constraint,
    cut_off_counts,
    reach,
)
from rbp.graph._plan_diagram import plan_diagram
from rbp.graph._reports import CoverageReport, DepartureImpact, GapReport, KeyPersonReport
from rbp.graph._snapshot import Snapshot, load_snapshot
from rbp.model import Priority, Sector, StakeholderKind
from rbp.model._directory import check_key, enum_value
from rbp.model._plans import Phase

if TYPE_CHECKING:
    import pandas as pd

    from rbp._unit import UnitOfWork

__all__ = ["Broker", "Community", "Graph", "PartnerTie", "ReachReport"]


@attrs.frozen(kw_only=True)
class PartnerTie:
    """Two partner agencies that worked together (shared interactions)."""

    a: str
    b: str
    count: int
    first: pendulum.DateTime
    last: pendulum.DateTime
    strength: float


class Graph:
    """Coverage, gaps, key-person risk, network measures and diagrams of one store.

    Every method answers *as of* a time T (default now): nothing after T counts,
    and stakeholders not part of the picture at T (``since``/``until``) are left out.

    Examples
    --------
    >>> import pendulum, rbp
    >>> from rbp.interactions import Interaction
    >>> crm = rbp.open()
    >>> crm.directory.add_many([rbp.Area("b-1"), rbp.Officer("P1", areas=("b-1",)),
    ...     rbp.CommunityMember("m-1", area="b-1", priority="key"),
    ...     rbp.CommunityMember("m-2", area="b-1")])
    4
    >>> T = pendulum.datetime(2026, 6, 30, tz="UTC")
    >>> _ = crm.interactions.log(Interaction(at=T.subtract(days=10), kind="meeting",
    ...                                      participants=("P1", "m-1"), areas=("b-1",)))
    >>> cov = crm.graph.coverage(as_of=T)
    >>> cov.ratio, cov.uncovered, cov.by_area["b-1"].total
    (0.5, ('m-2',), 2)
    >>> crm.graph.key_person_risk(as_of=T).sole_held
    {'P1': ('m-1',)}
    """

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow
        # The last few snapshots, keyed by (T, window, excluded, store version), so that
        # coverage, gaps and key-person risk as of one T read the database once.
        self._snapshots: OrderedDict[Any, Snapshot] = OrderedDict()

    # ------------------------------------------------------------------ snapshots

    def _snapshot(
        self, as_of: Any, window: dt.timedelta | None = None, excluded: tuple[str, ...] = ()
    ) -> Snapshot:
        at = self._uow.as_of(as_of)
        if window is not None and (
            not isinstance(window, dt.timedelta) or window.total_seconds() <= 0
        ):
            raise ValidationError("window must be a positive duration", field="window")
        with self._uow.read() as conn:
            stamp = self._uow.version(conn)
            key = (to_micros(at), window, tuple(sorted(excluded)), stamp)
            cached = self._snapshots.get(key)
            if cached is not None:
                self._snapshots.move_to_end(key)
                return cached
            snap = load_snapshot(
                conn,
                as_of=at,
                cadence=self._uow.settings.cadence,
                window=window,
                excluded=excluded,
            )
        self._snapshots[key] = snap
        while len(self._snapshots) > 4:
            self._snapshots.popitem(last=False)
        return snap

    @staticmethod
    def _window_days(window: dt.timedelta | None) -> float | None:
        return None if window is None else duration_micros(window) / MICROS_PER_DAY

    # ------------------------------------------------------------------ coverage

    def coverage(
        self,
        as_of: pendulum.DateTime | None = None,
        *,
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
        as_of : DateTime, optional
            T; default now.
        window : duration, optional
            One window for everybody instead of each stakeholder's cadence.
        area : str, optional
            Only stakeholders of this area or any area below it.
        sector, kind : optional
            Only stakeholders of this sector; only members or only agencies.
        """
        snap = self._snapshot(as_of, window)
        chosen = metrics.select(snap, area=area, sector=_sector(sector), kind=_kind(kind))
        return metrics.coverage(snap, chosen, window_days=self._window_days(window), area=area)

    def key_person_risk(
        self, as_of: pendulum.DateTime | None = None, *, area: str | None = None
    ) -> KeyPersonReport:
        """Covered stakeholders held by a single officer, and per officer the ones only
        they hold (a tie is held when it is active: last contact within the cadence)."""
        snap = self._snapshot(as_of)
        return metrics.key_person(snap, metrics.select(snap, area=area))

    def gaps(
        self,
        as_of: pendulum.DateTime | None = None,
        *,
        window: dt.timedelta | None = None,
        area: str | None = None,
        quiet_window: dt.timedelta | None = None,
    ) -> GapReport:
        """Where relationships are missing or thinning, as of T (see :class:`GapReport`).

        ``quiet_window`` (default: the regular cadence, 90 days) is how long an area
        may go without any logged interaction before it is quiet. Expected sectors
        come from each area's ``expected_sectors``, else ``settings.expected_sectors``.
        """
        snap = self._snapshot(as_of, window)
        chosen = metrics.select(snap, area=area)
        cov = metrics.coverage(snap, chosen, window_days=self._window_days(window), area=area)
        risk = metrics.key_person(snap, chosen)
        settings = self._uow.settings
        quiet = (
            duration_micros(quiet_window)
            if quiet_window is not None
            else settings.cadence_days(Priority.REGULAR) * MICROS_PER_DAY
        )
        in_scope = set(cov.by_area)
        with self._uow.read() as conn:
            quiet_areas = tuple(a for a in metrics.quiet_areas(conn, snap, quiet) if a in in_scope)
        cold = metrics.cold_ties(snap, self._uow.tz)
        keys = {m.key for m in chosen}
        by_priority = {m.key: m.priority for m in chosen}
        uncovered = {p: tuple(k for k in cov.uncovered if by_priority[k] is p) for p in Priority}
        missing: dict[str, tuple[Sector, ...]] = {}
        for a in cov.by_area:
            expected = snap.tree[a].expected_sectors or settings.expected_sectors
            absent = tuple(s for s in expected if cov.cell(a, s).total == 0)
            if absent:
                missing[a] = absent
        with self._uow.read() as conn:
            rows = promise_rows(conn, snap.broken, snap.at)
        overdue = tuple(
            f
            for f in overdue_records(rows, as_of=snap.as_of, tz=self._uow.tz)
            if f.stakeholder in keys
        )
        with self._uow.read() as conn:
            statuses = plan_statuses(
                conn, snap.as_of, pendulum.duration(days=90), self._uow.tz, area=area
            )
        plans = tuple(
            p
            for p in statuses
            if p.phase is not Phase.CLOSED and (p.overdue or p.unengaged or p.missing_sectors)
        )
        return GapReport(
            as_of=snap.as_of,
            uncovered=uncovered,
            cooling=tuple(c for c in cold if c.stakeholder in keys),
            matrix_gaps=tuple(k for k, c in cov.matrix.items() if c.total > 0 and c.covered == 0),
            missing_sectors=missing,
            quiet_areas=quiet_areas,
            single_threaded=risk.single_threaded,
            overdue_follow_ups=overdue,
            plans=plans,
        )

    def simulate_departure(
        self, officer: str, as_of: pendulum.DateTime | None = None, *, successors: int = 10
    ) -> DepartureImpact:
        """Coverage before and after ``officer`` leaves at T, and who should take over.

        ``orphaned`` are stakeholders covered before and not after; ``areas_dropped``
        are areas whose covered count falls, biggest fall first. Successors are
        ranked by a documented score summed over the orphans: 3 points for each
        orphan the candidate has ever met (as of T), 2 for each orphan related by a
        declared relationship to someone the candidate holds an active tie with (the
        orphan's organisation, say), and 1 for each orphan living in or served by an
        area the candidate is assigned to (or an area above or below it). Ties are
        broken by key. Each successor lists its reasons.
        """
        before_snap = self._snapshot(as_of)
        if officer not in before_snap.officers:
            raise UnknownKeyError(
                f"{officer!r} is not an officer in the picture at {before_snap.as_of}",
                key=officer,
                field="officer",
            )
        after_snap = self._snapshot(before_snap.as_of, excluded=(officer,))
        before = metrics.coverage(before_snap, before_snap.members, window_days=None, area=None)
        after = metrics.coverage(after_snap, after_snap.members, window_days=None, area=None)
        lost = {m.key for m in before_snap.members if m.covered} - {
            m.key for m in after_snap.members if m.covered
        }
        orphans = [m for m in before_snap.members if m.key in lost]
        drops = sorted(
            (
                (before.by_area[a].covered - after.by_area[a].covered, a)
                for a in before.by_area
                if after.by_area[a].covered < before.by_area[a].covered
            ),
            key=lambda x: (-x[0], x[1]),
        )
        with self._uow.read() as conn:
            ranked = metrics.successors(conn, after_snap, officer, orphans, limit=successors)
        return DepartureImpact(
            officer=officer,
            before=before,
            after=after,
            orphaned=tuple(m.key for m in sorted(orphans, key=lambda m: m.key)),
            areas_dropped=tuple(a for _, a in drops),
            successors=ranked,
        )

    # ------------------------------------------------------------------ network

    def build(
        self,
        as_of: pendulum.DateTime | None = None,
        *,
        window: dt.timedelta | None = None,
        personal: bool = False,
    ) -> nx.Graph:
        """The relationship graph as of T, for networkx.

        Stakeholder keys are node ids; see :mod:`rbp.graph._build` for the node and
        edge attributes. With ``window``, only pairs with a shared interaction in
        ``(T - window, T]`` get interaction edges. Names are included only with
        ``personal=True``.
        """
        return self._graph(self._uow.as_of(as_of), window, personal=personal)

    def reach(
        self,
        as_of: pendulum.DateTime | None = None,
        *,
        k: int = 2,
        window: dt.timedelta | None = None,
    ) -> ReachReport:
        """Share of community members within ``k`` hops of an officer (edges with a
        shared interaction in the window, default 365 days, plus declared relationships)."""
        g = self.build(as_of, window=window or pendulum.duration(days=365))
        return reach(g, k=k)

    def brokers(
        self,
        as_of: pendulum.DateTime | None = None,
        *,
        top: int = 20,
        samples: int | None = 256,
        window: dt.timedelta | None = None,
    ) -> RecordList:
        """Community members and agencies that connect others to the department.

        Ranked by ``cut_off``: how many stakeholders lose every path to an officer
        without this one (exact, linear time). ``betweenness`` is estimated from
        ``samples`` source nodes (see :func:`rbp.graph._network.betweenness`; pass
        ``samples=None`` for the exact value on small graphs); Burt's ``constraint``
        (networkx) is computed for the ranked brokers only.
        """
        g = self.build(as_of, window=window or pendulum.duration(days=365))
        cut = cut_off_counts(g)
        between = betweenness(g, samples=samples)
        candidates = [n for n, kind in g.nodes(data="kind") if kind in ("member", "agency")]
        ranked = sorted(candidates, key=lambda n: (-cut.get(n, 0), -between.get(n, 0.0), n))
        chosen = ranked[:top]
        burt = constraint(g, chosen)
        items = [
            Broker(
                key=n,
                kind=g.nodes[n]["kind"],
                cut_off=cut.get(n, 0),
                betweenness=between.get(n, 0.0),
                constraint=burt.get(n),
            )
            for n in chosen
        ]
        return RecordList(
            items, columns=("key", "kind", "cut_off", "betweenness", "constraint"), title="Brokers"
        )

    def communities(
        self,
        as_of: pendulum.DateTime | None = None,
        *,
        window: dt.timedelta | None = None,
        seed: int = 0,
    ) -> tuple[Community, ...]:
        """Clusters of densely tied stakeholders (Louvain), largest first."""
        g = self.build(as_of, window=window or pendulum.duration(days=365))
        return communities(g, seed=seed)

    def partner_ties(self, as_of: pendulum.DateTime | None = None) -> RecordList:
        """Pairs of partner agencies that took part in the same interactions."""
        at = self._uow.as_of(as_of)
        tz = self._uow.tz
        with self._uow.read() as conn:
            rows = community_rows(
                conn,
                at=to_micros(at),
                half_life=self._uow.settings.half_life,
                max_group=None,
                kinds=("agency",),
            )
        items = sorted(
            (
                PartnerTie(
                    a=a,
                    b=b,
                    count=int(n),
                    first=from_micros(f, tz),
                    last=from_micros(last, tz),
                    strength=float(s),
                )
                for a, b, n, f, last, s in rows
            ),
            key=lambda p: (-p.strength, p.a, p.b),
        )
        return RecordList(
            items, columns=("a", "b", "count", "first", "last", "strength"), title="Partner ties"
        )

    def diagram(
        self,
        as_of: pendulum.DateTime | None = None,
        *,
        area: str | None = None,
        window: dt.timedelta | None = None,
        labels: Mapping[str, str] | None = None,
        max_nodes: int = 150,
        pseudonymise: bool = False,
    ) -> graphviz.Graph:
        """A network map of an area (or the whole department) as of T.

        Officers, members and agencies as styled nodes, ties styled by status and
        strength, uncovered stakeholders dashed, and a legend. Labels are keys unless
        ``labels`` maps keys to other text, or ``pseudonymise=True`` shows stable
        aliases ("S-001") instead of keys. Past ``max_nodes`` the map groups
        stakeholders by area and says so on the diagram. An area's map reads only
        the ties of that area's stakeholders. Render with
        ``.render("file", format="svg")`` (needs Graphviz's ``dot``/``sfdp``).
        """
        at = self._uow.as_of(as_of)
        snap = self._snapshot(at)
        chosen = metrics.select(snap, area=area)
        cov = metrics.coverage(snap, chosen, window_days=None, area=area)
        title = f"{'Department' if area is None else 'Area ' + area} as of {at:%Y-%m-%d}"
        window = window or pendulum.duration(days=365)
        # Grouped for sure: the grouped view counts officer ties and declared
        # relationships between areas, so the costly community pairs are not read.
        community = len(chosen) <= max_nodes
        if area is None:
            g = self._graph(at, window, community=community)
        else:
            scope = {m.key for m in chosen}
            g = self._graph(at, window, keys=scope, community=community)
            keep = set(scope) & set(g)
            keep |= {o for n in keep for o in g[n] if g.nodes[o].get("kind") == "officer"}
            g = g.subgraph(keep)
        return network_diagram(
            g,
            title=title,
            uncovered=frozenset(cov.uncovered),
            labels=labels,
            pseudonymise=pseudonymise,
            max_nodes=max_nodes,
            # One beat (an area with no areas below it) is grouped by sector.
            group_by="sector" if area is not None and not snap.tree.children(area) else "area",
        )

    def plan_diagram(
        self,
        plan: str,
        as_of: pendulum.DateTime | None = None,
        *,
        labels: Mapping[str, str] | None = None,
        pseudonymise: bool = False,
    ) -> graphviz.Digraph:
        """The coalition of an action plan as of T: partners by role, tasks by owner and
        dependency, overdue tasks marked, idle partners dashed, and the sectors it needs
        but has no partner for as ghost nodes. Laid out top-down by ``dot``.

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
        at = self._uow.as_of(as_of)
        with self._uow.read() as conn:
            found = must_load(conn, check_key(plan, "plan"), to_micros(at), self._uow.tz)
            status = plan_status(conn, found, at, pendulum.duration(days=90))
            people = {p.stakeholder for p in found.partners}
            people |= {t.owner for t in found.tasks if t.owner}
            kinds = stakeholder_kinds(conn, sorted(people))
        return plan_diagram(found, status, kinds, labels=labels, pseudonymise=pseudonymise)

    def ego_diagram(
        self,
        officer: str,
        as_of: pendulum.DateTime | None = None,
        *,
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

        Examples
        --------
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
        snap = self._snapshot(as_of)
        if officer not in snap.officers:
            raise UnknownKeyError(
                f"{officer!r} is not an officer in the picture at {snap.as_of}",
                key=officer,
                field="officer",
            )
        window = window or pendulum.duration(days=365)
        with self._uow.read() as conn:
            mine = {
                r[1]
                for r in tie_rows(
                    conn,
                    at=snap.at,
                    half_life=self._uow.settings.half_life,
                    since=snap.at - duration_micros(window),
                    officers=[officer],
                )
            }
        g = self._graph(snap.as_of, window, keys={officer, *mine}, community=False, declared=False)
        return ego_diagram(
            g,
            officer,
            title=f"officer's ties as of {snap.as_of:%Y-%m-%d}",
            labels=labels,
            pseudonymise=pseudonymise,
            max_nodes=max_nodes,
        )

    def matrix_diagram(
        self,
        as_of: pendulum.DateTime | None = None,
        *,
        area: str | None = None,
        window: dt.timedelta | None = None,
    ) -> graphviz.Digraph:
        """The area × sector coverage matrix as of T, as one table: cells coloured by
        covered / total, "GAP" where stakeholders are known but none covered, "none
        known" where an expected sector has nobody (see :meth:`gaps`), and a legend.

        Examples
        --------
        >>> import pendulum, rbp
        >>> crm = rbp.open()
        >>> crm.directory.add_many([rbp.Area("b-1"),
        ...     rbp.CommunityMember("m-1", area="b-1", sector="faith")])
        2
        >>> src = crm.graph.matrix_diagram(as_of=pendulum.datetime(2026, 1, 1)).source
        >>> "GAP 0/1" in src and "cluster_legend" in src
        True
        """
        cov = self.coverage(as_of, window=window, area=area)
        snap = self._snapshot(as_of, window)
        default = self._uow.settings.expected_sectors
        expected = {a: snap.tree[a].expected_sectors or default for a in cov.by_area}
        where = "Department" if area is None else f"Area {area}"
        return matrix_diagram(
            cov,
            title=f"{where}: coverage by area and sector as of {cov.as_of:%Y-%m-%d}",
            expected=expected,
        )

    def keyperson_diagram(
        self,
        as_of: pendulum.DateTime | None = None,
        *,
        top: int = 10,
        area: str | None = None,
        per_officer: int = 12,
        labels: Mapping[str, str] | None = None,
        pseudonymise: bool = False,
    ) -> graphviz.Graph:
        """The key-person map as of T: the ``top`` officers by stakeholders only they
        hold (see :meth:`key_person_risk`), each tied to those stakeholders by a dashed
        (single-threaded) line; past ``per_officer`` the rest are one counted node.

        Examples
        --------
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
        if top < 1 or per_officer < 1:
            raise ValidationError("top and per_officer must be at least 1", field="top")
        snap = self._snapshot(as_of)
        report = metrics.key_person(snap, metrics.select(snap, area=area))
        kinds = {m.key: m.kind.value for m in snap.members}
        where = "" if area is None else f" in {area}"
        return keyperson_diagram(
            report,
            kinds,
            title=(
                f"Key-person risk{where} as of {snap.as_of:%Y-%m-%d}: {len(report.single_threaded)}"
                f" of {report.covered} covered stakeholders held by one officer;"
                f" top {min(top, len(report.sole_held))} officers"
            ),
            top=top,
            per_officer=per_officer,
            labels=labels,
            pseudonymise=pseudonymise,
        )

    def _graph(
        self,
        at: pendulum.DateTime,
        window: dt.timedelta | None,
        *,
        keys: Collection[str] | None = None,
        community: bool = True,
        declared: bool = True,
        personal: bool = False,
    ) -> nx.Graph:
        """:func:`build_graph` of this store, optionally only around ``keys``."""
        with self._uow.read() as conn:
            return build_graph(
                conn,
                as_of=at,
                settings=self._uow.settings,
                tz=self._uow.tz,
                window=window,
                keys=keys,
                community=community,
                declared=declared,
                personal=personal,
            )

    # ------------------------------------------------------------------ trends

    def trend(
        self,
        metric: str,
        start: pendulum.DateTime,
        end: pendulum.DateTime,
        *,
        every: str = "month",
        area: str | None = None,
    ) -> pd.DataFrame:
        """A series of as-of answers, one per period end from ``start`` to ``end``.

        ``metric`` is one of ``"coverage"`` (ratio, covered, total),
        ``"single_threaded"`` (count and share of covered), ``"uncovered_key"``
        (uncovered key-priority stakeholders). ``every`` is "week", "month" or
        "quarter", stepped in the agency's time zone.
        """
        import pandas as pd

        steps = {"week": {"weeks": 1}, "month": {"months": 1}, "quarter": {"months": 3}}
        if every not in steps:
            raise ValidationError(f"every must be one of {sorted(steps)}", field="every")
        if metric not in ("coverage", "single_threaded", "uncovered_key"):
            raise ValidationError(
                "metric must be 'coverage', 'single_threaded' or 'uncovered_key'",
                field="metric",
            )
        first = at = self._uow.as_of(start)
        stop = self._uow.as_of(end)
        rows: list[dict[str, Any]] = []
        step = 0
        while at <= stop:
            snap = self._snapshot(at)
            chosen = metrics.select(snap, area=area)
            if metric == "coverage":
                cov = metrics.coverage(snap, chosen, window_days=None, area=area)
                rows.append(
                    {"as_of": at, "value": cov.ratio, "covered": cov.covered, "total": cov.total}
                )
            elif metric == "single_threaded":
                risk = metrics.key_person(snap, chosen)
                rows.append({"as_of": at, "value": len(risk.single_threaded), "share": risk.ratio})
            else:
                n = sum(1 for m in chosen if m.priority is Priority.KEY and not m.covered)
                rows.append({"as_of": at, "value": n})
            step += 1  # from the start each time, so Jan 31 steps to Feb 28 and Mar 31
            at = first.add(**{unit: n * step for unit, n in steps[every].items()})
        out = pd.DataFrame(rows)
        if len(out):
            out["as_of"] = pd.to_datetime([r["as_of"].in_timezone("UTC") for r in rows], utc=True)
        return out


def _sector(value: Sector | str | None) -> Sector | None:
    return None if value is None else enum_value(Sector, "sector")(value)


def _kind(value: StakeholderKind | str | None) -> StakeholderKind | None:
    return None if value is None else enum_value(StakeholderKind, "kind")(value)
