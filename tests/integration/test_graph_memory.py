"""How a built graph sits in memory: its edges' attribute dicts share one table of
keys (a plain dict of the same items is larger)."""

from __future__ import annotations

import sys

import pendulum
import pytest

import rbp
from rbp.interactions import Interaction

T = pendulum.datetime(2025, 12, 31, tz="UTC")


@pytest.fixture
def town(crm: rbp.Store) -> rbp.Store:
    people = [rbp.Officer(f"P{i}") for i in range(3)]
    people += [rbp.CommunityMember(f"m-{i}") for i in range(6)]
    crm.directory.add_many(people)
    crm.directory.relate("m-0", "m-5", "knows")
    t0 = pendulum.datetime(2025, 6, 1, 10, tz="UTC")
    crm.interactions.log_many(
        Interaction(
            at=t0.add(days=d),
            kind="meeting",
            participants=(f"P{d % 3}", f"m-{d % 6}", f"m-{(d + 1) % 6}"),
        )
        for d in range(24)
    )
    return crm


def test_edge_dicts_share_their_keys(town: rbp.Store) -> None:
    g = town.graph.build(as_of=T)
    kinds = {d["kind"] for _, _, d in g.edges(data=True)}
    assert {"officer_tie", "community_tie"} <= kinds
    for _, _, d in g.edges(data=True):
        if d["kind"] == "declared":
            continue
        assert list(d) == [
            "kind",
            "count",
            "first",
            "last",
            "strength",
            "status",
            "declared",
        ]
        # a dict of its own (the same items, its own table of keys) takes more room
        assert sys.getsizeof(d) < sys.getsizeof(dict(d.items()))
