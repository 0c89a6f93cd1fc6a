"""The interactions namespace (``crm.interactions``)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pendulum
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from rbp import _schema as t
from rbp._queries.scope import area_scope
from rbp._queries.ties import (
    StrengthPart,
    TieExplanation,
    TieSet,
    absent,
    days,
    explain_rows,
    overdue_records,
    promise_rows,
    tie_rows,
)
from rbp._render import RecordList
from rbp._time import MICROS_PER_DAY, aware, duration_micros, from_micros, to_micros
from rbp.errors import BulkValidationError, UnknownKeyError
from rbp.interactions._log import LogWriter
from rbp.model._directory import enum_value
from rbp.model._interactions import FollowUp, FollowUpReason, Interaction, InteractionKind

if TYPE_CHECKING:
    from rbp._unit import UnitOfWork

__all__ = ["Interactions"]

_FIND_COLUMNS = ("id", "at", "kind", "participants", "areas", "topics", "attendees", "plan")
_FOLLOW_UP_COLUMNS = (
    "officer",
    "stakeholder",
    "reason",
    "last",
    "due",
    "suggested",
    "interaction",
)


class Interactions:
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

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    # ------------------------------------------------------------------ writing

    def log(self, interaction: Interaction | Mapping[str, Any]) -> int:
        """Log one interaction; returns its id.

        Raises
        ------
        UnknownKeyError
            A participant or area does not exist.
        ValidationError
            The interaction is not valid (see :class:`Interaction`).
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
        """
        with self._uow.write() as conn:
            writer = LogWriter(conn)
            ids = writer.write(interactions)
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
        """How many interactions are logged."""
        with self._uow.read() as conn:
            n = conn.execute(sa.select(sa.func.count()).select_from(t.interactions)).scalar_one()
        return int(n)

    def get(self, id: int) -> Interaction:
        """The interaction with this id."""
        found = self.find(ids=(id,))
        if not found:
            raise UnknownKeyError(f"no interaction with id {id}", key=str(id), field="id")
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
        ids: Sequence[int] | None = None,
        newest_first: bool = False,
        limit: int | None = None,
        offset: int = 0,
    ) -> RecordList:
        """Interactions that match every filter, ordered by time.

        Parameters
        ----------
        stakeholder : str, optional
            Took part in it.
        area : str, optional
            Happened in this area or an area below it.
        kind, topic, plan : optional
        since, until : DateTime, optional
            ``since <= at <= until``.
        newest_first : bool
            Order newest first instead of oldest first.
        limit, offset : int, optional
            Page through long results.
        """
        i = t.interactions.c
        q = sa.select(t.interactions)
        if ids is not None:
            q = q.where(i.id.in_(list(ids)))
        if stakeholder is not None:
            p = t.participants.c
            q = q.where(i.id.in_(sa.select(p.interaction_id).where(p.stakeholder == stakeholder)))
        if kind is not None:
            q = q.where(i.kind == enum_value(InteractionKind, "kind")(kind).value)
        if topic is not None:
            tp = t.interaction_topics.c
            q = q.where(i.id.in_(sa.select(tp.interaction_id).where(tp.topic == topic)))
        if plan is not None:
            q = q.where(i.plan == plan)
        if since is not None:
            q = q.where(i.at >= to_micros(aware(since, field="since")))
        if until is not None:
            q = q.where(i.at <= to_micros(aware(until, field="until")))
        order = (i.at.desc(), i.id.desc()) if newest_first else (i.at, i.id)
        q = q.order_by(*order).offset(offset)
        if limit is not None:
            q = q.limit(limit)
        with self._uow.read() as conn:
            if area is not None:
                scope = area_scope(conn, area)
                a = t.interaction_areas.c
                q = q.where(i.id.in_(sa.select(a.interaction_id).where(a.area.in_(scope))))
            rows = conn.execute(q).mappings().all()
            found = _hydrate(conn, rows, self._uow.tz)
        return RecordList(found, columns=_FIND_COLUMNS, title="Interactions")

    # ------------------------------------------------------------------ ties

    def ties(
        self,
        as_of: pendulum.DateTime | None = None,
        *,
        officer: str | None = None,
        stakeholder: str | None = None,
    ) -> TieSet:
        """Officer ties as of ``as_of`` (default now), computed from the log.

        For every officer and non-officer who shared an interaction at or before T:
        ``count``, ``first`` and ``last`` contact, ``strength`` (the sum over
        shared interactions of ``0.5 ** ((T - t) / half_life)``) and ``status``
        from the stakeholder's cadence (:class:`~rbp.interactions.TieStatus`).
        Stakeholders not part of the picture at T (``since``/``until``) have no ties.

        Returns
        -------
        TieSet
            A sequence of :class:`~rbp.interactions.Tie`, ordered by officer and
            stakeholder; ``to_frame()`` for pandas.
        """
        at = self._uow.as_of(as_of)
        with self._uow.read() as conn:
            rows = tie_rows(
                conn,
                at=to_micros(at),
                half_life=self._uow.settings.half_life,
                officer=officer,
                stakeholder=stakeholder,
            )
        return TieSet(rows, as_of=at, tz=self._uow.tz, cadence=self._uow.settings.cadence)

    def explain(
        self, officer: str, stakeholder: str, as_of: pendulum.DateTime | None = None
    ) -> TieExplanation:
        """The parts of a tie's strength: each shared interaction and its decayed weight.

        Examples
        --------
        >>> import pendulum, rbp
        >>> from rbp.interactions import Interaction
        >>> crm = rbp.open()
        >>> crm.directory.add_many([rbp.Officer("P1"), rbp.CommunityMember("m-1")])
        2
        >>> t0 = pendulum.datetime(2026, 1, 1, tz="UTC")
        >>> _ = crm.interactions.log_many(
        ...     Interaction(at=t0.add(days=d), kind="call", participants=("P1", "m-1"))
        ...     for d in (0, 90))
        >>> print(crm.interactions.explain("P1", "m-1", as_of=t0.add(days=180)))
        P1 ~ m-1 as of 2026-06-30: strength 0.750 = sum of 0.5 ** (age / 90 days)
          #1 2026-01-01 age   180.0 d -> 0.250
          #2 2026-04-01 age    90.0 d -> 0.500
        """
        at = self._uow.as_of(as_of)
        t_us = to_micros(at)
        hl = duration_micros(self._uow.settings.half_life)
        with self._uow.read() as conn:
            rows = explain_rows(conn, officer=officer, stakeholder=stakeholder, at=t_us)
        parts = tuple(
            StrengthPart(
                interaction=i,
                at=from_micros(a, self._uow.tz),
                age_days=days(t_us - a),
                weight=0.5 ** ((t_us - a) / hl),
            )
            for i, a in rows
        )
        return TieExplanation(
            officer=officer,
            stakeholder=stakeholder,
            as_of=at,
            half_life_days=days(hl),
            parts=parts,
        )

    def follow_ups(
        self, as_of: pendulum.DateTime | None = None, *, officer: str | None = None
    ) -> RecordList:
        """The follow-up list: cold ties and broken promises, most urgent first.

        Two sources, both as of T:

        - ties that are cooling or dormant (:class:`FollowUpReason` COOLING, DORMANT);
        - interactions whose ``follow_up_by`` has passed with no later contact between
          the same officer and stakeholder (OVERDUE).

        Each item has a ``suggested`` next-contact date (see :class:`FollowUp`).
        """
        at = self._uow.as_of(as_of)
        tz = self._uow.tz
        ties = self.ties(at, officer=officer)
        items: list[FollowUp] = []
        for i, status in enumerate(ties.statuses):
            if status.value not in ("cooling", "dormant"):
                continue
            c = ties.cadences[i] * MICROS_PER_DAY
            last = ties.last_us[i]
            cooling = status.value == "cooling"
            items.append(
                FollowUp(
                    officer=ties.officers[i],
                    stakeholder=ties.stakeholders[i],
                    reason=FollowUpReason.COOLING if cooling else FollowUpReason.DORMANT,
                    last=from_micros(last, tz),
                    due=from_micros(last + c, tz),
                    suggested=from_micros(last + (2 if cooling else 4) * c, tz),
                )
            )
        items.extend(self.overdue(at, officer=officer))
        items.sort(key=lambda f: (f.suggested, f.officer, f.stakeholder, f.reason.value))
        return RecordList(items, columns=_FOLLOW_UP_COLUMNS, title="Follow-ups")

    def overdue(
        self, as_of: pendulum.DateTime | None = None, *, officer: str | None = None
    ) -> RecordList:
        """Promised follow-ups that passed with no later contact, as of T.

        An interaction whose ``follow_up_by`` is at or before T, for each officer and
        non-officer in it with no later shared interaction up to T; ``suggested`` is T.
        """
        at = self._uow.as_of(as_of)
        tz = self._uow.tz
        with self._uow.read() as conn:
            rows = _overdue(conn, to_micros(at), officer)
        return RecordList(
            overdue_records(rows, as_of=at, tz=tz),
            columns=_FOLLOW_UP_COLUMNS,
            title="Overdue follow-ups",
        )


def _overdue(
    conn: Connection, at: int, officer: str | None
) -> list[tuple[str, str, int, int, int]]:
    """(officer, stakeholder, interaction, follow_up_by, at) of promises broken by ``at``.

    One grouped scan of ``tie_events`` finds the pairs whose last contact up to ``at``
    was a promise that has passed (``promised == last``); only those are joined back to
    their contact rows.
    """
    e = t.tie_events.c
    last = sa.func.max(e.at)
    promised = sa.func.max(sa.case((e.follow_up_by <= at, e.at)))
    pairs = sa.select(e.officer, e.stakeholder, last.label("last")).where(e.at <= at)
    if officer is not None:
        pairs = pairs.where(e.officer == officer)
    broken = pairs.group_by(e.officer, e.stakeholder).having(promised == last).subquery()
    gone = absent(at)
    rows = conn.execute(
        sa.select(broken.c.officer, broken.c.stakeholder, broken.c.last).where(
            broken.c.officer.not_in(gone), broken.c.stakeholder.not_in(gone)
        )
    ).all()
    return promise_rows(conn, [(o, k, w) for o, k, w in rows], at)


def _hydrate(conn: Connection, rows: Sequence[Any], tz: str) -> list[Interaction]:
    ids = [r["id"] for r in rows]
    people: dict[int, list[str]] = defaultdict(list)
    places: dict[int, list[str]] = defaultdict(list)
    topics: dict[int, list[str]] = defaultdict(list)
    p, a, tp = t.participants.c, t.interaction_areas.c, t.interaction_topics.c
    for start in range(0, len(ids), 5_000):
        chunk = ids[start : start + 5_000]
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
