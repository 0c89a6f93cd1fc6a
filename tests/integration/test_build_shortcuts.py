"""The shortcuts a whole-graph build takes, each checked against the way round it.

- On SQLite the community summaries decay without the underflow guard
  (``decay_sql(guarded=False)``): the same values, checked against Python's
  :func:`rbp._queries.rules.decay` at and around the underflow point (ages rbp's
  years cannot reach with the stored half-life, but a store's own may), and the
  summaries summed both ways row for row, bit for bit.
- The graph reads the officer ties with ``figure_pieces(everyone=True)`` (the pairs of
  stakeholders out of the picture are left in: the graph drops them): the rows are the
  filtered ones plus exactly those whose end is out of the picture (found by plain SQL),
  and the graph is the one built from the filtered rows.
"""

from __future__ import annotations

import gc
import itertools

import networkx as nx
import pendulum
import pytest
import sqlalchemy as sa

import rbp
from rbp._queries.community import summed
from rbp._queries.pairs import HALF_LIFE
from rbp._queries.rules import UNDERFLOW, decay, decay_sql
from rbp._queries.tie_figures import figure_pieces
from rbp.graph._build import build_graph
from rbp.interactions import Interaction
from tests.databases import PlainSQL

T = pendulum.datetime(2026, 3, 1, tz="UTC")


def test_unguarded_decay_is_the_guarded_one_on_sqlite() -> None:
    engine = sa.create_engine("sqlite://")
    hl = HALF_LIFE
    # ages in half-lives: around 0, the subnormal range, the underflow point, far past
    # it, negative (a contact after T) and none
    steps = [0, 0.5, 1, 1022, 1073.9999, 1074, 1074.5, 1074.99999, 1075, 1075.0000001]
    steps += [1076, 2000, 1e6, -1, -3.25]
    ages: list[int | None] = [round(s * hl) for s in steps] + [None]
    ages += [UNDERFLOW * hl - 1, UNDERFLOW * hl, UNDERFLOW * hl + 1]
    age = sa.bindparam("age", type_=sa.BigInteger())
    plain = sa.select(decay_sql(age, half_life=hl, guarded=False))
    guarded = sa.select(decay_sql(age, half_life=hl))
    with engine.connect() as conn:
        for a in ages:
            got = conn.execute(plain, {"age": a}).scalar()
            want = conn.execute(guarded, {"age": a}).scalar()
            assert (got is None) == (want is None) == (a is None)
            if a is not None:
                assert got == want == decay(a, half_life=hl), a
                assert str(got) == str(want)  # -0.0 and 0.0 alike


def _city(crm: rbp.Store) -> None:
    """Members and agencies with contacts from 1901 (about 500 half-lives of 90 days
    before T: the oldest time rbp takes is within the underflow point) to T, in groups
    of two to five, some sharing pairs across group sizes, plus a member who has left
    the picture."""
    crm.directory.add_many(
        [rbp.Officer("P1"), rbp.Officer("P2")]
        + [rbp.CommunityMember(f"m-{i}") for i in range(6)]
        + [rbp.PartnerAgency("a-1"), rbp.CommunityMember("m-7"), rbp.CommunityMember("m-8")]
    )
    people = [f"m-{i}" for i in range(6)] + ["a-1"]
    items = []
    starts = [pendulum.datetime(1901, 5, 1, tz="UTC"), pendulum.datetime(1955, 1, 9, tz="UTC")]
    starts += [T.subtract(days=d) for d in (4000, 700, 90, 30, 1)]
    for n, (start, size) in enumerate(itertools.product(starts, (2, 3, 5))):
        who = tuple(people[(n + j) % len(people)] for j in range(size))
        officer = ("P1",) if n % 2 else ("P2",)
        items.append(Interaction(at=start.add(hours=n), kind="meeting", participants=officer + who))
    old = pendulum.datetime(1901, 2, 3, tz="UTC")  # the one contact of m-7 and m-8
    items.append(Interaction(at=old, kind="meeting", participants=("P1", "m-7", "m-8")))
    crm.interactions.log_many(items)
    crm.directory.update("m-5", until=T.subtract(days=10))


def test_summed_unguarded_is_summed_guarded(crm: rbp.Store, sql: PlainSQL) -> None:
    if sql.dialect != "sqlite":
        pytest.skip("the unguarded decay is for SQLite only")
    _city(crm)
    at = crm._uow.when(T).micros
    old = crm._uow.when(pendulum.datetime(1901, 2, 3, tz="UTC")).micros
    with crm.engine.connect() as conn:
        plain = conn.execute(summed(at=at, max_group=25, sqlite=True)).all()
        guarded = conn.execute(summed(at=at, max_group=25)).all()
    assert plain == guarded
    assert [repr(r) for r in plain] == [repr(r) for r in guarded]
    assert [r[5] for r in plain if r[:2] == ("m-7", "m-8")] == [0.5 ** ((at - old) / HALF_LIFE)]
    assert any(r[5] > 0.5 for r in plain)


def test_figure_pieces_everyone_adds_only_the_pairs_out_of_the_picture(
    crm: rbp.Store, sql: PlainSQL
) -> None:
    _city(crm)
    at = crm._uow.when(T).micros
    with crm.engine.connect() as conn:
        kept = list(itertools.chain.from_iterable(figure_pieces(conn, at=at)))
        every = list(itertools.chain.from_iterable(figure_pieces(conn, at=at, everyone=True)))
    # out of the picture at T, by plain SQL
    out = {
        k
        for (k,) in sql.rows("SELECT key FROM stakeholders WHERE since > :at OR until < :at", at=at)
    }
    assert out == {"m-5"}
    assert [r for r in every if r[0] not in out and r[1] not in out] == kept
    assert any(r[1] in out for r in every)
    # the graph read the pieces with everyone=True; built from the kept ones instead,
    # every edge is the same
    g = crm.graph.build(as_of=T)
    officer = [(a, b, d) for a, b, d in g.edges(data=True) if d["kind"] == "officer_tie"]
    want = {(r[0], r[1]): r for r in kept}
    assert len(officer) == len(want)
    for a, b, d in officer:
        o, k = (a, b) if (a, b) in want else (b, a)
        row = want[o, k]
        assert (d["count"], d["first"], d["last"], d["strength"]) == row[2:6]


def test_build_graph_with_the_collector_off_leaves_it_off(crm: rbp.Store) -> None:
    _city(crm)
    gc.disable()
    try:
        with crm.engine.connect() as conn:
            g = build_graph(
                conn,
                as_of=crm._uow.when(T),
                settings=crm._uow.settings,
                tz=crm._uow.tz,
                window=crm._uow.window(None),
            )
        assert not gc.isenabled()
        assert isinstance(g, nx.Graph)
    finally:
        gc.enable()
