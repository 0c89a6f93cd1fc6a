"""The plans namespace."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rbp.store import Store

__all__ = ["Plans"]


class Plans:
    """Collaborative action plans of one store (SARA phases, partners, tasks, goals)."""

    def __init__(self, store: Store) -> None:
        self._store = store
