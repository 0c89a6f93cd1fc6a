"""The ties going cold of a gap report, kept as the columns they were counted in.

A city has hundreds of thousands of ties going cold; a gap report lists them all, but
a reader looks at a few (the coldest first) or counts them. :class:`ColdTies` is the
sequence of :class:`~rbp.graph.ColdTie` records, each built when it is read.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import overload

import pendulum

from rbp._time import from_micros
from rbp.graph._columns import Ties
from rbp.graph._reports import ColdTie
from rbp.model._interactions import TieStatus

__all__ = ["ColdTies"]

_STATUS = (TieStatus.DORMANT.value, TieStatus.COOLING.value)  # by the ``cooling`` flag


class ColdTies(Sequence[ColdTie]):
    """The ties going cold of a :class:`~rbp.graph.GapReport`, coldest first.

    A read-only sequence of :class:`~rbp.graph.ColdTie` records (by last contact, then
    officer, then stakeholder): it has ``len``, indexes, slices (a tuple), iteration and
    ``==`` with any sequence of the same records, such as a tuple. The records are built
    from columns when read, so a report of a city with hundreds of thousands of ties
    going cold costs no object per tie until somebody looks at them. Made by
    :meth:`~rbp.graph.Graph.gaps`.

    Parameters
    ----------
    ties
        The ties going cold, as columns, coldest first.
    staff
        The officer keys, by the officer index of ``ties``.
    keys
        The stakeholder keys, by the member index of ``ties``.
    tz
        The zone the ``last`` times are given in.

    Examples
    --------
    >>> cold = crm.graph.gaps(as_of=T).cooling
    >>> len(cold), cold[0].status, cold[0] == tuple(cold)[0]
    (236, 'dormant', True)
    >>> [(c.officer, c.stakeholder) for c in cold[:2]]
    [('P0003', 'm-000093'), ('P0007', 'm-000058')]
    """

    __slots__ = ("_keys", "_staff", "_ties", "_times", "_tz")

    def __init__(self, ties: Ties, *, staff: Sequence[str], keys: Sequence[str], tz: str) -> None:
        self._ties = ties
        self._staff = staff
        self._keys = keys
        self._tz = tz
        self._times: dict[int, pendulum.DateTime] = {}  # many ties share one meeting's time

    def __len__(self) -> int:
        return len(self._ties)

    def _record(self, j: int) -> ColdTie:
        ties = self._ties
        last = ties.last[j]
        when = self._times.get(last)
        if when is None:
            when = self._times[last] = from_micros(last, self._tz)
        return ColdTie(
            officer=self._staff[ties.officer[j]],
            stakeholder=self._keys[ties.member[j]],
            status=_STATUS[ties.cooling[j]],
            last=when,
        )

    @overload
    def __getitem__(self, index: int) -> ColdTie: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[ColdTie, ...]: ...

    def __getitem__(self, index: int | slice) -> ColdTie | tuple[ColdTie, ...]:
        if isinstance(index, slice):
            return tuple(map(self._record, range(len(self))[index]))
        if isinstance(index, bool) or not isinstance(index, int):
            raise TypeError(f"index must be an int or a slice, got {type(index).__name__}")
        j = index + len(self) if index < 0 else index
        if not 0 <= j < len(self):
            raise IndexError("index out of range")
        return self._record(j)

    def __iter__(self) -> Iterator[ColdTie]:
        return map(self._record, range(len(self)))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"ColdTies({len(self)} ties going cold)"
