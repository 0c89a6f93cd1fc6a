"""Interactions (``crm.interactions``): the contact log and the ties computed from it."""

from __future__ import annotations

from rbp.interactions._service import Interactions

__all__ = ["Interactions"]
