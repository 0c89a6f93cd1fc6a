"""The area tree: beats roll up into districts, districts into the city."""

from __future__ import annotations

import collections
import graphlib
from collections.abc import Iterable, Iterator, Mapping

from rbp.errors import IntegrityError, UnknownKeyError
from rbp.model import Area

__all__ = ["AreaTree", "cycle"]


def cycle(parents: Mapping[str, str | None]) -> tuple[str, ...]:
    """A cycle among ``parents`` (area key -> parent key), or ``()`` when there is none.

    Checked by the standard library's :class:`graphlib.TopologicalSorter`; parents
    that are not keys of ``parents`` are roots of the check.

    Parameters
    ----------
    parents
        Area key to parent key (None for a root).

    Returns
    -------
    tuple of str
        The keys along the cycle, the first repeated at the end; empty when none.

    Examples
    --------
    >>> cycle({"b-1": "d-1", "d-1": None}), cycle({"x": "y", "y": "x", "z": "x"})
    ((), ('x', 'y', 'x'))
    """
    graph = {k: () if p is None else (p,) for k, p in parents.items()}
    try:
        graphlib.TopologicalSorter(graph).prepare()
    except graphlib.CycleError as exc:
        found: list[str] = exc.args[1]
        # graphlib lists each parent before its child, from any node: turn it to walk
        # up from child to parent, from its smallest key.
        ring = found[-2::-1]
        i = ring.index(min(ring))
        ring = ring[i:] + ring[:i]
        return (*ring, ring[0])
    return ()


class AreaTree:
    """Areas with their parent links, for rolling metrics up the tree.

    Parameters
    ----------
    areas
        The areas of the tree.

    Examples
    --------
    >>> from rbp import Area
    >>> tree = AreaTree([Area("city"), Area("d-1", parent="city"), Area("b-11", parent="d-1")])
    >>> tree.descendants("city"), tree.ancestors("b-11"), tree.roots
    (('d-1', 'b-11'), ('d-1', 'city'), ('city',))
    """

    def __init__(self, areas: Iterable[Area]) -> None:
        self._areas = {a.key: a for a in areas}
        self._children: dict[str, list[str]] = {k: [] for k in self._areas}
        for a in self._areas.values():
            if a.parent is not None and a.parent in self._children:
                self._children[a.parent].append(a.key)
        for kids in self._children.values():
            kids.sort()

    def __contains__(self, key: object) -> bool:
        return key in self._areas

    def __iter__(self) -> Iterator[Area]:
        return iter(self._areas.values())

    def __len__(self) -> int:
        return len(self._areas)

    def __getitem__(self, key: str) -> Area:
        try:
            return self._areas[key]
        except KeyError:
            raise UnknownKeyError(f"no area {key!r}", key=key) from None

    @property
    def roots(self) -> tuple[str, ...]:
        """Areas without a parent, sorted."""
        return tuple(sorted(k for k, a in self._areas.items() if a.parent is None))

    def children(self, key: str) -> tuple[str, ...]:
        """The areas directly below ``key``."""
        self[key]
        return tuple(self._children[key])

    def descendants(self, key: str) -> tuple[str, ...]:
        """Every area below ``key``, breadth first."""
        out: list[str] = []
        queue = collections.deque(self.children(key))
        while queue:
            k = queue.popleft()
            out.append(k)
            queue.extend(self._children[k])
        return tuple(out)

    def ancestors(self, key: str) -> tuple[str, ...]:
        """The parent of ``key``, its parent, ... up to a root."""
        out: list[str] = []
        node = self[key].parent
        while node is not None and node in self._areas and node not in out:
            out.append(node)
            node = self._areas[node].parent
        return tuple(out)

    def order(self) -> tuple[str, ...]:
        """Every area, parents before children: the roots, then their children, ...,
        each level sorted by key (a topological order from :mod:`graphlib`).

        Returns
        -------
        tuple of str
            Every area key, parents first.

        Examples
        --------
        >>> from rbp import Area
        >>> AreaTree([Area("b-2", parent="d"), Area("d"), Area("b-1", parent="d")]).order()
        ('d', 'b-1', 'b-2')
        """
        sorter = graphlib.TopologicalSorter(
            {
                k: (a.parent,) if a.parent is not None and a.parent in self._areas else ()
                for k, a in self._areas.items()
            }
        )
        try:
            sorter.prepare()
        except graphlib.CycleError as exc:
            raise IntegrityError(
                f"the area tree has a cycle: {' -> '.join(exc.args[1])}", key=exc.args[1][0]
            ) from None
        out: list[str] = []
        while sorter.is_active():
            ready = sorted(sorter.get_ready())
            out += ready
            sorter.done(*ready)
        return tuple(out)

    def depth(self, key: str) -> int:
        """How many ancestors ``key`` has (a root is 0)."""
        return len(self.ancestors(key))

    def __repr__(self) -> str:
        return f"<AreaTree {len(self)} areas, roots={list(self.roots)}>"
