"""The distribution's name, command, extras and version, read from pyproject.toml."""

from __future__ import annotations

import tomllib
from pathlib import Path

import rbp

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


def _project() -> dict[str, object]:
    with PYPROJECT.open("rb") as f:
        project: dict[str, object] = tomllib.load(f)["project"]
    return project


def test_the_distribution_is_not_the_unrelated_rbp() -> None:
    project = _project()
    assert project["name"] == "rbp-crm"  # "rbp" on the package index is another project
    assert project["scripts"] == {"rbp": "rbp.cli:main"}  # the command stays rbp


def test_extras_refer_to_this_distribution() -> None:
    extras = _project()["optional-dependencies"]
    assert isinstance(extras, dict)
    assert {"postgres", "pandas", "notebook", "dev"} <= set(extras)
    selfref = [r for reqs in extras.values() for r in reqs if r.startswith("rbp")]
    assert selfref  # the notebook and dev extras build on the others
    assert all(r.startswith("rbp-crm[") for r in selfref), selfref


def test_the_version_is_the_package_version() -> None:
    assert _project()["version"] == rbp.__version__
