"""The data a renderer reads: named tables, diagram captions, and the shape of a report.

Nothing here renders; :mod:`rbp._render._html` and :mod:`rbp._render._text` read these
shapes, and :mod:`rbp._render._report` builds them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

import attrs
import pendulum

__all__ = ["Diagrams", "Shown", "Table", "diagram_items", "strs"]

Diagrams = Mapping[str, Any] | Iterable[Any] | None
"""Diagrams for a page: graphviz objects, or a mapping of caption to graphviz object."""


def diagram_items(diagrams: Diagrams) -> tuple[tuple[str, Any], ...]:
    """``(caption, diagram)`` pairs; a diagram without a caption is named by its
    ``name`` or its place.

    Parameters
    ----------
    diagrams
        A mapping of caption to diagram, an iterable of diagrams, or None.

    Returns
    -------
    tuple of (str, Any)
        The captioned diagrams, in order.

    Examples
    --------
    >>> diagram_items({"net": 1}), diagram_items(None)
    ((('net', 1),), ())
    """
    if diagrams is None:
        return ()
    if isinstance(diagrams, Mapping):
        return tuple((str(k), v) for k, v in diagrams.items())
    return tuple(
        (str(getattr(d, "name", None) or f"Diagram {i}"), d) for i, d in enumerate(diagrams, 1)
    )


def strs(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(values)


@attrs.frozen(eq=False)
class Table:
    """A named table: the column names, in order, and rows that map column to value.

    ``rows`` may be any sequence (a lazy one too); renderers slice the rows they show.
    """

    name: str
    columns: tuple[str, ...] = attrs.field(converter=strs)
    rows: Sequence[Mapping[str, Any]]


class Shown(Protocol):
    """What a renderer reads of a report (:class:`rbp._render.Report` has it)."""

    @property
    def title(self) -> str: ...
    @property
    def as_of(self) -> pendulum.DateTime | None: ...
    @property
    def window(self) -> Any: ...
    @property
    def summary(self) -> str: ...
    @property
    def tables(self) -> tuple[Table, ...]: ...
    @property
    def notes(self) -> tuple[str, ...]: ...
    @property
    def parts(self) -> tuple[Any, ...]: ...
    @property
    def diagrams(self) -> tuple[tuple[str, Any], ...]: ...
    @property
    def front(self) -> Any: ...
    def main(self) -> Table | None: ...
