"""The outbox namespace (``crm.outbox``): every automatic message, with its status."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import pendulum
import sqlalchemy as sa

from rbp import _args
from rbp import _schema as t
from rbp._render import RecordList
from rbp._time import to_micros
from rbp.engagement._delivery import DeliveryReport, Sender, deliver
from rbp.engagement._messages import message_from_row
from rbp.engagement._records import message_columns
from rbp.errors import ValidationError
from rbp.model._engagement import Channel, MessageKind, MessageStatus
from rbp.model._messages import Keyword, fit_sms, keyword, normal_address

if TYPE_CHECKING:
    from rbp._unit import UnitOfWork

__all__ = ["Outbox"]


class Outbox:
    """The automatic messages of one store: survey invitations, concern updates, kudos.

    Every message is stored with its status: queued (waiting for its time), sent,
    suppressed (consent or an opt-out refused it; ``reason`` says which) or failed.

    Parameters
    ----------
    uow
        The store's unit of work. Not built by hand: ``crm.outbox`` is this namespace.

    Examples
    --------
    >>> import rbp
    >>> crm = rbp.open()
    >>> len(crm.outbox.find())
    0
    """

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    def find(
        self,
        to: str | None = None,
        *,
        kind: MessageKind | str | None = None,
        status: MessageStatus | str | None = None,
    ) -> RecordList:
        """Messages, oldest first, filtered by recipient, kind and status.

        Parameters
        ----------
        to
            Only messages to this stakeholder.
        kind
            Only this kind ("survey", "concern_update", "kudos", ...).
        status
            Only this status ("queued", "sent", "suppressed", "failed").

        Returns
        -------
        RecordList of Message
            The list shows id, recipient, channel, kind, due time, status, reason and
            attempts; the text is on each record.

        Raises
        ------
        ValidationError
            A malformed key, or a kind or status that does not exist.
        TypeError
            An argument of the wrong type.

        Examples
        --------
        >>> from rbp.interactions import Interaction
        >>> crm = rbp.open()
        >>> crm.directory.add_many([rbp.Officer("P1"), rbp.CommunityMember("m-1")])
        2
        >>> iid = crm.interactions.log(Interaction(at=pendulum.datetime(2026, 3, 2),
        ...                            kind="call", participants=("P1", "m-1")))
        >>> _ = crm.feedback.invite(iid, at=pendulum.datetime(2026, 3, 2))
        >>> [(m.to, m.reason) for m in crm.outbox.find("m-1", status="suppressed")]
        [('m-1', 'no consent to be contacted')]
        """
        who = _args.optional_key(to, "to")
        what = _args.optional_choice(MessageKind, kind, "kind")
        state = _args.optional_choice(MessageStatus, status, "status")
        m = t.messages.c
        q = sa.select(t.messages).order_by(m.id)
        if who is not None:
            q = q.where(m.recipient == who)
        if what is not None:
            q = q.where(m.kind == what.value)
        if state is not None:
            q = q.where(m.status == state.value)
        with self._uow.read() as conn:
            rows = conn.execute(q).mappings().all()
        return RecordList(
            [message_from_row(r, self._uow.tz) for r in rows],
            columns=message_columns(),
            title="Messages",
        )

    def pending(self, *, as_of: pendulum.DateTime | None = None) -> RecordList:
        """Queued messages that may go at ``as_of``: due, and outside the quiet hours.

        Parameters
        ----------
        as_of
            The time (aware); default now.

        Returns
        -------
        RecordList of Message
            Oldest first; empty in the quiet hours (21:00 to 08:00 in the agency's zone
            by default, ``settings.quiet_start`` and ``quiet_end``).

        Raises
        ------
        ValidationError
            A naive ``as_of``.
        TypeError
            ``as_of`` is not a time.

        Examples
        --------
        >>> from rbp.interactions import Interaction
        >>> crm = rbp.open(tz="America/Chicago")
        >>> crm.directory.add_many([rbp.Officer("P1"), rbp.CommunityMember("m-1",
        ...     may_contact=True, contact=rbp.Contact(email="m1@example.org"))])
        2
        >>> t0 = pendulum.datetime(2026, 3, 2, 10, tz="America/Chicago")
        >>> iid = crm.interactions.log(Interaction(at=t0, kind="call", participants=("P1", "m-1")))
        >>> _ = crm.feedback.invite(iid, at=t0)
        >>> len(crm.outbox.pending(as_of=t0.add(hours=2)))    # not a day after the contact
        0
        >>> len(crm.outbox.pending(as_of=t0.add(hours=25)))
        1
        >>> len(crm.outbox.pending(as_of=t0.add(hours=36)))   # 22:00: quiet hours
        0
        """
        when = self._uow.when(as_of)
        if self._uow.settings.quiet(when.at.hour):
            return RecordList((), columns=message_columns(), title="Pending", as_of=when.at)
        m = t.messages.c
        q = (
            sa.select(t.messages)
            .where(
                m.status == MessageStatus.QUEUED.value,
                m.not_before <= when.micros,
                sa.or_(m.next_try.is_(None), m.next_try <= when.micros),
            )
            .order_by(m.not_before, m.id)
        )
        with self._uow.read() as conn:
            rows = conn.execute(q).mappings().all()
        return RecordList(
            [message_from_row(r, self._uow.tz) for r in rows],
            columns=message_columns(),
            title="Pending",
            as_of=when.at,
        )

    def deliver(
        self, sender: Sender | Iterable[Sender], *, as_of: pendulum.DateTime | None = None
    ) -> DeliveryReport:
        """Send the due messages of the senders' channels, each at most once.

        Nothing goes in the quiet hours (21:00 to 08:00 in the agency's zone by
        default). Consent and opt-outs are checked again before each send; a message
        that lost its consent is suppressed with the reason. A failed send is retried
        with exponential backoff (``settings.retry_after``, doubled each time) and
        marked failed after ``settings.max_attempts``. Two deliverers running at once
        never send one message twice: each sends only the messages it claimed.

        Parameters
        ----------
        sender
            A sender (an object with ``channel`` and ``send(message)``, such as
            :class:`SmtpSender` or :class:`WebhookSender`), or several, one per channel.
        as_of
            The time of the delivery (aware); default now.

        Returns
        -------
        DeliveryReport
            Ids of the messages ``sent``, ``deferred``, ``suppressed`` and ``failed``.

        Raises
        ------
        ValidationError
            Two senders for one channel, or a naive ``as_of``.
        StoreError
            The store was opened read-only.
        TypeError
            ``sender`` is not a sender.

        Examples
        --------
        >>> from rbp.engagement import Channel
        >>> from rbp.interactions import Interaction
        >>> class Printer:
        ...     channel = Channel.SMS
        ...     def send(self, message):
        ...         print(message.kind.value, message.address)
        >>> crm = rbp.open(tz="America/Chicago")
        >>> crm.directory.add_many([rbp.Officer("P1"), rbp.CommunityMember("m-1",
        ...     may_text=True, contact=rbp.Contact(phone="+15550100"))])
        2
        >>> t0 = pendulum.datetime(2026, 3, 2, 10, tz="America/Chicago")
        >>> iid = crm.interactions.log(Interaction(at=t0, kind="call", participants=("P1", "m-1")))
        >>> _ = crm.feedback.invite(iid, at=t0)
        >>> crm.outbox.deliver(Printer(), as_of=t0.add(hours=26))
        survey +15550100
        DeliveryReport(sent=(1,), deferred=(), suppressed=(), failed=())
        >>> crm.outbox.deliver(Printer(), as_of=t0.add(hours=27)).sent   # at most once
        ()
        """
        senders = _senders(sender)
        when = self._uow.when(as_of)
        return deliver(self._uow, senders, when)

    def receive(
        self,
        channel: Channel | str,
        address: str,
        text: str,
        *,
        at: pendulum.DateTime | None = None,
    ) -> Keyword | None:
        """Handle an inbound text or e-mail: STOP, START or HELP.

        STOP (and STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT) opts the address out of the
        channel: no message is made or sent to it there any more. START (UNSTOP, YES)
        opts it back in; HELP (INFO) is answered with ``settings.agency_contact``.
        Each keyword is answered with one message to the address. Anything else is
        left alone (None).

        Parameters
        ----------
        channel
            The channel it came by ("sms" or "email").
        address
            The sender's phone number or e-mail address.
        text
            What they wrote.
        at
            When it came (aware); default now.

        Returns
        -------
        Keyword or None
            The keyword handled, or None.

        Raises
        ------
        ValidationError
            An empty or over-long address or text, an unknown channel, a naive ``at``.
        StoreError
            The store was opened read-only.
        TypeError
            An argument of the wrong type.

        Examples
        --------
        >>> crm = rbp.open()
        >>> crm.directory.add(rbp.CommunityMember("m-1", may_text=True,
        ...                                       contact=rbp.Contact(phone="+15550100")))
        >>> crm.outbox.receive("sms", "+1 555 0100", "Stop", at=pendulum.datetime(2026, 3, 2))
        <Keyword.STOP: 'stop'>
        >>> [(m.kind.value, m.status.value) for m in crm.outbox.find()]
        [('reply', 'queued')]
        """
        way = _args.choice(Channel, channel, "channel")
        raw = _args.text(address, "address", 300)
        words = _args.text(text, "text", 2_000)
        when = to_micros(self._uow.now() if at is None else _args.time(at, "at"))
        where = normal_address(way, raw)
        if not where.strip("+"):
            raise ValidationError("address is empty", field="address")
        found = keyword(words)
        if found is None:
            return None
        agency = self._uow.settings.agency
        answer = {
            Keyword.STOP: f"{agency}: you will get no more messages here. Reply START to "
            "opt back in.",
            Keyword.START: f"{agency}: you will get our messages again. Reply STOP to opt out.",
            Keyword.HELP: f"{agency}: {self._uow.settings.agency_contact} Reply STOP to opt out.",
        }[found]
        o = t.opt_outs.c
        with self._uow.write() as conn:
            known = conn.execute(
                sa.select(o.address).where(o.channel == way.value, o.address == where)
            ).first()
            if found is Keyword.STOP and known is None:
                conn.execute(
                    sa.insert(t.opt_outs).values(channel=way.value, address=where, at=when)
                )
            elif found is Keyword.START and known is not None:
                conn.execute(
                    sa.delete(t.opt_outs).where(o.channel == way.value, o.address == where)
                )
            conn.execute(
                sa.insert(t.messages).values(
                    recipient=None,
                    address=raw,
                    channel=way.value,
                    kind=MessageKind.REPLY.value,
                    ref=found.value,
                    text=fit_sms(answer) if way is Channel.SMS else answer,
                    made=to_micros(self._uow.now()),
                    not_before=when,
                    status=MessageStatus.QUEUED.value,
                    attempts=0,
                    next_try=when,
                )
            )
            self._uow.record(
                conn, "receive", "opt_out", [None], {"keyword": found.value, "channel": way.value}
            )
        return found


def _senders(value: object) -> dict[str, Sender]:
    """The ``sender`` argument of :meth:`Outbox.deliver`: one sender per channel."""
    items = [value] if isinstance(value, Sender) else value
    if isinstance(items, (str, bytes)) or not isinstance(items, Iterable):
        raise TypeError(
            "sender must be a sender (with channel and send(message)) or several, "
            f"got {type(value).__name__}"
        )
    out: dict[str, Sender] = {}
    for item in items:
        if not isinstance(item, Sender) or not isinstance(item.channel, Channel):
            raise TypeError(
                "sender must be a sender (with a Channel as channel and send(message)), "
                f"got {type(item).__name__}"
            )
        if item.channel.value in out:
            raise ValidationError(
                f"two senders for {item.channel.value}; give one per channel", field="sender"
            )
        out[item.channel.value] = item
    if not out:
        raise ValidationError("give at least one sender", field="sender")
    return out
