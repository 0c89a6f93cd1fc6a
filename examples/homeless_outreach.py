"""A homeless-outreach coalition's action plan, modelled on Arlington County's.

Police, housing, mental-health and social-service agencies and a faith leader work
one caseload with a unified strategy. Run it: ``python examples/homeless_outreach.py``.
"""

from __future__ import annotations

import pendulum

import rbp
from rbp.interactions import Interaction, InteractionKind
from rbp.plans import ActionPlan, Direction, Goal, PartnerRole, Phase, Task, TaskStatus

TZ = "America/New_York"
START = pendulum.datetime(2026, 1, 12, 9, tz=TZ)


def day(n: int) -> pendulum.DateTime:
    return START.add(days=n)


def main() -> None:
    crm = rbp.open(tz=TZ, actor="sgt.example", clock=lambda: day(120))
    crm.directory.add_many(
        [
            rbp.Area("d-north", name="North District"),
            rbp.Area("b-creek", name="Creek corridor", parent="d-north"),
            rbp.Officer("P-ortiz", unit="Homeless Outreach", areas=("b-creek",)),
            rbp.Officer("P-lee", unit="Patrol", areas=("b-creek",)),
            rbp.PartnerAgency("org-housing", sector="housing", areas=("d-north",)),
            rbp.PartnerAgency("org-dbh", sector="mental_health", areas=("d-north",)),
            rbp.PartnerAgency("org-dhs", sector="social_services", areas=("d-north",)),
            rbp.CommunityMember("m-pastor", sector="faith", area="b-creek", priority="key"),
        ]
    )
    plans = crm.plans
    plans.create(
        ActionPlan(
            "hoc-2026",
            title="Creek corridor outreach",
            problem="Unsheltered people camp along the creek; calls for service are rising",
            areas=("b-creek",),
            needed_sectors=("housing", "mental_health", "social_services", "faith", "health"),
        ),
        at=day(0),
    )
    plans.add_partner("hoc-2026", "P-ortiz", PartnerRole.LEAD, at=day(0))
    plans.add_partner("hoc-2026", "org-housing", PartnerRole.PARTNER, at=day(0))
    plans.add_partner("hoc-2026", "org-dbh", PartnerRole.PARTNER, at=day(1))
    plans.add_partner("hoc-2026", "org-dhs", PartnerRole.PARTNER, at=day(1))
    plans.add_partner("hoc-2026", "m-pastor", PartnerRole.COMMUNITY_LEADER, at=day(2))
    tasks = [
        Task("census", title="Point-in-time count", owner="P-ortiz", due=day(14)),
        Task("by-name", title="By-name list", owner="org-dhs", due=day(30), depends_on=("census",)),
        Task(
            "assess",
            title="Clinical assessments",
            owner="org-dbh",
            due=day(45),
            depends_on=("by-name",),
        ),
        Task(
            "units",
            title="Reserve housing units",
            owner="org-housing",
            due=day(60),
            depends_on=("by-name",),
        ),
        Task("meals", title="Church meal site as contact point", owner="m-pastor", due=day(20)),
    ]
    for task in tasks:
        plans.add_task("hoc-2026", task, at=day(3))
    plans.add_goal(
        "hoc-2026",
        Goal(
            "calls",
            measure="calls for service per month",
            baseline=48,
            target=20,
            direction=Direction.DECREASE,
        ),
        at=day(3),
    )
    plans.add_goal(
        "hoc-2026",
        Goal(
            "housed", measure="people housed", baseline=0, target=25, direction=Direction.INCREASE
        ),
        at=day(3),
    )
    plans.advance("hoc-2026", Phase.ANALYSIS, "count planned", at=day(5))
    plans.set_task_status("hoc-2026", "census", TaskStatus.DONE, at=day(12))
    plans.set_task_status("hoc-2026", "meals", TaskStatus.DONE, at=day(18))
    plans.set_task_status("hoc-2026", "by-name", TaskStatus.IN_PROGRESS, at=day(20))
    plans.set_task_status("hoc-2026", "by-name", TaskStatus.DONE, at=day(35))
    plans.advance("hoc-2026", Phase.RESPONSE, "list agreed", at=day(36))
    plans.set_task_status("hoc-2026", "assess", TaskStatus.IN_PROGRESS, at=day(40))
    for n, calls, housed in ((30, 44, 2), (60, 37, 7), (90, 31, 12)):
        plans.record_measure("hoc-2026", "calls", calls, at=day(n))
        plans.record_measure("hoc-2026", "housed", housed, at=day(n))
    plans.add_review(
        "hoc-2026", "Monthly coalition meeting", decisions=("add a health partner",), at=day(60)
    )
    crm.interactions.log_many(
        Interaction(at=day(n), kind=kind, participants=who, areas=("b-creek",), plan="hoc-2026")
        for n, kind, who in (
            (10, InteractionKind.JOINT_OUTREACH, ("P-ortiz", "org-dhs", "org-dbh")),
            (25, InteractionKind.MEETING, ("P-ortiz", "org-housing", "m-pastor")),
            (70, InteractionKind.JOINT_OUTREACH, ("P-ortiz", "P-lee", "org-dbh")),
            (100, InteractionKind.MEETING, ("P-ortiz", "org-dhs")),
        )
    )
    print(plans.status("hoc-2026", as_of=day(120)))
    print()
    print("a month in:", plans.get("hoc-2026", as_of=day(30)).phase.value)
    print(plans.portfolio(as_of=day(120)).to_string(index=False))
    crm.close()


if __name__ == "__main__":
    main()
