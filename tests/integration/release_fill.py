"""Run by an older release's code (``python release_fill.py DB TZ``): make a small store.

Kept free of anything newer than the first release: it uses only the public calls
each release had, and skips the namespaces a release did not have yet. The
upgrade tests (``test_migration_history.py``) run it with ``PYTHONPATH`` pointing at
a release unpacked by ``git archive``.
"""

from __future__ import annotations

import sys

import pendulum

import rbp


def fill(path: str, tz: str) -> None:
    at = pendulum.datetime(2026, 3, 2, 18, tz=tz)
    crm = rbp.open(path, tz=tz, actor="release", clock=lambda: at)
    crm.directory.add(rbp.Area("d-01", name="District 1"))
    crm.directory.add(rbp.Area("b-0111", name="Beat 111", parent="d-01", population=8200))
    crm.directory.add(rbp.Officer("P1234", name="A. Ruiz", unit="CSP", areas=("b-0111",)))
    crm.directory.add(rbp.Officer("P2000", name="B. Chan", unit="CSP", areas=("d-01",)))
    crm.directory.add(
        rbp.CommunityMember(
            "m-17",
            name="J. Lee",
            sector=rbp.Sector.FAITH,
            area="b-0111",
            priority=rbp.Priority.KEY,
        )
    )
    crm.directory.add(
        rbp.PartnerAgency(
            "org-dmh",
            name="Dept. of Mental Health",
            sector=rbp.Sector.MENTAL_HEALTH,
            areas=("d-01",),
        )
    )
    crm.directory.relate("m-17", "org-dmh", rbp.RelationshipKind.MEMBER_OF)
    if hasattr(crm.interactions, "log"):
        from rbp.interactions import Interaction, InteractionKind

        crm.interactions.log(
            Interaction(
                at=at.subtract(days=40),
                kind=InteractionKind.MEETING,
                participants=("P1234", "m-17"),
                areas=("b-0111",),
                follow_up_by=at.subtract(days=10),
            )
        )
        crm.interactions.log(
            Interaction(
                at=at.subtract(days=3),
                kind=InteractionKind.CALL,
                participants=("P2000", "org-dmh", "m-17"),
                areas=("d-01",),
            )
        )
        # The same instant as the first, with a later promise; then one logged after the
        # others but older than all of them, in another 30-day bucket.
        crm.interactions.log(
            Interaction(
                at=at.subtract(days=40),
                kind=InteractionKind.CALL,
                participants=("m-17", "P1234"),
                follow_up_by=at.subtract(days=5),
            )
        )
        crm.interactions.log(
            Interaction(
                at=at.subtract(days=200),
                kind=InteractionKind.MEETING,
                participants=("P1234", "P2000", "m-17", "org-dmh"),
            )
        )
    if hasattr(crm.plans, "create"):
        from rbp.plans import ActionPlan, PartnerRole, Task

        crm.plans.create(
            ActionPlan("pl-1", title="Park lights", problem="Dark park", areas=("b-0111",))
        )
        crm.plans.add_partner("pl-1", "org-dmh", PartnerRole.LEAD)
        crm.plans.add_task("pl-1", Task("t-1", title="Survey", owner="P1234", due=at.add(days=30)))
    crm.close()


if __name__ == "__main__":
    fill(sys.argv[1], sys.argv[2])
