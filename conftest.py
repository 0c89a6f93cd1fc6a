"""The doctest namespace: every Examples section in rbp/ may use these names.

* ``rbp`` and ``pendulum``;
* ``city``: a small synthetic city (:func:`rbp.synth.city`, size "toy", seed 0), built
  once per run. Examples only read it; an example that writes opens its own store;
* ``crm``: ``city.store``; ``T``: the end of its interaction log, a good ``as_of``.
"""

from __future__ import annotations

from typing import Any

import pendulum
import pytest

import rbp


@pytest.fixture(scope="session", autouse=True)
def _doctest_city(doctest_namespace: dict[str, Any]) -> None:
    from rbp import synth

    info = synth.city(size="toy")
    doctest_namespace.update(rbp=rbp, pendulum=pendulum, city=info, crm=info.store, T=info.end)
