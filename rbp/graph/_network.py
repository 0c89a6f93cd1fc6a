"""The relationship graph and the measures on it (``crm.graph.build``, ``reach``,
``brokers``, ``communities``, ``partner_ties``)."""

from __future__ import annotations

import datetime as dt

import attrs
import networkx as nx
import pendulum
import sqlalchemy as sa

from rbp import _args
from rbp import _schema as t
from rbp._queries.rules import within
from rbp._render import RecordList
from rbp._time import from_micros
from rbp.graph._base import GraphBase, whole
from rbp.graph._measures import Broker, ReachReport, cut_off_counts, reach
from rbp.graph._pairing import community_rows
from rbp.graph._structure import betweenness, communities, constraint
from rbp.model import Priority, StakeholderKind

__all__ = ["NetworkReads", "PartnerTie"]

MAX_HOPS = 100
"""The most hops ``reach`` counts (no department's graph is that deep)."""


@attrs.frozen(kw_only=True)
class PartnerTie:
    """Two partner agencies that worked together (shared interactions).

    Made by :meth:`~rbp.graph.Graph.partner_ties`: ``count``, ``first`` and ``last``
    joint interaction up to T, and ``strength`` (decayed as a tie's strength).

    Examples
    --------
    >>> pair = crm.graph.partner_ties(as_of=T)[0]
    >>> pair.a, pair.b, pair.count, round(pair.strength, 2)
    ('org-0009', 'org-0023', 33, 2.3)
    """

    a: str
    b: str
    count: int
    first: pendulum.DateTime
    last: pendulum.DateTime
    strength: float


class NetworkReads(GraphBase):
    """The relationship graph as networkx sees it, and the measures on it."""

    def build(
        self,
        *,
        as_of: pendulum.DateTime | None = None,
        window: dt.timedelta | None = None,
        personal: bool = False,
    ) -> nx.Graph:
        """The relationship graph as of T, for networkx.

        Stakeholder keys are node ids; see :mod:`rbp.graph._build` for the node and
        edge attributes. With ``window``, only pairs with a shared interaction in
        ``(T - window, T]`` get interaction edges (None: every pair that ever met).
        Names are included only with ``personal=True``.

        Parameters
        ----------
        as_of
            T; default now by the store's clock.
        window
            Only pairs that met in ``(T - window, T]`` get interaction edges; None (the
            default) keeps every pair that ever met.
        personal
            Include names as a ``name`` node attribute.

        Returns
        -------
        networkx.Graph
            A new graph, the caller's to change: officers, members and agencies as
            nodes (``kind``, ``sector``, ``priority``, ``areas``, ...), officer ties,
            community ties and declared relationships as edges (``kind``, ``count``,
            ``first``, ``last``, ``strength``, ``status``, ``declared``). ``first`` and
            ``last`` are epoch microseconds (int, UTC; None on a declared-only edge):
            :func:`rbp.graph.edge_times` reads them as DateTimes in the agency's zone.

        Raises
        ------
        ValidationError
            ``window`` is not longer than zero (at most a century).
        NaiveDatetimeError
            ``as_of`` has no time zone.
        TypeError
            An argument of the wrong Python type (``personal`` not a bool, say).

        Examples
        --------
        >>> g = crm.graph.build(as_of=T)
        >>> g.number_of_nodes(), g.number_of_edges()
        (183, 1124)
        >>> edge = g.edges["P0012", "m-000030"]
        >>> edge["kind"], edge["count"], edge["last"], g.graph["tz"]
        ('officer_tie', 65, 1764953100000000, 'America/Chicago')
        >>> f"{rbp.graph.edge_times(g, 'P0012', 'm-000030')[1]:%Y-%m-%d %H:%M}"
        '2025-12-05 10:45'

        >>> import pendulum, rbp
        >>> crm = rbp.open()
        >>> crm.directory.add_many([rbp.Officer("P1"), rbp.CommunityMember("m-1")])
        2
        >>> sorted(crm.graph.build(as_of=pendulum.datetime(2026, 1, 1)).nodes)
        ['P1', 'm-1']
        """
        when = self._uow.when(as_of)
        win = self._uow.window(window)
        personal = _args.flag(personal, "personal")
        with self._uow.read() as conn:
            return self._graph(conn, when, win, personal=personal)

    def reach(
        self,
        *,
        as_of: pendulum.DateTime | None = None,
        window: dt.timedelta | None = None,
        k: int = 2,
    ) -> ReachReport:
        """Share of community members within ``k`` hops of an officer, over edges with a
        shared interaction in the window (default 365 days) plus declared relationships.

        Parameters
        ----------
        as_of
            T; default now by the store's clock.
        window
            Edges need a shared interaction in ``(T - window, T]``; default 365 days.
        k
            The most hops from an officer, 1 to 100.

        Returns
        -------
        ReachReport
            ``reached``, ``total``, their ``ratio`` and the ``unreached`` members.

        Raises
        ------
        ValidationError
            ``k`` is not a whole number from 1 to 100, or ``window`` is not longer than
            zero (at most a century).
        NaiveDatetimeError
            ``as_of`` has no time zone.
        TypeError
            An argument of the wrong Python type.

        Examples
        --------
        >>> r = crm.graph.reach(as_of=T)
        >>> r.reached, r.total, r.unreached[:2]
        (111, 149, ('m-000004', 'm-000005'))

        >>> import pendulum, rbp
        >>> crm = rbp.open()
        >>> crm.directory.add_many([rbp.Officer("P1"), rbp.CommunityMember("m-1")])
        2
        >>> crm.graph.reach(as_of=pendulum.datetime(2026, 1, 1), k=1).unreached
        ('m-1',)
        """
        hops = _args.positive(k, "k", maximum=MAX_HOPS)
        when = self._uow.when(as_of)
        win = self._network_window(window)
        with self._uow.read() as conn:
            g = self._graph(conn, when, win)
        return reach(g, k=hops)

    def brokers(
        self,
        *,
        as_of: pendulum.DateTime | None = None,
        window: dt.timedelta | None = None,
        top: int = 20,
        samples: int | None = 256,
    ) -> RecordList:
        """Community members and agencies that connect others to the department.

        Ranked by ``cut_off``: how many stakeholders lose every path to an officer
        without this one (exact, linear time). ``betweenness`` is estimated from
        ``samples`` source nodes (at least 1; see :func:`rbp.graph.betweenness`; pass
        ``samples=None`` for the exact value on small graphs); Burt's ``constraint``
        (networkx) is computed for the ``top`` ranked brokers only. Edges as in
        :meth:`reach` (default window 365 days).

        Parameters
        ----------
        as_of
            T; default now by the store's clock.
        window
            Edges need a shared interaction in ``(T - window, T]``; default 365 days.
        top
            How many brokers to return (at least 1).
        samples
            Source nodes sampled for betweenness (at least 1); None for the exact value.

        Returns
        -------
        RecordList
            :class:`~rbp.graph.Broker` records, best first; ``to_frame()`` gives key,
            kind, cut_off, betweenness and constraint.

        Raises
        ------
        ValidationError
            ``top`` or ``samples`` is not a whole number from 1, or ``window`` is not
            longer than zero (at most a century).
        NaiveDatetimeError
            ``as_of`` has no time zone.
        TypeError
            An argument of the wrong Python type.

        Examples
        --------
        >>> [(b.key, b.cut_off) for b in crm.graph.brokers(as_of=T, top=2)]
        [('org-0005', 1), ('org-0017', 1)]

        >>> import pendulum, rbp
        >>> crm = rbp.open()
        >>> crm.graph.brokers(as_of=pendulum.datetime(2026, 1, 1), samples=0)
        Traceback (most recent call last):
        ...
        rbp.errors.ValidationError: samples must be a whole number from 1 to 1000000000, got 0
        """
        top = _args.positive(top, "top")
        if samples is not None:
            samples = _args.positive(samples, "samples")
        when = self._uow.when(as_of)
        win = self._network_window(window)
        with self._uow.read() as conn:
            g = self._graph(conn, when, win)
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
        *,
        as_of: pendulum.DateTime | None = None,
        window: dt.timedelta | None = None,
        seed: int = 0,
    ) -> RecordList:
        """Clusters of densely tied stakeholders (Louvain), largest first; edges as in
        :meth:`reach` (default window 365 days); deterministic for a ``seed``.

        Parameters
        ----------
        as_of
            T; default now by the store's clock.
        window
            Edges need a shared interaction in ``(T - window, T]``; default 365 days.
        seed
            The seed of Louvain's random order.

        Returns
        -------
        tuple of Community
            The clusters of at least two nodes, largest first.

        Raises
        ------
        ValidationError
            ``window`` is not longer than zero (at most a century).
        NaiveDatetimeError
            ``as_of`` has no time zone.
        TypeError
            An argument of the wrong Python type (``seed`` not an int, say).

        Examples
        --------
        >>> found = crm.graph.communities(as_of=T)
        >>> len(found), [len(c.members) for c in found][:3], found[0].officers
        (6, [35, 26, 26], 3)

        >>> import pendulum, rbp
        >>> crm = rbp.open()
        >>> len(crm.graph.communities(as_of=pendulum.datetime(2026, 1, 1)))
        0
        """
        seed = whole(seed, "seed")
        when = self._uow.when(as_of)
        win = self._network_window(window)
        with self._uow.read() as conn:
            g = self._graph(conn, when, win)
        return RecordList(
            communities(g, seed=seed),
            columns=("officers", "members", "sectors"),
            title="Communities",
            as_of=when.at,
        )

    def partner_ties(
        self,
        *,
        as_of: pendulum.DateTime | None = None,
        window: dt.timedelta | None = None,
    ) -> RecordList:
        """Pairs of partner agencies that took part in the same interactions, as of T,
        strongest first.

        A pair counts when its latest joint interaction is within ``window``; None means
        within the pair's cadence, the longer of the two agencies' cadences (the pair
        still works together while either would call its own tie active). ``count``,
        ``first``, ``last`` and ``strength`` count every joint interaction up to T.

        Parameters
        ----------
        as_of
            T; default now by the store's clock.
        window
            The latest joint interaction must be in ``(T - window, T]``; None (the
            default) uses the pair's cadence.

        Returns
        -------
        RecordList
            :class:`~rbp.graph.PartnerTie` records, strongest first; ``to_frame()``
            gives a, b, count, first, last and strength.

        Raises
        ------
        ValidationError
            ``window`` is not longer than zero (at most a century).
        NaiveDatetimeError
            ``as_of`` has no time zone.
        TypeError
            An argument of the wrong Python type (a window that is not a duration).

        Examples
        --------
        >>> pairs = crm.graph.partner_ties(as_of=T)
        >>> len(pairs), (pairs[0].a, pairs[0].b)
        (13, ('org-0009', 'org-0023'))

        A pair counts while its last joint interaction is within the window:

        >>> import pendulum, rbp
        >>> from rbp.interactions import Interaction
        >>> crm = rbp.open()
        >>> crm.directory.add_many([rbp.PartnerAgency("a-1"), rbp.PartnerAgency("a-2")])
        2
        >>> T = pendulum.datetime(2026, 6, 30, tz="UTC")
        >>> _ = crm.interactions.log(Interaction(at=T.subtract(days=100), kind="meeting",
        ...                                      participants=("a-1", "a-2")))
        >>> len(crm.graph.partner_ties(as_of=T)), len(crm.graph.partner_ties(
        ...     as_of=T, window=pendulum.duration(days=365)))
        (0, 1)
        """
        when = self._uow.when(as_of)
        win = self._uow.window(window)
        tz = self._uow.tz
        cadence = self._uow.settings.cadence
        s = t.stakeholders.c
        with self._uow.read() as conn:
            rows = list(
                community_rows(
                    conn,
                    at=when.micros,
                    half_life=self._uow.settings.half_life,
                    max_group=None,
                    kinds=(StakeholderKind.AGENCY.value,),
                )
            )
            priority: dict[str, str | None] = dict(
                conn.execute(
                    sa.select(s.key, s.priority).where(s.kind == StakeholderKind.AGENCY.value)
                ).all()
            )

        def days(key: str) -> int:
            return cadence[Priority(priority.get(key) or Priority.REGULAR.value)]

        items = sorted(
            (
                PartnerTie(
                    a=a,
                    b=b,
                    count=int(n),
                    first=from_micros(f, tz),
                    last=from_micros(last, tz),
                    strength=float(strength),
                )
                for a, b, n, f, last, strength in rows
                if within(last, when.micros, win.micros_for(max(days(a), days(b))))
            ),
            key=lambda p: (-p.strength, p.a, p.b),
        )
        return RecordList(
            items, columns=("a", "b", "count", "first", "last", "strength"), title="Partner ties"
        )


# Their public path is set by the package; doctest still reads their examples here.
__test__ = {"PartnerTie": PartnerTie}
