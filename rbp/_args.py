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
import math
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

import pendulum

from rbp._time import AsOf, Window, aware
from rbp.errors import ValidationError
from rbp.model._fields import check_key, check_text, enum_value

__all__ = [
    "MAX_LIMIT",
    "actor",
    "as_of",
    "choice",
    "flag",
    "instance",
    "interaction_id",
    "key",
    "keys",
    "limit",
    "number",
    "optional_choice",
    "optional_key",
    "optional_text",
    "optional_time",
    "path",
    "positive",
    "record_id",
    "text",
    "time",
    "window",
    "zone",
]

_E = TypeVar("_E", bound=enum.Enum)

MAX_LIMIT = 1_000_000_000
MAX_ID = 2**63 - 1
MAX_SMALL_ID = 2**31 - 1  # ids of 32-bit integer columns
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
    return record_id(value, field, what="an interaction id")


def record_id(
    value: object, field: str = "id", *, maximum: int = MAX_ID, what: str = "an id"
) -> int:
    """A row id the store gave out (1 to ``maximum``)."""
    n = _whole(value, field)
    if not 1 <= n <= maximum:
        raise ValidationError(f"{field} {n} is not {what}", field=field)
    return n


def number(value: object, field: str) -> float:
    """A finite number (int or float, not bool)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{field} must be a number, got {type(value).__name__}")
    if not math.isfinite(value):
        raise ValidationError(f"{field} must be a finite number, got {value!r}", field=field)
    return float(value)


def time(value: object, field: str) -> pendulum.DateTime:
    """An aware time (naive times raise :class:`~rbp.errors.NaiveDatetimeError`)."""
    return aware(value, field=field)


def optional_time(value: object, field: str) -> pendulum.DateTime | None:
    """An aware time, or None."""
    return None if value is None else aware(value, field=field)


def text(value: object, field: str, maximum: int) -> str:
    """Text of at most ``maximum`` characters that every database can store.

    The message never repeats the text: it may hold personal data.
    """
    if not isinstance(value, str):
        raise TypeError(f"{field} must be a str, got {type(value).__name__}")
    return check_text(value, field, maximum)


def optional_text(value: object, field: str, maximum: int) -> str | None:
    """Like :func:`text`, or None."""
    return None if value is None else text(value, field, maximum)


_T = TypeVar("_T")


def instance(value: object, cls: type[_T], field: str) -> _T:
    """A value of type ``cls``; anything else is a ``TypeError`` naming ``field``."""
    if not isinstance(value, cls):
        raise TypeError(f"{field} must be a {cls.__name__}, got {type(value).__name__}")
    return value


def path(value: object, field: str = "path") -> Path:
    """A file system path (str or os.PathLike) without NUL or lone surrogates."""
    if not isinstance(value, str | os.PathLike):
        raise TypeError(f"{field} must be a str or os.PathLike, got {type(value).__name__}")
    raw = os.fspath(value)
    if not isinstance(raw, str):
        raise TypeError(f"{field} must be a text path, got {type(raw).__name__}")
    check_text(raw, field, 4096)
    return Path(raw)


def zone(value: object, field: str = "tz") -> str:
    """An IANA time zone name, e.g. ``"America/Chicago"``."""
    if not isinstance(value, str):
        raise TypeError(
            f"{field} must be a str (an IANA time zone name), got {type(value).__name__}"
        )
    try:
        if not 0 < len(value) <= 100:
            raise ValueError(value)
        return str(pendulum.timezone(value).name)
    except Exception:
        shown = value if len(value) <= 60 else value[:60] + "..."
        raise ValidationError(
            f"{field} {shown!r} is not a known time zone; use an IANA name like 'America/Chicago'",
            field=field,
        ) from None


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


def optional_choice(enum_cls: type[_E], value: object, field: str) -> _E | None:
    """Like :func:`choice`, or None."""
    return None if value is None else choice(enum_cls, value, field)


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
