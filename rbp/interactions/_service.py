"""The interactions namespace."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rbp.store import Store

__all__ = ["Interactions"]


class Interactions:
    """The contact log of one store and the ties computed from it."""

    def __init__(self, store: Store) -> None:
        self._store = store
