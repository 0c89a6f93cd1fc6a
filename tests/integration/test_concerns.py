"""Concerns: the transition table (every pair, and a hypothesis state machine against a
plain model), updates to the reporter, and the overdue list against a brute-force loop.

The moves, the service levels and the escalation rule are written out here again,
not imported from rbp.
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Callable
from typing import Any

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    rule,
    run_state_machine_as_test,
)

import rbp
from rbp.engagement import Concern, ConcernStatus, ServiceLevel, Tip
from rbp.interactions import Interaction
from rbp.settings import Settings
from tests.databases import DB_KINDS, TZ, PlainSQL
from tests.integration.conftest import ReusedDatabase

T0 = pendulum.datetime(2026, 3, 2, 9, tz=TZ)
S = ConcernStatus
MOVES: dict[ConcernStatus, set[ConcernStatus]] = {
    S.RECEIVED: {S.ACKNOWLEDGED, S.CLOSED},
    S.ACKNOWLEDGED: {S.IN_PROGRESS, S.RESOLVED, S.CLOSED},
    S.IN_PROGRESS: {S.RESOLVED, S.CLOSED},
    S.RESOLVED: {S.CLOSED, S.IN_PROGRESS},
    S.CLOSED: set(),
}
# A shortest way from received to each status.
PATH = {
    S.RECEIVED: [],
    S.ACKNOWLEDGED: [S.ACKNOWLEDGED],
    S.IN_PROGRESS: [S.ACKNOWLEDGED, S.IN_PROGRESS],
    S.RESOLVED: [S.ACKNOWLEDGED, S.RESOLVED],
    S.CLOSED: [S.CLOSED],
}


def _world(crm: rbp.Store) -> None:
    crm.directory.add_many(
        [
            rbp.Area("d-1"),
            rbp.Area("b-1", parent="d-1"),
            rbp.Area("b-2", parent="d-1"),
            rbp.Officer("P1"),
            rbp.PartnerAgency("org-1"),
            rbp.CommunityMember(
                "m-ok", may_contact=True, contact=rbp.Contact(email="ok@example.org")
            ),
            rbp.CommunityMember("m-no"),
        ]
    )


@pytest.mark.parametrize(("old", "new"), list(itertools.product(S, S)))
def test_every_pair_of_the_transition_table(
    reused_db: ReusedDatabase, old: ConcernStatus, new: ConcernStatus
) -> None:
    crm = reused_db.store()
    _world(crm)
    key = crm.concerns.report(Concern(at=T0, area="b-1", category="noise", text="x"))
    for i, step in enumerate(PATH[old], start=1):
        crm.concerns.set_status(key, step, at=T0.add(hours=i))
    before = reused_db.sql.counts()
    at = T0.add(days=1)
    if new in MOVES[old]:
        crm.concerns.set_status(key, new, at=at)
        assert crm.concerns.get(key, as_of=at).status is new
        assert crm.concerns.get(key, as_of=at.subtract(microseconds=1)).status is old
    else:
        with pytest.raises(rbp.TransitionError) as info:
            crm.concerns.set_status(key, new, at=at)
        assert info.value.key == key
        assert reused_db.sql.counts() == before


def test_updates_carry_the_reference_and_status_never_the_text(
    crm: rbp.Store, sql: PlainSQL
) -> None:
    _world(crm)
    text = "The man at 12 Elm St deals from his porch"
    told = crm.concerns.report(
        Concern(at=T0, area="b-1", category="drugs", text=text, reporter="m-ok")
    )
    untold = crm.concerns.report(
        Concern(at=T0, area="b-1", category="drugs", text=text, reporter="m-no")
    )
    for key in (told, untold):
        crm.concerns.assign(key, "P1", at=T0.add(hours=1))
        crm.concerns.set_status(key, "acknowledged", at=T0.add(hours=2), note="called")
        crm.concerns.set_status(key, "resolved", at=T0.add(days=3))
    rows = sql.rows(
        "SELECT recipient, ref, status, reason, text FROM messages "
        "WHERE kind = 'concern_update' ORDER BY id"
    )
    assert [r[:4] for r in rows if r[0] == "m-ok"] == [("m-ok", told, "queued", None)] * 3
    assert [r[2:4] for r in rows if r[0] == "m-no"] == [
        ("suppressed", "no consent to be contacted")
    ] * 3
    got = [r[4] for r in rows if r[0] == "m-ok"]
    assert [w in t for w, t in zip(("received", "acknowledged", "resolved"), got, strict=True)]
    for *_, message in rows:
        assert "Elm" not in message
        assert "porch" not in message
        assert "called" not in message
    assert told in got[0]
    # The text is the store's to keep, and nobody else's.
    c = crm.concerns.get(told)
    assert c.text == text
    assert text not in repr(c)
    assert "Elm" not in crm.concerns.find().to_html()


def test_assign_takes_an_officer_or_an_agency(crm: rbp.Store) -> None:
    _world(crm)
    key = crm.concerns.report(Concern(at=T0, area="b-1", category="noise", text="x"))
    with pytest.raises(rbp.ValidationError) as info:
        crm.concerns.assign(key, "m-ok", at=T0)
    assert info.value.field == "owner"
    crm.concerns.assign(key, "org-1", at=T0.add(hours=1))
    with pytest.raises(rbp.ValidationError):  # dated before the last change
        crm.concerns.set_status(key, "acknowledged", at=T0)
    crm.concerns.set_status(key, "closed", at=T0.add(hours=2))
    with pytest.raises(rbp.TransitionError):
        crm.concerns.assign(key, "P1", at=T0.add(hours=3))
    assert [c.key for c in crm.concerns.find(area="d-1", status="closed")] == [key]
    visit = crm.interactions.log(
        Interaction(at=T0.add(days=2), kind="follow_up", participants=("P1", "m-ok"), concern=key)
    )
    assert crm.concerns.get(key, as_of=T0.add(days=2)).interactions == (visit,)
    assert crm.concerns.get(key, as_of=T0.add(days=1)).interactions == ()
    assert crm.concerns.find(area="b-2") == ()
    with pytest.raises(rbp.UnknownKeyError):
        crm.concerns.get(key, as_of=T0.subtract(seconds=1))


# ----------------------------------------------------------------------------- the machine


class ConcernMachine(RuleBasedStateMachine):
    open_store: Callable[[], contextlib.AbstractContextManager[tuple[rbp.Store, Any]]]
    concerns = Bundle("concerns")

    def __init__(self) -> None:
        super().__init__()
        self.stack = contextlib.ExitStack()
        self.crm, self.sql = self.stack.enter_context(self.open_store())
        _world(self.crm)
        self.now = T0
        self.model: dict[str, dict[str, Any]] = {}
        self.past: list[tuple[pendulum.DateTime, str, ConcernStatus, str | None]] = []

    def teardown(self) -> None:
        self.stack.close()

    def _tick(self) -> pendulum.DateTime:
        self.now = self.now.add(hours=7)
        return self.now

    @rule(target=concerns, reporter=st.sampled_from([None, "m-ok", "m-no"]))
    def report(self, reporter: str | None) -> str:
        at = self._tick()
        key = self.crm.concerns.report(
            Concern(at=at, area="b-1", category="noise", text="secret words", reporter=reporter)
        )
        self.model[key] = {"status": S.RECEIVED, "owner": None, "reporter": reporter, "moves": 1}
        self.past.append((at, key, S.RECEIVED, None))
        return key

    @rule(key=concerns, new=st.sampled_from(list(S)))
    def set_status(self, key: str, new: ConcernStatus) -> None:
        at = self._tick()
        mine = self.model[key]
        before = self.sql.counts()
        if new in MOVES[mine["status"]]:
            self.crm.concerns.set_status(key, new, at=at)
            mine["status"] = new
            mine["moves"] += 1
        else:
            with pytest.raises(rbp.TransitionError):
                self.crm.concerns.set_status(key, new, at=at)
            assert self.sql.counts() == before
        self.past.append((at, key, mine["status"], mine["owner"]))

    @rule(key=concerns, owner=st.sampled_from(["P1", "org-1", "m-ok"]))
    def assign(self, key: str, owner: str) -> None:
        at = self._tick()
        mine = self.model[key]
        if mine["status"] is S.CLOSED:
            with pytest.raises(rbp.TransitionError):
                self.crm.concerns.assign(key, owner, at=at)
        elif owner == "m-ok":
            with pytest.raises(rbp.ValidationError):
                self.crm.concerns.assign(key, owner, at=at)
        else:
            self.crm.concerns.assign(key, owner, at=at)
            mine["owner"] = owner
        self.past.append((at, key, mine["status"], mine["owner"]))

    @invariant()
    def the_store_agrees(self) -> None:
        for key, mine in self.model.items():
            got = self.crm.concerns.get(key, as_of=self.now)
            assert (got.status, got.owner) == (mine["status"], mine["owner"])
            updates = self.sql.count("messages", "kind = 'concern_update' AND ref = :k", k=key)
            assert updates == (mine["moves"] if mine["reporter"] else 0)
        for at, key, status, owner in self.past[-3:]:
            got = self.crm.concerns.get(key, as_of=at)
            assert (got.status, got.owner) == (status, owner)
        leaked = self.sql.count("messages", "text LIKE '%secret%'")
        assert leaked == 0


@pytest.mark.parametrize("kind", DB_KINDS)
def test_concern_operations_match_a_plain_model(fresh_store: Any, kind: str) -> None:
    class Machine(ConcernMachine):
        @staticmethod
        def open_store() -> contextlib.AbstractContextManager[tuple[rbp.Store, Any]]:
            return fresh_store(kind)  # type: ignore[no-any-return]

    run_state_machine_as_test(
        Machine,
        settings=settings(max_examples=10, stateful_step_count=15, deadline=None, derandomize=True),
    )


# ----------------------------------------------------------------------------- overdue

LEVELS = {"noise": (pendulum.duration(days=1), pendulum.duration(days=5))}
DEFAULT = (pendulum.duration(days=2), pendulum.duration(days=30))


def _brute_force(
    drawn: list[tuple[str, int, list[ConcernStatus]]], keys: list[str], as_of: pendulum.DateTime
) -> list[tuple[str, str, pendulum.DateTime, int, int]]:
    """(key, stage, due, days late, level) of each late concern, by hand."""
    out = []
    for key, (category, hours, moves) in zip(keys, drawn, strict=True):
        reported = T0.add(hours=hours)
        status = S.RECEIVED
        for j, move in enumerate(moves, start=1):
            if reported.add(minutes=j) <= as_of:
                status = move
        if reported > as_of or status in (S.RESOLVED, S.CLOSED):
            continue
        ack, resolve = LEVELS.get(category, DEFAULT)
        target = ack if status is S.RECEIVED else resolve
        elapsed = as_of - reported
        if elapsed <= target:
            continue
        late = elapsed - target
        level = 3 if elapsed > target * 4 else 2 if elapsed > target * 2 else 1
        stage = "acknowledge" if status is S.RECEIVED else "resolve"
        due = (reported.in_timezone("UTC") + target).in_timezone(TZ)  # elapsed time, not days
        out.append((key, stage, due, int(late.total_seconds() // 86_400), level))
    return sorted(out, key=lambda o: (-o[4], -o[3], o[0]))


def _walk(start: ConcernStatus, choices: list[int]) -> list[ConcernStatus]:
    moves, status = [], start
    for c in choices:
        allowed = sorted(MOVES[status], key=lambda s: s.value)
        if not allowed:
            break
        status = allowed[c % len(allowed)]
        moves.append(status)
    return moves


@settings(max_examples=30, derandomize=True, deadline=None)
@given(
    drawn=st.lists(
        st.tuples(
            st.sampled_from(["noise", "lighting"]),
            st.integers(0, 24 * 200),
            st.lists(st.integers(0, 2), max_size=3),
        ),
        min_size=1,
        max_size=8,
    ),
    days=st.integers(0, 220),
)
def test_overdue_matches_a_brute_force_loop(
    reused_db: ReusedDatabase, drawn: list[Any], days: int
) -> None:
    levels = {k: ServiceLevel(*v) for k, v in LEVELS.items()}
    crm = reused_db.store(Settings(service_levels=levels, service_level=ServiceLevel(*DEFAULT)))
    _world(crm)
    walked = [(c, h, _walk(S.RECEIVED, ch)) for c, h, ch in drawn]
    keys = []
    for category, hours, moves in walked:
        at = T0.add(hours=hours)
        key = crm.concerns.report(Concern(at=at, area="b-1", category=category, text="x"))
        keys.append(key)
        for j, move in enumerate(moves, start=1):
            crm.concerns.set_status(key, move, at=at.add(minutes=j))
    as_of = T0.add(days=days, hours=5)
    got = [(o.key, o.stage, o.due, o.days_late, o.level) for o in crm.concerns.overdue(as_of=as_of)]
    expected = _brute_force(walked, keys, as_of)
    assert got == expected
    gaps = crm.graph.gaps(as_of=as_of)
    assert [
        (o.key, o.stage, o.due, o.days_late, o.level) for o in gaps.overdue_concerns
    ] == expected
    row = gaps.to_frame().set_index("gap").loc["concerns and tips overdue"]
    assert row["count"] == len(expected)


def test_gaps_list_the_overdue_concerns_and_tips_of_their_area(crm: rbp.Store) -> None:
    _world(crm)
    noise = crm.concerns.report(Concern(at=T0, area="b-1", category="noise", text="loud"))
    tip = crm.concerns.tip(Tip(at=T0, area="b-2", category="drugs", text="x"))
    done = crm.concerns.report(Concern(at=T0, area="b-2", category="noise", text="y"))
    crm.concerns.set_status(done, S.CLOSED, at=T0.add(hours=1))
    late = T0.add(days=3)
    assert [c.key for c in crm.graph.gaps(as_of=late, area="b-2").overdue_concerns] == [tip.key]
    assert {c.key for c in crm.graph.gaps(as_of=late).overdue_concerns} == {noise, tip.key}
    assert crm.graph.gaps(as_of=T0.add(days=1)).overdue_concerns == ()
    table = crm.graph.gaps(as_of=late).to_frames()["Concerns and tips overdue"]
    assert sorted(table["key"]) == sorted([noise, tip.key])
    assert "loud" not in crm.graph.gaps(as_of=late).to_html()


def test_an_interaction_links_only_a_concern_that_exists(crm: rbp.Store, sql: PlainSQL) -> None:
    _world(crm)
    key = crm.concerns.report(Concern(at=T0, area="b-1", category="noise", text="x"))
    with pytest.raises(rbp.UnknownKeyError, match="concern 'C-404' is not a concern") as caught:
        crm.interactions.log(Interaction(at=T0, kind="call", participants=("P1",), concern="C-404"))
    assert caught.value.field == "concern"
    assert sql.count("interactions") == 0
    iid = crm.interactions.log(Interaction(at=T0, kind="call", participants=("P1",), concern=key))
    assert sql.rows("SELECT concern FROM interactions WHERE id = :i", i=iid) == [(key,)]
    assert crm.concerns.get(key).interactions == (iid,)
