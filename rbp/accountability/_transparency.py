"""The public transparency report: aggregates of a period, small counts suppressed,
as pandas tables, a page, CSV files and JSON for open-data portals."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import pendulum

from rbp._render import Renderable, Report, Table
from rbp.accountability._public_data import Counts, Gathered
from rbp.accountability._suppress import suppress

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["SCHEMA", "TransparencyReport", "build"]

SCHEMA = "rbp-transparency/1"
"""The ``schema`` field of the JSON file.

The JSON file is one object::

    {"schema": "rbp-transparency/1",
     "agency": str, "start": "YYYY-MM-DD", "end": "YYYY-MM-DD", "min_n": int,
     "tables": {name: {"title": str, "index": str, "columns": [str, ...],
                       "rows": [{"label": str, "values": [number | str | null, ...]}]}}}

``null`` is a suppressed count (or a score or median from fewer than ``min_n``); the
row labelled ``"total"`` and the column named ``"total"`` are totals.
"""

_TITLES = {
    "engagement": "Interactions by district and month",
    "coverage": "Community members and partners in regular contact, by district",
    "concerns": "Concerns and tips by district and category",
    "concern_days": "Median days to acknowledge and resolve a concern, by category",
    "cpss": "Community satisfaction (CPSS) and procedural justice (PJ) by district",
    "policies": "Policies in force",
    "training": "Officers current on policies and training, by district",
    "plans": "Action plans by district and phase",
}


def _grid(counts: Counts, min_n: int) -> pd.DataFrame:
    import pandas as pd

    grid = suppress(counts.counts, min_n=min_n, width=len(counts.columns))
    return pd.DataFrame(
        grid.shown(),
        index=[*counts.rows, "total"],
        columns=[*counts.columns, "total"],
        dtype="Int64",
    )


def build(
    g: Gathered, *, start: pendulum.DateTime, end: pendulum.DateTime, min_n: int, agency: str
) -> TransparencyReport:
    """Suppress and assemble the report from what was gathered."""
    import pandas as pd

    tables: dict[str, pd.DataFrame] = {
        "engagement": _grid(g.engagement, min_n),
        "coverage": _grid(g.coverage, min_n),
        "concerns": _grid(g.concerns, min_n),
    }
    days = pd.DataFrame(
        g.concern_days, columns=["category", "median days to acknowledge", "median days to resolve"]
    ).set_index("category")
    tables["concern_days"] = days.astype("Float64")
    # One column: its total column repeats it, so it is left out (nothing is lost).
    cpss = _grid(g.responses, min_n).drop(columns="total")
    labels = list(cpss.index)

    def score(label: str, which: int) -> float | None:
        got = g.scores.get(label)
        if got is None:
            return None
        n, value = (got[0], got[1]) if which == 0 else (got[2], got[3])
        return None if value is None or n < min_n else round(value, 1)

    cpss["cpss"] = pd.array([score(d, 0) for d in labels], dtype="Float64")
    cpss["pj"] = pd.array([score(d, 1) for d in labels], dtype="Float64")
    tables["cpss"] = cpss
    tables["policies"] = pd.DataFrame(
        g.policies, columns=["policy", "title", "version", "effective", "url"]
    ).set_index("policy")
    tables["training"] = _grid(g.training, min_n)
    tables["plans"] = _grid(g.plans, min_n)
    for name, frame in tables.items():
        frame.index.name = (
            "category"
            if name == "concern_days"
            else ("policy" if name == "policies" else "district")
        )
    return TransparencyReport(start=start, end=end, min_n=min_n, agency=agency, tables=tables)


def _csv_cell(value: Any) -> Any:
    """A cell a spreadsheet shows as text, never runs (formula injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _plain(value: Any) -> Any:
    import pandas as pd

    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


@attrs.frozen(kw_only=True, repr=False, eq=False)
class TransparencyReport(Renderable):
    """A public page of aggregates for a period, safe to publish.

    Made by :meth:`rbp.accountability.Accountability.transparency_report`. ``tables``
    maps each name ("engagement", "coverage", "concerns", "concern_days", "cpss",
    "policies", "training", "plans") to a DataFrame; count tables have a ``"total"``
    row and column, and a suppressed count is missing (``pd.NA``).

    Examples
    --------
    >>> r = crm.accountability.transparency_report(start=T.subtract(months=3), end=T)
    >>> sorted(r.tables)[:3]
    ['concern_days', 'concerns', 'coverage']
    >>> bool(r.tables["engagement"].loc["total", "total"] > 0)
    True
    """

    start: pendulum.DateTime
    end: pendulum.DateTime
    min_n: int
    agency: str
    tables: dict[str, pd.DataFrame]

    def _report(self) -> Report:
        parts = []
        for name, frame in self.tables.items():
            index = str(frame.index.name or "")
            columns = (index, *(str(c) for c in frame.columns))
            rows = [
                {
                    index: str(label),
                    **{str(c): _plain(v) for c, v in zip(frame.columns, values, strict=True)},
                }
                for label, values in zip(frame.index, frame.itertuples(index=False), strict=True)
            ]
            parts.append(Table(_TITLES[name], columns, rows))
        return Report(
            f"{self.agency}: transparency report",
            as_of=self.end,
            summary=(
                f"{self.start.to_date_string()} to {self.end.to_date_string()}. Counts from 1 "
                f"to {self.min_n - 1} are not shown (—), and neither are enough other cells "
                "that no hidden count can be worked out from the totals."
            ),
            tables=tuple(parts),
            notes=(
                "Districts count what happened in their areas; a record in two districts "
                "counts in each, and the total row adds the districts up (the scores and "
                "medians of the total row are over every response or concern, once each).",
                "No names, contact details, free text or keys of community members appear "
                "in this report.",
            ),
        )

    def to_csv(self, directory: str | Path) -> list[Path]:
        """Write one CSV file per table (``engagement.csv``, ...), UTF-8.

        Parameters
        ----------
        directory
            The folder (made when missing).

        Returns
        -------
        list of Path
            The files written.

        Examples
        --------
        >>> import tempfile
        >>> r = crm.accountability.transparency_report(start=T.subtract(months=1), end=T)
        >>> [p.name for p in r.to_csv(tempfile.mkdtemp())][:2]
        ['engagement.csv', 'coverage.csv']
        """
        out = Path(directory)
        out.mkdir(parents=True, exist_ok=True)
        written = []
        for name, frame in self.tables.items():
            path = out / f"{name}.csv"
            safe = frame.copy()
            safe.index = [_csv_cell(str(i)) for i in safe.index]
            safe.index.name = frame.index.name
            safe.columns = [_csv_cell(str(c)) for c in safe.columns]
            safe = safe.map(_csv_cell)
            safe.to_csv(path, encoding="utf-8")
            written.append(path)
        return written

    def to_dict(self) -> dict[str, Any]:
        """The report as the JSON file holds it (see :data:`SCHEMA`).

        Returns
        -------
        dict
            Plain data: str, int, float and None only.

        Examples
        --------
        >>> r = crm.accountability.transparency_report(start=T.subtract(months=1), end=T)
        >>> d = r.to_dict()
        >>> d["schema"], d["min_n"], d["tables"]["coverage"]["columns"]
        ('rbp-transparency/1', 5, ['covered', 'not covered', 'total'])
        """
        return {
            "schema": SCHEMA,
            "agency": self.agency,
            "start": self.start.to_date_string(),
            "end": self.end.to_date_string(),
            "min_n": self.min_n,
            "tables": {
                name: {
                    "title": _TITLES[name],
                    "index": str(frame.index.name or ""),
                    "columns": [str(c) for c in frame.columns],
                    "rows": [
                        {"label": str(label), "values": [_plain(v) for v in values]}
                        for label, values in zip(
                            frame.index, frame.itertuples(index=False), strict=True
                        )
                    ],
                }
                for name, frame in self.tables.items()
            },
        }

    def to_json(self, path: str | Path) -> Path:
        """Write the report as JSON for an open-data portal (see :data:`SCHEMA`).

        Parameters
        ----------
        path
            The file to write (parent folders are made).

        Returns
        -------
        Path
            ``path``.

        Examples
        --------
        >>> import json, os, tempfile
        >>> r = crm.accountability.transparency_report(start=T.subtract(months=1), end=T)
        >>> path = r.to_json(os.path.join(tempfile.mkdtemp(), "report.json"))
        >>> json.loads(path.read_text())["schema"]
        'rbp-transparency/1'
        """
        out = Path(path)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(self.to_dict(), indent=1, ensure_ascii=False), encoding="utf-8")
        return out
