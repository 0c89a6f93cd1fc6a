"""What diagrams call people and areas: agencies and areas by name, officers by badge,
community members by sector and area ("Faith · Beat 1 #2") unless names are asked for.

The pseudonyms are checked against numbers worked out here from the members the store
returns (a second path); names and erasure through the public calls."""

from __future__ import annotations

import re
from collections import defaultdict

import pendulum
import pytest

import rbp
from rbp.graph._names import read_names
from rbp.interactions import Interaction

T = pendulum.datetime(2026, 6, 30, 12, tz="UTC")
SECTORS = ("faith", "youth", "mental_health")


@pytest.fixture
def crm() -> rbp.Store:
    store = rbp.open(tz="UTC")
    areas = [rbp.Area("d-1", name="North District")]
    areas += [rbp.Area(f"b-{i}", name=f"Beat {i}", parent="d-1") for i in (1, 2)]
    areas.append(rbp.Area("b-3", parent="d-1"))  # no name: shown by key
    people: list[rbp.model.Stakeholder] = [
        rbp.Officer("P1", name="Officer Secret", areas=("b-1",)),
        rbp.Officer("P2", areas=("b-2",)),
        rbp.PartnerAgency("org-1", name="Creek Shelter", areas=("b-1",), sector="housing"),
        rbp.PartnerAgency("org-2", areas=("b-2",), sector="health"),
    ]
    for i in range(18):
        people.append(
            rbp.CommunityMember(
                f"m-{(i * 7) % 18:02d}",  # keys not in the order they are added
                name=None if i % 5 == 0 else f"Member Secret {i}",
                pseudonymous=i % 5 == 0,
                area=f"b-{1 + i % 3}",
                sector=SECTORS[i % len(SECTORS)],
            )
        )
    store.directory.add_many([*areas, *people])
    members = [p.key for p in people if isinstance(p, rbp.CommunityMember)]
    for i, m in enumerate(members):
        officer = "P1" if i % 2 else "P2"
        store.interactions.log(
            Interaction(at=T.subtract(days=2 + i), kind="meeting", participants=(officer, m))
        )
    store.interactions.log(
        Interaction(at=T.subtract(days=1), kind="meeting", participants=("P1", "org-1", "org-2"))
    )
    return store


def _expected(crm: rbp.Store) -> dict[str, str]:
    """Every member's pseudonym, numbered here by key within sector and home area."""
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    members = crm.directory.find(kind="member")
    for m in members:
        groups[m.sector.value, m.area or ""].append(m.key)
    names = {a.key: a.name for a in crm.directory.areas()}
    out = {}
    for (sector, area), keys in groups.items():
        for n, key in enumerate(sorted(keys), 1):
            words = sector.replace("_", " ").capitalize()
            out[key] = f"{words} · {names[area] or area} #{n}"
    return out


def _labels(src: str) -> set[str]:
    """Every label in the DOT source, wrapped lines joined by a space."""
    found = re.findall(r'label=("(?:[^"\\]|\\.)*"|[^\s\]"]+)', src)
    return {m.strip('"').replace("\\n", " ") for m in found}


def test_pseudonyms_number_members_by_key_within_sector_and_area(crm: rbp.Store) -> None:
    want = _expected(crm)
    with crm.engine.connect() as conn:
        got = read_names(conn, list(want)).people
    assert {k: got[k] for k in want} == want
    assert "Beat 1" in str(want.values())
    assert "b-3" in str(want.values())


def test_diagrams_show_agencies_by_name_officers_by_badge_members_by_pseudonym(
    crm: rbp.Store,
) -> None:
    want = _expected(crm)
    for d in (
        crm.graph.diagram(as_of=T, level="people"),
        crm.graph.ego_diagram("P1", as_of=T),
        crm.graph.keyperson_diagram(as_of=T, per_officer=50),
    ):
        labels = _labels(d.source)
        assert "org-1" not in labels  # an agency with a name is shown by its name
        assert not any("Secret" in label for label in labels)
        shown = {label for label in labels if "#" in label}
        assert shown
        assert shown <= set(want.values())
    network = _labels(crm.graph.diagram(as_of=T, level="people").source)
    assert {"P1", "P2", "Creek Shelter", "org-2"} <= network  # org-2 has no name
    assert set(want.values()) <= network


def test_names_when_asked(crm: rbp.Store) -> None:
    named = _labels(crm.graph.diagram(as_of=T, names=True, level="people").source)
    assert "Officer Secret" in named
    assert "P2" in named
    stored = {m.key: m.name for m in crm.directory.find(kind="member")}
    want = _expected(crm)
    for key, name in stored.items():
        assert (name or want[key]) in named  # a pseudonymous member keeps the pseudonym
    crm.directory.erase("m-01")
    erased = _labels(crm.graph.diagram(as_of=T, names=True, level="people").source)
    assert stored["m-01"] not in erased
    assert want["m-01"] in erased


def test_the_map_of_an_area_leaves_its_own_name_out(crm: rbp.Store) -> None:
    src = crm.graph.diagram(as_of=T, area="b-1").source
    assert 'label="Beat 1 as of 2026-06-30"' in src
    own = {k: v for k, v in _expected(crm).items() if "Beat 1 " in v}
    labels = _labels(src)
    for pseudonym in own.values():
        assert pseudonym.replace(" · Beat 1", "") in labels


def test_matrix_rows_by_area_name(crm: rbp.Store) -> None:
    src = crm.graph.matrix_diagram(as_of=T).source
    for shown in ("<b>North District</b>", ">Beat 1<", ">Beat 2<", ">b-3<"):
        assert shown in src
    assert (
        "North District: coverage by area and sector"
        in crm.graph.matrix_diagram(as_of=T, area="d-1").source
    )


def test_names_argument_is_checked(crm: rbp.Store) -> None:
    with pytest.raises(rbp.ValidationError):
        crm.graph.diagram(as_of=T, names=True, pseudonymise=True)
    with pytest.raises(TypeError, match="names"):
        crm.graph.ego_diagram("P1", as_of=T, names="yes")  # type: ignore[arg-type]
    with pytest.raises(rbp.ValidationError):
        crm.graph.plan_diagram("nope", names=True, pseudonymise=True)
