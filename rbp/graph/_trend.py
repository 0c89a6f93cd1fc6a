"""Series of as-of answers (``crm.graph.trend``)."""

from __future__ import annotations

import datetime as dt
import enum
from typing import TYPE_CHECKING, Any

import pendulum

from rbp import _args
from rbp.graph import _metrics as metrics
from rbp.graph._base import GraphBase
from rbp.graph._snapshot import PRIORITIES
from rbp.model import Priority

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Every", "TrendMetric", "TrendReads"]


class TrendMetric(enum.Enum):
    """What :meth:`~rbp.graph.Graph.trend` follows over time."""

    COVERAGE = "coverage"  # value = ratio; covered, total
    SINGLE_THREADED = "single_threaded"  # value = count; share of covered
    UNCOVERED_KEY = "uncovered_key"  # value = uncovered key-priority stakeholders


class Every(enum.Enum):
    """How far apart the answers of a trend are, stepped in the agency's zone."""

    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"


KEY = PRIORITIES.index(Priority.KEY)
"""The code of the key priority in a snapshot's ``priority`` column."""

_STEPS = {Every.WEEK: ("weeks", 1), Every.MONTH: ("months", 1), Every.QUARTER: ("months", 3)}


class TrendReads(GraphBase):
    """A metric as a series of as-of answers."""

    def trend(
        self,
        metric: TrendMetric | str,
        *,
        start: pendulum.DateTime,
        end: pendulum.DateTime,
        every: Every | str = Every.MONTH,
        window: dt.timedelta | None = None,
        area: str | None = None,
    ) -> pd.DataFrame:
        """A series of as-of answers, one per period end from ``start`` to ``end``.

        ``metric`` (a :class:`TrendMetric` or its value) is ``"coverage"`` (value =
        ratio, with covered and total), ``"single_threaded"`` (count, with its share of
        covered) or ``"uncovered_key"`` (uncovered key-priority stakeholders).
        ``every`` is "week", "month" or "quarter" (:class:`Every`), stepped in the
        agency's time zone from ``start``. Coverage counts contact within ``window``
        (None: each stakeholder's cadence); the frame's ``attrs["window"]`` says which.

        Parameters
        ----------
        metric
            What to follow: "coverage", "single_threaded" or "uncovered_key".
        start
            The first as-of time (aware).
        end
            The last as-of time at most (aware); the series stops at or before it.
        every
            The step: "week", "month" or "quarter", in the agency's time zone.
        window
            The coverage window; None (the default) uses each stakeholder's cadence.
        area
            Only stakeholders of this area and the areas below it.

        Returns
        -------
        pandas.DataFrame
            One row per as-of time: ``as_of`` (UTC) and ``value``, with ``covered`` and
            ``total`` (coverage) or ``share`` (single-threaded); empty when ``end`` is
            before ``start``.

        Raises
        ------
        UnknownKeyError
            ``area`` is no area of the store.
        ValidationError
            ``metric`` or ``every`` is no member of its enum, ``area`` is not a valid
            key, or ``window`` is not longer than zero (at most a century).
        NaiveDatetimeError
            ``start`` or ``end`` has no time zone.
        TypeError
            An argument of the wrong Python type (``start`` None, say).

        Examples
        --------
        The synthetic city's coverage over its last three month ends:

        >>> out = crm.graph.trend("coverage", start=T.subtract(months=2), end=T)
        >>> out.shape, out["covered"].tolist(), out["total"].tolist()
        ((3, 4), [82, 80, 78], [172, 172, 172])

        Stepping from January 31 keeps to month ends:

        >>> import pendulum, rbp
        >>> crm = rbp.open()
        >>> crm.directory.add_many([rbp.Area("b-1"), rbp.CommunityMember("m-1", area="b-1")])
        2
        >>> T = pendulum.datetime(2026, 1, 31, tz="UTC")
        >>> out = crm.graph.trend("coverage", start=T, end=T.add(months=2), every="MONTH")
        >>> [f"{t:%m-%d}" for t in out["as_of"]], out["total"].tolist()
        (['01-31', '02-28', '03-31'], [1, 1, 1])
        """
        chosen = _args.choice(TrendMetric, metric, "metric")
        step = _args.choice(Every, every, "every")
        first = self._uow.when(start if start is not None else _missing("start"))
        stop = self._uow.when(end if end is not None else _missing("end"))
        win = self._uow.window(window)
        scope = _args.optional_key(area, "area")
        unit, size = _STEPS[step]
        rows: list[dict[str, Any]] = []
        n = 0
        when = first
        with self._uow.read() as conn:
            while when.micros <= stop.micros:
                snap = self._snapshot(conn, when, win)
                members = metrics.select(snap, area=scope)
                row: dict[str, Any] = {"as_of": when.at}
                if chosen is TrendMetric.COVERAGE:
                    cov = metrics.coverage(snap, members, area=scope)
                    row |= {"value": cov.ratio, "covered": cov.covered, "total": cov.total}
                elif chosen is TrendMetric.SINGLE_THREADED:
                    risk = metrics.key_person(snap, members)
                    row |= {"value": len(risk.single_threaded), "share": risk.ratio}
                else:
                    flags, priority, key = snap.covered, snap.priority, KEY
                    row["value"] = sum(1 for i in members if priority[i] == key and not flags[i])
                rows.append(row)
                n += 1  # from the start each time, so Jan 31 steps to Feb 28 and Mar 31
                when = self._uow.when(first.at.add(**{unit: size * n}))
        return _frame(rows, win.duration)


def _missing(field: str) -> pendulum.DateTime:
    raise TypeError(f"{field} must be an aware datetime, got None")


def _frame(rows: list[dict[str, Any]], window: dt.timedelta | None) -> pd.DataFrame:
    import pandas as pd

    out = pd.DataFrame(rows)
    if len(out):
        out["as_of"] = pd.to_datetime([r["as_of"].in_timezone("UTC") for r in rows], utc=True)
    out.attrs["window"] = window
    return out


# Their public path is set by the package; doctest still reads their examples here.
__test__ = {"Every": Every, "TrendMetric": TrendMetric}
