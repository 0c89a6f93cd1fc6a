"""The brief (``rbp.report.brief``): its figures against plain SQL and pandas over the
store, its words, no personal data, the print stylesheet, and ``area=`` narrowing.

The toy synthetic city is written to a SQLite file once; the second path reads that
file with sqlite3 and pandas and recomputes each headline figure from the definitions
in DESIGN.md (coverage by cadence; ties by the age of the last shared interaction).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pendulum
import pytest

import rbp
from rbp import synth
from rbp.interactions import Interaction
from rbp.report import THRESHOLDS, Brief, brief

CADENCE = {"key": 30, "regular": 90, "low": 180}
DAY = 86_400_000_000


@pytest.fixture(scope="module")
def toy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[rbp.Store, Path, Brief]]:
    """The toy city in a SQLite file, and its brief as of the end of its log."""
    path = tmp_path_factory.mktemp("toy") / "toy.db"
    crm = rbp.open(path, tz="America/Chicago")
    try:
        info = synth.city(crm, size="toy")
        yield crm, path, brief(crm, as_of=info.end)
    finally:
        crm.close()


def _micros(at: pendulum.DateTime) -> int:
    return int(at.timestamp() * 1_000_000)


def _figures(path: Path, at: int) -> dict[str, tuple[int, int]]:
    """Every headline figure but plans, from the raw tables (the second path)."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        people = pd.read_sql("SELECT key, kind, priority, since, until FROM stakeholders", db)
        shared = pd.read_sql(
            "SELECT o.stakeholder AS officer, s.stakeholder AS other, o.at AS at "
            "FROM interaction_participants o "
            "JOIN interaction_participants s ON s.interaction_id = o.interaction_id "
            "JOIN stakeholders so ON so.key = o.stakeholder AND so.kind = 'officer' "
            "JOIN stakeholders ss ON ss.key = s.stakeholder AND ss.kind <> 'officer'",
            db,
        )
    db.close()
    here = people[
        (people["since"].isna() | (people["since"] <= at))
        & (people["until"].isna() | (people["until"] >= at))
    ]
    others = here[here["kind"] != "officer"].set_index("key")
    officers = set(here.loc[here["kind"] == "officer", "key"])
    shared = shared[(shared["at"] <= at) & shared["officer"].isin(officers)]
    shared = shared[shared["other"].isin(others.index)]
    last = shared.groupby(["officer", "other"], as_index=False)["at"].max()
    last["cadence"] = last["other"].map(others["priority"]).map(CADENCE) * DAY
    last["age"] = at - last["at"]
    covered = set(last.loc[last["age"] < last["cadence"], "other"])
    active = last[last["age"] <= last["cadence"]].groupby("other")["officer"].nunique()
    single = {k for k in covered if active.get(k, 0) == 1}
    live = last[last["age"] <= 4 * last["cadence"]]
    cold = live[live["age"] > live["cadence"]]
    keys = set(others.index[others["priority"] == "key"])
    return {
        "coverage": (len(covered), len(others)),
        "key_uncontacted": (len(keys - covered), len(keys)),
        "single_threaded": (len(single), len(covered)),
        "cold_ties": (len(cold), len(live)),
    }


def test_headline_figures_agree_with_plain_sql(toy: tuple[rbp.Store, Path, Brief]) -> None:
    _crm, path, b = toy
    assert b.compared == b.as_of.subtract(months=3)
    now = _figures(path, _micros(b.as_of))
    then = _figures(path, _micros(b.compared))
    got = {h.name: h for h in b.headlines}
    assert set(got) == {*now, "plans"}
    for name, (value, of) in now.items():
        assert (got[name].value, got[name].of) == (value, of), name
        assert (got[name].previous, got[name].previous_of) == then[name], name
        assert got[name].status == THRESHOLDS[name].judge(value / of if of else None)
    assert all(of > 0 for _, of in now.values())  # each figure has something to count
    assert (got["plans"].value, got["plans"].of, got["plans"].status) == (0, 0, None)


def test_the_page_shows_the_figures_judgements_and_heat_map(
    toy: tuple[rbp.Store, Path, Brief],
) -> None:
    crm, _path, b = toy
    page = b.to_html()
    cov = crm.graph.coverage(as_of=b.as_of)
    coverage = next(h for h in b.headlines if h.name == "coverage")
    assert coverage.shown == f"{round(100 * cov.covered / cov.total)} %"
    assert f">{coverage.shown} <span" in page
    for h in b.headlines:
        assert h.label in page
        word = h.status or "no data"
        assert f">{word}</span>" in page  # the judgement is a word, not only a colour
    table = page[page.index('<table class="heat">') : page.index("</table>", page.index("heat"))]
    heat = [
        (label, re.findall(r">([^<]*)</td>", cells))
        for label, cells in re.findall(r'<tr><th class="area depth-\d">(.*?)</th>(.*?)</tr>', table)
    ]
    tree = crm.directory.areas()
    beats = tree.children("d-01")  # the toy city's one district: the map goes down to beats
    assert [label for label, _ in heat] == ["All areas", *(tree[a].name for a in beats)]
    sectors = [s for s in rbp.Sector if cov.by_sector.get(s) and cov.by_sector[s].total]
    assert len(heat[0][1]) == 1 + len(sectors)
    assert heat[0][1][0] == coverage.shown
    for label, cells in heat[1:]:
        key = next(a for a in beats if tree[a].name == label)
        want = [cov.by_area[key]] + [cov.cell(key, s) for s in sectors]
        assert cells == [
            "–" if c.total == 0 else f"{round(100 * c.covered / c.total)} %" for c in want
        ], label


def test_no_personal_data_on_the_page(toy: tuple[rbp.Store, Path, Brief]) -> None:
    _crm, path, b = toy
    page = b.to_html() + b._repr_html_() + repr(b)
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        # a partner agency's name is an organisation's, shown on maps; people's are not
        rows = db.execute(
            "SELECT CASE WHEN kind = 'agency' THEN NULL ELSE name END, email, phone, address"
            " FROM stakeholders"
        ).fetchall()
        notes = [n for (n,) in db.execute("SELECT notes FROM interactions WHERE notes <> ''")]
    db.close()
    private = [v for row in rows for v in row if v] + notes
    assert len(private) > 100
    assert [v for v in private if v in page] == []


def test_words_are_written_for_people(toy: tuple[rbp.Store, Path, Brief]) -> None:
    _crm, _path, b = toy
    page = b.to_html()
    front = page[page.index("<main>") : page.index("<h2>Details</h2>")]
    assert not re.search(r"\b1 [a-z-]+s\b", front), "a plural after 1"
    main = page[page.index("<main>") : page.index("</main>")]
    assert not re.search(r"\b[01]\.\d{3}\b", main), "a raw ratio, even in the details"
    found = re.search(r"\b1 (?:stakeholder|tie|area|plan|orphan)s\b", main)
    assert found is None, "a plural after 1 in the details"
    assert re.findall(r"\d+ ?%", front)
    assert not re.search(r"\d%", front)  # "49 %", with the space
    assert len(b.urgent) == 10
    for u in b.urgent:
        assert u.sentence[0].isupper() or u.sentence[0].isdigit(), u.sentence
        assert u.sentence.endswith("."), u.sentence
        assert not re.search(r"\b(?:b|d)-\d{4}\b", u.sentence), "an area by key, not name"


def test_one_of_everything_reads_singular() -> None:
    crm = rbp.open(tz="UTC")
    crm.directory.add_many(
        [
            rbp.Area("d-1", name="District One"),
            rbp.Area("b-1", name="Beat One", parent="d-1"),
            rbp.Area("b-2", name="Beat Two", parent="d-1"),
            rbp.Officer("P1", areas=("b-1",)),
            rbp.CommunityMember("m-1", area="b-1", priority="key", sector="faith"),
            rbp.CommunityMember("m-2", area="b-2", priority="key", sector="faith"),
        ]
    )
    at = pendulum.datetime(2026, 6, 30, tz="UTC")
    crm.interactions.log(
        Interaction(at=at.subtract(days=3), kind="meeting", participants=("P1", "m-1"))
    )
    b = brief(crm, as_of=at)
    text = {h.name: h for h in b.headlines}
    assert text["coverage"].shown == "50 %"
    assert text["coverage"].detail == "1 of 2 stakeholders has recent officer contact"
    assert text["key_uncontacted"].detail == "50 % of 2 key stakeholders"
    assert text["single_threaded"].detail == "100 % of 1 covered stakeholder"
    sentences = [u.sentence for u in b.urgent]
    assert "1 key stakeholder in Beat Two has had no officer contact for over 30 days." in (
        sentences
    )
    assert "The only faith stakeholder in Beat Two has no recent officer contact." in sentences
    assert b.lose[0]["left with no officer"] == "1 stakeholder"
    page = b.to_html()
    assert "1 stakeholders" not in page  # the details' reports too
    assert "1 key stakeholders" not in page


def test_print_stylesheet_prints_every_detail_on_a4(toy: tuple[rbp.Store, Path, Brief]) -> None:
    _crm, _path, b = toy
    page = b.to_html()
    printed = page[page.index("@media print") :]
    assert "size: A4" in printed
    assert "details::details-content" in printed
    assert "content-visibility: visible" in printed
    assert "break-inside: avoid" in printed
    assert 'addEventListener("beforeprint"' in page
    assert "d.open = true" in page
    assert page.count("<details>") >= 5


@pytest.mark.parametrize("area", ["d-01", "b-0102", "csp-01"])
def test_area_narrows_everything(toy: tuple[rbp.Store, Path, Brief], area: str) -> None:
    crm, _path, whole = toy
    b = brief(crm, as_of=whole.as_of, area=area)
    tree = crm.directory.areas()
    below = {area, *tree.descendants(area)}
    cov = crm.graph.coverage(as_of=whole.as_of, area=area)
    got = {h.name: h for h in b.headlines}
    assert (got["coverage"].value, got["coverage"].of) == (cov.covered, cov.total)
    gaps = crm.graph.gaps(as_of=whole.as_of, area=area)
    assert got["cold_ties"].value == len(gaps.cooling)
    assert b.scope == tree[area].name
    assert b.heat is not None
    names = {tree[a].name for a in below}
    assert {r.label for r in b.heat.rows} <= names
    others = {a.name for a in tree if a.key not in below and a.name}
    for u in b.urgent:
        assert not any(re.search(rf"\b{re.escape(n)}\b", u.sentence) for n in others), u
    for row in b.lose:
        hit = row["areas hit hardest"]
        assert hit == "—" or set(hit.split(", ")) <= names
    assert b.to_html().count(f"Relationship brief for {tree[area].name}") == 2  # title, h1


def test_an_unknown_area_is_an_error(toy: tuple[rbp.Store, Path, Brief]) -> None:
    crm, _path, _b = toy
    with pytest.raises(rbp.UnknownKeyError, match="zz"):
        brief(crm, area="zz")


def test_notebooks_show_the_front(toy: tuple[rbp.Store, Path, Brief]) -> None:
    _crm, _path, b = toy
    html = b._repr_html_()
    assert "Coverage by area and sector" in html
    assert "Most urgent gaps" in html
    assert "<html" not in html
    assert (
        "  Coverage: 45 % (watch); down 4 points since 30 Sep 2025 (worse)" in repr(b).splitlines()
    )
    frame = b.to_frame()
    assert frame["figure"].tolist()[0] == "Coverage"


def test_plans_needing_attention_are_the_open_ones_with_work_late() -> None:
    from rbp.plans import ActionPlan, Phase, Task

    crm = rbp.open(tz="UTC")
    crm.directory.add_many([rbp.Area("b-1", name="Beat One"), rbp.Officer("P1", areas=("b-1",))])
    t0 = pendulum.datetime(2026, 3, 2, tz="UTC")
    for key, title in (("p-late", "Late plan"), ("p-fine", "Fine plan"), ("p-shut", "Shut plan")):
        crm.plans.create(ActionPlan(key, title=title, problem="Noise", areas=("b-1",)), at=t0)
        due = t0.add(days=7) if key != "p-fine" else t0.add(days=300)
        crm.plans.add_task(key, Task("t-1", title="Count", owner="P1", due=due), at=t0)
    crm.plans.advance("p-shut", Phase.CLOSED, at=t0.add(days=1))
    at = t0.add(days=30)
    b = brief(crm, as_of=at)
    plans = next(h for h in b.headlines if h.name == "plans")
    # the second path: the plans' own statuses, read one by one
    late = [k for k in ("p-late", "p-fine") if crm.plans.status(k, as_of=at).overdue]
    assert late == ["p-late"]
    assert (plans.value, plans.of, plans.status) == (1, 2, "act")  # 50 % is above 34 %
    assert [p.plan for p in b.plans] == ["p-late"]
    front = b.to_html().split("<h2>Details</h2>")[0]
    assert "Late plan (p-late; scanning, 30 days in phase): 1 task overdue." in front
    assert "Shut plan" not in front
