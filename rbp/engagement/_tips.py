"""Anonymous tips: a receipt code shown once, kept only as a salted slow hash.

A tip is a row of ``concerns`` with no reporter. Its receipt code is the tip's key
and a random secret ("T-000001-7QKD-M3XP-RC9F-2HWN"); the store keeps the key (a
reference, as for any concern) and scrypt of the secret with a random salt, never the
secret or the code. Nothing about the tipster is stored: no stakeholder, address,
contact or network data.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import TYPE_CHECKING, Any

import pendulum
import sqlalchemy as sa

from rbp import _args
from rbp import _schema as t
from rbp._time import from_micros, to_micros
from rbp.engagement._concern_reads import insert_concern
from rbp.engagement._records import Receipt, TipNote, TipStatus
from rbp.errors import UnknownKeyError, ValidationError
from rbp.model._engagement import MAX_COMMENT, ConcernStatus, Tip

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from rbp._unit import UnitOfWork

__all__ = ["TipDesk", "code_hash"]

_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"  # no 0/O, 1/I/L, U: easy to read out
_GROUPS = 4
_GROUP = 4
_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}


def code_hash(secret: str, salt: bytes) -> str:
    """scrypt of a receipt's secret with ``salt``, as hex."""
    digest = hashlib.scrypt(secret.encode("ascii"), salt=salt, **_SCRYPT)
    return digest.hex()


def _refused() -> UnknownKeyError:
    # The same answer whatever was wrong, and never the code itself.
    return UnknownKeyError("no tip has that receipt code; check it and try again", field="code")


class TipDesk:
    """Tips: ``tip`` takes one in, ``tip_status`` and ``tip_reply`` serve its tipster."""

    _uow: UnitOfWork

    def tip(self, tip: Tip) -> Receipt:
        """Take an anonymous tip; returns the receipt with its code, shown this once.

        Parameters
        ----------
        tip
            The :class:`~rbp.engagement.Tip`: area, category and text, nothing else.

        Returns
        -------
        Receipt
            ``key`` (the tip's reference) and ``code``, which the tipster keeps to read
            the tip's status and add to it; it cannot be shown again.

        Raises
        ------
        UnknownKeyError
            The area does not exist.
        StoreError
            The store was opened read-only.
        TypeError
            ``tip`` is not a Tip.

        Examples
        --------
        >>> import pendulum, rbp
        >>> from rbp.engagement import Tip
        >>> crm = rbp.open()
        >>> crm.directory.add(rbp.Area("b-1"))
        >>> receipt = crm.concerns.tip(Tip(at=pendulum.datetime(2026, 3, 2), area="b-1",
        ...                                category="drugs", text="Blue car, every night"))
        >>> receipt
        Receipt(key='T-000001')
        >>> crm.concerns.tip_status(receipt.code).status.value
        'received'
        """
        _args.instance(tip, Tip, "tip")
        secret = "-".join(
            "".join(secrets.choice(_ALPHABET) for _ in range(_GROUP)) for _ in range(_GROUPS)
        )
        salt = secrets.token_bytes(16)
        row = {
            "at": to_micros(tip.at),
            "area": tip.area,
            "category": tip.category,
            "text": tip.text,
            "reporter": None,
            "tip": True,
            "code_salt": salt.hex(),
            "code_hash": code_hash(secret, salt),
        }
        with self._uow.write() as conn:
            key = insert_concern(conn, row, "T", None)
            self._uow.record(conn, "tip", "concern", [key], {"category": tip.category})
        return Receipt(key, f"{key}-{secret}")

    def tip_status(self, code: str) -> TipStatus:
        """What a tipster may read with their code: the status and the public notes.

        Parameters
        ----------
        code
            The receipt code.

        Returns
        -------
        TipStatus
            ``key``, ``status`` and ``notes`` (the notes the department made public).

        Raises
        ------
        UnknownKeyError
            No tip has that code (the message never repeats it).
        TypeError
            ``code`` is not a str.

        Examples
        --------
        >>> from rbp.engagement import Tip
        >>> crm = rbp.open()
        >>> crm.directory.add(rbp.Area("b-1"))
        >>> t0 = pendulum.datetime(2026, 3, 2)
        >>> r = crm.concerns.tip(Tip(at=t0, area="b-1", category="drugs", text="..."))
        >>> crm.concerns.set_status(r.key, "acknowledged", note="Passed to the beat team",
        ...                         public=True, at=t0.add(days=1))
        >>> [n.text for n in crm.concerns.tip_status(r.code).notes]
        ['Passed to the beat team']
        >>> crm.concerns.tip_status("T-000001-AAAA-AAAA-AAAA-AAAA")
        Traceback (most recent call last):
        ...
        rbp.errors.UnknownKeyError: no tip has that receipt code; check it and try again
        """
        with self._uow.read() as conn:
            key = self._tip_key(conn, code)
            e = t.concern_events.c
            rows = conn.execute(
                sa.select(e.at, e.status, e.note, e.public)
                .where(e.concern == key)
                .order_by(e.at, e.id)
            ).all()
        status = ConcernStatus.RECEIVED
        notes = []
        tz = self._uow.tz
        for at, state, note, public in rows:
            if state is not None:
                status = ConcernStatus(state)
            if public and note:
                notes.append(TipNote(from_micros(at, tz), str(note)))
        return TipStatus(key=key, status=status, notes=tuple(notes))

    def tip_reply(self, code: str, text: str, *, at: pendulum.DateTime | None = None) -> None:
        """Add the tipster's further information to their tip.

        Parameters
        ----------
        code
            The receipt code.
        text
            What the tipster adds (kept with the tip, never sent anywhere).
        at
            When (aware); default now.

        Raises
        ------
        UnknownKeyError
            No tip has that code.
        ValidationError
            An empty or over-long text, or a naive ``at``.
        StoreError
            The store was opened read-only.
        TypeError
            An argument of the wrong type.

        Examples
        --------
        >>> from rbp.engagement import Tip
        >>> crm = rbp.open()
        >>> crm.directory.add(rbp.Area("b-1"))
        >>> t0 = pendulum.datetime(2026, 3, 2)
        >>> r = crm.concerns.tip(Tip(at=t0, area="b-1", category="drugs", text="..."))
        >>> crm.concerns.tip_reply(r.code, "It was a Ford", at=t0.add(days=2))
        >>> [e.kind for e in crm.concerns.get(r.key, as_of=t0.add(days=3)).history]
        ['status', 'reply']
        """
        words = _args.text(text, "text", MAX_COMMENT)
        if not words.strip():
            raise ValidationError("text is empty; say what you want to add", field="text")
        when = to_micros(self._uow.now() if at is None else _args.time(at, "at"))
        with self._uow.write() as conn:
            key = self._tip_key(conn, code)
            c = t.concerns.c
            reported = conn.execute(sa.select(c.at).where(c.key == key)).scalar_one()
            if when < reported:
                raise ValidationError("the reply is dated before the tip", field="at")
            conn.execute(
                sa.insert(t.concern_events).values(concern=key, at=when, kind="reply", note=words)
            )
            self._uow.record(conn, "tip_reply", "concern", [key])

    def _tip_key(self, conn: Connection, code: Any) -> str:
        if not isinstance(code, str):
            raise TypeError(f"code must be a str, got {type(code).__name__}")
        parts = code.strip().upper().split("-")
        if len(parts) <= _GROUPS or len(code) > 300 or not code.isprintable():
            raise _refused()
        key = "-".join(parts[:-_GROUPS])
        secret = "-".join(parts[-_GROUPS:])
        if not secret.isascii():
            raise _refused()
        c = t.concerns.c
        row = conn.execute(
            sa.select(c.key, c.code_salt, c.code_hash).where(c.key == key, c.tip.is_(True))
        ).first()
        if row is None or row[1] is None:
            raise _refused()
        if not hmac.compare_digest(code_hash(secret, bytes.fromhex(row[1])), str(row[2])):
            raise _refused()
        return str(row[0])
