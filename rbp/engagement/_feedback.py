"""The feedback namespace (``crm.feedback``): survey invitations, responses, CPSS, kudos."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from itertools import islice
from typing import TYPE_CHECKING, Any

import pendulum
import sqlalchemy as sa

from rbp import _args
from rbp import _schema as t
from rbp._queries.batch import CHUNK
from rbp._time import duration_micros, from_micros, to_micros
from rbp.engagement._feedback_reads import FeedbackReads
from rbp.engagement._messages import Draft, make
from rbp.engagement._responses import ResponseWriter, interaction_at
from rbp.errors import BulkValidationError
from rbp.model._engagement import MessageKind, Response

if TYPE_CHECKING:
    from rbp._unit import UnitOfWork

__all__ = ["Feedback"]


class Feedback(FeedbackReads):
    """Post-contact surveys of one store: invitations, responses, CPSS, PJ and kudos.

    Parameters
    ----------
    uow
        The store's unit of work. Not built by hand: ``crm.feedback`` is this namespace.

    Examples
    --------
    >>> import pendulum, rbp
    >>> from rbp.engagement import Response
    >>> from rbp.interactions import Interaction
    >>> crm = rbp.open(tz="America/Chicago")
    >>> crm.directory.add_many([rbp.Area("b-1"), rbp.Officer("P1"),
    ...                         rbp.CommunityMember("m-1", area="b-1")])
    3
    >>> t0 = pendulum.datetime(2026, 3, 2, 18, tz="America/Chicago")
    >>> iid = crm.interactions.log(Interaction(at=t0, kind="meeting",
    ...                                        participants=("P1", "m-1"), areas=("b-1",)))
    >>> crm.feedback.record_many(Response(at=t0.add(days=1), interaction=iid, overall=o)
    ...                          for o in (5, 4, 4, 2, 5))
    5
    >>> crm.feedback.cpss(as_of=t0.add(days=2)).score
    80.0
    """

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    # ------------------------------------------------------------------ writes

    def invite(self, interaction: int, *, at: pendulum.DateTime | None = None) -> list[int]:
        """Make survey invitations for the community members of an interaction.

        Each member gets one message in the outbox, due no earlier than
        ``settings.survey_delay`` (24 h) after the contact; a member who may not be
        contacted (no consent, opted out, no address) gets a message stored as
        suppressed with the reason. Inviting again makes no second invitation.

        Parameters
        ----------
        interaction
            The interaction's id.
        at
            When the invitations are made (aware); default the store's clock.

        Returns
        -------
        list of int
            The ids of the interaction's invitations, one per member.

        Raises
        ------
        UnknownKeyError
            No interaction has that id.
        ValidationError
            A bad id or a naive ``at``.
        StoreError
            The store was opened read-only.
        TypeError
            ``interaction`` is not an int.

        Examples
        --------
        >>> from rbp.interactions import Interaction
        >>> crm = rbp.open()
        >>> crm.directory.add_many([rbp.Officer("P1"),
        ...     rbp.CommunityMember("m-1", may_text=True, contact=rbp.Contact(phone="+15550100")),
        ...     rbp.CommunityMember("m-2")])
        3
        >>> iid = crm.interactions.log(Interaction(at=pendulum.datetime(2026, 3, 2),
        ...                            kind="meeting", participants=("P1", "m-1", "m-2")))
        >>> ids = crm.feedback.invite(iid, at=pendulum.datetime(2026, 3, 2, 12))
        >>> [(m.to, m.status.value, m.reason) for m in crm.outbox.find(kind="survey")]
        [('m-1', 'queued', None), ('m-2', 'suppressed', 'no consent to be contacted')]
        """
        iid = _args.interaction_id(interaction)
        made = self._at(at)
        with self._uow.write() as conn:
            started = interaction_at(conn, iid)
            p, s = t.participants.c, t.stakeholders.c
            members = [
                str(k)
                for (k,) in conn.execute(
                    sa.select(p.stakeholder)
                    .join(t.stakeholders, s.key == p.stakeholder)
                    .where(p.interaction_id == iid, s.kind == "member")
                    .order_by(p.stakeholder)
                )
            ]
            m = t.messages.c
            done = {
                str(r): int(i)
                for r, i in conn.execute(
                    sa.select(m.recipient, m.id).where(
                        m.kind == MessageKind.SURVEY.value, m.ref == str(iid)
                    )
                )
            }
            due = max(started + duration_micros(self._uow.settings.survey_delay), made)
            day = from_micros(started, self._uow.tz).format("MMM D")
            text = (
                f"{self._uow.settings.agency}: how did our contact on {day} go? Reply 1 (poor) "
                f"to 5 (excellent). Ref S{iid}. Reply STOP to opt out."
            )
            drafts = [
                Draft(k, MessageKind.SURVEY, text, due, str(iid)) for k in members if k not in done
            ]
            new = iter(make(conn, drafts, made=made))
            ids = [done[k] if k in done else next(new) for k in members]
            if drafts:
                self._uow.record(conn, "invite", "interaction", [str(iid)], {"count": len(drafts)})
        return ids

    def record(self, response: Response) -> int:
        """Store one survey response; returns its id.

        A response with overall 4 or 5 and a comment is also a kudos: each officer of
        the interaction gets a message that says so, without naming the respondent or
        repeating the comment.

        Parameters
        ----------
        response
            The :class:`~rbp.engagement.Response`.

        Returns
        -------
        int
            The response's id.

        Raises
        ------
        UnknownKeyError
            The interaction or the respondent does not exist.
        ValidationError
            The response is dated before the interaction.
        StoreError
            The store was opened read-only.
        TypeError
            ``response`` is not a Response.

        Examples
        --------
        >>> from rbp.engagement import Response
        >>> from rbp.interactions import Interaction
        >>> crm = rbp.open()
        >>> crm.directory.add_many([rbp.Officer("P1", contact=rbp.Contact(email="p1@pd.example")),
        ...                         rbp.CommunityMember("m-1")])
        2
        >>> t0 = pendulum.datetime(2026, 3, 2)
        >>> iid = crm.interactions.log(Interaction(at=t0, kind="call", participants=("P1", "m-1")))
        >>> crm.feedback.record(Response(at=t0.add(days=1), interaction=iid, overall=5,
        ...                              comment="She really listened", respondent="m-1"))
        1
        >>> [m.to for m in crm.outbox.find(kind="kudos")]
        ['P1']
        >>> crm.feedback.record(Response(at=t0.subtract(days=1), interaction=iid, overall=3))
        Traceback (most recent call last):
        ...
        rbp.errors.ValidationError: the response is dated before its interaction ...
        """
        _args.instance(response, Response, "response")
        with self._uow.write() as conn:
            writer = ResponseWriter(conn, self._uow)
            writer.check([response], first=0)
            if writer.errors:
                raise writer.errors[0]
            ids = writer.insert([response], ids=True)
            self._uow.record(conn, "record", "response", [str(ids[0])])
        return ids[0]

    def record_many(self, responses: Iterable[Response | Mapping[str, Any]]) -> int:
        """Store many survey responses in one transaction: all of them, or none.

        Any iterable works, a generator of millions too: items are checked and written
        in batches. Every bad item is named (its position and what is wrong) and
        nothing is written.

        Parameters
        ----------
        responses
            :class:`~rbp.engagement.Response` records, or mappings of their fields.

        Returns
        -------
        int
            How many responses were stored.

        Raises
        ------
        BulkValidationError
            Some items were bad; ``.errors`` lists each with its ``row``.
        StoreError
            The store was opened read-only.
        TypeError
            ``responses`` is not an iterable of responses.

        Examples
        --------
        >>> from rbp.interactions import Interaction
        >>> crm = rbp.open()
        >>> crm.directory.add_many([rbp.Officer("P1"), rbp.CommunityMember("m-1")])
        2
        >>> t0 = pendulum.datetime(2026, 3, 2)
        >>> iid = crm.interactions.log(Interaction(at=t0, kind="call", participants=("P1", "m-1")))
        >>> crm.feedback.record_many([{"at": t0.add(hours=2), "interaction": iid, "overall": 4},
        ...                           {"at": t0, "interaction": 99, "overall": 9}])
        Traceback (most recent call last):
        ...
        rbp.errors.BulkValidationError: record_many: 1 bad item(s), nothing was written; ...
        """
        if isinstance(responses, (str, bytes, Response, Mapping)) or not isinstance(
            responses, Iterable
        ):
            raise TypeError(
                "responses must be an iterable of Response records or mappings, "
                f"got {type(responses).__name__}"
            )
        count = 0
        with self._uow.write(bulk=True) as conn:
            writer = ResponseWriter(conn, self._uow)
            it = iter(responses)
            while batch := list(islice(it, CHUNK)):
                items = writer.check(batch, first=count)
                if not writer.errors:
                    writer.insert(items)
                count += len(batch)
            if writer.errors:
                raise BulkValidationError(
                    "record_many", sorted(writer.errors, key=lambda e: e.row or 0)
                )
            if count:
                self._uow.record(conn, "record", "response", [None], {"count": count})
        return count

    # ------------------------------------------------------------------ reads

    def _at(self, at: object) -> int:
        return to_micros(self._uow.now() if at is None else _args.time(at, "at"))
