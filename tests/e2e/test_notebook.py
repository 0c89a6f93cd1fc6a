"""examples/analyst.ipynb runs top to bottom in a real Jupyter kernel (nbclient)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from tests.e2e.conftest import ROOT

NOTEBOOK = ROOT / "examples" / "analyst.ipynb"


def test_notebook_is_stored_without_outputs() -> None:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == []
            assert cell.execution_count is None


def test_notebook_runs_and_shows_tables_and_a_diagram(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    # The kernel inherits TMPDIR: the notebook's scratch folder (tempfile.mkdtemp) goes
    # under this test's own folder, not into the machine's /tmp on every run.
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    # "python3" is ipykernel's own spec: jupyter_client starts it with this interpreter.
    client = NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}}
    )
    client.execute()
    assert [p.name for p in tmp_path.glob("*/city.gexf")] == ["city.gexf"]
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    rich = [o.data for o in outputs if o.output_type in ("execute_result", "display_data")]
    tables = [d["text/html"] for d in rich if "<table" in d.get("text/html", "")]
    assert len(tables) >= 3  # the frame, the coverage report, the gap report
    assert any('class="rbp-report"' in t and "By area" in t for t in tables)
    assert any("<b>Gaps</b>" in t and "As of 2025-12-31" in t for t in tables)
    assert all(t.count("<tr>") <= 200 for t in tables)  # first rows only, never the whole list
    # Data in and out: the sign-in sheet made one interaction (counted by the store before
    # and after), its report shows as a table, and networkx reads the GEXF file back.
    printed = "".join(o.text for o in outputs if o.output_type == "stream")
    made = re.search(r"(\d+) rows made (\d+) interaction", printed)
    assert made is not None
    assert int(made[1]) >= 2
    assert made[2] == "1"
    assert any("records added" in t and "sign_in.csv" in t for t in tables)
    gexf = re.search(r"city\.gexf: (\d+) nodes, (\d+) edges", printed)
    assert gexf is not None
    assert int(gexf[1]) > 0
    assert int(gexf[2]) > 0
    svgs = [d["image/svg+xml"] for d in rich if "image/svg+xml" in d]
    if shutil.which("dot") is None:
        pytest.skip(
            "Graphviz's dot is not installed (make graphviz): the diagram cell shows no SVG"
        )
    assert len(svgs) == 1
    assert "<svg" in svgs[0]
    assert "Beat 0108 as of" in svgs[0]  # the busiest beat, drawn and titled by its name
