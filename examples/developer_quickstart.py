"""The README tour, in memory: a district, an officer, a faith leader and a partner
agency, one meeting, then ties, coverage, gaps, key-person risk and a departure.

Run it: ``python examples/developer_quickstart.py``.
"""

from __future__ import annotations

import pendulum

import rbp
from rbp import Area, CommunityMember, Officer, PartnerAgency, Priority, RelationshipKind, Sector
from rbp.interactions import Interaction, InteractionKind

TZ = "America/Chicago"
T = pendulum.datetime(2026, 6, 30, tz=TZ)


def main() -> None:
    crm = rbp.open(tz=TZ, actor="quickstart", clock=lambda: T)
    crm.directory.add(Area("d-01", name="District 1"))
    crm.directory.add(Area("b-0111", name="Beat 111", parent="d-01", population=8200))
    crm.directory.add(Officer("P1234", name="A. Ruiz", unit="CSP", areas=("b-0111",)))
    crm.directory.add(
        CommunityMember(
            "m-17", name="J. Lee", sector=Sector.FAITH, area="b-0111", priority=Priority.KEY
        )
    )
    crm.directory.add(
        PartnerAgency(
            "org-dmh", name="Dept. of Mental Health", sector=Sector.MENTAL_HEALTH, areas=("d-01",)
        )
    )
    crm.directory.relate("m-17", "org-dmh", RelationshipKind.MEMBER_OF)
    crm.interactions.log(
        Interaction(
            at=pendulum.datetime(2026, 6, 2, 18, tz=TZ),
            kind=InteractionKind.MEETING,
            participants=("P1234", "m-17"),
            areas=("b-0111",),
        )
    )

    print(crm.directory.summary())
    for tie in crm.interactions.ties(as_of=T):
        print(f"tie {tie.officer} ~ {tie.stakeholder}: {tie.count} contact, {tie.status.value}")

    cov = crm.graph.coverage(as_of=T)
    print(f"coverage {cov.covered}/{cov.total}, uncovered: {', '.join(cov.uncovered)}")
    print(f"faith sector covered: {cov.by_sector[Sector.FAITH].covered}")
    print(crm.graph.gaps(as_of=T))
    risk = crm.graph.key_person_risk(as_of=T)
    print(f"single-threaded: {', '.join(risk.single_threaded)}")
    impact = crm.graph.simulate_departure("P1234", as_of=T)
    print(f"if P1234 leaves, orphaned: {', '.join(impact.orphaned)}")
    g = crm.graph.build(as_of=T)
    print(f"graph: {g.number_of_nodes()} nodes, {g.number_of_edges()} edges")
    diagram = crm.graph.diagram(area="d-01", as_of=T)
    print(f"diagram: {len(diagram.source.splitlines())} lines of DOT")
    crm.close()


if __name__ == "__main__":
    main()
