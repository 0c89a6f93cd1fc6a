"""The graph namespace (``crm.graph``), composed from its capabilities."""

from __future__ import annotations

from rbp.graph._coverage import CoverageReads
from rbp.graph._drawings import DiagramReads
from rbp.graph._network import NetworkReads
from rbp.graph._report_drawings import ReportDiagramReads
from rbp.graph._risk import RiskReads
from rbp.graph._trend import TrendReads

__all__ = ["Graph"]


class Graph(CoverageReads, RiskReads, NetworkReads, TrendReads, DiagramReads, ReportDiagramReads):
    """Coverage, gaps, key-person risk, network measures, trends and diagrams of one store.

    Every method answers *as of* a time T (``as_of``, default now by the store's
    clock): nothing after T counts, and stakeholders not part of the picture at T
    (``since``/``until``) are left out. Every metric that counts contact takes a
    ``window`` (None: each stakeholder's cadence) and its report says which it used.
    Arguments past the subject (``officer``, ``plan``, ``metric``) are keyword-only.

    - coverage: :meth:`coverage`, :meth:`gaps`;
    - risk: :meth:`key_person_risk`, :meth:`simulate_departure`;
    - network: :meth:`build`, :meth:`reach`, :meth:`brokers`, :meth:`communities`,
      :meth:`partner_ties`;
    - over time: :meth:`trend`;
    - diagrams: :meth:`diagram`, :meth:`ego_diagram`, :meth:`matrix_diagram`,
      :meth:`keyperson_diagram`, :meth:`plan_diagram`.

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


# Their public path is set by the package; doctest still reads their examples here.
__test__ = {"Graph": Graph}
