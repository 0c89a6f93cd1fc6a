"""The accreditation pack against plain SQL and pandas, on every backend; standards as
data; no personal data on its page."""

from __future__ import annotations

import pandas as pd
import pendulum
import pytest

import rbp
from rbp._time import to_micros
from rbp.accountability import Course, Standard
from rbp.engagement import Concern, Response
from rbp.interactions import Interaction
from rbp.plans import ActionPlan, Goal
from tests.databases import TZ, PlainSQL

T0 = pendulum.datetime(2026, 3, 1, tz=TZ)
T1 = pendulum.datetime(2026, 5, 31, 23, 59, tz=TZ)


def _city(crm: rbp.Store) -> None:
    crm.directory.add_many(
        [
            rbp.Area("city"),
            rbp.Area("d-1", parent="city"),
            rbp.Area("b-1", parent="d-1"),
            rbp.Area("b-2", parent="d-1"),
            rbp.Officer("P1", name="Officer Hidalgo", unit="CSP", areas=("b-1",)),
            rbp.Officer("P2", name="Officer Kowalczyk", unit="CSP", areas=("b-2",)),
            rbp.Officer("P3", name="Officer Idle", unit="CSP", areas=("b-2",)),
            *(
                rbp.CommunityMember(
                    f"m-{i}",
                    name=f"Resident Zyx{i}",
                    area="b-1",
                    contact=rbp.Contact(email=f"zyx{i}@home.example"),
                )
                for i in range(4)
            ),
            rbp.PartnerAgency("org-1", name="Food bank", areas=("b-1",)),
            rbp.PartnerAgency("org-2", name="Shelter", areas=("b-2",)),
        ]
    )
    crm.directory.relate("P1", "org-1", "liaison_for", since=T0.subtract(days=100))
    crm.directory.relate(
        "P2", "org-2", "liaison_for", since=T0.subtract(days=100), until=T0.subtract(days=1)
    )  # ended before the period
    crm.directory.relate("m-0", "org-2", "liaison_for", since=T0.add(days=10))
    crm.directory.relate("m-1", "org-1", "member_of")
    crm.accountability.require(
        Course("pj", title="Procedural justice", every=pendulum.duration(days=365))
    )
    crm.accountability.record_training("P1", "pj", at=T0.subtract(days=30))
    logged = [
        ("meeting", ("P1", "m-0", "m-1"), ("b-1",), T0.add(days=1), 12),
        ("community_event", ("P1", "P2", "org-1"), ("b-1", "b-2"), T0.add(days=20), 40),
        ("call", ("P2", "m-2"), ("b-2",), T0.add(days=30), 0),
        ("meeting", ("P2", "m-3"), ("b-2",), T0.subtract(days=3), 0),  # before the period
        ("meeting", ("P1", "m-3"), (), T1.add(days=1), 0),  # after it
    ]
    ids = [
        crm.interactions.log(
            Interaction(
                at=at,
                kind=kind,
                participants=who,
                areas=where,
                attendees=n,
                notes="Private note Qwv",
            )
        )
        for kind, who, where, at, n in logged
    ]
    for k, overall in enumerate([5, 4, 2, 5, 5]):
        crm.feedback.record(
            Response(
                at=T0.add(days=2, hours=k),
                interaction=ids[0],
                overall=overall,
                respect=4,
                comment="Loved Qwv",
            )
        )
    first = crm.concerns.report(
        Concern(
            at=T0.add(days=2), area="b-1", category="noise", text="Private text Qwv", reporter="m-0"
        )
    )
    crm.concerns.set_status(first, "acknowledged", at=T0.add(days=3))
    crm.concerns.set_status(first, "resolved", at=T0.add(days=9))
    crm.concerns.report(Concern(at=T0.add(days=4), area="b-2", category="noise", text="x"))
    crm.concerns.report(Concern(at=T0.add(days=5), area="b-2", category="lights", text="y"))
    crm.concerns.report(
        Concern(at=T0.subtract(days=5), area="b-2", category="lights", text="z")
    )  # before the period
    crm.plans.create(ActionPlan("p-1", title="Camp outreach", problem="x", areas=("b-1",)), at=T0)
    crm.plans.add_goal(
        "p-1", Goal("g-1", measure="calls", baseline=10, target=5, direction="decrease"), at=T0
    )
    crm.plans.record_measure("p-1", "g-1", 8, at=T0.add(days=40))
    crm.plans.advance("p-1", "analysis", at=T0.add(days=41))


def test_the_pack_agrees_with_plain_sql(crm: rbp.Store, sql: PlainSQL) -> None:
    _city(crm)
    pack = crm.accountability.accreditation_pack(start=T0, end=T1)
    assert [s.key for s in pack.sections] == [
        "activity",
        "liaisons",
        "meetings",
        "concerns",
        "surveys",
        "plans",
        "training",
    ]
    lo, hi = to_micros(T0), to_micros(T1)
    expected = sql.rows(
        "SELECT a.area, i.kind, COUNT(*) FROM interaction_areas a JOIN interactions i "
        "ON i.id = a.interaction_id WHERE i.at BETWEEN :lo AND :hi "
        "GROUP BY a.area, i.kind",
        lo=lo,
        hi=hi,
    )
    activity = pack.section("activity").frame
    assert [
        tuple(r) for r in activity[["area", "kind", "interactions"]].itertuples(index=False)
    ] == sorted((a, k, int(n)) for a, k, n in expected)
    liaisons = pack.section("liaisons").frame
    assert list(zip(liaisons["liaison"], liaisons["for"], strict=True)) == [
        ("P1", "org-1"),
        ("(community member)", "org-2"),
    ]
    meetings = pack.section("meetings").frame
    n_meetings = sql.rows(
        "SELECT COUNT(*) FROM interactions WHERE kind IN ('meeting', 'community_event') "
        "AND at BETWEEN :lo AND :hi",
        lo=lo,
        hi=hi,
    )[0][0]
    assert len(meetings) == n_meetings == 2
    assert list(meetings["officers"]) == [1, 2]
    assert list(meetings["community members"]) == [2, 0]
    assert list(meetings["unnamed attendees"]) == [12, 40]
    concerns = pack.section("concerns").frame.set_index("category")
    assert concerns.loc["noise", "raised"] == 2
    assert concerns.loc["noise", "resolved"] == 1
    assert concerns.loc["noise", "received"] == 1
    assert concerns.loc["lights", "raised"] == 1
    surveys = pack.section("surveys").frame.iloc[0]
    answers = pd.Series([5, 4, 2, 5, 5])
    assert surveys["responses"] == 5
    assert surveys["cpss"] == round(100 * (answers >= 4).mean(), 1)
    assert surveys["pj index"] == 75.0  # respect 4 -> (4 - 1) / 4 * 100
    plans = pack.section("plans").frame.iloc[0]
    assert (plans["plan"], plans["phase"], plans["goal"], plans["latest"]) == (
        "p-1",
        "analysis",
        "g-1",
        8.0,
    )
    training = pack.section("training").frame.set_index("officer")
    worked = dict(
        sql.rows(
            "SELECT p.stakeholder, COUNT(*) FROM interaction_participants p JOIN stakeholders s "
            "ON s.key = p.stakeholder WHERE s.kind = 'officer' AND p.at BETWEEN :lo AND :hi "
            "GROUP BY p.stakeholder",
            lo=lo,
            hi=hi,
        )
    )
    assert {k: int(v) for k, v in training["interactions"].items()} == worked
    assert training.loc["P1", "training"] == f"pj ({T0.subtract(days=30).to_date_string()})"
    assert bool(training.loc["P1", "current"])
    assert not bool(training.loc["P2", "current"])
    page = pack.to_html()
    for secret in ("Hidalgo", "Zyx", "home.example", "Qwv", "Food bank"):
        assert secret not in page
    assert "standard 45.2 (Community involvement)" in page


def test_standards_are_data(crm: rbp.Store) -> None:
    _city(crm)
    pack = crm.accountability.accreditation_pack(
        start=T0, end=T1, standards={"plans": Standard("45.1.1", "Crime prevention programs")}
    )
    assert pack.section("plans").standard == Standard("45.1.1", "Crime prevention programs")
    assert pack.section("activity").standard.id == "45.2"
    with pytest.raises(rbp.ValidationError) as info:
        crm.accountability.accreditation_pack(start=T0, end=T1, standards={"nope": ("1", "x")})
    assert info.value.field == "standards"
    with pytest.raises(rbp.ValidationError):
        crm.accountability.accreditation_pack(start=T1, end=T0)
