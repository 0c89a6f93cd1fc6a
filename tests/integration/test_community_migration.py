"""Migration 0012 fills ``community_pairs`` from the log, on SQLite and PostgreSQL.

A seeded city (600 interactions, plus groups around the cap of 50 people and groups of
many named members) is logged at the newest revision; the store is taken back to 0011
(the table is dropped with its rows) and upgraded again: the table the migration fills
from the interactions, their participants and the stakeholders' kinds must equal a
brute-force fold (:mod:`tests.community_summaries`) and what the log had written. And
the kinds the summaries rely on: a stakeholder's kind never changes once it is in the
directory, so a pair summed up as two non-officers stays one.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import pytest
from alembic import command

import rbp
from rbp._migrate import config, head, upgrade_to_head
from rbp.errors import ValidationError
from tests.community_summaries import CAP, check_community, stored_community
from tests.databases import DB_KINDS
from tests.integration.conftest_graph import DAY, Event, T, load, random_city

KINDS = [p for p in DB_KINDS if p.id in ("sqlite-file", "postgresql")]


def _city() -> Any:
    city = random_city(11)
    members = [p.key for p in city.others]
    extra = [
        Event(at=T - k * DAY, participants=tuple(sorted(members[k : k + 3])), attendees=size - 3)
        for k, size in enumerate((CAP - 1, CAP, CAP + 1, CAP, 3, 4))
    ]
    extra += [
        Event(at=T - 7 * DAY, participants=tuple(sorted(members[:12]))),  # 66 pairs
        Event(at=T - 7 * DAY, participants=tuple(sorted(members[:12]))),  # the same instant
        Event(at=T - 400 * DAY, participants=(city.officers[0].key, *sorted(members[5:9]))),
    ]
    return replace(city, events=[*city.events, *extra])


def _revision(crm: rbp.Store) -> str:
    with crm.engine.connect() as conn:
        return str(conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar_one())


@pytest.mark.parametrize("kind", KINDS)
def test_the_migration_fills_what_the_log_writes(fresh_store: Any, kind: str) -> None:
    with fresh_store(kind) as (crm, sql):
        load(crm, _city())
        written = check_community(sql)
        assert len(written) > 100
        assert any(size == CAP for _, _, size in written)
        assert not any(size > CAP for _, _, size in written)
        assert any(n > 1 for n, *_ in written.values())

        cfg = config()
        with crm.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0011")
        assert _revision(crm) == "0011"
        assert "community_pairs" not in sql.tables()

        upgrade_to_head(crm.engine)
        assert _revision(crm) == head() == "0012"
        filled = stored_community(sql)
        check_community(sql)  # the brute force, from the store's rows
        assert sorted(filled) == sorted(written)
        for key, (n, first, last, weight) in written.items():
            assert filled[key][:3] == (n, first, last)
            assert math.isclose(filled[key][3], weight, rel_tol=1e-9)


def test_a_stakeholders_kind_never_changes(crm: rbp.Store) -> None:
    crm.directory.add_many([rbp.Officer("P1"), rbp.CommunityMember("m-1")])
    for key, other in (("m-1", "officer"), ("P1", "member")):
        with pytest.raises(ValidationError):
            crm.directory.update(key, kind=other)
    assert crm.directory.get("m-1").kind.value == "member"
    assert crm.directory.get("P1").kind.value == "officer"
