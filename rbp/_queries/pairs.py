"""Officer-tie summaries: kept when interactions are logged, read by every as-of answer.

Every officer x non-officer pair has a summary of its shared contacts (``tie_pairs``:
every contact; ``tie_months``: the contacts of each 30-day bucket, the monthly
checkpoints). A summary holds ``n``, ``first``, ``last``, ``promise`` (the earliest
``follow_up_by`` among the contacts at ``last``) and ``weight``, the decay sum anchored
at ``last``: ``sum(0.5 ** ((last - t) / HALF_LIFE))``. Each term is at most 1, so the
sum never overflows, and the strength as of any ``T >= last`` is
``weight * 0.5 ** ((T - last) / HALF_LIFE)``.

An answer as of T reads ``tie_pairs`` for every pair with no contact after T (all of
them when T is at or after the newest contact, the usual case). Only the pairs with a
contact after T are folded from their checkpoints before T's bucket (one range of the
``tie_months`` key per pair; a windowed answer reads only the window's buckets) and the
raw contacts of T's bucket up to T (:mod:`rbp._queries.tie_figures` folds the ties'
figures so; :func:`window_lasts` and :func:`broken_pairs` probe the last contacts). So
an answer as of a recent time reads about one row per pair, and one as of a time long
ago reads the checkpoints up to it.

Summaries are merged exactly: counts add, first and last are min and max, the promise
follows the later ``last`` (the earlier promise when they are equal), and weights
re-anchor at the later ``last``. Contacts may arrive in any order.

Examples
--------
>>> t = Tally()
>>> DAY = 86_400_000_000
>>> for at in (100 * DAY, 10 * DAY, 100 * DAY):
...     t.add(at // BUCKET, "P1", "m-1", at, None)
>>> n, first, last, promise, weight = t.pairs["P1", "m-1"]
>>> n, first // DAY, last // DAY, promise, round(weight, 6)
(3, 10, 100, None, 2.5)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from rbp import _schema as t
from rbp._queries.rules import UNDERFLOW, decay_sql
from rbp._time import MICROS_PER_DAY, duration_micros

__all__ = [
    "BUCKET",
    "HALF_LIFE",
    "Tally",
    "broken_pairs",
    "bucket_of",
    "last_contacts",
    "contacts",
    "merge_sql",
    "newest",
    "raw_strengths",
    "window_lasts",
]

BUCKET = 30 * MICROS_PER_DAY
"""The width of a checkpoint bucket: 30 days in microseconds."""

HALF_LIFE = 90 * MICROS_PER_DAY
"""The half-life the stored weights are anchored with (the default setting, 90 days).
A store read with another half-life sums the raw contacts instead."""

OFFICER = "officer"


def bucket_of(at: int) -> int:
    """The checkpoint bucket of an instant (floor division, so instants before 1970 too)."""
    return at // BUCKET


def _decay(age: int) -> float:
    n = age / HALF_LIFE
    return 0.0 if n >= UNDERFLOW else float(0.5**n)


# ----------------------------------------------------------------------------- writing

Summary = list[Any]  # [n, first, last, promise, weight]


def _combine(rec: Summary, other: Sequence[Any]) -> None:
    """Fold another summary (one contact is ``(1, at, at, promise, 1.0)``) into ``rec``,
    by the same rule as the upsert's SQL."""
    n, first, last, promise, weight = other
    rec[0] += n
    if first < rec[1]:
        rec[1] = first
    mine = rec[2]
    if last > mine:
        rec[4] = rec[4] * _decay(last - mine) + weight
        rec[2] = last
        rec[3] = promise
    elif last == mine:
        rec[4] += weight
        if promise is not None and (rec[3] is None or promise < rec[3]):
            rec[3] = promise
    else:
        rec[4] += weight * _decay(mine - last)


class Tally:
    """The pair summaries of a batch of contacts, folded in memory before one upsert.

    Contacts fold into their bucket's summary; the pairs' summaries are folded from
    those when written.

    Examples
    --------
    >>> t = Tally()
    >>> t.add(0, "P1", "m-1", 5, 9)
    >>> t.add(0, "P1", "m-1", 5, 7)
    >>> t.months["P1", "m-1", 0][:4], len(t)
    ([2, 5, 5, 7], 1)
    """

    def __init__(self) -> None:
        self.months: dict[tuple[str, str, int], Summary] = {}

    def __len__(self) -> int:
        return len(self.months)

    @property
    def pairs(self) -> dict[tuple[str, str], Summary]:
        """The summaries of the pairs, over every bucket of the batch."""
        out: dict[tuple[str, str], Summary] = {}
        for (officer, stakeholder, _), rec in self.months.items():
            key = (officer, stakeholder)
            mine = out.get(key)
            if mine is None:
                out[key] = list(rec)
            else:
                _combine(mine, rec)
        return out

    def add(
        self, bucket: int, officer: str, stakeholder: str, at: int, promise: int | None
    ) -> None:
        """Fold one shared contact of ``officer`` and ``stakeholder`` at ``at``, which lies
        in ``bucket`` (``at // BUCKET``, found once per interaction by the caller)."""
        key = (officer, stakeholder, bucket)
        rec = self.months.get(key)
        if rec is None:
            self.months[key] = [1, at, at, promise, 1.0]
        else:
            _combine(rec, (1, at, at, promise, 1.0))

    def write(self, conn: Connection) -> None:
        """Merge the folded summaries into ``tie_pairs`` and ``tie_months``, then forget them."""
        if self.months and conn.dialect.name == "postgresql":
            from rbp._queries import _pairs_pg

            _pairs_pg.write(conn, self.months, self.pairs, bucket_of=bucket_of, merge_sql=merge_sql)
        elif self.months:
            _upsert(conn, "tie_pairs", ("officer", "stakeholder"), _rows(self.pairs))
            _upsert(conn, "tie_months", ("officer", "stakeholder", "bucket"), _rows(self.months))
        self.months = {}


def _rows(summaries: dict[Any, Summary]) -> list[tuple[Any, ...]]:
    return [(*key, *rec) for key, rec in summaries.items()]


def merge_sql(table: str, *, promise: bool = True) -> str:
    """SET clause merging the stored summary (``table``) with the new one (``excluded``);
    without ``promise``, of a summary that has none (``n, first, last, weight``)."""
    old, new = table, "excluded"
    hl = f"CAST({HALF_LIFE} AS DOUBLE PRECISION)"

    def fade(age: str) -> str:
        n = f"(({age}) / {hl})"
        return f"(CASE WHEN {n} >= {UNDERFLOW} THEN 0.0 ELSE power(0.5, {n}) END)"

    promised = (
        f"promise = CASE WHEN {new}.last > {old}.last THEN {new}.promise "
        f"WHEN {new}.last < {old}.last THEN {old}.promise "
        f"WHEN {new}.promise IS NULL THEN {old}.promise "
        f"WHEN {old}.promise IS NULL OR {new}.promise < {old}.promise THEN {new}.promise "
        f"ELSE {old}.promise END, "
    )
    return (
        f"n = {old}.n + {new}.n, "
        f"first = CASE WHEN {new}.first < {old}.first THEN {new}.first ELSE {old}.first END, "
        f"last = CASE WHEN {new}.last > {old}.last THEN {new}.last ELSE {old}.last END, "
        + (promised if promise else "")
        + f"weight = CASE WHEN {new}.last >= {old}.last "
        f"THEN {old}.weight * {fade(f'{new}.last - {old}.last')} + {new}.weight "
        f"ELSE {old}.weight + {new}.weight * {fade(f'{old}.last - {new}.last')} END"
    )


_FIGURES = ("n", "first", "last", "promise", "weight")


def _upsert(
    conn: Connection, table: str, key: tuple[str, ...], rows: Sequence[tuple[Any, ...]]
) -> None:
    """Insert summaries, merging each with the stored one of the same key."""
    cols = (*key, *_FIGURES)
    conflict = f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {merge_sql(table)}"
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    sql = (
        f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join([mark] * len(cols))}) "
        f"{conflict}"
    )
    conn.exec_driver_sql(sql, list(rows))


# ----------------------------------------------------------------------------- reading


def newest(conn: Connection) -> int | None:
    """The time of the newest interaction (one probe of the ``at`` index), or None."""
    found = conn.execute(sa.select(sa.func.max(t.interactions.c.at))).scalar()
    return None if found is None else int(found)


def contacts(lo: int | None, hi: int) -> sa.Select[Any]:
    """Raw shared contacts in ``(lo, hi]``: (officer, stakeholder, at, promise, interaction).

    Read through the interactions' ``at`` index, then each interaction's participants
    (the kind tests are wrapped so that no planner starts from "every officer").
    """
    i = t.interactions.c
    po, pk = t.participants.alias("po"), t.participants.alias("pk")
    so, sk = t.stakeholders.alias("so"), t.stakeholders.alias("sk")
    q = (
        sa.select(
            po.c.stakeholder.label("officer"),
            pk.c.stakeholder.label("stakeholder"),
            i.at.label("at"),
            i.follow_up_by.label("promise"),
            i.id.label("interaction"),
        )
        .select_from(t.interactions)
        .join(po, sa.and_(po.c.interaction_id == i.id, po.c.at == i.at))
        .join(so, sa.and_(so.c.key == po.c.stakeholder, sa.func.coalesce(so.c.kind, "") == OFFICER))
        .join(pk, sa.and_(pk.c.interaction_id == i.id, pk.c.at == i.at))
        .join(sk, sa.and_(sk.c.key == pk.c.stakeholder, sa.func.coalesce(sk.c.kind, "") != OFFICER))
        # The participants' own times are bounded too: a store partitioned by time
        # then reads only the partitions of ``(lo, hi]``.
        .where(i.at <= hi, po.c.at <= hi, pk.c.at <= hi)
    )
    if lo is not None:
        q = q.where(i.at > lo, po.c.at > lo, pk.c.at > lo)
    return q


def _last_of(rows: sa.Subquery, name: str) -> sa.Subquery:
    """Subquery: (officer, stakeholder, last, promise) of each pair of ``rows`` (which
    has officer, stakeholder, last, promise): the latest row's time and the earliest
    promise among the rows at that time."""
    f = sa.select(
        rows,
        sa.func.max(rows.c.last)
        .over(partition_by=(rows.c.officer, rows.c.stakeholder))
        .label("top"),
    ).subquery(f"{name}_f")
    return (
        sa.select(
            f.c.officer,
            f.c.stakeholder,
            sa.func.max(f.c.last).label("last"),
            sa.func.min(sa.case((f.c.last == f.c.top, f.c.promise))).label("promise"),
        )
        .group_by(f.c.officer, f.c.stakeholder)
        .subquery(name)
    )


def _latest(at: int, *, first_bucket: int | None) -> sa.Subquery:
    """Subquery: (officer, stakeholder, last, promise) as of ``at`` of the pairs with a
    contact after ``at``: their last contact up to ``at`` and its promise, from their
    raw contacts in ``at``'s bucket and their latest checkpoint before it (from
    ``first_bucket`` on). Two index probes per pair; no checkpoint is folded."""
    p, m = t.tie_pairs, t.tie_months
    b = bucket_of(at)
    raw = contacts(b * BUCKET - 1, at).subquery("raw")
    from_raw = (
        sa.select(raw.c.officer, raw.c.stakeholder, raw.c.at.label("last"), raw.c.promise)
        .join_from(
            raw, p, sa.and_(p.c.officer == raw.c.officer, p.c.stakeholder == raw.c.stakeholder)
        )
        .where(p.c.last > at)
    )
    inner = t.tie_months.alias("inner")
    newest_bucket = sa.select(sa.func.max(inner.c.bucket)).where(
        inner.c.officer == p.c.officer, inner.c.stakeholder == p.c.stakeholder, inner.c.bucket < b
    )
    if first_bucket is not None:
        newest_bucket = newest_bucket.where(inner.c.bucket >= first_bucket)
    touched = (
        sa.select(p.c.officer, p.c.stakeholder, newest_bucket.scalar_subquery().label("b"))
        .where(p.c.last > at)
        .subquery("touched")
    )
    from_months = sa.select(touched.c.officer, touched.c.stakeholder, m.c.last, m.c.promise).join(
        m,
        sa.and_(
            m.c.officer == touched.c.officer,
            m.c.stakeholder == touched.c.stakeholder,
            m.c.bucket == touched.c.b,
        ),
    )
    # The same bounds as the probe's, as constants: a store partitioned by bucket then
    # plans only the partitions up to T (or of the window).
    from_months = from_months.where(m.c.bucket < b)
    if first_bucket is not None:
        from_months = from_months.where(m.c.bucket >= first_bucket)
    return _last_of(sa.union_all(from_raw, from_months).subquery("candidates"), "latest")


def window_lasts(conn: Connection, *, at: int, since: int) -> sa.Subquery:
    """Subquery: (officer, stakeholder, last, promise) of the pairs whose last contact up
    to ``at`` lies in ``(since, at]``; a pair with later contacts costs two probes of its
    checkpoints within the window."""
    p = t.tie_pairs.c
    settled = sa.select(p.officer, p.stakeholder, p.last, p.promise).where(
        p.last > since, p.last <= at
    )
    top = newest(conn)
    if top is None or at >= top:
        return settled.subquery("recent")
    sub = _latest(at, first_bucket=bucket_of(since + 1))
    touched = sa.select(sub).where(sub.c.last > since)
    return sa.union_all(settled, touched).subquery("recent")


def broken_pairs(conn: Connection, *, at: int) -> sa.Subquery:
    """Subquery: (officer, stakeholder, last) of the pairs whose last contact up to
    ``at`` carried a promise (``follow_up_by``) that has passed by ``at``."""
    p = t.tie_pairs.c
    settled = sa.select(p.officer, p.stakeholder, p.last).where(p.last <= at, p.promise <= at)
    top = newest(conn)
    if top is None or at >= top:
        return settled.subquery("broken")
    sub = _latest(at, first_bucket=None)
    touched = sa.select(sub.c.officer, sub.c.stakeholder, sub.c.last).where(sub.c.promise <= at)
    return sa.union_all(settled, touched).subquery("broken")


def last_contacts(conn: Connection, *, at: int, since: int) -> sa.Subquery:
    """Subquery: (officer, stakeholder, last, promise) as of ``at`` of the pairs whose
    last contact up to ``at`` lies in ``(since, at]``, or carried a promise
    (``follow_up_by``) that has passed by ``at``: what :func:`window_lasts` and
    :func:`broken_pairs` find together, each pair once, in one pass over ``tie_pairs``
    (in its key order: nothing is sorted). A pair with later contacts costs two probes
    of its checkpoints."""
    p = t.tie_pairs.c
    settled = sa.select(p.officer, p.stakeholder, p.last, p.promise).where(
        p.last <= at, sa.or_(p.last > since, p.promise <= at)
    )
    top = newest(conn)
    if top is None or at >= top:
        return settled.subquery("lasts")
    sub = _latest(at, first_bucket=None)
    touched = sa.select(sub).where(sa.or_(sub.c.last > since, sub.c.promise <= at))
    return sa.union_all(settled, touched).subquery("lasts")


def raw_strengths(
    conn: Connection,
    *,
    at: int,
    half_life: dt.timedelta,
    officers: Collection[str] | None = None,
    stakeholders: Collection[str] | None = None,
) -> dict[tuple[str, str], float]:
    """Tie strengths as of ``at`` for a half-life other than :data:`HALF_LIFE`, summed
    over the raw contacts (the stored weights are anchored for :data:`HALF_LIFE` only)."""
    hl = duration_micros(half_life)
    raw = contacts(None, at).subquery("raw")
    q = sa.select(
        raw.c.officer,
        raw.c.stakeholder,
        sa.func.sum(decay_sql(sa.literal(at) - raw.c.at, half_life=hl)),
    ).group_by(raw.c.officer, raw.c.stakeholder)
    if officers is not None:
        q = q.where(raw.c.officer.in_(list(officers)))
    if stakeholders is not None:
        q = q.where(raw.c.stakeholder.in_(list(stakeholders)))
    return {(o, k): float(s) for o, k, s in conn.execute(q)}
