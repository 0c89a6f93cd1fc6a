"""What an import did: :class:`ImportReport`."""

from __future__ import annotations

from typing import Any

import attrs

from rbp._render import Renderable, Report, Table

__all__ = ["ImportReport"]


@attrs.frozen(kw_only=True, repr=False)
class ImportReport(Renderable):
    """What one import read and wrote.

    Attributes
    ----------
    kind : str
        What the file held (``"members"``, ``"interactions"``, ...).
    rows : int
        Data rows read (blank lines not counted; the header is not a row).
    added : int
        Records written: interactions, stakeholders, areas or relationships (0 in a
        dry run). In long form several rows make one interaction.
    records : int
        Records the rows make (what a dry run would add).
    dry_run : bool
        Whether the import only validated.
    source : str
        The file's name, or ``"frame"``.

    Examples
    --------
    >>> import pandas as pd, rbp, rbp.io
    >>> crm = rbp.open()
    >>> df = pd.DataFrame({"ID": ["b-1", "b-2"], "Name": ["Beat 1", "Beat 2"]})
    >>> report = rbp.io.import_frame(crm, df, "areas", columns={"key": "ID", "name": "Name"})
    >>> report
    ImportReport(kind='areas', rows=2, added=2, dry_run=False)
    >>> report.added == len(crm.directory.areas())
    True
    """

    kind: str
    rows: int
    added: int
    dry_run: bool
    records: int = 0
    source: str = ""

    def __repr__(self) -> str:
        return (
            f"ImportReport(kind={self.kind!r}, rows={self.rows}, added={self.added}, "
            f"dry_run={self.dry_run})"
        )

    def _report(self) -> Report:
        verb = "would add" if self.dry_run else "added"
        n = self.records if self.dry_run else self.added
        rows: list[dict[str, Any]] = [
            {"what": "source", "value": self.source},
            {"what": "kind", "value": self.kind},
            {"what": "rows read", "value": self.rows},
            {"what": "records " + verb, "value": n},
            {"what": "dry run", "value": self.dry_run},
        ]
        summary = f"{self.rows} row(s) of {self.kind}: {verb} {n}"
        return Report(
            "Import",
            summary=summary + (" (dry run: nothing written)" if self.dry_run else ""),
            tables=(Table("Import", ("what", "value"), rows),),
        )


ImportReport.__module__ = "rbp.io"
