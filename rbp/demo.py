"""The demo: a synthetic city, its ties, coverage, gaps and key-person risk.

Run ``python -m rbp.demo [--out DIR] [--size small] [--seed 7] [--docs DIR]``. It
builds a deterministic synthetic department into ``DIR/city.db`` (SQLite) with one
action plan, then prints what a program lead reads first and writes into ``DIR``
the brief (``brief.html``, and the brief of the busiest beat), the full report, each
report and each diagram on its own titled page, the DOT sources and SVGs. One
busiest beat (:func:`rbp.report.busiest_beat`) is used everywhere. ``--docs`` also
writes the pictures the README shows.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pendulum

import rbp
from rbp import Report, synth
from rbp._render import Renderable, count, number, percent
from rbp.accountability import Course, Policy
from rbp.interactions import FollowUpReason, Interaction, InteractionKind, TieSet
from rbp.plans import ActionPlan, PartnerRole, Phase, Task, TaskStatus
from rbp.report import brief, busiest_beat, write_report

CHROMIUM = ("/usr/bin/chromium", "chromium", "chromium-browser")
"""Where the demo looks for a headless browser to photograph the brief."""


def _voice(crm: rbp.Store, as_of: pendulum.DateTime) -> None:
    """CPSS overall and by district, the concerns and tips, and those overdue."""
    _section("The community's voice")
    sat = crm.feedback.cpss(as_of=as_of, by="area")
    tree = crm.directory.areas()

    def score(value: float | None) -> str:
        return "—" if value is None else f"{value:.0f}"

    print(
        f"  CPSS {score(sat.score)} from {count(sat.n, 'response')} in the last year, "
        f"PJ index {score(sat.pj)}"
    )
    for root in tree.roots:
        for district in tree.children(root):
            g = sat.groups.get(district)
            if g is not None:
                print(f"  {tree[district].name or district:<20} CPSS {score(g.score):>3} (n={g.n})")
    found = crm.concerns.find(as_of=as_of)
    tips = sum(1 for c in found if c.tip)
    late = crm.concerns.overdue(as_of=as_of)
    print(
        f"  {count(len(found) - tips, 'concern')} and {count(tips, 'anonymous tip')} "
        f"reported; {count(len(late), 'concern')} past their service level "
        f"({sum(1 for o in late if o.level == 3)} at level 3)"
    )


def main(argv: list[str] | None = None) -> int:
    """Run the demo; returns the process exit code."""
    parser = argparse.ArgumentParser(prog="python -m rbp.demo", description=__doc__)
    parser.add_argument("--out", default="demo-out", help="folder for the database and reports")
    parser.add_argument("--size", default="small", choices=sorted(synth.SIZES))
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--docs",
        help="also write the README's pictures into this folder: brief.png (a 1280 px "
        "screenshot, needs Chromium), network-district.png and coverage-matrix.png",
    )
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
        # The plan, policies and training first, so every answer below (gaps, the brief)
        # sees them.
        _plan(crm, info, as_of)
        _policies_and_training(crm, as_of)
        took = time.perf_counter() - started
        _section(
            f"Synthetic city (seed {args.seed}, size {args.size}) built in {took:.1f} s into {db}"
        )
        print(crm.directory.summary())
        print(f"{'interactions':<28}{crm.interactions.count():>8}")
        ties = crm.interactions.ties(as_of=as_of)
        _ties_and_follow_ups(crm, ties, as_of)

        cov = crm.graph.coverage(as_of=as_of)
        tree = crm.directory.areas()
        beat = busiest_beat(crm, cov)
        _section("Coverage")
        print(cov)
        for root in tree.roots:
            for district in tree.children(root):
                c = cov.by_area[district]
                print(
                    f"  {tree[district].name or district:<20} {percent(c.ratio):>6} "
                    f"({c.covered}/{c.total})"
                )
        if beat is not None:
            cell = cov.by_area[beat]
            print(
                f"  busiest beat: {tree[beat].name or beat} ({beat}), "
                f"{count(cell.total, 'stakeholder')}, {percent(cell.ratio)} covered"
            )

        gaps = crm.graph.gaps(as_of=as_of)
        _section("Top gaps")
        print(gaps)

        risk = crm.graph.key_person_risk(as_of=as_of)
        _section("Key-person risk")
        print(
            f"  {count(len(risk.single_threaded), 'stakeholder')} of the {risk.covered} covered "
            f"({percent(risk.ratio)}) are held by a single officer"
        )
        if risk.sole_held:
            officer = next(iter(risk.sole_held))
            impact = crm.graph.simulate_departure(officer, as_of=as_of)
            alone = count(len(risk.sole_held[officer]), "relationship")
            _section(f"If {officer} transfers (holds {alone} alone)")
            print(impact)

        _section("Action plans")
        for status in crm.plans.statuses(as_of=as_of):
            print(
                f"  {status.plan} ({status.phase.value}, {status.days_in_phase:.0f} days in "
                f"phase): {percent(status.progress)} of tasks done"
            )
            for task in status.overdue:
                print(f"    overdue: {task.task} (owner {task.owner}, due {task.due:%Y-%m-%d})")
            for partner in status.unengaged:
                print(f"    partner not engaged in 90 days: {partner}")
            for sector in status.missing_sectors:
                print(f"    needed sector with no partner: {sector.value}")

        _voice(crm, as_of)

        written = ["city.db"]
        written += _pages(crm, out, as_of, beat=beat, reports=(cov, gaps, risk))
        written += _diagrams(crm, out, as_of, beat=beat, ties=ties)
        written += _accountability(crm, as_of, out)
        _section("Written")
        print(f"  into {out.resolve()}:")
        print("  " + ", ".join(written))
        if not shutil.which("dot"):
            print(
                "  (Graphviz is not installed, so the diagrams are DOT sources only: "
                "apt-get install graphviz, or run make demo as root)"
            )
        if args.docs:
            _section(f"Pictures for the README, in {args.docs}")
            for line in _docs(crm, Path(args.docs), out / "brief.html", as_of, beat=beat):
                print(f"  {line}")
        _section("The synthetic city")
        print(info)
    return 0


def _ties_and_follow_ups(crm: rbp.Store, ties: TieSet, as_of: pendulum.DateTime) -> None:
    """The busiest ties, and the follow-up list of the officer with the most to do."""
    _section(f"Busiest ties as of {as_of:%Y-%m-%d} ({len(ties)} officer ties in all)")
    for tie in ties.top(8):
        print(
            f"  {tie.officer:<10} ~ {tie.stakeholder:<12} {tie.count:>4} contacts, "
            f"last {tie.last:%Y-%m-%d}, strength {number(tie.strength)}, {tie.status.value}"
        )
    follow = crm.interactions.follow_ups(as_of=as_of)
    busiest = max(
        {f.officer for f in follow},
        key=lambda o: (sum(1 for f in follow if f.officer == o), o),
        default=None,
    )
    if busiest is None:
        return
    mine = [f for f in follow if f.officer == busiest]
    _section(f"Follow-up list of {busiest} ({count(len(mine), 'item')})")
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


def _pages(
    crm: rbp.Store,
    out: Path,
    as_of: pendulum.DateTime,
    *,
    beat: str | None,
    reports: tuple[Renderable, ...],
) -> list[str]:
    """The brief (of the department and of the busiest beat), the full report, and each
    report on its own page; returns the names written."""
    written = []
    brief(crm, as_of=as_of).to_html(out / "brief.html")
    written.append("brief.html")
    if beat is not None:
        brief(crm, as_of=as_of, area=beat).to_html(out / f"brief-{beat}.html")
        written.append(f"brief-{beat}.html")
    write_report(crm, out / "report.html", as_of=as_of)
    written.append("report.html")
    for name, report in zip(("coverage", "gaps", "key-person"), reports, strict=True):
        report.to_html(out / f"{name}.html")
        written.append(f"{name}.html")
    crm.graph.coverage(as_of=as_of).to_frame().to_csv(out / "coverage.csv", index=False)
    written.append("coverage.csv")
    crm.feedback.cpss(as_of=as_of, by="area").to_html(out / "satisfaction.html")
    written.append("satisfaction.html")
    return written


def _diagrams(
    crm: rbp.Store, out: Path, as_of: pendulum.DateTime, *, beat: str | None, ties: TieSet
) -> list[str]:
    """Every kind of diagram as DOT source, and (with Graphviz) as SVG and as a titled
    page; returns the names written."""
    tree = crm.directory.areas()
    officer = max(ties.officers, key=lambda o: (ties.officers.count(o), o))
    diagrams: dict[str, tuple[str, Any]] = {
        "network-department": ("Network of the department", crm.graph.diagram(as_of=as_of)),
        f"ego-{officer}": (
            f"Officer {officer} and the people they know",
            crm.graph.ego_diagram(officer, as_of=as_of),
        ),
        "coverage-matrix": ("Coverage by area and sector", crm.graph.matrix_diagram(as_of=as_of)),
        "key-person": (
            "Relationships held by one officer",
            crm.graph.keyperson_diagram(as_of=as_of),
        ),
        "plan-outreach": (
            "Plan: creek-side encampment outreach",
            crm.graph.plan_diagram("plan-outreach", as_of=as_of),
        ),
    }
    if beat is not None:
        name = tree[beat].name or beat
        diagrams[f"network-{beat}"] = (
            f"Network of the busiest beat, {name}",
            crm.graph.diagram(as_of=as_of, area=beat),
        )
    written = []
    for file, (title, diagram) in diagrams.items():
        (out / f"{file}.gv").write_text(diagram.source, encoding="utf-8")
        written.append(f"{file}.gv")
        if shutil.which("dot"):
            diagram.render(out / file, format="svg", cleanup=True)
            Report(title, as_of=as_of, diagrams={title: diagram}).to_html(out / f"{file}.html")
            written += [f"{file}.svg", f"{file}.html"]
    return written


def _docs(
    crm: rbp.Store, docs: Path, page: Path, as_of: pendulum.DateTime, *, beat: str | None
) -> list[str]:
    """The README's pictures: the brief as a browser shows it at 1280 px, the network map
    of the busiest beat's district, and the coverage matrix; returns what was done."""
    docs.mkdir(parents=True, exist_ok=True)
    lines = []
    tree = crm.directory.areas()
    district = tree[beat].parent if beat is not None else None
    drawings = {
        "network-district.png": crm.graph.diagram(as_of=as_of, area=district),
        "coverage-matrix.png": crm.graph.matrix_diagram(as_of=as_of),
    }
    for file, diagram in drawings.items():
        if shutil.which("dot") is None:
            lines.append(
                f"{file} skipped: Graphviz's dot is not installed (apt-get install graphviz)"
            )
            continue
        (docs / file).write_bytes(diagram.pipe(format="png"))
        lines.append(f"{docs / file}")
    lines.append(_screenshot(page, docs / "brief.png"))
    return lines


def _screenshot(page: Path, png: Path, *, width: int = 1280, height: int = 1000) -> str:
    """Photograph ``page`` in headless Chromium, ``width`` px wide; a line saying what
    was written, or why nothing was (Chromium missing or failing)."""
    browser = next((b for b in CHROMIUM if Path(b).exists() or shutil.which(b)), None)
    if browser is None:
        return f"{png.name} skipped: Chromium is not installed (apt-get install chromium)"
    with tempfile.TemporaryDirectory() as profile:
        # The browser's path and our own file names only: no outside input.
        proc = subprocess.run(  # noqa: S603
            [
                shutil.which(browser) or browser,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--hide-scrollbars",
                f"--user-data-dir={profile}",
                f"--screenshot={png.resolve()}",
                f"--window-size={width},{height}",
                page.resolve().as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    if proc.returncode != 0 or not png.exists():
        return f"{png.name} skipped: Chromium failed ({proc.stderr.strip()[-200:]})"
    return f"{png} ({width} px wide)"


def _policies_and_training(crm: rbp.Store, as_of: pendulum.DateTime) -> None:
    """Two policies and two required courses, most officers current."""
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


def _accountability(crm: rbp.Store, as_of: pendulum.DateTime, out: Path) -> list[str]:
    """Policy and training currency; the transparency report and the accreditation pack
    of the last six months."""
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
