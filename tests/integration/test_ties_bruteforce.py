"""Officer ties, their explanation and the follow-up list, checked against a brute force.

Each example logs a small random contact log (``tests/interaction_logs.py``) through
``log_many`` and asks ``crm.interactions`` about several as-of times: before, between
and after the events, exactly at an event, at status boundaries (``last + c``, ``2c``,
``4c``) and at stakeholders' ``since``/``until``. The expected answers are computed in
plain Python from the list of interactions, never by rbp's own code. Every test runs
on in-memory SQLite, a SQLite file and the throwaway PostgreSQL server (``reused_db``
empties one database per backend before each example).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from typing import Any

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rbp
from rbp.engagement import Concern
from rbp.interactions import FollowUpReason, Interaction, InteractionKind, TieStatus
from rbp.plans import ActionPlan
from rbp.settings import Settings
from tests.databases import DB_KINDS, TZ
from tests.integration.conftest import ReusedDatabase
from tests.interaction_logs import (
    DAY_US,
    Log,
    expected_follow_ups,
    expected_parts,
    expected_ties,
    interaction_fields,
    logs,
    micros,
    pairs_of,
)

T_CONCERN = pendulum.datetime(2020, 1, 1)
EXAMPLES = 30


def _load(crm: rbp.Store, log: Log) -> list[int]:
    crm.directory.add_many(log.directory)
    crm.plans.create(ActionPlan("plan-1", title="Plan 1", problem="linked by some items"))
    crm.concerns.report(Concern(key="c-9", at=T_CONCERN, area="city", category="x", text="-"))
    ids = crm.interactions.log_many(iter(log.items))
    assert ids == range(1, len(log.items) + 1)
    return list(ids)


def check_ties(crm: rbp.Store, log: Log, ids: list[int], as_of: dt.datetime) -> None:
    """``ties(as_of=...)`` equals the brute force, field by field."""
    at = micros(as_of)
    want = expected_ties(log.people, log.interactions, ids, at, log.rules)
    got = crm.interactions.ties(as_of=as_of)
    assert [(t.officer, t.stakeholder) for t in got] == sorted(want)
    assert micros(got.as_of) == at
    for tie in got:
        expected = want[(tie.officer, tie.stakeholder)]
        assert tie.count == expected.count
        assert (micros(tie.first), micros(tie.last)) == (expected.first, expected.last)
        assert tie.first.timezone_name == TZ
        assert tie.last.timezone_name == TZ
        assert tie.strength == pytest.approx(expected.strength, rel=1e-9, abs=1e-300)
        assert tie.status is expected.status
        assert tie.cadence_days == expected.cadence_days
    officer = log.officers[at % len(log.officers)]
    mine = crm.interactions.ties(as_of=as_of, officer=officer)
    assert [t.stakeholder for t in mine] == sorted(s for o, s in want if o == officer)
    stakeholder = log.others[at % len(log.others)]
    theirs = crm.interactions.ties(as_of=as_of, stakeholder=stakeholder)
    assert [t.officer for t in theirs] == sorted(o for o, s in want if s == stakeholder)


def check_explain(crm: rbp.Store, log: Log, ids: list[int], as_of: dt.datetime) -> None:
    """Every pair that ever met, and one that never did: the parts are the shared
    contacts up to T, each weighs ``0.5 ** (age / half-life)``, and they sum to the
    tie's strength (no parts when there is no tie at T)."""
    at = micros(as_of)
    parts = expected_parts(log.people, log.interactions, ids, at)
    half_life_us = log.rules.half_life / dt.timedelta(microseconds=1)
    ties = crm.interactions.ties(as_of=as_of)
    officers = set(log.officers)
    met = {pair for i in log.interactions for pair in pairs_of(i, officers)}
    strangers = [(o, s) for o in log.officers for s in log.others if (o, s) not in met]
    for officer, stakeholder in sorted(met) + strangers[:1]:
        explained = crm.interactions.explain(officer, stakeholder, as_of=as_of)
        want = parts.get((officer, stakeholder), [])
        assert [(micros(p.at), p.interaction) for p in explained.parts] == want
        for p in explained.parts:
            age = at - micros(p.at)
            assert p.weight == pytest.approx(0.5 ** (age / half_life_us), rel=1e-12, abs=1e-300)
            assert p.age_days == pytest.approx(age / DAY_US, rel=1e-12)
        assert explained.half_life_days == pytest.approx(half_life_us / DAY_US, rel=1e-12)
        total = math.fsum(0.5 ** ((at - t) / half_life_us) for t, _ in want)
        assert explained.strength == pytest.approx(total, rel=1e-9, abs=1e-300)
        tie = ties.get(officer, stakeholder)
        if tie is None:
            assert explained.parts == ()
        else:
            assert explained.strength == pytest.approx(tie.strength, rel=1e-9, abs=1e-300)


def check_follow_ups(
    crm: rbp.Store, log: Log, ids: list[int], as_of: dt.datetime, officer: str | None = None
) -> None:
    """``follow_ups(as_of=..., officer=...)`` equals the brute force, most urgent first;
    ``overdue`` is its OVERDUE part, earliest promise first."""
    at = micros(as_of)
    want = expected_follow_ups(log.people, log.interactions, ids, at, log.rules, officer)
    got = crm.interactions.follow_ups(as_of=as_of, officer=officer)
    rows = [
        (
            f.officer,
            f.stakeholder,
            f.reason,
            micros(f.last),
            micros(f.due),
            micros(f.suggested),
            f.interaction,
        )
        for f in got
    ]
    assert Counter(rows) == Counter(want)
    order = [(r[5], r[0], r[1], r[2].value) for r in rows]
    assert order == sorted(order)
    overdue = crm.interactions.overdue(as_of=as_of, officer=officer)
    rows = [
        (
            f.officer,
            f.stakeholder,
            f.reason,
            micros(f.last),
            micros(f.due),
            micros(f.suggested),
            f.interaction,
        )
        for f in overdue
    ]
    assert Counter(rows) == Counter(r for r in want if r[2] is FollowUpReason.OVERDUE)
    order = [(r[4], r[0], r[1]) for r in rows]
    assert order == sorted(order)


# ----------------------------------------------------------------------------- ties


@settings(max_examples=EXAMPLES)
@given(log=logs())
def test_ties_match_brute_force(reused_db: ReusedDatabase, log: Log) -> None:
    crm = reused_db.store(log.rules.settings)
    ids = _load(crm, log)
    for as_of in log.as_of:
        check_ties(crm, log, ids, as_of)


@settings(max_examples=EXAMPLES)
@given(log=logs(custom_settings=True))
def test_ties_match_brute_force_with_other_settings(reused_db: ReusedDatabase, log: Log) -> None:
    crm = reused_db.store(log.rules.settings)
    ids = _load(crm, log)
    for as_of in log.as_of:
        check_ties(crm, log, ids, as_of)


# ----------------------------------------------------------------------------- explain


@settings(max_examples=EXAMPLES)
@given(log=logs(custom_settings=True))
def test_explain_parts_sum_to_the_tie_strength(reused_db: ReusedDatabase, log: Log) -> None:
    crm = reused_db.store(log.rules.settings)
    ids = _load(crm, log)
    for as_of in log.as_of:
        check_explain(crm, log, ids, as_of)


# ----------------------------------------------------------------------------- follow-ups


@settings(max_examples=EXAMPLES)
@given(log=st.one_of(logs(), logs(custom_settings=True)))
def test_follow_ups_match_brute_force(reused_db: ReusedDatabase, log: Log) -> None:
    crm = reused_db.store(log.rules.settings)
    ids = _load(crm, log)
    for as_of in log.as_of:
        check_follow_ups(crm, log, ids, as_of)
        check_follow_ups(crm, log, ids, as_of, log.officers[micros(as_of) % len(log.officers)])


# ----------------------------------------------------------------------------- as-of honesty


@st.composite
def logs_and_later(draw: st.DrawFn) -> tuple[Log, dt.datetime, list[Interaction]]:
    """A log, one of its as-of times T, and more interactions all after T."""
    log = draw(logs())
    as_of = draw(st.sampled_from(log.as_of))
    keys = [p.key for p in log.people]
    later = [
        Interaction(
            **interaction_fields(draw, keys, micros(as_of) + draw(st.integers(1, 400 * DAY_US)))
        )
        for _ in range(draw(st.integers(1, 8)))
    ]
    return log, as_of, later


def _answers(crm: rbp.Store, log: Log, as_of: dt.datetime) -> tuple[Any, ...]:
    ties = crm.interactions.ties(as_of=as_of)
    explained = [
        crm.interactions.explain(o, s, as_of=as_of) for o in log.officers for s in log.others
    ]
    return (
        [(t.officer, t.stakeholder, t.count, t.first, t.last, t.status) for t in ties],
        ties.strengths,
        list(crm.interactions.follow_ups(as_of=as_of)),
        [e.parts for e in explained],
    )


@settings(max_examples=EXAMPLES)
@given(case=logs_and_later())
def test_logging_later_interactions_never_changes_an_earlier_answer(
    reused_db: ReusedDatabase, case: tuple[Log, dt.datetime, list[Interaction]]
) -> None:
    log, as_of, later = case
    crm = reused_db.store(log.rules.settings)
    _load(crm, log)
    ties, strengths, follow_ups, parts = _answers(crm, log, as_of)
    crm.interactions.log_many(later)
    ties2, strengths2, follow_ups2, parts2 = _answers(crm, log, as_of)
    assert ties2 == ties
    assert strengths2 == pytest.approx(strengths, rel=1e-12)
    assert follow_ups2 == follow_ups
    assert parts2 == parts


# ----------------------------------------------------------------------------- worked examples


@pytest.mark.parametrize("kind", DB_KINDS)
def test_status_boundaries_and_follow_up_dates_worked_example(fresh_store: Any, kind: str) -> None:
    """A key member (cadence 30 days) last seen at t0: active up to t0 + 30 d exactly,
    cooling up to 60 d, dormant up to 120 d, lapsed after; a promise due at t0 + 7 d.
    Days are 24-hour days: the as-of times cross a DST change of the zone t0 is given in."""
    t0 = pendulum.datetime(2026, 1, 5, 9, 30, tz="America/New_York")

    def after(days: int, micro: int = 0) -> dt.datetime:
        return t0 + dt.timedelta(days=days, microseconds=micro)  # exact, not wall-clock

    with fresh_store(kind) as (crm, _sql):
        crm.directory.add_many(
            [rbp.Officer("P1"), rbp.CommunityMember("m-1", priority=rbp.Priority.KEY)]
        )
        crm.interactions.log(
            Interaction(
                at=t0,
                kind=InteractionKind.MEETING,
                participants=("P1", "m-1"),
                follow_up_by=after(7),
            )
        )
        expected = [
            (after(0), TieStatus.ACTIVE),
            (after(30), TieStatus.ACTIVE),
            (after(30, 1), TieStatus.COOLING),
            (after(60), TieStatus.COOLING),
            (after(60, 1), TieStatus.DORMANT),
            (after(120), TieStatus.DORMANT),
            (after(120, 1), TieStatus.LAPSED),
        ]
        for when, status in expected:
            (tie,) = crm.interactions.ties(as_of=when)
            assert tie.status is status, when
        assert len(crm.interactions.ties(as_of=after(0, -1))) == 0

        (overdue,) = crm.interactions.follow_ups(as_of=after(7))
        assert overdue.reason is FollowUpReason.OVERDUE
        assert micros(overdue.due) == micros(after(7))
        assert micros(overdue.suggested) == micros(after(7))
        assert overdue.interaction == 1
        assert len(crm.interactions.follow_ups(as_of=after(7, -1))) == 0

        cold = {f.reason: f for f in crm.interactions.follow_ups(as_of=after(45))}
        assert micros(cold[FollowUpReason.COOLING].due) == micros(after(30))
        assert micros(cold[FollowUpReason.COOLING].suggested) == micros(after(60))
        cold = {f.reason: f for f in crm.interactions.follow_ups(as_of=after(90))}
        assert micros(cold[FollowUpReason.DORMANT].due) == micros(after(30))
        assert micros(cold[FollowUpReason.DORMANT].suggested) == micros(after(120))

        # a contact after the interaction clears the promise; one at the same instant does not
        crm.interactions.log(Interaction(at=t0, kind="call", participants=("P1", "m-1")))
        assert [f.reason for f in crm.interactions.follow_ups(as_of=after(8))] == [
            FollowUpReason.OVERDUE
        ]
        crm.interactions.log(Interaction(at=after(3), kind="call", participants=("P1", "m-1")))
        assert len(crm.interactions.follow_ups(as_of=after(8))) == 0


@pytest.mark.parametrize("kind", DB_KINDS)
def test_ancient_contact_with_a_short_half_life_weighs_nothing(fresh_store: Any, kind: str) -> None:
    """0.5 ** (age / half-life) underflows past ~1075 half-lives: the tie is still there,
    with strength 0, on every backend (PostgreSQL's power() raises on underflow)."""
    half_life = pendulum.duration(hours=6)
    settings_ = Settings(half_life=half_life)
    t0 = pendulum.datetime(2024, 1, 1, tz="UTC")
    with fresh_store(kind, settings=settings_) as (crm, _sql):
        crm.directory.add_many([rbp.Officer("P1"), rbp.CommunityMember("m-1")])
        crm.interactions.log_many(
            Interaction(at=t0.add(days=d), kind="call", participants=("P1", "m-1"))
            for d in (0, 700)
        )
        as_of = t0.add(days=700, hours=12)
        (tie,) = crm.interactions.ties(as_of=as_of)
        assert tie.count == 2
        assert tie.strength == pytest.approx(0.25, rel=1e-9)  # the old contact adds 0
        assert tie.status is TieStatus.ACTIVE
        (tie,) = crm.interactions.ties(as_of=t0.add(days=900))
        assert tie.strength == pytest.approx(0.5 ** (200 * 4), rel=1e-9)
        (tie,) = crm.interactions.ties(as_of=t0.add(days=1900))
        assert tie.strength == 0.0
        assert tie.status is TieStatus.LAPSED
        explained = crm.interactions.explain("P1", "m-1", as_of=as_of)
        assert [p.weight for p in explained.parts] == [0.0, pytest.approx(0.25)]
