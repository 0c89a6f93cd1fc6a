"""The SQL and Python forms of each time rule in :mod:`rbp._queries.rules` agree, on
SQLite and on the real PostgreSQL the tests start.

Each example evaluates a batch of cases as one ``SELECT`` of the SQL expressions over
bound values (NULLs included) and compares with the Python functions, and both with
the plain definitions written out here.
"""

from __future__ import annotations

import bisect
import math
from typing import Any

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rbp._queries import rules
from rbp._time import MICROS_PER_DAY
from rbp.interactions import TieStatus
from tests.integration.conftest import ReusedDatabase

DAY = MICROS_PER_DAY
# Instants near a fixed T, so boundaries (equal, one microsecond off) come up often.
T0 = 1_780_000_000 * 1_000_000
instant = st.one_of(
    st.integers(T0 - 3 * DAY, T0 + 3 * DAY),
    st.sampled_from([T0 - 1, T0, T0 + 1]),
    st.integers(0, 2**53),
)
maybe = st.one_of(st.none(), instant)
SETTINGS = settings(
    derandomize=True,
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


def _big(value: int | None) -> Any:
    return sa.literal(value, sa.BigInteger) if value is not None else sa.null().cast(sa.BigInteger)


def _row(db: ReusedDatabase, *columns: Any) -> tuple[Any, ...]:
    with db.base.engine.connect() as conn:
        return tuple(conn.execute(sa.select(*columns)).one())


@SETTINGS
@given(cases=st.lists(st.tuples(maybe, maybe, instant), min_size=1, max_size=12))
def test_present(
    reused_db: ReusedDatabase, cases: list[tuple[int | None, int | None, int]]
) -> None:
    got = _row(
        reused_db,
        *(sa.case((rules.present_sql(_big(s), _big(u), at), 1), else_=0) for s, u, at in cases),
    )
    for (since, until, at), sql in zip(cases, got, strict=True):
        plain = not ((since is not None and since > at) or (until is not None and until < at))
        assert rules.present(since, until, at) is plain
        assert bool(sql) is plain, (since, until, at)


@SETTINGS
@given(cases=st.lists(st.tuples(instant, instant, st.integers(1, 400 * DAY)), max_size=12))
def test_within(reused_db: ReusedDatabase, cases: list[tuple[int, int, int]]) -> None:
    if not cases:
        return
    got = _row(
        reused_db,
        *(sa.case((rules.within_sql(_big(t), at, w), 1), else_=0) for t, at, w in cases),
    )
    for (t, at, w), sql in zip(cases, got, strict=True):
        plain = at - w < t <= at
        assert rules.within(t, at, w) is plain
        assert bool(sql) is plain


ages = st.one_of(
    st.integers(0, 800 * DAY),
    st.sampled_from([d * DAY + o for d in (30, 60, 120, 90, 180, 360, 720) for o in (-1, 0, 1)]),
)


@SETTINGS
@given(cases=st.lists(st.tuples(ages, st.sampled_from([30, 90, 180])), min_size=1, max_size=12))
def test_status(reused_db: ReusedDatabase, cases: list[tuple[int, int]]) -> None:
    got = _row(reused_db, *(rules.status_sql(_big(age), _big(c * DAY)) for age, c in cases))
    for (age, c), sql in zip(cases, got, strict=True):
        plain = (
            TieStatus.ACTIVE
            if age <= c * DAY
            else TieStatus.COOLING
            if age <= 2 * c * DAY
            else TieStatus.DORMANT
            if age <= 4 * c * DAY
            else TieStatus.LAPSED
        )
        assert rules.status(age, c * DAY) is plain
        assert rules.status_of(age, c) is plain
        limits = rules.status_limits(c * DAY)
        assert rules.STATUS_ORDER[bisect.bisect_left(limits, age)] is plain
        assert sql == plain.value


@SETTINGS
@given(
    cases=st.lists(
        st.tuples(st.integers(0, 10_000 * DAY), st.integers(DAY // 24, 365 * DAY)),
        min_size=1,
        max_size=12,
    )
)
def test_decay(reused_db: ReusedDatabase, cases: list[tuple[int, int]]) -> None:
    got = _row(reused_db, *(rules.decay_sql(_big(age), half_life=hl) for age, hl in cases))
    for (age, hl), sql in zip(cases, got, strict=True):
        plain = 0.5 ** (age / hl)
        assert math.isclose(rules.decay(age, half_life=hl), plain, rel_tol=1e-12, abs_tol=1e-300)
        assert math.isclose(float(sql), plain, rel_tol=1e-9, abs_tol=1e-300), (age, hl)


@SETTINGS
@given(cases=st.lists(st.tuples(maybe, instant), min_size=1, max_size=12))
def test_promise_passed(reused_db: ReusedDatabase, cases: list[tuple[int | None, int]]) -> None:
    got = _row(
        reused_db,
        *(sa.case((rules.promise_passed_sql(_big(f), at), 1), else_=0) for f, at in cases),
    )
    for (follow_up_by, at), sql in zip(cases, got, strict=True):
        plain = follow_up_by is not None and follow_up_by <= at
        assert rules.promise_passed(follow_up_by, at) is plain
        assert bool(sql) is plain
