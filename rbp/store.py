"""The facade: ``rbp.open()`` and the :class:`Store` it returns.

The top floor. ``open`` makes the engine and the unit of work (:mod:`rbp._unit`),
brings the schema to the newest migration, and :class:`Store` builds the namespaces
on the unit of work: each namespace gets the transactions, clock, zone and settings
and nothing else, so no namespace reaches another through the store.
"""

from __future__ import annotations

import functools
import os
from typing import TYPE_CHECKING

import pendulum
from sqlalchemy.engine import Engine

from rbp import _args
from rbp._migrate import upgrade_to_head
from rbp._unit import Clock, UnitOfWork, make_engine
from rbp.audit import AuditEntry
from rbp.directory import Directory
from rbp.errors import StoreError
from rbp.interactions import Interactions
from rbp.plans import Plans
from rbp.settings import Settings

if TYPE_CHECKING:
    from rbp.graph import Graph

__all__ = ["Store", "open"]


def open(
    url: str | os.PathLike[str] | None = None,
    *,
    tz: str = "UTC",
    actor: str | None = None,
    clock: Clock | None = None,
    settings: Settings | None = None,
    echo: bool = False,
) -> Store:
    """Open (and create or upgrade) an rbp store.

    Parameters
    ----------
    url : str or path, optional
        ``None`` for an in-memory SQLite database; a file path for a SQLite file
        (WAL journal, foreign keys on, a busy timeout); anything with ``://`` is a
        SQLAlchemy URL, e.g. ``"postgresql+psycopg://rbp@localhost/rbp"``.
    tz : str
        The agency's time zone (IANA name). Times come back in this zone; calendar
        questions (months, quiet hours) are asked in it. The database keeps UTC.
    actor : str, optional
        Who is writing; every write is recorded with it in the audit trail.
    clock : callable, optional
        Returns the current aware time; tests and replays inject one. Defaults to
        ``pendulum.now``.
    settings : Settings, optional
        Tie half-life, contact cadences and other definitions
        (:class:`rbp.settings.Settings`; the defaults follow DESIGN.md).
    echo : bool
        Log every SQL statement (SQLAlchemy's ``echo``).

    Returns
    -------
    Store
        Use it as a context manager, or call :meth:`Store.close`.

    Raises
    ------
    ValidationError
        An unknown time zone, or an actor that is empty, longer than 200 characters
        or not printable on one line.
    TypeError
        An argument of the wrong type (the message names it).
    StoreError
        The database cannot be opened or migrated.

    Examples
    --------
    >>> import rbp
    >>> with rbp.open(tz="America/Chicago") as crm:
    ...     crm.tz
    'America/Chicago'
    """
    if url is not None:
        _args.path(url, "url")  # a str or path, without NUL or lone surrogates
    zone = _args.zone(tz)
    who = _args.actor(actor)
    if clock is not None and not callable(clock):
        raise TypeError(
            f"clock must be a callable returning an aware time, got {type(clock).__name__}"
        )
    if settings is not None:
        _args.instance(settings, Settings, "settings")
    engine = make_engine(url, echo=_args.flag(echo, "echo"))
    try:
        upgrade_to_head(engine)
    except Exception as exc:
        engine.dispose()
        raise StoreError(
            f"could not open or migrate the database: {exc.__class__.__name__}: {exc}"
        ) from exc
    return Store(UnitOfWork(engine, tz=zone, actor=who, clock=clock, settings=settings))


class Store:
    """An open rbp database with its namespaces.

    Attributes
    ----------
    directory : rbp.directory.Directory
        Areas, stakeholders and declared relationships.
    interactions : rbp.interactions.Interactions
        The contact log and the ties computed from it.
    plans : rbp.plans.Plans
        Collaborative action plans.
    graph : rbp.graph.Graph
        Coverage, gaps, key-person risk, network measures and diagrams.
    """

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = _args.instance(uow, UnitOfWork, "uow")
        self.directory = Directory(uow)
        self.interactions = Interactions(uow)
        self.plans = Plans(uow)

    @functools.cached_property
    def graph(self) -> Graph:
        """Coverage, gaps, key-person risk, network measures and diagrams.

        Built on first use, so ``import rbp`` does not load networkx and graphviz.
        """
        from rbp.graph import Graph

        return Graph(self._uow)

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine (for reading the tables with your own SQL)."""
        return self._uow.engine

    @property
    def tz(self) -> str:
        """The agency's time zone (IANA name)."""
        return self._uow.tz

    @property
    def settings(self) -> Settings:
        """Definitions the metrics use (half-life, cadences, ...)."""
        return self._uow.settings

    @property
    def actor(self) -> str | None:
        """Who writes, for the audit trail."""
        return self._uow.actor

    def now(self) -> pendulum.DateTime:
        """The current time in the store's zone, from the injected clock if any."""
        return self._uow.now()

    def audit(
        self,
        since: pendulum.DateTime | None = None,
        *,
        key: str | None = None,
        entity: str | None = None,
        limit: int | None = None,
    ) -> tuple[AuditEntry, ...]:
        """The audit trail, oldest first: who changed what, and when.

        Parameters
        ----------
        since : DateTime, optional
            Only entries written at or after this time (aware).
        key : str, optional
            Only entries about this key.
        entity : str, optional
            Only entries about this kind of record ("area", "stakeholder", ...).
        limit : int, optional
            At most this many entries (0 to 1,000,000,000).

        Raises
        ------
        ValidationError
            A naive ``since``, a malformed key or entity, or a limit out of range.

        Examples
        --------
        >>> import rbp
        >>> crm = rbp.open(actor="sgt.ortiz")
        >>> crm.directory.add(rbp.Area("d-01", name="District 1"))
        >>> [(e.actor, e.action, e.key) for e in crm.audit()]
        [('sgt.ortiz', 'add', 'd-01')]
        """
        return self._uow.audit(
            _args.optional_time(since, "since"),
            key=_args.optional_key(key, "key"),
            entity=_args.optional_key(entity, "entity"),
            limit=_args.limit(limit, "limit"),
        )

    # ------------------------------------------------------------------ lifetime

    def close(self) -> None:
        """Release the database connections."""
        self._uow.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        url = self._uow.engine.url.render_as_string(hide_password=True)
        return f"<rbp.Store {url} tz={self.tz}>"


# Users import these from ``rbp``: reprs and docs show that path.
Store.__module__ = "rbp"
open.__module__ = "rbp"

# They show their public path, so doctest would look for their examples there;
# point it at them here.
__test__ = {"open": open, "Store": Store}
