"""What an analyst does first with a small synthetic city: the ties frame, the
coverage matrix, a monthly coverage trend and the gaps.

Run it: ``python examples/analyst_walkthrough.py``.
"""

from __future__ import annotations

import pandas as pd

import rbp
from rbp import synth


def main() -> None:
    with rbp.open(tz="America/Chicago", actor="analyst") as crm:
        info = synth.city(crm, size="small", seed=7)
        as_of = info.end
        print(f"city: {info.officers} officers, {info.interactions} interactions")
        print(f"as of {as_of:%Y-%m-%d}")

        ties = crm.interactions.ties(as_of=as_of).to_frame()
        print(f"ties frame: {len(ties)} rows, columns {', '.join(ties.columns)}")
        by_status = ties.groupby("status").size().sort_index()
        print("ties by status: " + ", ".join(f"{s} {n}" for s, n in by_status.items()))

        cov = crm.graph.coverage(as_of=as_of)
        matrix = cov.matrix_frame()
        print(f"coverage matrix: {matrix.shape[0]} areas x {matrix.shape[1]} sectors")
        with pd.option_context("display.width", 120, "display.max_columns", 8):
            print(matrix.round(2).head(5))

        trend = crm.graph.trend(
            "coverage", start=as_of.subtract(months=5), end=as_of, every="month"
        )
        print("coverage trend:")
        for row in trend.itertuples():
            day = row.as_of.tz_convert("America/Chicago")
            print(f"  {day:%Y-%m-%d}  {100 * row.value:5.1f}%  ({row.covered}/{row.total})")

        gaps = crm.graph.gaps(as_of=as_of)
        print("gaps:")
        print(gaps.to_frame()[["gap", "count"]].to_string(index=False))


if __name__ == "__main__":
    main()
