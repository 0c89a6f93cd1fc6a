"""The graph namespace."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rbp.store import Store

__all__ = ["Graph"]


class Graph:
    """Coverage, gaps, key-person risk, network measures and diagrams of one store."""

    def __init__(self, store: Store) -> None:
        self._store = store
