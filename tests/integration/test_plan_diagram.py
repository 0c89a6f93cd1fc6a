"""The plan coalition diagram: DOT structure from a hand-built plan, and the SVG the real
``dot`` renders from it."""

from __future__ import annotations

import os
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pendulum
import pytest

import rbp
from rbp.graph.diagrams import STYLE
from rbp.plans import ActionPlan, PartnerRole, Task, TaskStatus

T0 = pendulum.datetime(2026, 1, 5, 9, tz="UTC")
T = T0.add(days=60)
TITLE = 'Creek "camp" <north>'


@pytest.fixture
def crm() -> Iterator[rbp.Store]:
    store = rbp.open()
    store.directory.add_many(
        [
            rbp.Area("b-1"),
            rbp.Officer("P1", areas=("b-1",)),
            rbp.PartnerAgency("org-h", sector="housing"),
            rbp.PartnerAgency("org-mh", sector="mental_health"),
            rbp.CommunityMember("m-faith", sector="faith", area="b-1"),
        ]
    )
    store.plans.create(
        ActionPlan(
            "p-1",
            title=TITLE,
            problem="tents behind the school at night",
            areas=("b-1",),
            needed_sectors=("housing", "social_services"),
        ),
        at=T0,
    )
    store.plans.add_partner("p-1", "org-h", PartnerRole.LEAD, at=T0)
    store.plans.add_partner("p-1", "m-faith", PartnerRole.COMMUNITY_LEADER, at=T0)
    store.plans.add_task(
        "p-1", Task("census", title="Census", owner="P1", due=T0.add(days=10)), at=T0
    )
    store.plans.add_task(
        "p-1",
        Task("beds", title="Beds", owner="org-mh", due=T0.add(days=20), depends_on=("census",)),
        at=T0,
    )
    store.plans.set_task_status("p-1", "census", TaskStatus.DONE, at=T0.add(days=5))
    store.interactions.log(
        rbp.interactions.Interaction(
            at=T0.add(days=50), kind="meeting", participants=("P1", "org-h"), plan="p-1"
        )
    )
    yield store
    store.close()


def test_plan_diagram_source(crm: rbp.Store) -> None:
    src = crm.graph.plan_diagram("p-1", as_of=T).source
    assert src.startswith("digraph")
    assert "tents" not in src  # the problem statement is never drawn
    assert 'Creek \\"camp\\" <north>' in src  # escaped, and not read as an HTML label
    # agencies without a name and officers by key; the member by sector and area
    for label in ('"org-h\\n(lead)"', '"Faith · b-1 #1\\n(community leader)"', "P1", "org-mh"):
        assert label in src
    assert "m-faith" not in src
    assert "no social services partner" in src  # ghost node for the missing sector
    assert "no housing partner" not in src  # org-h is the housing partner
    # owners and dependencies are told apart by line style (the legend says which),
    # not by words on the lines
    assert "label=needs" not in src
    assert "label=owner" not in src
    lines = src.splitlines()
    assert sum(1 for e in lines if " -> " in e and "style=bold" in e and "legend" not in e) == 1
    assert sum(1 for e in lines if " -> " in e and "style=dotted" in e and "legend" not in e) == 2
    overdue = [line for line in lines if "beds: Beds" in line]
    assert overdue
    assert STYLE["task_overdue"]["fillcolor"] in overdue[0]
    # the idle partner (the member) hangs on a dashed line
    member = next(line for line in lines if "community leader" in line).split()[0]
    idle = [line for line in lines if line.split()[:3] == ["n0", "->", member]]
    assert len(idle) == 1
    assert "style=dashed" in idle[0]
    assert "cluster_legend" in src


def test_plan_diagram_pseudonymised_hides_keys(crm: rbp.Store) -> None:
    src = crm.graph.plan_diagram("p-1", as_of=T, pseudonymise=True).source
    for key in ("org-h", "m-faith", "org-mh", "P1"):
        assert f'"{key}"' not in src
        assert f"={key} " not in src
    assert "S-001" in src


@pytest.mark.dot
def test_plan_diagram_renders_with_dot(crm: rbp.Store) -> None:
    if shutil.which("dot") is None:
        if os.environ.get("RBP_REQUIRE_DOT") == "1":
            pytest.fail("Graphviz's dot is required (RBP_REQUIRE_DOT=1) but missing")
        pytest.skip("Graphviz's dot is not installed: apt-get install graphviz")
    svg = crm.graph.plan_diagram("p-1", as_of=T).pipe(format="svg")
    root = ET.fromstring(svg)
    texts = {"".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text")}
    assert "org-h" in texts
    assert 'p-1: Creek "camp" <north>' in texts
    assert any(t.startswith("beds: Beds [open") for t in texts)


class _Text(HTMLParser):
    """The tags and the <title> text of a page."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.title = ""
        self._in_title = False
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self._in_title = tag == "title"

    def handle_endtag(self, tag: str) -> None:
        self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data


def test_plan_status_and_portfolio_pages(crm: rbp.Store, tmp_path: Path) -> None:
    status = crm.plans.status("p-1", as_of=T)
    page = status.to_html(tmp_path / "status.html").read_text(encoding="utf-8")
    parsed = _Text(page)
    assert 'Plan p-1: Creek "camp" <north>' in parsed.title  # shown as text ...
    assert "north" not in parsed.tags  # ... never as markup
    assert "<north>" not in page
    assert "<td>beds</td>" in page  # the overdue task
    assert "<td>m-faith</td>" in page  # the idle partner
    assert "social_services" in page
    assert "tents" not in page
    portfolio = crm.plans.portfolio_html(tmp_path / "portfolio.html", as_of=T)
    text = portfolio.read_text(encoding="utf-8")
    assert "<td>p-1</td>" in text
    assert "As of 2026-03-06" in text
