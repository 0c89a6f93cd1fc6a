"""Interactions (``crm.interactions``): the contact log and the ties computed from it."""

from __future__ import annotations

from rbp.interactions._model import (
    FollowUp,
    FollowUpReason,
    Interaction,
    InteractionKind,
    TieStatus,
)
from rbp.interactions._service import Interactions
from rbp.interactions._ties import StrengthPart, Tie, TieExplanation, TieSet, status_of

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
