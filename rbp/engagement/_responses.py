"""Checking survey responses against the store and writing them, with their kudos."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from rbp import _schema as t
from rbp._queries.batch import chunks
from rbp._schema._copy import copy_dicts
from rbp._time import to_micros
from rbp.engagement._messages import Draft, make
from rbp.errors import RbpError, UnknownKeyError, ValidationError
from rbp.model._engagement import MessageKind, Response

if TYPE_CHECKING:
    from rbp._unit import UnitOfWork

__all__ = ["ResponseWriter", "interaction_at"]

_ANSWERS = ("overall", "respect", "voice", "neutrality", "trust")


def interaction_at(conn: Connection, iid: int) -> int:
    at = conn.execute(sa.select(t.interactions.c.at).where(t.interactions.c.id == iid)).scalar()
    if at is None:
        raise UnknownKeyError(f"no interaction {iid}", key=str(iid), field="interaction")
    return int(at)


class ResponseWriter:
    """Checks responses against the store and writes them, with their kudos messages."""

    def __init__(self, conn: Connection, uow: UnitOfWork) -> None:
        self.conn = conn
        self.uow = uow
        self.errors: list[RbpError] = []
        self.made = to_micros(uow.now())
        self._officers: dict[int, list[str]] = {}

    def check(self, batch: list[Any], *, first: int) -> list[Response]:
        good: list[tuple[int, Response]] = []
        for i, item in enumerate(batch, start=first):
            try:
                good.append((i, _response(item)))
            except RbpError as exc:
                self.errors.append(exc.with_row(i))
        ids = sorted({r.interaction for _, r in good})
        it = t.interactions.c
        ats = {
            int(k): int(v)
            for k, v in self.conn.execute(sa.select(it.id, it.at).where(it.id.in_(ids)))
        }
        people = sorted({r.respondent for _, r in good if r.respondent is not None})
        s = t.stakeholders.c
        known = {str(k) for (k,) in self.conn.execute(sa.select(s.key).where(s.key.in_(people)))}
        out = []
        for i, r in good:
            try:
                _against(r, ats, known)
            except RbpError as exc:
                self.errors.append(exc.with_row(i))
                continue
            out.append(r)
        return out

    def insert(self, items: list[Response], *, ids: bool = False) -> list[int]:
        """Write checked responses (and their kudos); their ids when ``ids`` is asked."""
        rows = [
            {
                "interaction_id": r.interaction,
                "at": to_micros(r.at),
                **{name: getattr(r, name) for name in _ANSWERS},
                "comment": r.comment,
                "respondent": r.respondent,
            }
            for r in items
        ]
        out: list[int] = []
        if ids:  # one row at a time on SQLite: only for record()
            result = self.conn.execute(
                sa.insert(t.survey_responses).returning(
                    t.survey_responses.c.id, sort_by_parameter_order=True
                ),
                rows,
            )
            out = [int(x) for (x,) in result]
        elif rows:
            copy_dicts(self.conn, t.survey_responses, rows)
        praise = [r for r in items if r.praise]
        if praise:
            self._kudos(praise)
        return out

    def _kudos(self, praise: list[Response]) -> None:
        wanted = sorted({r.interaction for r in praise} - set(self._officers))
        p, s = t.participants.c, t.stakeholders.c
        for iid in wanted:
            self._officers[iid] = []
        # Two lookups by key: joined to the stakeholders' kind, SQLite walks every
        # officer's contacts and probes the id list for each (seconds on a big log).
        pairs: list[tuple[int, str]] = []
        for ids in chunks(wanted):
            pairs.extend(
                (int(i), str(k))
                for i, k in self.conn.execute(
                    sa.select(p.interaction_id, p.stakeholder).where(p.interaction_id.in_(ids))
                )
            )
        people = sorted({k for _, k in pairs})
        officers: set[str] = set()
        for keys in chunks(people):
            officers.update(
                self.conn.execute(
                    sa.select(s.key).where(s.kind == "officer", s.key.in_(keys))
                ).scalars()
            )
        for iid, key in sorted(pairs, key=lambda pair: pair[1]):
            if key in officers:
                self._officers[iid].append(key)
        tz, agency = self.uow.tz, self.uow.settings.agency
        drafts = [
            Draft(
                officer,
                MessageKind.KUDOS,
                f"{agency}: kudos! A community member rated your contact on "
                f"{r.at.in_timezone(tz).format('MMM D')} (interaction {r.interaction}) "
                f"{r.overall} of 5 and left a kind word. Read it in the kudos list.",
                to_micros(r.at),
                str(r.interaction),
            )
            for r in praise
            for officer in self._officers[r.interaction]
        ]
        make(self.conn, drafts, made=self.made, ids=False)


def _response(item: object) -> Response:
    if isinstance(item, Response):
        return item
    if isinstance(item, Mapping):
        unknown = sorted(str(k) for k in item if k not in _FIELDS)
        if unknown:
            raise ValidationError(f"unknown field {unknown[0]!r:.60}", field=unknown[0][:60])
        missing = [k for k in ("at", "interaction") if k not in item]
        if missing:
            raise ValidationError(f"{missing[0]} is missing", field=missing[0])
        return Response(**{str(k): v for k, v in item.items()})
    raise ValidationError(
        f"a response must be a Response or a mapping, got {type(item).__name__}", field="response"
    )


_FIELDS = frozenset(
    ("at", "interaction", *_ANSWERS, "comment", "respondent"),
)


def _against(r: Response, ats: dict[int, int], known: set[str]) -> None:
    at = ats.get(r.interaction)
    if at is None:
        raise UnknownKeyError(
            f"no interaction {r.interaction}", key=str(r.interaction), field="interaction"
        )
    if to_micros(r.at) < at:
        raise ValidationError(
            f"the response is dated before its interaction {r.interaction}; "
            "a response comes after the contact",
            key=str(r.interaction),
            field="at",
        )
    if r.respondent is not None and r.respondent not in known:
        raise UnknownKeyError(
            f"no stakeholder {r.respondent!r}", key=r.respondent, field="respondent"
        )
