"""Graph and metrics (``crm.graph``): coverage, gaps, key-person risk, network measures.

All metrics answer *as of* a time T: nothing after T counts. Reports are frozen
records of keys and numbers with ``to_frame()`` and ``_repr_html_``. Diagrams are
drawn by :mod:`rbp.graph.diagrams`.
"""

from __future__ import annotations

from rbp.graph._area_map import MapLevel
from rbp.graph._cold import ColdTies
from rbp.graph._measures import Broker, Community, ReachReport, cut_off_counts, reach
from rbp.graph._network import PartnerTie
from rbp.graph._overdue import OverdueFollowUps
from rbp.graph._reports import Cell, ColdTie, CoverageReport, GapReport
from rbp.graph._risk_reports import DepartureImpact, KeyPersonReport, Successor
from rbp.graph._service import Graph
from rbp.graph._structure import betweenness, communities
from rbp.graph._times import edge_times
from rbp.graph._trend import Every, TrendMetric

__all__ = [
    "Broker",
    "Cell",
    "ColdTie",
    "ColdTies",
    "Community",
    "CoverageReport",
    "DepartureImpact",
    "Every",
    "GapReport",
    "Graph",
    "KeyPersonReport",
    "MapLevel",
    "OverdueFollowUps",
    "PartnerTie",
    "ReachReport",
    "Successor",
    "TrendMetric",
    "betweenness",
    "communities",
    "cut_off_counts",
    "edge_times",
    "reach",
]

# Users import these from ``rbp.graph``: reprs and docs show that path.
for _cls in (
    Broker,
    Cell,
    ColdTie,
    ColdTies,
    Community,
    CoverageReport,
    DepartureImpact,
    Every,
    GapReport,
    Graph,
    KeyPersonReport,
    MapLevel,
    OverdueFollowUps,
    PartnerTie,
    ReachReport,
    Successor,
    TrendMetric,
):
    _cls.__module__ = __name__
