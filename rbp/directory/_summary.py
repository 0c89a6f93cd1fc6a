"""Directory summary: counts a program lead reads first."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs

from rbp._frames import frame, html_table
from rbp.model import Sector

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["DirectorySummary"]


@attrs.frozen(kw_only=True)
class DirectorySummary:
    """How many areas, officers, members, agencies and relationships a store holds."""

    areas: int
    officers: int
    members: int
    agencies: int
    relationships: int
    by_sector: dict[Sector, int]

    def _rows(self) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = [
            {"what": "areas", "count": self.areas},
            {"what": "officers", "count": self.officers},
            {"what": "community members", "count": self.members},
            {"what": "partner agencies", "count": self.agencies},
            {"what": "declared relationships", "count": self.relationships},
        ]
        rows += [{"what": f"sector: {s.value}", "count": n} for s, n in self.by_sector.items()]
        return rows

    def to_frame(self) -> pd.DataFrame:
        """The counts as a two-column frame (what, count)."""
        return frame(self._rows(), ["what", "count"])

    def _repr_html_(self) -> str:
        return html_table(self._rows(), ["what", "count"], title="Directory")

    def __str__(self) -> str:
        return "\n".join(f"{r['what']:<28}{r['count']:>8}" for r in self._rows())
