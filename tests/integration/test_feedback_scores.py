"""CPSS, the PJ index and their suppression against an independent pandas computation.

Hypothesis draws interactions (officers, members, one or more beats, sometimes two
beats of one district) and responses with any mix of answered items, dated around the
window's edges; the store's answer by None, officer and area must equal what pandas
computes from the drawn data alone (the definitions of DESIGN section 1, written here
again), on SQLite and PostgreSQL.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rbp
from rbp.engagement import Response
from rbp.interactions import Interaction
from tests.databases import TZ
from tests.integration.conftest import ReusedDatabase

T0 = pendulum.datetime(2026, 1, 5, 9, tz=TZ)
AS_OF = T0.add(days=30)
WINDOW = pendulum.duration(days=10)
PARENT = {"city": None, "d-1": "city", "d-2": "city", "b-11": "d-1", "b-12": "d-1", "b-21": "d-2"}
BEATS = ("b-11", "b-12", "b-21")
OFFICERS = ("P1", "P2", "P3")
MEMBERS = ("m-1", "m-2", "m-3")
ITEMS = ("respect", "voice", "neutrality", "trust")


def _world(crm: rbp.Store) -> None:
    crm.directory.add_many(
        [rbp.Area(k, parent=p) for k, p in PARENT.items()]
        + [rbp.Officer(k) for k in OFFICERS]
        + [rbp.CommunityMember(k) for k in MEMBERS]
    )


answer = st.one_of(st.none(), st.integers(1, 5))
interactions = st.lists(
    st.tuples(
        st.sets(st.sampled_from(OFFICERS), min_size=1),
        st.sets(st.sampled_from(MEMBERS), min_size=1),
        st.sets(st.sampled_from(BEATS)),
    ),
    min_size=1,
    max_size=5,
)
responses = st.lists(
    st.tuples(
        st.integers(0, 4),  # which interaction (modulo how many)
        st.sampled_from([20, 21, 25, 30, 30, 31]),  # days after T0: 20 is the window's open end
        answer,
        st.tuples(answer, answer, answer, answer),
    ),
    min_size=3,
    max_size=40,
)


def _closure(area: str) -> set[str]:
    out = set()
    node: str | None = area
    while node is not None:
        out.add(node)
        node = PARENT[node]
    return out


def _expected(frame: pd.DataFrame, min_n: int) -> dict[str, Any]:
    """(n, cpss, pj_n, pj) from the responses in ``frame`` by the definitions."""
    with_overall = frame[frame["overall"].notna()]
    n = len(with_overall)
    cpss = 100.0 * (with_overall["overall"] >= 4).sum() / n if n >= min_n else None
    pj_rows = frame[list(ITEMS)].dropna(how="all")
    pj_n = len(pj_rows)
    mean = pj_rows.mean(axis=1, skipna=True).mean() if pj_n else None
    pj = (mean - 1) / 4 * 100 if pj_n >= min_n and mean is not None else None
    return {"n": n, "score": cpss, "pj_n": pj_n, "pj": pj}


def _same(got: Any, want: dict[str, Any]) -> None:
    assert got.n == want["n"]
    assert got.pj_n == want["pj_n"]
    for name in ("score", "pj"):
        if want[name] is None:
            assert getattr(got, name) is None
        else:
            assert getattr(got, name) == pytest.approx(want[name], abs=1e-9)


@settings(max_examples=40, derandomize=True, deadline=None)
@given(drawn=interactions, answers=responses, min_n=st.integers(1, 4))
def test_cpss_and_pj_agree_with_pandas(
    reused_db: ReusedDatabase, drawn: list[Any], answers: list[Any], min_n: int
) -> None:
    crm = reused_db.store()
    _world(crm)
    ids = [
        crm.interactions.log(
            Interaction(at=T0, kind="meeting", participants=(*o, *m), areas=tuple(a))
        )
        for o, m, a in drawn
    ]
    rows = []
    for which, day, overall, pj in answers:
        i = which % len(ids)
        at = T0.add(days=day)
        crm.feedback.record(
            Response(
                at=at, interaction=ids[i], overall=overall, **dict(zip(ITEMS, pj, strict=True))
            )
        )
        if AS_OF.subtract(days=10) < at <= AS_OF:  # the window, written again
            rows.append({"i": i, "overall": overall, **dict(zip(ITEMS, pj, strict=True))})
    frame = pd.DataFrame(rows, columns=["i", "overall", *ITEMS], dtype="float64")

    whole = crm.feedback.cpss(as_of=AS_OF, window=WINDOW, min_n=min_n)
    _same(whole, _expected(frame, min_n))
    assert whole.groups == {}

    by_officer = crm.feedback.cpss(as_of=AS_OF, window=WINDOW, by="officer", min_n=min_n)
    officers = {k: [i for i, (o, _, _) in enumerate(drawn) if k in o] for k in OFFICERS}
    want = {k: frame[frame["i"].isin(v)] for k, v in officers.items()}
    want = {k: f for k, f in want.items() if len(f)}
    assert set(by_officer.groups) == set(want)
    for k, f in want.items():
        _same(by_officer.groups[k], _expected(f, min_n))

    by_area = crm.feedback.cpss(as_of=AS_OF, window=WINDOW, by="area", min_n=min_n)
    places = {
        k: [i for i, (_, _, a) in enumerate(drawn) if any(k in _closure(b) for b in a)]
        for k in PARENT
    }
    want = {k: frame[frame["i"].isin(v)] for k, v in places.items()}
    want = {k: f for k, f in want.items() if len(f)}
    assert set(by_area.groups) == set(want)
    for k, f in want.items():
        _same(by_area.groups[k], _expected(f, min_n))


def test_the_default_threshold_hides_small_groups(reused_db: ReusedDatabase) -> None:
    crm = reused_db.store()
    _world(crm)
    one = crm.interactions.log(
        Interaction(at=T0, kind="call", participants=("P1", "m-1"), areas=("b-11",))
    )
    two = crm.interactions.log(
        Interaction(at=T0, kind="call", participants=("P2", "m-2"), areas=("b-21",))
    )
    crm.feedback.record_many(
        [Response(at=T0, interaction=one, overall=5, voice=5) for _ in range(5)]
        + [Response(at=T0, interaction=two, overall=1, voice=1) for _ in range(4)]
    )
    s = crm.feedback.cpss(as_of=T0.add(days=1), by="officer")
    assert (s.groups["P1"].score, s.groups["P1"].pj, s.groups["P1"].n) == (100.0, 100.0, 5)
    assert (s.groups["P2"].score, s.groups["P2"].pj, s.groups["P2"].n) == (None, None, 4)
    assert s.min_n == 5
    assert s.score == pytest.approx(500 / 9)
    assert s.to_frame()["officer"].tolist() == ["P1", "P2"]


def test_a_monthly_trend_counts_each_month_in_the_agency_zone(reused_db: ReusedDatabase) -> None:
    crm = reused_db.store()
    _world(crm)
    iid = crm.interactions.log(Interaction(at=T0, kind="call", participants=("P1", "m-1")))
    # 23:30 on Jan 31 in Chicago is February in UTC: it belongs to January here.
    late = pendulum.datetime(2026, 1, 31, 23, 30, tz=TZ)
    crm.feedback.record_many(
        [
            Response(at=late, interaction=iid, overall=5),
            Response(at=pendulum.datetime(2026, 2, 1, 0, 30, tz=TZ), interaction=iid, overall=2),
            Response(at=pendulum.datetime(2026, 3, 9, tz=TZ), interaction=iid, respect=3),
        ]
    )
    points = crm.feedback.trend(start=T0, end=pendulum.datetime(2026, 3, 31, tz=TZ), min_n=1)
    got = [(p.month, p.n, p.score, p.pj_n, p.pj) for p in points]
    assert got == [
        ("2026-01", 1, 100.0, 0, None),
        ("2026-02", 1, 0.0, 0, None),
        ("2026-03", 0, None, 1, 50.0),
    ]


def test_a_trend_of_one_area_or_one_officer(reused_db: ReusedDatabase) -> None:
    crm = reused_db.store()
    _world(crm)
    north = crm.interactions.log(
        Interaction(at=T0, kind="call", participants=("P1", "m-1"), areas=("b-11",))
    )
    south = crm.interactions.log(
        Interaction(at=T0, kind="call", participants=("P2", "m-2"), areas=("b-21",))
    )
    crm.feedback.record_many(
        [Response(at=T0.add(days=d), interaction=north, overall=5) for d in (1, 2, 40)]
        + [Response(at=T0.add(days=3), interaction=south, overall=1)]
    )
    end = T0.add(days=40)
    by_area = crm.feedback.trend(start=T0, end=end, area="d-1", min_n=1)
    assert [(p.month, p.n, p.score) for p in by_area] == [
        ("2026-01", 2, 100.0),
        ("2026-02", 1, 100.0),
    ]
    by_officer = crm.feedback.trend(start=T0, end=end, officer="P2", min_n=1)
    assert [(p.n, p.score) for p in by_officer] == [(1, 0.0), (0, None)]
    everyone = crm.feedback.trend(start=T0, end=end, min_n=1)
    assert [p.n for p in everyone] == [3, 1]
    with pytest.raises(rbp.UnknownKeyError):
        crm.feedback.trend(start=T0, end=end, officer="m-1")
    with pytest.raises(rbp.ValidationError):
        crm.feedback.trend(start=T0, end=end, officer="P1", area="d-1")
