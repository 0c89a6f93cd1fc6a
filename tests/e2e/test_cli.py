"""The ``rbp`` console script on a small synthetic city file: answers on stdout and
exit 0; every mistake is one line on stderr and exit 2."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import rbp
from tests.e2e.conftest import AS_OF, run


def one_line_error(proc: object, *needles: str) -> None:
    assert proc.returncode == 2, (proc.stdout, proc.stderr)  # type: ignore[attr-defined]
    lines = proc.stderr.strip().splitlines()  # type: ignore[attr-defined]
    assert len(lines) == 1, proc.stderr  # type: ignore[attr-defined]
    assert lines[0].startswith("rbp: ")
    for needle in needles:
        assert needle in lines[0]


def test_summary(rbp_command: Path, city_db: Path) -> None:
    proc = run(rbp_command, "summary", city_db)
    assert proc.returncode == 0, proc.stderr
    assert "officers" in proc.stdout
    assert "30000" in proc.stdout


def test_coverage_gaps_departure(rbp_command: Path, city_db: Path) -> None:
    cov = run(rbp_command, "coverage", city_db, "--as-of", AS_OF)
    assert cov.returncode == 0, cov.stderr
    # the first line is the report's title with the time the answer is for, said once
    # (the data is recent then: no note)
    assert cov.stdout.startswith(f"Coverage — as of {AS_OF} 23:59 UTC\n")
    assert cov.stdout.count(f"as of {AS_OF}") == 1
    area = run(rbp_command, "coverage", city_db, "--as-of", AS_OF, "--area", "b-0108")
    assert area.returncode == 0, area.stderr
    gaps = run(rbp_command, "gaps", city_db, "--as-of", AS_OF)
    assert gaps.returncode == 0, gaps.stderr
    assert "single-threaded stakeholders" in gaps.stdout
    with rbp.open(city_db, tz="UTC") as crm:
        risk = crm.graph.key_person_risk(as_of=rbp_date(AS_OF))
    officer = max(risk.sole_held, key=lambda o: (len(risk.sole_held[o]), o))
    dep = run(rbp_command, "departure", city_db, officer, "--as-of", AS_OF)
    assert dep.returncode == 0, dep.stderr
    assert dep.stdout.startswith(f"Departure of {officer} — as of {AS_OF} 23:59 UTC\n")
    assert dep.stdout.count(f"as of {AS_OF}") == 1
    assert f"If {officer} leaves: coverage" in dep.stdout


def rbp_date(text: str) -> object:
    import pendulum

    return pendulum.parse(text, tz="UTC").end_of("day")  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("args", "needles"),
    [
        (("summary", "{missing}"), ("no database file",)),
        (("coverage", "{db}", "--as-of", "2025-13-45"), ("--as-of", "not a date")),
        (("coverage", "{db}", "--as-of", "last tuesday"), ("not a date",)),
        (("coverage", "{db}", "--area", "no-such-area"), ("no-such-area",)),
        (("gaps", "{db}", "--area", "no-such-area"), ("no-such-area",)),
        (("departure", "{db}", "P-NOBODY"), ("P-NOBODY", "not an officer")),
        (("report", "{missing}", "-o", "{out}/r.html"), ("no database file",)),
        (("report", "{db}", "-o", "{out}/r.html", "--area", "zz"), ("zz",)),
        (("diagram", "{db}", "network", "-o", "{out}/d.txt"), (".svg, .png or .pdf",)),
        (("diagram", "{db}", "network", "--area", "zz", "-o", "{out}/d.svg"), ("zz",)),
        (("diagram", "{db}", "network", "--as-of", "soon", "-o", "{out}/d.svg"), ("not a date",)),
        (("diagram", "{db}", "ego", "-o", "{out}/d.svg"), ("officer key",)),
    ],
    ids=lambda v: "-".join(v) if isinstance(v[0], str) and v[0][0] != "-" else None,
)
def test_mistakes_are_one_line_and_exit_2(
    rbp_command: Path,
    city_db: Path,
    tmp_path: Path,
    args: tuple[str, ...],
    needles: tuple[str, ...],
) -> None:
    fill = {"db": str(city_db), "missing": str(tmp_path / "missing.db"), "out": str(tmp_path)}
    proc = run(rbp_command, *(a.format(**fill) for a in args))
    one_line_error(proc, *needles)
    assert not (tmp_path / "missing.db").exists()  # a typo never makes an empty database


@pytest.mark.parametrize("fmt", ["svg", "png"])
def test_network_diagram(rbp_command: Path, city_db: Path, tmp_path: Path, fmt: str) -> None:
    if shutil.which("dot") is None:
        pytest.skip("Graphviz's dot is not installed (make graphviz)")
    out = tmp_path / f"net.{fmt}"
    proc = run(
        rbp_command, "diagram", city_db, "network", "--area", "b-0108", "--as-of", AS_OF, "-o", out
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == str(out)
    assert "rbp: rendering" in proc.stderr  # progress goes to stderr
    data = out.read_bytes()
    assert data.startswith(b"\x89PNG") if fmt == "png" else b"<svg" in data


@pytest.mark.parametrize("kind", ["ego", "matrix", "keyperson"])
def test_other_diagrams_render_or_say_not_available(
    rbp_command: Path, city_db: Path, tmp_path: Path, kind: str
) -> None:
    out = tmp_path / f"{kind}.svg"
    key = ("P0018",) if kind == "ego" else ()
    proc = run(rbp_command, "diagram", city_db, kind, *key, "--as-of", AS_OF, "-o", out)
    with rbp.open(city_db, tz="UTC") as crm:
        available = hasattr(crm.graph, f"{kind}_diagram")
    if not available:
        one_line_error(proc, "not available")
    elif shutil.which("dot") is None:
        one_line_error(proc, "Graphviz")
    else:
        assert proc.returncode == 0, proc.stderr
        assert b"<svg" in out.read_bytes()


def test_report_writes_the_brief_by_default(
    rbp_command: Path, city_db: Path, tmp_path: Path
) -> None:
    proc = run(rbp_command, "report", city_db, "--as-of", AS_OF, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    out = tmp_path / "brief.html"
    assert proc.stdout.strip() == "brief.html"
    progress = proc.stderr.splitlines()
    assert progress[0] == f"rbp: as of {AS_OF} 23:59 UTC"
    assert any(line.startswith("rbp: done in") for line in progress)
    text = out.read_text(encoding="utf-8")
    assert f"As of {AS_OF} 23:59 UTC" in text
    for heading in ("Coverage by area and sector", "Most urgent gaps", "Who we would lose"):
        assert f"<h2>{heading}</h2>" in text
    assert text.count("<details>") >= 3


def test_report_full(rbp_command: Path, city_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    proc = run(rbp_command, "report", city_db, "--full", "-o", out, "--as-of", AS_OF)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == str(out)
    progress = proc.stderr.splitlines()
    assert "rbp: coverage" in progress
    assert any(line.startswith("rbp: done in") for line in progress)
    text = out.read_text(encoding="utf-8")
    assert f"As of {AS_OF}" in text
    for heading in ("Coverage", "Gaps", "Key-person risk", "Departure of P"):
        assert f"<h2>{heading}" in text
    if shutil.which("dot"):
        assert "<svg" in text
