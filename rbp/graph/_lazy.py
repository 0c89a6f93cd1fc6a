"""A read-only sequence of records built from their columns when read.

A gap report of a city lists hundreds of thousands of ties going cold and tens of
thousands of overdue follow-ups; a reader looks at a few or counts them. The lists are
kept as the columns (or plain rows) they were counted in, and each record is built when
it is read: :class:`~rbp.graph.ColdTies`, :class:`~rbp.graph.OverdueFollowUps`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeVar, overload

import pendulum

from rbp._time import from_micros

__all__ = ["LazyRecords"]

R = TypeVar("R")


class LazyRecords(Sequence[R]):
    """A sequence of records, record ``j`` built by :meth:`_record` when read: ``len``,
    indexes (an ``int``), slices (a tuple), iteration, and ``==`` with any sequence of
    the same records, such as a tuple. Not hashable (like a list)."""

    __slots__ = ("_times", "_tz")

    def __init__(self, tz: str) -> None:
        self._tz = tz
        self._times: dict[int, pendulum.DateTime] = {}  # many records share one time

    def _moment(self, micros: int) -> pendulum.DateTime:
        """The time ``micros`` (epoch micros) in the zone, made once per distinct time."""
        when = self._times.get(micros)
        if when is None:
            when = self._times[micros] = from_micros(micros, self._tz)
        return when

    def _record(self, j: int) -> R:  # pragma: no cover - every subclass has its own
        raise NotImplementedError

    @overload
    def __getitem__(self, index: int) -> R: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[R, ...]: ...

    def __getitem__(self, index: int | slice) -> R | tuple[R, ...]:
        if isinstance(index, slice):
            return tuple(map(self._record, range(len(self))[index]))
        if isinstance(index, bool) or not isinstance(index, int):
            raise TypeError(f"index must be an int or a slice, got {type(index).__name__}")
        j = index + len(self) if index < 0 else index
        if not 0 <= j < len(self):
            raise IndexError("index out of range")
        return self._record(j)

    def __iter__(self) -> Iterator[R]:
        return map(self._record, range(len(self)))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]
