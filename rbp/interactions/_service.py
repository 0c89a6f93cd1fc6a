"""The interactions namespace (``crm.interactions``)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pendulum
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from rbp import _args
from rbp import _schema as t
from rbp._queries.batch import chunks
from rbp._queries.scope import area_scope
from rbp._render import RecordList
from rbp._time import aware, from_micros, to_micros
from rbp.errors import BulkValidationError, UnknownKeyError
from rbp.interactions._log import LogWriter
from rbp.interactions._ties import TieReads
from rbp.model._interactions import Interaction, InteractionKind

__all__ = ["Interactions"]

_FIND_COLUMNS = ("id", "at", "kind", "participants", "areas", "topics", "attendees", "plan")


class Interactions(TieReads):
    """The contact log of one store and the ties computed from it.

    Examples
    --------
    >>> import pendulum, rbp
    >>> from rbp.interactions import Interaction, InteractionKind
    >>> crm = rbp.open(tz="America/Chicago")
    >>> crm.directory.add_many([rbp.Area("b-1"), rbp.Officer("P1", areas=("b-1",)),
    ...                         rbp.CommunityMember("m-1", area="b-1")])
    3
    >>> at = pendulum.datetime(2026, 3, 2, 18, tz="America/Chicago")
    >>> crm.interactions.log(Interaction(at=at, kind=InteractionKind.MEETING,
    ...                                  participants=("P1", "m-1"), areas=("b-1",)))
    1
    >>> tie = crm.interactions.ties(as_of=at.add(days=90))[0]
    >>> tie.officer, tie.stakeholder, round(tie.strength, 3), tie.status.value
    ('P1', 'm-1', 0.5, 'active')
    """

    # ------------------------------------------------------------------ writing

    def log(self, interaction: Interaction | Mapping[str, Any]) -> int:
        """Log one interaction; returns its id.

        One write transaction, audited. The interaction's ties (officer × non-officer)
        follow from it at once.

        Parameters
        ----------
        interaction
            An :class:`~rbp.interactions.Interaction`, or a mapping of its fields (a row
            of a CSV file, say: ``participants`` and ``areas`` as lists of keys).

        Returns
        -------
        int
            The new interaction's id, for :meth:`get`.

        Raises
        ------
        UnknownKeyError
            A participant, area, plan or concern does not exist.
        NaiveDatetimeError
            A time of it has no time zone.
        ValidationError
            The interaction is not valid (see :class:`~rbp.interactions.Interaction`),
            or ``interaction`` is neither a record nor a mapping.

        Examples
        --------
        >>> import pendulum, rbp
        >>> from rbp.interactions import Interaction
        >>> crm = rbp.open()
        >>> crm.directory.add_many([rbp.Officer("P1"), rbp.CommunityMember("m-1")])
        2
        >>> at = pendulum.datetime(2026, 3, 2, 18, tz="UTC")
        >>> crm.interactions.log(Interaction(at=at, kind="meeting", participants=("P1", "m-1")))
        1
        >>> crm.interactions.log({"at": at.add(days=1), "kind": "call",
        ...                       "participants": ["P1", "m-1"]})
        2
        >>> crm.interactions.log({"at": at, "kind": "call", "participants": ["P1", "m-9"]})
        Traceback (most recent call last):
        ...
        rbp.errors.UnknownKeyError: participant 'm-9' is not a stakeholder; add it to the directory
        """
        try:
            ids = self.log_many([interaction])
        except BulkValidationError as exc:
            first = exc.errors[0]
            message = first.message.removeprefix("item 0: ")
            raise type(first)(message, key=first.key, field=first.field) from None
        return ids[0]

    def log_many(self, interactions: Iterable[Interaction | Mapping[str, Any]]) -> range:
        """Log many interactions in one transaction: all of them, or none.

        Any iterable works, including a generator of millions: items are checked
        and written in batches, so memory stays bounded. Items may be
        :class:`Interaction` records or mappings of their fields (rows from a CSV
        or a frame).

        Parameters
        ----------
        interactions
            An iterable of :class:`~rbp.interactions.Interaction` records or mappings
            of their fields.

        Returns
        -------
        range
            The ids given to the interactions, in order.

        Raises
        ------
        BulkValidationError
            Some items were bad; ``.errors`` lists each with its position and reason
            (unknown participant or area, naive time, no participants, a participant
            listed twice, ...). Nothing was written.
        TypeError
            ``interactions`` is not an iterable (or is one record, mapping or str).

        Examples
        --------
        >>> import pendulum, rbp
        >>> from rbp.interactions import Interaction
        >>> crm = rbp.open()
        >>> crm.directory.add_many([rbp.Officer("P1"), rbp.CommunityMember("m-1")])
        2
        >>> t0 = pendulum.datetime(2026, 1, 5, 10, tz="UTC")
        >>> crm.interactions.log_many(
        ...     Interaction(at=t0.add(weeks=w), kind="call", participants=("P1", "m-1"))
        ...     for w in range(3))
        range(1, 4)
        >>> crm.interactions.log_many([{"at": t0, "kind": "call", "participants": ["P1"]},
        ...                            {"at": t0, "kind": "nap", "participants": ["m-1"]}])
        Traceback (most recent call last):
        ...
        rbp.errors.BulkValidationError: log_many: 1 bad item(s), nothing was written; ...
        >>> crm.interactions.count()
        3
        """
        items = _iterable(interactions)
        with self._uow.write(bulk=True, checked=True) as conn:
            writer = LogWriter(conn)
            ids = writer.write(items)
            if writer.errors:
                raise BulkValidationError("log_many", writer.errors)
            if len(ids):
                self._uow.record(
                    conn,
                    "log",
                    "interaction",
                    [None],
                    {"count": len(ids), "first_id": ids[0], "last_id": ids[-1]},
                )
        return ids

    # ------------------------------------------------------------------ reading

    def count(self) -> int:
        """How many interactions are logged.

        Returns
        -------
        int
            The number of interactions in the store, whatever their time.

        Examples
        --------
        >>> crm.interactions.count()
        2000
        """
        with self._uow.read() as conn:
            n = conn.execute(sa.select(sa.func.count()).select_from(t.interactions)).scalar_one()
        return int(n)

    def get(self, interaction: int) -> Interaction:
        """The interaction with this id (as :meth:`log` returned it).

        Parameters
        ----------
        interaction
            The interaction's id.

        Returns
        -------
        Interaction
            The record, with its ``id``, times in the agency's zone.

        Raises
        ------
        UnknownKeyError
            No interaction has this id.
        ValidationError
            ``interaction`` is not a possible id (at least 1).
        TypeError
            ``interaction`` is not an int.

        Examples
        --------
        >>> first = crm.interactions.get(1)
        >>> f"{first.at:%Y-%m-%d}", first.kind.value, first.participants, first.areas
        ('2023-01-02', 'meeting', ('P0001', 'm-000112'), ('b-0101',))
        >>> import rbp
        >>> rbp.open().interactions.get(0)
        Traceback (most recent call last):
        ...
        rbp.errors.ValidationError: interaction 0 is not an interaction id
        """
        iid = _args.interaction_id(interaction)
        found = self.find(ids=(iid,))
        if not found:
            raise UnknownKeyError(
                f"no interaction with id {iid}", key=str(iid), field="interaction"
            )
        item: Interaction = found[0]
        return item

    def find(
        self,
        *,
        stakeholder: str | None = None,
        area: str | None = None,
        kind: InteractionKind | str | None = None,
        topic: str | None = None,
        plan: str | None = None,
        since: pendulum.DateTime | None = None,
        until: pendulum.DateTime | None = None,
        ids: Iterable[int] | None = None,
        newest_first: bool = False,
        limit: int | None = None,
        offset: int = 0,
    ) -> RecordList:
        """Interactions that match every filter, ordered by time.

        Parameters
        ----------
        stakeholder
            Took part in it.
        area
            Happened in this area or an area below it.
        kind
            Of this :class:`~rbp.interactions.InteractionKind` (or its value).
        topic
            Tagged with this topic.
        plan
            Logged for this action plan.
        since
            At or after this time.
        until
            At or before this time.
        ids
            Only the interactions with these ids.
        newest_first
            Order newest first instead of oldest first.
        limit
            At most this many (a whole number, at least 0); None for all.
        offset
            Skip this many first (a whole number, at least 0).

        Returns
        -------
        RecordList
            :class:`~rbp.interactions.Interaction` records; ``to_frame()`` gives id, at,
            kind, participants, areas, topics, attendees and plan.

        Raises
        ------
        UnknownKeyError
            ``area`` is no area of the store.
        ValidationError
            A key, ``kind``, ``topic``, an id, ``limit`` or ``offset`` is not valid.
        NaiveDatetimeError
            ``since`` or ``until`` has no time zone.
        TypeError
            An argument of the wrong Python type (``ids`` not an iterable, say).

        Examples
        --------
        >>> latest = crm.interactions.find(stakeholder="m-000030", newest_first=True, limit=2)
        >>> [(i.id, f"{i.at:%Y-%m-%d}") for i in latest]
        [(1997, '2025-12-21'), (1992, '2025-12-18')]
        >>> len(crm.interactions.find(area="b-0101")), len(crm.interactions.find(kind="call"))
        (46, 279)
        >>> import rbp
        >>> rbp.open().interactions.find(limit=-1)
        Traceback (most recent call last):
        ...
        rbp.errors.ValidationError: limit must be a whole number from 0 to 1000000000, got -1
        """
        who = _args.optional_key(stakeholder, "stakeholder")
        where = _args.optional_key(area, "area")
        chosen = None if kind is None else _args.choice(InteractionKind, kind, "kind")
        subject = _topic(topic)
        for_plan = _args.optional_key(plan, "plan")
        start = None if since is None else to_micros(aware(since, field="since"))
        stop = None if until is None else to_micros(aware(until, field="until"))
        wanted = None if ids is None else _ids(ids)
        newest = _args.flag(newest_first, "newest_first")
        most = _args.limit(limit, "limit")
        skip = _args.limit(offset, "offset") or 0
        i = t.interactions.c
        q = sa.select(t.interactions)
        if wanted is not None:
            q = q.where(i.id.in_(wanted))
        if who is not None:
            p = t.participants.c
            q = q.where(i.id.in_(sa.select(p.interaction_id).where(p.stakeholder == who)))
        if chosen is not None:
            q = q.where(i.kind == chosen.value)
        if subject is not None:
            tp = t.interaction_topics.c
            q = q.where(i.id.in_(sa.select(tp.interaction_id).where(tp.topic == subject)))
        if for_plan is not None:
            q = q.where(i.plan == for_plan)
        if start is not None:
            q = q.where(i.at >= start)
        if stop is not None:
            q = q.where(i.at <= stop)
        order = (i.at.desc(), i.id.desc()) if newest else (i.at, i.id)
        q = q.order_by(*order).offset(skip)
        if most is not None:
            q = q.limit(most)
        with self._uow.read() as conn:
            if where is not None:
                scope = area_scope(conn, where)
                a = t.interaction_areas.c
                q = q.where(i.id.in_(sa.select(a.interaction_id).where(a.area.in_(scope))))
            rows = conn.execute(q).mappings().all()
            found = _hydrate(conn, rows, self._uow.tz)
        return RecordList(found, columns=_FIND_COLUMNS, title="Interactions")


def _topic(value: object) -> str | None:
    """The ``topic`` argument of :meth:`Interactions.find`: None or a storable text."""
    return _args.optional_text(value, "topic", 200)


def _iterable(values: object) -> Iterable[Any]:
    """The ``interactions`` argument of :meth:`Interactions.log_many`."""
    if isinstance(values, (str, bytes, Interaction, Mapping)) or not isinstance(values, Iterable):
        raise TypeError(
            f"interactions must be an iterable of Interaction records or mappings, "
            f"got {type(values).__name__}"
        )
    return values


def _ids(values: object) -> list[int]:
    """The ``ids`` argument of :meth:`Interactions.find`: interaction ids, checked."""
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise TypeError(f"ids must be an iterable of interaction ids, got {type(values).__name__}")
    return [_args.interaction_id(v, "ids") for v in values]


def _hydrate(conn: Connection, rows: Sequence[Any], tz: str) -> list[Interaction]:
    ids = [r["id"] for r in rows]
    people: dict[int, list[str]] = defaultdict(list)
    places: dict[int, list[str]] = defaultdict(list)
    topics: dict[int, list[str]] = defaultdict(list)
    p, a, tp = t.participants.c, t.interaction_areas.c, t.interaction_topics.c
    for chunk in chunks(ids):
        for i, k in conn.execute(
            sa.select(p.interaction_id, p.stakeholder).where(p.interaction_id.in_(chunk))
        ):
            people[i].append(k)
        for i, k in conn.execute(
            sa.select(a.interaction_id, a.area).where(a.interaction_id.in_(chunk))
        ):
            places[i].append(k)
        for i, k in conn.execute(
            sa.select(tp.interaction_id, tp.topic).where(tp.interaction_id.in_(chunk))
        ):
            topics[i].append(k)
    out = []
    for r in rows:
        i = r["id"]
        out.append(
            Interaction(
                at=from_micros(r["at"], tz),
                kind=InteractionKind(r["kind"]),
                participants=tuple(sorted(people[i])),
                areas=tuple(sorted(places[i])),
                topics=tuple(topics[i]),
                attendees=r["attendees"],
                duration=None
                if r["duration_s"] is None
                else pendulum.duration(seconds=r["duration_s"]),
                follow_up_by=None
                if r["follow_up_by"] is None
                else from_micros(r["follow_up_by"], tz),
                plan=r["plan"],
                concern=r["concern"],
                notes=r["notes"],
                id=i,
            )
        )
    return out


# Their public path is set by the package; doctest still reads their examples here.
__test__ = {"Interactions": Interactions}
