"""crm.plans on SQLite (memory, file) and PostgreSQL: rules, history, metrics, audit.

Metrics are checked against a computation written here from plain SQL rows.
"""

from __future__ import annotations

import pendulum
import pytest

import rbp
from rbp.errors import (
    DuplicateKeyError,
    RbpError,
    TransitionError,
    UnknownKeyError,
)
from rbp.interactions import Interaction
from rbp.model import Sector
from rbp.plans import (
    ActionPlan,
    Direction,
    Goal,
    PartnerRole,
    Phase,
    ProblemTriangle,
    Task,
    TaskStatus,
    TriangleSide,
)
from tests.databases import TZ, PlainSQL

T0 = pendulum.datetime(2026, 1, 5, 9, tz=TZ)
DAY_US = 86_400_000_000


def _setup(crm: rbp.Store) -> None:
    crm.directory.add_many(
        [
            rbp.Area("d-1"),
            rbp.Area("b-1", parent="d-1"),
            rbp.Officer("P1", areas=("b-1",)),
            rbp.CommunityMember("m-faith", sector="faith", area="b-1"),
            rbp.PartnerAgency("org-h", sector="housing"),
            rbp.PartnerAgency("org-mh", sector="mental_health"),
        ]
    )
    crm.plans.create(
        ActionPlan(
            "p-1",
            title="Creek camp",
            problem="Encampment by the creek",
            areas=("b-1",),
            needed_sectors=("housing", "mental_health", "social_services"),
            triangle=ProblemTriangle(
                victim=TriangleSide("residents", ("m-faith",)), place="creek path"
            ),
        ),
        at=T0,
    )
    plans = crm.plans
    plans.add_partner("p-1", "P1", PartnerRole.LEAD, at=T0)
    plans.add_partner("p-1", "org-h", "partner", at=T0.add(days=1))
    plans.add_partner("p-1", "m-faith", PartnerRole.COMMUNITY_LEADER, at=T0.add(days=20))
    plans.add_task("p-1", Task("t1", title="count", owner="P1", due=T0.add(days=10)), at=T0)
    plans.add_task(
        "p-1",
        Task("t2", title="outreach", owner="org-h", due=T0.add(days=30), depends_on=("t1",)),
        at=T0,
    )
    plans.add_task("p-1", Task("t3", title="lights", due=T0.add(days=5)), at=T0)
    plans.add_goal(
        "p-1",
        Goal("g1", measure="calls", baseline=40, target=20, direction=Direction.DECREASE),
        at=T0,
    )
    plans.add_goal(
        "p-1",
        Goal("g2", measure="housed", baseline=0, target=10, direction="increase"),
        at=T0,
    )


def test_create_get_and_rows(crm: rbp.Store, sql: PlainSQL) -> None:
    _setup(crm)
    plan = crm.plans.get("p-1")
    assert plan.phase is Phase.SCANNING
    assert plan.opened == T0
    assert [p.stakeholder for p in plan.partners] == ["P1", "m-faith", "org-h"]
    assert [t.key for t in plan.tasks] == ["t1", "t2", "t3"]
    assert plan.task("t2").depends_on == ("t1",)
    assert plan.triangle is not None
    assert plan.triangle.victim.stakeholders == ("m-faith",)
    assert plan.triangle.place.description == "creek path"
    assert sql.rows("SELECT area FROM plan_areas WHERE plan = 'p-1'") == [("b-1",)]
    assert sql.count("plan_task_history") == 3
    assert sql.rows("SELECT task, depends_on FROM plan_task_deps") == [("t2", "t1")]
    assert [p.key for p in crm.plans.find(area="d-1")] == ["p-1"]
    assert [p.key for p in crm.plans.find(partner="org-h", status="open")] == ["p-1"]
    assert crm.plans.find(phase=Phase.RESPONSE) == ()
    actions = [e.action for e in crm.audit(entity="plan", key="p-1")]
    assert actions[:2] == ["create", "add_partner"]
    assert len(actions) == 9


def test_refusals_change_nothing(crm: rbp.Store, sql: PlainSQL) -> None:
    _setup(crm)
    before = sql.snapshot()
    cases = [
        (UnknownKeyError, lambda: crm.plans.add_partner("nope", "P1", "lead")),
        (UnknownKeyError, lambda: crm.plans.add_partner("p-1", "ghost", "lead")),
        (DuplicateKeyError, lambda: crm.plans.add_partner("p-1", "P1", "advisor")),
        (DuplicateKeyError, lambda: crm.plans.add_task("p-1", Task("t1", title="x"))),
        (UnknownKeyError, lambda: crm.plans.add_task("p-1", Task("t9", title="x", owner="zz"))),
        (
            UnknownKeyError,
            lambda: crm.plans.add_task("p-1", Task("t9", title="x", depends_on=("t8",))),
        ),
        (TransitionError, lambda: crm.plans.set_task_status("p-1", "t2", TaskStatus.DONE)),
        (UnknownKeyError, lambda: crm.plans.set_task_status("p-1", "t9", TaskStatus.DONE)),
        (TransitionError, lambda: crm.plans.advance("p-1", Phase.RESPONSE)),
        (UnknownKeyError, lambda: crm.plans.record_measure("p-1", "g9", 1, at=T0)),
        (
            DuplicateKeyError,
            lambda: crm.plans.create(ActionPlan("p-1", title="again", problem="x")),
        ),
        (
            UnknownKeyError,
            lambda: crm.plans.create(ActionPlan("p-2", title="x", problem="x", areas=("zz",))),
        ),
        (
            UnknownKeyError,
            lambda: crm.interactions.log(
                Interaction(at=T0, kind="meeting", participants=("P1",), plan="p-9")
            ),
        ),
    ]
    for error, call in cases:
        with pytest.raises(error) as info:
            call()
        assert isinstance(info.value, RbpError)
        assert info.value.field is not None
    assert sql.snapshot() == before


def test_dependencies_and_closed_plans(crm: rbp.Store, sql: PlainSQL) -> None:
    _setup(crm)
    plans = crm.plans
    plans.set_task_status("p-1", "t1", TaskStatus.CANCELLED, at=T0.add(days=2))
    plans.set_task_status("p-1", "t2", TaskStatus.DONE, at=T0.add(days=3))  # a cancelled dep
    with pytest.raises(TransitionError):
        plans.set_task_status("p-1", "t2", TaskStatus.BLOCKED, at=T0.add(days=4))
    for phase in (Phase.ANALYSIS, Phase.RESPONSE, Phase.ASSESSMENT, Phase.ANALYSIS):
        plans.advance("p-1", phase, at=T0.add(days=5))
    plans.advance("p-1", Phase.CLOSED, "done", at=T0.add(days=6))
    before = sql.snapshot()
    for call in (
        lambda: plans.advance("p-1", Phase.ANALYSIS),
        lambda: plans.add_partner("p-1", "org-mh", "partner"),
        lambda: plans.add_task("p-1", Task("t9", title="x")),
        lambda: plans.set_task_status("p-1", "t1", TaskStatus.OPEN),
        lambda: plans.add_review("p-1", "late"),
        lambda: plans.record_measure("p-1", "g1", 3, at=T0.add(days=7)),
    ):
        with pytest.raises(TransitionError):
            call()
    assert sql.snapshot() == before
    assert sql.rows("SELECT phase FROM plan_phase_history ORDER BY id")[-1] == ("closed",)
    assert [p.key for p in plans.find(status="closed")] == ["p-1"]


def test_get_as_of_replays_history(crm: rbp.Store) -> None:
    _setup(crm)
    plans = crm.plans
    plans.set_task_status("p-1", "t1", TaskStatus.IN_PROGRESS, at=T0.add(days=2))
    plans.set_task_status("p-1", "t1", TaskStatus.DONE, at=T0.add(days=4))
    plans.advance("p-1", Phase.ANALYSIS, "data in", at=T0.add(days=5))
    plans.record_measure("p-1", "g1", 35, at=T0.add(days=6))
    plans.add_review("p-1", "first review", decisions=("go",), at=T0.add(days=7))
    with pytest.raises(UnknownKeyError):
        plans.get("p-1", as_of=T0.subtract(seconds=1))
    at3 = plans.get("p-1", as_of=T0.add(days=3))
    assert at3.task("t1").status is TaskStatus.IN_PROGRESS
    assert at3.phase is Phase.SCANNING
    assert at3.measures == ()
    assert at3.reviews == ()
    assert [p.stakeholder for p in at3.partners] == ["P1", "org-h"]
    now = plans.get("p-1")
    assert now.task("t1").status is TaskStatus.DONE
    assert now.phase is Phase.ANALYSIS
    assert now.phase_since == T0.add(days=5)
    assert [r.decisions for r in now.reviews] == [("go",)]


def test_status_matches_an_independent_computation(crm: rbp.Store, sql: PlainSQL) -> None:
    _setup(crm)
    plans = crm.plans
    plans.set_task_status("p-1", "t3", TaskStatus.DONE, at=T0.add(days=3))
    plans.advance("p-1", Phase.ANALYSIS, at=T0.add(days=4))
    plans.record_measure("p-1", "g1", 35, at=T0.add(days=6))
    plans.record_measure("p-1", "g1", 25, at=T0.add(days=40))
    crm.interactions.log_many(
        [
            Interaction(
                at=T0.add(days=8), kind="meeting", participants=("P1", "org-h"), plan="p-1"
            ),
            Interaction(at=T0.add(days=9), kind="call", participants=("P1", "m-faith")),
            Interaction(
                at=T0.add(days=50), kind="call", participants=("P1", "m-faith"), plan="p-1"
            ),
        ]
    )
    window = pendulum.duration(days=30)
    for days in (12, 31, 45, 60, 130):
        at = T0.add(days=days)
        got = plans.status("p-1", as_of=at, window=window)
        t_us = _us(at)
        # tasks as of T from the history rows
        status: dict[str, str] = {}
        for task, st, when in sql.rows(
            "SELECT task, status, at FROM plan_task_history WHERE plan = 'p-1' ORDER BY at, id"
        ):
            if when <= t_us:
                status[task] = st
        counted = [k for k, s in status.items() if s != "cancelled"]
        done = [k for k, s in status.items() if s == "done"]
        assert got.progress == (len(done) / len(counted) if counted else None)
        due = dict(sql.rows("SELECT key, due FROM plan_tasks WHERE plan = 'p-1'"))
        late = sorted(
            k for k, s in status.items() if due[k] < t_us and s not in ("done", "cancelled")
        )
        assert sorted(o.task for o in got.overdue) == late
        partners = [
            k
            for k, since in sql.rows("SELECT stakeholder, since FROM plan_partners")
            if since <= t_us
        ]
        engaged = {
            who
            for who, iat, plan in sql.rows(
                "SELECT p.stakeholder, i.at, i.plan FROM interaction_participants p "
                "JOIN interactions i ON i.id = p.interaction_id"
            )
            if plan == "p-1" and t_us - 30 * DAY_US < iat <= t_us
        }
        assert set(got.unengaged) == {p for p in partners if p not in engaged}
        sector_of = {"P1": "law_enforcement", "org-h": "housing", "m-faith": "faith"}
        have = {sector_of[p] for p in partners}
        assert {s.value for s in got.missing_sectors} == (
            {"housing", "mental_health", "social_services"} - have
        )
        readings = [
            v
            for g, v, when in sql.rows("SELECT goal, value, at FROM plan_measures ORDER BY at")
            if g == "g1" and when <= t_us
        ]
        expect_g1 = None if not readings else min(1.0, max(0.0, (readings[-1] - 40) / (20 - 40)))
        assert got.attainment == {"g1": expect_g1, "g2": None}
        assert got.days_in_phase == pytest.approx((t_us - _us(T0.add(days=4))) / DAY_US)
    frame = plans.portfolio(as_of=T0.add(days=45))
    assert list(frame["key"]) == ["p-1"]
    assert frame.loc[0, "overdue"] == 2
    assert frame.loc[0, "phase"] == "analysis"
    assert plans.status("p-1", as_of=T0.add(days=45)).to_frame().shape == (1, 8)
    assert Sector.MENTAL_HEALTH in plans.status("p-1").missing_sectors


def _us(at: pendulum.DateTime) -> int:
    return int(at.timestamp()) * 1_000_000 + at.microsecond


def test_a_phase_change_tells_the_partners_who_may_be_contacted(
    crm: rbp.Store, sql: PlainSQL
) -> None:
    """Plan milestones in the outbox, read back with plain SQL: one per partner, queued
    by consent (e-mail for may_contact, sms for may_text), suppressed with the reason
    otherwise; never a partner's name; none for a refused move or a plan alone."""
    t0 = pendulum.datetime(2026, 3, 2, 9, tz=TZ)
    crm.directory.add_many(
        [
            rbp.PartnerAgency("org-1", name="Agency One"),
            rbp.CommunityMember(
                "m-mail", name="Mail Person", may_contact=True, contact=rbp.Contact(email="a@x.org")
            ),
            rbp.CommunityMember(
                "m-text", name="Text Person", may_text=True, contact=rbp.Contact(phone="+15550101")
            ),
            rbp.CommunityMember("m-no", name="No Consent", contact=rbp.Contact(email="n@x.org")),
        ]
    )
    crm.plans.create(ActionPlan("alone", title="Alone", problem="x"), at=t0)
    crm.plans.advance("alone", Phase.ANALYSIS, at=t0.add(days=1))
    assert sql.count("messages") == 0
    crm.plans.create(ActionPlan("p-1", title="Creek camp", problem="Tents"), at=t0)
    for who in ("org-1", "m-mail", "m-text", "m-no"):
        crm.plans.add_partner("p-1", who, PartnerRole.PARTNER, at=t0)
    with pytest.raises(TransitionError):
        crm.plans.advance("p-1", Phase.ASSESSMENT, at=t0.add(days=1))
    assert sql.count("messages") == 0
    crm.plans.advance("p-1", Phase.ANALYSIS, at=t0.add(days=2))
    rows = sql.rows(
        "SELECT recipient, kind, ref, channel, status, reason, text FROM messages "
        "ORDER BY recipient"
    )
    assert [r[:5] for r in rows] == [
        ("m-mail", "plan_milestone", "p-1", "email", "queued"),
        ("m-no", "plan_milestone", "p-1", None, "suppressed"),
        ("m-text", "plan_milestone", "p-1", "sms", "queued"),
        ("org-1", "plan_milestone", "p-1", None, "suppressed"),
    ]
    assert all(r[5] for r in rows if r[4] == "suppressed")
    for *_, text in rows:
        assert "Creek camp" in text
        assert "analysis" in text
        for name in ("Agency One", "Mail Person", "Text Person", "No Consent"):
            assert name not in text
    crm.outbox.receive("sms", "+15550101", "STOP", at=t0.add(days=3))
    crm.plans.advance("p-1", Phase.RESPONSE, at=t0.add(days=4))
    assert sql.rows(
        "SELECT status FROM messages WHERE recipient = 'm-text' AND kind = 'plan_milestone' "
        "ORDER BY id"
    ) == [("queued",), ("suppressed",)]
