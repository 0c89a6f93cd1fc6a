"""The doctest namespace: every Examples section in rbp/ may use these names.

* ``rbp`` and ``pendulum``;
* ``city``: a small synthetic city (:func:`rbp.synth.city`, size "toy", seed 0), built
  once per run. Examples only read it; an example that writes opens its own store;
* ``crm``: ``city.store``; ``T``: the end of its interaction log, a good ``as_of``.

An example that writes files may call ``tempfile.mkdtemp()`` as a reader would: under
the tests, each doctest's temporary files go to its own ``tmp_path``, which pytest
clears, so a test run leaves nothing behind in the system's temporary folder.
"""

from __future__ import annotations

import tempfile
from typing import Any

import pendulum
import pytest
from _pytest.doctest import DoctestItem

import rbp


@pytest.fixture(scope="session", autouse=True)
def _doctest_city(doctest_namespace: dict[str, Any]) -> None:
    from rbp import synth

    info = synth.city(size="toy")
    doctest_namespace.update(rbp=rbp, pendulum=pendulum, city=info, crm=info.store, T=info.end)


@pytest.fixture(autouse=True)
def _doctest_temp_files(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    if isinstance(request.node, DoctestItem):
        monkeypatch.setattr(tempfile, "tempdir", str(request.getfixturevalue("tmp_path")))
