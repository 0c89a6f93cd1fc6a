"""The audit trail record: who changed what, and when."""

from __future__ import annotations

from typing import Any

import attrs
import pendulum

__all__ = ["AuditEntry"]


@attrs.frozen(kw_only=True)
class AuditEntry:
    """One write recorded by the store.

    ``action`` is what was done ("add", "update", "relate", "erase", "log", ...),
    ``entity`` what kind of record ("area", "stakeholder", "relationship", ...),
    ``key`` which record. ``detail`` holds no personal data.

    Examples
    --------
    >>> store = rbp.open(actor="sgt.ortiz")
    >>> store.directory.add(rbp.Officer("P1", name="A. Ruiz"))
    >>> entry = store.audit()[-1]
    >>> entry.actor, entry.action, entry.entity, entry.key
    ('sgt.ortiz', 'add', 'stakeholder', 'P1')
    """

    at: pendulum.DateTime
    actor: str | None
    action: str
    entity: str
    key: str | None
    detail: dict[str, Any] | None = None
