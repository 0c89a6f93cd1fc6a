"""The area order and the cycle check (graphlib) against plain walks up the parents."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from rbp import Area
from rbp.areas import AreaTree, cycle

KEYS = [f"a{i}" for i in range(8)]
parents = st.dictionaries(
    st.sampled_from(KEYS), st.one_of(st.none(), st.sampled_from([*KEYS, "gone"])), max_size=8
)


def _walk_finds_cycle(parent_of: dict[str, str | None]) -> bool:
    for start in parent_of:
        seen, node = set(), start
        while node in parent_of and node not in seen:
            seen.add(node)
            node = parent_of[node]  # type: ignore[assignment]
        if node in seen:
            return True
    return False


@settings(derandomize=True, max_examples=300)
@given(parent_of=parents)
def test_cycle_is_found_exactly_when_a_walk_up_returns(parent_of: dict[str, str | None]) -> None:
    found = cycle(parent_of)
    assert bool(found) is _walk_finds_cycle(parent_of)
    if found:
        assert found[0] == found[-1]
        for child, parent in itertools.pairwise(found):
            assert parent_of[child] == parent


@settings(derandomize=True, max_examples=300)
@given(parent_of=parents)
def test_order_is_by_depth_then_key(parent_of: dict[str, str | None]) -> None:
    if _walk_finds_cycle(parent_of):
        return
    tree = AreaTree(Area(k, parent=p) for k, p in parent_of.items())

    def depth(key: str) -> int:
        n, node = 0, parent_of[key]
        while node is not None and node in parent_of:
            n, node = n + 1, parent_of[node]
        return n

    assert list(tree.order()) == sorted(parent_of, key=lambda k: (depth(k), k))
