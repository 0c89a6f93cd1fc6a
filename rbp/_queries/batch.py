"""Splitting long key lists into ``IN``-list sized pieces, in one place.

SQLite allows 32,766 bound parameters per statement and PostgreSQL 65,535; a few
thousand per query also keeps each plan an index probe per key.

Examples
--------
>>> [list(c) for c in chunks([1, 2, 3, 4, 5], size=2)]
[[1, 2], [3, 4], [5]]
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import TypeVar

__all__ = ["CHUNK", "chunks"]

_T = TypeVar("_T")

CHUNK = 5_000
"""Keys (or ids) per query by default."""


def chunks(items: Iterable[_T], *, size: int = CHUNK) -> Iterator[Sequence[_T]]:
    """``items`` in consecutive pieces of at most ``size``, in order."""
    it = iter(items)
    while piece := tuple(islice(it, size)):
        yield piece
