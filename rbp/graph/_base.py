"""What every capability of ``crm.graph`` shares: the unit of work, the snapshot cache,
the graph builder, and the checks of the arguments they all take.

A public read resolves ``as_of`` (:meth:`UnitOfWork.when`) and ``window``
(:meth:`UnitOfWork.window`) once, opens one read transaction, and passes the resolved
:class:`~rbp._time.AsOf` / :class:`~rbp._time.Window` and the connection down.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING, Any

import networkx as nx
import pendulum
from sqlalchemy.engine import Connection

from rbp._time import AsOf, Window
from rbp.errors import UnknownKeyError
from rbp.graph._build import build_graph
from rbp.graph._snapshot import Snapshot, load_snapshot, widen

if TYPE_CHECKING:
    from rbp._unit import UnitOfWork

__all__ = ["NETWORK_WINDOW", "GraphBase", "labels_arg", "whole"]

NETWORK_WINDOW = pendulum.duration(days=365)
"""The edges of the network measures and maps, when no ``window`` is given: a tie or
community tie counts with a shared interaction in the last year."""


def whole(value: object, field: str) -> int:
    """A whole-number argument of any value (a seed, hops): an int, not a bool."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{field} must be a whole number (int), got {type(value).__name__}")
    return value


def labels_arg(value: object) -> Mapping[str, str] | None:
    """The ``labels`` argument of a diagram: None or a mapping of keys to text."""
    if value is None or isinstance(value, Mapping):
        return value
    raise TypeError(f"labels must be a mapping of keys to text or None, got {type(value).__name__}")


class GraphBase:
    """The state every capability of :class:`~rbp.graph.Graph` reads through."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow
        # The last few snapshots, keyed by (T, window, store version), so that coverage,
        # gaps, key-person risk and departures as of one T read the database once.
        self._snapshots: OrderedDict[Any, Snapshot] = OrderedDict()

    def _snapshot(
        self,
        conn: Connection,
        when: AsOf,
        window: Window,
        *,
        cooling: bool = False,
    ) -> Snapshot:
        """The snapshot as of ``when`` with ``window``, read on ``conn`` unless cached;
        ``cooling``: with the ties going cold (what only the gap report lists), which
        reads the ties four cadences back instead of one. A snapshot with them serves
        every answer; one without them is widened by one more query of the ties."""
        stamp = self._uow.version(conn)
        key = (when.micros, window.duration, stamp)
        cached = self._snapshots.get(key)
        if cached is not None:
            if cooling and not cached.cooling:
                cached = self._snapshots[key] = widen(
                    conn, cached, cadence=self._uow.settings.cadence
                )
            self._snapshots.move_to_end(key)
            return cached
        snap = load_snapshot(
            conn,
            as_of=when,
            cadence=self._uow.settings.cadence,
            window=window,
            cooling=cooling,
        )
        self._snapshots[key] = snap
        self._snapshots.move_to_end(key)
        while len(self._snapshots) > 4:
            self._snapshots.popitem(last=False)
        return snap

    @staticmethod
    def _officer(snap: Snapshot, officer: str) -> str:
        """``officer``, or UnknownKeyError when it is no officer in the picture at T."""
        if officer not in snap.officers:
            raise UnknownKeyError(
                f"{officer!r} is not an officer in the picture at {snap.as_of}",
                key=officer,
                field="officer",
            )
        return officer

    def _network_window(self, window: object) -> Window:
        """The resolved ``window`` of a network measure (default :data:`NETWORK_WINDOW`)."""
        resolved = self._uow.window(window)
        return resolved if resolved.duration is not None else Window(NETWORK_WINDOW)

    def _graph(
        self,
        conn: Connection,
        when: AsOf,
        window: Window,
        *,
        keys: Collection[str] | None = None,
        community: bool = True,
        declared: bool = True,
        personal: bool = False,
    ) -> nx.Graph:
        """:func:`build_graph` of this store, optionally only around ``keys``."""
        return build_graph(
            conn,
            as_of=when,
            settings=self._uow.settings,
            tz=self._uow.tz,
            window=window,
            keys=keys,
            community=community,
            declared=declared,
            personal=personal,
        )
