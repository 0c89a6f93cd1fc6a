"""``rbp transparency``: the public transparency report of a period, as files."""

from __future__ import annotations

import argparse

import rbp
from rbp.cli._answers import as_of_arg

__all__ = ["transparency"]


def transparency(crm: rbp.Store, args: argparse.Namespace) -> None:
    """Write transparency.html, transparency.json and csv/*.csv into ``--out``; print
    each path written."""
    from rbp.report import write_transparency

    start = as_of_arg(args.start, crm.tz, "--from")
    end = as_of_arg(args.end, crm.tz, "--to")
    assert start is not None  # --from is required
    for path in write_transparency(
        crm, args.out, start=start.start_of("day"), end=end, min_n=args.min_n
    ):
        print(path)
