"""Every diagram that shows people is readable as the REAL Graphviz draws it: a legend
cluster beside or below the drawing (at most a quarter of it, touching no data node), no
two nodes overlapping, at most 2400 x 2400 pt, no text under 10 pt (see
:func:`tests.svg_geometry.problems`).

Checked on a small synthetic city (3 districts, 35 beats) and on a city shaped like a
real department (27 districts, 271 beats, 3,000 members): a beat map and a district map
drawn person by person, an officer's ego map, the key-person map, the coverage matrix
and a plan's coalition.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable

import graphviz
import pendulum
import pytest

import rbp
from rbp import synth
from rbp.plans import ActionPlan, PartnerRole, Task, TaskStatus
from tests.area_tree_city import area_tree_city
from tests.svg_geometry import problems, read, svg_of

pytestmark = [
    pytest.mark.dot,
    pytest.mark.skipif(
        shutil.which("dot") is None and os.environ.get("RBP_REQUIRE_DOT") != "1",
        reason="Graphviz `dot` is NOT installed (set RBP_REQUIRE_DOT=1 to make this a failure)",
    ),
]


class City:
    """A store with the facts the diagrams below need."""

    def __init__(self, crm: rbp.Store, info: synth.CityInfo) -> None:
        self.crm = crm
        self.at = info.end
        cov = crm.graph.coverage(as_of=self.at)
        beats = sorted(info.beats, key=lambda b: (cov.by_area[b].total, b))
        self.beat = beats[len(beats) // 2]  # a typical beat
        tree = crm.directory.areas()
        # the smallest district: still drawn person by person
        self.district = min(info.districts, key=lambda d: (cov.by_area[d].total, d))
        ties = crm.interactions.ties(as_of=self.at)
        self.officer = max(ties.officers, key=lambda o: (ties.officers.count(o), o))
        self.plan = _plan(crm, self.beat, tree[self.beat].parent or self.beat, self.at)


def _plan(crm: rbp.Store, beat: str, district: str, at: pendulum.DateTime) -> str:
    """A plan with an officer lead, agency and member partners, tasks with owners and a
    dependency (one overdue, one done), and a needed sector nobody covers."""
    start = at.subtract(days=120)
    officer = crm.directory.find(kind="officer", area=district, as_of=at)[0].key
    agencies = [a.key for a in crm.directory.find(kind="agency")][:2]
    member = crm.directory.find(kind="member", area=beat)[0].key
    crm.plans.create(
        ActionPlan(
            "p-read",
            title="Late-night noise and fights outside the corner store",
            problem="never drawn",
            areas=(beat,),
            needed_sectors=("business", "law_enforcement"),
        ),
        at=start,
    )
    roles = (PartnerRole.LEAD, PartnerRole.PARTNER, PartnerRole.PARTNER)
    for key, role in zip((officer, *agencies), roles, strict=True):
        crm.plans.add_partner("p-read", key, role, at=start)
    crm.plans.add_partner("p-read", member, PartnerRole.COMMUNITY_LEADER, at=start)
    tasks = (
        Task("count", title="Count calls by hour", owner=officer, due=start.add(days=10)),
        Task(
            "meet",
            title="Meet the store owner and the neighbours",
            owner=agencies[0],
            due=start.add(days=30),
            depends_on=("count",),
        ),
        Task("light", title="Better lighting at the corner", owner=agencies[1]),
    )
    for task in tasks:
        crm.plans.add_task("p-read", task, at=start)
    crm.plans.set_task_status("p-read", "count", TaskStatus.DONE, at=start.add(days=8))
    return "p-read"


@pytest.fixture(scope="module", params=["synthetic city", "area tree city"])
def city(request: pytest.FixtureRequest) -> City:
    if request.param == "area tree city":
        return City(*area_tree_city())
    plan = synth.blueprint(
        areas=40, officers=40, members=320, agencies=30, interactions=2_500, seed=5
    )
    crm = rbp.open(tz=plan.tz)
    return City(crm, plan.write(crm))


DIAGRAMS: dict[str, Callable[[City], graphviz.Graph]] = {
    "beat map": lambda c: c.crm.graph.diagram(as_of=c.at, area=c.beat),
    "district map": lambda c: c.crm.graph.diagram(as_of=c.at, area=c.district),
    "ego map": lambda c: c.crm.graph.ego_diagram(c.officer, as_of=c.at),
    "key-person map": lambda c: c.crm.graph.keyperson_diagram(as_of=c.at),
    "coverage matrix": lambda c: c.crm.graph.matrix_diagram(as_of=c.at),
    "district matrix": lambda c: c.crm.graph.matrix_diagram(as_of=c.at, area=c.district),
    "plan coalition": lambda c: c.crm.graph.plan_diagram(c.plan, as_of=c.at),
}


@pytest.mark.parametrize("kind", list(DIAGRAMS))
def test_diagram_is_readable(city: City, kind: str) -> None:
    d = DIAGRAMS[kind](city)
    svg = svg_of(d)
    assert problems(svg) == [], kind
    drawing = read(svg)
    assert drawing.data_nodes(), kind  # it drew something
    if kind.endswith("map"):
        assert "grouped" not in d.source  # person by person: these maps show people


def test_the_legend_is_beside_or_below_never_around(city: City) -> None:
    """Every data node lies entirely on one side of the legend: left of it or above it."""
    for kind in ("beat map", "district map", "ego map", "key-person map", "plan coalition"):
        drawing = read(svg_of(DIAGRAMS[kind](city)))
        legend = drawing.legend
        assert legend is not None
        for name, box in drawing.data_nodes().items():
            assert box.x1 <= legend.x0 or box.y1 <= legend.y0, (kind, name)


def test_a_map_past_its_limit_says_so(city: City) -> None:
    """Past max_nodes an area is drawn as its areas, and the map says so."""
    d = city.crm.graph.diagram(as_of=city.at, area=city.district, max_nodes=20)
    title = d.source.split("label=", 1)[1].split("\n", 1)[0]
    assert "stakeholders covered" in title  # an area map: coverage per area, no people
    assert "subgraph cluster_legend" in d.source
    assert "Beat" in d.source
