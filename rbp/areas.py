"""The area tree: beats roll up into districts, districts into the city."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from rbp.errors import UnknownKeyError
from rbp.model import Area

__all__ = ["AreaTree"]


class AreaTree:
    """Areas with their parent links, for rolling metrics up the tree.

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
        queue = list(self.children(key))
        while queue:
            k = queue.pop(0)
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

    def depth(self, key: str) -> int:
        """How many ancestors ``key`` has (a root is 0)."""
        return len(self.ancestors(key))

    def __repr__(self) -> str:
        return f"<AreaTree {len(self)} areas, roots={list(self.roots)}>"
