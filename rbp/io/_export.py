"""The whole store as CSV files and back: :func:`export_csv`, :func:`import_dir`.

Files (UTF-8, a header line, one record a line; lists are JSON arrays; times are
ISO 8601 in UTC with microseconds; flags are ``true``/``false``; an empty cell is a
missing value; a cell a spreadsheet would run as a formula, and one starting with
``'``, has a ``'`` put in front):

- ``areas.csv``: key, name, parent, population, expected_sectors
- ``officers.csv``: key, [name], tags, since, until, [email, phone, address], unit,
  rank, areas, trainings (``[[name, "YYYY-MM-DD" or null], ...]``), active
- ``members.csv``: key, [name], tags, since, until, [email, phone, address], sector,
  area, priority, may_contact, may_text, pseudonymous, erased
- ``agencies.csv``: key, [name], tags, since, until, [email, phone, address], sector,
  areas, org_type, priority
- ``relationships.csv``: a, b, kind, since, until
- ``interactions.csv``: id, at, kind, participants, areas, topics, attendees,
  duration (seconds), follow_up_by, plan, concern, [notes]
- ``plans/<table>.csv``: the plan tables as stored (every cell a JSON value, times in
  epoch microseconds), so plans come back with their whole history
- ``engagement/<table>.csv``: survey responses, concerns and tips with their events,
  messages and opt-outs, stored the same way (:mod:`rbp.io._engagement_csv`); comments,
  respondents, concern texts and reporters, event notes, addresses and the opt-outs
  are personal data
- ``manifest.json``: rbp's version, the store's zone, whether personal data is in,
  the files with their columns and row counts.

Columns in brackets are personal data, written only with ``personal=True``.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from rbp import _args
from rbp import _schema as t
from rbp._time import from_micros
from rbp.io._engagement_csv import dump_engagement
from rbp.io._source import escape

if TYPE_CHECKING:
    from rbp.store import Store

__all__ = ["FORMAT", "PEOPLE_FILES", "PLAN_TABLES", "export_csv"]

FORMAT = "rbp-csv/1"
PEOPLE_FILES = {"officers": "officer", "members": "member", "agencies": "agency"}
PLAN_TABLES = tuple(x for x in t.metadata.sorted_tables if x.name.startswith("plan"))
_CONTACT = ("email", "phone", "address")
_ROWS = 10_000


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return json.dumps(list(value), ensure_ascii=False)
    return escape(str(value))


def _iso(micros: int | None) -> str | None:
    return None if micros is None else from_micros(micros).isoformat()


def _write(path: Path, columns: list[str], rows: Iterable[Iterable[Any]]) -> int:
    n = 0
    with open(path, "w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh, lineterminator="\r\n")
        out.writerow(columns)
        for row in rows:
            out.writerow([_cell(v) for v in row])
            n += 1
    return n


def _stream(conn: sa.Connection, query: sa.Select[Any]) -> Iterator[Any]:
    result = conn.execute(query, execution_options={"stream_results": True, "yield_per": _ROWS})
    yield from result


def _grouped(conn: sa.Connection, table: sa.Table, id_col: str, value: str) -> Iterator[Any]:
    c = table.c
    return _stream(conn, sa.select(c[id_col], c[value]).order_by(c[id_col], c[value]))


def _interactions(conn: sa.Connection, personal: bool) -> Iterator[list[Any]]:
    i = t.interactions.c
    sides = [
        _grouped(conn, t.participants, "interaction_id", "stakeholder"),
        _grouped(conn, t.interaction_areas, "interaction_id", "area"),
        _grouped(conn, t.interaction_topics, "interaction_id", "topic"),
    ]
    heads: list[Any] = [next(s, None) for s in sides]
    cols = [i.id, i.at, i.kind, i.attendees, i.duration_s, i.follow_up_by, i.plan, i.concern]
    if personal:
        cols.append(i.notes)
    for row in _stream(conn, sa.select(*cols).order_by(i.id)):
        lists: list[list[str]] = []
        for n, side in enumerate(sides):
            found = []
            while heads[n] is not None and heads[n][0] == row[0]:
                found.append(heads[n][1])
                heads[n] = next(side, None)
            lists.append(found)
        out = [
            row[0],
            _iso(row[1]),
            row[2],
            lists[0],
            lists[1],
            lists[2],
            row[3],
            row[4],
            _iso(row[5]),
            row[6],
            row[7],
        ]
        if personal:
            out.append(row[8])
        yield out


def _people(conn: sa.Connection, kind: str, personal: bool) -> tuple[list[str], list[list[Any]]]:
    s = t.stakeholders.c
    tags: dict[str, list[str]] = {}
    for k, tag in conn.execute(
        sa.select(t.stakeholder_tags.c.stakeholder, t.stakeholder_tags.c.tag).order_by("tag")
    ):
        tags.setdefault(k, []).append(tag)
    areas: dict[str, list[str]] = {}
    a = t.stakeholder_areas.c
    for k, area in conn.execute(sa.select(a.stakeholder, a.area).order_by(a.area)):
        areas.setdefault(k, []).append(area)
    trainings: dict[str, list[list[Any]]] = {}
    tr = t.officer_trainings.c
    for k, name, done in conn.execute(
        sa.select(tr.officer, tr.name, tr.completed).order_by(tr.officer, tr.name, tr.completed)
    ):
        trainings.setdefault(k, []).append([name, None if done is None else done.isoformat()])
    head = ["key"] + (["name"] if personal else []) + ["tags", "since", "until"]
    head += list(_CONTACT) if personal else []
    extra = {
        "officer": ["unit", "rank", "areas", "trainings", "active"],
        "member": [
            "sector",
            "area",
            "priority",
            "may_contact",
            "may_text",
            "pseudonymous",
            "erased",
        ],
        "agency": ["sector", "areas", "org_type", "priority"],
    }[kind]
    rows = []
    query = sa.select(t.stakeholders).where(s.kind == kind).order_by(s.key)
    for r in conn.execute(query).mappings():
        key = r["key"]
        row: list[Any] = [key] + ([r["name"]] if personal else [])
        row += [tags.get(key, []), _iso(r["since"]), _iso(r["until"])]
        row += [r[c] for c in _CONTACT] if personal else []
        for col in extra:
            if col == "areas":
                row.append(areas.get(key, []))
            elif col == "area":
                row.append(areas[key][0] if areas.get(key) else None)
            elif col == "trainings":
                row.append(trainings.get(key, []))
            else:
                row.append(r[col])
        rows.append(row)
    return head + extra, rows


def _raw(value: Any) -> Any:
    if value is None:
        return None
    if hasattr(value, "isoformat"):
        return json.dumps(value.isoformat())
    return json.dumps(value, ensure_ascii=False)


def export_csv(crm: Store, directory: str | Path, *, personal: bool = False) -> Path:
    """Write the whole store as CSV files and a ``manifest.json`` in ``directory``.

    :func:`import_dir` loads them into an empty store that then gives the same
    answers (directory, ties, coverage, plans). See the module's notes for the files.

    Parameters
    ----------
    crm
    directory
        Made if missing; files of the same names are replaced.
    personal
        Whether names, contact details, interaction notes, survey comments and
        respondents, concern and tip texts and reporters, concern notes and opt-outs
        are written (default False: an export to share leaves out personal data;
        metrics do not need it).

    Returns
    -------
    Path
        The manifest's path.

    Raises
    ------
    ValidationError
        ``directory`` exists and is not a folder.

    Examples
    --------
    >>> import json, tempfile, rbp.io
    >>> manifest = rbp.io.export_csv(crm, tempfile.mkdtemp())
    >>> info = json.loads(manifest.read_text())
    >>> info["format"], info["files"]["areas.csv"]["rows"] > 0
    ('rbp-csv/1', True)
    """
    from rbp import __version__
    from rbp.errors import ValidationError

    personal = _args.flag(personal, "personal")
    if not isinstance(directory, str | Path):
        raise TypeError(f"directory must be a str or Path, got {type(directory).__name__}")
    folder = Path(directory)
    if folder.exists() and not folder.is_dir():
        raise ValidationError(f"{folder} exists and is not a folder", field="directory")
    (folder / "plans").mkdir(parents=True, exist_ok=True)
    (folder / "engagement").mkdir(exist_ok=True)
    for stale in (folder / "engagement").glob("*.csv"):
        stale.unlink()  # an opt-out file of an earlier export with personal data
    files: dict[str, dict[str, Any]] = {}

    def put(name: str, columns: list[str], rows: Iterable[Iterable[Any]]) -> None:
        files[name] = {"columns": columns, "rows": _write(folder / name, columns, rows)}

    with crm.engine.connect() as conn, conn.begin():
        a = t.areas.c
        put(
            "areas.csv",
            ["key", "name", "parent", "population", "expected_sectors"],
            (
                [r[0], r[1], r[2], r[3], [x for x in (r[4] or "").split(",") if x]]
                for r in conn.execute(
                    sa.select(a.key, a.name, a.parent, a.population, a.expected_sectors).order_by(
                        a.key
                    )
                )
            ),
        )
        for name, kind in PEOPLE_FILES.items():
            head, rows = _people(conn, kind, personal)
            put(f"{name}.csv", head, rows)
        r = t.relationships.c
        put(
            "relationships.csv",
            ["a", "b", "kind", "since", "until"],
            (
                [x[0], x[1], x[2], _iso(x[3]), _iso(x[4])]
                for x in conn.execute(sa.select(r.a, r.b, r.kind, r.since, r.until).order_by(r.id))
            ),
        )
        for table in PLAN_TABLES:
            cols = [c.name for c in table.columns]
            order = [table.c[c] for c in cols]
            raw = (
                [_raw(v) for v in row] for row in _stream(conn, sa.select(table).order_by(*order))
            )
            put(f"plans/{table.name}.csv", cols, raw)
        head = [
            "id",
            "at",
            "kind",
            "participants",
            "areas",
            "topics",
            "attendees",
            "duration",
            "follow_up_by",
            "plan",
            "concern",
        ] + (["notes"] if personal else [])
        put("interactions.csv", head, _interactions(conn, personal))
        dump_engagement(conn, put, personal=personal)
    manifest = {
        "format": FORMAT,
        "rbp": __version__,
        "tz": crm.tz,
        "personal": personal,
        "files": files,
    }
    path = folder / "manifest.json"
    path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
