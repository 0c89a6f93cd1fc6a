"""The public boundary: every argument a public call takes is checked here, once.

Namespaces call these before any work, so a bad argument is refused with an
:class:`~rbp.errors.RbpError` that names it (or a ``TypeError`` for a value of the
wrong Python type) and never reaches the database driver. ``as_of`` and ``window``
are resolved here into :class:`~rbp._time.AsOf` and :class:`~rbp._time.Window`
values that the floors below take as they are.

Examples
--------
>>> from rbp import _args
>>> _args.limit(10, "limit")
10
>>> _args.limit(-1, "limit")
Traceback (most recent call last):
...
rbp.errors.ValidationError: limit must be a whole number from 0 to 1000000000, got -1
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Iterable
from typing import TypeVar

import pendulum

from rbp._time import AsOf, Window, aware
from rbp.errors import ValidationError
from rbp.model._directory import check_key, enum_value

__all__ = [
    "MAX_LIMIT",
    "actor",
    "as_of",
    "choice",
    "flag",
    "interaction_id",
    "key",
    "keys",
    "limit",
    "optional_key",
    "positive",
    "window",
]

_E = TypeVar("_E", bound=enum.Enum)

MAX_LIMIT = 1_000_000_000
MAX_ID = 2**63 - 1
MAX_ACTOR_LENGTH = 200
# The longest window a metric accepts: a century of contact is already the whole record.
MAX_WINDOW = dt.timedelta(days=36_525)


def as_of(value: object, *, tz: str, now: Callable[[], pendulum.DateTime]) -> AsOf:
    """Resolve an ``as_of`` argument: None is now by the store's clock."""
    at = now() if value is None else aware(value, field="as_of")
    return AsOf.of(at, tz)


def window(value: object, *, field: str = "window") -> Window:
    """Resolve a ``window`` argument: None is each stakeholder's cadence."""
    if value is None:
        return Window(None)
    if not isinstance(value, dt.timedelta):
        raise TypeError(
            f"{field} must be a duration (pendulum.Duration or datetime.timedelta) or None, "
            f"got {type(value).__name__}"
        )
    if value <= dt.timedelta(0) or value > MAX_WINDOW:
        raise ValidationError(
            f"{field} must be longer than zero and at most {MAX_WINDOW.days} days, got {value}",
            field=field,
        )
    return Window(value)


def key(value: object, field: str) -> str:
    """A key argument (a stakeholder, area, plan, task, ... key)."""
    return check_key(value, field)


def optional_key(value: object, field: str) -> str | None:
    """A key argument that may be None."""
    return None if value is None else check_key(value, field)


def keys(values: object, field: str) -> tuple[str, ...]:
    """One key or an iterable of keys, in the order given, without repeats."""
    if isinstance(values, str):
        return (check_key(values, field),)
    if not isinstance(values, Iterable):
        raise TypeError(
            f"{field} must be a key or an iterable of keys, got {type(values).__name__}"
        )
    return tuple(dict.fromkeys(check_key(v, field) for v in values))


def _whole(value: object, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{field} must be a whole number (int), got {type(value).__name__}")
    return value


def limit(value: object, field: str = "limit") -> int | None:
    """A row limit: None for no limit, else 0 to :data:`MAX_LIMIT`."""
    if value is None:
        return None
    n = _whole(value, field)
    if not 0 <= n <= MAX_LIMIT:
        raise ValidationError(
            f"{field} must be a whole number from 0 to {MAX_LIMIT}, got {n}", field=field
        )
    return n


def positive(value: object, field: str, *, maximum: int = MAX_LIMIT) -> int:
    """A count that must be at least 1 (samples, hops, nodes, ...)."""
    n = _whole(value, field)
    if not 1 <= n <= maximum:
        raise ValidationError(
            f"{field} must be a whole number from 1 to {maximum}, got {n}", field=field
        )
    return n


def interaction_id(value: object, field: str = "interaction") -> int:
    """An interaction id as ``log`` returned it."""
    n = _whole(value, field)
    if not 1 <= n <= MAX_ID:
        raise ValidationError(f"{field} {n} is not an interaction id", field=field)
    return n


def flag(value: object, field: str) -> bool:
    """A True/False argument."""
    if not isinstance(value, bool):
        raise TypeError(f"{field} must be True or False, got {type(value).__name__}")
    return value


def choice(enum_cls: type[_E], value: object, field: str) -> _E:
    """An enum argument, by member or by value (case-insensitive)."""
    if isinstance(value, str) and not isinstance(value, enum_cls):
        value = value.lower()
    return enum_value(enum_cls, field)(value)


def actor(value: object) -> str | None:
    """Who writes, for the audit trail: None or a short single-line name."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError(f"actor must be a str or None, got {type(value).__name__}")
    if not value.strip() or len(value) > MAX_ACTOR_LENGTH or not value.isprintable():
        raise ValidationError(
            f"actor must be 1 to {MAX_ACTOR_LENGTH} printable characters on one line",
            field="actor",
        )
    return value
