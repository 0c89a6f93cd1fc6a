"""The outbox namespace (``crm.outbox``): every automatic message, with its status."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pendulum
import sqlalchemy as sa

from rbp import _args
from rbp import _schema as t
from rbp._render import RecordList
from rbp.engagement._messages import message_from_row
from rbp.engagement._records import message_columns
from rbp.model._engagement import MessageKind, MessageStatus

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
