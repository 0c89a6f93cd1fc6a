"""What each import kind holds: its fields, how a cell becomes a value, and the record.

A cell is text (from a CSV file) or a Python value (from a frame). Every parser
takes the cell and returns the field's value, or raises
:class:`~rbp.errors.ValidationError` saying what is wrong; an empty cell never
reaches a parser (it is a missing value).
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import math
import re
from collections.abc import Callable, Mapping
from typing import Any

import pendulum

from rbp.errors import ValidationError
from rbp.model import (
    Area,
    CommunityMember,
    Contact,
    Officer,
    OrgType,
    PartnerAgency,
    Priority,
    Relationship,
    RelationshipKind,
    Sector,
    Training,
)
from rbp.model._interactions import InteractionKind

__all__ = ["FIELDS", "Cells", "ImportKind", "Parse", "kind_of", "make_record"]


class ImportKind(enum.Enum):
    """What a file holds: one kind of record per file."""

    AREAS = "areas"
    OFFICERS = "officers"
    MEMBERS = "members"
    AGENCIES = "agencies"
    RELATIONSHIPS = "relationships"
    INTERACTIONS = "interactions"


def kind_of(value: object) -> ImportKind:
    """The kind named by ``value`` (a member, its value or its name, any case)."""
    if isinstance(value, ImportKind):
        return value
    if isinstance(value, str):
        for member in ImportKind:
            if value.strip().lower() in (member.value, member.name.lower()):
                return member
    allowed = ", ".join(m.value for m in ImportKind)
    raise ValidationError(
        f"kind {value!r} is not an import kind; use one of: {allowed}", field="kind"
    )


class Parse:
    """How cells become values; ``separator`` splits list cells, ``lists_json`` reads
    rbp's own exported lists (JSON arrays) instead."""

    def __init__(
        self, *, tz: str, date_format: str | None, separator: str, lists_json: bool = False
    ) -> None:
        self.tz = tz
        self.date_format = date_format
        self.separator = separator
        self.lists_json = lists_json

    # -- single values
    def text(self, cell: Any) -> str:
        if isinstance(cell, str):
            return cell
        if isinstance(cell, int | float) and not isinstance(cell, bool):
            return str(int(cell)) if float(cell).is_integer() else str(cell)
        return str(cell)

    def key(self, cell: Any) -> str:
        return self.text(cell).strip()

    def whole(self, cell: Any) -> int:
        if isinstance(cell, bool):
            raise ValidationError(f"expected a whole number, got {cell!r}")
        if isinstance(cell, int):
            return cell
        if isinstance(cell, float):
            if math.isfinite(cell) and cell.is_integer():
                return int(cell)
            raise ValidationError(f"expected a whole number, got {cell!r}")
        text = self.text(cell).strip().replace(",", "")
        if not re.fullmatch(r"[+-]?\d{1,18}(\.0*)?", text):
            raise ValidationError(f"expected a whole number, got {_shown(text)}")
        return int(float(text)) if "." in text else int(text)

    def flag(self, cell: Any) -> bool:
        if isinstance(cell, bool):
            return cell
        text = self.text(cell).strip().lower()
        if text in ("true", "t", "yes", "y", "1", "1.0"):
            return True
        if text in ("false", "f", "no", "n", "0", "0.0"):
            return False
        raise ValidationError(f"expected yes/no or true/false, got {_shown(text)}")

    def time(self, cell: Any) -> pendulum.DateTime:
        if isinstance(cell, dt.datetime):
            value = cell
        elif isinstance(cell, dt.date):
            value = dt.datetime(cell.year, cell.month, cell.day)
        else:
            text = cell.strip() if cell.__class__ is str else self.text(cell).strip()
            try:
                if self.date_format is not None:
                    value = dt.datetime.strptime(text, self.date_format)
                else:  # a pendulum DateTime at once (its zone a fixed offset)
                    value = pendulum.DateTime.fromisoformat(text)
            except ValueError:
                how = (
                    f"the format {self.date_format!r}"
                    if self.date_format
                    else "ISO 8601 (2026-03-02 18:00); give date_format= for other forms"
                )
                raise ValidationError(f"{_shown(text)} is not a time in {how}") from None
        if value.tzinfo is None or value.utcoffset() is None:
            return pendulum.datetime(
                value.year,
                value.month,
                value.day,
                value.hour,
                value.minute,
                value.second,
                value.microsecond,
                tz=self.tz,
            )
        if isinstance(value, pendulum.DateTime):
            return value
        return pendulum.instance(value)

    def date(self, cell: Any) -> pendulum.Date:
        when = self.time(cell)
        return pendulum.Date(when.year, when.month, when.day)

    def seconds(self, cell: Any) -> dt.timedelta:
        if isinstance(cell, dt.timedelta):
            return cell
        return pendulum.duration(seconds=self.whole(cell))

    def choice(self, enum_cls: type[enum.Enum]) -> Callable[[Any], Any]:
        table: dict[str, enum.Enum] = {}
        for m in enum_cls:
            table[_norm(str(m.value))] = m
            table[_norm(m.name)] = m

        def convert(cell: Any) -> Any:
            if isinstance(cell, enum_cls):
                return cell
            found = table.get(_norm(self.text(cell)))
            if found is None:
                allowed = ", ".join(str(m.value) for m in enum_cls)
                raise ValidationError(
                    f"{_shown(self.text(cell))} is not a {enum_cls.__name__}; use one of: {allowed}"
                )
            return found

        return convert

    # -- lists
    def items(self, cell: Any) -> list[Any]:
        if isinstance(cell, list | tuple):
            return list(cell)
        text = self.text(cell)
        if self.lists_json:
            value = json.loads(text)
            if not isinstance(value, list):
                raise ValidationError("expected a JSON list")
            return value
        return [p.strip() for p in text.split(self.separator) if p.strip()]

    def keys(self, cell: Any) -> tuple[str, ...]:
        if cell.__class__ is str and not self.lists_json:  # a file's cell: one split
            return tuple([k for k in map(str.strip, cell.split(self.separator)) if k])
        return tuple(self.key(v) for v in self.items(cell))

    def trainings(self, cell: Any) -> tuple[Training, ...]:
        out = []
        for item in self.items(cell):
            if isinstance(item, list):  # rbp's own files: [name, date or null]
                name, done = item
                out.append(Training(name, None if done is None else self.date(done)))
                continue
            m = re.fullmatch(r"(.*?)\s*\((\d{4}-\d{2}-\d{2})\)", self.text(item).strip())
            if m:
                out.append(Training(m.group(1), self.date(m.group(2))))
            else:
                out.append(Training(self.key(item)))
        return tuple(out)

    def sectors(self, cell: Any) -> tuple[Sector, ...]:
        convert = self.choice(Sector)
        return tuple(convert(v) for v in self.items(cell))

    def parser(self, kind: str) -> Callable[[Any], Any]:
        """The parser named in :data:`FIELDS`."""
        if kind.startswith("enum:"):
            return self.choice(_ENUMS[kind[5:]])
        found: Callable[[Any], Any] = getattr(self, kind)
        return found

    @staticmethod
    def repeats(kind: str) -> bool:
        """Whether cells of this parser's kind repeat often enough to remember their
        values (enums, lists, numbers, flags, times)."""
        return kind.startswith("enum:") or kind in _REPEATING


_REPEATING = frozenset(("keys", "whole", "flag", "sectors", "seconds", "time"))


def _norm(text: str) -> str:
    return re.sub(r"[\s\-]+", "_", text.strip().lower())


def _shown(text: str) -> str:
    return repr(text) if len(text) <= 40 else repr(text[:40] + "...")


_ENUMS: dict[str, type[enum.Enum]] = {
    "Sector": Sector,
    "Priority": Priority,
    "OrgType": OrgType,
    "RelationshipKind": RelationshipKind,
    "InteractionKind": InteractionKind,
}

_PEOPLE = {
    "key": "key",
    "name": "text",
    "tags": "keys",
    "since": "time",
    "until": "time",
    "email": "text",
    "phone": "text",
    "address": "text",
}

FIELDS: dict[ImportKind, dict[str, str]] = {
    ImportKind.AREAS: {
        "key": "key",
        "name": "text",
        "parent": "key",
        "population": "whole",
        "expected_sectors": "sectors",
    },
    ImportKind.OFFICERS: {
        **_PEOPLE,
        "unit": "text",
        "rank": "text",
        "areas": "keys",
        "trainings": "trainings",
        "active": "flag",
    },
    ImportKind.MEMBERS: {
        **_PEOPLE,
        "sector": "enum:Sector",
        "area": "key",
        "priority": "enum:Priority",
        "may_contact": "flag",
        "may_text": "flag",
        "pseudonymous": "flag",
        "erased": "flag",
    },
    ImportKind.AGENCIES: {
        **_PEOPLE,
        "sector": "enum:Sector",
        "areas": "keys",
        "org_type": "enum:OrgType",
        "priority": "enum:Priority",
    },
    ImportKind.RELATIONSHIPS: {
        "a": "key",
        "b": "key",
        "kind": "enum:RelationshipKind",
        "since": "time",
        "until": "time",
    },
    ImportKind.INTERACTIONS: {
        "id": "key",
        "at": "time",
        "kind": "enum:InteractionKind",
        "participants": "keys",
        "participant": "key",
        "areas": "keys",
        "topics": "keys",
        "attendees": "whole",
        "duration": "seconds",
        "follow_up_by": "time",
        "plan": "key",
        "concern": "key",
        "notes": "text",
    },
}
"""Every field a kind accepts, with the name of its parser on :class:`Parse`."""

Cells = Mapping[str, Any]

_CLASSES: dict[ImportKind, type] = {
    ImportKind.AREAS: Area,
    ImportKind.OFFICERS: Officer,
    ImportKind.MEMBERS: CommunityMember,
    ImportKind.AGENCIES: PartnerAgency,
}


def make_record(kind: ImportKind, values: dict[str, Any]) -> Any:
    """The rbp record of ``kind`` made from parsed ``values`` (not for interactions)."""
    if kind is ImportKind.RELATIONSHIPS:
        for name in ("a", "b", "kind"):
            if name not in values:
                raise ValidationError(f"{name} is missing", field=name)
        return Relationship(
            values["a"],
            values["b"],
            values["kind"],
            since=values.get("since"),
            until=values.get("until"),
        )
    if "key" not in values:
        raise ValidationError("key is missing; every record needs a key", field="key")
    cls = _CLASSES[kind]
    if kind is not ImportKind.AREAS:
        contact = {k: values.pop(k) for k in ("email", "phone", "address") if k in values}
        if contact:
            values["contact"] = Contact(**contact)
    key = values.pop("key")
    try:
        return cls(key, **values)
    except TypeError as exc:  # pragma: no cover - FIELDS only names init fields
        raise ValidationError(f"bad fields: {exc}") from None
