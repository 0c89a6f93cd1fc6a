"""Every Graphviz escape sequence in a key, a name or a title shows literally, in every
diagram kind, as the REAL ``dot`` draws it (SVG parsed with xml.etree).

Graphviz expands ``\\N`` (node name), ``\\G`` (graph name), ``\\L``/``\\E``/``\\T``/``\\H``
(object names) and ``\\n``/``\\l``/``\\r`` (line breaks) in plain labels, in HTML-like
labels, and (twice) in tooltips; an area key ``a\\Nb`` once read ``amatrixb`` in the
coverage matrix. Each key below carries one sequence; every text and tooltip the SVG
holds must show it as typed.
"""

from __future__ import annotations

import os
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Callable

import graphviz
import pendulum
import pytest

import rbp
from rbp.interactions import Interaction
from rbp.plans import ActionPlan, PartnerRole, Task

pytestmark = [
    pytest.mark.dot,
    pytest.mark.skipif(
        shutil.which("dot") is None and os.environ.get("RBP_REQUIRE_DOT") != "1",
        reason="Graphviz `dot` is NOT installed (set RBP_REQUIRE_DOT=1 to make this a failure)",
    ),
]

SVG = "{http://www.w3.org/2000/svg}"
XLINK_TITLE = "{http://www.w3.org/1999/xlink}title"
T = pendulum.datetime(2026, 6, 30, 12, tz="UTC")
ESCAPES = ("\\N", "\\G", "\\L", "\\E", "\\T", "\\H", "\\n", "\\l", "\\r", "\\\\", "\\")
AREAS = tuple(f"a{e}b{i}" for i, e in enumerate(ESCAPES))
MEMBERS = tuple(f"m{e}y{i}" for i, e in enumerate(ESCAPES))
OFFICER = "P\\Nx"
AGENCY = "org\\G1"
PLAN = "p\\T1"
PLAN_TITLE = "Camp \\L at \\H"
TASK = ("t\\E1", "Beds \\l and \\r")
# Members show as sector, home area (here its key, full of escapes) and number.
PSEUDONYMS = tuple(f"{'Faith' if i % 2 else 'Youth'} · {a} #1" for i, a in enumerate(AREAS))


@pytest.fixture(scope="module")
def crm() -> rbp.Store:
    store = rbp.open(tz="UTC")
    store.directory.add_many(
        [
            rbp.Area("d-1"),
            *(rbp.Area(a, parent="d-1") for a in AREAS),
            rbp.Officer(OFFICER, areas=AREAS[:1]),
            rbp.Officer("P2", areas=AREAS[:1]),
            rbp.PartnerAgency(AGENCY, areas=AREAS[:1], sector="housing"),
            *(
                rbp.CommunityMember(m, area=a, sector="faith" if i % 2 else "youth")
                for i, (m, a) in enumerate(zip(MEMBERS, AREAS, strict=True))
            ),
        ]
    )
    for i, m in enumerate(MEMBERS):
        store.interactions.log(
            Interaction(
                at=T.subtract(days=3 + i),
                kind="meeting",
                participants=(OFFICER, m) if i % 3 else (OFFICER, "P2", m),
                areas=(AREAS[i],),
            )
        )
    store.interactions.log(
        Interaction(at=T.subtract(days=2), kind="meeting", participants=(OFFICER, AGENCY))
    )
    store.plans.create(
        ActionPlan(PLAN, title=PLAN_TITLE, problem="x", areas=AREAS[:1], needed_sectors=()),
        at=T.subtract(days=30),
    )
    store.plans.add_partner(PLAN, AGENCY, PartnerRole.LEAD, at=T.subtract(days=30))
    store.plans.add_task(PLAN, Task(TASK[0], title=TASK[1], owner=OFFICER), at=T.subtract(days=30))
    return store


def _drawn(d: graphviz.Graph) -> tuple[list[str], list[str]]:
    """(every text element, every tooltip) of the SVG the real ``dot`` draws."""
    root = ET.fromstring(d.pipe(format="svg"))
    texts = ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
    tips = [a.get(XLINK_TITLE, "") for a in root.iter() if a.get(XLINK_TITLE)]
    return texts, tips


KINDS: dict[str, tuple[Callable[[rbp.Store], graphviz.Graph], tuple[str, ...]]] = {
    "network": (
        lambda c: c.graph.diagram(as_of=T, level="people"),
        (OFFICER, AGENCY, *PSEUDONYMS),
    ),
    "network by key": (
        lambda c: c.graph.diagram(as_of=T, level="people", labels={m: m for m in MEMBERS}),
        MEMBERS,
    ),
    "area map": (lambda c: c.graph.diagram(as_of=T), AREAS),
    "ego": (lambda c: c.graph.ego_diagram(OFFICER, as_of=T), (OFFICER, AGENCY, *PSEUDONYMS)),
    "matrix": (lambda c: c.graph.matrix_diagram(as_of=T), AREAS),
    "key-person": (
        lambda c: c.graph.keyperson_diagram(as_of=T, per_officer=50),
        (f"{OFFICER} (8)", *(m for i, m in enumerate(PSEUDONYMS) if i % 3)),
    ),
    "plan": (
        lambda c: c.graph.plan_diagram(PLAN, as_of=T),
        (AGENCY, OFFICER, f"{PLAN}: {PLAN_TITLE}", f"{TASK[0]}: {TASK[1]} [open]"),
    ),
}


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_escape_shows_literally(crm: rbp.Store, kind: str) -> None:
    draw, wanted = KINDS[kind]
    texts, tips = _drawn(draw(crm))
    for text in wanted:
        assert text in texts, (kind, text, texts)
    shown = " | ".join(texts + tips)
    # Nothing was expanded into a node or graph name ("n3", "rbp") or a line break.
    assert "rbp" not in shown.replace("rbp.", "")
    for text in texts:
        assert "\n" not in text


@pytest.mark.parametrize("kind", ["network", "ego", "plan"])
def test_tooltips_show_keys_literally(crm: rbp.Store, kind: str) -> None:
    draw, wanted = KINDS[kind]
    _, tips = _drawn(draw(crm))
    for key in wanted[:2]:
        assert any(tip.endswith(" " + key) for tip in tips), (kind, key, tips)


def test_labels_mapping_with_escapes_shows_literally(crm: rbp.Store) -> None:
    names = {m: f"Name \\N{i} \\l" for i, m in enumerate(MEMBERS)}
    texts, _ = _drawn(crm.graph.diagram(as_of=T, labels=names, level="people"))
    for name in names.values():
        assert name in texts
