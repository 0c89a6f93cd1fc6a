"""The community's voice in an export: survey responses, concerns and tips with their
events, the outbox's messages and the opt-outs, under ``engagement/``.

Every file is its table as stored (a header of column names, every cell a JSON value,
times in epoch microseconds), in id order and without the ids, which the store that
loads them gives out again in the same order. A response names its interaction by the
interaction's id in ``interactions.csv``; :func:`load_engagement` maps it to the id
the interaction got on import. Tips keep their receipt code's salt and slow hash, so a
tipster's code still reads the tip back; no code is stored anywhere.

Personal data is written only with ``personal=True``: survey comments and respondents,
concern and tip texts and reporters, the notes of concern events (a tipster's replies
among them), the addresses of answers to unknown numbers, and the opt-outs (addresses).
Without it a concern's text loads as empty, and the copy holds no contact to send to.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from rbp import _schema as t
from rbp._schema._copy import copy_dicts
from rbp.errors import BulkValidationError, RowError, ValidationError
from rbp.io._source import FileRows, UnreadableError

__all__ = ["AFTER", "BEFORE", "ENGAGEMENT", "dump_engagement", "insert_rows", "load_engagement"]

# table -> (columns always written, personal columns); ids and delivery claims are left out
ENGAGEMENT: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "survey_responses": (
        ("interaction_id", "at", "overall", "respect", "voice", "neutrality", "trust"),
        ("comment", "respondent"),
    ),
    "concerns": (
        ("key", "at", "area", "category", "tip", "code_salt", "code_hash"),
        ("text", "reporter"),
    ),
    "concern_events": (("concern", "at", "kind", "status", "owner", "public"), ("note",)),
    "messages": (
        (
            "recipient",
            "channel",
            "kind",
            "ref",
            "text",
            "made",
            "not_before",
            "status",
            "reason",
            "attempts",
            "next_try",
            "sent",
        ),
        ("address",),
    ),
    "opt_outs": ((), ("channel", "address", "at")),
}
BEFORE = ("concerns", "concern_events")
"""Loaded before the plans and the interactions (both may name a concern)."""
AFTER = ("survey_responses", "messages", "opt_outs")
"""Loaded after them (a response names its interaction)."""
_NOT_NULL_TEXT = {"concerns": {"text": ""}}
_BATCH = 5_000


def _columns(name: str, personal: bool) -> list[str]:
    always, private = ENGAGEMENT[name]
    return [*always, *(private if personal else ())]


def dump_engagement(
    conn: sa.Connection,
    put: Callable[[str, list[str], Iterable[Iterable[Any]]], None],
    *,
    personal: bool,
) -> None:
    """Write each engagement table through ``put(file name, columns, rows)``."""
    for name in ENGAGEMENT:
        cols = _columns(name, personal)
        if not cols:
            continue
        table = t.metadata.tables[name]
        order = [table.c.id] if "id" in table.c else list(table.primary_key.columns)
        query = sa.select(*(table.c[c] for c in cols)).order_by(*order)
        rows = (
            [None if v is None else json.dumps(v, ensure_ascii=False) for v in row]
            for row in conn.execute(
                query, execution_options={"stream_results": True, "yield_per": _BATCH}
            )
        )
        put(f"engagement/{name}.csv", cols, rows)


def _rows(path: Path, table: sa.Table, ids: dict[int, int]) -> Iterator[dict[str, Any]]:
    rows = FileRows(path, encoding="utf-8", own=True)
    unknown = [c for c in rows.header if c not in table.c or c == "id"]
    if unknown:
        raise UnreadableError(RowError(f"no column {unknown[0]!r} in {table.name}", line=1))
    for line, cells, problems in rows:
        if problems:
            raise UnreadableError(problems[0])
        try:
            row = {c: None if v is None else json.loads(v) for c, v in cells.items()}
        except ValueError as exc:
            raise UnreadableError(RowError(f"not rbp's format: {exc}", line=line)) from None
        for c, default in _NOT_NULL_TEXT.get(table.name, {}).items():
            if row.get(c) is None:
                row[c] = default
        if "interaction_id" in row:
            old = row["interaction_id"]
            if not isinstance(old, int) or old not in ids:
                raise UnreadableError(
                    RowError(f"no interaction {old!r} in interactions.csv", line=line)
                )
            row["interaction_id"] = ids[old]
        yield row


def insert_rows(
    conn: sa.Connection, table: sa.Table, rows: Iterable[dict[str, Any]], file: str
) -> int:
    """Insert ``rows`` (read from ``file``) into ``table`` in batches; how many.

    A row the file cannot give is a :class:`BulkValidationError` naming its line; rows
    the store refuses (a broken link, say) are one :class:`ValidationError`.
    """
    try:
        n = copy_dicts(conn, table, rows)
    except UnreadableError as exc:
        raise BulkValidationError(f"import of {file}", [exc.error]) from None
    except sa.exc.SQLAlchemyError as exc:
        raise ValidationError(
            f"import of {file}: the rows do not fit the store ({type(exc).__name__})",
            field="directory",
        ) from None
    return n


def load_engagement(
    conn: sa.Connection, folder: Path, names: Iterable[str], ids: dict[int, int]
) -> dict[str, int]:
    """Insert the engagement files ``names`` of ``folder`` (those present) into an empty
    store; ``ids`` maps an exported interaction id to its new one. Rows added, by file."""
    added: dict[str, int] = {}
    for name in names:
        path = folder / "engagement" / f"{name}.csv"
        if not path.exists():
            continue
        file = f"engagement/{name}.csv"
        table = t.metadata.tables[name]
        added[file] = insert_rows(conn, table, _rows(path, table, ids), file)
    return added
