"""The public transparency report of a period, written as files (``rbp transparency``)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pendulum

if TYPE_CHECKING:
    from rbp.store import Store

__all__ = ["write_transparency"]


def write_transparency(
    crm: Store,
    directory: str | Path,
    *,
    start: pendulum.DateTime,
    end: pendulum.DateTime | None = None,
    min_n: int = 5,
) -> list[Path]:
    """Write the public transparency report of a period in all three forms.

    ``transparency.html`` (the page), ``transparency.json`` (for open-data portals,
    schema :data:`rbp.accountability.SCHEMA`) and ``csv/<table>.csv`` (one file per
    table) in ``directory``; see
    :meth:`rbp.accountability.Accountability.transparency_report`.

    Parameters
    ----------
    crm
        The store.
    directory
        The folder to write into (made when missing).
    start
        The first instant of the period (aware).
    end
        The last instant; default now by the store's clock.
    min_n
        The smallest count shown (default 5).

    Returns
    -------
    list of Path
        The files written: the page, the JSON file, then the CSV files.

    Raises
    ------
    ValidationError
        ``end`` is before ``start``, or ``min_n`` is out of range.
    NaiveDatetimeError
        A time without a time zone.

    Examples
    --------
    >>> import tempfile
    >>> written = write_transparency(crm, tempfile.mkdtemp(), start=T.subtract(months=3), end=T)
    >>> [p.name for p in written][:3]
    ['transparency.html', 'transparency.json', 'engagement.csv']
    """
    report = crm.accountability.transparency_report(start=start, end=end, min_n=min_n)
    out = Path(directory)
    return [
        report.to_html(out / "transparency.html"),
        report.to_json(out / "transparency.json"),
        *report.to_csv(out / "csv"),
    ]
