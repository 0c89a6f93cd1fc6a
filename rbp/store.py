"""The facade: ``rbp.open()`` and the :class:`Store` it returns.

The top floor. ``open`` looks at the database first (:mod:`rbp._identify`) and
refuses anything that is not rbp's, makes the engine and the unit of work
(:mod:`rbp._unit`), brings the schema to the newest migration and records the
agency's zone in a new store (:mod:`rbp._meta`), and :class:`Store` builds the namespaces
on the unit of work: each namespace gets the transactions, clock, zone and settings
and nothing else, so no namespace reaches another through the store.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from typing import TYPE_CHECKING

import pendulum

# The dialect whose options the tables name, loaded before the schema that names them.
import sqlalchemy.dialects.sqlite  # noqa: F401
from sqlalchemy.engine import Connection, Engine

from rbp import _args
from rbp import _meta as meta
from rbp._identify import Found, Verdict, from_engine, from_file, sqlite_path
from rbp._migrate import head, upgrade_to_head
from rbp._render import RecordList
from rbp._unit import Clock, UnitOfWork, make_engine
from rbp.accountability import Accountability
from rbp.directory import Directory
from rbp.engagement import Concerns, Feedback, Outbox
from rbp.errors import StoreError, ValidationError
from rbp.interactions import Interactions
from rbp.plans import Plans
from rbp.settings import Settings

if TYPE_CHECKING:
    from rbp.graph import Graph

__all__ = ["Store", "open"]

# What the audit list shows: who did what to which record, and when (detail stays out).
_AUDIT_COLUMNS = ("at", "actor", "action", "entity", "key")


def open(
    url: str | os.PathLike[str] | None = None,
    *,
    tz: str | None = None,
    readonly: bool = False,
    actor: str | None = None,
    clock: Clock | None = None,
    settings: Settings | None = None,
    echo: bool = False,
) -> Store:
    """Open an rbp store, or create one where there is nothing yet.

    What ``open`` does depends on what is at ``url``; it looks first, read-only, and
    changes nothing it is not sure is rbp's:

    ==============================  ======================  ==========================
    at ``url``                      ``open(url)``           ``open(url, readonly=True)``
    ==============================  ======================  ==========================
    nothing (no file yet)           a new store             StoreError
    an empty file or database       a new store             StoreError, file untouched
    an rbp store                    opened; migrations it   opened; an older store is a
                                    lacks are run           StoreError ("rbp upgrade")
    anything else                   StoreError, untouched   StoreError, untouched
    ==============================  ======================  ==========================

    An empty file (0 bytes, or a SQLite database without tables) holds nothing to
    lose, so a writable open makes it a store, as SQLite itself would; a read-only
    open never does.

    Parameters
    ----------
    url
        ``None`` for an in-memory SQLite database; a file path for a SQLite file
        (WAL journal, foreign keys on, a busy timeout); anything with ``://`` is a
        SQLAlchemy URL, e.g. ``"postgresql+psycopg://rbp@localhost/rbp"``.
    tz
        The agency's time zone (IANA name). A new store records it (UTC when left
        out); an existing store answers in the zone it recorded, and a ``tz`` that
        differs from it is a :class:`~rbp.errors.ValidationError`. Times come back in
        this zone; calendar questions (months, quiet hours) are asked in it. The
        database keeps UTC.
    readonly
        Read without ever writing: SQLite files open with ``mode=ro``, PostgreSQL
        transactions are READ ONLY, and every write raises
        :class:`~rbp.errors.StoreError`. Nothing is created, filled or migrated.
    actor
        Who is writing; every write is recorded with it in the audit trail.
    clock
        Returns the current aware time; tests and replays inject one. Defaults to
        ``pendulum.now``.
    settings
        Tie half-life, contact cadences and other definitions
        (:class:`rbp.settings.Settings`; the defaults follow DESIGN.md).
    echo
        Log every SQL statement (SQLAlchemy's ``echo``).

    Returns
    -------
    Store
        Use it as a context manager, or call :meth:`Store.close`.

    Raises
    ------
    StoreError
        The database is not an rbp store, is an older store opened read-only, was
        made by a newer rbp, or cannot be reached.
    ValidationError
        ``tz`` is not a time zone, or not the zone the store recorded.
    TypeError
        An argument of the wrong type (the message names it).

    Examples
    --------
    >>> import os, tempfile, rbp
    >>> path = os.path.join(tempfile.mkdtemp(), "city.db")
    >>> with rbp.open(path, tz="America/Chicago") as crm:
    ...     crm.tz
    'America/Chicago'
    >>> with rbp.open(path, readonly=True) as crm:   # the zone comes from the store
    ...     crm.tz
    'America/Chicago'
    >>> rbp.open(path, tz="UTC")
    Traceback (most recent call last):
    ...
    rbp.errors.ValidationError: tz 'UTC' is not the zone of this store ...
    """
    if url is not None:
        _args.path(url, "url")  # a str or path, without NUL or lone surrogates
    zone = None if tz is None else _args.zone(tz)
    actor = _args.actor(actor)
    readonly = _args.flag(readonly, "readonly")
    echo = _args.flag(echo, "echo")
    if clock is not None and not callable(clock):
        raise TypeError(
            f"clock must be a callable returning an aware time, got {type(clock).__name__}"
        )
    if settings is not None:
        _args.instance(settings, Settings, "settings")
    if readonly and url is None:
        raise ValidationError(
            "an in-memory store cannot be opened read-only: it would always be empty",
            field="readonly",
        )
    path = None if url is None else sqlite_path(os.fspath(url))
    if path is not None:
        found: Found | None = from_file(path)
        engine = None
    else:
        found, engine = None, make_engine(url, echo=echo, readonly=readonly)
    try:
        if found is None:
            assert engine is not None
            found = from_engine(engine)
        stored = _check(found, zone, readonly=readonly)
        if engine is None:
            engine = make_engine(url, echo=echo, readonly=readonly)
        if not readonly and (found.revision != head() or stored is None):
            chosen = zone or "UTC"
            _migrate(engine, lambda conn: meta.record(conn, meta.ZONE, chosen))
            stored = chosen
    except BaseException:
        if engine is not None:
            engine.dispose()
        raise
    uow = UnitOfWork(
        engine,
        tz=stored or zone or "UTC",
        actor=actor,
        clock=clock,
        settings=settings,
        readonly=readonly,
    )
    return Store(uow)


def _check(found: Found, zone: str | None, *, readonly: bool) -> str | None:
    """Refuse what rbp must not open; the zone the store recorded, if any."""
    verdict = found.verdict
    if verdict in (Verdict.FOREIGN, Verdict.NEWER):
        raise StoreError(found.refusal())
    if readonly and verdict is Verdict.MISSING:
        raise StoreError(f"no rbp store at {found.where}")
    if readonly and verdict is Verdict.EMPTY:
        raise StoreError(f"{found.where} is empty, not an rbp store; rbp left it untouched")
    if readonly and found.revision != head():
        raise StoreError(
            f"{found.where} was made by an older rbp (schema revision {found.revision}); "
            f"this store needs `rbp upgrade {found.where}` before it can be read"
        )
    if zone is not None and found.zone is not None and zone != found.zone:
        raise ValidationError(
            f"tz {zone!r} is not the zone of this store ({found.zone!r}); "
            f"leave tz out or give tz={found.zone!r}",
            field="tz",
        )
    return found.zone


def _migrate(engine: Engine, then: Callable[[Connection], None]) -> None:
    try:
        upgrade_to_head(engine, then=then)
    except Exception as exc:
        raise StoreError(
            f"could not open or migrate the database: {exc.__class__.__name__}: {exc}"
        ) from exc


class Store:
    """An open rbp database with its namespaces; made by :func:`rbp.open`.

    Parameters
    ----------
    uow
        The unit of work (engine, clock, zone, settings) the namespaces share. Not
        built by hand: call :func:`rbp.open`.

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
    feedback : rbp.engagement.Feedback
        Post-contact surveys: invitations, responses, CPSS, PJ index, kudos.
    concerns : rbp.engagement.Concerns
        Concerns and anonymous tips, and the department's answers.
    outbox : rbp.engagement.Outbox
        Every automatic message, with its status.
    accountability : rbp.accountability.Accountability
        Policies, training currency, accreditation evidence, the transparency report.

    Examples
    --------
    >>> with rbp.open(tz="America/Chicago", actor="sgt.ortiz") as store:
    ...     store.directory.add(rbp.Area("d-01"))
    ...     store.tz, store.actor, store.directory.summary().areas
    ('America/Chicago', 'sgt.ortiz', 1)
    """

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = _args.instance(uow, UnitOfWork, "uow")
        self.directory = Directory(uow)
        self.interactions = Interactions(uow)
        self.plans = Plans(uow)
        self.feedback = Feedback(uow)
        self.concerns = Concerns(uow)
        self.outbox = Outbox(uow)
        self.accountability = Accountability(uow)

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
        """The current time in the store's zone, from the injected clock if any.

        Every ``as_of`` left out means this time.

        Returns
        -------
        DateTime
            An aware time in :attr:`tz`.

        Examples
        --------
        >>> fixed = pendulum.datetime(2026, 6, 30, 12, tz="America/Chicago")
        >>> store = rbp.open(tz="America/Chicago", clock=lambda: fixed)
        >>> store.now().to_iso8601_string()
        '2026-06-30T12:00:00-05:00'
        """
        return self._uow.now()

    def audit(
        self,
        since: pendulum.DateTime | None = None,
        *,
        key: str | None = None,
        entity: str | None = None,
        limit: int | None = None,
    ) -> RecordList:
        """The audit trail, oldest first: who changed what, and when.

        Parameters
        ----------
        since
            Only entries written at or after this time (aware).
        key
            Only entries about this key.
        entity
            Only entries about this kind of record ("area", "stakeholder", ...).
        limit
            At most this many entries (0 to 1,000,000,000).

        Returns
        -------
        RecordList of AuditEntry
            Oldest first; the list shows when, who, what and which record (never the detail).

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
        entries = self._uow.audit(
            _args.optional_time(since, "since"),
            key=_args.optional_key(key, "key"),
            entity=_args.optional_key(entity, "entity"),
            limit=_args.limit(limit, "limit"),
        )
        return RecordList(entries, columns=_AUDIT_COLUMNS, title="Audit trail")

    # ------------------------------------------------------------------ lifetime

    def close(self) -> None:
        """Release the database connections.

        Examples
        --------
        >>> store = rbp.open()
        >>> store.close()
        >>> with rbp.open() as store:     # or let the block close it
        ...     store.directory.summary().areas
        0
        """
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
