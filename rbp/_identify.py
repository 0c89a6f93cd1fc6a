"""What a database holds, found without changing it: nothing, an rbp store, or else.

``rbp.open`` asks before it writes anything. A SQLite file is read through a
read-only connection (``file:...?mode=ro``) with no pragmas, so not even its
journal mode changes, and nothing is made beside it; a server database is read
through the inspector.
"""

from __future__ import annotations

import enum
import sqlite3
from pathlib import Path

import attrs
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from rbp._migrate import revisions
from rbp.errors import StoreError

__all__ = ["Found", "Verdict", "from_engine", "from_file", "sqlite_path"]

# Tables every rbp store has had since the first migration.
RBP_TABLES = frozenset({"areas", "stakeholders", "audit_log"})
ZONE_ROW = "tz"


class Verdict(enum.Enum):
    """What a database is, for rbp."""

    MISSING = "missing"  # no file there yet
    EMPTY = "empty"  # a database (or a 0-byte file) without tables
    RBP = "rbp"  # an rbp store at a revision this rbp knows
    NEWER = "newer"  # an rbp store made by a newer rbp
    FOREIGN = "foreign"  # tables, but no rbp version record


@attrs.frozen
class Found:
    """What :func:`from_file` or :func:`from_engine` found."""

    where: str
    exists: bool
    tables: frozenset[str] = frozenset()
    revision: str | None = None
    zone: str | None = None

    @property
    def verdict(self) -> Verdict:
        """Whether this is a new, an rbp or someone else's database."""
        if not self.exists:
            return Verdict.MISSING
        if not self.tables:
            return Verdict.EMPTY
        if self.tables >= RBP_TABLES and self.revision is not None:
            if self.revision in revisions():
                return Verdict.RBP
            if "rbp_meta" in self.tables:
                return Verdict.NEWER
        return Verdict.FOREIGN

    def refusal(self) -> str:
        """Why rbp will not open this database (for NEWER and FOREIGN)."""
        if self.verdict is Verdict.NEWER:
            return (
                f"{self.where} was made by a newer rbp (schema revision {self.revision}); "
                "upgrade rbp to open it"
            )
        shown = ", ".join(sorted(self.tables)[:5]) + (", ..." if len(self.tables) > 5 else "")
        return (
            f"{self.where} is not an rbp store: it holds other tables ({shown}) and no "
            "rbp version record; rbp left it untouched"
        )


def sqlite_path(url: str) -> Path | None:
    """The file of a plain path or a ``sqlite:///FILE`` URL; None for anything else."""
    if "://" not in url:
        return Path(url).expanduser()
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.query:
        return None
    if parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database).expanduser()


def from_file(path: Path) -> Found:
    """Look into a SQLite file read-only; a file that is not SQLite is a StoreError."""
    where = str(path)
    if not path.exists():
        return Found(where, exists=False)
    if not path.is_file():
        raise StoreError(f"{where} is not a file")
    # With no -wal file beside it the file holds every committed change, and it is read
    # as immutable: SQLite then makes no -shm/-wal files of its own either.
    wal = path.with_name(path.name + "-wal")
    query = "?mode=ro" if wal.exists() else "?mode=ro&immutable=1"
    try:
        conn = sqlite3.connect(path.resolve().as_uri() + query, uri=True, timeout=30)
    except sqlite3.Error as exc:
        raise StoreError(f"cannot read {where}: {exc}") from None
    try:
        try:
            names = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
        except sqlite3.OperationalError as exc:
            raise StoreError(f"cannot read {where}: {exc}") from None
        except sqlite3.DatabaseError:
            raise StoreError(
                f"{where} is not a SQLite database, so not an rbp store; rbp left it untouched"
            ) from None
        tables = frozenset(str(n) for (n,) in names if not str(n).startswith("sqlite_"))
        revision = _one(conn, "SELECT version_num FROM alembic_version", tables, "alembic_version")
        zone = _one(
            conn, f"SELECT value FROM rbp_meta WHERE name = '{ZONE_ROW}'", tables, "rbp_meta"
        )
    finally:
        conn.close()
    return Found(where, exists=True, tables=tables, revision=revision, zone=zone)


def _one(conn: sqlite3.Connection, query: str, tables: frozenset[str], table: str) -> str | None:
    if table not in tables:
        return None
    try:
        rows = conn.execute(query).fetchall()
    except sqlite3.Error:  # a table of that name with other columns: not ours
        return None
    return str(rows[0][0]) if len(rows) == 1 else None


def from_engine(engine: Engine) -> Found:
    """Look into a server database through the inspector, changing nothing."""
    where = engine.url.render_as_string(hide_password=True)
    try:
        with engine.connect() as conn:
            inspector = sa.inspect(conn)
            tables = frozenset(inspector.get_table_names())
            revision = zone = None
            if "alembic_version" in tables and _has(inspector, "alembic_version", "version_num"):
                rows = conn.execute(sa.text("SELECT version_num FROM alembic_version")).all()
                revision = str(rows[0][0]) if len(rows) == 1 else None
            if "rbp_meta" in tables and _has(inspector, "rbp_meta", "name", "value"):
                query = sa.text("SELECT value FROM rbp_meta WHERE name = :name")
                zone = conn.execute(query, {"name": ZONE_ROW}).scalar()
            conn.rollback()
    except Exception as exc:
        raise StoreError(f"could not open the database: {exc.__class__.__name__}: {exc}") from exc
    return Found(where, exists=True, tables=tables, revision=revision, zone=zone)


def _has(inspector: sa.Inspector, table: str, *columns: str) -> bool:
    return set(columns) <= {c["name"] for c in inspector.get_columns(table)}
