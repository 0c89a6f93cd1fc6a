"""The community's voice (``crm.feedback``, ``crm.concerns``, ``crm.outbox``).

Post-contact surveys with CPSS and the procedural-justice index, kudos for officers,
concerns with a status the reporter is told about, anonymous tips with a receipt
code, and the outbox every automatic message goes through with consent checked.
"""

from __future__ import annotations

from rbp.engagement._concerns import Concerns
from rbp.engagement._delivery import DeliveryReport, Sender
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
from rbp.engagement._senders import SmtpSender, WebhookSender
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
from rbp.model._messages import Keyword

__all__ = [
    "CONCERN_TRANSITIONS",
    "Channel",
    "Concern",
    "ConcernEvent",
    "ConcernRecord",
    "ConcernStatus",
    "Concerns",
    "DeliveryReport",
    "Feedback",
    "Keyword",
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
    "Sender",
    "ServiceLevel",
    "SmtpSender",
    "Tip",
    "TipNote",
    "TipStatus",
    "TrendPoint",
    "WebhookSender",
]

# Users import these from ``rbp.engagement``: reprs and docs show that path.
for _cls in (Concerns, DeliveryReport, Feedback, Outbox, Sender, SmtpSender, WebhookSender):
    _cls.__module__ = __name__
