"""Officer ties, computed from the log in one SQL aggregate.

An *officer tie* joins an officer and a non-officer who took part in the same
interaction. As of T its *strength* is the sum over shared interactions at or
before T of ``0.5 ** ((T - t) / half_life)``; its *status* comes from the age of
the last shared interaction and the stakeholder's cadence (see
:class:`~rbp.interactions.TieStatus`). Only stakeholders part of the picture at T
(their ``since``/``until``) have ties at T.
"""

from __future__ import annotations

import datetime as dt
import functools
import heapq
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from itertools import repeat
from operator import mul, sub
from typing import TYPE_CHECKING, Any, overload

import attrs
import pendulum
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from rbp import _schema as t
from rbp._queries.batch import chunks
from rbp._queries.rules import absent_keys, status, status_of
from rbp._queries.tie_figures import Columns, figure_rows, priorities
from rbp._render import Renderable, Report, Rows, Table
from rbp._time import MICROS_PER_DAY, AsOf, from_micros
from rbp.model import Priority
from rbp.model._interactions import FollowUp, FollowUpReason, TieStatus

if TYPE_CHECKING:
    import pandas as pd


__all__ = ["StrengthPart", "Tie", "TieExplanation", "TieSet", "status_of"]

_STATUSES = (TieStatus.ACTIVE, TieStatus.COOLING, TieStatus.DORMANT, TieStatus.LAPSED)


@attrs.frozen(kw_only=True)
class Tie:
    """An officer tie as of a time: who, how often, how recently, how strong.

    ``count``, ``first`` and ``last`` shared interaction up to T; ``strength`` is the
    decayed sum (see :meth:`~rbp.interactions.Interactions.explain`); ``status``
    comes from the age of ``last`` and the stakeholder's ``cadence_days``. Items of a
    :class:`TieSet`.

    Examples
    --------
    >>> tie = crm.interactions.ties(as_of=T).get("P0012", "m-000030")
    >>> tie.count, f"{tie.last:%Y-%m-%d}", round(tie.strength, 3), tie.status.value
    (65, '2025-12-05', 11.031, 'active')
    """

    officer: str
    stakeholder: str
    count: int
    first: pendulum.DateTime
    last: pendulum.DateTime
    strength: float
    status: TieStatus
    cadence_days: int


@attrs.frozen(kw_only=True)
class StrengthPart:
    """One shared interaction's share of a tie's strength.

    ``weight`` is ``0.5 ** (age_days / half_life_days)``; the parts of a
    :class:`TieExplanation`.

    Examples
    --------
    >>> part = crm.interactions.explain("P0012", "m-000030", as_of=T).parts[-1]
    >>> part.interaction, f"{part.at:%Y-%m-%d}", round(part.age_days, 1), round(part.weight, 3)
    (1966, '2025-12-05', 26.6, 0.815)
    """

    interaction: int
    at: pendulum.DateTime
    age_days: float
    weight: float


@attrs.frozen(kw_only=True)
class TieExplanation:
    """Why a tie has its strength: each shared interaction and its decayed weight.

    Made by :meth:`~rbp.interactions.Interactions.explain`; ``str()`` writes the sum
    out, one line per part.

    Examples
    --------
    >>> why = crm.interactions.explain("P0001", "m-000001", as_of=T)
    >>> print(why)
    P0001 ~ m-000001 as of 2025-12-31: strength 0.276 = sum of 0.5 ** (age / 90 days)
      #727 2024-02-19 age   681.5 d -> 0.005
      #1683 2025-07-15 age   169.6 d -> 0.271
    """

    officer: str
    stakeholder: str
    as_of: pendulum.DateTime
    half_life_days: float
    parts: tuple[StrengthPart, ...]

    @property
    def strength(self) -> float:
        """The sum of the parts' weights."""
        return float(sum(p.weight for p in self.parts))

    def __str__(self) -> str:
        lines = [
            f"{self.officer} ~ {self.stakeholder} as of {self.as_of:%Y-%m-%d}: "
            f"strength {self.strength:.3f} = sum of 0.5 ** (age / {self.half_life_days:g} days)"
        ]
        lines += [
            f"  #{p.interaction} {p.at:%Y-%m-%d} age {p.age_days:7.1f} d -> {p.weight:.3f}"
            for p in self.parts
        ]
        return "\n".join(lines)


_COLUMNS = ("officer", "stakeholder", "count", "first", "last", "strength", "status")


class TieSet(Renderable, Sequence[Tie]):
    """Officer ties as of a time, held column-wise; iterate for :class:`Tie` records.

    Made by :meth:`rbp.interactions.Interactions.ties`. The columns are plain lists
    (``officers``, ``stakeholders``, ``counts``, ``first_us``, ``last_us`` in epoch
    microseconds, ``strengths``); ``cadences`` and ``statuses`` are worked out when
    first read. A :class:`Tie` is made only for the ties asked for; ``to_frame()``
    gives a pandas frame without one.

    Parameters
    ----------
    rows
        (officer, stakeholder, count, first, last, strength, priority) rows, as
        :func:`tie_rows` reads them; with ``priorities``, (officer, stakeholder,
        count, first, last, strength) rows or those columns
        (:class:`~rbp._queries.tie_figures.Columns`, taken as they are).
    as_of
        The resolved T the rows were read for.
    tz
        The agency's time zone, for the records' times.
    cadence
        Days of each priority's cadence, for the statuses.
    priorities
        The stakeholders' priorities by key (a key missing has none), when the rows
        do not carry them.

    Examples
    --------
    >>> ties = crm.interactions.ties(as_of=T)
    >>> len(ties), ties[0].officer, ties.to_frame().shape
    (592, 'P0001', (592, 8))
    >>> [(t.officer, t.stakeholder) for t in ties.top(2)]
    [('P0012', 'm-000030'), ('P0004', 'org-0009')]
    """

    def __init__(
        self,
        rows: Sequence[tuple[Any, ...]] | Columns,
        *,
        as_of: AsOf,
        tz: str,
        cadence: dict[Priority, int],
        priorities: Mapping[str, str] | None = None,
    ) -> None:
        self.as_of: pendulum.DateTime = as_of.at
        self._at = as_of.micros
        self._tz = tz
        self._days = {p.value: d for p, d in cadence.items()}
        if isinstance(rows, Columns):
            if priorities is None:
                raise TypeError("priorities must be given with columns")
            self.officers: list[str] = rows.officers
            self.stakeholders: list[str] = rows.stakeholders
            self.counts: list[int] = rows.counts
            self.first_us: list[int] = rows.first_us
            self.last_us: list[int] = rows.last_us
            self.strengths: list[float] = rows.strengths
            self._kinds: Mapping[str, str] | list[str | None] = priorities
            return
        columns = Columns()
        columns.extend(rows)
        self.officers = columns.officers
        self.stakeholders = columns.stakeholders
        self.counts = columns.counts
        self.first_us = columns.first_us
        self.last_us = columns.last_us
        self.strengths = columns.strengths
        self._kinds = [r[6] for r in rows] if priorities is None else priorities

    @functools.cached_property
    def cadences(self) -> list[int]:
        """Days of each tie's cadence, from its stakeholder's priority."""
        days, kinds = self._days, self._kinds
        regular = days[Priority.REGULAR.value]
        if isinstance(kinds, list):
            return [regular if p is None else days[p] for p in kinds]
        by_key = {k: days[p] for k, p in kinds.items()}
        return list(map(by_key.get, self.stakeholders, repeat(regular)))

    @functools.cached_property
    def statuses(self) -> list[TieStatus]:
        """Each tie's :class:`~rbp.interactions.TieStatus` as of T."""
        ages = map(sub, repeat(self._at), self.last_us)
        return list(map(status, ages, map(mul, self.cadences, repeat(MICROS_PER_DAY))))

    def __len__(self) -> int:
        return len(self.officers)

    @overload
    def __getitem__(self, i: int) -> Tie: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[Tie]: ...
    def __getitem__(self, i: int | slice) -> Tie | Sequence[Tie]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        return Tie(
            officer=self.officers[i],
            stakeholder=self.stakeholders[i],
            count=self.counts[i],
            first=from_micros(self.first_us[i], self._tz),
            last=from_micros(self.last_us[i], self._tz),
            strength=self.strengths[i],
            status=self.statuses[i],
            cadence_days=self.cadences[i],
        )

    def __iter__(self) -> Iterator[Tie]:
        return (self[i] for i in range(len(self)))

    def get(self, officer: str, stakeholder: str) -> Tie | None:
        """The tie between ``officer`` and ``stakeholder``, or None."""
        pairs = zip(self.officers, self.stakeholders, strict=True)
        wanted = (officer, stakeholder)
        found = next((i for i, pair in enumerate(pairs) if pair == wanted), None)
        return None if found is None else self[found]

    def top(self, n: int = 10) -> list[Tie]:
        """The ``n`` strongest ties, strongest first (ties broken by key)."""
        s, o, k = self.strengths, self.officers, self.stakeholders
        candidates: Iterable[int] = range(len(self))
        if 0 < n < len(self):
            # only the ties at least as strong as the n-th strongest are sorted
            cut = heapq.nlargest(n, s)[-1]
            candidates = [i for i, v in enumerate(s) if v >= cut]
        order = sorted(candidates, key=lambda i: (-s[i], o[i], k[i]))
        return [self[i] for i in order[:n]]

    def to_frame(self) -> pd.DataFrame:
        """All ties as a frame: officer, stakeholder, count, first, last (UTC), strength,
        status and cadence_days."""
        import numpy as np
        import pandas as pd

        def times(micros: list[int]) -> pd.DatetimeIndex:
            return pd.to_datetime(np.asarray(micros, dtype=np.int64), unit="us", utc=True)

        return pd.DataFrame(
            {
                "officer": self.officers,
                "stakeholder": self.stakeholders,
                "count": self.counts,
                "first": times(self.first_us),
                "last": times(self.last_us),
                "strength": self.strengths,
                "status": [s.value for s in self.statuses],
                "cadence_days": self.cadences,
            }
        )

    def _report(self) -> Report:
        """Every tie, strongest first (ties broken by key); rows are made as shown."""
        order = sorted(
            range(len(self)),
            key=lambda i: (-self.strengths[i], self.officers[i], self.stakeholders[i]),
        )
        counts = dict.fromkeys(_STATUSES, 0)
        for each in self.statuses:
            counts[each] += 1
        by_status = ", ".join(f"{n} {s.value}" for s, n in counts.items())
        return Report(
            "Officer ties",
            as_of=self.as_of,
            summary=f"{len(self)} officer ties: {by_status}.",
            tables=(Table("Ties, strongest first", _COLUMNS, Rows(self, order=order)),),
        )


def tie_rows(
    conn: Connection,
    *,
    at: int,
    half_life: dt.timedelta,
    officer: str | None = None,
    stakeholder: str | None = None,
    since: int | None = None,
    officers: Collection[str] | None = None,
    stakeholders: Collection[str] | None = None,
) -> list[tuple[Any, ...]]:
    """(officer, stakeholder, count, first, last, strength, priority) rows as of ``at``.

    With ``since``, only pairs with a contact after ``since`` are returned (their
    figures still count every contact up to ``at``). ``officers``/``stakeholders``
    restrict the answer to those keys. Read from the pair summaries
    (:func:`~rbp._queries.tie_figures.figure_rows`); the priority is the stakeholder's
    (None when it has none).
    """
    rows = figure_rows(
        conn,
        at=at,
        half_life=half_life,
        officer=officer,
        stakeholder=stakeholder,
        since=since,
        officers=officers,
        stakeholders=stakeholders,
    )
    whole = officer is None and stakeholder is None and officers is None and stakeholders is None
    get = priorities(conn, None if whole else {r[1] for r in rows}).get
    return [(o, k, n, f, last, s, get(k)) for o, k, n, f, last, s in rows]


def explain_rows(
    conn: Connection, *, officer: str, stakeholder: str, at: int
) -> list[tuple[int, int]]:
    """(interaction id, at) of every contact of the pair at or before ``at``; none when
    either is not part of the picture at ``at`` or they are not an officer tie (then
    they have no tie, as in ``tie_rows``)."""
    p = t.tie_pairs.c
    gone = absent_keys(at)
    known = conn.execute(
        sa.select(p.first).where(
            p.officer == officer,
            p.stakeholder == stakeholder,
            p.first <= at,
            p.officer.not_in(gone),
            p.stakeholder.not_in(gone),
        )
    ).first()
    if known is None:
        return []
    po, pk = t.participants.alias("po"), t.participants.alias("pk")
    q = (
        sa.select(po.c.interaction_id, po.c.at)
        .join(
            pk,
            sa.and_(pk.c.interaction_id == po.c.interaction_id, pk.c.stakeholder == stakeholder),
        )
        .where(po.c.stakeholder == officer, po.c.at <= at)
        .order_by(po.c.at, po.c.interaction_id)
    )
    return [(int(i), int(a)) for i, a in conn.execute(q)]


def days(micros: int) -> float:
    """Microseconds as fractional days."""
    return micros / MICROS_PER_DAY


def promise_rows(
    conn: Connection, pairs: Sequence[tuple[str, str, int]], at: int
) -> list[tuple[str, str, int, int, int]]:
    """(officer, stakeholder, interaction, follow_up_by, at) of the promise contacts of
    ``pairs`` (officer, stakeholder, time of their last contact) passed by ``at``.

    The pairs go in as a VALUES list joined on the participants' stakeholder index and
    key: a few index probes per pair. The statement is written out for the driver: a
    few thousand rows of values cost seconds to compile as an expression.
    """
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    out: list[tuple[str, str, int, int, int]] = []
    for chunk in chunks(pairs, size=2_000):
        values = ", ".join([f"({mark}, {mark}, {mark})"] * len(chunk))
        sql = (
            f"WITH wanted (o, k, w) AS (VALUES {values}) "
            "SELECT wanted.o, wanted.k, i.id, i.follow_up_by, i.at FROM wanted "
            "JOIN interaction_participants AS pk ON pk.stakeholder = wanted.k "
            "AND pk.at = wanted.w "
            "JOIN interaction_participants AS po ON po.interaction_id = pk.interaction_id "
            "AND po.stakeholder = wanted.o "
            f"JOIN interactions AS i ON i.id = pk.interaction_id WHERE i.follow_up_by <= {mark}"
        )
        params = (*(v for row in chunk for v in row), at)
        out += [
            (str(o), str(k), int(n), int(f), int(w))
            for o, k, n, f, w in conn.exec_driver_sql(sql, params)
        ]
    return out


def overdue_records(
    rows: Sequence[tuple[str, str, int, int, int]], *, as_of: pendulum.DateTime, tz: str
) -> list[FollowUp]:
    """FollowUp records (reason OVERDUE) of :func:`promise_rows`, earliest promise first."""
    items = [
        FollowUp(
            officer=o,
            stakeholder=k,
            reason=FollowUpReason.OVERDUE,
            last=from_micros(last, tz),
            due=from_micros(promised, tz),
            suggested=as_of,
            interaction=iid,
        )
        for o, k, iid, promised, last in rows
    ]
    items.sort(key=lambda f: (f.due, f.officer, f.stakeholder, f.interaction or 0))
    return items


# Their public path is set by the package; doctest still reads their examples here.
__test__ = {
    "StrengthPart": StrengthPart,
    "Tie": Tie,
    "TieExplanation": TieExplanation,
    "TieSet": TieSet,
}
