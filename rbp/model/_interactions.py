# mypy: disable-error-code="misc"
# mypy's attrs plugin does not read attrs.Converter(..., takes_field=True) yet ("Unsupported
# converter"); it types such a field's __init__ parameter as Any, as the per-field
# wrapper functions did before. Every field rule lives in rbp.model._fields.
"""Interaction domain: what happened between stakeholders, and the ties it makes.

Examples
--------
>>> import pendulum
>>> from rbp.interactions import Interaction, InteractionKind
>>> i = Interaction(at=pendulum.datetime(2026, 3, 2, 18, tz="America/Chicago"),
...                 kind=InteractionKind.MEETING, participants=("P1234", "m-17"),
...                 areas=("b-0111",), notes="talked about the youth league")
>>> i.kind.value, i.participants
('meeting', ('P1234', 'm-17'))
>>> "youth" in repr(i)    # notes are personal data
False
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
from collections.abc import Iterable, Mapping
from typing import Any

import attrs
import pendulum

from rbp.errors import ValidationError
from rbp.model import _fields as f
from rbp.model._fields import check_key, good_keys

__all__ = [
    "FollowUp",
    "FollowUpReason",
    "Interaction",
    "InteractionKind",
    "TieStatus",
    "interaction_from",
]

MAX_INT = 2**31 - 1
"""Largest attendee count and duration in seconds: the columns are 32-bit integers."""
MAX_TEXT = 1_000_000
"""Longest notes text: far more than any note, far less than a database refuses."""


class InteractionKind(enum.Enum):
    """What sort of contact an interaction was."""

    MEETING = "meeting"
    CALL = "call"
    COMMUNITY_EVENT = "community_event"
    JOINT_OUTREACH = "joint_outreach"
    REFERRAL = "referral"
    RIDE_ALONG = "ride_along"
    FOLLOW_UP = "follow_up"
    SERVICE_CALL = "service_call"
    CASE_CONFERENCE = "case_conference"
    EMAIL = "email"
    OTHER = "other"


class TieStatus(enum.Enum):
    """How warm a tie is, by the age ``a`` of its last contact and the cadence ``c``.

    active ``a <= c``; cooling ``c < a <= 2c``; dormant ``2c < a <= 4c``; lapsed ``a > 4c``.
    """

    ACTIVE = "active"
    COOLING = "cooling"
    DORMANT = "dormant"
    LAPSED = "lapsed"


class FollowUpReason(enum.Enum):
    """Why a tie is on an officer's follow-up list."""

    COOLING = "cooling"
    DORMANT = "dormant"
    OVERDUE = "overdue"  # an interaction's follow_up_by passed with no later contact


def _participants(value: Any, attribute: attrs.Attribute[Any]) -> tuple[str, ...]:
    # Unlike a set of keys, a repeat is an error: a participant is counted once.
    field = attribute.name
    if value.__class__ is not tuple:
        if isinstance(value, str):
            value = (value,)
        if not isinstance(value, Iterable):
            raise ValidationError(
                f"{field} must be stakeholder keys, got {type(value).__name__}", field=field
            )
        keys = tuple([check_key(v, field) for v in value])
    elif good_keys(value):
        keys = value
    else:
        keys = tuple([check_key(v, field) for v in value])
    if not keys:
        raise ValidationError("an interaction needs at least one participant", field=field)
    if len(set(keys)) != len(keys):
        twice = sorted({k for k in keys if keys.count(k) > 1})
        raise ValidationError(
            f"participant {twice[0]!r} is listed twice; list each stakeholder once",
            key=twice[0],
            field=field,
        )
    return tuple(sorted(keys))


def _duration(value: Any) -> dt.timedelta | None:
    if value is None:
        return None
    if not isinstance(value, dt.timedelta) or not 0 <= value.total_seconds() <= MAX_INT:
        raise ValidationError(
            f"duration must be a duration from 0 to {MAX_INT} seconds", field="duration"
        )
    return _whole_seconds(int(value.total_seconds()))


@functools.lru_cache(maxsize=4096)
def _whole_seconds(seconds: int) -> pendulum.Duration:
    """A duration of whole seconds; durations repeat, and a Duration never changes."""
    return pendulum.duration(seconds=seconds)


@attrs.frozen(kw_only=True)
class Interaction:
    """Something that happened between stakeholders.

    Parameters
    ----------
    at : DateTime
        When it happened (aware).
    kind : InteractionKind
    participants : tuple of str
        One or more stakeholder keys, each once (kept sorted; order has no meaning).
    areas, topics : tuple of str
    attendees : int
        Unnamed people present besides the participants.
    duration : duration, optional
    follow_up_by : DateTime, optional
        The officer promised to be back in touch by then.
    plan, concern : str, optional
        The action plan or concern this contact was part of.
    notes : str, optional
        Free text; personal data, never shown in reprs or diagrams.
    id : int, optional
        Given by the store when the interaction is logged.

    Examples
    --------
    >>> import pendulum
    >>> from rbp.interactions import Interaction
    >>> talk = Interaction(at=pendulum.datetime(2026, 3, 2, 18, tz="UTC"), kind="meeting",
    ...                    participants=("m-1", "P1"), attendees=3, notes="asked about lights")
    >>> talk.kind, talk.participants, talk.size
    (<InteractionKind.MEETING: 'meeting'>, ('P1', 'm-1'), 5)
    >>> "lights" in repr(talk)   # notes are personal data: never in a repr
    False
    """

    at: pendulum.DateTime = attrs.field(converter=f.time(optional=False))
    kind: InteractionKind = attrs.field(converter=f.choice(InteractionKind))
    participants: tuple[str, ...] = attrs.field(
        converter=attrs.Converter(_participants, takes_field=True)
    )
    areas: tuple[str, ...] = attrs.field(default=(), converter=f.keys())
    topics: tuple[str, ...] = attrs.field(default=(), converter=f.keys())
    attendees: int = attrs.field(default=0, converter=f.whole(MAX_INT))
    duration: dt.timedelta | None = attrs.field(default=None, converter=_duration)
    follow_up_by: pendulum.DateTime | None = attrs.field(default=None, converter=f.time())
    plan: str | None = attrs.field(default=None, converter=f.key(optional=True))
    concern: str | None = attrs.field(default=None, converter=f.key(optional=True))
    notes: str | None = attrs.field(
        default=None, repr=False, converter=f.text(MAX_TEXT, optional=True)
    )
    id: int | None = attrs.field(default=None, eq=False)

    def __attrs_post_init__(self) -> None:
        if self.follow_up_by is not None and self.follow_up_by < self.at:
            raise ValidationError(
                "follow_up_by is before the interaction itself", field="follow_up_by"
            )

    @property
    def size(self) -> int:
        """Named participants plus unnamed attendees."""
        return len(self.participants) + self.attendees


_FIELDS = frozenset(a.name for a in attrs.fields(Interaction) if a.init)
_REQUIRED = ("at", "kind", "participants")
_NEEDED = frozenset(_REQUIRED)


def interaction_from(item: Any) -> Interaction:
    """The :class:`Interaction` a mapping of its fields describes (what a bulk call or
    an import is given); a missing, unknown or bad field is a ValidationError naming it.

    Parameters
    ----------
    item
        The fields by name: at least ``at``, ``kind`` and ``participants``.

    Returns
    -------
    Interaction
        The record, its fields converted and checked.

    Raises
    ------
    ValidationError
        ``item`` is not a mapping, lacks a required field, has one an interaction
        lacks, or a field's value breaks its rule.

    Examples
    --------
    >>> import pendulum
    >>> at = pendulum.datetime(2026, 3, 2, 18, tz="UTC")
    >>> interaction_from({"at": at, "kind": "call", "participants": ("P1", "m-1")}).kind.value
    'call'
    >>> interaction_from({"at": at, "kind": "call"})
    Traceback (most recent call last):
    ...
    rbp.errors.ValidationError: participants is missing; every interaction needs at, kind ...
    """
    if item.__class__ is not dict and not isinstance(item, Mapping):
        raise ValidationError(f"expected an Interaction or a mapping, got {type(item).__name__}")
    names = item.keys()
    if not _NEEDED <= names <= _FIELDS:  # two set comparisons; the loops say what is wrong
        for name in _REQUIRED:
            if name not in item:
                raise ValidationError(
                    f"{name} is missing; every interaction needs at, kind and participants",
                    field=name,
                )
        for name in item:
            if isinstance(name, str) and name not in _FIELDS:
                raise ValidationError(
                    f"{name!r} is not a field of an interaction; use: {', '.join(sorted(_FIELDS))}",
                    field=name,
                )
    try:
        return Interaction(**item)
    except TypeError as exc:
        raise ValidationError(f"bad fields: {exc}") from None


@attrs.frozen(kw_only=True)
class FollowUp:
    """An item on an officer's follow-up list.

    ``due`` is when the contact was owed: the promised ``follow_up_by`` for an
    overdue interaction, or the date the tie left the active status. ``suggested``
    is the date to get in touch by: the as-of date itself for overdue promises,
    and for a cold tie the date it would fall to the next status (cooling ties turn
    dormant at ``last + 2c``, dormant ties lapse at ``last + 4c``).

    Examples
    --------
    >>> item = crm.interactions.follow_ups(as_of=T, officer="P0012")[0]
    >>> item.stakeholder, item.reason.value, f"{item.due:%Y-%m-%d}", item.suggested == T
    ('m-000021', 'overdue', '2024-07-21', True)
    """

    officer: str
    stakeholder: str
    reason: FollowUpReason
    last: pendulum.DateTime
    due: pendulum.DateTime
    suggested: pendulum.DateTime
    interaction: int | None = None


# Users import these from ``rbp.interactions``: reprs and docs show that path.
for _cls in (FollowUp, FollowUpReason, Interaction, InteractionKind, TieStatus):
    _cls.__module__ = "rbp.interactions"
