"""Graph and metrics (``crm.graph``): coverage, gaps, key-person risk, network measures."""

from __future__ import annotations

from rbp.graph._service import Graph

__all__ = ["Graph"]
