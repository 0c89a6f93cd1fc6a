"""Interactions (``crm.interactions``): the contact log and the ties computed from it."""

from __future__ import annotations

from rbp._queries.ties import StrengthPart, Tie, TieExplanation, TieSet, status_of
from rbp.interactions._service import Interactions
from rbp.model._interactions import (
    FollowUp,
    FollowUpReason,
    Interaction,
    InteractionKind,
    TieStatus,
)

__all__ = [
    "FollowUp",
    "FollowUpReason",
    "Interaction",
    "InteractionKind",
    "Interactions",
    "StrengthPart",
    "Tie",
    "TieExplanation",
    "TieSet",
    "TieStatus",
    "status_of",
]

# Users import these from ``rbp.interactions``: reprs and docs show that path.
for _cls in (Interactions, StrengthPart, Tie, TieExplanation, TieSet):
    _cls.__module__ = __name__
