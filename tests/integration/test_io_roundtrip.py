"""export_csv then import_dir: the copy gives the same directory, ties, coverage, plans
(with the concerns they link, now and as of a day in) and community's voice (CPSS by
officer and area, kudos, concerns and tips with their history and plans, a tip's
receipt code, messages, opt-outs read with plain SQL), on SQLite and PostgreSQL; the
default export leaves the voice's personal data out; an export is all or nothing on
the way back; formula cells are neutralised in the files and restored."""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path
from typing import Any

import attrs
import pendulum
import pytest
from hypothesis import Phase as Phase_
from hypothesis import given, settings
from hypothesis import strategies as st

import rbp
import rbp.io
from rbp.engagement import Concern, Response, Tip
from rbp.errors import BulkValidationError, ValidationError
from rbp.plans import ActionPlan, PartnerRole, Phase, Task, TaskStatus
from tests.databases import DB_KINDS
from tests.interaction_logs import AREAS, Log, logs

T0 = pendulum.datetime(2025, 3, 2, 9, tz="America/Chicago")


def answers(crm: rbp.Store, as_of: list[Any]) -> dict[str, Any]:
    """What the round trip must keep, read through the public API."""
    out: dict[str, Any] = {
        "people": crm.directory.find(),
        "areas": sorted(
            (
                crm.directory.get_area(a if isinstance(a, str) else a.key)
                for a in crm.directory.areas()
            ),
            key=lambda a: a.key,
        ),
        "relationships": [attrs.evolve(r, id=None) for r in crm.directory.relationships()],
        "interactions": crm.interactions.find().to_frame().drop(columns=["id"]).to_dict("records"),
        "plans": [crm.plans.get(p.key) for p in crm.plans.find()],
        "plans_then": [crm.plans.get(p.key, as_of=T0.add(days=1)) for p in crm.plans.find()],
    }
    for t in as_of:
        out[f"ties {t}"] = sorted(
            (x.officer, x.stakeholder, x.count, x.first, x.last, round(x.strength, 9), x.status)
            for x in crm.interactions.ties(as_of=t)
        )
        out[f"coverage {t}"] = crm.graph.coverage(as_of=t).to_frame().to_dict("records")
    return out


def voice_answers(crm: rbp.Store, as_of: list[Any], codes: list[str]) -> dict[str, Any]:
    """The community's voice through the public API, and the opt-outs by plain SQL."""
    out: dict[str, Any] = {
        "concerns": list(crm.concerns.find()),
        "messages": [attrs.evolve(m, id=0) for m in crm.outbox.find()],
        "tips": [crm.concerns.tip_status(code) for code in codes],
    }
    with crm.engine.connect() as conn:
        out["opt_outs"] = conn.exec_driver_sql(
            "SELECT channel, address, at FROM opt_outs ORDER BY channel, address"
        ).all()
    for t in as_of:
        for by in ("officer", "area"):
            out[f"cpss {by} {t}"] = crm.feedback.cpss(as_of=t, by=by, min_n=1).groups
        out[f"kudos {t}"] = [attrs.evolve(k, interaction=0) for k in crm.feedback.kudos(as_of=t)]
    return out


def speak(crm: rbp.Store, log: Log, ids: list[int], drawn: dict[str, Any]) -> list[str]:
    """Responses, concerns (moved along, some linked to a plan), tips, invitations and an
    opt-out; tip codes."""
    if ids:
        crm.feedback.record_many(
            Response(
                at=log.interactions[i % len(ids)].at.add(hours=30),
                interaction=ids[i % len(ids)],
                overall=overall,
                respect=max(1, overall - 1),
                comment="kind words" if said else None,
            )
            for i, overall, said in drawn["responses"]
        )
        crm.feedback.invite(ids[0], at=log.interactions[0].at)
    members = [p.key for p in log.people if isinstance(p, rbp.CommunityMember)]
    codes = []
    for n, (area, tip, moves, link) in enumerate(drawn["concerns"]):
        at = T0.add(days=n)
        where = AREAS[area % len(AREAS)].key
        if tip:
            receipt = crm.concerns.tip(Tip(at=at, area=where, category="drugs", text="a tip"))
            codes.append(receipt.code)
            key = receipt.key
            crm.concerns.tip_reply(receipt.code, "more from the tipster", at=at.add(hours=1))
        else:
            reporter = members[n % len(members)] if members else None
            key = crm.concerns.report(
                Concern(at=at, area=where, category="noise", text="loud", reporter=reporter)
            )
        if link:
            crm.plans.link_concern("plan-1", key, at=at.add(hours=1))
        status = rbp.engagement.ConcernStatus.RECEIVED
        for j, m in enumerate(moves, start=2):
            allowed = sorted(rbp.engagement.CONCERN_TRANSITIONS[status], key=lambda x: x.value)
            if not allowed:
                break
            status = allowed[m % len(allowed)]
            crm.concerns.set_status(key, status, note="seen", at=at.add(hours=j))
    if drawn["stop"]:
        crm.outbox.receive("sms", "+15550100", "STOP", at=T0)
    return codes


VOICE = st.fixed_dictionaries(
    {
        "responses": st.lists(
            st.tuples(st.integers(0, 50), st.integers(1, 5), st.booleans()), max_size=6
        ),
        "concerns": st.lists(
            st.tuples(
                st.integers(0, 10),
                st.booleans(),
                st.lists(st.integers(0, 2), max_size=3),
                st.booleans(),
            ),
            max_size=3,
        ),
        "stop": st.booleans(),
    }
)


def fill(crm: rbp.Store, log: Log, pairs: list[tuple[int, int]], plan: bool) -> list[int]:
    crm.directory.add_many(log.directory)
    keys = [p.key for p in log.people]
    rels = [
        rbp.Relationship(keys[a % len(keys)], keys[b % len(keys)], "knows")
        for a, b in pairs
        if keys[a % len(keys)] != keys[b % len(keys)]
    ]
    crm.directory.relate_many(rels)
    crm.plans.create(
        ActionPlan("plan-1", title="Plan 1", problem="linked by some items"),
        at=T0.subtract(years=5),
    )
    crm.concerns.report(
        Concern(key="c-9", at=T0.subtract(years=5), area="city", category="x", text="-")
    )
    if plan:
        crm.plans.create(
            ActionPlan(
                "p-1",
                title="Camp",
                problem="Tents",
                areas=(AREAS[0].key,),
                needed_sectors=("housing",),
                concerns=("c-9",),
            ),
            at=T0,
        )
        crm.plans.add_partner("p-1", keys[0], PartnerRole.PARTNER, at=T0)
        crm.plans.add_task("p-1", Task("t-1", title="Count", owner=keys[0]), at=T0)
        crm.plans.set_task_status("p-1", "t-1", TaskStatus.DONE, at=T0.add(days=3))
        crm.plans.advance("p-1", Phase.ANALYSIS, at=T0.add(days=7))
    return crm.interactions.log_many(log.items)


@pytest.mark.parametrize("kind", DB_KINDS)
@settings(
    derandomize=True,
    max_examples=8,
    deadline=None,
    phases=[Phase_.explicit, Phase_.reuse, Phase_.generate],
)
@given(
    log=logs(),
    pairs=st.lists(st.tuples(st.integers(0, 20), st.integers(0, 20)), max_size=4, unique=True),
    plan=st.booleans(),
    drawn=VOICE,
)
def test_round_trip_keeps_every_answer(
    fresh_store: Any,
    kind: str,
    log: Log,
    pairs: list[tuple[int, int]],
    plan: bool,
    drawn: dict[str, Any],
) -> None:
    with tempfile.TemporaryDirectory() as folder:  # one per example, removed after it
        with fresh_store(kind) as (crm, _sql):
            ids = fill(crm, log, pairs, plan)
            codes = speak(crm, log, ids, drawn)
            before = answers(crm, log.as_of)
            heard = voice_answers(crm, [*log.as_of, T0.add(days=30)], codes)
            rbp.io.export_csv(crm, folder, personal=True)
        with fresh_store(kind) as (copy, _sql):
            rbp.io.import_dir(copy, folder)
            assert answers(copy, log.as_of) == before
            assert voice_answers(copy, [*log.as_of, T0.add(days=30)], codes) == heard


@pytest.mark.parametrize("kind", DB_KINDS)
def test_plan_concern_links_come_back_and_an_older_export_without_them_loads(
    fresh_store: Any, kind: str, tmp_path: Path
) -> None:
    with fresh_store(kind) as (crm, sql):
        crm.directory.add(rbp.Area("b-1"))
        one = crm.concerns.report(Concern(at=T0, area="b-1", category="noise", text="x"))
        two = crm.concerns.tip(Tip(at=T0, area="b-1", category="drugs", text="y")).key
        crm.plans.create(ActionPlan("p-1", title="Noise", problem="z", concerns=(one,)), at=T0)
        crm.plans.link_concern("p-1", two, at=T0.add(days=2))
        rows = sql.rows("SELECT plan, concern, at FROM plan_concerns ORDER BY concern")
        assert len(rows) == 2
        rbp.io.export_csv(crm, tmp_path)
    with fresh_store(kind) as (copy, probe):
        added = rbp.io.import_dir(copy, tmp_path)
        assert added["plans/plan_concerns.csv"] == 2
        assert probe.rows("SELECT plan, concern, at FROM plan_concerns ORDER BY concern") == rows
        assert copy.plans.get("p-1", as_of=T0.add(days=1)).concerns == (one,)
        assert copy.concerns.get(two).plans == ("p-1",)
    (tmp_path / "plans" / "plan_concerns.csv").unlink()  # as an export made before links
    with fresh_store(kind) as (copy, probe):
        added = rbp.io.import_dir(copy, tmp_path)
        assert "plans/plan_concerns.csv" not in added
        assert (probe.count("plans"), probe.count("plan_concerns")) == (1, 0)
        assert copy.plans.get("p-1").concerns == ()


def test_the_default_export_keeps_the_voice_without_its_personal_data(
    crm: rbp.Store, tmp_path: Path
) -> None:
    crm.directory.add_many(
        [
            rbp.Area("b-1"),
            rbp.Officer("P1"),
            rbp.CommunityMember(
                "m-1", may_contact=True, contact=rbp.Contact(email="secret@example.org")
            ),
        ]
    )
    iid = crm.interactions.log(
        rbp.interactions.Interaction(at=T0, kind="meeting", participants=("P1", "m-1"))
    )
    crm.feedback.invite(iid, at=T0)
    crm.feedback.record_many(
        Response(at=T0.add(days=1), interaction=iid, overall=o, comment="SECRET comment")
        for o in (5, 4, 4, 2, 1, 5)
    )
    key = crm.concerns.report(
        Concern(at=T0, area="b-1", category="noise", text="SECRET text", reporter="m-1")
    )
    crm.concerns.set_status(key, "acknowledged", note="SECRET note", at=T0.add(hours=2))
    receipt = crm.concerns.tip(Tip(at=T0, area="b-1", category="drugs", text="SECRET tip"))
    crm.outbox.receive("sms", "+15550199", "STOP", at=T0)
    out = tmp_path / "export"
    rbp.io.export_csv(crm, out)
    text = "".join(p.read_text(encoding="utf-8") for p in out.rglob("*") if p.is_file())
    for secret in ("SECRET", "secret@example.org", "+15550199", receipt.code):
        assert secret not in text
    assert not (out / "engagement" / "opt_outs.csv").exists()
    copy = rbp.open(tz=crm.tz)
    rbp.io.import_dir(copy, out)
    later = T0.add(days=2)
    assert copy.feedback.cpss(as_of=later, by="officer") == crm.feedback.cpss(
        as_of=later, by="officer"
    )
    got = copy.concerns.get(key)
    assert (got.status, got.text, got.reporter) == (crm.concerns.get(key).status, "", None)
    assert copy.concerns.tip_status(receipt.code).status.value == "received"
    assert [m.status for m in copy.outbox.find()] == [m.status for m in crm.outbox.find()]


def test_without_personal_data_no_name_is_written(crm: rbp.Store, tmp_path: Path) -> None:
    crm.directory.add_many(
        [
            rbp.Area("b-1"),
            rbp.CommunityMember("m-1", name="Jane Roe", contact=rbp.Contact(email="j@x")),
        ]
    )
    rbp.io.export_csv(crm, tmp_path)
    text = "".join(p.read_text() for p in tmp_path.rglob("*.csv"))
    assert "Jane Roe" not in text
    assert "j@x" not in text


def test_formula_cells_are_neutralised_and_restored(
    crm: rbp.Store, sql: Any, tmp_path: Path
) -> None:
    crm.directory.add_many(
        [
            rbp.Area("=cmd", name="+SUM(A1)"),
            rbp.Area("'q", name="@x"),
            rbp.Officer("-P1", name="=HYPERLINK()", unit="\tTab", tags=("=t",)),
        ]
    )
    rbp.io.export_csv(crm, tmp_path / "out", personal=True)
    with open(tmp_path / "out" / "areas.csv", newline="", encoding="utf-8") as fh:
        cells = [c for row in csv.reader(fh) for c in row]
    assert not any(c.startswith(("=", "+", "-", "@", "\t")) for c in cells)
    copy = rbp.open(tz=crm.tz)
    rbp.io.import_dir(copy, tmp_path / "out")
    assert copy.directory.get_area("=cmd").name == "+SUM(A1)"
    assert copy.directory.get_area("'q").name == "@x"
    p1 = copy.directory.get("-P1")
    assert (p1.name, p1.unit, p1.tags) == ("=HYPERLINK()", "\tTab", ("=t",))


def test_import_dir_refuses_a_store_with_data_and_keeps_nothing_on_failure(
    crm: rbp.Store, sql: Any, tmp_path: Path
) -> None:
    crm.directory.add_many([rbp.Area("b-1"), rbp.Officer("P1"), rbp.CommunityMember("m-1")])
    crm.interactions.log(
        rbp.interactions.Interaction(at=T0, kind="meeting", participants=("P1", "m-1"))
    )
    rbp.io.export_csv(crm, tmp_path)
    with pytest.raises(ValidationError, match="empty store"):
        rbp.io.import_dir(crm, tmp_path)
    path = tmp_path / "interactions.csv"
    path.write_text(path.read_text().replace("P1", "P404"))
    copy = rbp.open(tz=crm.tz)
    with pytest.raises(BulkValidationError) as caught:
        rbp.io.import_dir(copy, tmp_path)
    assert caught.value.errors[0].line == 2
    for table in ("areas", "stakeholders", "interactions", "relationships", "plans"):
        with copy.engine.connect() as conn:
            assert conn.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar() == 0
