"""The demo: a synthetic city, its ties, coverage, gaps and key-person risk.

Run ``python -m rbp.demo [--out DIR] [--size small] [--seed 7]``. It builds a
deterministic synthetic department into ``DIR/city.db`` (SQLite), then prints what
a program lead reads first and writes the reports and a diagram source into ``DIR``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import rbp
from rbp import synth
from rbp.interactions import FollowUpReason


def main(argv: list[str] | None = None) -> int:
    """Run the demo; returns the process exit code."""
    parser = argparse.ArgumentParser(prog="python -m rbp.demo", description=__doc__)
    parser.add_argument("--out", default="demo-out", help="folder for the database and reports")
    parser.add_argument("--size", default="small", choices=sorted(synth.SIZES))
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    db = out / "city.db"
    for leftover in (db, db.with_name("city.db-wal"), db.with_name("city.db-shm")):
        leftover.unlink(missing_ok=True)

    started = time.perf_counter()
    spec = synth.SIZES[args.size]
    end = spec["end"] if "end" in spec else synth.DEFAULT_END
    with rbp.open(db, tz="America/Chicago", actor="demo", clock=lambda: end) as crm:
        info = synth.city(crm, size=args.size, seed=args.seed)
        T = crm.now()
        took = time.perf_counter() - started
        _section(
            f"Synthetic city (seed {args.seed}, size {args.size}) built in {took:.1f} s into {db}"
        )
        print(crm.directory.summary())
        print(f"{'interactions':<28}{crm.interactions.count():>8}")

        ties = crm.interactions.ties(as_of=T)
        _section(f"Busiest ties as of {T:%Y-%m-%d} ({len(ties)} officer ties in all)")
        for tie in ties.top(8):
            print(
                f"  {tie.officer:<10} ~ {tie.stakeholder:<12} {tie.count:>4} contacts, "
                f"last {tie.last:%Y-%m-%d}, strength {tie.strength:6.2f}, {tie.status.value}"
            )

        follow = crm.interactions.follow_ups(as_of=T)
        busiest = max(
            set(f.officer for f in follow),
            key=lambda o: (sum(1 for f in follow if f.officer == o), o),
            default=None,
        )
        if busiest is not None:
            mine = [f for f in follow if f.officer == busiest]
            _section(f"Follow-up list of {busiest} ({len(mine)} items)")
            for f in mine[:10]:
                why = {
                    FollowUpReason.OVERDUE: "promised follow-up passed",
                    FollowUpReason.COOLING: "tie cooling",
                    FollowUpReason.DORMANT: "tie dormant",
                }[f.reason]
                print(
                    f"  {f.stakeholder:<12} {why:<26} last {f.last:%Y-%m-%d}  "
                    f"contact by {f.suggested:%Y-%m-%d}"
                )

        cov = crm.graph.coverage(as_of=T)
        _section("Coverage")
        print(cov)
        tree = crm.directory.areas()
        for root in tree.roots:
            for district in tree.children(root):
                c = cov.by_area[district]
                ratio = "—" if c.ratio is None else f"{100 * c.ratio:5.1f}%"
                print(f"  {district:<12} {ratio:>7} ({c.covered}/{c.total})")

        gaps = crm.graph.gaps(as_of=T)
        _section("Top gaps")
        print(gaps)

        risk = crm.graph.key_person_risk(as_of=T)
        _section("Key-person risk")
        share = "—" if risk.ratio is None else f"{100 * risk.ratio:.1f}%"
        print(
            f"  {len(risk.single_threaded)} of {risk.covered} covered stakeholders ({share}) "
            "are held by a single officer"
        )
        if risk.sole_held:
            officer = next(iter(risk.sole_held))
            impact = crm.graph.simulate_departure(officer, as_of=T)
            _section(
                f"If {officer} transfers (holds {len(risk.sole_held[officer])} relationships alone)"
            )
            print(impact)

        for name, report in (("coverage", cov), ("gaps", gaps), ("key-person", risk)):
            path = out / f"{name}.html"
            path.write_text(
                f"<html><meta charset='utf-8'><body>{report._repr_html_()}</body></html>",
                encoding="utf-8",
            )
        cov.to_frame().to_csv(out / "coverage.csv", index=False)
        _section("Written")
        print(f"  {out}/city.db, coverage.html, gaps.html, key-person.html, coverage.csv")
        print(f"  synthetic city: {info}")
    return 0


def _section(title: str) -> None:
    print()
    print(title)
    print("-" * len(title))


if __name__ == "__main__":
    sys.exit(main())
