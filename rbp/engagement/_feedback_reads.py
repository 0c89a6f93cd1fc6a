"""The reads of ``crm.feedback``: CPSS and the PJ index, their monthly trend, kudos."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pendulum
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from rbp import _args
from rbp import _schema as t
from rbp._queries.scope import area_scope
from rbp._render import RecordList
from rbp._time import duration_micros, from_micros, to_micros
from rbp.engagement._records import Kudos, Satisfaction, TrendPoint
from rbp.engagement._scores import Tally, by_group, score_of
from rbp.errors import UnknownKeyError, ValidationError
from rbp.model._engagement import ScoreBy

if TYPE_CHECKING:
    from rbp._unit import UnitOfWork

__all__ = ["FeedbackReads"]

_YEAR = dt.timedelta(days=365)
_MAX_MONTHS = 1_200


class FeedbackReads:
    """CPSS and the PJ index (overall, by officer, by area), the monthly trend, kudos."""

    _uow: UnitOfWork

    def cpss(
        self,
        *,
        as_of: pendulum.DateTime | None = None,
        window: dt.timedelta | None = None,
        by: ScoreBy | str | None = None,
        min_n: int | None = None,
    ) -> Satisfaction:
        """CPSS and the PJ index of the responses in ``(T - window, T]``.

        CPSS = 100 x responses with overall 4 or 5 / responses with an overall answer;
        the PJ index is the mean over responses of the mean of their answered PJ items,
        mapped from 1-5 to 0-100. By officer, a response counts for every officer of
        its interaction; by area, for every area of it and every area above them, once.
        A score from fewer than ``min_n`` responses is None, shown beside its ``n``.

        Parameters
        ----------
        as_of
            The time T (aware); default now.
        window
            How far back responses count; default 365 days.
        by
            None, "officer" or "area" (:class:`~rbp.engagement.ScoreBy`).
        min_n
            The fewest responses a shown score comes from; default
            ``settings.min_responses`` (5).

        Returns
        -------
        Satisfaction
            ``score``, ``n``, ``pj``, ``pj_n`` and ``groups[key]``.

        Raises
        ------
        ValidationError
            A naive ``as_of``, a bad window, ``by`` or ``min_n``.
        TypeError
            An argument of the wrong type.

        Examples
        --------
        >>> from rbp.engagement import Response
        >>> from rbp.interactions import Interaction
        >>> crm = rbp.open()
        >>> crm.directory.add_many([rbp.Area("d-1"), rbp.Area("b-1", parent="d-1"),
        ...                         rbp.Officer("P1"), rbp.CommunityMember("m-1")])
        4
        >>> t0 = pendulum.datetime(2026, 3, 2)
        >>> iid = crm.interactions.log(Interaction(at=t0, kind="call",
        ...                            participants=("P1", "m-1"), areas=("b-1",)))
        >>> crm.feedback.record_many(Response(at=t0, interaction=iid, overall=o, respect=o)
        ...                          for o in (5, 5, 4, 3, 1))
        5
        >>> s = crm.feedback.cpss(as_of=t0.add(days=1), by="area")
        >>> s.groups["d-1"].score, s.groups["d-1"].pj, s.groups["b-1"].n
        (60.0, 65.0, 5)
        >>> crm.feedback.cpss(as_of=t0.add(days=1), by="officer", min_n=6).groups["P1"].score
        """
        when = self._uow.when(as_of)
        span = self._uow.window(window).duration or _YEAR
        group = _args.optional_choice(ScoreBy, by, "by")
        least = self._min_n(min_n)
        with self._uow.read() as conn:
            overall, groups = by_group(
                conn, when.micros - duration_micros(span), when.micros, group
            )
        return Satisfaction(
            as_of=when.at,
            window=span,
            min_n=least,
            by=group,
            overall=score_of(None, overall, least),
            groups={k: score_of(k, v, least) for k, v in sorted(groups.items())},
        )

    def trend(
        self,
        *,
        start: pendulum.DateTime,
        end: pendulum.DateTime | None = None,
        min_n: int | None = None,
        area: str | None = None,
        officer: str | None = None,
    ) -> RecordList:
        """CPSS and the PJ index month by month (calendar months in the agency's zone).

        Of every response, or of one area's (with the areas below it) or one officer's.

        Parameters
        ----------
        start
            A time in the first month (aware).
        end
            A time in the last month (aware); default now.
        min_n
            The fewest responses a shown score comes from; default
            ``settings.min_responses``.
        area
            Only the responses to interactions in this area or the areas below it.
        officer
            Only the responses to this officer's interactions.

        Returns
        -------
        RecordList of TrendPoint
            One point per month: ``month`` ("2026-03"), ``n``, ``score``, ``pj_n``, ``pj``.

        Raises
        ------
        ValidationError
            Naive times, ``end`` before ``start``, more than 1,200 months, a bad ``min_n``,
            or both ``area`` and ``officer``.
        UnknownKeyError
            ``area`` is not an area, or ``officer`` not an officer.
        TypeError
            An argument of the wrong type.

        Examples
        --------
        >>> from rbp.engagement import Response
        >>> from rbp.interactions import Interaction
        >>> crm = rbp.open()
        >>> crm.directory.add_many([rbp.Officer("P1"), rbp.Officer("P2"),
        ...                         rbp.CommunityMember("m-1")])
        3
        >>> t0 = pendulum.datetime(2026, 3, 2)
        >>> iid = crm.interactions.log(Interaction(at=t0, kind="call", participants=("P1", "m-1")))
        >>> crm.feedback.record_many(Response(at=t0.add(days=d), interaction=iid, overall=5)
        ...                          for d in (0, 1, 40))
        3
        >>> [(p.month, p.n) for p in crm.feedback.trend(start=t0, end=t0.add(days=40), min_n=1)]
        [('2026-03', 2), ('2026-04', 1)]
        >>> [p.n for p in crm.feedback.trend(start=t0, end=t0.add(days=40), officer="P2")]
        [0, 0]
        """
        tz = self._uow.tz
        where = _args.optional_key(area, "area")
        who = _args.optional_key(officer, "officer")
        if where is not None and who is not None:
            raise ValidationError("give area or officer, not both", field="officer")
        by = ScoreBy.AREA if where is not None else ScoreBy.OFFICER if who is not None else None
        group = where or who
        first = _args.time(start, "start").in_timezone(tz).start_of("month")
        last = (self._uow.now() if end is None else _args.time(end, "end")).in_timezone(tz)
        least = self._min_n(min_n)
        if last < first:
            raise ValidationError("end is before start", field="end")
        months = (last.year - first.year) * 12 + last.month - first.month + 1
        if months > _MAX_MONTHS:
            raise ValidationError(f"at most {_MAX_MONTHS} months fit a trend", field="end")
        points = []
        with self._uow.read() as conn:
            _known(conn, where, who)
            for i in range(months):
                lo = first.add(months=i)
                hi = lo.add(months=1)
                tally, groups = by_group(conn, to_micros(lo) - 1, to_micros(hi) - 1, by)
                if group is not None:
                    tally = groups.get(group, Tally())
                s = score_of(group, tally, least)
                points.append(
                    TrendPoint(
                        month=lo.format("YYYY-MM"),
                        start=lo,
                        n=s.n,
                        score=s.score,
                        pj_n=s.pj_n,
                        pj=s.pj,
                    )
                )
        return RecordList(
            points, columns=("month", "n", "score", "pj_n", "pj"), title="Satisfaction by month"
        )

    def kudos(
        self,
        officer: str | None = None,
        *,
        as_of: pendulum.DateTime | None = None,
        since: pendulum.DateTime | None = None,
    ) -> RecordList:
        """Praise for officers: responses with overall 4 or 5 and a comment, newest first.

        Parameters
        ----------
        officer
            Only this officer's kudos.
        as_of
            Responses up to this time (aware); default now.
        since
            Only responses at or after this time (aware).

        Returns
        -------
        RecordList of Kudos
            ``officer``, ``at``, ``interaction``, ``overall`` and ``comment`` (the comment
            is not shown in the list's table; read it from the record).

        Raises
        ------
        ValidationError
            A malformed key or a naive time.
        TypeError
            An argument of the wrong type.

        Examples
        --------
        >>> from rbp.engagement import Response
        >>> from rbp.interactions import Interaction
        >>> crm = rbp.open()
        >>> crm.directory.add_many([rbp.Officer("P1"), rbp.CommunityMember("m-1")])
        2
        >>> t0 = pendulum.datetime(2026, 3, 2)
        >>> iid = crm.interactions.log(Interaction(at=t0, kind="call", participants=("P1", "m-1")))
        >>> _ = crm.feedback.record(Response(at=t0, interaction=iid, overall=5, comment="Kind"))
        >>> [(k.officer, k.comment) for k in crm.feedback.kudos("P1", as_of=t0.add(days=1))]
        [('P1', 'Kind')]
        """
        who = _args.optional_key(officer, "officer")
        when = self._uow.when(as_of)
        first = _args.optional_time(since, "since")
        r, p, s = t.survey_responses.c, t.participants.c, t.stakeholders.c
        q = (
            sa.select(p.stakeholder, r.at, r.interaction_id, r.overall, r.comment)
            .join(t.participants, p.interaction_id == r.interaction_id)
            .join(t.stakeholders, s.key == p.stakeholder)
            .where(
                s.kind == "officer",
                r.overall >= 4,
                r.comment.is_not(None),
                r.comment != "",
                r.at <= when.micros,
            )
            .order_by(r.at.desc(), r.id.desc(), p.stakeholder)
        )
        if who is not None:
            q = q.where(p.stakeholder == who)
        if first is not None:
            q = q.where(r.at >= to_micros(first))
        tz = self._uow.tz
        with self._uow.read() as conn:
            rows = conn.execute(q).all()
        items = [
            Kudos(
                officer=str(o),
                at=from_micros(at, tz),
                interaction=int(iid),
                overall=int(ov),
                comment=str(c),
            )
            for o, at, iid, ov, c in rows
        ]
        return RecordList(
            items,
            columns=("officer", "at", "interaction", "overall"),
            title="Kudos",
            as_of=when.at,
        )

    # ------------------------------------------------------------------ helpers

    def _min_n(self, value: object) -> int:
        if value is None:
            return self._uow.settings.min_responses
        return _args.positive(value, "min_n", maximum=1_000_000)


def _known(conn: Connection, area: str | None, officer: str | None) -> None:
    """Refuse an unknown area, or a key that is not an officer's."""
    if area is not None:
        area_scope(conn, area)
    if officer is not None:
        s = t.stakeholders.c
        kind = conn.execute(sa.select(s.kind).where(s.key == officer)).scalar()
        if kind != "officer":
            raise UnknownKeyError(f"no officer {officer!r}", key=officer, field="officer")
