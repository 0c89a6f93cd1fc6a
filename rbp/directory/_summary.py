"""Directory summary: counts a program lead reads first."""

from __future__ import annotations

from typing import Any

import attrs

from rbp._render import Renderable, Report, Table
from rbp.model import Sector

__all__ = ["DirectorySummary"]


@attrs.frozen(kw_only=True, repr=False)
class DirectorySummary(Renderable):
    """How many areas, officers, members, agencies and relationships a store holds.

    ``by_sector`` counts members and agencies by sector, largest first. Renders as a
    table (``print``, ``to_frame()``, ``to_html()``).

    Examples
    --------
    >>> s = crm.directory.summary()
    >>> s.relationships, next(iter(s.by_sector.items()))
    (36, (<Sector.RESIDENT: 'resident'>, 89))
    """

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

    def _report(self) -> Report:
        """The counts as one table (``to_frame()``: what, count)."""
        return Report("Directory", tables=(Table("Directory", ("what", "count"), self._rows()),))
