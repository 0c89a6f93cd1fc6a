"""The monthly pack for a program lead: the one-page brief to read first, the full
report, and one page per report, as standalone HTML files (diagrams inlined as SVG
when Graphviz is installed).

Run it: ``python examples/program_lead_pack.py [FOLDER]`` (default: a new temporary
folder). The pages hold keys and counts only, never names or contact details.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import rbp
from rbp import synth
from rbp.report import brief, busiest_beat, write_report


def main(argv: list[str]) -> None:
    out = Path(argv[0]) if argv else Path(tempfile.mkdtemp(prefix="rbp-pack-"))
    out.mkdir(parents=True, exist_ok=True)
    with rbp.open(tz="America/Chicago", actor="program-lead") as crm:
        info = synth.city(crm, size="toy", seed=3)
        as_of = info.end
        month = f"{as_of:%Y-%m}"
        cov = crm.graph.coverage(as_of=as_of)
        risk = crm.graph.key_person_risk(as_of=as_of)
        beat = busiest_beat(crm, cov)
        network = [crm.graph.diagram(as_of=as_of, area=beat)] if beat else None
        written = [
            brief(crm, as_of=as_of).to_html(out / f"brief-{month}.html"),
            write_report(crm, out / f"report-{month}.html", as_of=as_of),
            cov.to_html(out / f"coverage-{month}.html", diagrams=network),
            crm.graph.gaps(as_of=as_of).to_html(out / f"gaps-{month}.html"),
            risk.to_html(out / f"key-person-{month}.html"),
        ]
        if risk.sole_held:
            officer = max(risk.sole_held, key=lambda o: (len(risk.sole_held[o]), o))
            impact = crm.graph.simulate_departure(officer, as_of=as_of)
            written.append(impact.to_html(out / f"departure-{officer}-{month}.html"))
        written.append(
            crm.graph.partner_ties(as_of=as_of).to_html(
                out / f"partner-ties-{month}.html", as_of=as_of
            )
        )
    print(f"monthly pack for {month} in {out}:")
    for path in written:
        print(f"  wrote {path.name} ({path.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main(sys.argv[1:])
