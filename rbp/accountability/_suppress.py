"""Small-count suppression for published tables of counts, with totals.

A table of counts gets a total column and a total row. Then:

1. **primary**: every count, totals included, from 1 to ``min_n - 1`` is hidden;
2. **complementary**: the table is a set of lines (every row and every column, totals
   included), each saying "these entries add up to that total". Hidden entries are the
   edges of a bipartite graph between the lines they lie on; a hidden entry can be
   worked out from what is shown exactly when its edge is a *bridge* (on no cycle of
   hidden entries). A line hiding exactly one entry is the plainest case. While a
   bridge remains, the smallest shown non-zero entry that closes a cycle through it is
   hidden too (a zero only when nothing else can).

Every hidden entry then lies on a cycle of hidden entries that are all at least 1, so
adding 1 and taking 1 around the cycle gives another table, every shown number the same,
in which that entry differs: no hidden value can be worked out from the published ones.

Examples
--------
>>> grid = suppress([[12, 3], [20, 9]], min_n=5)
>>> grid.shown()
[[None, None, 15], [None, None, 29], [32, 12, 44]]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import attrs

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["Grid", "suppress"]


@attrs.frozen
class Grid:
    """Counts with their totals, and which entries are hidden.

    ``values`` are the rows then the total row; the last column is the row total.
    ``hidden`` has the same shape.
    """

    values: tuple[tuple[int, ...], ...]
    hidden: tuple[tuple[bool, ...], ...]

    def shown(self) -> list[list[int | None]]:
        """The values with every hidden entry None.

        Returns
        -------
        list of list
            Counts, None where hidden.

        Examples
        --------
        >>> suppress([[7, 2]], min_n=5).shown()
        [[None, None, 9], [None, None, 9]]
        """
        return [
            [None if h else v for v, h in zip(row, hid, strict=True)]
            for row, hid in zip(self.values, self.hidden, strict=True)
        ]


def _with_totals(counts: Sequence[Sequence[int]], width: int) -> list[list[int]]:
    rows = [[*r, sum(r)] for r in counts]
    rows.append([sum(col) for col in zip(*rows, strict=True)] if rows else [0] * (width + 1))
    return rows


def _lines(n_rows: int, n_cols: int) -> list[list[tuple[int, int]]]:
    """Every line with a published total: each row, then each column."""
    return [[(i, j) for j in range(n_cols)] for i in range(n_rows)] + [
        [(i, j) for i in range(n_rows)] for j in range(n_cols)
    ]


def _graph(hidden: set[tuple[int, int]]) -> nx.Graph:
    """Rows and columns as nodes, hidden entries as the edges between them."""
    import networkx as nx

    g = nx.Graph()
    g.add_edges_from((("r", i), ("c", j)) for i, j in sorted(hidden))
    return g


def _bridge(hidden: set[tuple[int, int]]) -> tuple[int, int] | None:
    """A hidden entry on no cycle of hidden entries (rows and columns as nodes), if any."""
    import networkx as nx

    found = [(u[1], v[1]) if u[0] == "r" else (v[1], u[1]) for u, v in nx.bridges(_graph(hidden))]
    return min(found) if found else None


def suppress(counts: Sequence[Sequence[int]], *, min_n: int, width: int = 0) -> Grid:
    """Totals, primary and complementary suppression of a table of counts.

    Parameters
    ----------
    counts
        Rows of non-negative counts, every row as long.
    min_n
        Counts from 1 to ``min_n - 1`` are hidden (1 hides nothing).
    width
        The number of columns when there are no rows.

    Returns
    -------
    Grid
        The counts with their totals and what is hidden.

    Examples
    --------
    >>> suppress([[9, 9, 2], [9, 9, 9]], min_n=5).shown()
    [[None, 9, None, 20], [None, 9, None, 27], [18, 18, 11, 47]]
    """
    values = _with_totals(counts, width)
    n_rows, n_cols = len(values), len(values[0])
    hidden = {(i, j) for i in range(n_rows) for j in range(n_cols) if 0 < values[i][j] < min_n}
    lines = _lines(n_rows, n_cols)
    while hidden:
        one = next((line for line in lines if sum(c in hidden for c in line) == 1), None)
        if one is not None:
            candidates = [c for c in one if c not in hidden]
        else:
            cell = _bridge(hidden)
            if cell is None:
                break
            candidates = _closers(cell, hidden, n_rows, n_cols)
        if not candidates:  # pragma: no cover - every line and bridge has another entry
            break
        hidden.add(min(candidates, key=lambda c: _preference(c, values, hidden, one)))
    return Grid(
        values=tuple(tuple(r) for r in values),
        hidden=tuple(tuple((i, j) in hidden for j in range(n_cols)) for i in range(n_rows)),
    )


def _preference(
    cell: tuple[int, int],
    values: Sequence[Sequence[int]],
    hidden: set[tuple[int, int]],
    line: Sequence[tuple[int, int]] | None,
) -> tuple[bool, int, bool, tuple[int, int]]:
    """Smallest non-zero first; among equals, one whose other line already hides an
    entry (it closes a cycle instead of opening a new line)."""
    value = values[cell[0]][cell[1]]
    if line is None:
        crossing = False
    else:
        along_row = all(c[0] == line[0][0] for c in line)
        crossing = any((h[1] == cell[1]) if along_row else (h[0] == cell[0]) for h in hidden)
    return (value == 0, value, not crossing, cell)


def _closers(
    cell: tuple[int, int], hidden: set[tuple[int, int]], n_rows: int, n_cols: int
) -> list[tuple[int, int]]:
    """Shown entries that would put the bridge ``cell`` on a cycle: each joins a row on
    one side of the bridge to a column on the other."""
    import networkx as nx

    g = _graph(hidden - {cell})
    g.add_node(("r", cell[0]))
    side = nx.node_connected_component(g, ("r", cell[0]))
    return [
        (i, j)
        for i in range(n_rows)
        for j in range(n_cols)
        if (i, j) not in hidden and ((("r", i) in side) != (("c", j) in side))
    ]
