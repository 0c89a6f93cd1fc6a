"""Collaborative action plans (``crm.plans``)."""

from __future__ import annotations

from rbp.plans._service import Plans

__all__ = ["Plans"]
