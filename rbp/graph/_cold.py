"""The ties going cold of a gap report, kept as the columns they were counted in.

A city has hundreds of thousands of ties going cold; a gap report lists them all, but
a reader looks at a few (the coldest first) or counts them. :class:`ColdTies` is the
sequence of :class:`~rbp.graph.ColdTie` records, each built when it is read; the ties
are put in order (coldest first) when the first record is read, so a list that is
only counted is never sorted. The snapshot marks which of the ties it read are going
cold (:class:`GoingCold`, one flag per tie) and the columns of those ties are copied
out of the others with the sorting, not before: a count is the number of flags set.
"""

from __future__ import annotations

from collections.abc import Sequence, Set
from operator import and_, le
from typing import Protocol

import attrs

from rbp.graph._columns import Ties
from rbp.graph._lazy import LazyRecords
from rbp.graph._reports import ColdTie
from rbp.model._interactions import TieStatus

__all__ = ["ColdTies", "GoingCold"]


class _Orderable(Protocol):
    """Ties that :class:`ColdTies` can count and put in order."""

    def __len__(self) -> int: ...

    def ordered(self, officers: int, members: int) -> Ties: ...


@attrs.frozen(kw_only=True)
class GoingCold:
    """The ties going cold among ``ties``: tie ``j`` is when ``keep[j]`` is 1. Cooling
    rather than dormant when last met at or after ``cooling_from[m]``, ``m`` its member.

    Only the flags are made when a snapshot is read; the columns of the ties kept (and
    their cooling flags) are copied out by :meth:`ordered`, when a record is first read.
    """

    ties: Ties = attrs.field(factory=Ties)
    keep: bytes = b""
    cooling_from: Sequence[int] = ()

    def __len__(self) -> int:
        return self.keep.count(1)

    def among(self, members: Set[int]) -> GoingCold:
        """The ties of these ``members`` only."""
        mine = map(members.__contains__, self.ties.member)
        return attrs.evolve(self, keep=bytes(map(and_, self.keep, mine)))

    def ordered(self, officers: int, members: int) -> Ties:
        """The ties kept, with their cooling flags, coldest first (:meth:`Ties.ordered`)."""
        cold = self.ties.where(self.keep) if self.keep.count(0) else self.ties
        starts = map(self.cooling_from.__getitem__, cold.member)
        flags = bytes(map(le, starts, cold.last))
        return attrs.evolve(cold, cooling=flags).ordered(officers, members)


_STATUS = (TieStatus.DORMANT.value, TieStatus.COOLING.value)  # by the ``cooling`` flag


class ColdTies(LazyRecords[ColdTie]):
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
        The ties going cold, as columns (with their ``cooling`` flags), in any order,
        or a :class:`GoingCold` selection of them: they are ordered coldest first when
        a record is first read.
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

    __slots__ = ("_keys", "_sorted", "_staff", "_ties")

    def __init__(
        self, ties: Ties | GoingCold, *, staff: Sequence[str], keys: Sequence[str], tz: str
    ) -> None:
        super().__init__(tz)
        self._ties: _Orderable = ties
        self._sorted: Ties | None = None
        self._staff = staff
        self._keys = keys

    def __len__(self) -> int:
        return len(self._ties)

    def _ordered(self) -> Ties:
        """The ties coldest first (sorted once, when first needed)."""
        if self._sorted is None:
            self._sorted = self._ties.ordered(len(self._staff), len(self._keys))
        return self._sorted

    def _record(self, j: int) -> ColdTie:
        ties = self._ordered()
        return ColdTie(
            officer=self._staff[ties.officer[j]],
            stakeholder=self._keys[ties.member[j]],
            status=_STATUS[ties.cooling[j]],
            last=self._moment(ties.last[j]),
        )

    def __repr__(self) -> str:
        return f"ColdTies({len(self)} ties going cold)"
