"""The synthetic city's calendar: day indices, seasonal weights and fast local times.

Days are numbered from the first day of the period (day 0). Each day has a weight
(season × weekday × holidays) so that activity is lower around the winter holidays
and at weekends and higher in summer. Local times are built straight from the
day's (year, month, day) and a minute of the day, which is about ten times faster
than pendulum's arithmetic.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Callable

import pendulum

__all__ = ["Calendar"]

# January .. December: fewer contacts in winter, more in summer.
_MONTH = (0.85, 0.9, 1.0, 1.0, 1.05, 1.15, 1.2, 1.15, 1.05, 1.0, 0.9, 0.8)
# Monday .. Sunday
_WEEKDAY = (1.0, 1.05, 1.05, 1.0, 0.95, 0.45, 0.3)
_SPARE_DAYS = 400  # days after the period that follow-up dates may reach


def _holiday(day: dt.date) -> float:
    if (day.month == 12 and day.day >= 22) or (day.month == 1 and day.day <= 2):
        return 0.35
    if day.month == 7 and day.day == 4:
        return 0.3
    return 1.0


class Calendar:
    """Days ``0 .. n - 1`` of the period ``first .. last`` (inclusive) in zone ``tz``."""

    def __init__(self, first: dt.date, last: dt.date, tz: str) -> None:
        self.first = first
        self.last = last
        self.tz = pendulum.timezone(tz)
        self.n = (last - first).days + 1
        self.ymd: list[tuple[int, int, int]] = []
        self.cum: list[float] = [0.0]
        months: list[tuple[int, int]] = []
        for i in range(self.n + _SPARE_DAYS):
            day = first + dt.timedelta(days=i)
            self.ymd.append((day.year, day.month, day.day))
            if i >= self.n:
                continue
            w = _MONTH[day.month - 1] * _WEEKDAY[day.weekday()] * _holiday(day)
            self.cum.append(self.cum[-1] + w)
            if day.day == 1 or i == 0:
                months.append((i, i))
            months[-1] = (months[-1][0], i)
        self.months: tuple[tuple[int, int], ...] = tuple(months)

    def index(self, day: dt.date) -> int:
        """The day index of a date (negative before the period)."""
        return (day - self.first).days

    def date(self, index: int) -> pendulum.Date:
        """The date of a day index (any index, also outside the period)."""
        d = self.first + dt.timedelta(days=index)
        return pendulum.Date(d.year, d.month, d.day)

    def weight(self, lo: int, hi: int) -> float:
        """Total activity weight of days ``lo .. hi`` (inclusive; 0 when empty)."""
        return self.cum[hi + 1] - self.cum[lo] if hi >= lo else 0.0

    def day_drawer(self, rnd: Callable[[], float]) -> Callable[[int, int], int]:
        """A function drawing a day in ``lo .. hi`` in proportion to its weight."""
        cum = self.cum

        def draw(lo: int, hi: int) -> int:
            base = cum[lo]
            return bisect_right(cum, base + rnd() * (cum[hi + 1] - base), lo, hi + 1) - 1

        return draw

    def at(self, index: int, minute: int = 0) -> pendulum.DateTime:
        """The local time ``minute`` minutes into day ``index`` (any index)."""
        if 0 <= index < len(self.ymd):
            y, m, d = self.ymd[index]
        else:
            day = self.first + dt.timedelta(days=index)
            y, m, d = day.year, day.month, day.day
        return pendulum.DateTime(y, m, d, minute // 60, minute % 60, tzinfo=self.tz)

    def start(self) -> pendulum.DateTime:
        """The first instant of the period."""
        return self.at(0)

    def end(self) -> pendulum.DateTime:
        """The last instant of the period (the end of its last day)."""
        y, m, d = self.ymd[self.n - 1]
        return pendulum.DateTime(y, m, d, 23, 59, 59, 999_999, tzinfo=self.tz)
