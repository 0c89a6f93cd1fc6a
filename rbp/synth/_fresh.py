"""Bulk-load settings for a SQLite file a build has just created (:func:`bulk_load`)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from rbp.errors import StoreError

if TYPE_CHECKING:
    from rbp.store import Store

__all__ = ["bulk_load"]

_BUILD_PRAGMAS = ("journal_mode=MEMORY", "synchronous=OFF")
"""The connection's settings while the build writes (see :func:`bulk_load`)."""


def bulk_load(crm: Store) -> contextlib.AbstractContextManager[Store]:
    """Write a new city into a fresh SQLite file without the write-ahead log, then
    leave an ordinary WAL store behind.

    For the block, every connection the store hands out keeps its rollback journal in
    memory and does not wait for the disk (``journal_mode=MEMORY``,
    ``synchronous=OFF``): the write-ahead log writes every page twice (into the log,
    then back into the file when it is checkpointed), and a city of millions of
    interactions is written in a few long transactions whose new pages need no journal
    at all. A transaction still rolls back as usual (a log with a bad item is still
    all or nothing), but a crash or power loss in the block can leave the file
    damaged: use it only on a file that the build has just made and deletes if the
    build fails (as ``python -m rbp.synth --out`` does). When the block ends the file
    is flushed to disk and put back into WAL mode, and the store's later connections
    get its usual settings (the pooled ones are closed).

    It refuses a store that already holds stakeholders or interactions
    (:class:`~rbp.errors.StoreError`), and does nothing on a store in memory or on
    another database.

    Parameters
    ----------
    crm
        A store just opened on a new SQLite file (its tables made, nothing written).

    Returns
    -------
    context manager
        Yields ``crm`` itself, for the block's writes.

    Raises
    ------
    StoreError
        If the store holds stakeholders or interactions already.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from rbp import synth
    >>> plan = synth.blueprint(size="toy", seed=1)
    >>> folder = tempfile.TemporaryDirectory()
    >>> path = pathlib.Path(folder.name) / "city.db"
    >>> with rbp.open(path, tz=plan.tz) as crm, synth.bulk_load(crm):
    ...     plan.write(crm, voice=False).interactions
    2000
    >>> with rbp.open(path) as crm, crm.engine.connect() as conn:
    ...     conn.exec_driver_sql("PRAGMA journal_mode").scalar()
    'wal'
    >>> folder.cleanup()
    """
    return _bulk_load(crm)


@contextlib.contextmanager
def _bulk_load(crm: Store) -> Iterator[Store]:
    """:func:`bulk_load`'s block: the settings on a SQLite file, else nothing."""
    engine = crm.engine
    if engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:"):
        with _bulk(crm):
            yield crm
    else:
        yield crm


@contextlib.contextmanager
def _bulk(crm: Store) -> Iterator[None]:
    """:func:`bulk_load` on a SQLite file: checks it is new, then the settings."""
    engine = crm.engine
    with engine.connect() as conn:
        used = conn.exec_driver_sql(
            "SELECT EXISTS (SELECT 1 FROM stakeholders) OR EXISTS (SELECT 1 FROM interactions)"
        ).scalar()
    if used:
        raise StoreError(
            "bulk_load is for a new file with nothing written yet; this store holds data"
        )

    def _checkout(dbapi_conn: Any, record: Any, proxy: Any) -> None:
        for pragma in _BUILD_PRAGMAS:
            dbapi_conn.execute(f"PRAGMA {pragma}")

    sa.event.listen(engine, "checkout", _checkout)
    try:
        yield
    finally:
        sa.event.remove(engine, "checkout", _checkout)
        _back_to_wal(crm)


def _back_to_wal(crm: Store) -> None:
    """Flush the file to disk, put it back into WAL mode, and close the pooled
    connections (the next ones are made with the store's own settings)."""
    with crm.engine.connect() as conn:
        raw: Any = conn.connection.driver_connection
        raw.execute("PRAGMA synchronous=FULL")  # the mode change below syncs the file
        mode = raw.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        raw.execute("PRAGMA synchronous=NORMAL")
        path = crm.engine.url.database
    if path:  # every page written in the block, on disk now whatever the mode change did
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    crm.engine.dispose()
    if str(mode).lower() != "wal":
        raise StoreError(f"the new file could not be put back into WAL mode (it is in {mode})")


# Its public path is set by the package; doctest still reads its example here.
__test__ = {"bulk_load": bulk_load}
