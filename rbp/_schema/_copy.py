"""Bulk inserts the fastest way the driver has: ``COPY`` on PostgreSQL, ``executemany`` else.

Every bulk write of rbp (the directory's ``add_many`` and ``relate_many``, the audit rows
of a bulk call, survey responses and their kudos, an import's files) goes through
:func:`copy_rows` or :func:`copy_dicts`, inside the caller's transaction, so the call
stays all or nothing.

* On PostgreSQL through psycopg 3, one ``COPY table (columns) FROM STDIN`` streams every
  row (the iterable is read once, a row at a time, so a generator of millions stays in
  bounded memory). A server error (a broken foreign key, say) surfaces as SQLAlchemy's
  :class:`~sqlalchemy.exc.DBAPIError` subclass, as an ``INSERT`` would have raised it.
* On SQLite (and any other driver), batches of :data:`BATCH` rows go to the driver's
  ``executemany``; on a driver other than sqlite3 through SQLAlchemy's own ``insert()``.

Values are converted by each column's SQLAlchemy type for the dialect (a ``Date`` for
SQLite, say), exactly as ``conn.execute(sa.insert(table), rows)`` would. Only server
defaults exist in rbp's tables, so the columns a row leaves out get them here as well.

Examples
--------
>>> import sqlalchemy as sa
>>> md = sa.MetaData()
>>> pets = sa.Table("pets", md, sa.Column("id", sa.Integer, primary_key=True),
...                 sa.Column("name", sa.String(20)), sa.Column("born", sa.Date))
>>> engine = sa.create_engine("sqlite://")
>>> md.create_all(engine)
>>> import datetime as dt
>>> with engine.begin() as conn:
...     copy_rows(conn, pets, ("name", "born"), [("Rex", dt.date(2020, 1, 2)), ("Tom", None)])
...     copy_dicts(conn, pets, iter([{"name": "Ada", "born": None}]))
2
1
>>> with engine.connect() as conn:
...     conn.execute(sa.text("SELECT id, name, born FROM pets ORDER BY id")).all()
[(1, 'Rex', '2020-01-02'), (2, 'Tom', None), (3, 'Ada', None)]
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from itertools import chain, islice
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

__all__ = ["BATCH", "copy_dicts", "copy_rows"]

BATCH = 10_000
"""Rows per ``executemany`` call where there is no ``COPY``."""

_Convert = Callable[[Any], Any] | None


def copy_rows(
    conn: Connection,
    table: sa.Table,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    binary: bool = False,
) -> int:
    """Insert ``rows`` (tuples in the order of ``columns``) into ``table``; how many.

    Parameters
    ----------
    conn
        The caller's transaction.
    table
        The table written.
    columns
        The columns each row gives, in order; the others get their server default.
    rows
        Any iterable of tuples; read once.
    binary
        On PostgreSQL, send the rows in ``COPY``'s binary format (less work on both
        sides) when every column is an integer, text or float column; the caller then
        guarantees each value's Python type (``int``, ``str``, ``float`` or None).
        Ignored elsewhere.

    Returns
    -------
    int
        How many rows were written.

    Examples
    --------
    >>> import sqlalchemy as sa
    >>> md = sa.MetaData()
    >>> n = sa.Table("n", md, sa.Column("x", sa.Integer))
    >>> engine = sa.create_engine("sqlite://")
    >>> md.create_all(engine)
    >>> with engine.begin() as conn:
    ...     copy_rows(conn, n, ("x",), ((i,) for i in range(25_000)))
    25000
    """
    dialect = conn.dialect
    convert = _converters(table, columns, dialect)
    if any(c is not None for c in convert):
        rows = _converted(rows, convert)
    if dialect.name == "postgresql" and dialect.driver == "psycopg":
        types = _binary_types(table, columns, dialect) if binary else None
        return _copy(conn, table, columns, rows, types)
    if dialect.name == "sqlite" and dialect.paramstyle == "qmark":
        names = ", ".join(_quoted(conn, c) for c in columns)
        marks = ", ".join("?" * len(columns))
        sql = f"INSERT INTO {_quoted(conn, table.name)} ({names}) VALUES ({marks})"
        n = 0
        it = iter(rows)
        while batch := list(islice(it, BATCH)):
            conn.exec_driver_sql(sql, batch)
            n += len(batch)
        return n
    # Another driver: SQLAlchemy's executemany (the values are converted already, and
    # the insert converts them again only for types whose conversion is idempotent).
    n = 0
    it = iter(rows)
    insert = sa.insert(table)
    while batch := list(islice(it, BATCH)):
        conn.execute(insert, [dict(zip(columns, row, strict=True)) for row in batch])
        n += len(batch)
    return n


def copy_dicts(conn: Connection, table: sa.Table, rows: Iterable[Mapping[str, Any]]) -> int:
    """Insert mappings of column name to value into ``table``; how many.

    The columns are the first row's keys; every row must give the same ones.

    Parameters
    ----------
    conn
        The caller's transaction.
    table
        The table written.
    rows
        Any iterable of mappings; read once.

    Returns
    -------
    int
        How many rows were written.

    Examples
    --------
    >>> import sqlalchemy as sa
    >>> md = sa.MetaData()
    >>> n = sa.Table("n", md, sa.Column("x", sa.Integer), sa.Column("y", sa.Integer))
    >>> engine = sa.create_engine("sqlite://")
    >>> md.create_all(engine)
    >>> with engine.begin() as conn:
    ...     copy_dicts(conn, n, [{"y": 1, "x": 2}, {"x": 3, "y": 4}])
    ...     conn.execute(sa.select(n.c.x, n.c.y)).all()
    2
    [(2, 1), (3, 4)]
    """
    it = iter(rows)
    first = next(it, None)
    if first is None:
        return 0
    columns = tuple(first)
    return copy_rows(
        conn, table, columns, (tuple(r[c] for c in columns) for r in chain((first,), it))
    )


def _converters(table: sa.Table, columns: Sequence[str], dialect: sa.Dialect) -> list[_Convert]:
    out: list[_Convert] = []
    for name in columns:
        column = table.c[name]
        out.append(column.type.dialect_impl(dialect).bind_processor(dialect))
    return out


def _converted(rows: Iterable[Sequence[Any]], convert: list[_Convert]) -> Iterator[tuple[Any, ...]]:
    for row in rows:
        yield tuple(v if f is None else f(v) for f, v in zip(convert, row, strict=True))


def _quoted(conn: Connection, name: str) -> str:
    return str(conn.dialect.identifier_preparer.quote(name))


_BINARY: tuple[tuple[type[sa.types.TypeEngine[Any]], str], ...] = (
    (sa.SmallInteger, "int2"),
    (sa.BigInteger, "int8"),
    (sa.Integer, "int4"),
    (sa.Float, "float8"),
    (sa.String, "text"),  # Text and Unicode too; binary text is varchar's format as well
)


def _binary_types(table: sa.Table, columns: Sequence[str], dialect: sa.Dialect) -> list[str] | None:
    """PostgreSQL's binary type of each column, or None when one has no plain one."""
    out = []
    for name in columns:
        kind = table.c[name].type.dialect_impl(dialect)
        if isinstance(kind, sa.Float) and kind.asdecimal:
            return None
        found = next((pg for base, pg in _BINARY if isinstance(kind, base)), None)
        if found is None or isinstance(kind, sa.Enum):
            return None
        out.append(found)
    return out


def _copy(
    conn: Connection,
    table: sa.Table,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    types: list[str] | None = None,
) -> int:
    names = ", ".join(_quoted(conn, c) for c in columns)
    binary = "" if types is None else " (FORMAT BINARY)"
    statement = f"COPY {_quoted(conn, table.name)} ({names}) FROM STDIN{binary}"
    raw = conn.connection.driver_connection
    assert raw is not None
    dbapi = conn.dialect.loaded_dbapi
    n = 0
    try:
        with raw.cursor() as cur, cur.copy(statement) as cp:
            if types is not None:
                cp.set_types(types)
            for row in rows:
                cp.write_row(row)
                n += 1
    except dbapi.Error as exc:  # as SQLAlchemy would have raised it for an INSERT
        raise sa.exc.DBAPIError.instance(
            statement, None, exc, dbapi.Error, dialect=conn.dialect
        ) from exc
    return n
