"""The gap report's overdue follow-ups: promises whose time passed without a later contact.

The snapshot knows the pairs whose last contact carried a promise (``follow_up_by``)
that has passed, with the time of that contact and the earliest promise made at it (the
pair summary's). What it does not know is which interaction made the promise. An
officer is nearly always in one interaction at a given time: then that interaction is
the pair's (the pair met then), and its promise is the summary's, so one probe of the
participants' (stakeholder, time) index with the officer's key finds it. The officer's
side, not the stakeholder's: an officer's promises of one interaction (to each of its
stakeholders) are one probe, and an officer's entries lie together in the index, so
the probes read fewer pages. Only the pairs whose officer was in several interactions
at that time are looked up in full (:func:`~rbp._queries.ties.promise_rows`), which
finds the same row for a pair either side would find alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain, compress, repeat
from operator import is_not, itemgetter, not_
from typing import Any, overload

import pendulum
from sqlalchemy.engine import Connection

from rbp._queries.batch import chunks
from rbp._queries.ties import promise_rows
from rbp._unit import quiet_collector
from rbp.graph._columns import Promises
from rbp.graph._lazy import LazyRecords
from rbp.graph._reading import unmapped
from rbp.model._interactions import FollowUp, FollowUpReason

__all__ = [
    "OverdueFollowUps",
    "overdue_follow_ups",
]

Row = tuple[int, str, str, int, int]  # promise, officer, stakeholder, interaction, last


class _Rows(Sequence[Row]):
    """Rows kept as their five columns, read in the order ``order`` (each row's tuple
    made when it is read: tens of thousands of tuples would only be made for the
    cyclic garbage collector to walk)."""

    __slots__ = ("_columns", "_order")

    def __init__(self, columns: tuple[Sequence[Any], ...], order: Sequence[int]) -> None:
        self._columns = columns
        self._order = order

    def __len__(self) -> int:
        return len(self._order)

    @overload
    def __getitem__(self, j: int) -> Row: ...

    @overload
    def __getitem__(self, j: slice) -> list[Row]: ...

    def __getitem__(self, j: int | slice) -> Row | list[Row]:
        if isinstance(j, slice):
            return [self[i] for i in range(len(self))[j]]
        k = self._order[j]
        return tuple(c[k] for c in self._columns)


class OverdueFollowUps(LazyRecords[FollowUp]):
    """The overdue follow-ups of a :class:`~rbp.graph.GapReport`, earliest promise first.

    A read-only sequence of :class:`~rbp.interactions.FollowUp` records (reason
    ``OVERDUE``; by promised time, then officer, stakeholder and interaction): it has
    ``len``, indexes, slices (a tuple), iteration and ``==`` with any sequence of the
    same records, such as a tuple. The records are built from plain rows when read, so
    a report of a city with tens of thousands of broken promises costs no record per
    promise until somebody looks at them. Made by :meth:`~rbp.graph.Graph.gaps`.

    Parameters
    ----------
    rows
        One row per overdue follow-up, in order: the promised time, the officer, the
        stakeholder, the interaction and its time (times in epoch microseconds).
    as_of
        The report's time (every record's ``suggested``).
    tz
        The zone the times are given in.

    Examples
    --------
    >>> overdue = crm.graph.gaps(as_of=T).overdue_follow_ups
    >>> len(overdue) > 0, overdue[0] == tuple(overdue)[0], overdue[0].reason.value
    (True, True, 'overdue')
    >>> overdue[:1] == (overdue[0],)
    True
    """

    __slots__ = ("_as_of", "_rows")

    def __init__(self, rows: Sequence[Row], *, as_of: pendulum.DateTime, tz: str) -> None:
        super().__init__(tz)
        self._rows = rows
        self._as_of = as_of

    def __len__(self) -> int:
        return len(self._rows)

    def _record(self, j: int) -> FollowUp:
        promised, officer, stakeholder, iid, last = self._rows[j]
        return FollowUp(
            officer=officer,
            stakeholder=stakeholder,
            reason=FollowUpReason.OVERDUE,
            last=self._moment(last),
            due=self._moment(promised),
            suggested=self._as_of,
            interaction=iid,
        )

    def __repr__(self) -> str:
        return f"OverdueFollowUps({len(self)} follow-ups overdue)"


def overdue_follow_ups(
    conn: Connection,
    broken: Promises,
    *,
    at: int,
    as_of: pendulum.DateTime,
    tz: str,
) -> OverdueFollowUps:
    """The follow-ups (reason OVERDUE) of the promise contacts of ``broken``, earliest
    promise first (then officer, stakeholder, interaction)."""
    if not broken:
        return OverdueFollowUps((), as_of=as_of, tz=tz)
    with quiet_collector():  # tens of thousands of rows, none in a cycle
        return OverdueFollowUps(_overdue(conn, broken, at=at), as_of=as_of, tz=tz)


def _overdue(conn: Connection, broken: Promises, *, at: int) -> Sequence[Row]:
    officer, stakeholder, last = broken.officer, broken.stakeholder, broken.last
    with unmapped(conn):
        times = list(zip(officer, last, strict=True))
        found = _interactions_at(conn, set(times))
        ids = list(map(found.get, times))
        sure = bytes(map(is_not, ids, repeat(None)))
        unsure = list(compress(zip(officer, stakeholder, last, strict=True), map(not_, sure)))
        more = promise_rows(conn, unsure, at) if unsure else []
    # the columns of the rows: promise, officer, stakeholder, interaction, last contact
    columns: tuple[list[Any], ...] = tuple(
        [*compress(mine, sure), *map(itemgetter(j), more)]
        for mine, j in ((broken.promise, 3), (officer, 0), (stakeholder, 1), (ids, 2), (last, 4))
    )
    # In order by promise, then officer, stakeholder, interaction and last contact: by
    # the others first, then (a stable sort) by promise, comparing ints. The rows come
    # nearly in the order of the others (the pair summaries' key order), which the
    # first sort only checks.
    others = list(zip(*columns[1:], strict=True))
    order = sorted(range(len(others)), key=others.__getitem__)
    order.sort(key=columns[0].__getitem__)
    return _Rows(columns, order)


def _interactions_at(conn: Connection, wanted: set[tuple[str, int]]) -> dict[tuple[str, int], int]:
    """For each (participant, time) of ``wanted`` in exactly one interaction at that time,
    the interaction's id: a VALUES list joined on the participants' (stakeholder, at)
    index, whose entries hold the interaction id (no table row is read), counted per
    (participant, time) in SQL; in the index's order, so that neighbouring probes read
    neighbouring pages."""
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    found: dict[tuple[str, int], int] = {}
    for chunk in chunks(sorted(wanted), size=2_000):
        values = ", ".join([f"({mark}, {mark})"] * len(chunk))
        sql = (
            f"WITH wanted (k, w) AS (VALUES {values}) "
            "SELECT wanted.k, wanted.w, min(p.interaction_id) FROM wanted "
            "JOIN interaction_participants AS p ON p.stakeholder = wanted.k AND p.at = wanted.w "
            "GROUP BY wanted.k, wanted.w HAVING count(*) = 1"
        )
        result = conn.exec_driver_sql(sql, tuple(chain.from_iterable(chunk)))
        try:
            rows = result.cursor.fetchall()  # the driver's (str, int, int) tuples
        finally:
            result.close()
        found.update(zip(map(itemgetter(0, 1), rows), map(itemgetter(2), rows), strict=True))
    return found


__test__ = {"OverdueFollowUps": OverdueFollowUps}
