"""Plans link concerns, on SQLite (memory, file) and PostgreSQL.

A plan links concerns (and tips) when it is created and later with
``crm.plans.link_concern``; each link holds from its time, in ``crm.plans.get``
(``as_of``), ``crm.plans.find(concern=)`` and ``crm.concerns.get`` / ``find``. What the
store wrote is read back with plain SQL; refusals leave every table as it was.
"""

from __future__ import annotations

import pendulum
import pytest

import rbp
from rbp.engagement import Concern, Tip
from rbp.errors import DuplicateKeyError, TransitionError, UnknownKeyError, ValidationError
from rbp.plans import ActionPlan, Phase
from tests.databases import NOW, TZ, PlainSQL

T0 = pendulum.datetime(2026, 1, 5, 9, tz=TZ)
US = 1_000_000


def _world(crm: rbp.Store) -> tuple[str, str, str]:
    """Two areas, two concerns and a tip reported at T0; their keys."""
    crm.directory.add_many([rbp.Area("d-1"), rbp.Area("b-1", parent="d-1"), rbp.Officer("P1")])
    noise = crm.concerns.report(Concern(at=T0, area="b-1", category="noise", text="loud"))
    camp = crm.concerns.report(Concern(at=T0, area="b-1", category="camp", text="tents"))
    tip = crm.concerns.tip(Tip(at=T0, area="b-1", category="drugs", text="a car")).key
    return noise, camp, tip


def _micros(when: pendulum.DateTime) -> int:
    return int(when.timestamp()) * US


def test_links_at_create_and_later_hold_from_their_time(crm: rbp.Store, sql: PlainSQL) -> None:
    noise, camp, tip = _world(crm)
    opened = T0.add(days=1)
    later = T0.add(days=5)
    crm.plans.create(
        ActionPlan("p-1", title="Creek camp", problem="Tents", concerns=(camp, noise)),
        at=opened,
    )
    crm.plans.link_concern("p-1", tip, at=later)

    assert sorted(sql.rows("SELECT plan, concern, at FROM plan_concerns")) == sorted(
        [
            ("p-1", camp, _micros(opened)),
            ("p-1", noise, _micros(opened)),
            ("p-1", tip, _micros(later)),
        ]
    )
    assert crm.plans.get("p-1").concerns == tuple(sorted((noise, camp, tip)))
    assert crm.plans.get("p-1", as_of=later.subtract(seconds=1)).concerns == tuple(
        sorted((noise, camp))
    )
    assert crm.plans.get("p-1", as_of=later).concerns == tuple(sorted((noise, camp, tip)))
    audit = [(e.action, e.detail) for e in crm.audit(entity="plan", key="p-1")]
    assert audit[-1] == ("link_concern", {"concern": tip, "at": _micros(later)})
    assert [a for a, _ in audit] == ["create", "link_concern"]


def test_concerns_get_and_find_show_the_plans_linked_by_then(crm: rbp.Store) -> None:
    noise, camp, _tip = _world(crm)
    crm.plans.create(ActionPlan("p-2", title="Noise", problem="x", concerns=(noise,)), at=T0)
    crm.plans.create(ActionPlan("p-1", title="Camp", problem="y"), at=T0)
    crm.plans.link_concern("p-1", noise, at=T0.add(days=3))

    assert crm.concerns.get(noise).plans == ("p-1", "p-2")
    assert crm.concerns.get(noise, as_of=T0.add(days=2)).plans == ("p-2",)
    assert crm.concerns.get(camp).plans == ()
    assert {c.key: c.plans for c in crm.concerns.find()}[noise] == ("p-1", "p-2")
    assert [p.key for p in crm.plans.find(concern=noise)] == ["p-1", "p-2"]
    assert [p.key for p in crm.plans.find(concern=noise, phase="analysis")] == []
    assert crm.plans.find(concern=camp) == ()
    assert crm.plans.find(concern="C-404") == ()


def test_an_unknown_concern_is_refused_and_nothing_written(crm: rbp.Store, sql: PlainSQL) -> None:
    noise, _camp, _tip = _world(crm)
    crm.plans.create(ActionPlan("p-1", title="Camp", problem="y"), at=T0)
    before = sql.snapshot()
    with pytest.raises(UnknownKeyError) as at_create:
        crm.plans.create(
            ActionPlan("p-2", title="Noise", problem="x", concerns=(noise, "C-404")), at=T0
        )
    with pytest.raises(UnknownKeyError) as later:
        crm.plans.link_concern("p-1", "C-404", at=T0.add(days=1))
    for caught in (at_create, later):
        assert (caught.value.field, caught.value.key) == ("concern", "C-404")
    with pytest.raises(UnknownKeyError):
        crm.plans.link_concern("p-9", noise, at=T0.add(days=1))
    assert sql.snapshot() == before
    assert sql.count("plans", "key = 'p-2'") == 0
    assert sql.count("plan_concerns") == 0


def test_other_refusals_write_nothing(crm: rbp.Store, sql: PlainSQL) -> None:
    noise, camp, _tip = _world(crm)
    crm.plans.create(ActionPlan("p-1", title="Camp", problem="y", concerns=(noise,)), at=T0)
    crm.plans.create(ActionPlan("p-2", title="Done", problem="z"), at=T0)
    crm.plans.advance("p-2", Phase.CLOSED, at=T0.add(days=1))
    before = sql.snapshot()
    with pytest.raises(DuplicateKeyError):
        crm.plans.link_concern("p-1", noise, at=T0.add(days=2))
    with pytest.raises(TransitionError):
        crm.plans.link_concern("p-2", camp, at=T0.add(days=2))
    with pytest.raises(ValidationError) as early:
        crm.plans.link_concern("p-1", camp, at=T0.subtract(days=1))
    assert early.value.field == "at"
    with pytest.raises(ValidationError):
        crm.plans.link_concern("p-1", "not a key\x00", at=T0.add(days=2))
    with pytest.raises(ValidationError, match="at must be an aware datetime"):
        crm.plans.link_concern("p-1", camp, at="tomorrow")  # type: ignore[arg-type]
    assert sql.snapshot() == before


def test_the_default_time_is_the_store_clock(crm: rbp.Store, sql: PlainSQL) -> None:
    noise, _camp, _tip = _world(crm)
    crm.plans.create(ActionPlan("p-1", title="Camp", problem="y"), at=T0)
    crm.plans.link_concern("p-1", noise)
    assert sql.rows("SELECT at FROM plan_concerns WHERE plan = 'p-1'") == [(_micros(NOW),)]
