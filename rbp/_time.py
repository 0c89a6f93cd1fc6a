"""Aware time: validation, and the integer form the store keeps.

The store keeps every instant as integer microseconds since the Unix epoch (UTC).
That makes ``T - at`` plain integer arithmetic in any SQL dialect, which the tie
and coverage aggregates rely on.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import TypeVar

import attrs
import pendulum

from rbp.errors import NaiveDatetimeError, ValidationError

_EPOCH = pendulum.datetime(1970, 1, 1, tz="UTC")
_EPOCH_STD = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_SUB = dt.datetime.__sub__  # stdlib arithmetic: exact, and far faster than pendulum's Interval
MICROS_PER_SECOND = 1_000_000
MICROS_PER_DAY = 86_400 * MICROS_PER_SECOND


# Times rbp accepts: 1900-01-01 to 2200-12-31 on the wall clock of any zone. The check
# is on the instant (a UTC offset is under 24 h), so a time accepted in one zone is
# accepted again when it is read back in another, and every accepted instant is far
# from datetime's year 1 and 9999 in every zone.
FIRST_YEAR = 1900
LAST_YEAR = 2200
_T = TypeVar("_T", bound=dt.datetime)


def aware(value: object, *, field: str = "at", key: str | None = None) -> pendulum.DateTime:
    """Return ``value`` as an aware pendulum ``DateTime``; reject anything else.

    Every time that enters rbp passes here, so the rules are checked once: the value
    is a ``datetime`` with a time zone, and it lies in the years 1900 to 2200
    (:data:`FIRST_YEAR`, :data:`LAST_YEAR`). The range is checked on the instant:
    every wall time from 1900-01-01 to 2200-12-31 in any zone passes, which is every
    instant from 1899-12-31T00:00Z up to (not including) 2201-01-02T00:00Z. Such a
    time converts to UTC, to microseconds and back into any zone the store may use,
    and passes again when read back there; a year-1 or year-9999 time would overflow
    on the way back.

    Parameters
    ----------
    value
        The time to check.
    field
        The name of the argument or field, for the error.
    key
        The key of the record the time belongs to, for the error.

    Returns
    -------
    pendulum.DateTime
        ``value`` (a stdlib ``datetime`` becomes a pendulum ``DateTime``).

    Raises
    ------
    NaiveDatetimeError
        ``value`` has no time zone.
    ValidationError
        ``value`` is not a datetime, or its year is outside 1900-2200.

    Examples
    --------
    >>> aware(pendulum.datetime(2026, 3, 2, 18, tz="America/Chicago")).year
    2026
    >>> aware(pendulum.datetime(9999, 12, 31, tz="UTC"), field="since")
    Traceback (most recent call last):
    ...
    rbp.errors.ValidationError: since 9999-12-31T00:00:00+00:00 is outside the years 1900-2200 ...
    """
    if isinstance(value, pendulum.DateTime):
        if value.tzinfo is None:
            raise _naive(field, key)
        return _in_range(value, field, key)
    if isinstance(value, dt.datetime):
        if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
            raise _naive(field, key)
        _in_range(value, field, key)
        return pendulum.instance(value)
    raise ValidationError(
        f"{field} must be an aware datetime (pendulum.DateTime), got {type(value).__name__}",
        key=key,
        field=field,
    )


def _in_range(value: _T, field: str, key: str | None) -> _T:
    # A wall time in the years 1900-2200 is in range whatever its offset (offsets are
    # under a day): the usual case, decided without asking the zone for its offset.
    if FIRST_YEAR <= value.year <= LAST_YEAR or _FIRST_MICROS <= to_micros(value) < _END_MICROS:
        return value
    raise ValidationError(
        f"{field} {value.isoformat()} is outside the years {FIRST_YEAR}-{LAST_YEAR} "
        "rbp accepts; give a time in that range",
        key=key,
        field=field,
    )


def _naive(field: str, key: str | None) -> NaiveDatetimeError:
    return NaiveDatetimeError(
        f"{field} is a naive datetime; give it a time zone, "
        f"e.g. pendulum.datetime(2026, 3, 2, tz='America/Chicago')",
        key=key,
        field=field,
    )


def to_micros(value: dt.datetime) -> int:
    """Microseconds since the epoch of an aware datetime."""
    delta: dt.timedelta = _SUB(value, _EPOCH_STD)
    return (delta.days * 86_400 + delta.seconds) * MICROS_PER_SECOND + delta.microseconds


@functools.lru_cache(maxsize=64)
def zone(tz: str) -> pendulum.Timezone | pendulum.FixedTimezone:
    """The pendulum time zone called ``tz`` (looked up once)."""
    return pendulum.timezone(tz)


def from_micros(value: int, tz: str = "UTC") -> pendulum.DateTime:
    """The aware ``DateTime`` in zone ``tz`` of epoch microseconds ``value``.

    Built field by field from the stdlib's conversion (with its ``fold`` for the
    repeated hour), which is several times faster than ``pendulum.instance``.
    """
    seconds, micros = divmod(int(value), MICROS_PER_SECOND)
    where = zone(tz)
    try:
        local = dt.datetime.fromtimestamp(seconds, where)
    except (OverflowError, OSError, ValueError):  # outside the platform's time_t range
        instant = _EPOCH_STD + dt.timedelta(microseconds=int(value))
        return pendulum.instance(instant).in_timezone(tz)
    return pendulum.DateTime(
        local.year,
        local.month,
        local.day,
        local.hour,
        local.minute,
        local.second,
        micros,
        tzinfo=where,
        fold=local.fold,
    )


# The accepted instants (see :func:`aware`): a wall time of 1900-01-01 00:00 at the
# largest offset (+23:59) to one of 2200-12-31 23:59:59.999999 at the smallest (-23:59).
_FIRST_MICROS = to_micros(dt.datetime(FIRST_YEAR - 1, 12, 31, tzinfo=dt.UTC))
_END_MICROS = to_micros(dt.datetime(LAST_YEAR + 1, 1, 2, tzinfo=dt.UTC))


def duration_micros(value: dt.timedelta) -> int:
    """Microseconds in a duration (``pendulum.Duration`` or ``datetime.timedelta``)."""
    return (value.days * 86_400 + value.seconds) * MICROS_PER_SECOND + value.microseconds


@attrs.frozen
class AsOf:
    """The one instant a read answers for, resolved once at the public boundary.

    ``at`` is in the store's zone; ``micros`` is the same instant as the store keeps
    it. Everything below the boundary takes an ``AsOf`` and never converts again.
    """

    at: pendulum.DateTime
    micros: int

    @classmethod
    def of(cls, value: pendulum.DateTime, tz: str) -> AsOf:
        """The ``AsOf`` of an aware time, shown in zone ``tz``."""
        at = value.in_timezone(tz)
        return cls(at=at, micros=to_micros(at))


@attrs.frozen
class Window:
    """How recent contact must be to count, resolved once at the public boundary.

    ``duration`` None means "each stakeholder's cadence"; otherwise contact counts
    when it happened in ``(T - duration, T]``.
    """

    duration: dt.timedelta | None = None

    @property
    def micros(self) -> int | None:
        """The window in microseconds, or None for each stakeholder's cadence."""
        return None if self.duration is None else duration_micros(self.duration)

    def micros_for(self, cadence_days: int) -> int:
        """The window in microseconds for a stakeholder whose cadence is ``cadence_days``."""
        fixed = self.micros
        return cadence_days * MICROS_PER_DAY if fixed is None else fixed
