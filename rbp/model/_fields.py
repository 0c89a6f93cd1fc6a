"""Field rules, written once: converters that name the field they check.

Every factory here returns an :class:`attrs.Converter` made with
``takes_field=True``, so one rule (a key, a text, a time, an enum, a flag, a
number) serves every field of every record, and an error names the attribute it
came from (``field=`` on the :class:`~rbp.errors.ValidationError`). Pass ``name=``
only where the message should say something other than the attribute's name.

Examples
--------
>>> import attrs
>>> from rbp.model import _fields as f
>>> @attrs.frozen
... class Visit:
...     where: str = attrs.field(converter=f.key())
...     note: str | None = attrs.field(default=None, converter=f.text(100, optional=True))
>>> Visit("b-0111").where
'b-0111'
>>> try:
...     Visit(" b-0111")
... except Exception as exc:
...     print(type(exc).__name__, exc.field)
ValidationError where
"""

from __future__ import annotations

import enum
import math
import re
from collections.abc import Callable
from typing import Any, TypeVar

import attrs

from rbp._time import aware
from rbp.errors import ValidationError

__all__ = [
    "MAX_KEY_LENGTH",
    "check_key",
    "check_text",
    "choice",
    "choices",
    "enum_value",
    "flag",
    "good_keys",
    "key",
    "keys",
    "number",
    "records",
    "text",
    "texts",
    "time",
    "whole",
]

_E = TypeVar("_E", bound=enum.Enum)
_KEY_RE = re.compile(r"^[^\x00-\x1f\x7f\ud800-\udfff]+$")
_UNSTORABLE_RE = re.compile(r"[\x00\ud800-\udfff]")  # NUL, lone surrogates
MAX_KEY_LENGTH = 200
# A good key in one match: 1-200 characters, none a control character or a lone
# surrogate, no white space at either end (``\s`` is what ``str.strip`` strips).
_GOOD_KEY = rf"(?!\s)[^\x00-\x1f\x7f\ud800-\udfff]{{1,{MAX_KEY_LENGTH}}}(?<!\s)"
_GOOD_KEY_RE = re.compile(_GOOD_KEY)
# Good keys joined by NUL (which no key holds), checked in one match.
_GOOD_KEYS_RE = re.compile(rf"{_GOOD_KEY}(?:\x00{_GOOD_KEY})*")


_CHECKED: dict[tuple[Any, ...], tuple[str, ...]] = {}
"""Tuples of keys that passed the rule of :func:`keys`, each with what it made of them
(sorted, without repeats): the areas and topics of a log repeat row after row."""
_CHECKED_MAX = 8192


def good_keys(values: tuple[Any, ...]) -> bool:
    """Whether every item of a non-empty tuple is a good key (one match for them all).

    False says only "look at them one by one" (:func:`check_key` names what is wrong).

    >>> good_keys(("P1", "m-17")), good_keys(("P1", " m-17"))
    (True, False)
    """
    try:
        return _GOOD_KEYS_RE.fullmatch("\x00".join(values)) is not None
    except TypeError:  # not all text
        return False


# --------------------------------------------------------------------------- the rules


def check_key(value: object, field: str = "key") -> str:
    """Return ``value`` if it is a usable key: a non-empty string without control characters.

    >>> check_key("m-17")
    'm-17'
    """
    if value.__class__ is str and _GOOD_KEY_RE.fullmatch(value):
        return value
    if not isinstance(value, str):
        raise ValidationError(f"{field} must be a string, got {type(value).__name__}", field=field)
    if not value.strip():
        raise ValidationError(f"{field} is empty; give every record a key", field=field)
    if value != value.strip() or not _KEY_RE.match(value) or len(value) > MAX_KEY_LENGTH:
        shown = value if len(value) <= MAX_KEY_LENGTH else value[:40] + "..."
        raise ValidationError(
            f"{field} {shown!r} is not a valid key: no surrounding spaces, no control "
            f"characters, at most {MAX_KEY_LENGTH} characters",
            key=shown,
            field=field,
        )
    return value


def check_text(value: object, field: str, limit: int) -> str:
    """Return ``value`` if it is text that every database can store in ``field``.

    The message never repeats the value: text fields may hold personal data.

    >>> check_text("Beat 111", "name", 300)
    'Beat 111'
    """
    if not isinstance(value, str):
        raise ValidationError(f"{field} must be text, got {type(value).__name__}", field=field)
    if len(value) > limit:
        raise ValidationError(
            f"{field} is {len(value)} characters long; at most {limit} fit", field=field
        )
    if _UNSTORABLE_RE.search(value):
        raise ValidationError(
            f"{field} contains a NUL character or a lone surrogate, which cannot be stored; "
            "remove it",
            field=field,
        )
    return value


def enum_value(enum_cls: type[_E], field: str) -> Callable[[Any], _E]:
    """A function that accepts a member of ``enum_cls`` or its value, naming ``field``.

    >>> from rbp.model import Sector
    >>> enum_value(Sector, "sector")("faith")
    <Sector.FAITH: 'faith'>
    """

    def convert(value: Any) -> _E:
        if isinstance(value, enum_cls):
            return value
        try:
            return enum_cls(value)
        except (ValueError, TypeError):
            allowed = ", ".join(str(m.value) for m in enum_cls)
            shown = repr(value) if len(repr(value)) <= 60 else repr(value)[:60] + "..."
            raise ValidationError(
                f"{field} {shown} is not a {enum_cls.__name__}; use one of: {allowed}",
                field=field,
            ) from None

    return convert


# --------------------------------------------------------------------------- factories


def _rule(check: Callable[[Any, str], Any], name: str | None) -> attrs.Converter[Any, Any]:
    """A converter that runs ``check(value, field)`` with the field named by ``name`` or
    by the attribute itself."""

    def convert(value: Any, attribute: attrs.Attribute[Any]) -> Any:
        return check(value, name or attribute.name)

    return attrs.Converter(convert, takes_field=True)


def _as_tuple(values: Any, field: str, *singles: type) -> tuple[Any, ...]:
    if isinstance(values, (str, bytes, enum.Enum, *singles)):
        return (values,)
    try:
        return tuple(values)
    except TypeError:
        raise ValidationError(
            f"{field} must be an iterable, got {type(values).__name__}", field=field
        ) from None


# The rules most records use on every field (key, keys, text, time, choice, whole)
# first let a value through that is already right, in one test, and only then run
# the full check, which says what is wrong: a record is made in a few calls.


def key(*, optional: bool = False, name: str | None = None) -> attrs.Converter[Any, Any]:
    """A key (see :func:`check_key`); ``optional`` lets None through."""

    def convert(value: Any, attribute: attrs.Attribute[Any]) -> str | None:
        if value.__class__ is str and _GOOD_KEY_RE.fullmatch(value):
            return value
        if optional and value is None:
            return None
        return check_key(value, name or attribute.name)

    return attrs.Converter(convert, takes_field=True)


def keys(*, name: str | None = None) -> attrs.Converter[Any, Any]:
    """A set of keys, kept sorted (the store keeps no order); one key is a set of one."""

    def convert(values: Any, attribute: attrs.Attribute[Any]) -> tuple[str, ...]:
        if values.__class__ is tuple:
            try:
                known = _CHECKED.get(values)
            except TypeError:  # an unhashable item: never remembered
                known = None
            if known is not None:
                return known
            if not values or good_keys(values):
                if len(_CHECKED) >= _CHECKED_MAX:
                    _CHECKED.clear()  # forgotten, and filled again
                known = _CHECKED[values] = tuple(sorted(set(values)))
                return known
        field = name or attribute.name
        return tuple(sorted({check_key(v, field) for v in _as_tuple(values, field)}))

    return attrs.Converter(convert, takes_field=True)


def text(
    limit: int, *, optional: bool = False, none_is_empty: bool = False, name: str | None = None
) -> attrs.Converter[Any, Any]:
    """Text of at most ``limit`` characters; ``optional`` lets None through,
    ``none_is_empty`` reads None as ``""``."""

    def convert(value: Any, attribute: attrs.Attribute[Any]) -> str | None:
        if value is None and (optional or none_is_empty):
            return None if optional else ""
        return check_text(value, name or attribute.name, limit)

    return attrs.Converter(convert, takes_field=True)


def texts(limit: int, *, name: str | None = None) -> attrs.Converter[Any, Any]:
    """A tuple of texts, in the order given; one text is a tuple of one."""

    def check(values: Any, field: str) -> tuple[str, ...]:
        return tuple(check_text(v, field, limit) for v in _as_tuple(values, field))

    return _rule(check, name)


def time(*, optional: bool = True, name: str | None = None) -> attrs.Converter[Any, Any]:
    """An aware time; naive times raise :class:`~rbp.errors.NaiveDatetimeError`."""

    def convert(value: Any, attribute: attrs.Attribute[Any]) -> Any:
        if optional and value is None:
            return None
        return aware(value, field=name or attribute.name)

    return attrs.Converter(convert, takes_field=True)


def choice(enum_cls: type[enum.Enum], *, name: str | None = None) -> attrs.Converter[Any, Any]:
    """A member of ``enum_cls``, given as a member or its value."""

    def convert(value: Any, attribute: attrs.Attribute[Any]) -> Any:
        if value.__class__ is enum_cls:
            return value
        return enum_value(enum_cls, name or attribute.name)(value)

    return attrs.Converter(convert, takes_field=True)


def choices(
    enum_cls: type[enum.Enum], *, ordered: bool = False, name: str | None = None
) -> attrs.Converter[Any, Any]:
    """Members of ``enum_cls`` without repeats: sorted by value, or in the order given
    (``ordered``)."""

    def check(values: Any, field: str) -> tuple[Any, ...]:
        convert = enum_value(enum_cls, field)
        found = dict.fromkeys(convert(v) for v in _as_tuple(values, field))
        return tuple(found) if ordered else tuple(sorted(found, key=lambda m: str(m.value)))

    return _rule(check, name)


def flag(*, name: str | None = None) -> attrs.Converter[Any, Any]:
    """True or False, nothing else (not 1, not "yes")."""

    def check(value: Any, field: str) -> bool:
        if not isinstance(value, bool):
            shown = repr(value) if len(repr(value)) <= 60 else type(value).__name__
            raise ValidationError(f"{field} must be True or False, got {shown}", field=field)
        return value

    return _rule(check, name)


def number(*, name: str | None = None) -> attrs.Converter[Any, Any]:
    """A finite number, kept as a float."""

    def check(value: Any, field: str) -> float:
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            shown = repr(value) if len(repr(value)) <= 60 else type(value).__name__
            raise ValidationError(f"{field} must be a finite number, got {shown}", field=field)
        return float(value)

    return _rule(check, name)


def whole(
    maximum: int, *, minimum: int = 0, optional: bool = False, name: str | None = None
) -> attrs.Converter[Any, Any]:
    """A whole number from ``minimum`` to ``maximum`` (the column's range)."""

    def convert(value: Any, attribute: attrs.Attribute[Any]) -> int | None:
        if value.__class__ is int and minimum <= value <= maximum:
            return value
        if optional and value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
            field = name or attribute.name
            shown = repr(value) if len(repr(value)) <= 60 else type(value).__name__
            raise ValidationError(
                f"{field} must be a whole number from {minimum} to {maximum}, got {shown}",
                field=field,
            )
        return value

    return attrs.Converter(convert, takes_field=True)


def records(cls: type, *, name: str | None = None) -> attrs.Converter[Any, Any]:
    """A tuple of ``cls`` records, in the order given."""

    def check(values: Any, field: str) -> tuple[Any, ...]:
        out = _as_tuple(values, field)
        if not all(isinstance(v, cls) for v in out):
            raise ValidationError(f"{field} must be {cls.__name__} records", field=field)
        return out

    return _rule(check, name)
