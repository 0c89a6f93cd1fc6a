"""The area map (``crm.graph.diagram`` at the areas level), drawn by the REAL Graphviz.

Readable (tests/svg_geometry.py: a legend cluster beside the map, no overlaps, at most
2400 x 2400 pt, text of 10 pt or more) for the department of the demo's synthetic city,
of a city with a real department's area tree (27 districts, 271 beats), and of a
district and a beat of it with more stakeholders than ``max_nodes``. What the boxes
and lines say is checked against a second path: a seeded random city's coverage by
the brute-force oracle, and the officers two areas share by a plain loop over the
test's own log; names of areas show, keys and names of people never do.
"""

from __future__ import annotations

import itertools
import os
import random
import re
import shutil
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import replace

import graphviz
import pytest
import sqlalchemy as sa

import rbp
from rbp import Priority, Sector, synth
from rbp._render._words import COVERAGE_SCALE
from rbp.interactions import Interaction
from tests.area_tree_city import area_tree_city
from tests.databases import TZ
from tests.integration import graph_oracle as oracle
from tests.integration.conftest_graph import (
    City,
    Event,
    Person,
    Place,
    T,
    dt_of,
    load,
    random_city,
)
from tests.svg_geometry import SVG, problems, read, svg_of

pytestmark = [
    pytest.mark.dot,
    pytest.mark.skipif(
        shutil.which("dot") is None and os.environ.get("RBP_REQUIRE_DOT") != "1",
        reason="Graphviz `dot` is NOT installed (set RBP_REQUIRE_DOT=1 to make this a failure)",
    ),
]

NODE = re.compile(r'^\s*(n\d+) \[label="((?:[^"\\]|\\.)*)"(.*)\]$', re.M)
CLUSTER = re.compile(r'subgraph (cluster_n\d+) \{\s*color="[^"]*" fontsize=\d+ label="([^"]*)"')
LINE = re.compile(r"^\s*((?:cluster_)?n\d+) -- ((?:cluster_)?n\d+) \[label=(\d+) ", re.M)


def _areas(crm: rbp.Store) -> dict[str, tuple[str, str | None]]:
    """Area key -> (name, parent), by plain SQL."""
    with crm.engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT key, name, parent FROM areas")).all()
    return {k: (n, p) for k, n, p in rows}


def _texts(svg: str) -> list[str]:
    return ["".join(t.itertext()) for t in ET.fromstring(svg).iter(f"{SVG}text")]


def _fill(ratio: float | None) -> str:
    """The fill of a ratio, found by walking the scale from the top (not by the code
    under test): the first step whose least ratio the area reaches."""
    if ratio is None:
        return "#f0f0f0"
    return next(fill for least, fill, _ in reversed(COVERAGE_SCALE) if ratio >= least)


def _pct(covered: int, total: int) -> str:
    return f"{round(100 * covered / total)} %"


# ----------------------------------------------------------------------------- geometry


@pytest.fixture(scope="module")
def demo_city() -> Iterator[tuple[rbp.Store, synth.CityInfo]]:
    """The demo's city: size "small", seed 7 (as ``python -m rbp.demo`` builds it)."""
    with rbp.open(tz="America/Chicago") as crm:
        yield crm, synth.city(crm, size="small", seed=7)


@pytest.fixture(scope="module")
def tree_city() -> Iterator[tuple[rbp.Store, synth.CityInfo]]:
    crm, info = area_tree_city()
    with crm:
        yield crm, info


def test_the_demo_department_map_is_readable(
    demo_city: tuple[rbp.Store, synth.CityInfo],
) -> None:
    crm, info = demo_city
    d = crm.graph.diagram(as_of=info.end)
    assert d.engine == "fdp"
    svg = svg_of(d)
    assert problems(svg) == []
    texts = _texts(svg)
    areas = _areas(crm)
    # every district is a frame and every beat a box, by name
    for key in (*info.districts, *info.beats):
        name = areas[key][0]
        assert any(t.startswith(name) for t in texts), name
    assert len(CLUSTER.findall(d.source)) == len(info.districts)


def test_the_area_tree_department_map_is_readable(
    tree_city: tuple[rbp.Store, synth.CityInfo],
) -> None:
    crm, info = tree_city
    d = crm.graph.diagram(as_of=info.end)
    svg = svg_of(d)
    assert problems(svg) == []
    texts = _texts(svg)
    # 271 beats are too many to label: the 27 districts stand for them, and say so
    assert len(NODE.findall(d.source)) <= 28  # the districts and the rest of the department
    areas = _areas(crm)
    for key in info.districts:
        assert any(t.startswith(areas[key][0]) for t in texts), key
    assert not any(areas[b][0] in texts for b in info.beats)
    assert any("too many to label one by one" in t for t in texts)


def test_a_department_of_nearly_150_beats_packs_its_districts_readably() -> None:
    """Up to 150 beats are labelled one by one; past 6 districts the districts are
    packed in rows (``osage``) and the lines between them are left out, which the map
    says."""
    with rbp.open(tz="America/Chicago") as crm:
        info = synth.blueprint(
            areas=166, officers=150, members=1500, agencies=100, interactions=8000, seed=5
        ).write(crm)
        assert 100 < len(info.beats) <= 150
        d = crm.graph.diagram(as_of=info.end)
        areas = _areas(crm)
    assert d.engine == "osage"
    svg = svg_of(d)
    assert problems(svg) == []
    texts = _texts(svg)
    for key in (*info.districts, *info.beats):
        assert any(t.startswith(areas[key][0]) for t in texts), key
    assert not LINE.findall(d.source)
    assert any("Officers shared between districts are not drawn" in t for t in texts)


def test_a_department_of_150_beats_without_districts_is_a_grid_with_the_legend_below() -> None:
    rng = random.Random(1)
    with rbp.open(tz="UTC") as crm:
        crm.directory.add_many(
            [
                *(rbp.Area(f"b{i:03d}", name=f"Beat {i:03d}") for i in range(150)),
                *(rbp.Officer(f"P{i}", areas=(f"b{i:03d}",)) for i in range(40)),
                *(rbp.CommunityMember(f"m{i}", area=f"b{i % 150:03d}") for i in range(600)),
            ]
        )
        crm.interactions.log_many(
            Interaction(
                at=dt_of(T - rng.randrange(1, 120) * oracle.DAY),
                kind="meeting",
                participants=(f"P{rng.randrange(40)}", f"m{rng.randrange(600)}"),
            )
            for _ in range(1200)
        )
        d = crm.graph.diagram(as_of=dt_of(T))
    assert d.engine == "osage"
    svg = svg_of(d)
    assert problems(svg) == []
    drawing = read(svg)
    assert drawing.legend is not None
    assert drawing.legend.y0 > max(b.y1 for b in drawing.data_nodes().values())
    texts = _texts(svg)
    assert all(any(t == f"Beat {i:03d}" for t in texts) for i in range(150))
    assert any("Officers shared between areas are not drawn" in t for t in texts)


def test_a_district_past_max_nodes_is_a_readable_map_of_its_beats(
    tree_city: tuple[rbp.Store, synth.CityInfo],
) -> None:
    crm, info = tree_city
    cov = crm.graph.coverage(as_of=info.end)
    district = max(info.districts, key=lambda k: (cov.by_area[k].total, k))
    assert cov.by_area[district].total > 50
    d = crm.graph.diagram(as_of=info.end, area=district, max_nodes=50)
    assert d.engine == "fdp"
    svg = svg_of(d)
    assert problems(svg) == []
    texts = _texts(svg)
    areas = _areas(crm)
    beats = [b for b in info.beats if areas[b][1] == district]
    assert beats
    for beat in beats:
        assert areas[beat][0] in texts


def test_a_beat_past_max_nodes_is_a_readable_map_of_its_sectors(
    demo_city: tuple[rbp.Store, synth.CityInfo],
) -> None:
    crm, info = demo_city
    cov = crm.graph.coverage(as_of=info.end)
    beat = max(info.beats, key=lambda k: (cov.by_area[k].total, k))
    svg = svg_of(crm.graph.diagram(as_of=info.end, area=beat, max_nodes=20))
    assert problems(svg) == []
    assert any(t.startswith("Resident") for t in _texts(svg))


# ----------------------------------------------------------------------------- second path

# A seeded random city (people, presence windows, boundary-hugging contacts) on a fixed
# tree: a root, three districts, nine beats; some people sit on the root or a district.
TREE = [
    Place("a0"),
    *(Place(f"a{i}", "a0") for i in (1, 2, 3)),
    *(Place(f"a{i}", f"a{1 + (i - 4) % 3}") for i in range(4, 13)),
]
CITY = replace(random_city(11, n_areas=len(TREE), n_members=90, n_events=1200), places=TREE)


@pytest.fixture(scope="module")
def town() -> Iterator[tuple[rbp.Store, City]]:
    with rbp.open(tz=TZ) as crm:
        yield crm, load(crm, CITY)


def _drawn(d: graphviz.Graph) -> tuple[dict[str, str], dict[str, str], list[tuple[str, str, int]]]:
    """(DOT id -> first label line, DOT id -> node attributes, lines) of a map whose
    areas have no names (so each shows its key)."""
    names = {i: label.split("\\n")[0] for i, label, _ in NODE.findall(d.source)}
    attrs = {i: rest for i, _, rest in NODE.findall(d.source)}
    names |= {i: label.split(" · ")[0] for i, label in CLUSTER.findall(d.source)}
    lines = [(a, b, int(n)) for a, b, n in LINE.findall(d.source)]
    return names, attrs, lines


def _shared(city: City, at: int, units: dict[str, str]) -> dict[frozenset[str], int]:
    """Officers with an active tie (last contact no older than the cadence) to
    stakeholders of two units, by a loop over the raw log."""
    here = {p.key for p in city.people if oracle.present(p.since, p.until, at)}
    officer = {p.key for p in city.officers}
    person = {p.key: p for p in city.others}
    last: dict[tuple[str, str], int] = {}
    for e in city.events:
        if e.at > at:
            continue
        for o in (k for k in e.participants if k in officer and k in here):
            for s in (k for k in e.participants if k in person and k in here):
                last[o, s] = max(last.get((o, s), e.at), e.at)
    reach: dict[str, set[str]] = defaultdict(set)
    for (o, s), when in last.items():
        p = person[s]
        if at - when <= oracle.CADENCE[p.priority or Priority.REGULAR] * oracle.DAY:
            for a in oracle.rolled_up(city, p.areas):
                if a in units:
                    reach[o].add(units[a])
    pairs: dict[frozenset[str], int] = defaultdict(int)
    for found in reach.values():
        for x, y in itertools.combinations(sorted(found), 2):
            pairs[frozenset((x, y))] += 1
    return pairs


@pytest.mark.parametrize("area", [None, "a1"])
@pytest.mark.parametrize("days", [0, 45, 200])
def test_boxes_and_lines_agree_with_the_oracle(
    town: tuple[rbp.Store, City], days: int, area: str | None
) -> None:
    crm, city = town
    at = T - days * oracle.DAY
    d = crm.graph.diagram(as_of=dt_of(at), area=area, level="areas")
    names, attrs, lines = _drawn(d)
    want = oracle.coverage(city, at, area=area)
    boxes = 0
    for i, key in names.items():
        if i.startswith("cluster_") or key.startswith("Rest of"):
            continue
        covered, total = want.by_area[key]
        label = next(lab for j, lab, _ in NODE.findall(d.source) if j == i)
        line = _pct(covered, total) + f" of {total:,}" if total else "no stakeholders"
        assert label.split("\\n")[1] == line, key
        assert f'fillcolor="{_fill(covered / total if total else None)}"' in attrs[i], key
        boxes += 1
    assert boxes
    # each drawn unit (a frame, or a box on a map without frames) and what it holds
    framed = any(i.startswith("cluster_") for i in names)
    units = {
        k: names[i]
        for i in names
        if i.startswith("cluster_") == framed and not names[i].startswith("Rest of")
        for k in oracle.subtree(city, names[i])
    }
    expected = _shared(city, at, units)
    assert lines or not expected
    for a, b, n in lines:
        assert expected[frozenset((names[a], names[b]))] == n, (names[a], names[b])
    # the pairs drawn are exactly those sharing at least the least count drawn
    least = min((n for *_, n in lines), default=max(expected.values(), default=0) + 1)
    assert len(lines) == sum(n >= least for n in expected.values())


def test_names_of_people_and_their_keys_never_show(town: tuple[rbp.Store, City]) -> None:
    crm, city = town
    for d in (
        crm.graph.diagram(as_of=dt_of(T)),
        crm.graph.diagram(as_of=dt_of(T), area=city.places[0].key, level="areas"),
    ):
        svg = svg_of(d)
        shown = " | ".join(_texts(svg))
        assert "Name of" not in shown
        assert "Name of" not in d.source
        people = {p.key for p in city.people}
        assert not people & set(_texts(svg))
        assert not any(re.search(rf"\b{re.escape(k)}\b", shown) for k in people)


@pytest.mark.parametrize(("age", "lines"), [(90 * oracle.DAY, 1), (90 * oracle.DAY + 1, 0)])
def test_a_shared_officer_counts_while_both_ties_are_active(age: int, lines: int) -> None:
    """A regular stakeholder's tie is active while its last contact is at most 90 days
    old (DESIGN: active up to the cadence): a day-old tie in b-1 and one ``age`` old in
    b-2 make one line exactly while the second is active. P2 left before T: never."""
    city = City(
        places=[Place("d"), Place("b-1", "d"), Place("b-2", "d")],
        people=[
            _person("P1", "officer"),
            _person("P2", "officer", until=T - oracle.DAY),
            _person("m-1", "member", area="b-1"),
            _person("m-2", "member", area="b-2"),
        ],
        events=[
            Event(T - oracle.DAY, ("P1", "m-1")),
            Event(T - age, ("P1", "m-2")),
            Event(T - 3 * oracle.DAY, ("P2", "m-1")),
            Event(T - 5 * oracle.DAY, ("P2", "m-2")),
        ],
    )
    with rbp.open(tz=TZ) as crm:
        load(crm, city)
        _, _, drawn = _drawn(crm.graph.diagram(as_of=dt_of(T)))
    assert [n for *_, n in drawn] == [1] * lines
    assert sum(_shared(city, T, {"b-1": "b-1", "b-2": "b-2"}).values()) == lines


def _person(key: str, kind: str, *, area: str | None = None, until: int | None = None) -> Person:
    if kind == "officer":
        return Person(key, kind, until=until)
    return Person(key, kind, sector=Sector.RESIDENT, priority=Priority.REGULAR, areas=(area,))
