"""write_graphml / write_gexf: networkx reads back every stakeholder present at T, the
officer ties with their numbers, the declared relationships; pseudonymised files hold no
key or name."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pendulum
import pytest

import rbp
import rbp.io
from rbp.interactions import Interaction

T = pendulum.datetime(2026, 6, 30, tz="UTC")


@pytest.fixture
def small(crm: rbp.Store) -> rbp.Store:
    crm.directory.add_many(
        [
            rbp.Area("b-1"),
            rbp.Officer("P1", areas=("b-1",), unit="CSP"),
            rbp.CommunityMember("m-1", name="Jane Roe", sector="faith", area="b-1", priority="key"),
            rbp.CommunityMember("m-late", since=pendulum.datetime(2027, 1, 1, tz="UTC")),
            rbp.PartnerAgency("org-1", name="Shelter Inc", sector="housing"),
            rbp.PartnerAgency("org-2", sector="health"),
        ]
    )
    crm.directory.relate("org-1", "org-2", "refers_to")
    crm.directory.relate("m-1", "org-1", "member_of")
    for day in (1, 20):
        crm.interactions.log(
            Interaction(
                at=pendulum.datetime(2026, 6, day, tz="UTC"),
                kind="meeting",
                participants=("P1", "m-1"),
            )
        )
    crm.interactions.log(
        Interaction(
            at=pendulum.datetime(2026, 8, 1, tz="UTC"), kind="meeting", participants=("P1", "org-2")
        )
    )
    return crm


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_graph_reads_back_whole(small: rbp.Store, tmp_path: Path, fmt: str) -> None:
    write = rbp.io.write_graphml if fmt == "graphml" else rbp.io.write_gexf
    read = nx.read_graphml if fmt == "graphml" else nx.read_gexf
    g = read(write(small, tmp_path / f"g.{fmt}", as_of=T))
    assert sorted(g.nodes) == ["P1", "m-1", "org-1", "org-2"]  # m-late is not there yet
    assert g.nodes["m-1"]["sector"] == "faith"
    assert g.nodes["m-1"]["area"] == "b-1"
    assert g.nodes["m-1"]["priority"] == "key"
    assert g.nodes["P1"]["kind"] == "officer"
    tie = g.edges["P1", "m-1"]
    assert (tie["kind"], int(tie["count"])) == ("officer_tie", 2)
    assert pendulum.parse(tie["first"]) == pendulum.datetime(2026, 6, 1, tz="UTC")
    assert pendulum.parse(tie["last"]) == pendulum.datetime(2026, 6, 20, tz="UTC")
    expected = 0.5 ** (29 / 90) + 0.5 ** (10 / 90)
    assert abs(float(tie["strength"]) - expected) < 1e-9
    assert g.edges["org-1", "org-2"]["kind"] == "declared"
    assert g.edges["m-1", "org-1"]["kind"] == "declared"
    assert not g.has_edge("P1", "org-2")  # that meeting is after T
    assert all(v is not None for _, d in g.nodes(data=True) for v in d.values())


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_pseudonymised_files_hold_no_key_or_name(
    small: rbp.Store, tmp_path: Path, fmt: str
) -> None:
    write = rbp.io.write_graphml if fmt == "graphml" else rbp.io.write_gexf
    read = nx.read_graphml if fmt == "graphml" else nx.read_gexf
    path = write(small, tmp_path / f"g.{fmt}", as_of=T, pseudonymise=True)
    text = path.read_text()
    for secret in ("P1", "m-1", "org-1", "org-2", "Jane Roe", "Shelter"):
        assert secret not in text
    g = read(path)
    assert g.number_of_nodes() == 4
    assert g.number_of_edges() == 3
    assert sorted(d["kind"] for _, d in g.nodes(data=True)) == [
        "agency",
        "agency",
        "member",
        "officer",
    ]
