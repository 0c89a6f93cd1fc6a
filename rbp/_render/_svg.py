"""Diagrams as inline SVG: Graphviz renders, the page inlines the ``<svg>`` element.

Graphviz escapes every label as XML, so the markup is safe to inline as it is.
"""

from __future__ import annotations

import re
import shutil
from typing import Any

__all__ = ["diagram_svg"]

_PROLOG = re.compile(r"\A(?:\s*<\?xml[^>]*\?>|\s*<!DOCTYPE[^>]*>|\s*<!--.*?-->)*\s*", re.S)


def diagram_svg(diagram: Any) -> str | None:
    """The diagram as inline SVG markup, or None when Graphviz's ``dot`` is missing.

    Parameters
    ----------
    diagram
        Rendered with ``diagram.pipe(format="svg")``.

    Returns
    -------
    str or None
        An ``<svg>`` element without the XML prolog, ready to put in a page.

    Examples
    --------
    >>> import graphviz
    >>> svg = diagram_svg(graphviz.Graph(body=['a -- b']))
    >>> svg is None or svg.startswith("<svg")
    True
    """
    if shutil.which("dot") is None:
        return None
    raw = diagram.pipe(format="svg", encoding="utf-8")
    return _PROLOG.sub("", str(raw), count=1)
