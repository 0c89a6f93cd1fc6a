"""Plan gaps in crm.graph.gaps: open plans with overdue tasks, idle partners or missing
sectors, checked against what each hand-built plan was made to lack."""

from __future__ import annotations

import pendulum

import rbp
from rbp.interactions import Interaction
from rbp.plans import ActionPlan, PartnerRole, Phase, Task
from tests.databases import TZ

T0 = pendulum.datetime(2026, 1, 5, 9, tz=TZ)
T = T0.add(days=60)


def _city(crm: rbp.Store) -> None:
    crm.directory.add_many(
        [
            rbp.Area("d-1"),
            rbp.Area("b-1", parent="d-1"),
            rbp.Area("b-2", parent="d-1"),
            rbp.Officer("P1", areas=("b-1",)),
            rbp.PartnerAgency("org-h", sector="housing"),
            rbp.PartnerAgency("org-mh", sector="mental_health"),
        ]
    )
    # p-late: a task due before T and not done.
    crm.plans.create(ActionPlan("p-late", title="a", problem="x", areas=("b-1",)), at=T0)
    crm.plans.add_task("p-late", Task("t1", title="survey", owner="P1", due=T0.add(days=10)), at=T0)
    # p-idle: a partner with no interaction linked to the plan.
    crm.plans.create(ActionPlan("p-idle", title="b", problem="x", areas=("b-2",)), at=T0)
    crm.plans.add_partner("p-idle", "org-h", PartnerRole.PARTNER, at=T0)
    # p-short: needs a sector no partner has.
    crm.plans.create(
        ActionPlan(
            "p-short", title="c", problem="x", areas=("b-2",), needed_sectors=("mental_health",)
        ),
        at=T0,
    )
    # p-fine: its one partner is engaged, its task is not due, its sector is covered.
    crm.plans.create(
        ActionPlan("p-fine", title="d", problem="x", areas=("b-1",), needed_sectors=("housing",)),
        at=T0,
    )
    crm.plans.add_partner("p-fine", "org-h", PartnerRole.LEAD, at=T0)
    crm.plans.add_task(
        "p-fine", Task("t1", title="later", owner="org-h", due=T.add(days=30)), at=T0
    )
    crm.interactions.log(
        Interaction(
            at=T.subtract(days=5), kind="meeting", participants=("P1", "org-h"), plan="p-fine"
        )
    )
    # p-closed: would be late, but closed plans are not gaps.
    crm.plans.create(ActionPlan("p-closed", title="e", problem="x", areas=("b-1",)), at=T0)
    crm.plans.add_task("p-closed", Task("t1", title="x", due=T0.add(days=1)), at=T0)
    crm.plans.advance("p-closed", Phase.CLOSED, note="moved on", at=T0.add(days=2))


def test_gaps_list_the_open_plans_with_a_gap(crm: rbp.Store) -> None:
    _city(crm)
    gaps = crm.graph.gaps(as_of=T)
    by_key = {p.plan: p for p in gaps.plans}
    assert set(by_key) == {"p-late", "p-idle", "p-short"}
    assert [o.task for o in by_key["p-late"].overdue] == ["t1"]
    assert by_key["p-idle"].unengaged == ("org-h",)
    assert rbp.Sector.MENTAL_HEALTH in by_key["p-short"].missing_sectors
    frame = gaps.to_frame()
    row = frame[frame.gap.str.startswith("open plans")].iloc[0]
    assert row["count"] == 3


def test_plan_gaps_follow_the_area_and_the_as_of_time(crm: rbp.Store) -> None:
    _city(crm)
    assert {p.plan for p in crm.graph.gaps(as_of=T, area="b-2").plans} == {"p-idle", "p-short"}
    # Before the plans were opened there is nothing to report.
    assert crm.graph.gaps(as_of=T0.subtract(days=1)).plans == ()
