"""Diagram benchmark: build AND render (SVG) every kind of diagram on a synthetic city.

As of the city's last day, times ``crm.graph.<kind>(...)`` plus
``diagram.pipe(format="svg")`` (Graphviz's real ``dot``/``sfdp``) for

- the map of the busiest beat (as drawn by default, and drawn person by person);
- the map of the busiest district (its people, or its beats past ``max_nodes``);
- the whole department (its areas, coloured by coverage);
- the ego map of the busiest officer;
- the coverage matrix of the department;
- the key-person map (top 10 officers);

and prints seconds, nodes drawn, the layout engine and the SVG size. The target is
under 5 s each on the medium city.

    .venv/bin/python -m bench.diagram [--size medium] [--seed 0]
"""

from __future__ import annotations

import argparse
import sqlite3
import time
from collections.abc import Callable
from typing import Any

import graphviz

import rbp
from bench.graph import city_file
from rbp import synth

TARGET_S = 5.0


def busiest_officer(path: str) -> str:
    """The officer with the most shared contacts (read with plain sqlite3, not timed)."""
    con = sqlite3.connect(path)
    try:
        row = con.execute(
            "SELECT officer FROM tie_pairs GROUP BY officer ORDER BY sum(n) DESC, officer LIMIT 1"
        ).fetchone()
    finally:
        con.close()
    return str(row[0])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", default="medium")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    path = city_file(args.size, args.seed)
    officer = busiest_officer(str(path))
    with rbp.open(path, tz=synth.DEFAULT_TZ) as crm:
        end = crm.interactions.find(newest_first=True, limit=1)[0].at.end_of("day")
        cov = crm.graph.coverage(as_of=end)  # also warms the shared snapshot, not timed
        tree = crm.directory.areas()
        leaves = [a for a in cov.by_area if cov.by_area[a].total and not tree.children(a)]
        beat = max(leaves, key=lambda a: cov.by_area[a].total)
        parents = {tree[b].parent for b in leaves}
        tops = [a for a in cov.by_area if a in parents]
        district = max(tops, key=lambda a: cov.by_area[a].total)
        print(
            f"{args.size} city as of {end:%Y-%m-%d}: busiest beat {beat} "
            f"({cov.by_area[beat].total} stakeholders), district {district} "
            f"({cov.by_area[district].total}), officer {officer}"
        )
        g = crm.graph
        cases: list[tuple[str, Callable[[], Any]]] = [
            (f"map of beat {beat}", lambda: g.diagram(as_of=end, area=beat)),
            (
                f"map of beat {beat}, person by person",
                lambda: g.diagram(as_of=end, area=beat, max_nodes=10_000, level="people"),
            ),
            (f"map of district {district}", lambda: g.diagram(as_of=end, area=district)),
            ("map of the department (areas)", lambda: g.diagram(as_of=end)),
            (f"ego map of {officer}", lambda: g.ego_diagram(officer, as_of=end)),
            ("coverage matrix", lambda: g.matrix_diagram(as_of=end)),
            ("key-person map (top 10)", lambda: g.keyperson_diagram(as_of=end, top=10)),
        ]
        worst = 0.0
        for label, make in cases:
            g._snapshots.clear()  # every diagram pays for its own reads
            started = time.perf_counter()
            d: graphviz.Graph = make()
            built = time.perf_counter() - started
            svg = d.pipe(format="svg")
            total = time.perf_counter() - started
            worst = max(worst, total)
            nodes = d.source.count("tooltip=")
            print(
                f"{label:<40} {total:6.2f} s  (build {built:5.2f} s, render "
                f"{total - built:5.2f} s, {d.engine}, ~{nodes} nodes, {len(svg):,} bytes SVG)"
            )
        verdict = "all under" if worst < TARGET_S else "OVER"
        print(f"slowest {worst:.2f} s: {verdict} the {TARGET_S:g} s target")


if __name__ == "__main__":
    main()
