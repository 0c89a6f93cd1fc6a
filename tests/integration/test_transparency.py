"""The transparency report on generated activity: every shown count is true (pandas from
the drawn records), no shown count is small, no line hides exactly one entry, and no
written file holds a name, contact, member key or free text; the command writes all three
forms."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pendulum
from hypothesis import given, settings
from hypothesis import strategies as st

import rbp
import rbp.cli
from rbp.accountability import Course
from rbp.engagement import Concern, Response
from rbp.interactions import Interaction
from rbp.plans import ActionPlan
from tests.databases import TZ
from tests.integration.conftest import ReusedDatabase

START = pendulum.datetime(2026, 1, 1, tz=TZ)
END = pendulum.datetime(2026, 4, 30, 23, 59, tz=TZ)
BEATS = {"b-1": "d-1", "b-2": "d-1", "b-3": "d-2"}
COUNT_TABLES = ("engagement", "coverage", "concerns", "training", "plans")

activity = st.fixed_dictionaries(
    {
        "meetings": st.lists(
            st.tuples(
                st.integers(0, 3),
                st.integers(0, 7),
                st.sampled_from(sorted(BEATS)),
                # around the ends of months in the agency's zone, or anywhere
                st.one_of(
                    st.sampled_from([743, 745, 747, 1415, 1417, 1419, 2158, 2160]),
                    st.integers(-200, 24 * 130),
                ),
            ),
            max_size=40,
        ),
        "concerns": st.lists(
            st.tuples(
                st.sampled_from(sorted(BEATS)),
                st.sampled_from(["noise", "lights", "=cmd"]),
                st.integers(0, 24 * 119),
            ),
            max_size=25,
        ),
        "answers": st.lists(st.tuples(st.integers(0, 39), st.integers(1, 5)), max_size=30),
        "plans": st.lists(
            st.tuples(st.sampled_from(sorted(BEATS)), st.integers(0, 3)), max_size=12
        ),
        "trained": st.lists(st.tuples(st.integers(0, 3), st.integers(0, 500)), max_size=6),
        "min_n": st.sampled_from([2, 3, 5]),
    }
)


def _secret(i: int) -> str:
    return f"Secretname{i}"


PHASES = ("scanning", "analysis", "response", "assessment")


def _load(crm: rbp.Store, drawn: dict[str, Any]) -> list[int]:
    crm.directory.add_many(
        [
            rbp.Area("city"),
            rbp.Area("d-1", parent="city"),
            rbp.Area("d-2", parent="city"),
            *(rbp.Area(b, parent=d) for b, d in BEATS.items()),
        ]
    )
    crm.directory.add_many(
        [
            rbp.Officer(
                f"P{i}",
                name=f"Officer{_secret(i)}",
                unit="CSP" if i % 2 == 0 else "Patrol",
                areas=(sorted(BEATS)[i % 3],),
            )
            for i in range(4)
        ]
        + [
            rbp.CommunityMember(
                f"m-{i}",
                name=_secret(i),
                area=sorted(BEATS)[i % 3],
                contact=rbp.Contact(email=f"member{i}@secret.example", phone=f"555-01{i:02d}"),
            )
            for i in range(8)
        ]
    )
    ids = []
    for officer, member, beat, hours in drawn["meetings"]:
        ids.append(
            crm.interactions.log(
                Interaction(
                    at=START.add(hours=hours),
                    kind="meeting",
                    participants=(f"P{officer}", f"m-{member}"),
                    areas=(beat,),
                    notes=f"notes about {_secret(member)}",
                )
            )
        )
    for beat, category, hours in drawn["concerns"]:
        crm.concerns.report(
            Concern(
                at=START.add(hours=hours),
                area=beat,
                category=category,
                text=f"concern text {_secret(99)}",
            )
        )
    for n, (beat, steps) in enumerate(drawn.get("plans", [])):
        crm.plans.create(
            ActionPlan(f"plan-{n}", title="Plan", problem="x", areas=(beat,)),
            at=START.subtract(days=10),
        )
        for step in range(steps):
            crm.plans.advance(f"plan-{n}", PHASES[step + 1], at=START.add(days=step + 1))
    crm.accountability.require(
        Course("pj", title="Procedural justice", every=pendulum.duration(days=365), units=("CSP",))
    )
    for officer, days_before in drawn.get("trained", []):
        crm.accountability.record_training(f"P{officer}", "pj", at=END.subtract(days=days_before))
    for k, overall in drawn["answers"]:
        if ids:
            iid = ids[k % len(ids)]
            at = crm.interactions.get(iid).at.add(hours=1)
            crm.feedback.record(
                Response(at=at, interaction=iid, overall=overall, comment=f"comment {_secret(98)}")
            )
    return ids


def _truth(drawn: dict[str, Any]) -> dict[str, pd.DataFrame]:
    """Engagement and concern counts by district, from the drawn records with pandas."""
    kept = [
        (BEATS[beat], START.add(hours=h).in_timezone(TZ).format("YYYY-MM"))
        for _, _, beat, h in drawn["meetings"]
        if START <= START.add(hours=h) <= END
    ]
    m = pd.DataFrame(kept, columns=["district", "month"], dtype=object)
    engagement = pd.crosstab(m["district"], m["month"], margins=True, margins_name="total")
    c = pd.DataFrame(
        [(BEATS[beat], category) for beat, category, _ in drawn["concerns"]],
        columns=["district", "category"],
        dtype=object,
    )
    concerns = pd.crosstab(c["district"], c["category"], margins=True, margins_name="total")
    p = pd.DataFrame(
        [(BEATS[beat], PHASES[steps]) for beat, steps in drawn["plans"]],
        columns=["district", "phase"],
        dtype=object,
    )
    plans = pd.crosstab(p["district"], p["phase"], margins=True, margins_name="total")
    rows = []
    for i in range(4):
        unit_needs = i % 2 == 0
        dates = [END.subtract(days=d).date() for o, d in drawn["trained"] if o == i]
        current = not unit_needs or (bool(dates) and max(dates).add(days=365) > END.date())
        rows.append((BEATS[sorted(BEATS)[i % 3]], "current" if current else "not current"))
    t = pd.DataFrame(rows, columns=["district", "state"], dtype=object)
    training = pd.crosstab(t["district"], t["state"], margins=True, margins_name="total")
    return {"engagement": engagement, "concerns": concerns, "plans": plans, "training": training}


def _check_counts(frame: pd.DataFrame, min_n: int) -> None:
    for value in frame.stack(future_stack=True):
        if value is not pd.NA:
            assert not 0 < int(value) < min_n
    hidden = frame.isna()
    assert not (hidden.sum(axis=1) == 1).any(), frame
    assert not (hidden.sum(axis=0) == 1).any(), frame


@settings(max_examples=40, derandomize=True, deadline=None)
@given(drawn=activity)
def test_published_tables_are_true_safe_and_anonymous(
    reused_db: ReusedDatabase, tmp_path_factory: Any, drawn: dict[str, Any]
) -> None:
    crm = reused_db.store()
    _load(crm, drawn)
    min_n = drawn["min_n"]
    report = crm.accountability.transparency_report(start=START, end=END, min_n=min_n)
    truth = _truth(drawn)
    for name in COUNT_TABLES:
        _check_counts(report.tables[name], min_n)
    for name, expected in truth.items():
        got = report.tables[name]
        for row in got.index:
            for col in got.columns:
                value = got.loc[row, col]
                if value is pd.NA:
                    continue
                want = (
                    expected.loc[row, col]
                    if row in expected.index and col in expected.columns
                    else 0
                )
                assert int(value) == int(want), (name, row, col)
    # Coverage as crm.graph counts it, district by district.
    coverage = crm.graph.coverage(as_of=END)
    for district, row in report.tables["coverage"].drop(index="total").iterrows():
        cell = coverage.by_area[district]
        if row["covered"] is not pd.NA:
            assert int(row["covered"]) == cell.covered
        if row["total"] is not pd.NA:
            assert int(row["total"]) == cell.total
    # CPSS as crm.feedback scores it over the same period, district by district.
    scored = crm.feedback.cpss(
        as_of=END,
        window=(END - START) + pendulum.duration(microseconds=1),
        by="area",
        min_n=min_n,
    )
    for district, row in report.tables["cpss"].iterrows():
        group = scored if district == "total" else scored.groups.get(district)
        n = 0 if group is None else group.n
        if row["responses"] is not pd.NA:
            assert int(row["responses"]) == n
        expected_score = None if group is None or group.score is None else round(group.score, 1)
        got = None if row["cpss"] is pd.NA else float(row["cpss"])
        assert got == expected_score, (district, got, expected_score)
    responses = report.tables["cpss"]["responses"]
    for value in responses:
        assert value is pd.NA or not 0 < int(value) < min_n
    assert list(responses.isna()).count(True) != 1
    out = tmp_path_factory.mktemp("published")
    files = [
        report.to_html(out / "t.html"),
        report.to_json(out / "t.json"),
        *report.to_csv(out / "csv"),
    ]
    json.loads((out / "t.json").read_text())
    secrets = [
        "Secretname",
        "secret.example",
        "555-01",
        "notes about",
        "concern text",
        "comment ",
    ] + [f"m-{i}" for i in range(8)]
    for path in files:
        text = Path(path).read_text(encoding="utf-8")
        assert [s for s in secrets if s in text] == [], path
    for path in (out / "csv").iterdir():
        assert ",=cmd" not in path.read_text()
        assert "\n=cmd" not in path.read_text()


def test_the_command_writes_html_json_and_csv(tmp_path: Path) -> None:
    db = tmp_path / "city.db"
    with rbp.open(db, tz=TZ) as crm:
        _load(
            crm,
            {"meetings": [(0, 1, "b-1", 5 + h) for h in range(12)], "concerns": [], "answers": []},
        )
    code = rbp.cli.main(
        [
            "transparency",
            str(db),
            "--from",
            "2026-01-01",
            "--to",
            "2026-04-30",
            "--out",
            str(tmp_path / "pub"),
        ]
    )
    assert code == 0
    pub = tmp_path / "pub"
    assert (pub / "transparency.html").is_file()
    data = json.loads((pub / "transparency.json").read_text())
    assert data["tables"]["engagement"]["rows"][0]["label"] == "d-1"
    total = data["tables"]["engagement"]["rows"][-1]
    assert total["label"] == "total"
    assert total["values"][-1] == 12
    assert sorted(p.name for p in (pub / "csv").iterdir())[:2] == [
        "concern_days.csv",
        "concerns.csv",
    ]
    bad = rbp.cli.main(
        [
            "transparency",
            str(db),
            "--from",
            "junk",
            "--to",
            "2026-04-30",
            "--out",
            str(tmp_path / "x"),
        ]
    )
    assert bad == 2


def test_median_days_to_acknowledge_and_resolve(crm: rbp.Store) -> None:
    import statistics

    _load(crm, {"meetings": [], "concerns": [], "answers": [], "plans": [], "trained": []})
    days = [1, 2, 2, 5, 9]
    for k, d in enumerate(days):
        key = crm.concerns.report(
            Concern(at=START.add(days=k), area="b-1", category="noise", text="t")
        )
        crm.concerns.set_status(key, "acknowledged", at=START.add(days=k + d))
        if k < 4:
            crm.concerns.set_status(key, "resolved", at=START.add(days=k + 2 * d))
    crm.concerns.report(Concern(at=START, area="b-3", category="lights", text="t"))
    table = crm.accountability.transparency_report(start=START, end=END, min_n=5).tables[
        "concern_days"
    ]
    assert table.loc["noise", "median days to acknowledge"] == statistics.median(days)
    # four resolved: fewer than min_n, so not shown
    assert table.loc["noise", "median days to resolve"] is pd.NA
    assert table.loc["lights", "median days to acknowledge"] is pd.NA
    shown = crm.accountability.transparency_report(start=START, end=END, min_n=4).tables[
        "concern_days"
    ]
    assert shown.loc["noise", "median days to resolve"] == statistics.median(
        [2 * d for d in days[:4]]
    )
