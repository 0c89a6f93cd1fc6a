"""Which map ``crm.graph.diagram`` draws: the department and any area with more
stakeholders than ``max_nodes`` as its areas (a beat as its sectors), a district or
beat that fits as its people; ``level=`` forces one or the other. No ``dot`` needed."""

from __future__ import annotations

import re

import pendulum
import pytest

import rbp
from rbp.graph import MapLevel
from rbp.interactions import Interaction

T = pendulum.datetime(2026, 3, 1, tz="UTC")


@pytest.fixture(scope="module")
def crm() -> rbp.Store:
    store = rbp.open()
    store.directory.add_many(
        [
            rbp.Area("city", name="City"),
            rbp.Area("d-1", name="North District", parent="city"),
            rbp.Area("b-1", name="Beat 11", parent="d-1"),
            rbp.Area("b-2", parent="d-1"),  # no name: shown by key
            rbp.Area("d-2", name="South District", parent="city"),
            rbp.Area("b-3", name="Beat 31", parent="d-2"),
            rbp.Officer("P1", areas=("b-1",)),
            *(rbp.CommunityMember(f"m{i}", area="b-1", sector="resident") for i in range(6)),
            rbp.CommunityMember("m-faith", name="Secret Name", area="b-1", sector="faith"),
            rbp.CommunityMember("m-far", area="b-2", sector="youth"),
            rbp.CommunityMember("m-south", area="b-3", sector="youth"),
        ]
    )
    for who in ("m0", "m-faith", "m-far"):
        store.interactions.log(
            Interaction(at=T.subtract(days=3), kind="meeting", participants=("P1", who))
        )
    return store


def _labels(src: str) -> list[str]:
    return re.findall(r'label="((?:[^"\\]|\\.)*)"', src)


def test_the_department_is_drawn_as_its_areas(crm: rbp.Store) -> None:
    d = crm.graph.diagram(as_of=T)
    labels = _labels(d.source)
    assert d.engine == "fdp"
    assert "Beat 11\\n29 % of 7" in labels  # m0 and m-faith of 7
    assert "b-2\\n100 % of 1" in labels
    assert "Beat 31\\n0 % of 1" in labels
    # the districts frame their beats: 3 of 8 and 0 of 1 covered
    assert "North District · 38 % of 8" in labels
    assert "South District · 0 % of 1" in labels
    assert len(re.findall(r"subgraph cluster_n\d+", d.source)) == 2
    assert "subgraph cluster_legend" in d.source
    assert not any(k in d.source for k in ("m0", "m-faith", "m-far", "m-south", "P1", "Secret"))


def test_a_beat_that_fits_is_drawn_as_its_people(crm: rbp.Store) -> None:
    src = crm.graph.diagram(as_of=T, area="b-1", labels={"m-faith": "m-faith"}).source
    assert "m-faith" in src  # people, one by one (members by pseudonym unless labelled)
    assert "P1" in src
    assert "Beat 11\\n" not in src


def test_a_district_past_max_nodes_is_drawn_as_its_beats(crm: rbp.Store) -> None:
    src = crm.graph.diagram(as_of=T, area="d-1", max_nodes=3).source
    labels = _labels(src)
    assert "Beat 11\\n29 % of 7" in labels
    assert "b-2\\n100 % of 1" in labels
    assert "m0" not in src
    # P1 holds active ties in both beats: one line, with its count, and its legend row
    assert re.search(r"n\d+ -- n\d+ \[label=1 ", src)
    assert "officers hold active ties in both areas" in src


def test_a_beat_past_max_nodes_is_drawn_as_its_sectors(crm: rbp.Store) -> None:
    src = crm.graph.diagram(as_of=T, area="b-1", max_nodes=3).source
    labels = _labels(src)
    assert "Resident\\n17 % of 6" in labels  # m0 of m0..m5
    assert "Faith\\n100 % of 1" in labels
    assert "m0" not in src
    assert "Secret" not in src


def test_level_forces_the_map(crm: rbp.Store) -> None:
    people = crm.graph.diagram(as_of=T, level="people", labels={"m-far": "m-far"}).source
    assert "m-far" in people
    areas = crm.graph.diagram(as_of=T, area="b-1", level=MapLevel.AREAS).source
    assert "Resident\\n17 % of 6" in _labels(areas)


def test_level_people_past_max_nodes_is_refused(crm: rbp.Store) -> None:
    with pytest.raises(rbp.ValidationError, match="max_nodes") as err:
        crm.graph.diagram(as_of=T, area="b-1", max_nodes=3, level="people")
    assert err.value.field == "max_nodes"


def test_a_level_that_is_none_of_them_is_refused(crm: rbp.Store) -> None:
    with pytest.raises(rbp.ValidationError) as err:
        crm.graph.diagram(as_of=T, level="streets")
    assert err.value.field == "level"


def test_lines_keep_whole_counts_and_say_what_they_left_out() -> None:
    from collections import Counter

    from rbp.graph._area_map import _strongest

    pairs = Counter({("a", "b"): 5, ("a", "c"): 3, ("b", "c"): 3, ("c", "d"): 1})
    kept, notes = _strongest(pairs, "districts", 3)
    assert kept == {("a", "b"): 5, ("a", "c"): 3, ("b", "c"): 3}
    assert notes == [
        "Lines: the pairs of districts sharing 3 or more officers (1 pair sharing fewer not drawn)."
    ]
    kept, notes = _strongest(pairs, "districts", 2)  # the two 3s go together, or not at all
    assert kept == {("a", "b"): 5}
    assert "2 or more" not in notes[0]
    assert "3 pairs sharing fewer" in notes[0]
    assert _strongest(Counter({("a", "b"): 1, ("a", "c"): 1}), "areas", 1) == (
        {},
        ["Lines: 2 pairs of areas share officers, too many to draw."],
    )
    assert _strongest(pairs, "districts", 10) == (dict(pairs), [])
