"""The concerns namespace (``crm.concerns``): report, assign, move by the transition table.

Every change is one write transaction, audited (entity ``"concern"``), and a row of
``concern_events`` with its time, so ``get(key, as_of=T)`` answers as the concern
stood at T. Every status change of a concern with a reporter queues an update to the
reporter through the outbox (suppressed when they may not be contacted); the update
carries the reference and the status, never the concern's text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pendulum
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from rbp import _args
from rbp import _schema as t
from rbp._time import to_micros
from rbp.engagement._concern_bulk import ConcernBulk
from rbp.engagement._concern_reads import ConcernReads, insert_concern, load
from rbp.engagement._messages import Draft, concern_update, make
from rbp.engagement._tips import TipDesk
from rbp.errors import TransitionError, UnknownKeyError, ValidationError
from rbp.model._engagement import (
    MAX_COMMENT,
    Concern,
    ConcernStatus,
    MessageKind,
    check_concern_status,
)

if TYPE_CHECKING:
    from rbp._unit import UnitOfWork

__all__ = ["Concerns"]


class Concerns(ConcernReads, ConcernBulk, TipDesk):
    """Concerns and anonymous tips of one store, and the department's answers.

    A concern moves by :data:`rbp.engagement.CONCERN_TRANSITIONS`: received ->
    acknowledged | closed; acknowledged -> in_progress | resolved | closed;
    in_progress -> resolved | closed; resolved -> closed | in_progress; closed is final.
    A tip is a concern in every count: its key works with ``get``, ``set_status`` and
    ``find``.

    Parameters
    ----------
    uow
        The store's unit of work. Not built by hand: ``crm.concerns`` is this namespace.

    Examples
    --------
    >>> import pendulum, rbp
    >>> from rbp.engagement import Concern, ConcernStatus
    >>> crm = rbp.open()
    >>> crm.directory.add_many([rbp.Area("b-1"), rbp.Officer("P1"),
    ...     rbp.CommunityMember("m-1", may_contact=True, contact=rbp.Contact(email="m@x.example"))])
    3
    >>> t0 = pendulum.datetime(2026, 3, 2, 15)
    >>> key = crm.concerns.report(Concern(at=t0, area="b-1", category="lighting",
    ...                                   text="Street light out on Elm", reporter="m-1"))
    >>> crm.concerns.assign(key, "P1", at=t0.add(hours=1))
    >>> crm.concerns.set_status(key, ConcernStatus.ACKNOWLEDGED, at=t0.add(hours=2))
    >>> c = crm.concerns.get(key, as_of=t0.add(days=1))
    >>> c.status.value, c.owner
    ('acknowledged', 'P1')
    >>> [m.text for m in crm.outbox.find("m-1")][-1]
    'Police Department: your concern C-000001 is now acknowledged. Reply STOP to opt out.'
    """

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    def report(self, concern: Concern) -> str:
        """Record a concern as received; returns its key (its reference).

        Parameters
        ----------
        concern
            The :class:`~rbp.engagement.Concern`; without a key, the store gives one
            ("C-000001", ...).

        Returns
        -------
        str
            The concern's key.

        Raises
        ------
        UnknownKeyError
            The area or the reporter does not exist.
        DuplicateKeyError
            The key given is taken.
        StoreError
            The store was opened read-only.
        TypeError
            ``concern`` is not a Concern.

        Examples
        --------
        >>> from rbp.engagement import Concern
        >>> crm = rbp.open()
        >>> crm.directory.add(rbp.Area("b-1"))
        >>> crm.concerns.report(Concern(at=pendulum.datetime(2026, 3, 2), area="b-1",
        ...                             category="noise", text="Parties every night"))
        'C-000001'
        """
        _args.instance(concern, Concern, "concern")
        at = to_micros(concern.at)
        with self._uow.write() as conn:
            if concern.reporter is not None:
                s = t.stakeholders.c
                if not conn.execute(sa.select(s.key).where(s.key == concern.reporter)).first():
                    raise UnknownKeyError(
                        f"no stakeholder {concern.reporter!r}",
                        key=concern.reporter,
                        field="reporter",
                    )
            row = {
                "at": at,
                "area": concern.area,
                "category": concern.category,
                "text": concern.text,
                "reporter": concern.reporter,
                "tip": False,
            }
            key = insert_concern(conn, row, "C", concern.key)
            self._update(conn, key, concern.reporter, ConcernStatus.RECEIVED, at)
            self._uow.record(conn, "report", "concern", [key], {"category": concern.category})
        return key

    def assign(
        self,
        concern: str,
        owner: str,
        *,
        at: pendulum.DateTime | None = None,
        note: str | None = None,
    ) -> None:
        """Give a concern to an officer, or refer it to a partner agency.

        Parameters
        ----------
        concern
            The concern's key.
        owner
            An officer's or a partner agency's key.
        at
            When (aware); default now. Not before the concern's last change.
        note
            An internal note (personal data; never sent to anyone).

        Raises
        ------
        UnknownKeyError
            The concern or the owner does not exist.
        ValidationError
            The owner is a community member, or ``at`` is before the last change.
        TransitionError
            The concern is closed.
        StoreError
            The store was opened read-only.
        TypeError
            An argument of the wrong type.

        Examples
        --------
        >>> from rbp.engagement import Concern
        >>> crm = rbp.open()
        >>> crm.directory.add_many([rbp.Area("b-1"), rbp.PartnerAgency("org-pw")])
        2
        >>> t0 = pendulum.datetime(2026, 3, 2)
        >>> key = crm.concerns.report(Concern(at=t0, area="b-1", category="lighting", text="."))
        >>> crm.concerns.assign(key, "org-pw", at=t0.add(hours=3))
        >>> crm.concerns.get(key, as_of=t0.add(days=1)).owner
        'org-pw'
        """
        key = _args.key(concern, "concern")
        who = _args.key(owner, "owner")
        when = self._when(at)
        text = _args.optional_text(note, "note", MAX_COMMENT)
        with self._uow.write() as conn:
            current = self._current(conn, key, when)
            if current.status is ConcernStatus.CLOSED:
                raise TransitionError(
                    f"concern {key!r} is closed, which is final; report a new concern instead",
                    key=key,
                    field="status",
                )
            s = t.stakeholders.c
            kind = conn.execute(sa.select(s.kind).where(s.key == who)).scalar()
            if kind is None:
                raise UnknownKeyError(f"no stakeholder {who!r}", key=who, field="owner")
            if kind not in ("officer", "agency"):
                raise ValidationError(
                    f"{who!r} is a {kind}; a concern goes to an officer or a partner agency",
                    key=who,
                    field="owner",
                )
            conn.execute(
                sa.insert(t.concern_events).values(
                    concern=key, at=when, kind="assign", owner=who, note=text
                )
            )
            self._uow.record(conn, "assign", "concern", [key], {"owner": who})

    def set_status(
        self,
        concern: str,
        status: ConcernStatus | str,
        *,
        note: str | None = None,
        public: bool = False,
        at: pendulum.DateTime | None = None,
    ) -> None:
        """Move a concern to ``status`` by the transition table, and tell the reporter.

        Parameters
        ----------
        concern
            The concern's (or tip's) key.
        status
            The new :class:`~rbp.engagement.ConcernStatus` (or its value).
        note
            A note on the change; internal unless ``public``.
        public
            Whether a tipster may read the note with their code.
        at
            When (aware); default now. Not before the concern's last change.

        Raises
        ------
        UnknownKeyError
            No concern has that key.
        TransitionError
            The table does not allow the move.
        ValidationError
            ``at`` is before the last change, or a bad status or note.
        StoreError
            The store was opened read-only.
        TypeError
            An argument of the wrong type.

        Examples
        --------
        >>> from rbp.engagement import Concern
        >>> crm = rbp.open()
        >>> crm.directory.add(rbp.Area("b-1"))
        >>> t0 = pendulum.datetime(2026, 3, 2)
        >>> key = crm.concerns.report(Concern(at=t0, area="b-1", category="noise", text="."))
        >>> crm.concerns.set_status(key, "resolved", at=t0.add(days=1))
        Traceback (most recent call last):
        ...
        rbp.errors.TransitionError: concern 'C-000001' cannot go from received to resolved; ...
        """
        key = _args.key(concern, "concern")
        new = _args.choice(ConcernStatus, status, "status")
        text = _args.optional_text(note, "note", MAX_COMMENT)
        shown = _args.flag(public, "public")
        when = self._when(at)
        with self._uow.write() as conn:
            current = self._current(conn, key, when)
            check_concern_status(key, current.status, new)
            conn.execute(
                sa.insert(t.concern_events).values(
                    concern=key, at=when, kind="status", status=new.value, note=text, public=shown
                )
            )
            self._update(conn, key, current.reporter, new, when)
            self._uow.record(conn, "set_status", "concern", [key], {"status": new.value})

    # ------------------------------------------------------------------ helpers

    def _when(self, at: object) -> int:
        return to_micros(self._uow.now() if at is None else _args.time(at, "at"))

    def _current(self, conn: Connection, key: str, when: int) -> Any:
        """The concern as it stands now, refusing a change dated before its last one."""
        found = load(conn, self._uow.tz, upto=2**62, keys=[key], links=False)
        if not found:
            raise UnknownKeyError(f"no concern {key!r}", key=key, field="concern")
        c = found[0]
        last = to_micros(c.history[-1].at) if c.history else to_micros(c.at)
        if when < last:
            raise ValidationError(
                f"concern {key!r} changed last at {c.history[-1].at.to_iso8601_string()}; "
                "a change comes after it",
                key=key,
                field="at",
            )
        return c

    def _update(
        self, conn: Connection, key: str, reporter: str | None, status: ConcernStatus, at: int
    ) -> None:
        if reporter is None:
            return
        text = concern_update(self._uow.settings.agency, key, status)
        made = to_micros(self._uow.now())
        make(conn, [Draft(reporter, MessageKind.CONCERN_UPDATE, text, at, key)], made=made)
