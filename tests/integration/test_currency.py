"""Policy and training currency against a plain loop over the drawn history, on every
backend; refusals; the directory's Training records as the one truth; the gap by area."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pendulum
import pytest
from hypothesis import given, settings

import rbp
from rbp.accountability import Course, Policy
from rbp.settings import Settings
from tests.databases import TZ, PlainSQL
from tests.integration.conftest import ReusedDatabase
from tests.strategies import Accountable, accountable_histories

T0 = pendulum.datetime(2025, 1, 1, tz=TZ)
DUE_SOON = 60


def _at(hours: int) -> pendulum.DateTime:
    return T0.add(hours=hours)


def _date(hours: int) -> pendulum.Date:
    local = _at(hours).in_timezone(TZ)
    return pendulum.Date(local.year, local.month, local.day)


def _load(crm: rbp.Store, h: Accountable) -> None:
    crm.directory.add_many(
        [rbp.Area("d-1"), rbp.Area("b-1", parent="d-1"), rbp.Area("b-2", parent="d-1")]
    )
    by_directory = defaultdict(list)
    for officer, course, at_h, direct in h.trainings:
        if direct:
            by_directory[officer].append(rbp.Training(course, _date(at_h)))
    crm.directory.add_many(
        [
            rbp.Officer(
                key,
                unit=unit,
                areas=(beat,),
                since=None if since is None else _at(since),
                until=None if until is None else _at(until),
                active=active,
                trainings=tuple(by_directory[key]),
            )
            for key, unit, beat, since, until, active in h.officers
        ]
    )
    for policy, version, eff in h.versions:
        crm.accountability.publish(
            Policy(policy, title=policy.upper(), version=version, effective=_at(eff))
        )
    for officer, policy, version, at_h in h.acks:
        crm.accountability.acknowledge(officer, policy, version=version, at=_at(at_h))
    for key, every, units in h.courses:
        crm.accountability.require(
            Course(key, title=key, every=pendulum.duration(days=every), units=units)
        )
    for officer, course, at_h, direct in h.trainings:
        if not direct:
            crm.accountability.record_training(officer, course, at=_at(at_h))


def _oracle(h: Accountable) -> dict[str, tuple[set[str], set[str], set[str]]]:
    """officer -> (unacknowledged, lapsed, due soon), by the rules in plain Python."""
    now = _at(h.as_of_h)
    today = _date(h.as_of_h)
    grace = pendulum.duration(days=h.grace_days)
    out = {}
    for key, unit, _beat, since, until, active in h.officers:
        if not active or (since is not None and _at(since) > now):
            continue
        if until is not None and _at(until) < now:
            continue
        unack = set()
        for policy in {p for p, _, _ in h.versions}:
            mine = [(eff, v) for p, v, eff in h.versions if p == policy and _at(eff) <= now]
            if not mine:
                continue
            eff, version = max(mine)
            acked = any(
                o == key and p == policy and v == version and _at(a) <= now for o, p, v, a in h.acks
            )
            start = _at(eff) if since is None else max(_at(eff), _at(since))
            if not acked and now - start > grace:
                unack.add(policy)
        lapsed, due = set(), set()
        for course, every, units in h.courses:
            if units and unit not in units:
                continue
            dates = [_date(a) for o, c, a, _ in h.trainings if o == key and c == course]
            dates = [d for d in dates if d <= today]
            if not dates:
                lapsed.add(course)
                continue
            expires = max(dates).add(days=every)
            if expires <= today:
                lapsed.add(course)
            elif expires <= today.add(days=DUE_SOON):
                due.add(course)
        out[key] = (unack, lapsed, due)
    return out


@settings(max_examples=80, derandomize=True, deadline=None)
@given(h=accountable_histories())
def test_currency_agrees_with_a_plain_loop(reused_db: ReusedDatabase, h: Accountable) -> None:
    crm = reused_db.store(Settings(policy_grace=pendulum.duration(days=h.grace_days)))
    _load(crm, h)
    as_of = _at(h.as_of_h)
    got = crm.accountability.currency(as_of=as_of)
    expected = _oracle(h)
    assert {
        k: (set(o.unacknowledged), set(o.lapsed), set(o.due_soon)) for k, o in got.officers.items()
    } == expected
    current = [k for k, (u, lapsed, _) in expected.items() if not u and not lapsed]
    assert got.ratio == (len(current) / len(expected) if expected else None)
    # The gap in crm.graph.gaps: each out-of-currency officer under their beat and d-1.
    beats = {o[0]: o[2] for o in h.officers}
    by_area: dict[str, set[str]] = defaultdict(set)
    for k in set(expected) - set(current):
        by_area[beats[k]].add(k)
        by_area["d-1"].add(k)
    gaps = crm.graph.gaps(as_of=as_of)
    assert {a: set(keys) for a, keys in gaps.out_of_currency.items()} == by_area
    # One truth: every training, however recorded, is a row of the directory's table.
    rows = reused_db.sql.rows("SELECT officer, name, completed FROM officer_trainings")
    stored = {
        (
            o,
            n,
            pendulum.Date(d.year, d.month, d.day)
            if not isinstance(d, str)
            else pendulum.parse(d).date(),
        )
        for o, n, d in rows
    }
    assert stored == {(o, c, _date(a)) for o, c, a, _ in h.trainings}


def _small(crm: rbp.Store) -> None:
    crm.directory.add_many(
        [rbp.Area("b-1"), rbp.Officer("P1", areas=("b-1",)), rbp.CommunityMember("m-1", area="b-1")]
    )
    crm.accountability.publish(Policy("uof", title="Use of force", version="1", effective=T0))
    crm.accountability.require(Course("cit", title="CIT", every=pendulum.duration(days=365)))


@pytest.mark.parametrize(
    ("call", "error", "field"),
    [
        (lambda c: c.acknowledge("P9", "uof", version="1", at=T0), rbp.UnknownKeyError, "officer"),
        (lambda c: c.acknowledge("m-1", "uof", version="1", at=T0), rbp.UnknownKeyError, "officer"),
        (lambda c: c.acknowledge("P1", "dti", version="1", at=T0), rbp.UnknownKeyError, "policy"),
        (lambda c: c.acknowledge("P1", "uof", version="2", at=T0), rbp.UnknownKeyError, "version"),
        (
            lambda c: c.acknowledge("P1", "uof", at=T0.subtract(days=1)),
            rbp.ValidationError,
            "version",
        ),
        (lambda c: c.record_training("P1", "yoga", at=T0), rbp.UnknownKeyError, "course"),
        (lambda c: c.record_training("m-1", "cit", at=T0), rbp.UnknownKeyError, "officer"),
        (
            lambda c: c.publish(Policy("uof", title="x", version="1", effective=T0.add(days=1))),
            rbp.DuplicateKeyError,
            "version",
        ),
        (
            lambda c: c.publish(Policy("uof", title="x", version="2", effective=T0)),
            rbp.DuplicateKeyError,
            "version",
        ),
        (lambda c: c.history("dti"), rbp.UnknownKeyError, "policy"),
    ],
)
def test_refusals_name_the_field_and_write_nothing(
    crm: rbp.Store, sql: PlainSQL, call: Any, error: type[Exception], field: str
) -> None:
    _small(crm)
    before = sql.snapshot()
    with pytest.raises(error) as info:
        call(crm.accountability)
    assert getattr(info.value, "field", None) == field
    assert sql.snapshot() == before


def test_versions_are_kept_and_answer_as_of(crm: rbp.Store, sql: PlainSQL) -> None:
    _small(crm)
    crm.accountability.publish(
        Policy(
            "uof",
            title="Use of force",
            version="2",
            effective=T0.add(days=100),
            url="https://agency.example/uof",
            summary="Revised.",
        )
    )
    assert [v.version for v in crm.accountability.history("uof")] == ["1", "2"]
    assert [v.version for v in crm.accountability.policies(as_of=T0.add(days=99))] == ["1"]
    assert [v.version for v in crm.accountability.policies(as_of=T0.add(days=100))] == ["2"]
    assert list(crm.accountability.policies(as_of=T0.subtract(seconds=1))) == []
    assert sql.rows("SELECT policy, version FROM policy_versions ORDER BY effective") == [
        ("uof", "1"),
        ("uof", "2"),
    ]
    # Acknowledging again keeps the earliest time.
    crm.accountability.acknowledge("P1", "uof", version="2", at=T0.add(days=120))
    crm.accountability.acknowledge("P1", "uof", version="2", at=T0.add(days=110))
    crm.accountability.acknowledge("P1", "uof", version="2", at=T0.add(days=130))
    from rbp._time import to_micros

    assert sql.rows("SELECT at FROM policy_acks") == [(to_micros(T0.add(days=110)),)]


def test_the_currency_page_and_frame_carry_keys_only(crm: rbp.Store) -> None:
    _small(crm)
    crm.directory.update("P1", name="Alex Secretname")
    c = crm.accountability.currency(as_of=T0.add(days=40))
    frame = c.to_frame()
    assert list(frame["officer"]) == ["P1"]
    assert frame.loc[0, "unacknowledged"] == "uof"
    assert frame.loc[0, "lapsed"] == "cit"
    page = c.to_html()
    assert "Secretname" not in page
    assert "Secretname" not in repr(c)
    assert "Training and policy currency" in page


@pytest.mark.parametrize(
    ("days", "due", "lapsed"),
    [(304, (), ()), (305, ("cit",), ()), (364, ("cit",), ()), (365, (), ("cit",))],
)
def test_renewal_edges_by_calendar_date(
    crm: rbp.Store, days: int, due: tuple[str, ...], lapsed: tuple[str, ...]
) -> None:
    """Taken on 2025-01-01, every 365 days: due soon from 60 days before 2026-01-01,
    lapsed on that date (the agency's calendar, whatever the hour)."""
    _small(crm)
    crm.accountability.acknowledge("P1", "uof", version="1", at=T0)
    crm.accountability.record_training("P1", "cit", at=T0.add(hours=23))
    o = crm.accountability.currency(as_of=T0.add(days=days, hours=1)).officers["P1"]
    assert (o.due_soon, o.lapsed) == (due, lapsed)


def test_grace_and_acknowledgement_edges(crm: rbp.Store) -> None:
    _small(crm)
    crm.accountability.record_training("P1", "cit", at=T0)
    edge = T0.add(days=30)  # grace is 30 days: out only after it
    assert crm.accountability.currency(as_of=edge).officers["P1"].unacknowledged == ()
    late = edge.add(microseconds=1)
    assert crm.accountability.currency(as_of=late).officers["P1"].unacknowledged == ("uof",)
    crm.accountability.acknowledge("P1", "uof", version="1", at=late)
    assert crm.accountability.currency(as_of=late).officers["P1"].current
    assert not crm.accountability.currency(as_of=late.add(days=400)).officers["P1"].current
    # An officer who joins later gets the grace period from when they joined.
    crm.directory.add(rbp.Officer("P2", since=T0.add(days=100)))
    joined = crm.accountability.currency(as_of=T0.add(days=129)).officers["P2"]
    assert joined.unacknowledged == ()
    assert joined.lapsed == ("cit",)
    assert crm.accountability.currency(as_of=T0.add(days=131)).officers["P2"].unacknowledged == (
        "uof",
    )
