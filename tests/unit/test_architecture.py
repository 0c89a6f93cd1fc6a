"""The floors of DESIGN section 3 hold: no import cycle, the import-linter contract, a leaf schema.

These read the source's imports (grimp, the graph import-linter builds) and run the real
``lint-imports`` and ``python -X importtime``; they do not trust rbp to describe itself.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import grimp
import networkx as nx

import rbp

ROOT = Path(rbp.__file__).resolve().parent.parent


def _graph() -> nx.DiGraph:
    imports = grimp.build_graph("rbp", include_external_packages=False)
    g = nx.DiGraph()
    for module in imports.modules:
        g.add_node(module)
        for imported in imports.find_modules_directly_imported_by(module):
            g.add_edge(module, imported)
    return g


def test_no_import_cycle_counting_type_checking_imports() -> None:
    g = _graph()
    # A package's __init__ re-exporting its own submodules is how packages work, and a
    # submodule importing a sibling through its package is that sibling; everything
    # else would be a loop between floors or modules.
    g.remove_edges_from([(a, b) for a, b in g.edges if a.startswith(b + ".")])
    cycles = list(nx.simple_cycles(g, length_bound=6))
    assert cycles == []


def test_namespaces_import_no_other_namespace() -> None:
    g = _graph()
    spaces = ("rbp.directory", "rbp.interactions", "rbp.plans", "rbp.graph")

    def space(module: str) -> str | None:
        return next((s for s in spaces if module == s or module.startswith(s + ".")), None)

    crossing = sorted((a, b) for a, b in g.edges if space(a) and space(b) and space(a) != space(b))
    assert crossing == []


def test_import_linter_contracts_are_kept() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    tool = Path(sys.executable).with_name("lint-imports")
    proc = subprocess.run(
        [str(tool), "--no-cache"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "0 broken" in proc.stdout


def test_no_module_finishes_loading_inside_the_schema() -> None:
    """``python -X importtime -c "import rbp"``: the schema imports only what is loaded."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONDONTWRITEBYTECODE": "1"}
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import rbp"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    rows = []
    for line in proc.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        name = line.rsplit("|", 1)[1]
        depth = (len(name) - len(name.lstrip(" "))) // 2
        rows.append((depth, name.strip()))
    # importtime prints a module after the modules it loaded, each one level deeper.
    inside: list[str] = []
    for i, (depth, name) in enumerate(rows):
        if name == "rbp._schema":
            j = i - 1
            while j >= 0 and rows[j][0] > depth:
                if not rows[j][1].startswith("rbp._schema."):  # its own parts
                    inside.append(rows[j][1])
                j -= 1
    assert any(name == "rbp._schema" for _, name in rows)
    assert inside == []
