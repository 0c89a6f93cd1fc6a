"""The demo: a synthetic city, its ties, coverage, gaps and key-person risk.

Run ``python -m rbp.demo [--out DIR] [--size small] [--seed 7]``. It builds a
deterministic synthetic department into ``DIR/city.db`` (SQLite), then prints what
a program lead reads first and writes the reports and a diagram source into ``DIR``.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

import pendulum

import rbp
from rbp import synth
from rbp.accountability import Course, Policy
from rbp.interactions import FollowUpReason, Interaction, InteractionKind
from rbp.plans import ActionPlan, PartnerRole, Phase, Task, TaskStatus
from rbp.report import write_report


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
    with rbp.open(db, tz="America/Chicago", actor="demo") as crm:
        info = synth.city(crm, size=args.size, seed=args.seed)
        as_of = info.end
        took = time.perf_counter() - started
        _section(
            f"Synthetic city (seed {args.seed}, size {args.size}) built in {took:.1f} s into {db}"
        )
        print(crm.directory.summary())
        print(f"{'interactions':<28}{crm.interactions.count():>8}")

        ties = crm.interactions.ties(as_of=as_of)
        _section(f"Busiest ties as of {as_of:%Y-%m-%d} ({len(ties)} officer ties in all)")
        for tie in ties.top(8):
            print(
                f"  {tie.officer:<10} ~ {tie.stakeholder:<12} {tie.count:>4} contacts, "
                f"last {tie.last:%Y-%m-%d}, strength {tie.strength:6.2f}, {tie.status.value}"
            )

        follow = crm.interactions.follow_ups(as_of=as_of)
        busiest = max(
            {f.officer for f in follow},
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

        cov = crm.graph.coverage(as_of=as_of)
        _section("Coverage")
        print(cov)
        tree = crm.directory.areas()
        for root in tree.roots:
            for district in tree.children(root):
                c = cov.by_area[district]
                ratio = "—" if c.ratio is None else f"{100 * c.ratio:5.1f}%"
                print(f"  {district:<12} {ratio:>7} ({c.covered}/{c.total})")

        gaps = crm.graph.gaps(as_of=as_of)
        _section("Top gaps")
        print(gaps)

        risk = crm.graph.key_person_risk(as_of=as_of)
        _section("Key-person risk")
        share = "—" if risk.ratio is None else f"{100 * risk.ratio:.1f}%"
        print(
            f"  {len(risk.single_threaded)} of {risk.covered} covered stakeholders ({share}) "
            "are held by a single officer"
        )
        if risk.sole_held:
            officer = next(iter(risk.sole_held))
            impact = crm.graph.simulate_departure(officer, as_of=as_of)
            _section(
                f"If {officer} transfers (holds {len(risk.sole_held[officer])} relationships alone)"
            )
            print(impact)

        _plan(crm, info, as_of)
        _section("Action plans")
        for status in crm.plans.statuses(as_of=as_of):
            progress = "—" if status.progress is None else f"{100 * status.progress:.0f}%"
            print(
                f"  {status.plan} ({status.phase.value}, {status.days_in_phase:.0f} days in "
                f"phase): {progress} of tasks done"
            )
            for task in status.overdue:
                print(f"    overdue: {task.task} (owner {task.owner}, due {task.due:%Y-%m-%d})")
            for partner in status.unengaged:
                print(f"    partner not engaged in 90 days: {partner}")
            for sector in status.missing_sectors:
                print(f"    needed sector with no partner: {sector.value}")
        print(crm.plans.portfolio(as_of=as_of).to_string(index=False))

        for name, report in (("coverage", cov), ("gaps", gaps), ("key-person", risk)):
            report.to_html(out / f"{name}.html")
        cov.to_frame().to_csv(out / "coverage.csv", index=False)
        written = ["city.db", "coverage.html", "gaps.html", "key-person.html", "coverage.csv"]
        beat = max(info.beats, key=lambda b: (cov.by_area[b].total, b))
        busiest_officer = max(ties.officers, key=lambda o: (ties.officers.count(o), o))
        diagrams = {
            f"network-{beat}": crm.graph.diagram(as_of=as_of, area=beat),
            "network-department": crm.graph.diagram(as_of=as_of),
            f"ego-{busiest_officer}": crm.graph.ego_diagram(busiest_officer, as_of=as_of),
            "coverage-matrix": crm.graph.matrix_diagram(as_of=as_of),
            "key-person": crm.graph.keyperson_diagram(as_of=as_of),
            "plan-outreach": crm.graph.plan_diagram("plan-outreach", as_of=as_of),
        }
        for name, diagram in diagrams.items():
            (out / f"{name}.gv").write_text(diagram.source, encoding="utf-8")
            written.append(f"{name}.gv")
            if shutil.which("dot"):
                diagram.render(out / name, format="svg", cleanup=True)
                written.append(f"{name}.svg")
        write_report(crm, out / "report.html", as_of=as_of)
        written.append("report.html")
        written += _accountability(crm, as_of, out)
        _section("Written")
        print(f"  into {out.resolve()}:")
        print("  " + ", ".join(written))
        if not shutil.which("dot"):
            print(
                "  (Graphviz is not installed, so the diagrams are DOT sources only: "
                "apt-get install graphviz, or run make demo as root)"
            )
        _section("The synthetic city")
        print(info)
    return 0


def _accountability(crm: rbp.Store, as_of: pendulum.DateTime, out: Path) -> list[str]:
    """Two policies and two required courses, most officers current; the transparency
    report and the accreditation pack of the last six months."""
    year = as_of.subtract(years=1)
    for key, title in (
        ("use-of-force", "Use of force"),
        ("duty-to-intervene", "Duty to intervene"),
    ):
        crm.accountability.publish(
            Policy(
                key,
                title=title,
                version=f"{year.year}.1",
                effective=year,
                url=f"https://agency.example/policies/{key}",
            )
        )
    for key, title in (
        ("de-escalation", "De-escalation"),
        ("procedural-justice", "Procedural justice"),
    ):
        crm.accountability.require(Course(key, title=title, every=pendulum.duration(days=365)))
    officers = [o.key for o in crm.directory.find(kind="officer", as_of=as_of)]
    for n, officer in enumerate(officers):
        if n % 7:  # one officer in seven has not acknowledged
            for key in ("use-of-force", "duty-to-intervene"):
                crm.accountability.acknowledge(officer, key, at=year.add(days=n % 20))
        if n % 5:  # one in five let de-escalation lapse
            crm.accountability.record_training(
                officer, "de-escalation", at=as_of.subtract(days=30 + (n * 37) % 300)
            )
        crm.accountability.record_training(
            officer, "procedural-justice", at=as_of.subtract(days=(n * 53) % 330)
        )
    currency = crm.accountability.currency(as_of=as_of)
    _section(f"Policy and training currency as of {as_of:%Y-%m-%d}")
    print(f"  {currency.current} of {currency.total} officers current")
    start = as_of.subtract(months=6)
    public = crm.accountability.transparency_report(start=start, end=as_of)
    public.to_html(out / "transparency.html")
    public.to_json(out / "transparency.json")
    public.to_csv(out / "transparency")
    crm.accountability.accreditation_pack(start=start, end=as_of).to_html(
        out / "accreditation.html"
    )
    return ["transparency.html", "transparency.json", "transparency/*.csv", "accreditation.html"]


def _plan(crm: rbp.Store, info: synth.CityInfo, as_of: pendulum.DateTime) -> None:
    """A homeless-outreach plan in the city's first district, worked for four months."""
    district = info.districts[0]
    start = as_of.subtract(months=4)

    def first(sector: str) -> str:
        found = crm.directory.find(kind="agency", sector=sector) or crm.directory.find(
            sector=sector
        )
        key: str = found[0].key
        return key

    housing, health, faith = first("housing"), first("mental_health"), first("faith")
    officer = crm.directory.find(kind="officer", area=district, as_of=as_of)[0].key
    crm.plans.create(
        ActionPlan(
            "plan-outreach",
            title="Creek-side encampment outreach",
            problem="Repeat calls about an encampment along the creek path",
            areas=(district,),
            needed_sectors=("housing", "mental_health", "social_services", "faith"),
        ),
        at=start,
    )
    for key, role in (
        (officer, PartnerRole.LEAD),
        (housing, PartnerRole.PARTNER),
        (health, PartnerRole.PARTNER),
        (faith, PartnerRole.COMMUNITY_LEADER),
    ):
        crm.plans.add_partner("plan-outreach", key, role, at=start)
    crm.plans.advance(
        "plan-outreach", Phase.ANALYSIS, note="counted 14 people", at=start.add(days=10)
    )
    for task in (
        Task("census", title="Name-by-name census", owner=officer, due=start.add(days=20)),
        Task(
            "beds",
            title="Reserve shelter beds",
            owner=housing,
            due=start.add(days=45),
            depends_on=("census",),
        ),
        Task(
            "clinic",
            title="Weekly mobile clinic",
            owner=health,
            due=start.add(days=60),
            depends_on=("census",),
        ),
    ):
        crm.plans.add_task("plan-outreach", task, at=start.add(days=10))
    crm.plans.set_task_status("plan-outreach", "census", TaskStatus.DONE, at=start.add(days=18))
    crm.plans.advance(
        "plan-outreach", Phase.RESPONSE, note="beds and clinic", at=start.add(days=20)
    )
    crm.interactions.log_many(
        Interaction(
            at=start.add(days=d),
            kind=InteractionKind.JOINT_OUTREACH,
            participants=(officer, housing),
            areas=(district,),
            plan="plan-outreach",
        )
        for d in (15, 30, 100)
    )


def _section(title: str) -> None:
    print()
    print(title)
    print("-" * len(title))


if __name__ == "__main__":
    sys.exit(main())
