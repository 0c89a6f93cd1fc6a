"""The import engine: rows in, records out, through the store's own bulk calls.

Rows are read lazily and fed as a generator to ``crm.directory.add_many``,
``crm.directory.relate_many`` or ``crm.interactions.log_many``, each one
transaction that checks every item; so a file loads whole or not at all, at bulk
speed, in bounded memory (each bulk call reads and writes a batch at a time; the
directory's keeps the keys it has seen, to name a key given twice, and holds only
records that wait for an area later in the call). A row that cannot be read is passed on
as a marker the bulk call refuses, so the call still checks every other row and
rolls back; its errors, by item position, are mapped back to lines.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from rbp.errors import BulkValidationError, RbpError, RowError, ValidationError
from rbp.io._fields import FIELDS, ImportKind, Parse, make_record
from rbp.io._report import ImportReport
from rbp.io._source import Row, UnreadableError
from rbp.model._interactions import interaction_from

if TYPE_CHECKING:
    from rbp.store import Store

__all__ = ["Plan", "load"]


class _Bad:
    """A row that could not be made into a record (the bulk call refuses it)."""

    __slots__ = ()


_BAD = _Bad()


class _Lines:
    """Item position -> file line, stored only where the step between them changes."""

    def __init__(self) -> None:
        self._starts: list[int] = []
        self._offsets: list[int] = []

    def add(self, position: int, line: int) -> None:
        offset = line - position
        if not self._offsets or self._offsets[-1] != offset:
            self._starts.append(position)
            self._offsets.append(offset)

    def line(self, position: int) -> int:
        i = bisect.bisect_right(self._starts, position) - 1
        return position + self._offsets[max(i, 0)]


_MISSING = object()
_REMEMBERED = 4096  # text cells remembered per field (then forgotten, and again)
_DISTINCT = frozenset(("participants",))  # cells that seldom repeat: not remembered


class Plan:
    """The checked mapping of one import: which header feeds each field, the defaults.

    Raises :class:`~rbp.errors.ValidationError` for an unknown field, a mapping to a
    missing column, a bad default, or a required field with no column and no default.
    """

    def __init__(
        self,
        kind: ImportKind,
        header: tuple[str, ...],
        columns: Mapping[str, str] | None,
        defaults: Mapping[str, Any] | None,
        parse: Parse,
    ) -> None:
        fields = FIELDS[kind]
        self.kind = kind
        columns = dict(columns or {})
        defaults = dict(defaults or {})
        for what, given in (("columns", columns), ("defaults", defaults)):
            for name in given:
                if name not in fields:
                    raise ValidationError(
                        f"{what}: {name!r} is not a field of {kind.value}; "
                        f"use: {', '.join(fields)}",
                        field=name,
                    )
        for name, column in columns.items():
            if column not in header:
                raise ValidationError(
                    f"columns: {name!r} maps to {column!r}, which is not a column of the "
                    f"file; its columns are: {', '.join(header)}",
                    field=name,
                )
        self.columns: dict[str, str] = {
            f: columns.get(f, f) for f in fields if f in columns or f in header
        }
        self.parsers: dict[str, Callable[[Any], Any]] = {
            f: parse.parser(p) for f, p in fields.items()
        }
        # (field, its column, its parser, whether to remember values, those of text cells)
        self._steps: list[tuple[str, str, Callable[[Any], Any], bool, dict[str, Any]]] = [
            (f, c, self.parsers[f], parse.repeats(fields[f]) and f not in _DISTINCT, {})
            for f, c in self.columns.items()
        ]
        self.defaults: dict[str, Any] = {}
        for name, value in defaults.items():
            try:
                self.defaults[name] = self.parsers[name](value) if value is not None else None
            except (RbpError, ValueError, TypeError) as exc:
                raise ValidationError(f"defaults: {name}: {exc}", field=name) from None
        self.long = False
        if kind is ImportKind.INTERACTIONS:
            self.long = "participant" in self.columns
            if self.long:
                for need in ("id", "participant"):
                    if need not in self.columns:
                        raise ValidationError(
                            f"long form (one row per participant) needs the columns id "
                            f"and participant; map {need!r} with columns=",
                            field=need,
                        )
            required: tuple[str, ...] = (
                "at",
                "kind",
                "participant" if self.long else "participants",
            )
        elif kind is ImportKind.RELATIONSHIPS:
            required = ("a", "b", "kind")
        else:
            required = ("key",)
        for need in required:
            if need not in self.columns and need not in self.defaults:
                raise ValidationError(
                    f"{kind.value} need {need!r}: map it to a column with columns= "
                    "or give it in defaults=",
                    field=need,
                )

    def header_of(self, field: str | None) -> str | None:
        """The file's header that feeds ``field`` (None when none does)."""
        if field == "participants" and self.long:
            field = "participant"
        if field in ("email", "phone", "address", "contact"):
            return self.columns.get(field or "")
        return None if field is None else self.columns.get(field)

    def values(self, line: int, cells: dict[str, Any], errors: list[RowError]) -> dict[str, Any]:
        """The parsed fields of one row; a bad cell adds to ``errors``."""
        out = dict(self.defaults)
        get = cells.get
        for field, column, parse, remember, memo in self._steps:
            if (cell := get(column)) is None:
                continue
            text = remember and cell.__class__ is str
            if text and (value := memo.get(cell, _MISSING)) is not _MISSING:
                out[field] = value
                continue
            try:
                value = parse(cell)
            except (RbpError, ValueError, TypeError, OverflowError) as exc:
                message = exc.message if isinstance(exc, RbpError) else str(exc)
                errors.append(RowError(message, line=line, column=column, field=field))
                continue
            if text:  # values are immutable (tuples, enums, numbers, times): shared safely
                if len(memo) >= _REMEMBERED:
                    memo.clear()
                memo[cell] = value
            out[field] = value
        return out

    def row_error(self, exc: RbpError, line: int) -> RowError:
        """A record's error on ``line``, naming the column of its field."""
        message = exc.message
        if message.startswith("item "):
            message = message.split(": ", 1)[-1]
        return RowError(
            message, line=line, column=self.header_of(exc.field), key=exc.key, field=exc.field
        )


def _records(plan: Plan, rows: Iterable[Row], mine: dict[int, list[RowError]]) -> Iterator[Any]:
    """Records (or interaction mappings), one per item, for the bulk call."""
    kind = plan.kind
    for line, cells, problems in rows:
        errors = problems  # the row's own list: its cells' problems join it
        values = plan.values(line, cells, errors)
        item: Any = _BAD
        if not errors:
            try:
                if kind is ImportKind.INTERACTIONS:
                    values.pop("id", None)
                    item = interaction_from(values)
                else:
                    item = make_record(kind, values)
            except RbpError as exc:
                errors.append(plan.row_error(exc, line))
        if errors:
            mine[line] = errors
            item = _BAD
        yield line, item


_SHARED = (
    "at",
    "kind",
    "areas",
    "topics",
    "attendees",
    "duration",
    "follow_up_by",
    "plan",
    "concern",
    "notes",
)


def _groups(plan: Plan, rows: Iterable[Row], mine: dict[int, list[RowError]]) -> Iterator[Any]:
    """Long form: consecutive rows with one ``id`` make one interaction."""
    id_col, who_col = plan.columns["id"], plan.columns["participant"]
    seen: dict[str, int] = {}
    group: list[tuple[int, dict[str, Any], list[RowError]]] = []

    def close() -> Iterator[Any]:
        first_line, first, _ = group[0]
        errors = [e for _, _, errs in group for e in errs]
        values = plan.values(first_line, first, errors)
        people = []
        for line, cells, _ in group[1:]:
            for field in _SHARED:
                column = plan.columns.get(field)
                if column and cells.get(column) not in (None, first.get(column)):
                    errors.append(
                        RowError(
                            f"differs from line {first_line}, the first row of interaction "
                            f"{first.get(id_col)!r}; give each interaction one {field}",
                            line=line,
                            column=column,
                            field=field,
                        )
                    )
        for line, cells, _ in group:
            who = cells.get(who_col)
            if who is None:
                errors.append(
                    RowError(
                        "the participant is empty", line=line, column=who_col, field="participant"
                    )
                )
            else:
                people.append(plan.parsers["participant"](who))
        values.pop("id", None)
        values.pop("participant", None)
        values["participants"] = tuple(people)
        if not errors:
            try:
                item = interaction_from(values)
            except RbpError as exc:
                errors.append(plan.row_error(exc, first_line))
        if errors:
            mine[first_line] = errors
            yield first_line, _BAD
        else:
            yield first_line, item

    for line, cells, problems in rows:
        gid = cells.get(id_col)
        if gid is None:
            mine[line] = [
                *problems,
                RowError("the interaction id is empty", line=line, column=id_col, field="id"),
            ]
            yield line, _BAD
            continue
        gid = str(gid)
        if group and str(group[0][1].get(id_col)) != gid:
            yield from close()
            group = []
        if not group and gid in seen:
            mine[line] = [
                RowError(
                    f"interaction {gid!r} started on line {seen[gid]} and its rows ended there; "
                    "keep each interaction's rows together (sort the file by id)",
                    line=line,
                    column=id_col,
                    field="id",
                )
            ]
            yield line, _BAD
            continue
        if not group:
            seen[gid] = line
        group.append((line, cells, problems))
    if group:
        yield from close()


def load(
    crm: Store,
    plan: Plan,
    rows: Iterable[Row],
    *,
    dry_run: bool,
    source: str,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Feed the rows to the bulk call of ``plan.kind``; all or nothing."""
    mine: dict[int, list[RowError]] = {}
    lines = _Lines()
    count = {"rows": 0, "items": 0}

    def counted() -> Iterator[Row]:
        n = 0
        for row in rows:
            n += 1
            if progress is not None and n % 10_000 == 0:
                progress(n)
            yield row
        count["rows"] = n
        if progress is not None:
            progress(n)

    made = _groups(plan, counted(), mine) if plan.long else _records(plan, counted(), mine)

    def items() -> Iterator[Any]:
        position = 0
        step = None
        for line, item in made:
            if line - position != step:  # lines and items part ways (long form, blanks)
                step = line - position
                lines.add(position, line)
            position += 1
            yield item
        count["items"] = position
        if dry_run or mine:
            lines.add(position, 0)
            yield _BAD  # the bulk call refuses it and rolls back

    bulk: Callable[[Iterable[Any]], Any]
    if plan.kind is ImportKind.INTERACTIONS:
        bulk = crm.interactions.log_many
    elif plan.kind is ImportKind.RELATIONSHIPS:
        bulk = crm.directory.relate_many
    else:
        bulk = crm.directory.add_many
    what = f"import of {source}"
    try:
        bulk(items())
    except UnreadableError as exc:
        errors = [e for errs in mine.values() for e in errs]
        raise BulkValidationError(what, [*errors, exc.error]) from None
    except BulkValidationError as exc:
        errors = []
        for err in exc.errors:
            line = lines.line(err.row or 0)
            if line == 0:
                continue  # the closing marker of a dry run
            if line in mine:
                errors.extend(mine.pop(line))
            else:
                errors.append(plan.row_error(err, line))
        if errors:
            errors.sort(key=lambda e: e.row or 0)
            raise BulkValidationError(what, errors) from None
    return ImportReport(
        kind=plan.kind.value,
        rows=count["rows"],
        added=0 if dry_run else count["items"],
        records=count["items"],
        dry_run=dry_run,
        source=source,
    )
