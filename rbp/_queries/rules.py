"""The time rules every metric shares, each written once in SQL and once in Python.

Each rule has an SQL expression builder (``*_sql``) and a Python function side by
side, over the integer microseconds the store keeps, so a query and a loop over its
rows can never disagree (a property test checks both forms on SQLite and PostgreSQL).

- **present at T**: a stakeholder or relationship counts at T unless its ``since`` is
  after T or its ``until`` before T (None means no bound);
- **within the window**: contact at ``t`` counts for T when ``T - window < t <= T``;
- **tie status**: from the age of the last contact and the cadence ``c``: active up
  to ``c``, cooling up to ``2c``, dormant up to ``4c``, lapsed after;
- **decay**: a contact ``T - t`` old weighs ``0.5 ** ((T - t) / half_life)``, 0 once
  that underflows;
- **broken promise**: a contact whose ``follow_up_by`` is at or before T; a pair's
  promise is broken when its last contact up to T is such a contact.

Examples
--------
>>> from rbp._time import MICROS_PER_DAY as DAY
>>> present(None, 5, 5), present(6, None, 5)
(True, False)
>>> status(31 * DAY, 30 * DAY).value, decay(90 * DAY, half_life=90 * DAY)
('cooling', 0.5)
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from rbp import _schema as t
from rbp._time import MICROS_PER_DAY
from rbp.errors import ValidationError
from rbp.model._interactions import TieStatus

__all__ = [
    "STATUS_ORDER",
    "UNDERFLOW",
    "absent_keys",
    "decay",
    "decay_sql",
    "present",
    "present_sql",
    "promise_passed",
    "promise_passed_sql",
    "status",
    "status_limits",
    "status_of",
    "status_sql",
    "within",
    "within_sql",
]

_Expr = sa.ColumnElement[Any]

# ----------------------------------------------------------------------------- present at T


def present(since: int | None, until: int | None, at: int) -> bool:
    """Whether a row with ``since``/``until`` counts at ``at``."""
    return (since is None or since <= at) and (until is None or until >= at)


def present_sql(since: _Expr, until: _Expr, at: int | _Expr) -> sa.ColumnElement[bool]:
    """SQL form of :func:`present` over two nullable columns."""
    return sa.and_(sa.or_(since.is_(None), since <= at), sa.or_(until.is_(None), until >= at))


def absent_keys(at: int) -> sa.Select[tuple[str]]:
    """Keys of stakeholders not part of the picture at ``at`` (the negation of
    :func:`present_sql`: ``since`` after it or ``until`` before it)."""
    s = t.stakeholders.c
    return sa.select(s.key).where(sa.or_(s.since > at, s.until < at))


# ----------------------------------------------------------------------------- window


def within(when: int, at: int, window: int) -> bool:
    """Whether contact at ``when`` is in ``(at - window, at]``."""
    return at - window < when <= at


def within_sql(when: _Expr, at: int, window: int | _Expr) -> sa.ColumnElement[bool]:
    """SQL form of :func:`within`."""
    return sa.and_(when > at - window, when <= at)


# ----------------------------------------------------------------------------- status


def status(age: int, cadence: int) -> TieStatus:
    """The status of a tie whose last contact is ``age`` old, for a cadence of
    ``cadence`` (both in microseconds)."""
    if age <= cadence:
        return TieStatus.ACTIVE
    if age <= 2 * cadence:
        return TieStatus.COOLING
    if age <= 4 * cadence:
        return TieStatus.DORMANT
    return TieStatus.LAPSED


STATUS_ORDER = (TieStatus.ACTIVE, TieStatus.COOLING, TieStatus.DORMANT, TieStatus.LAPSED)
"""The statuses from warm to cold: ``STATUS_ORDER[bisect_left(status_limits(c), age)]``
is :func:`status` ``(age, c)``."""


def status_limits(cadence: int) -> tuple[int, int, int]:
    """The ages up to which a tie of ``cadence`` is active, cooling and dormant (the
    rule of :func:`status` as numbers, for a loop over many ties: with
    ``bisect.bisect_left`` they index :data:`STATUS_ORDER`).

    >>> from bisect import bisect_left
    >>> [STATUS_ORDER[bisect_left(status_limits(10), age)].value for age in (10, 11, 41)]
    ['active', 'cooling', 'lapsed']
    """
    return (cadence, 2 * cadence, 4 * cadence)


def status_of(age_micros: int, cadence_days: int) -> TieStatus:
    """The status of a tie whose last contact is ``age_micros`` old.

    Active up to the cadence ``c``, cooling up to ``2c``, dormant up to ``4c``,
    lapsed after.

    Parameters
    ----------
    age_micros
        How long ago the last contact was, in microseconds (0 or more).
    cadence_days
        The stakeholder's cadence, in days (at least 1).

    Returns
    -------
    TieStatus
        ACTIVE, COOLING, DORMANT or LAPSED.

    Raises
    ------
    ValidationError
        ``age_micros`` is negative or ``cadence_days`` is less than 1.
    TypeError
        Either is not an int.

    Examples
    --------
    >>> from rbp._time import MICROS_PER_DAY
    >>> status_of(30 * MICROS_PER_DAY, 30), status_of(31 * MICROS_PER_DAY, 30)
    (<TieStatus.ACTIVE: 'active'>, <TieStatus.COOLING: 'cooling'>)
    >>> status_of(0, 0)
    Traceback (most recent call last):
    ...
    rbp.errors.ValidationError: cadence_days must be a whole number from 1, got 0
    """
    for value, field, least in ((age_micros, "age_micros", 0), (cadence_days, "cadence_days", 1)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{field} must be a whole number (int), got {type(value).__name__}")
        if value < least:
            raise ValidationError(
                f"{field} must be a whole number from {least}, got {value}", field=field
            )
    return status(age_micros, cadence_days * MICROS_PER_DAY)


def status_sql(age: _Expr, cadence: _Expr) -> _Expr:
    """SQL form of :func:`status`: the status value ("active", ...) as text."""
    return sa.case(
        (age <= cadence, sa.literal(TieStatus.ACTIVE.value)),
        (age <= 2 * cadence, sa.literal(TieStatus.COOLING.value)),
        (age <= 4 * cadence, sa.literal(TieStatus.DORMANT.value)),
        else_=sa.literal(TieStatus.LAPSED.value),
    )


# ----------------------------------------------------------------------------- decay

UNDERFLOW = 1075
"""Past this many half-lives ``0.5 ** n`` is below the smallest float: it rounds to 0."""


def decay(age: int, *, half_life: int) -> float:
    """The weight of a contact ``age`` old (microseconds), for ``half_life`` (microseconds)."""
    n = age / half_life
    return 0.0 if n >= UNDERFLOW else float(0.5**n)


def decay_sql(age: _Expr, *, half_life: int, guarded: bool = True) -> _Expr:
    """SQL form of :func:`decay`, 0 once it underflows.

    PostgreSQL's ``power()`` raises "value out of range: underflow" where SQLite (and
    Python) give 0, so very old contacts under a short half-life would break the query.
    ``guarded=False`` leaves the test out, for SQLite only: its ``power(0.5, n)`` is
    0.0 for every ``n >= UNDERFLOW`` (2**-1075 rounds to 0) as the guard would say, so
    the value is the same and a read of millions of rows skips a test per row.
    """
    n = age / sa.literal(float(half_life))
    if not guarded:
        return sa.func.power(0.5, n)
    return sa.case((n >= UNDERFLOW, sa.literal(0.0)), else_=sa.func.power(0.5, n))


# ----------------------------------------------------------------------------- promises


def promise_passed(follow_up_by: int | None, at: int) -> bool:
    """Whether a contact's promised follow-up date has passed by ``at``."""
    return follow_up_by is not None and follow_up_by <= at


def promise_passed_sql(follow_up_by: _Expr, at: int) -> sa.ColumnElement[bool]:
    """SQL form of :func:`promise_passed` (a NULL date never passes)."""
    return follow_up_by <= at
