"""Messages of engagement: made by :mod:`rbp._queries.messages` (consent and opt-outs
checked once, a refused message kept as suppressed; shared with plans' milestones),
read back as :class:`~rbp.engagement.Message` records here."""

from __future__ import annotations

from typing import Any

from rbp._queries.messages import Draft, addresses, consent, make, opted_out, people
from rbp._time import from_micros
from rbp.engagement._records import Message
from rbp.model._engagement import Channel, ConcernStatus, MessageKind, MessageStatus

__all__ = [
    "Draft",
    "addresses",
    "concern_update",
    "consent",
    "make",
    "message_from_row",
    "opted_out",
    "people",
]


_WORDS = {
    ConcernStatus.RECEIVED: "received",
    ConcernStatus.ACKNOWLEDGED: "acknowledged",
    ConcernStatus.IN_PROGRESS: "being worked on",
    ConcernStatus.RESOLVED: "resolved",
    ConcernStatus.CLOSED: "closed",
}


def concern_update(agency: str, key: str, status: ConcernStatus) -> str:
    """The update a reporter gets when their concern ``key`` moves to ``status``: the
    reference and the status, never the concern's text."""
    return f"{agency}: your concern {key} is now {_WORDS[status]}. Reply STOP to opt out."


def message_from_row(row: Any, tz: str) -> Message:
    """A :class:`Message` from a row of ``messages``."""
    return Message(
        id=int(row["id"]),
        to=row["recipient"],
        channel=None if row["channel"] is None else Channel(row["channel"]),
        kind=MessageKind(row["kind"]),
        text=row["text"],
        not_before=from_micros(row["not_before"], tz),
        status=MessageStatus(row["status"]),
        reason=row["reason"],
        attempts=int(row["attempts"]),
        ref=row["ref"],
        sent=None if row["sent"] is None else from_micros(row["sent"], tz),
    )
