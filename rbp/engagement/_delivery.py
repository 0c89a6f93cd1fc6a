"""Delivering the outbox: claim due messages, check consent again, send, record.

At most once per message, even with several deliverers at once: a deliverer first
claims the due messages of its channel in one short write transaction (``FOR UPDATE
SKIP LOCKED`` on PostgreSQL; SQLite's write lock serialises the claims), marking each
with its own claim token, and only sends what it claimed. A claim is never taken over:
a message whose deliverer stopped between the claim and the record of the send stays
claimed until the lease (:data:`LEASE`) ends and is then marked failed, not sent again,
so that nobody gets it twice. A send that raises is retried with exponential backoff
(``settings.retry_after`` doubled each time) up to ``settings.max_attempts``, then
marked failed with the reason (the error's type, never its text, which may quote an
address).
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import attrs
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from rbp import _schema as t
from rbp._time import MICROS_PER_SECOND, AsOf, duration_micros
from rbp.engagement._messages import addresses, consent, message_from_row, opted_out, people
from rbp.engagement._records import Message
from rbp.model._engagement import Channel, MessageStatus

if TYPE_CHECKING:
    from rbp._unit import UnitOfWork

__all__ = ["LEASE", "DeliveryReport", "Sender", "deliver"]

LEASE = 3_600 * MICROS_PER_SECOND
"""How long a claim lasts before an unrecorded send is taken as failed."""
BATCH = 500
"""Messages one claim takes."""


@runtime_checkable
class Sender(Protocol):
    """What ``deliver`` sends through: a ``channel`` and ``send(message)``.

    ``send`` raises on failure; ``message.address`` holds the address to send to.

    Examples
    --------
    >>> from rbp.engagement import Channel, Sender
    >>> class Printer:
    ...     channel = Channel.SMS
    ...     def send(self, message):
    ...         print(message.text)
    >>> isinstance(Printer(), Sender)
    True
    """

    channel: Channel

    def send(self, message: Message) -> None: ...


@attrs.frozen(kw_only=True)
class DeliveryReport:
    """What one ``deliver`` call did, as message ids.

    ``sent`` went out; ``deferred`` were due but wait (quiet hours, or a failed attempt
    that will be retried); ``suppressed`` lost their consent since they were made;
    ``failed`` gave up (attempts used up, or an interrupted send).

    Examples
    --------
    >>> DeliveryReport(sent=(1, 2), deferred=(), suppressed=(), failed=(3,)).failed
    (3,)
    """

    sent: tuple[int, ...]
    deferred: tuple[int, ...]
    suppressed: tuple[int, ...]
    failed: tuple[int, ...]


def _due(when: AsOf, channels: Sequence[str]) -> Any:
    m = t.messages.c
    return (
        m.status == MessageStatus.QUEUED.value,
        m.channel.in_(list(channels)),
        m.not_before <= when.micros,
        sa.or_(m.next_try.is_(None), m.next_try <= when.micros),
    )


def _claim(conn: Connection, when: AsOf, channels: Sequence[str], token: str) -> list[Any]:
    m = t.messages.c
    ids = [
        int(i)
        for (i,) in conn.execute(
            sa.select(m.id)
            .where(*_due(when, channels), m.claim.is_(None))
            .order_by(m.not_before, m.id)
            .limit(BATCH)
            .with_for_update(skip_locked=True)
        )
    ]
    if not ids:
        return []
    conn.execute(
        sa.update(t.messages)
        .where(m.id.in_(ids), m.claim.is_(None))
        .values(claim=token, claimed_until=when.micros + LEASE)
    )
    return list(
        conn.execute(sa.select(t.messages).where(m.claim == token).order_by(m.id)).mappings()
    )


def _abandoned(conn: Connection, when: AsOf) -> list[int]:
    """Claims whose lease ended with no record of the send: failed, never resent."""
    m = t.messages.c
    ids = [
        int(i)
        for (i,) in conn.execute(
            sa.select(m.id).where(
                m.status == MessageStatus.QUEUED.value,
                m.claim.is_not(None),
                m.claimed_until < when.micros,
            )
        )
    ]
    if ids:
        conn.execute(
            sa.update(t.messages)
            .where(m.id.in_(ids))
            .values(
                status=MessageStatus.FAILED.value,
                reason="the send was interrupted; not sent again so nobody gets it twice",
                claim=None,
            )
        )
    return ids


def deliver(uow: UnitOfWork, senders: dict[str, Sender], when: AsOf) -> DeliveryReport:
    """Send the due messages of the senders' channels (see :meth:`Outbox.deliver`)."""
    sent: list[int] = []
    deferred: list[int] = []
    suppressed: list[int] = []
    failed: list[int] = []
    channels = sorted(senders)
    settings = uow.settings
    m = t.messages.c
    with uow.write() as conn:
        failed += _abandoned(conn, when)
    if settings.quiet(when.at.hour):
        with uow.read() as conn:
            deferred += [
                int(i) for (i,) in conn.execute(sa.select(m.id).where(*_due(when, channels)))
            ]
        return DeliveryReport(
            sent=(), deferred=tuple(deferred), suppressed=(), failed=tuple(failed)
        )
    token = secrets.token_hex(16)
    while True:
        with uow.write() as conn:
            claimed = _claim(conn, when, channels, token)
            found = people(conn, [r["recipient"] for r in claimed if r["recipient"]])
            stopped = opted_out(conn, [a for p in found.values() for a in addresses(p)])
        if not claimed:
            break
        for row in claimed:
            outcome = _one(uow, senders, when, token, row, found, stopped)
            {"sent": sent, "deferred": deferred, "suppressed": suppressed, "failed": failed}[
                outcome
            ].append(int(row["id"]))
    return DeliveryReport(
        sent=tuple(sent),
        deferred=tuple(deferred),
        suppressed=tuple(suppressed),
        failed=tuple(failed),
    )


def _one(
    uow: UnitOfWork,
    senders: dict[str, Sender],
    when: AsOf,
    token: str,
    row: Any,
    found: dict[str, Any],
    stopped: set[tuple[str, str]],
) -> str:
    m = t.messages.c
    mine = sa.update(t.messages).where(m.id == row["id"], m.claim == token)
    address = row["address"]
    if row["recipient"] is not None:
        channel, reason = consent(found[row["recipient"]], stopped)
        if channel is None or channel.value != row["channel"]:
            with uow.write() as conn:
                conn.execute(
                    mine.values(
                        status=MessageStatus.SUPPRESSED.value,
                        reason=f"at delivery: {reason or 'the channel changed'}",
                        claim=None,
                    )
                )
            return "suppressed"
        person = found[row["recipient"]]
        address = person["email"] if channel is Channel.EMAIL else person["phone"]
    message = attrs.evolve(message_from_row(row, uow.tz), address=address)
    attempts = int(row["attempts"]) + 1
    try:
        senders[row["channel"]].send(message)
    except Exception as exc:  # any failure of the sender is recorded, never raised
        settings = uow.settings
        with uow.write() as conn:
            if attempts >= settings.max_attempts:
                conn.execute(
                    mine.values(
                        status=MessageStatus.FAILED.value,
                        attempts=attempts,
                        reason=f"{attempts} attempts failed, the last with {type(exc).__name__}",
                        claim=None,
                    )
                )
                return "failed"
            wait = duration_micros(settings.retry_after) * 2 ** (attempts - 1)
            conn.execute(
                mine.values(
                    attempts=attempts,
                    next_try=when.micros + wait,
                    reason=f"attempt {attempts} failed with {type(exc).__name__}",
                    claim=None,
                    claimed_until=None,
                )
            )
        return "deferred"
    with uow.write() as conn:
        conn.execute(
            mine.values(
                status=MessageStatus.SENT.value,
                attempts=attempts,
                sent=when.micros,
                reason=None,
                claim=None,
            )
        )
    return "sent"
