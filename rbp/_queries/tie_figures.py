"""Officer-tie figures as of T, read as plain rows for answers of every tie.

:func:`figure_pieces` gives each pair's (officer, stakeholder, count, first, last,
strength) as of T, ordered by officer and stakeholder, for the people part of the
picture at T, a piece at a time (:func:`figure_rows` in one list,
:func:`figure_columns` column-wise, so that the driver's tuples never all live at
once). It reads one row per pair from ``tie_pairs`` when T is at or after the newest
contact; before that, the pairs touched after T are folded from their
checkpoints and the raw contacts of T's bucket (:mod:`rbp._queries.pairs`).

Nothing is joined per pair: the people absent at T are a small set read once and
dropped in Python, and the stakeholders' priorities (:func:`priorities`) are a dict
looked up by key. A join of a million pairs to the stakeholders' wide rows costs
several times the read of the pairs themselves.

Examples
--------
>>> from rbp._time import to_micros
>>> with crm.engine.connect() as conn:
...     rows = figure_rows(conn, at=to_micros(T), officer="P0012")
...     kinds = priorities(conn, {k for _, k, *_ in rows})
>>> len(rows), rows[0][:3], kinds.get("m-000001"), sorted(set(kinds.values()))
(63, ('P0012', 'm-000001', 2), 'low', ['key', 'low', 'regular'])
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterator, Sequence
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from rbp import _schema as t
from rbp._queries.batch import CHUNK, chunks, plain_rows
from rbp._queries.pairs import BUCKET, HALF_LIFE, OFFICER, bucket_of, newest, raw_strengths
from rbp._queries.rules import absent_keys, decay_sql, present_sql
from rbp._time import duration_micros

__all__ = [
    "PIECE",
    "Columns",
    "Figure",
    "absent",
    "figure_columns",
    "figure_pieces",
    "figure_rows",
    "priorities",
]

Figure = tuple[str, str, int, int, int, float]
"""(officer, stakeholder, count, first, last, strength) of one pair as of T."""

Where = Sequence[Callable[[Any], Any]]


def absent(conn: Connection, at: int) -> frozenset[str]:
    """Keys of the stakeholders not part of the picture at ``at`` (a few per cent of
    them: one read of the stakeholders)."""
    return frozenset(str(key) for (key,) in plain_rows(conn, absent_keys(at)))


def priorities(
    conn: Connection, keys: Collection[str] | None = None, *, besides: str | None = None
) -> dict[str, str]:
    """Priority of each stakeholder that has one (of ``keys``; every one when None).

    A key missing from the answer has no priority (None); with ``besides``, those of
    that priority are left out too. A few thousand keys are looked up by the primary
    key, more are read in one pass over the table.
    """
    s = t.stakeholders.c
    q = sa.select(s.key, s.priority).where(s.priority.is_not(None))
    if besides is not None:
        q = q.where(s.priority != besides)
    if keys is None or len(keys) > CHUNK:
        return dict(plain_rows(conn, q))
    out: dict[str, str] = {}
    for chunk in chunks(sorted(keys)):
        out.update(plain_rows(conn, q.where(s.key.in_(chunk))))
    return out


def _fade(age: Any) -> Any:
    return decay_sql(age, half_life=HALF_LIFE)


def _int(column: Any) -> Any:
    """A sum of integers as an integer (PostgreSQL sums BIGINT to NUMERIC)."""
    return sa.cast(sa.func.sum(column), sa.BigInteger)


def _settled(at: int, where: Where, *, sqlite: bool = False) -> sa.Select[Any]:
    """Pairs with no contact after ``at``: their stored summary is their answer.

    ``sqlite``: the decay has no underflow test (SQLite's ``power()`` is 0.0 there, as
    the test would say: :func:`~rbp._queries.rules.decay_sql`).
    """
    p = t.tie_pairs
    fade = decay_sql(sa.literal(at) - p.c.last, half_life=HALF_LIFE, guarded=not sqlite)
    return sa.select(
        p.c.officer,
        p.c.stakeholder,
        p.c.n,
        p.c.first,
        p.c.last,
        (p.c.weight * fade).label("strength"),
    ).where(p.c.last <= at, *(cond(p) for cond in where))


def _present_officers(at: int) -> sa.Select[tuple[str]]:
    """Keys of the officers part of the picture at ``at`` (by the stakeholders' kind
    index: ten thousand rows in a city)."""
    s = t.stakeholders.c
    return sa.select(s.key).where(s.kind == OFFICER, present_sql(s.since, s.until, at))


def _touched(at: int, where: Where) -> sa.Select[Any]:
    """Pairs with a contact after ``at``, folded from their checkpoints before ``at``'s
    bucket and their raw contacts in it up to ``at``.

    The checkpoints are grouped in the order the pairs are read (each pair's are one
    range of the ``tie_months`` key), so no checkpoint row is sorted; only the folded
    pairs and the bucket's raw contacts are grouped again.
    """
    p, m = t.tie_pairs, t.tie_months.c
    b = bucket_of(at)
    months = (
        sa.select(
            p.c.officer,
            p.c.stakeholder,
            _int(m.n).label("n"),
            sa.func.min(m.first).label("first"),
            sa.func.max(m.last).label("last"),
            sa.func.sum(m.weight * _fade(sa.literal(at) - m.last)).label("strength"),
        )
        .join_from(
            p,
            t.tie_months,
            # The pair's side is wrapped so that no planner reads every checkpoint and
            # looks each pair up: the touched pairs come first, then their range.
            sa.and_(
                m.officer == sa.func.coalesce(p.c.officer, ""),
                m.stakeholder == sa.func.coalesce(p.c.stakeholder, ""),
            ),
        )
        .where(p.c.last > at, m.bucket < b, *(cond(p) for cond in where))
        .group_by(p.c.officer, p.c.stakeholder)
    )
    # The bucket's raw contacts of the touched pairs: each interaction's participants
    # paired and probed in ``tie_pairs``, which holds only officer x non-officer pairs
    # (a stakeholder's kind never changes), so no participant's kind is read.
    i = t.interactions.c
    po, pk = t.participants.alias("po"), t.participants.alias("pk")
    lo = b * BUCKET - 1
    recent = (
        sa.select(
            po.c.stakeholder.label("officer"),
            pk.c.stakeholder.label("stakeholder"),
            sa.literal(1).label("n"),
            i.at.label("first"),
            i.at.label("last"),
            _fade(sa.literal(at) - i.at).label("strength"),
        )
        .select_from(t.interactions)
        .join(po, sa.and_(po.c.interaction_id == i.id, po.c.at == i.at))
        .join(pk, sa.and_(pk.c.interaction_id == i.id, pk.c.at == i.at))
        .join(p, sa.and_(p.c.officer == po.c.stakeholder, p.c.stakeholder == pk.c.stakeholder))
        # the participants' own times are bounded too, for a store partitioned by time
        .where(i.at > lo, i.at <= at, po.c.at > lo, po.c.at <= at, pk.c.at > lo, pk.c.at <= at)
        .where(p.c.last > at, *(cond(p) for cond in where))
    )
    parts = sa.union_all(months, recent).subquery("parts")
    return sa.select(
        parts.c.officer,
        parts.c.stakeholder,
        _int(parts.c.n).label("n"),
        sa.func.min(parts.c.first).label("first"),
        sa.func.max(parts.c.last).label("last"),
        sa.func.sum(parts.c.strength).label("strength"),
    ).group_by(parts.c.officer, parts.c.stakeholder)


class Columns:
    """Figure rows held column-wise: one list per field, filled piece by piece."""

    def __init__(self) -> None:
        self.officers: list[str] = []
        self.stakeholders: list[str] = []
        self.counts: list[int] = []
        self.first_us: list[int] = []
        self.last_us: list[int] = []
        self.strengths: list[float] = []

    def __len__(self) -> int:
        return len(self.officers)

    def extend(self, rows: Sequence[Figure]) -> None:
        """Append ``rows`` (one pass per column: no tuple per column)."""
        self.officers += [r[0] for r in rows]
        self.stakeholders += [r[1] for r in rows]
        self.counts += [r[2] for r in rows]
        self.first_us += [r[3] for r in rows]
        self.last_us += [r[4] for r in rows]
        self.strengths += [r[5] for r in rows]


def _statement(
    conn: Connection,
    at: int,
    *,
    officer: str | None,
    stakeholder: str | None,
    since: int | None,
    officers: Collection[str] | None,
    stakeholders: Collection[str] | None,
    top: int | None,
    present: bool = False,
) -> sa.Select[Any]:
    """The figures' statement; ``present``: for a whole answer at or after ``top`` (the
    newest contact), the officers absent at ``at`` are left out by the statement (each
    present officer's pairs are one range of the key: nothing is sorted)."""
    where: list[Callable[[Any], Any]] = []
    if officer is not None:
        where.append(lambda q: q.c.officer == officer)
    if stakeholder is not None:
        where.append(lambda q: q.c.stakeholder == stakeholder)
    if officers is not None:
        wanted_o = list(officers)
        where.append(lambda q: q.c.officer.in_(wanted_o))
    if stakeholders is not None:
        wanted_s = list(stakeholders)
        where.append(lambda q: q.c.stakeholder.in_(wanted_s))
    if top is None or at >= top:
        # the usual case: one read of the pairs in key order, no sort
        p = t.tie_pairs.c
        q = _settled(at, where, sqlite=conn.dialect.name == "sqlite").order_by(
            p.officer, p.stakeholder
        )
        if present:
            q = q.where(p.officer.in_(_present_officers(at)))
        if since is not None:
            q = q.where(t.tie_pairs.c.last > since)
        return q
    sub = sa.union_all(_settled(at, where), _touched(at, where)).subquery("figures")
    q = sa.select(sub).order_by(sub.c.officer, sub.c.stakeholder)
    if since is not None:
        q = q.where(sub.c.last > since)
    return q


PIECE = 1_000
"""Rows fetched from the driver at a time: the driver's tuples of one piece are
dropped before the next is read. A small piece is turned into columns while its
tuples are still in the processor's cache, and the next piece's tuples reuse their
memory: a city's million ties are read into columns 15-20 % faster than in pieces of
50,000."""


def figure_pieces(
    conn: Connection,
    *,
    at: int,
    half_life: dt.timedelta | None = None,
    officer: str | None = None,
    stakeholder: str | None = None,
    since: int | None = None,
    officers: Collection[str] | None = None,
    stakeholders: Collection[str] | None = None,
    everyone: bool = False,
) -> Iterator[list[Figure]]:
    """(officer, stakeholder, count, first, last, strength) of every pair with a contact
    up to ``at`` whose officer and stakeholder are part of the picture at ``at``,
    ordered by officer and stakeholder, in pieces of at most :data:`PIECE` rows.

    ``strength`` is for ``half_life`` (default :data:`~rbp._queries.pairs.HALF_LIFE`).
    With ``since``, only pairs whose last contact up to ``at`` is after ``since``.
    ``officer``/``stakeholder`` keep one key's pairs, ``officers``/``stakeholders``
    those keys' pairs. Read the pieces to the end before running another statement.
    ``everyone``: the pairs of stakeholders not in the picture at ``at`` are left in
    (a caller that drops them anyway, as the graph does: no test per row here).
    """
    top = newest(conn)
    # A whole answer on SQLite leaves the absent officers out in SQL (a few hundred
    # officers' pairs, tens of thousands of rows not read); then only the stakeholders
    # are tested. (Elsewhere the plan of the semi-join is the server's: not measured.)
    present = (
        conn.dialect.name == "sqlite"
        and not everyone
        and (top is None or at >= top)
        and officer is None
        and stakeholder is None
        and officers is None
        and stakeholders is None
    )
    q = _statement(
        conn,
        at,
        officer=officer,
        stakeholder=stakeholder,
        since=since,
        officers=officers,
        stakeholders=stakeholders,
        top=top,
        present=present,
    )
    gone = frozenset() if everyone else absent(conn, at)
    other: dict[tuple[str, str], float] | None = None
    if half_life is not None and duration_micros(half_life) != HALF_LIFE:
        other = raw_strengths(
            conn,
            at=at,
            half_life=half_life,
            officers=officers if officer is None else [officer],
            stakeholders=stakeholders if stakeholder is None else [stakeholder],
        )
    # the driver's own tuples, as in plain_rows, a piece at a time
    result = conn.execute(q, execution_options={"stream_results": False, "yield_per": None})
    try:
        cursor = result.cursor
        while cursor is not None and (piece := cursor.fetchmany(PIECE)):
            rows = cast("list[Figure]", piece)
            if gone and present:
                rows = [r for r in rows if r[1] not in gone]
            elif gone:
                rows = [r for r in rows if r[0] not in gone and r[1] not in gone]
            if other is not None:
                rows = [(o, k, n, f, last, other.get((o, k), 0.0)) for o, k, n, f, last, _ in rows]
            yield rows
    finally:
        result.close()


def figure_rows(
    conn: Connection,
    *,
    at: int,
    half_life: dt.timedelta | None = None,
    officer: str | None = None,
    stakeholder: str | None = None,
    since: int | None = None,
    officers: Collection[str] | None = None,
    stakeholders: Collection[str] | None = None,
) -> list[Figure]:
    """Every row of :func:`figure_pieces` (the same arguments), in one list."""
    pieces = figure_pieces(
        conn,
        at=at,
        half_life=half_life,
        officer=officer,
        stakeholder=stakeholder,
        since=since,
        officers=officers,
        stakeholders=stakeholders,
    )
    return [row for piece in pieces for row in piece]


def figure_columns(
    conn: Connection,
    *,
    at: int,
    half_life: dt.timedelta | None = None,
    officer: str | None = None,
    stakeholder: str | None = None,
) -> Columns:
    """The rows of :func:`figure_pieces` (the same arguments) column-wise: no row is
    kept."""
    columns = Columns()
    for piece in figure_pieces(
        conn, at=at, half_life=half_life, officer=officer, stakeholder=stakeholder
    ):
        columns.extend(piece)
    return columns
