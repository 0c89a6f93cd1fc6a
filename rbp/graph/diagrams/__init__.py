"""Diagrams as graphviz objects: network map, ego map, coverage matrix, key-person map
and plan coalition.

Each kind is its own module; what they share (the one style map :data:`STYLE`, the one
label-escaping helper :func:`text` and its wrapping twin, labels and aliases, opaque
node ids) is in :mod:`rbp.graph.diagrams._style`; laying a diagram out with its legend
pinned beside or below the drawing is :mod:`rbp.graph.diagrams._layout` and
:mod:`rbp.graph.diagrams._legend`. ``crm.graph`` draws them from a store, with the
names it reads (:mod:`rbp.graph._names`); the functions here draw them from a graph
or a report, showing keys unless given ``names`` or ``labels``.
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
