"""A small hand-built store for the diagram tests, with keys that need escaping."""

from __future__ import annotations

import pendulum

import rbp
from rbp.interactions import Interaction

T = pendulum.datetime(2026, 6, 30, 12, tz="UTC")

Q = 'm "q"'  # a double quote
ANGLE = "m<b>"  # looks like HTML
BACK = "m\\N"  # a backslash that graphviz would read as an escape (\N: the node name)
COLON = "m:1"  # reads as a node port in an edge statement if used as an id
AMP = "org&amp;1"  # an entity graphviz would decode in a plain label
AREA = 'b<&>"1'  # an area key that must be escaped in the HTML matrix
KEYS = ("P1", "P2", "P3", Q, ANGLE, BACK, COLON, AMP, "m-far")


def small_city(extra_members: int = 0) -> rbp.Store:
    """Officers P1-P3; P1 holds Q, ANGLE (shared with P2), BACK (cooling) and AMP;
    P2 holds COLON alone; "m-far" is in another beat and nobody's.

    ``extra_members`` adds members m-000.. met once by P3, to make a big network.
    """
    crm = rbp.open(tz="UTC")
    crm.directory.add_many(
        [
            rbp.Area("d-1"),
            rbp.Area(AREA, parent="d-1"),
            rbp.Area("b-2", parent="d-1"),
            rbp.Officer("P1", name="SECRET-officer", areas=(AREA,)),
            rbp.Officer("P2", areas=(AREA,)),
            rbp.Officer("P3", areas=("b-2",)),
            rbp.CommunityMember(Q, name="SECRET-q", area=AREA, sector="faith"),
            rbp.CommunityMember(ANGLE, area=AREA, sector="business"),
            rbp.CommunityMember(BACK, area=AREA, sector="youth", priority="key"),
            rbp.CommunityMember(COLON, area=AREA, sector="faith"),
            rbp.PartnerAgency(AMP, areas=(AREA,), sector="health"),
            rbp.CommunityMember("m-far", area="b-2", sector="youth"),
            *(
                rbp.CommunityMember(f"m-{i:03d}", area="b-2", sector="resident")
                for i in range(extra_members)
            ),
        ]
    )

    def meet(days: int, *who: str, area: str = AREA) -> None:
        crm.interactions.log(
            Interaction(at=T.subtract(days=days), kind="meeting", participants=who, areas=(area,))
        )

    meet(5, "P1", Q, ANGLE)
    meet(6, "P2", ANGLE)
    meet(45, "P1", BACK)  # key priority: 30-day cadence, so cooling at T
    meet(7, "P1", AMP)
    meet(8, "P2", COLON)
    for i in range(extra_members):
        meet(9, "P3", f"m-{i:03d}", area="b-2")
    return crm
