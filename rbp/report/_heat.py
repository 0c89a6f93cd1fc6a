"""The brief's coverage heat-map: areas one level below the scope by sector, and the
names a person knows the areas by."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rbp._render import HeatMap, HeatRow, count
from rbp.model import Sector

if TYPE_CHECKING:
    from rbp.areas import AreaTree
    from rbp.graph import CoverageReport

__all__ = ["HEATMAP_ROWS", "area_name", "heatmap", "row_areas"]

HEATMAP_ROWS = 20
"""The most areas the heat-map shows (those with the most stakeholders); the coverage
table in the brief's details lists them all."""


def area_name(tree: AreaTree, key: str) -> str:
    """An area's name, or its key when it has none (names of areas are not personal)."""
    if key not in tree:
        return key
    return tree[key].name or key


def row_areas(tree: AreaTree, scope: str | None) -> tuple[str, ...]:
    """The areas one level below ``scope`` (below the roots when None), going down
    while that level is a single area with areas below it; ``scope`` itself when it
    has none."""
    level = tree.roots if scope is None else tree.children(scope) or (scope,)
    while len(level) == 1 and tree.children(level[0]):
        level = tree.children(level[0])
    return tuple(level)


def heatmap(cov: CoverageReport, tree: AreaTree, scope: str | None) -> HeatMap | None:
    """Coverage of the areas below ``scope`` by sector, with a first row for the whole
    scope and a first column for all sectors; None when there are no areas."""
    areas = [a for a in row_areas(tree, scope) if a in cov.by_area]
    if not areas:
        return None
    sectors = [s for s in Sector if cov.by_sector.get(s) and cov.by_sector[s].total > 0]
    note = ""
    if len(areas) > HEATMAP_ROWS:
        busiest = sorted(areas, key=lambda a: (-cov.by_area[a].total, a))[:HEATMAP_ROWS]
        left = len(areas) - HEATMAP_ROWS
        note = (
            f"The {HEATMAP_ROWS} areas with the most stakeholders; "
            f"{count(left, 'more area')} in the coverage table under Details."
        )
        areas = [a for a in areas if a in set(busiest)]
    whole = "All areas" if scope is None else area_name(tree, scope)
    rows = [
        HeatRow(
            whole,
            [(cov.covered, cov.total)]
            + [(cov.by_sector[s].covered, cov.by_sector[s].total) for s in sectors],
        )
    ]
    for a in areas:
        if a == scope:
            continue  # a scope with no areas below it: its one row says it all
        cell = cov.by_area[a]
        rows.append(
            HeatRow(
                area_name(tree, a),
                [(cell.covered, cell.total)]
                + [(cov.cell(a, s).covered, cov.cell(a, s).total) for s in sectors],
                depth=1,
            )
        )
    return HeatMap(
        title="Coverage by area and sector",
        columns=["all sectors", *(s.value.replace("_", " ") for s in sectors)],
        rows=rows,
        note=note,
    )
