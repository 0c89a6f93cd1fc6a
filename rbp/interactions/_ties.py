"""Officer ties and what they ask for (``crm.interactions.ties``, ``explain``,
``follow_ups``, ``overdue``), all as of T and all by the rules of
:mod:`rbp._queries.rules`."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pendulum
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from rbp import _args
from rbp._queries.pairs import broken_pairs
from rbp._queries.rules import absent_keys, decay
from rbp._queries.tie_figures import figure_columns, priorities
from rbp._queries.ties import (
    StrengthPart,
    TieExplanation,
    TieSet,
    days,
    explain_rows,
    overdue_records,
    promise_rows,
)
from rbp._render import RecordList
from rbp._time import MICROS_PER_DAY, AsOf, duration_micros, from_micros
from rbp.model import Priority
from rbp.model._interactions import FollowUp, FollowUpReason, TieStatus

if TYPE_CHECKING:
    from rbp._unit import UnitOfWork

__all__ = ["FOLLOW_UP_COLUMNS", "TieReads"]

FOLLOW_UP_COLUMNS = (
    "officer",
    "stakeholder",
    "reason",
    "last",
    "due",
    "suggested",
    "interaction",
)


class TieReads:
    """Ties computed from the log of one store."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    def ties(
        self,
        *,
        as_of: pendulum.DateTime | None = None,
        officer: str | None = None,
        stakeholder: str | None = None,
    ) -> TieSet:
        """Officer ties as of ``as_of`` (default now), computed from the log.

        For every officer and non-officer who shared an interaction at or before T:
        ``count``, ``first`` and ``last`` contact, ``strength`` (the sum over
        shared interactions of ``0.5 ** ((T - t) / half_life)``) and ``status``
        from the stakeholder's cadence (:class:`~rbp.interactions.TieStatus`).
        Stakeholders not part of the picture at T (``since``/``until``) have no ties.
        ``officer`` and ``stakeholder`` keep the ties of that key only.

        Parameters
        ----------
        as_of
            T; default now by the store's clock.
        officer
            Only this officer's ties.
        stakeholder
            Only this stakeholder's ties.

        Returns
        -------
        TieSet
            A sequence of :class:`~rbp.interactions.Tie`, ordered by officer and
            stakeholder; ``to_frame()`` for pandas.

        Raises
        ------
        ValidationError
            ``officer`` or ``stakeholder`` is not a valid key, or ``as_of`` is not a
            datetime.
        NaiveDatetimeError
            ``as_of`` has no time zone.

        Examples
        --------
        >>> ties = crm.interactions.ties(as_of=T, officer="P0012")
        >>> len(ties), ties.top(1)[0].stakeholder, ties.get("P0012", "m-000030").count
        (63, 'm-000030', 65)
        >>> import rbp
        >>> rbp.open().interactions.ties(stakeholder=(1,))
        Traceback (most recent call last):
        ...
        rbp.errors.ValidationError: stakeholder must be a string, got tuple
        """
        who = _args.optional_key(officer, "officer")
        whom = _args.optional_key(stakeholder, "stakeholder")
        when = self._uow.when(as_of)
        with self._uow.read() as conn:
            return self._ties(conn, when, who, whom)

    def _ties(
        self, conn: Connection, when: AsOf, officer: str | None, stakeholder: str | None
    ) -> TieSet:
        columns = figure_columns(
            conn,
            at=when.micros,
            half_life=self._uow.settings.half_life,
            officer=officer,
            stakeholder=stakeholder,
        )
        whole = officer is None and stakeholder is None
        # A stakeholder with no priority has the regular cadence: the regular ones are
        # not looked up.
        kinds = priorities(
            conn,
            None if whole else set(columns.stakeholders),
            besides=Priority.REGULAR.value,
        )
        return TieSet(
            columns,
            as_of=when,
            tz=self._uow.tz,
            cadence=self._uow.settings.cadence,
            priorities=kinds,
        )

    def explain(
        self, officer: str, stakeholder: str, *, as_of: pendulum.DateTime | None = None
    ) -> TieExplanation:
        """The parts of a tie's strength: each shared interaction and its decayed weight.

        A pair with no shared interaction up to T (or not part of the picture at T)
        has no parts and strength 0.

        Parameters
        ----------
        officer
            The officer's key.
        stakeholder
            The stakeholder's key.
        as_of
            T; default now by the store's clock.

        Returns
        -------
        TieExplanation
            The parts, oldest first; ``print()`` it for a worked sum.

        Raises
        ------
        ValidationError
            ``officer`` or ``stakeholder`` is not a valid key, or ``as_of`` is not a
            datetime.
        NaiveDatetimeError
            ``as_of`` has no time zone.

        Examples
        --------
        >>> why = crm.interactions.explain("P0012", "m-000030", as_of=T)
        >>> len(why.parts), round(why.strength, 3), why.parts[-1].interaction
        (65, 11.031, 1966)

        The sum, worked:

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
        who = _args.key(officer, "officer")
        whom = _args.key(stakeholder, "stakeholder")
        when = self._uow.when(as_of)
        at = when.micros
        hl = duration_micros(self._uow.settings.half_life)
        with self._uow.read() as conn:
            rows = explain_rows(conn, officer=who, stakeholder=whom, at=at)
        parts = tuple(
            StrengthPart(
                interaction=i,
                at=from_micros(a, self._uow.tz),
                age_days=days(at - a),
                weight=decay(at - a, half_life=hl),
            )
            for i, a in rows
        )
        return TieExplanation(
            officer=who, stakeholder=whom, as_of=when.at, half_life_days=days(hl), parts=parts
        )

    def follow_ups(
        self, *, as_of: pendulum.DateTime | None = None, officer: str | None = None
    ) -> RecordList:
        """The follow-up list: cold ties and broken promises, most urgent first.

        Two sources, both as of T and read in one transaction:

        - ties that are cooling or dormant (:class:`FollowUpReason` COOLING, DORMANT);
        - interactions whose ``follow_up_by`` has passed with no later contact between
          the same officer and stakeholder (OVERDUE).

        Each item has a ``suggested`` next-contact date (see :class:`FollowUp`).

        Parameters
        ----------
        as_of
            T; default now by the store's clock.
        officer
            Only this officer's follow-ups.

        Returns
        -------
        RecordList
            :class:`~rbp.interactions.FollowUp` records, earliest ``suggested`` first;
            ``to_frame()`` gives officer, stakeholder, reason, last, due, suggested and
            interaction.

        Raises
        ------
        ValidationError
            ``officer`` is not a valid key, or ``as_of`` is not a datetime.
        NaiveDatetimeError
            ``as_of`` has no time zone.

        Examples
        --------
        >>> todo = crm.interactions.follow_ups(as_of=T, officer="P0012")
        >>> len(todo), [(f.stakeholder, f.reason.value) for f in todo[:2]]
        (34, [('m-000021', 'overdue'), ('m-000098', 'overdue')])
        >>> import pendulum, rbp
        >>> len(rbp.open().interactions.follow_ups(as_of=pendulum.datetime(2026, 1, 1)))
        0
        """
        who = _args.optional_key(officer, "officer")
        when = self._uow.when(as_of)
        tz = self._uow.tz
        with self._uow.read() as conn:
            ties = self._ties(conn, when, who, None)
            broken = _overdue(conn, when.micros, who)
        items: list[FollowUp] = []
        for i, status in enumerate(ties.statuses):
            if status not in (TieStatus.COOLING, TieStatus.DORMANT):
                continue
            c = ties.cadences[i] * MICROS_PER_DAY
            last = ties.last_us[i]
            cooling = status is TieStatus.COOLING
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
        items.extend(overdue_records(broken, as_of=when.at, tz=tz))
        items.sort(key=lambda f: (f.suggested, f.officer, f.stakeholder, f.reason.value))
        return RecordList(items, columns=FOLLOW_UP_COLUMNS, title="Follow-ups")

    def overdue(
        self, *, as_of: pendulum.DateTime | None = None, officer: str | None = None
    ) -> RecordList:
        """Promised follow-ups that passed with no later contact, as of T.

        An interaction whose ``follow_up_by`` is at or before T, for each officer and
        non-officer in it with no later shared interaction up to T; ``suggested`` is T.

        Parameters
        ----------
        as_of
            T; default now by the store's clock.
        officer
            Only this officer's promises.

        Returns
        -------
        RecordList
            :class:`~rbp.interactions.FollowUp` records (reason OVERDUE), earliest
            promise first, each naming its ``interaction``.

        Raises
        ------
        ValidationError
            ``officer`` is not a valid key, or ``as_of`` is not a datetime.
        NaiveDatetimeError
            ``as_of`` has no time zone.

        Examples
        --------
        >>> late = crm.interactions.overdue(as_of=T, officer="P0012")
        >>> len(late), [(f.stakeholder, f.interaction) for f in late[:2]]
        (7, [('m-000109', 525), ('org-0017', 847)])
        >>> import pendulum, rbp
        >>> len(rbp.open().interactions.overdue(as_of=pendulum.datetime(2026, 1, 1)))
        0
        """
        who = _args.optional_key(officer, "officer")
        when = self._uow.when(as_of)
        with self._uow.read() as conn:
            rows = _overdue(conn, when.micros, who)
        return RecordList(
            overdue_records(rows, as_of=when.at, tz=self._uow.tz),
            columns=FOLLOW_UP_COLUMNS,
            title="Overdue follow-ups",
        )


def _overdue(
    conn: Connection, at: int, officer: str | None
) -> list[tuple[str, str, int, int, int]]:
    """(officer, stakeholder, interaction, follow_up_by, at) of promises broken by ``at``.

    The pair summaries give the pairs whose last contact up to ``at`` was a promise
    that has passed; only those are joined back to their contacts.
    """
    broken = broken_pairs(conn, at=at)
    gone = absent_keys(at)
    q = sa.select(broken.c.officer, broken.c.stakeholder, broken.c.last).where(
        broken.c.officer.not_in(gone), broken.c.stakeholder.not_in(gone)
    )
    if officer is not None:
        q = q.where(broken.c.officer == officer)
    rows = conn.execute(q).all()
    return promise_rows(conn, [(o, k, w) for o, k, w in rows], at)
