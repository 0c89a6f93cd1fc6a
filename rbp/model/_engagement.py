# mypy: disable-error-code="misc"
# mypy's attrs plugin does not read attrs.Converter(..., takes_field=True) yet; every field
# rule lives in rbp.model._fields.
"""Engagement domain: survey responses, concerns and tips, and the rules of messages.

The concern state machine is data (:data:`CONCERN_TRANSITIONS`), checked in one place
(:func:`check_concern_status`); the rules of messages live in :mod:`rbp.model._messages`.

Examples
--------
>>> import pendulum
>>> from rbp.engagement import Response
>>> r = Response(at=pendulum.datetime(2026, 3, 3, tz="UTC"), interaction=1, overall=5,
...              comment="Officer Ruiz listened")
>>> r.overall, "Ruiz" in repr(r)      # comments are personal data
(5, False)
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

import attrs
import pendulum

from rbp.errors import TransitionError, ValidationError
from rbp.model import _fields as f

__all__ = [
    "CONCERN_TRANSITIONS",
    "MAX_COMMENT",
    "OPEN_STATUSES",
    "Channel",
    "Concern",
    "ConcernStatus",
    "MessageKind",
    "MessageStatus",
    "Response",
    "ScoreBy",
    "ServiceLevel",
    "Tip",
    "check_concern_status",
]

MAX_ID = 2**63 - 1
MAX_COMMENT = 100_000
"""Longest comment, concern or tip text: far more than anyone writes."""


class Channel(enum.Enum):
    """How a message travels."""

    EMAIL = "email"
    SMS = "sms"


class MessageKind(enum.Enum):
    """What an automatic message is for."""

    SURVEY = "survey"
    CONCERN_UPDATE = "concern_update"
    KUDOS = "kudos"
    PLAN_MILESTONE = "plan_milestone"
    REPLY = "reply"  # an answer to an inbound keyword (HELP, STOP, START)


class MessageStatus(enum.Enum):
    """Where a message stands: queued, sent, suppressed (never made to go), failed."""

    QUEUED = "queued"
    SENT = "sent"
    SUPPRESSED = "suppressed"
    FAILED = "failed"


class ScoreBy(enum.Enum):
    """How :meth:`~rbp.engagement.Feedback.cpss` groups its scores."""

    OFFICER = "officer"
    AREA = "area"


class ConcernStatus(enum.Enum):
    """Where a concern stands; moves follow :data:`CONCERN_TRANSITIONS`."""

    RECEIVED = "received"
    ACKNOWLEDGED = "acknowledged"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    CLOSED = "closed"


CONCERN_TRANSITIONS: dict[ConcernStatus, frozenset[ConcernStatus]] = {
    ConcernStatus.RECEIVED: frozenset({ConcernStatus.ACKNOWLEDGED, ConcernStatus.CLOSED}),
    ConcernStatus.ACKNOWLEDGED: frozenset(
        {ConcernStatus.IN_PROGRESS, ConcernStatus.RESOLVED, ConcernStatus.CLOSED}
    ),
    ConcernStatus.IN_PROGRESS: frozenset({ConcernStatus.RESOLVED, ConcernStatus.CLOSED}),
    ConcernStatus.RESOLVED: frozenset({ConcernStatus.CLOSED, ConcernStatus.IN_PROGRESS}),
    ConcernStatus.CLOSED: frozenset(),
}
"""The statuses each concern status may move to (a resolved concern may be reopened)."""

OPEN_STATUSES = frozenset(
    {ConcernStatus.RECEIVED, ConcernStatus.ACKNOWLEDGED, ConcernStatus.IN_PROGRESS}
)
"""Statuses that still owe the reporter something (and can be overdue)."""


def check_concern_status(concern: str, old: ConcernStatus, new: ConcernStatus) -> None:
    """Raise :class:`~rbp.errors.TransitionError` unless ``old`` may move to ``new``.

    Parameters
    ----------
    concern
        The concern's key, for the message.
    old
        The status it has.
    new
        The status asked for.

    Raises
    ------
    TransitionError
        The table does not allow the move.

    Examples
    --------
    >>> check_concern_status("C-1", ConcernStatus.CLOSED, ConcernStatus.RECEIVED)
    Traceback (most recent call last):
    ...
    rbp.errors.TransitionError: concern 'C-1' cannot go from closed to received; ...
    """
    allowed = CONCERN_TRANSITIONS[old]
    if new not in allowed:
        names = ", ".join(sorted(s.value for s in allowed)) or "nothing (it is final)"
        raise TransitionError(
            f"concern {concern!r} cannot go from {old.value} to {new.value}; allowed: {names}",
            key=concern,
            field="status",
        )


def _positive(value: Any, attribute: attrs.Attribute[Any]) -> dt.timedelta:
    field = attribute.name
    if not isinstance(value, dt.timedelta) or not (
        dt.timedelta(0) < value <= dt.timedelta(days=36_525)
    ):
        raise ValidationError(
            f"{field} must be a positive duration of at most 36525 days", field=field
        )
    return value


@attrs.frozen
class ServiceLevel:
    """How soon a concern of a category is acknowledged and resolved, from its report.

    Examples
    --------
    >>> ServiceLevel(pendulum.duration(days=1), pendulum.duration(days=10)).resolve.days
    10
    """

    acknowledge: dt.timedelta = attrs.field(
        factory=lambda: pendulum.duration(days=2),
        converter=attrs.Converter(_positive, takes_field=True),
    )
    resolve: dt.timedelta = attrs.field(
        factory=lambda: pendulum.duration(days=30),
        converter=attrs.Converter(_positive, takes_field=True),
    )


_ANSWER = f.whole(5, minimum=1, optional=True)


@attrs.frozen(kw_only=True)
class Response:
    """One answer to a post-contact survey.

    Parameters
    ----------
    at : DateTime
        When it was given (aware); not before the interaction.
    interaction : int
        The interaction's id, as ``crm.interactions.log`` returned it.
    overall : int, optional
        Overall satisfaction, 1 (very poor) to 5 (very good).
    respect, voice, neutrality, trust : int, optional
        The four procedural-justice items, 1 to 5 each.
    comment : str, optional
        Free text; personal data, never in a repr or a message.
    respondent : str, optional
        The stakeholder who answered; None for an anonymous answer.

    Examples
    --------
    >>> r = Response(at=pendulum.datetime(2026, 3, 3, tz="UTC"), interaction=7, overall=4,
    ...              respect=5, voice=3)
    >>> r.neutrality is None, r.respondent is None
    (True, True)
    >>> Response(at=pendulum.datetime(2026, 3, 3, tz="UTC"), interaction=7, overall=6)
    Traceback (most recent call last):
    ...
    rbp.errors.ValidationError: overall must be a whole number from 1 to 5, got 6
    """

    at: pendulum.DateTime = attrs.field(converter=f.time(optional=False))
    interaction: int = attrs.field(converter=f.whole(MAX_ID, minimum=1))
    overall: int | None = attrs.field(default=None, converter=_ANSWER)
    respect: int | None = attrs.field(default=None, converter=_ANSWER)
    voice: int | None = attrs.field(default=None, converter=_ANSWER)
    neutrality: int | None = attrs.field(default=None, converter=_ANSWER)
    trust: int | None = attrs.field(default=None, converter=_ANSWER)
    comment: str | None = attrs.field(
        default=None, repr=False, converter=f.text(MAX_COMMENT, optional=True)
    )
    respondent: str | None = attrs.field(default=None, converter=f.key(optional=True))

    @property
    def praise(self) -> bool:
        """Overall 4 or 5 with a comment: a kudos for the interaction's officers."""
        return self.overall is not None and self.overall >= 4 and bool(self.comment)


@attrs.frozen(kw_only=True)
class Concern:
    """A concern a community member raises (Open311-style service request).

    Parameters
    ----------
    at : DateTime
        When it was reported (aware).
    area : str
        The area it is about.
    category : str
        What sort of concern ("noise", "lighting", ...); service levels are per category.
    text : str
        What the reporter said; personal data, never in a repr or a message.
    reporter : str, optional
        The stakeholder who reported it; None when not known.
    key : str, optional
        The reference; the store gives one ("C-000001") when left out.

    Examples
    --------
    >>> c = Concern(at=pendulum.datetime(2026, 3, 3, tz="UTC"), area="b-1",
    ...             category="noise", text="Parties at 3 am on Elm St", reporter="m-1")
    >>> c.category, "Elm" in repr(c)
    ('noise', False)
    """

    at: pendulum.DateTime = attrs.field(converter=f.time(optional=False))
    area: str = attrs.field(converter=f.key())
    category: str = attrs.field(converter=f.key())
    text: str = attrs.field(repr=False, converter=f.text(MAX_COMMENT))
    reporter: str | None = attrs.field(default=None, repr=False, converter=f.key(optional=True))
    key: str | None = attrs.field(default=None, converter=f.key(optional=True))


@attrs.frozen(kw_only=True)
class Tip:
    """An anonymous tip: an area, a category and a text, and nothing about who sent it.

    Parameters
    ----------
    at : DateTime
        When it came in (aware).
    area : str
        The area it is about.
    category : str
        What sort of tip ("drugs", "graffiti", ...).
    text : str
        What the tipster said; never in a repr or a message.

    Examples
    --------
    >>> tip = Tip(at=pendulum.datetime(2026, 3, 3, tz="UTC"), area="b-1",
    ...           category="drugs", text="Blue car at the corner every night")
    >>> tip.category, "Blue" in repr(tip)
    ('drugs', False)
    """

    at: pendulum.DateTime = attrs.field(converter=f.time(optional=False))
    area: str = attrs.field(converter=f.key())
    category: str = attrs.field(converter=f.key())
    text: str = attrs.field(repr=False, converter=f.text(MAX_COMMENT))


# Users import these from ``rbp.engagement``: reprs and docs show that path.
for _cls in (
    Channel,
    Concern,
    ConcernStatus,
    MessageKind,
    MessageStatus,
    Response,
    ScoreBy,
    ServiceLevel,
    Tip,
):
    _cls.__module__ = "rbp.engagement"
