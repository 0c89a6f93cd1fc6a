"""The synthetic city: deterministic, as large as asked, consistent, and with gaps to find.

Rows are checked through plain SQL on the store's connection, not through the
code that wrote them.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from pathlib import Path

import attrs
import pendulum
import pytest

from rbp import Officer, ValidationError
from rbp._time import MICROS_PER_DAY, to_micros
from rbp.interactions import Interaction
from rbp.store import Store
from rbp.synth import SIZES, CityInfo, blueprint, city
from rbp.synth.__main__ import main
from tests.databases import PlainSQL
from tests.pair_summaries import check_summaries, contacts_in_store

# Every table the city writes; the audit log is left out (it records wall-clock times).
TABLES = (
    "areas",
    "stakeholders",
    "stakeholder_areas",
    "stakeholder_tags",
    "officer_trainings",
    "relationships",
    "interactions",
    "interaction_participants",
    "interaction_areas",
    "interaction_topics",
    "tie_pairs",
    "tie_months",
)


def rows(crm: Store, sql: str) -> list[tuple[object, ...]]:
    with crm.engine.connect() as conn:
        return [tuple(r) for r in conn.exec_driver_sql(sql).all()]


def one(crm: Store, sql: str) -> object:
    return rows(crm, sql)[0][0]


def dump(crm: Store) -> dict[str, list[tuple[object, ...]]]:
    out = {}
    for table in TABLES:
        width = len(rows(crm, f"SELECT * FROM {table} LIMIT 1")[0])
        order = ", ".join(str(i) for i in range(1, width + 1))
        out[table] = rows(crm, f"SELECT * FROM {table} ORDER BY {order}")
    return out


@pytest.fixture(scope="module")
def toy() -> Iterator[CityInfo]:
    info = city(size="toy", seed=0)
    yield info
    info.store.close()


# The community's voice, without the tips' random salts and hashes.
VOICE = {
    "survey_responses": "SELECT * FROM survey_responses ORDER BY id",
    "concerns": "SELECT key, at, area, category, text, reporter, tip FROM concerns ORDER BY id",
    "concern_events": "SELECT concern, at, kind, status, owner FROM concern_events ORDER BY id",
}


def test_same_seed_same_rows(toy: CityInfo) -> None:
    again = city(size="toy", seed=0)
    try:
        assert dump(again.store) == dump(toy.store)
        for sql in VOICE.values():
            assert rows(again.store, sql) == rows(toy.store, sql)
        assert again == toy  # the records compare without their stores
    finally:
        again.store.close()


def test_other_seed_other_rows(toy: CityInfo) -> None:
    other = city(size="toy", seed=1)
    try:
        a, b = dump(toy.store), dump(other.store)
        assert a["interactions"] != b["interactions"]
        assert a["stakeholders"] != b["stakeholders"]
    finally:
        other.store.close()


def test_counts_match_the_request() -> None:
    info = city(officers=15, members=90, agencies=12, interactions=777, areas=14, sites=1, seed=5)
    crm = info.store
    try:
        assert (info.officers, info.members, info.agencies) == (15, 90, 12)
        assert (info.interactions, info.areas) == (777, 14)
        by_kind = dict(rows(crm, "SELECT kind, count(*) FROM stakeholders GROUP BY kind"))
        assert by_kind == {"officer": 15, "member": 90, "agency": 12}
        assert one(crm, "SELECT count(*) FROM areas") == 14
        assert one(crm, "SELECT count(*) FROM interactions") == 777
        assert one(crm, "SELECT count(*) FROM relationships") == info.relationships
        assert one(crm, "SELECT count(*) FROM areas WHERE parent IS NULL") == 1
        assert one(crm, "SELECT count(*) FROM areas WHERE key LIKE 'csp-%'") == 1
    finally:
        crm.close()


def test_every_key_exists(toy: CityInfo) -> None:
    crm = toy.store
    for table, column, target in (
        ("interaction_participants", "stakeholder", "stakeholders"),
        ("interaction_areas", "area", "areas"),
        ("stakeholder_areas", "area", "areas"),
        ("tie_pairs", "officer", "stakeholders"),
        ("tie_pairs", "stakeholder", "stakeholders"),
        ("tie_months", "officer", "stakeholders"),
        ("tie_months", "stakeholder", "stakeholders"),
        ("relationships", "a", "stakeholders"),
        ("relationships", "b", "stakeholders"),
    ):
        missing = one(
            crm,
            f"SELECT count(*) FROM {table} x LEFT JOIN {target} t ON t.key = x.{column} "
            "WHERE t.key IS NULL",
        )
        assert missing == 0, (table, column)
    assert one(crm, "SELECT count(*) FROM interactions WHERE id NOT IN "
               "(SELECT interaction_id FROM interaction_participants)") == 0  # fmt: skip


def test_times_inside_the_period(toy: CityInfo) -> None:
    first, last = rows(toy.store, "SELECT min(at), max(at) FROM interactions")[0]
    assert to_micros(toy.start) <= int(first)
    assert int(last) <= to_micros(toy.end)
    assert toy.start < toy.end
    assert toy.start.timezone_name == "America/Chicago"


def test_ids_rise_with_time(toy: CityInfo) -> None:
    ats = [r[0] for r in rows(toy.store, "SELECT at FROM interactions ORDER BY id")]
    assert ats == sorted(ats)


def test_pairs_repeat(toy: CityInfo) -> None:
    counts = [
        r[0]
        for r in rows(
            toy.store,
            "SELECT count(*) FROM interaction_participants po "
            "JOIN stakeholders so ON so.key = po.stakeholder AND so.kind = 'officer' "
            "JOIN interaction_participants pk ON pk.interaction_id = po.interaction_id "
            "JOIN stakeholders sk ON sk.key = pk.stakeholder AND sk.kind <> 'officer' "
            "GROUP BY po.stakeholder, pk.stakeholder",
        )
    ]
    repeated = sum(1 for n in counts if n > 1)
    assert repeated > len(counts) / 2
    ties = toy.store.interactions.ties(as_of=toy.end)
    assert max(ties.counts) > 5


def test_pair_summaries_match_the_log(toy: CityInfo) -> None:
    """tie_pairs and tie_months, as the city's writes left them, equal a brute-force
    summary of its interactions and participants."""
    sql = PlainSQL(toy.store.engine, owned=False)
    contacts = contacts_in_store(sql)
    assert len(contacts) > 1000
    check_summaries(sql, contacts)


def test_participants_per_interaction_near_two_and_a_half(toy: CityInfo) -> None:
    mean = one(
        toy.store,
        "SELECT avg(n) FROM (SELECT count(*) AS n FROM interaction_participants "
        "GROUP BY interaction_id)",
    )
    assert 2.0 < mean < 3.2


def test_some_officers_transfer(toy: CityInfo) -> None:
    crm = toy.store
    assert toy.transferred
    for key in toy.transferred:
        officer = crm.directory.get(key)
        assert officer.until is not None
        successor = toy.successors.get(key)
        if successor is not None:
            since = crm.directory.get(successor).since
            assert since is not None
            assert since > officer.until
    assert one(crm, "SELECT count(*) FROM stakeholders WHERE until IS NOT NULL "
               "AND kind = 'officer'") == len(toy.transferred)  # fmt: skip


def test_some_officers_leave_orphans() -> None:
    plan = blueprint(size="small", seed=0)
    force = plan.force
    assert set(force.transferred) > set(force.successors)
    assert force.orphaned
    left = set(force.transferred) - set(force.successors)
    kept = {k for d in force.duties if d.key not in left for k in d.m_keys}
    assert not set(force.orphaned) & kept
    assert set(force.orphaned) <= {m.key for m in plan.people.members}


def test_pseudonymous_members_have_no_name(toy: CityInfo) -> None:
    crm = toy.store
    nameless = "SELECT count(*) FROM stakeholders WHERE pseudonymous AND name IS NULL"
    named = "SELECT count(*) FROM stakeholders WHERE pseudonymous AND name IS NOT NULL"
    assert one(crm, nameless) > 0
    assert one(crm, named) == 0


def test_key_leaders_are_a_minority(toy: CityInfo) -> None:
    query = "SELECT priority, count(*) FROM stakeholders WHERE kind = 'member' GROUP BY 1"
    by_priority = dict(rows(toy.store, query))
    assert 0 < by_priority["key"] < by_priority["regular"]


def test_quiet_areas_are_quiet(toy: CityInfo) -> None:
    assert toy.quiet_areas
    tree = toy.store.directory.areas()
    for area in toy.quiet_areas:
        scope = ", ".join(f"'{a}'" for a in (area, *tree.descendants(area)))
        late = one(
            toy.store,
            f"SELECT count(*) FROM interaction_areas WHERE area IN ({scope}) "
            f"AND at >= {to_micros(toy.quiet_since)}",
        )
        assert late == 0


def test_cold_members_are_not_visited_late(toy: CityInfo) -> None:
    assert toy.gone_cold
    keys = ", ".join(f"'{k}'" for k in toy.gone_cold)
    last = one(
        toy.store, f"SELECT max(at) FROM interaction_participants WHERE stakeholder IN ({keys})"
    )
    assert last is None or int(last) < to_micros(toy.end) - 100 * MICROS_PER_DAY


def test_missing_sectors_are_really_missing(toy: CityInfo) -> None:
    assert toy.missing_sectors
    tree = toy.store.directory.areas()
    end = toy.end
    for area, sectors in toy.missing_sectors.items():
        assert area in tree
        found = {
            s.sector
            for s in toy.store.directory.find(area=area, as_of=end)
            if not isinstance(s, Officer)
        }
        assert not set(sectors) & found, area


def test_interactions_are_a_generator() -> None:
    plan = blueprint(size="toy", interactions=10)
    items = plan.interactions()
    assert inspect.isgenerator(items)
    assert len(list(items)) == 10
    assert len(list(plan.interactions())) == 10  # a fresh generator each time


@pytest.mark.parametrize("tz", ["America/Chicago", "Australia/Lord_Howe"])
def test_the_stream_makes_records_the_checks_would_make(tz: str) -> None:
    # The stream fills its records without running Interaction's checks; each must be
    # what the checked constructor makes of the same values, field by field and type.
    plan = blueprint(size="toy", officers=30, interactions=4_000, seed=3, tz=tz)
    names = [a.name for a in attrs.fields(Interaction) if a.init]
    for item in plan.interactions():
        values = {name: getattr(item, name) for name in names}
        checked = Interaction(**values)
        assert checked == item
        for name in names:
            assert type(getattr(checked, name)) is type(values[name]), name
        assert item.participants == tuple(sorted(set(item.participants)))
        assert item.id is None


def test_sizes() -> None:
    assert list(SIZES) == ["toy", "small", "medium", "large"]
    medium, large = SIZES["medium"], SIZES["large"]
    assert (medium["officers"], medium["interactions"]) == (1_000, 500_000)
    assert medium["members"] + medium["agencies"] == 20_000
    assert (large["officers"], large["interactions"]) == (10_000, 5_000_000)
    assert large["members"] + large["agencies"] == 200_000


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"size": "huge"}, "size"),
        ({"officers": -1}, "officers"),
        ({"areas": 3, "sites": 2}, "areas"),
        ({"start": pendulum.Date(2025, 1, 1), "end": pendulum.Date(2025, 2, 1)}, "end"),
        ({"officers": 0}, "officers"),
    ],
)
def test_bad_arguments_are_named(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as err:
        blueprint(**kwargs)
    assert err.value.field == field


def test_custom_period_and_zone() -> None:
    info = city(
        size="toy",
        interactions=300,
        start=pendulum.Date(2024, 3, 1),
        end=pendulum.Date(2024, 8, 31),
        tz="Europe/Berlin",
    )
    try:
        assert info.tz == "Europe/Berlin"
        assert info.store.tz == "Europe/Berlin"
        first, last = rows(info.store, "SELECT min(at), max(at) FROM interactions")[0]
        assert to_micros(info.start) <= int(first)
        assert int(last) <= to_micros(info.end)
    finally:
        info.store.close()


def test_cli_prints_counts(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--size", "toy"]) == 0
    out = capsys.readouterr().out
    assert "interactions       2,000" in out
    assert "total" in out


def test_cli_interactions_override_the_size(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from rbp import open as open_store

    out = tmp_path / "city.db"
    assert main(["--size", "toy", "--interactions", "300", "--out", str(out)]) == 0
    assert "interactions         300" in capsys.readouterr().out
    with open_store(out) as crm:
        assert one(crm, "SELECT COUNT(*) FROM interactions") == 300
        assert one(crm, "SELECT COUNT(*) FROM stakeholders WHERE kind = 'officer'") == 12


def test_cli_pauses_the_collector_only_while_it_writes() -> None:
    import gc

    assert gc.isenabled()
    assert main(["--size", "toy", "--no-voice"]) == 0
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0


def test_rows_make_the_records_the_stream_makes() -> None:
    # The child process of the CLI hands over plain rows (marshalled); the records made
    # of them must equal the stream's own, field by field and type (times, kinds and
    # durations included), in the same order.
    import marshal

    from rbp.synth._activity import from_rows
    from rbp.synth._activity import rows as drawn_rows

    plan = blueprint(size="toy", officers=30, interactions=4_000, seed=5, tz="Australia/Lord_Howe")
    plain = list(drawn_rows(plan.seed, plan.force.duties, plan.cal, plan.total))
    assert marshal.loads(marshal.dumps(plain)) == plain  # nothing marshal cannot write
    made = list(from_rows(marshal.loads(marshal.dumps(plain)), plan.cal))
    expected = list(plan.interactions())
    assert len(made) == len(expected) == 4_000
    names = [a.name for a in attrs.fields(Interaction)]
    for got, want in zip(made, expected, strict=True):
        for name in names:
            assert getattr(got, name) == getattr(want, name), name
            assert type(getattr(got, name)) is type(getattr(want, name)), name
        assert got.at.tzinfo == want.at.tzinfo


def test_cli_child_process_writes_the_same_city(tmp_path: Path) -> None:
    # Drawn in a child process (the default) or here: the same rows in every table.
    from rbp import open as open_store

    apart, here = tmp_path / "apart.db", tmp_path / "here.db"
    assert main(["--size", "toy", "--seed", "2", "--out", str(apart), "--apart"]) == 0
    assert main(["--size", "toy", "--seed", "2", "--out", str(here), "--one-process"]) == 0
    with open_store(apart) as a, open_store(here) as b:
        assert dump(a) == dump(b)
        for sql in VOICE.values():
            assert rows(a, sql) == rows(b, sql)
        assert one(a, "SELECT COUNT(*) FROM interactions") == 2_000


def test_cli_child_process_failure_is_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    # The forked child inherits the patched drawing and dies; the writer raises, and
    # nothing is left running.
    import multiprocessing

    import rbp.synth.__main__ as cli

    def broken(*args: object) -> Iterator[object]:
        yield from ()
        raise ValueError("boom")

    monkeypatch.setattr(cli, "rows", broken)
    with pytest.raises(RuntimeError, match="ended early"):
        main(["--size", "toy", "--no-voice", "--apart"])
    assert multiprocessing.active_children() == []


def test_cli_child_process_ends_when_the_writing_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    # The child has started drawing when the store is opened; a failure after that
    # ends it at once (it would otherwise wait on its full queue forever).
    import multiprocessing

    import rbp.synth.__main__ as cli

    def broken(engine: object, mib: int) -> None:
        raise OSError("no cache today")

    monkeypatch.setattr(cli, "_page_cache", broken)
    with pytest.raises(OSError, match="no cache today"):
        main(["--size", "small", "--apart"])
    assert multiprocessing.active_children() == []


@pytest.mark.parametrize(
    ("cores", "load", "idle"), [(2, 0.3, True), (2, 1.2, False), (1, 0.0, False), (4, 2.5, True)]
)
def test_cli_draws_apart_by_default_only_when_a_core_is_idle(
    monkeypatch: pytest.MonkeyPatch, cores: int, load: float, idle: bool
) -> None:
    import os

    import rbp.synth.__main__ as cli

    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: set(range(cores)), raising=False)
    monkeypatch.setattr(os, "getloadavg", lambda: (load, load, load))
    assert cli._core_idle() is idle
    started: list[str] = []

    def start(cls: type, plan: object) -> None:  # records the fork instead of making it
        started.append("child")

    monkeypatch.setattr(cli._Apart, "start", classmethod(start))
    for flags, expected in (([], idle), (["--apart"], True), (["--one-process"], False)):
        started.clear()
        assert main(["--size", "toy", "--interactions", "10", "--no-voice", *flags]) == 0
        assert started == (["child"] if expected else []), flags


def test_cli_cache_covers_the_city_file() -> None:
    from rbp.synth.__main__ import _file_mib

    assert _file_mib(30_000) == 256  # never below the store's own bulk cache
    # The large city (5M interactions, with its voice) as built: 2,029,957,120 bytes.
    assert _file_mib(5_000_000) * 2**20 >= 2_029_957_120
    assert _file_mib(5_000_000) * 2**20 < 1.25 * 2_029_957_120


# ----------------------------------------------------------------------------- the voice


def test_responses_come_a_day_or_two_after_a_share_of_contacts(toy: CityInfo) -> None:
    got = rows(
        toy.store,
        "SELECT r.at - i.at, r.at FROM survey_responses r "
        "JOIN interactions i ON i.id = r.interaction_id",
    )
    assert len(got) == toy.responses
    hour = 3_600 * 1_000_000
    assert all(24 * hour <= lag <= 60 * hour for lag, _ in got)
    assert all(at <= to_micros(toy.end) for _, at in got)
    with_members = one(
        toy.store,
        "SELECT COUNT(DISTINCT p.interaction_id) FROM interaction_participants p "
        "JOIN stakeholders s ON s.key = p.stakeholder WHERE s.kind = 'member'",
    )
    assert 0.04 < toy.responses / int(with_members) < 0.12  # about one in twelve
    # each response answers an interaction with a member; a named respondent took part
    assert not rows(
        toy.store,
        "SELECT r.id FROM survey_responses r WHERE r.respondent IS NOT NULL AND NOT EXISTS "
        "(SELECT 1 FROM interaction_participants p WHERE p.interaction_id = r.interaction_id "
        " AND p.stakeholder = r.respondent)",
    )
    overall = [o for (o,) in rows(toy.store, "SELECT overall FROM survey_responses")]
    answered = [o for o in overall if o is not None]
    assert 0.5 < sum(o >= 4 for o in answered) / len(answered) < 0.95  # mostly satisfied


def test_concerns_of_the_last_half_year_tips_of_the_last_year(toy: CityInfo) -> None:
    got = rows(toy.store, "SELECT at, area, reporter, tip FROM concerns")
    assert sum(1 for *_, tip in got if not tip) == toy.concerns > 0
    assert sum(1 for *_, tip in got if tip) == toy.tips == 2 * len(toy.districts)
    end = to_micros(toy.end)
    half, year = end - 183 * MICROS_PER_DAY, end - 366 * MICROS_PER_DAY
    assert all((year if tip else half) <= at <= end for at, _, _, tip in got)
    assert {area for _, area, *_ in got} <= set(toy.beats) - set(toy.quiet_areas)
    assert all(reporter is None for _, _, reporter, tip in got if tip)
    # every status change comes after the report, in the order of the transition table
    events = rows(
        toy.store,
        "SELECT e.concern, e.status FROM concern_events e JOIN concerns c ON c.key = e.concern "
        "WHERE e.at < c.at",
    )
    assert events == []
    # some are still open and past their target at the end: the overdue list has them
    late = toy.store.concerns.overdue(as_of=toy.end)
    assert 0 < len(late) < toy.concerns + toy.tips


def test_a_city_without_its_voice() -> None:
    from rbp import open as open_store

    with open_store() as crm:
        info = blueprint(size="toy", seed=0).write(crm, voice=False)
        assert (info.responses, info.concerns, info.tips) == (0, 0, 0)
        assert one(crm, "SELECT COUNT(*) FROM survey_responses") == 0
        assert one(crm, "SELECT COUNT(*) FROM concerns") == 0


# ------------------------------------------------------------- the CLI's bulk-loaded file

# Columns that differ between two builds of the same city whatever writes them: the
# audit log (wall-clock times), the tips' random salts and hashes, and the wall-clock
# time a message was made.
_UNEQUAL = {"audit_log": None, "concerns": ("code_salt", "code_hash"), "messages": ("made",)}


def _plain_tables(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every table of a SQLite file, read with the sqlite3 module alone, in full order."""
    import sqlite3

    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        names = [
            n
            for (n,) in con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        out = {}
        for name in names:
            if name in _UNEQUAL and _UNEQUAL[name] is None:
                continue
            columns = [
                c
                for (_, c, *_) in con.execute(f"PRAGMA table_info({name})")
                if c not in (_UNEQUAL.get(name) or ())
            ]
            listed = ", ".join(f'"{c}"' for c in columns)
            order = ", ".join(str(i) for i in range(1, len(columns) + 1))
            out[name] = con.execute(f"SELECT {listed} FROM {name} ORDER BY {order}").fetchall()
        return out
    finally:
        con.close()


def _pragmas(path: Path) -> tuple[object, ...]:
    from rbp import open as open_store

    with open_store(path) as crm, crm.engine.connect() as conn:
        return tuple(
            conn.exec_driver_sql(f"PRAGMA {p}").scalar()
            for p in ("journal_mode", "page_size", "integrity_check")
        )


def test_cli_bulk_loaded_file_equals_an_ordinary_build(tmp_path: Path) -> None:
    # The CLI writes its new file without the WAL (rbp.synth.bulk_load); a build through
    # an ordinary store gives the same rows in every table, and the CLI's file is an
    # ordinary WAL store afterwards.
    from rbp import open as open_store

    bulk, plain = tmp_path / "bulk.db", tmp_path / "plain.db"
    assert main(["--size", "toy", "--seed", "4", "--out", str(bulk), "--one-process"]) == 0
    plan = blueprint(size="toy", seed=4)
    with open_store(plain, tz=plan.tz) as crm:
        plan.write(crm)
    got, want = _plain_tables(bulk), _plain_tables(plain)
    assert got.keys() == want.keys()
    assert {"tie_pairs", "tie_months", "community_pairs", "survey_responses"} <= got.keys()
    for name in want:
        assert got[name] == want[name], name
    assert len(got["interactions"]) == 2_000
    assert _pragmas(bulk) == _pragmas(plain) == ("wal", 4096, "ok")
    assert not Path(f"{bulk}-wal").exists() or Path(f"{bulk}-wal").stat().st_size == 0


def test_bulk_load_writes_without_the_wal_and_puts_it_back(tmp_path: Path) -> None:
    from rbp import open as open_store
    from rbp.synth import bulk_load

    def modes(crm: Store) -> tuple[object, object]:
        with crm.engine.connect() as conn:
            return (
                conn.exec_driver_sql("PRAGMA journal_mode").scalar(),
                conn.exec_driver_sql("PRAGMA synchronous").scalar(),
            )

    plan = blueprint(size="toy", seed=0, interactions=50)
    with open_store(tmp_path / "c.db", tz=plan.tz) as crm:
        assert modes(crm) == ("wal", 1)
        with bulk_load(crm) as same:
            assert same is crm
            assert modes(crm) == ("memory", 0)
            plan.write(crm, voice=False)
            assert modes(crm) == ("memory", 0)
        assert modes(crm) == ("wal", 1)  # the store's own settings again
        assert one(crm, "SELECT COUNT(*) FROM interactions") == 50


def test_bulk_load_keeps_a_failed_log_all_or_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The journal is in memory, not off: a log whose bad item comes after batches were
    # written (and their summaries folded) still rolls back whole.
    from rbp import BulkValidationError
    from rbp import open as open_store
    from rbp.interactions import _log
    from rbp.synth import bulk_load

    batch = 1_000
    monkeypatch.setattr(_log, "BATCH", batch)
    plan = blueprint(size="toy", seed=0, interactions=batch + 500)
    path = tmp_path / "c.db"
    with open_store(path, tz=plan.tz) as crm, bulk_load(crm):
        plan.write_directory(crm)
        good = list(plan.interactions())
        bad = attrs.evolve(good[-1], participants=("nobody-at-all",))
        with pytest.raises(BulkValidationError):
            crm.interactions.log_many([*good, bad])
        for table in ("interactions", "interaction_participants", "tie_pairs", "tie_months"):
            assert one(crm, f"SELECT COUNT(*) FROM {table}") == 0, table
        assert len(crm.interactions.log_many(good)) == batch + 500
    assert _pragmas(path)[::2] == ("wal", "ok")
    with open_store(path) as crm:
        assert one(crm, "SELECT COUNT(*) FROM interactions") == batch + 500


def test_bulk_load_refuses_a_store_with_data(tmp_path: Path) -> None:
    from rbp import StoreError
    from rbp import open as open_store
    from rbp.synth import bulk_load

    with open_store(tmp_path / "c.db") as crm:
        crm.directory.add(Officer("P1"))
        with pytest.raises(StoreError, match="nothing written yet"), bulk_load(crm):
            pass
        with open_store() as memory, bulk_load(memory):  # in memory: nothing to change
            memory.directory.add(Officer("P1"))


def test_cli_failed_build_leaves_no_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import rbp.synth.__main__ as cli

    def broken(*args: object, **kwargs: object) -> object:
        raise OSError("the disk is full")

    out = tmp_path / "city.db"
    monkeypatch.setattr(cli.Blueprint, "write", broken)
    with pytest.raises(OSError, match="disk is full"):
        main(["--size", "toy", "--out", str(out), "--one-process"])
    assert list(tmp_path.iterdir()) == []
