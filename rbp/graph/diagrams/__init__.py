"""Diagrams as graphviz objects: network map, ego map, coverage matrix, key-person map
and plan coalition.

Each kind is its own module; what they share (the one style map :data:`STYLE`, the one
label-escaping helper :func:`text`, labels and aliases, opaque node ids, the legend)
is in :mod:`rbp.graph.diagrams._style`. ``crm.graph`` draws them from a store; the
functions here draw them from a graph or a report.
"""

from __future__ import annotations

from rbp.graph.diagrams._ego import ego_diagram
from rbp.graph.diagrams._keyperson import keyperson_diagram
from rbp.graph.diagrams._matrix import matrix_diagram
from rbp.graph.diagrams._network import network_diagram
from rbp.graph.diagrams._plan import plan_diagram
from rbp.graph.diagrams._style import STYLE, Labels, TextIn, text

__all__ = [
    "STYLE",
    "Labels",
    "TextIn",
    "ego_diagram",
    "keyperson_diagram",
    "matrix_diagram",
    "network_diagram",
    "plan_diagram",
    "text",
]
