"""Pages a program lead reads: the one-page brief and the full report.

:func:`brief` is the page to read first: headline figures with their change since a
quarter before and a good / watch / act judgement (:data:`THRESHOLDS`), the coverage
heat-map, the most urgent gaps in plain sentences (:data:`URGENCY`), who we would
lose, and the plans that need attention, with the reports behind them as details.
:func:`write_report` writes the full report: coverage, gaps, key-person risk, the
departure of the officer who holds the most relationships alone, and the network
diagram of the busiest beat. :func:`write_transparency` writes the public transparency
report of a period as a page, JSON and CSV files. All hold keys, names of areas and
counts only, never a person's name, contact details or notes, and every text in them
is escaped.
"""

from __future__ import annotations

from rbp.report._brief import Brief, brief
from rbp.report._full import busiest_beat, write_report
from rbp.report._judge import THRESHOLDS, Headline, Threshold
from rbp.report._public import write_transparency
from rbp.report._urgent import URGENCY, Urgent

__all__ = [
    "THRESHOLDS",
    "URGENCY",
    "Brief",
    "Headline",
    "Threshold",
    "Urgent",
    "brief",
    "busiest_beat",
    "write_report",
    "write_transparency",
]

# Users import these from ``rbp.report``: reprs and docs show that path.
for _cls in (Brief, Headline, Threshold, Urgent):
    _cls.__module__ = __name__
