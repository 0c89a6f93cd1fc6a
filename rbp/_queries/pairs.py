"""Officer-tie summaries: kept when interactions are logged, read by every as-of answer.

Every officer x non-officer pair has a summary of its shared contacts (``tie_pairs``:
every contact; ``tie_months``: the contacts of each 30-day bucket, the monthly
checkpoints). A summary holds ``n``, ``first``, ``last``, ``promise`` (the earliest
``follow_up_by`` among the contacts at ``last``) and ``weight``, the decay sum anchored
at ``last``: ``sum(0.5 ** ((last - t) / HALF_LIFE))``. Each term is at most 1, so the
sum never overflows, and the strength as of any ``T >= last`` is
``weight * 0.5 ** ((T - last) / HALF_LIFE)``.

An answer as of T reads

- ``tie_pairs`` alone when T is at or after the newest contact (the usual case);
- otherwise the checkpoints of the buckets before T's bucket and the raw contacts of
  T's bucket up to T, so its cost follows the history up to T, and a windowed answer
  reads only the buckets of its window.

Summaries are merged exactly: counts add, first and last are min and max, the promise
follows the later ``last`` (the earlier promise when they are equal), and weights
re-anchor at the later ``last``. Contacts may arrive in any order.

Examples
--------
>>> t = Tally()
>>> DAY = 86_400_000_000
>>> for at in (100 * DAY, 10 * DAY, 100 * DAY):
...     t.add("P1", "m-1", at, None)
>>> n, first, last, promise, weight = t.pairs["P1", "m-1"]
>>> n, first // DAY, last // DAY, promise, round(weight, 6)
(3, 10, 100, None, 2.5)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from rbp import _schema as t
from rbp._queries.rules import UNDERFLOW, absent_keys, decay_sql
from rbp._time import MICROS_PER_DAY, duration_micros

__all__ = [
    "BUCKET",
    "HALF_LIFE",
    "Tally",
    "broken_pairs",
    "bucket_of",
    "contacts",
    "newest",
    "pair_figures",
    "summary_columns",
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


def _merge(rec: Summary, at: int, promise: int | None) -> None:
    """Fold one contact into a summary."""
    rec[0] += 1
    if at < rec[1]:
        rec[1] = at
    last = rec[2]
    if at > last:
        rec[4] = rec[4] * _decay(at - last) + 1.0
        rec[2] = at
        rec[3] = promise
    elif at == last:
        rec[4] += 1.0
        if promise is not None and (rec[3] is None or promise < rec[3]):
            rec[3] = promise
    else:
        rec[4] += _decay(last - at)


class Tally:
    """The pair summaries of a batch of contacts, folded in memory before one upsert.

    Examples
    --------
    >>> t = Tally()
    >>> t.add("P1", "m-1", 5, 9)
    >>> t.add("P1", "m-1", 5, 7)
    >>> t.pairs["P1", "m-1"][:4], len(t)
    ([2, 5, 5, 7], 1)
    """

    def __init__(self) -> None:
        self.pairs: dict[tuple[str, str], Summary] = {}
        self.months: dict[tuple[int, str, str], Summary] = {}

    def __len__(self) -> int:
        return len(self.pairs)

    def add(self, officer: str, stakeholder: str, at: int, promise: int | None) -> None:
        """Fold one shared contact of ``officer`` and ``stakeholder`` at ``at``."""
        key = (officer, stakeholder)
        rec = self.pairs.get(key)
        if rec is None:
            self.pairs[key] = [1, at, at, promise, 1.0]
        else:
            _merge(rec, at, promise)
        mkey = (at // BUCKET, officer, stakeholder)
        rec = self.months.get(mkey)
        if rec is None:
            self.months[mkey] = [1, at, at, promise, 1.0]
        else:
            _merge(rec, at, promise)

    def write(self, conn: Connection) -> None:
        """Merge the folded summaries into ``tie_pairs`` and ``tie_months``, then forget them."""
        if self.pairs:
            _upsert(conn, "tie_pairs", ("officer", "stakeholder"), _rows(self.pairs))
            _upsert(conn, "tie_months", ("bucket", "officer", "stakeholder"), _rows(self.months))
        self.pairs = {}
        self.months = {}


def _rows(summaries: dict[Any, Summary]) -> list[tuple[Any, ...]]:
    return [(*key, *rec) for key, rec in summaries.items()]


def _merge_sql(table: str) -> str:
    """SET clause merging the stored summary (``table``) with the new one (``excluded``)."""
    old, new = table, "excluded"
    hl = f"CAST({HALF_LIFE} AS DOUBLE PRECISION)"

    def fade(age: str) -> str:
        n = f"(({age}) / {hl})"
        return f"(CASE WHEN {n} >= {UNDERFLOW} THEN 0.0 ELSE power(0.5, {n}) END)"

    return (
        f"n = {old}.n + {new}.n, "
        f"first = CASE WHEN {new}.first < {old}.first THEN {new}.first ELSE {old}.first END, "
        f"last = CASE WHEN {new}.last > {old}.last THEN {new}.last ELSE {old}.last END, "
        f"promise = CASE WHEN {new}.last > {old}.last THEN {new}.promise "
        f"WHEN {new}.last < {old}.last THEN {old}.promise "
        f"WHEN {new}.promise IS NULL THEN {old}.promise "
        f"WHEN {old}.promise IS NULL OR {new}.promise < {old}.promise THEN {new}.promise "
        f"ELSE {old}.promise END, "
        f"weight = CASE WHEN {new}.last >= {old}.last "
        f"THEN {old}.weight * {fade(f'{new}.last - {old}.last')} + {new}.weight "
        f"ELSE {old}.weight + {new}.weight * {fade(f'{old}.last - {new}.last')} END"
    )


_FIGURES = ("n", "first", "last", "promise", "weight")


def _upsert(
    conn: Connection, table: str, key: tuple[str, ...], rows: Sequence[tuple[Any, ...]]
) -> None:
    """Insert summaries, merging each with the stored one of the same key."""
    cols = (*key, *_FIGURES)
    conflict = f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {_merge_sql(table)}"
    if conn.dialect.name == "postgresql":
        raw = conn.connection.driver_connection
        assert raw is not None
        stage = f"{table}_in"
        with raw.cursor() as cur:
            cur.execute(
                f"CREATE TEMP TABLE IF NOT EXISTS {stage} (LIKE {table}) ON COMMIT DELETE ROWS"
            )
            with cur.copy(f"COPY {stage} ({', '.join(cols)}) FROM STDIN") as cp:
                for row in rows:
                    cp.write_row(row)
            cur.execute(
                f"INSERT INTO {table} ({', '.join(cols)}) "
                f"SELECT {', '.join(cols)} FROM {stage} {conflict}"
            )
            cur.execute(f"TRUNCATE {stage}")
        return
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

    Read through the interactions' ``at`` index, then each interaction's participants.
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
        .join(po, po.c.interaction_id == i.id)
        .join(so, sa.and_(so.c.key == po.c.stakeholder, so.c.kind == OFFICER))
        .join(pk, pk.c.interaction_id == i.id)
        .join(sk, sa.and_(sk.c.key == pk.c.stakeholder, sk.c.kind != OFFICER))
        .where(i.at <= hi, po.c.at <= hi)
    )
    if lo is not None:
        # the bound on the participants' copy of ``at`` too, so that a plan driven by
        # the officers reads each one's window of its (stakeholder, at) index
        q = q.where(i.at > lo, po.c.at > lo)
    return q


def _fade(age: Any) -> Any:
    return decay_sql(age, half_life=HALF_LIFE)


def _parts(at: int, *, first_bucket: int | None) -> sa.Select[Any]:
    """Summary-shaped rows whose union covers every contact up to ``at`` (from
    ``first_bucket`` on): the checkpoints before ``at``'s bucket and the raw contacts of
    that bucket. Columns: officer, stakeholder, n, first, last, promise, strength (as of
    ``at``, for :data:`HALF_LIFE`)."""
    m = t.tie_months.c
    b = bucket_of(at)
    months = sa.select(
        m.officer,
        m.stakeholder,
        m.n,
        m.first,
        m.last,
        m.promise,
        (m.weight * _fade(sa.literal(at) - m.last)).label("strength"),
    ).where(m.bucket < b)
    if first_bucket is not None:
        months = months.where(m.bucket >= first_bucket)
    raw = contacts(b * BUCKET - 1, at).subquery("raw")
    recent = sa.select(
        raw.c.officer,
        raw.c.stakeholder,
        sa.literal(1).label("n"),
        raw.c.at.label("first"),
        raw.c.at.label("last"),
        raw.c.promise,
        _fade(sa.literal(at) - raw.c.at).label("strength"),
    )
    return sa.union_all(months, recent)  # type: ignore[return-value]


def summary_columns(
    at: int, *, first_bucket: int | None = None, where: Iterable[Any] = ()
) -> sa.Subquery:
    """Subquery: (officer, stakeholder, n, first, last, promise, strength) of every pair
    with a contact up to ``at`` (from ``first_bucket`` on), merged from :func:`_parts`;
    ``where`` filters the parts (on ``officer``/``stakeholder``)."""
    parts = _parts(at, first_bucket=first_bucket).subquery("parts")
    filtered = sa.select(
        parts,
        sa.func.max(parts.c.last)
        .over(partition_by=(parts.c.officer, parts.c.stakeholder))
        .label("top"),
    )
    for cond in where:
        filtered = filtered.where(cond(parts))
    f = filtered.subquery("f")
    return (
        sa.select(
            f.c.officer,
            f.c.stakeholder,
            sa.func.sum(f.c.n).label("n"),
            sa.func.min(f.c.first).label("first"),
            sa.func.max(f.c.last).label("last"),
            sa.func.min(sa.case((f.c.last == f.c.top, f.c.promise))).label("promise"),
            sa.func.sum(f.c.strength).label("strength"),
        )
        .group_by(f.c.officer, f.c.stakeholder)
        .subquery("pairs")
    )


def _current(at: int) -> sa.Subquery:
    """Subquery of the same columns from ``tie_pairs``: exact when ``at`` is at or after
    the newest contact."""
    p = t.tie_pairs.c
    return sa.select(
        p.officer,
        p.stakeholder,
        p.n,
        p.first,
        p.last,
        p.promise,
        (p.weight * _fade(sa.literal(at) - p.last)).label("strength"),
    ).subquery("pairs")


def pair_figures(conn: Connection, at: int, *, where: Iterable[Any] = ()) -> sa.Subquery:
    """Subquery: (officer, stakeholder, n, first, last, promise, strength) as of ``at``
    of every pair with a contact up to ``at``; ``where`` holds callables of the
    subquery's columns (officer/stakeholder filters) applied before grouping."""
    top = newest(conn)
    conds = list(where)
    if top is None or at >= top:
        sub = _current(at)
        if not conds:
            return sub
        q = sa.select(sub)
        for cond in conds:
            q = q.where(cond(sub))
        return q.subquery("pairs")
    return summary_columns(at, where=conds)


def window_lasts(conn: Connection, *, at: int, since: int) -> sa.Subquery:
    """Subquery: (officer, stakeholder, last, promise) of the pairs whose last contact up
    to ``at`` lies in ``(since, at]``; reads only the buckets of that window."""
    top = newest(conn)
    if top is None or at >= top:
        p = t.tie_pairs.c
        return (
            sa.select(p.officer, p.stakeholder, p.last, p.promise)
            .where(p.last > since)
            .subquery("recent")
        )
    sub = summary_columns(at, first_bucket=bucket_of(since + 1))
    return (
        sa.select(sub.c.officer, sub.c.stakeholder, sub.c.last, sub.c.promise)
        .where(sub.c.last > since)
        .subquery("recent")
    )


def broken_pairs(conn: Connection, *, at: int) -> sa.Subquery:
    """Subquery: (officer, stakeholder, last) of the pairs whose last contact up to
    ``at`` carried a promise (``follow_up_by``) that has passed by ``at``."""
    top = newest(conn)
    if top is None or at >= top:
        p = t.tie_pairs.c
        return sa.select(p.officer, p.stakeholder, p.last).where(p.promise <= at).subquery("broken")
    sub = summary_columns(at)
    return (
        sa.select(sub.c.officer, sub.c.stakeholder, sub.c.last)
        .where(sub.c.promise <= at)
        .subquery("broken")
    )


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


def present_pairs(sub: sa.Subquery, at: int) -> list[Any]:
    """Conditions keeping the pairs whose officer and stakeholder are part of the picture
    at ``at`` (checked once per pair, after grouping)."""
    gone = absent_keys(at)
    return [sub.c.officer.not_in(gone), sub.c.stakeholder.not_in(gone)]
