"""Small-count suppression against an independent check: no shown count is small, no line
hides exactly one entry, and (brute force, on small tables) every hidden entry has another
value in some table that agrees with every shown number and is non-negative."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from rbp.accountability._suppress import suppress

counts = st.sampled_from([0, 0, 1, 2, 3, 4, 5, 6, 9, 14, 30])


@st.composite
def tables(draw: st.DrawFn, max_rows: int = 4, max_cols: int = 4) -> list[list[int]]:
    rows = draw(st.integers(1, max_rows))
    cols = draw(st.integers(1, max_cols))
    return [[draw(counts) for _ in range(cols)] for _ in range(rows)]


def _lines(n_rows: int, n_cols: int) -> list[list[tuple[int, int, int]]]:
    """Each line as (row, column, sign): the cells add up to the total (sign -1)."""
    rows = [[(i, j, -1 if j == n_cols - 1 else 1) for j in range(n_cols)] for i in range(n_rows)]
    cols = [[(i, j, -1 if i == n_rows - 1 else 1) for i in range(n_rows)] for j in range(n_cols)]
    return rows + cols


def _another_value_exists(
    values: list[list[int]], hidden: list[tuple[int, int]], target: tuple[int, int]
) -> bool:
    """Whether some change ``d`` of the hidden entries, each by -1, 0 or +1, keeps every
    line adding up, keeps every entry non-negative and changes ``target`` (depth-first
    over the hidden entries, a line checked once all its hidden entries are set)."""
    n_rows, n_cols = len(values), len(values[0])
    lines = _lines(n_rows, n_cols)
    position = {c: k for k, c in enumerate(hidden)}
    last = [
        max((position[(i, j)] for i, j, _ in line if (i, j) in position), default=-1)
        for line in lines
    ]
    d = [0] * len(hidden)

    def ok_upto(k: int) -> bool:
        for line, end in zip(lines, last, strict=True):
            if (
                end == k
                and sum(s * d[position[(i, j)]] for i, j, s in line if (i, j) in position) != 0
            ):
                return False
        return True

    def search(k: int) -> bool:
        if k == len(hidden):
            return d[position[target]] != 0
        i, j = hidden[k]
        for step in (1, -1, 0):
            if values[i][j] + step < 0:
                continue
            if hidden[k] == target and step == 0:
                continue
            d[k] = step
            if ok_upto(k) and search(k + 1):
                return True
        d[k] = 0
        return False

    return search(0)


@settings(max_examples=400, derandomize=True, deadline=None)
@given(table=tables(), min_n=st.integers(1, 10))
def test_no_small_count_is_shown_and_no_line_hides_one(table: list[list[int]], min_n: int) -> None:
    grid = suppress(table, min_n=min_n)
    n_rows, n_cols = len(table) + 1, len(table[0]) + 1
    # The totals are the plain sums.
    assert [list(r[:-1]) for r in grid.values[:-1]] == table
    assert all(r[-1] == sum(r[:-1]) for r in grid.values)
    assert list(grid.values[-1][:-1]) == [sum(c) for c in zip(*table, strict=True)]
    for i in range(n_rows):
        for j in range(n_cols):
            v = grid.values[i][j]
            if not grid.hidden[i][j]:
                assert not 0 < v < min_n, (i, j, v)
    for line in _lines(n_rows, n_cols):
        assert sum(grid.hidden[i][j] for i, j, _ in line) != 1


@settings(max_examples=300, derandomize=True, deadline=None)
@given(table=tables(max_rows=3, max_cols=3), min_n=st.integers(2, 8))
def test_no_hidden_count_can_be_worked_out(table: list[list[int]], min_n: int) -> None:
    grid = suppress(table, min_n=min_n)
    values = [list(r) for r in grid.values]
    hidden = [(i, j) for i, r in enumerate(grid.hidden) for j, h in enumerate(r) if h]
    for cell in hidden:
        if values[cell[0]][cell[1]] == 0:
            continue  # a hidden zero (only when nothing else could be) is not a count
        assert _another_value_exists(values, hidden, cell), (table, min_n, cell)


def test_the_check_finds_a_recoverable_cell() -> None:
    """The brute force is not vacuous: hiding one cell of a row with its total shown
    leaves it recoverable, and so does a bridge between two cycles."""
    values = [[3, 7, 10], [3, 7, 10]]
    assert not _another_value_exists(values, [(0, 0)], (0, 0))
    values = [[5, 5, 10], [5, 5, 10], [10, 10, 20]]
    assert _another_value_exists(values, [(0, 0), (0, 1), (1, 0), (1, 1)], (0, 0))


def _rank(rows: list[list[Fraction]]) -> int:
    """The rank of a matrix, by Gaussian elimination over the rationals."""
    m = [r[:] for r in rows]
    rank, cols = 0, len(m[0]) if m else 0
    for col in range(cols):
        pivot = next((r for r in range(rank, len(m)) if m[r][col] != 0), None)
        if pivot is None:
            continue
        m[rank], m[pivot] = m[pivot], m[rank]
        for r in range(len(m)):
            if r != rank and m[r][col] != 0:
                factor = m[r][col] / m[rank][col]
                m[r] = [a - factor * b for a, b in zip(m[r], m[rank], strict=True)]
        rank += 1
    return rank


@settings(max_examples=300, derandomize=True, deadline=None)
@given(table=tables(max_rows=6, max_cols=6), min_n=st.integers(2, 8))
def test_no_hidden_count_is_fixed_by_the_equations(table: list[list[int]], min_n: int) -> None:
    """Larger tables, by linear algebra: a hidden entry is fixed by the published lines
    exactly when its unit vector lies in the row space of the lines' equations over the
    hidden entries (adding it as a row leaves the rank unchanged)."""
    grid = suppress(table, min_n=min_n)
    n_rows, n_cols = len(grid.values), len(grid.values[0])
    hidden = [(i, j) for i, r in enumerate(grid.hidden) for j, h in enumerate(r) if h]
    if not hidden:
        return
    position = {c: k for k, c in enumerate(hidden)}
    equations = []
    for line in _lines(n_rows, n_cols):
        row = [Fraction(0)] * len(hidden)
        for i, j, sign in line:
            if (i, j) in position:
                row[position[(i, j)]] = Fraction(sign)
        equations.append(row)
    base = _rank(equations)
    for cell in hidden:
        unit = [Fraction(0)] * len(hidden)
        unit[position[cell]] = Fraction(1)
        assert _rank([*equations, unit]) == base + 1, (table, min_n, cell)
