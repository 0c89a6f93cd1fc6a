"""The community's voice (``crm.feedback``, ``crm.concerns``, ``crm.outbox``).

Post-contact surveys with CPSS and the procedural-justice index, kudos for officers,
concerns with a status the reporter is told about, anonymous tips with a receipt
code, and the outbox every automatic message goes through with consent checked.
"""

from __future__ import annotations

from rbp.engagement._concerns import Concerns
from rbp.engagement._feedback import Feedback
from rbp.engagement._outbox import Outbox
from rbp.engagement._records import (
    ConcernEvent,
    ConcernRecord,
    Kudos,
    Message,
    OverdueConcern,
    Receipt,
    Satisfaction,
    Score,
    TipNote,
    TipStatus,
    TrendPoint,
)
from rbp.model._engagement import (
    CONCERN_TRANSITIONS,
    Channel,
    Concern,
    ConcernStatus,
    MessageKind,
    MessageStatus,
    Response,
    ScoreBy,
    ServiceLevel,
    Tip,
)

__all__ = [
    "CONCERN_TRANSITIONS",
    "Channel",
    "Concern",
    "ConcernEvent",
    "ConcernRecord",
    "ConcernStatus",
    "Concerns",
    "Feedback",
    "Kudos",
    "Message",
    "MessageKind",
    "MessageStatus",
    "Outbox",
    "OverdueConcern",
    "Receipt",
    "Response",
    "Satisfaction",
    "Score",
    "ScoreBy",
    "ServiceLevel",
    "Tip",
    "TipNote",
    "TipStatus",
    "TrendPoint",
]

# Users import these from ``rbp.engagement``: reprs and docs show that path.
for _cls in (Concerns, Feedback, Outbox):
    _cls.__module__ = __name__
