"""Load an :func:`~rbp.io.export_csv` folder into an empty store: :func:`import_dir`."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from rbp import _schema as t
from rbp.errors import RowError, ValidationError
from rbp.io._engagement_csv import AFTER, BEFORE, insert_rows, load_engagement
from rbp.io._export import FORMAT, PLAN_TABLES
from rbp.io._fields import ImportKind, Parse
from rbp.io._load import Plan, load
from rbp.io._source import FileRows, UnreadableError

if TYPE_CHECKING:
    from rbp.store import Store

__all__ = ["import_dir"]

_ORDER = (
    ("areas.csv", ImportKind.AREAS),
    ("officers.csv", ImportKind.OFFICERS),
    ("members.csv", ImportKind.MEMBERS),
    ("agencies.csv", ImportKind.AGENCIES),
    ("relationships.csv", ImportKind.RELATIONSHIPS),
)
_DATA = ("areas", "stakeholders", "relationships", "interactions", "plans", "concerns")
_LATER = frozenset({"plan_concerns"})
"""Plan tables newer than the export format: an older export has no file of them."""


def _manifest(folder: Path) -> dict[str, Any]:
    path = folder / "manifest.json"
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise ValidationError(
            f"{path} is missing or unreadable; import_dir reads folders that "
            "rbp.io.export_csv wrote",
            field="directory",
        ) from None
    if not isinstance(info, dict) or info.get("format") != FORMAT:
        raise ValidationError(f"{path} is not an rbp export ({FORMAT})", field="directory")
    return info


def _empty(crm: Store) -> None:
    with crm.engine.connect() as conn:
        for name in _DATA:
            table = t.metadata.tables[name]
            if conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one():
                raise ValidationError(
                    f"the store already holds {name}; import_dir loads into an empty store",
                    field="crm",
                )


def _wipe(crm: Store) -> None:
    """Empty every data table again (the store was empty before the import)."""
    keep = {"audit_log", "rbp_meta"}
    with crm.engine.begin() as conn:
        for table in reversed(t.metadata.sorted_tables):
            if table.name not in keep:
                conn.execute(sa.delete(table))


def _json_cell(column: sa.Column[Any], cell: str | None) -> Any:
    if cell is None:
        return None
    value = json.loads(cell)
    if value is not None and isinstance(column.type, sa.Date):
        return dt.date.fromisoformat(value)
    return value


def _plan_rows(folder: Path, table: sa.Table) -> Iterator[dict[str, Any]]:
    rows = FileRows(folder / "plans" / f"{table.name}.csv", encoding="utf-8", own=True)
    for line, cells, problems in rows:
        if problems:
            raise UnreadableError(problems[0])
        try:
            yield {c.name: _json_cell(c, cells.get(c.name)) for c in table.columns}
        except ValueError as exc:
            raise UnreadableError(RowError(f"not rbp's format: {exc}", line=line)) from None


def _interaction_ids(conn: sa.Connection, folder: Path) -> dict[int, int]:
    """Exported interaction id -> the id it got here: both in file (and so id) order,
    as the store was empty before."""
    old: list[int] = []
    rows = FileRows(folder / "interactions.csv", encoding="utf-8", own=True)
    for _line, cells, _problems in rows:
        value = cells.get("id")
        old.append(int(value) if value is not None and str(value).isdigit() else -1)
    new = list(conn.execute(sa.select(t.interactions.c.id).order_by(t.interactions.c.id)).scalars())
    if len(old) != len(new):
        return {}
    return {o: int(n) for o, n in zip(old, new, strict=True) if o >= 0}


def import_dir(crm: Store, directory: str | Path) -> dict[str, int]:
    """Load a folder written by :func:`export_csv` into an empty store.

    Files load in order (areas, officers, members, agencies, relationships, concerns
    and tips with their events, plans (which link concerns), interactions, then the
    other engagement files: responses, messages, opt-outs), the directory and
    interactions through the same checks as :func:`import_csv`. All or
    nothing: when a file fails, the store is emptied again (it was empty before; the
    audit trail keeps a record of the attempt) and the error names the file and lines.

    Parameters
    ----------
    crm
        An empty store (no areas, stakeholders, relationships, interactions, plans).
    directory
        The folder with ``manifest.json``.

    Returns
    -------
    dict
        Records added, by file name.

    Raises
    ------
    ValidationError
        The store is not empty, or the folder is not an rbp export.
    BulkValidationError
        A file has bad rows; nothing stays.

    Examples
    --------
    >>> import tempfile, rbp, rbp.io
    >>> folder = tempfile.mkdtemp()
    >>> _ = rbp.io.export_csv(crm, folder)
    >>> copy = rbp.open(tz=crm.tz)
    >>> added = rbp.io.import_dir(copy, folder)
    >>> copy.graph.coverage(as_of=T).ratio == crm.graph.coverage(as_of=T).ratio
    True
    """
    if not isinstance(directory, str | Path):
        raise TypeError(f"directory must be a str or Path, got {type(directory).__name__}")
    folder = Path(directory)
    _manifest(folder)
    _empty(crm)
    parse = Parse(tz="UTC", date_format=None, separator=";", lists_json=True)
    added: dict[str, int] = {}
    try:
        for name, kind in _ORDER:
            rows = FileRows(folder / name, encoding="utf-8", own=True)
            plan = Plan(kind, rows.header, None, None, parse)
            added[name] = load(crm, plan, rows, dry_run=False, source=name).added
        with crm.engine.begin() as conn:
            added.update(load_engagement(conn, folder, BEFORE, {}))
            for table in PLAN_TABLES:
                name = f"plans/{table.name}.csv"
                if table.name in _LATER and not (folder / name).exists():
                    continue
                added[name] = insert_rows(conn, table, _plan_rows(folder, table), name)
        rows = FileRows(folder / "interactions.csv", encoding="utf-8", own=True)
        plan = Plan(ImportKind.INTERACTIONS, rows.header, None, None, parse)
        added["interactions.csv"] = load(
            crm, plan, rows, dry_run=False, source="interactions.csv"
        ).added
        with crm.engine.begin() as conn:
            added.update(load_engagement(conn, folder, AFTER, _interaction_ids(conn, folder)))
    except BaseException:
        _wipe(crm)
        raise
    return added
