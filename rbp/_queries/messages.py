"""Making messages: consent and opt-outs checked once, a refused message kept as suppressed.

Every automatic message (survey, concern update, kudos, plan milestone) is made here,
inside the caller's write transaction, so the message and what caused it commit
together. Engagement makes the first three; plans make milestones (:func:`milestones`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from rbp import _schema as t
from rbp._queries.batch import chunks
from rbp._schema._copy import copy_dicts
from rbp.model._engagement import Channel, MessageKind, MessageStatus
from rbp.model._messages import choose_channel, fit_sms, normal_address

__all__ = ["Draft", "addresses", "consent", "make", "milestones", "opted_out", "people"]


@attrs.frozen
class Draft:
    """A message to make: to whom, what kind, the text, from when, about what."""

    recipient: str
    kind: MessageKind
    text: str
    not_before: int
    ref: str | None = None


def opted_out(conn: Connection, addresses: Sequence[tuple[Channel, str]]) -> set[tuple[str, str]]:
    """The (channel value, address) pairs among ``addresses`` that said STOP."""
    o = t.opt_outs.c
    found: set[tuple[str, str]] = set()
    wanted = sorted({(c.value, a) for c, a in addresses})
    for piece in chunks(wanted, size=2_000):
        rows = conn.execute(
            sa.select(o.channel, o.address).where(sa.tuple_(o.channel, o.address).in_(list(piece)))
        )
        found.update((str(c), str(a)) for c, a in rows)
    return found


def people(conn: Connection, keys: Sequence[str]) -> dict[str, Any]:
    s = t.stakeholders.c
    out: dict[str, Any] = {}
    for piece in chunks(sorted(set(keys))):
        rows = conn.execute(
            sa.select(s.key, s.kind, s.may_contact, s.may_text, s.email, s.phone, s.erased).where(
                s.key.in_(piece)
            )
        ).mappings()
        out.update((str(r["key"]), r) for r in rows)
    return out


def addresses(person: Any) -> list[tuple[Channel, str]]:
    """A stakeholder row's addresses, as opt-outs keep them."""
    out = []
    for channel, column in ((Channel.EMAIL, "email"), (Channel.SMS, "phone")):
        if person[column]:
            out.append((channel, normal_address(channel, str(person[column]))))
    return out


def consent(person: Any, stopped: set[tuple[str, str]]) -> tuple[Channel | None, str | None]:
    """The channel a message to ``person`` (a stakeholder row) goes by, or why none."""
    if person["erased"]:
        return None, "erased"
    out = frozenset(c for c, a in addresses(person) if (c.value, a) in stopped)
    return choose_channel(
        officer=person["kind"] == "officer",
        may_contact=bool(person["may_contact"]),
        may_text=bool(person["may_text"]),
        email=person["email"],
        phone=person["phone"],
        opted_out=out,
    )


def make(conn: Connection, drafts: Sequence[Draft], *, made: int, ids: bool = True) -> list[int]:
    """Store ``drafts`` as messages, queued or suppressed with the reason; their ids
    (or, with ``ids=False``, nothing, written in one bulk COPY on PostgreSQL)."""
    if not drafts:
        return []
    found = people(conn, [d.recipient for d in drafts])
    stopped = opted_out(conn, [a for p in found.values() for a in addresses(p)])
    rows = []
    for d in drafts:
        channel, reason = consent(found[d.recipient], stopped)
        text = fit_sms(d.text) if channel is Channel.SMS else d.text
        rows.append(
            {
                "recipient": d.recipient,
                "address": None,
                "channel": None if channel is None else channel.value,
                "kind": d.kind.value,
                "ref": d.ref,
                "text": text,
                "made": made,
                "not_before": d.not_before,
                "status": (MessageStatus.QUEUED if channel else MessageStatus.SUPPRESSED).value,
                "reason": reason,
                "attempts": 0,
                "next_try": d.not_before,
            }
        )
    if not ids:
        copy_dicts(conn, t.messages, rows)
        return []
    out: list[int] = []
    for piece in chunks(rows, size=2_000):
        result = conn.execute(
            sa.insert(t.messages).returning(t.messages.c.id, sort_by_parameter_order=True),
            list(piece),
        )
        out.extend(int(r[0]) for r in result)
    return out


def milestones(
    conn: Connection, plan: str, title: str, phase: str, *, at: int, made: int, agency: str
) -> list[int]:
    """Tell every partner of ``plan`` that it moved to ``phase`` (queued, or suppressed
    with the reason when a partner may not be contacted); the message ids.

    The text names the plan by its title and the phase, nothing about anybody.
    """
    p = t.plan_partners.c
    partners = list(
        conn.execute(
            sa.select(p.stakeholder).where(p.plan == plan).order_by(p.stakeholder)
        ).scalars()
    )
    words = phase.replace("_", " ")
    text = (
        f"{agency}: the plan {title[:60]!r} you are a partner in has moved to its {words} "
        "phase. Reply STOP to opt out."
    )
    drafts = [Draft(str(k), MessageKind.PLAN_MILESTONE, text, at, plan) for k in partners]
    return make(conn, drafts, made=made)
