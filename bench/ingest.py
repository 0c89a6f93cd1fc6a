"""Bulk-ingest benchmark: ``crm.interactions.log_many`` against the storage limit.

The same N interactions of a synthetic city (``--size``, ``--interactions``,
``--seed``; generated before timing, never timed) go

- **rbp**: through ``crm.interactions.log_many(items)`` into a fresh store made by
  ``rbp.open`` that already holds the city's directory (written untimed): validation,
  id assignment, row building and every row and index rbp keeps, one call;
- **plain** (SQLite): through sqlite3 ``executemany`` into a MINIMAL schema, the rows
  built as tuples before timing, in batches of the size ``log_many`` uses (20,000
  interactions; rbp's own figure is read when it is there), in one transaction, under
  the pragmas rbp's store sets (WAL, ``synchronous=NORMAL``, 128 MiB page cache,
  foreign keys on);
- **copy** (``--postgres``): through psycopg ``COPY ... FROM STDIN`` (``write_row``)
  into the same minimal schema on PostgreSQL, the same batches, one transaction,
  against ``log_many`` into a fresh rbp store on the same server.

With ``--without-summaries`` a third side runs ``log_many`` with the pair summaries
switched off in its process (``tie_months``, ``tie_pairs`` and ``community_pairs`` are
not kept): a reference point for what the summaries cost the log, not a mode rbp has.
With ``--same-tables`` another side runs sqlite3 ``executemany`` of rows built before
timing into rbp's own four raw tables (``interactions``, ``interaction_participants``,
``interaction_areas``, ``interaction_topics``, as ``rbp.open`` makes them, with every
index they have; foreign keys off and the page cache as large as the log's bulk writes
may make it, as the log runs): the storage limit for the rows rbp writes itself, without
its checks, its row building or its summaries. With ``--floor``
a side writes the same four tables and then the rows that ``log_many`` leaves in the
three summary tables (``tie_months``, ``tie_pairs``, ``community_pairs``; read from a
store the script logs into first, untimed), in key order into the empty tables: the
least any log can pay that keeps what Step 12 asks it to keep in its transaction, with
no checks, no key look-ups, no fold and no merge (sqlite3 ``executemany`` on SQLite;
binary COPY with the foreign-key triggers off, as rbp's log runs, on PostgreSQL;
``--same-tables --postgres`` copies the four raw tables alone the same way).

The minimal schema (what "interactions + participants with its two indexes" means
here)::

    interactions(id INTEGER PRIMARY KEY  -- SQLite's rowid (bigint primary key on PostgreSQL)
                 at, kind, attendees, duration_s, follow_up_by, plan, concern, notes)
      index interactions(at)
    interaction_participants(interaction_id, stakeholder, at,
                             PRIMARY KEY (interaction_id, stakeholder))   -- index 1
      index interaction_participants(stakeholder, at)                     -- index 2

The participants' two indexes are its primary key and the stakeholder index; the
interactions table adds its ``at`` index. On SQLite the participants table is an
ordinary rowid table by default, so one interaction with three participants writes
2 + 3 x 3 = 11 b-tree entries; ``--without-rowid`` makes it a WITHOUT ROWID table
(its primary key is the table: 2 + 3 x 2 = 8), the stricter bar. No foreign keys,
no areas, topics or derived rows: rbp writes those too (the script prints how many),
and they are part of what it must pay for within the target.

Each side runs in ``--reps`` fresh processes (default 3; a fresh file or database each
time, best run counts; see :mod:`bench._measure`) and the rows are checked to be the
same on both sides. Step 12's targets: rbp at least 0.8x plain's throughput on SQLite
(aim 1.0x), at least 0.9x COPY on PostgreSQL. Run from the repository root::

    PYTHONPATH=$PWD .venv/bin/python -m bench.ingest --size small
    PYTHONPATH=$PWD .venv/bin/python -m bench.ingest --size medium --without-rowid
    PYTHONPATH=$PWD .venv/bin/python -m bench.ingest --size small --postgres   # throwaway server
    PYTHONPATH=$PWD .venv/bin/python -m bench.ingest --size medium --without-summaries
    PYTHONPATH=$PWD .venv/bin/python -m bench.ingest --size small --same-tables
    PYTHONPATH=$PWD .venv/bin/python -m bench.ingest --size medium --floor --postgres
    PYTHONPATH=$PWD .venv/bin/python -m bench.ingest --postgres postgresql+psycopg://u@host/db
"""

from __future__ import annotations

import argparse
import gc
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench._cities import OUT, label, micros
from bench._measure import Case, measure, store_case
from bench._postgres import THROWAWAY, Server, server

try:  # the batch log_many uses, when the module still says it
    from rbp.interactions._log import BATCH
except ImportError:  # pragma: no cover
    BATCH = 20_000

Batch = tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]
INTERACTION_COLUMNS = [
    *("id", "at", "kind", "attendees", "duration_s"),
    *("follow_up_by", "plan", "concern", "notes"),
]
PARTICIPANT_COLUMNS = ["interaction_id", "stakeholder", "at"]


def minimal_schema(dialect: str, *, without_rowid: bool = False) -> list[str]:
    """CREATE statements of the minimal schema (see the module docstring)."""
    key = "INTEGER PRIMARY KEY" if dialect == "sqlite" else "bigint PRIMARY KEY"
    big, text = ("INTEGER", "TEXT") if dialect == "sqlite" else ("bigint", "text")
    tail = " WITHOUT ROWID" if without_rowid and dialect == "sqlite" else ""
    return [
        f"CREATE TABLE interactions (id {key}, at {big} NOT NULL, kind {text} NOT NULL, "
        f"attendees integer NOT NULL DEFAULT 0, duration_s integer, follow_up_by {big}, "
        f"plan {text}, concern {text}, notes {text})",
        "CREATE INDEX interactions_at ON interactions (at)",
        f"CREATE TABLE interaction_participants (interaction_id {big} NOT NULL, "
        f"stakeholder {text} NOT NULL, at {big} NOT NULL, "
        f"PRIMARY KEY (interaction_id, stakeholder)){tail}",
        "CREATE INDEX participants_stakeholder ON interaction_participants (stakeholder, at)",
    ]


def generate(size: str, interactions: int | None, seed: int) -> tuple[Any, list[Any]]:
    """The city's plan and its interactions, frozen out of the collector's view."""
    from rbp.synth import blueprint

    plan = blueprint(size=size, seed=seed, interactions=interactions)
    items = list(plan.interactions())
    gc.collect()
    gc.freeze()
    return plan, items


def batches_of(items: Sequence[Any], first_id: int = 1) -> list[Batch]:
    """The minimal schema's rows of ``items``, batch by batch."""
    out: list[Batch] = []
    for start in range(0, len(items), BATCH):
        inter: list[tuple[Any, ...]] = []
        parts: list[tuple[Any, ...]] = []
        for n, item in enumerate(items[start : start + BATCH]):
            i = first_id + start + n
            at = micros(item.at)
            inter.append(
                (
                    i,
                    at,
                    item.kind.value,
                    item.attendees,
                    None if item.duration is None else int(item.duration.total_seconds()),
                    None if item.follow_up_by is None else micros(item.follow_up_by),
                    item.plan,
                    item.concern,
                    item.notes,
                )
            )
            parts += [(i, k, at) for k in item.participants]
        out.append((inter, parts))
    return out


def rbp_batches_of(items: Sequence[Any], first_id: int = 1) -> list[list[list[tuple[Any, ...]]]]:
    """The rows of rbp's four raw tables of ``items``, batch by batch (in the order of
    :data:`RBP_TABLES`; participants in the items' order)."""
    out: list[list[list[tuple[Any, ...]]]] = []
    for (inter, parts), start in zip(
        batches_of(items, first_id), range(0, len(items), BATCH), strict=True
    ):
        chunk = items[start : start + BATCH]
        places = [(row[0], a, row[1]) for row, x in zip(inter, chunk, strict=True) for a in x.areas]
        topics = [(row[0], tp) for row, x in zip(inter, chunk, strict=True) for tp in x.topics]
        out.append([inter, parts, places, topics])
    return out


RBP_TABLES = {
    "interactions": INTERACTION_COLUMNS,
    "interaction_participants": PARTICIPANT_COLUMNS,
    "interaction_areas": ["interaction_id", "area", "at"],
    "interaction_topics": ["interaction_id", "topic"],
}
"""rbp's raw tables of the log and the columns the same-tables side writes."""


DIGEST = [
    "SELECT count(*), sum(id), sum(at / 1000000), sum(at % 1000000), count(follow_up_by), "
    "sum(length(kind)) FROM interactions",
    "SELECT count(*), sum(p.interaction_id), sum(i.at / 1000000), sum(i.at % 1000000), "
    "sum(length(p.stakeholder)) "
    "FROM interaction_participants p JOIN interactions i ON i.id = p.interaction_id",
]
"""What both sides must agree on: counts and sums over the two tables both have (the
times summed as whole seconds and the microseconds left, so that no sum overflows)."""

EXTRA_DIGEST = [
    "SELECT count(*), sum(interaction_id), sum(at / 1000000), sum(at % 1000000), "
    "sum(length(area)) FROM interaction_areas",
    "SELECT count(*), sum(interaction_id), sum(length(topic)) FROM interaction_topics",
]
"""What the sides that write rbp's own tables (rbp and ``--same-tables``) must also agree
on: the areas' and topics' rows."""


SUMMARY_DIGEST = [
    "SELECT count(*), sum(n), sum(bucket), sum(first / 1000000), sum(last / 1000000), "
    "count(promise) FROM tie_months",
    "SELECT count(*), sum(n), sum(first / 1000000), sum(last / 1000000), count(promise), "
    "sum(length(officer) + length(stakeholder)) FROM tie_pairs",
    "SELECT count(*), sum(n), sum(size), sum(first / 1000000), sum(last / 1000000), "
    "sum(length(a) + length(b)) FROM community_pairs",
]
"""What ``log_many`` and the ``--floor`` side must agree on: the summary tables' rows
(their weights left out: the floor copies them, they are not what it measures)."""

SUMMARY_KEYS = {
    "tie_months": "officer, stakeholder, bucket",
    "tie_pairs": "officer, stakeholder",
    "community_pairs": "a, b, size",
}
"""The summary tables and their primary keys (the order the floor writes them in)."""


def _answer(n: int, got: list[list[str]]) -> dict[str, Any]:
    """A side's answer from the figures of ``DIGEST + EXTRA_DIGEST [+ SUMMARY_DIGEST]``."""
    first, extra = len(DIGEST), len(DIGEST) + len(EXTRA_DIGEST)
    out: dict[str, Any] = {"logged": n, "rows": got[:first], "extra": got[first:extra]}
    if len(got) > extra:
        out["summaries"] = got[extra:]
    return out


def digest(conn: Any, queries: list[str] = DIGEST) -> list[list[str]]:
    """The :data:`DIGEST` figures (or ``queries``') on a DB-API connection (as text:
    PostgreSQL's numeric)."""
    cur = conn.cursor()
    out = []
    for query in queries:
        cur.execute(query)
        out.append([str(int(v or 0)) for v in cur.fetchone()])
    return out


# ----------------------------------------------------------------------------- cases


def _without_summaries() -> None:
    """Switch the log's pair summaries off in this process: the folds and merges of
    ``tie_months``, ``tie_pairs`` and ``community_pairs`` do nothing (a reference point
    for what the summaries cost, not a mode rbp has; the store is left without them)."""
    from rbp._queries import community_batch
    from rbp._queries.pair_batch import SqlSummaries
    from rbp.interactions._log import LogWriter

    def nothing(*args: Any, **kwargs: Any) -> None:
        return None

    SqlSummaries.add = nothing  # type: ignore[method-assign]
    SqlSummaries.merge = nothing  # type: ignore[method-assign]
    community_batch.fold = nothing
    community_batch.merge = nothing
    community_batch.write = nothing
    LogWriter._fold = nothing  # type: ignore[method-assign]
    community_batch.add = nothing


def rbp_case(
    size: str,
    interactions: int | None,
    seed: int,
    path: str | None = None,
    admin: str | None = None,
    summaries: bool = True,
) -> Case:
    """``log_many`` into a fresh store (SQLite ``path`` or a database on ``admin``'s
    server); without ``summaries``, with the pair summaries switched off."""
    import rbp

    if not summaries:
        _without_summaries()
    plan, items = generate(size, interactions, seed)
    database = "rbp_bench_ingest_rbp"

    def opener() -> rbp.Store:
        if admin is not None:
            url = Server(admin).fresh(database)
        else:
            assert path is not None
            unlink(path)
            url = path
        crm = rbp.open(url, tz=plan.tz)
        crm.directory.add_many(plan.directory())
        return crm

    def answer(n: int) -> dict[str, Any]:
        queries = [*DIGEST, *EXTRA_DIGEST, *(SUMMARY_DIGEST if summaries else [])]
        if admin is not None:
            import psycopg

            with psycopg.connect(Server(admin).conninfo(database)) as conn:
                got = digest(conn, queries)
        else:
            with sqlite3.connect(str(path)) as conn:
                got = digest(conn, queries)
        return _answer(n, got)

    return store_case(opener, lambda crm: len(crm.interactions.log_many(items)), answer)


def unlink(path: str) -> None:
    """Delete the SQLite file ``path`` and its WAL files, where there are any."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def connect(path: str, *, foreign_keys: bool) -> sqlite3.Connection:
    """A sqlite3 connection to ``path`` under the pragmas rbp's store sets (autocommit:
    the caller begins), foreign-key enforcement as asked."""
    conn = sqlite3.connect(path, timeout=30)
    conn.isolation_level = None
    for pragma in (
        f"foreign_keys={'ON' if foreign_keys else 'OFF'}",
        "cache_size=-131072",
        "temp_store=MEMORY",
        "journal_mode=WAL",
        "synchronous=NORMAL",
        "busy_timeout=30000",
    ):
        conn.execute(f"PRAGMA {pragma}")
    return conn


def plain_case(
    size: str, interactions: int | None, seed: int, path: str, without_rowid: bool = False
) -> Case:
    """sqlite3 ``executemany`` into the minimal schema."""
    _, items = generate(size, interactions, seed)
    batches = batches_of(items)
    held: list[sqlite3.Connection] = []

    def close() -> None:
        while held:
            held.pop().close()

    def setup() -> None:
        close()
        unlink(path)
        conn = connect(path, foreign_keys=True)
        for statement in minimal_schema("sqlite", without_rowid=without_rowid):
            conn.execute(statement)
        held.append(conn)

    def run() -> int:
        conn = held[0]
        conn.execute("BEGIN IMMEDIATE")
        for inter, parts in batches:
            conn.executemany(f"INSERT INTO interactions VALUES ({', '.join('?' * 9)})", inter)
            conn.executemany("INSERT INTO interaction_participants VALUES (?, ?, ?)", parts)
        conn.execute("COMMIT")
        return sum(len(b[0]) for b in batches)

    def answer(n: int) -> dict[str, Any]:
        return {"logged": n, "rows": digest(held[0])}

    return Case(run=run, answer=answer, setup=setup, close=close)


def summary_rows(source: str) -> dict[str, tuple[list[str], list[tuple[Any, ...]]]]:
    """The columns and rows of the summary tables of the SQLite store ``source``, the
    rows in key order."""
    out = {}
    with sqlite3.connect(source) as conn:
        for table, key in SUMMARY_KEYS.items():
            cur = conn.execute(f"SELECT * FROM {table} ORDER BY {key}")
            out[table] = ([d[0] for d in cur.description], cur.fetchall())
    return out


def _insert(table: str, cols: list[str]) -> str:
    """An sqlite3 INSERT of ``cols`` into ``table``, one ``?`` per column."""
    return f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"


def same_tables_case(
    size: str, interactions: int | None, seed: int, path: str, source: str | None = None
) -> Case:
    """sqlite3 ``executemany`` into rbp's own four raw tables (made by ``rbp.open``,
    the city's directory in them), foreign keys off and as much page cache as the log
    may take (:data:`rbp._unit.BULK_CACHE_MAX_KIB`), as the log runs; with ``source``
    (``--floor``) the summary rows of that store after them, in key order."""
    import rbp
    from rbp._unit import BULK_CACHE_MAX_KIB

    plan, items = generate(size, interactions, seed)
    batches = rbp_batches_of(items)
    sums = summary_rows(source) if source is not None else {}
    held: list[sqlite3.Connection] = []
    inserts = [_insert(table, cols) for table, cols in RBP_TABLES.items()]

    def close() -> None:
        while held:
            held.pop().close()

    def setup() -> None:
        close()
        unlink(path)
        crm = rbp.open(path, tz=plan.tz)
        crm.directory.add_many(plan.directory())
        crm.engine.dispose()
        conn = connect(path, foreign_keys=False)
        # as much page cache as the log's bulk writes may take (it grows with the file)
        conn.execute(f"PRAGMA cache_size=-{BULK_CACHE_MAX_KIB}")
        held.append(conn)

    def run() -> int:
        conn = held[0]
        conn.execute("BEGIN IMMEDIATE")
        for tables in batches:
            for sql, rows in zip(inserts, tables, strict=True):
                conn.executemany(sql, rows)
        for table, (cols, rows) in sums.items():
            conn.executemany(_insert(table, cols), rows)
        conn.execute("COMMIT")
        return sum(len(b[0]) for b in batches)

    def answer(n: int) -> dict[str, Any]:
        queries = [*DIGEST, *EXTRA_DIGEST, *(SUMMARY_DIGEST if sums else [])]
        return _answer(n, digest(held[0], queries))

    return Case(run=run, answer=answer, setup=setup, close=close)


FLOOR_DATABASE = "rbp_bench_ingest_floor"
"""The PostgreSQL database of the ``--same-tables`` and ``--floor`` sides."""


def floor_pg_case(
    size: str, interactions: int | None, seed: int, admin: str, source: str | None = None
) -> Case:
    """Binary COPY of rbp's four raw tables into a fresh rbp store on PostgreSQL, the
    foreign-key triggers off (``session_replication_role = replica``, as rbp's log runs
    when the role may); with ``source`` (``--floor``) that store's summary rows after
    them, in key order."""
    import psycopg

    import rbp

    plan, items = generate(size, interactions, seed)
    batches = rbp_batches_of(items)
    sums = summary_rows(source) if source is not None else {}
    database = FLOOR_DATABASE
    pg = Server(admin)
    held: list[psycopg.Connection[Any]] = []
    columns = {**RBP_TABLES, **{table: cols for table, (cols, _) in sums.items()}}
    types: dict[str, list[str]] = {}

    def close() -> None:
        while held:
            held.pop().close()

    def setup() -> None:
        close()
        crm = rbp.open(pg.fresh(database), tz=plan.tz)
        crm.directory.add_many(plan.directory())
        crm.close()
        conn = psycopg.connect(pg.conninfo(database))
        for table, cols in columns.items():
            found: dict[str, str] = dict(
                conn.execute(
                    "SELECT column_name, data_type FROM information_schema.columns "
                    "WHERE table_name = %s",
                    (table,),
                ).fetchall()
            )
            types[table] = [found[c] for c in cols]
        conn.commit()
        held.append(conn)

    def copy(cur: Any, table: str, rows: list[tuple[Any, ...]]) -> None:
        statement = f"COPY {table} ({', '.join(columns[table])}) FROM STDIN (FORMAT binary)"
        with cur.copy(statement) as cp:
            cp.set_types(types[table])
            for row in rows:
                cp.write_row(row)

    def run() -> int:
        conn = held[0]
        with conn.transaction(), conn.cursor() as cur:
            cur.execute("SET LOCAL session_replication_role = replica")
            for tables in batches:
                for table, rows in zip(RBP_TABLES, tables, strict=True):
                    copy(cur, table, rows)
            for table, (_, rows) in sums.items():
                copy(cur, table, rows)
        return sum(len(b[0]) for b in batches)

    def answer(n: int) -> dict[str, Any]:
        queries = [*DIGEST, *EXTRA_DIGEST, *(SUMMARY_DIGEST if sums else [])]
        return _answer(n, digest(held[0], queries))

    return Case(run=run, answer=answer, setup=setup, close=close)


def copy_case(size: str, interactions: int | None, seed: int, admin: str) -> Case:
    """psycopg COPY into the minimal schema on PostgreSQL."""
    import psycopg

    _, items = generate(size, interactions, seed)
    batches = batches_of(items)
    database = "rbp_bench_ingest_copy"
    held: list[psycopg.Connection[Any]] = []
    copy_inter = f"COPY interactions ({', '.join(INTERACTION_COLUMNS)}) FROM STDIN"
    copy_parts = f"COPY interaction_participants ({', '.join(PARTICIPANT_COLUMNS)}) FROM STDIN"

    def close() -> None:
        while held:
            held.pop().close()

    def setup() -> None:
        close()
        pg = Server(admin)
        pg.fresh(database)
        conn = psycopg.connect(pg.conninfo(database))
        for statement in minimal_schema("postgresql"):
            conn.execute(statement)
        conn.commit()
        held.append(conn)

    def run() -> int:
        conn = held[0]
        with conn.transaction(), conn.cursor() as cur:
            for inter, parts in batches:
                with cur.copy(copy_inter) as cp:
                    for row in inter:
                        cp.write_row(row)
                with cur.copy(copy_parts) as cp:
                    for row in parts:
                        cp.write_row(row)
        return sum(len(b[0]) for b in batches)

    def answer(n: int) -> dict[str, Any]:
        return {"logged": n, "rows": digest(held[0])}

    return Case(run=run, answer=answer, setup=setup, close=close)


# ----------------------------------------------------------------------------- main


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="medium", help="preset of rbp.synth.SIZES")
    parser.add_argument("--interactions", type=int, help="override the preset's count")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--reps", type=int, default=3, help="processes per side (best counts)")
    parser.add_argument(
        "--without-rowid", action="store_true", help="plain side: participants WITHOUT ROWID"
    )
    parser.add_argument("--order", choices=("rbp-first", "plain-first"), default="rbp-first")
    parser.add_argument(
        "--postgres",
        nargs="?",
        const=THROWAWAY,
        metavar="URL",
        help="also PostgreSQL: log_many against COPY (no URL: a throwaway server)",
    )
    parser.add_argument("--no-sqlite", action="store_true", help="only PostgreSQL")
    parser.add_argument(
        "--without-summaries",
        action="store_true",
        help="SQLite: also log_many with the pair summaries switched off (a reference point)",
    )
    parser.add_argument(
        "--same-tables",
        action="store_true",
        help="also rbp's own four raw tables, bare (executemany; COPY on PostgreSQL)",
    )
    parser.add_argument(
        "--floor",
        action="store_true",
        help="also the storage floor: rbp's raw tables and the final summary rows, bare",
    )
    args = parser.parse_args(argv)
    OUT.mkdir(exist_ok=True)
    plan, items = generate(args.size, args.interactions, args.seed)
    source = str(OUT / "ingest-floor-source.db")
    if args.floor:  # the summaries the floor writes: what log_many leaves (untimed)
        import rbp

        unlink(source)
        with rbp.open(source, tz=plan.tz) as crm:
            crm.directory.add_many(plan.directory())
            crm.interactions.log_many(items)
    n_parts = sum(len(i.participants) for i in items)
    extra = sum(len(i.areas) + len(i.topics) for i in items)
    print(
        f"{args.size} city, seed {args.seed}: {label(len(items))} interactions ({len(items):,}), "
        f"{n_parts:,} participant rows; batches of {BATCH:,}; rbp also writes {extra:,} area "
        f"and topic rows (and whatever it derives)"
    )
    common = {"size": args.size, "interactions": args.interactions, "seed": args.seed}
    del plan, items
    reps = args.reps

    def side(name: str, target: str, **kw: Any) -> Any:
        got = measure(name, target, reps=reps, warm=0, **common, **kw)
        print("  " + got.line(), flush=True)
        return got

    def pair(a: tuple[str, str, dict[str, Any]], b: tuple[str, str, dict[str, Any]]) -> Any:
        sides = [a, b]
        if args.order == "plain-first":
            sides.reverse()
        got = {name: side(name, target, **kw) for name, target, kw in sides}
        return got[a[0]], got[b[0]]

    if not args.no_sqlite:
        schema = "WITHOUT ROWID participants" if args.without_rowid else "rowid participants"
        print(f"\nSQLite (minimal schema: {schema})")
        ours, theirs = pair(
            ("rbp log_many", "bench.ingest:rbp_case", {"path": str(OUT / "ingest-rbp.db")}),
            (
                "sqlite3 executemany",
                "bench.ingest:plain_case",
                {"path": str(OUT / "ingest-plain.db"), "without_rowid": args.without_rowid},
            ),
        )
        report(ours, theirs, target=0.8)
        if args.without_summaries:
            bare = side(
                "rbp, no summaries",
                "bench.ingest:rbp_case",
                path=str(OUT / "ingest-rbp.db"),
                summaries=False,
            )
            report(bare, theirs, target=0.8)
        if args.same_tables:
            same = side(
                "executemany, rbp's tables",
                "bench.ingest:same_tables_case",
                path=str(OUT / "ingest-same.db"),
            )
            print("  rbp log_many against executemany into rbp's own four raw tables:")
            report(ours, same, target=None)
            if args.without_summaries:
                print("  rbp without summaries against the same:")
                report(bare, same, target=None)
        if args.floor:
            floor = side(
                "floor: rbp's tables, bare",
                "bench.ingest:same_tables_case",
                path=str(OUT / "ingest-floor.db"),
                source=source,
            )
            print("  the storage floor (rbp's raw and summary rows, bare) against the baseline:")
            report(floor, theirs, target=None)
            print("  rbp log_many against the floor:")
            report(ours, floor, target=None)
    if args.postgres:
        with server(args.postgres) as pg:
            print("\nPostgreSQL (minimal schema)")
            ours, theirs = pair(
                ("rbp log_many", "bench.ingest:rbp_case", {"admin": pg.admin_url}),
                ("psycopg COPY", "bench.ingest:copy_case", {"admin": pg.admin_url}),
            )
            report(ours, theirs, target=0.9)
            if args.same_tables:
                same = side(
                    "COPY, rbp's tables",
                    "bench.ingest:floor_pg_case",
                    admin=pg.admin_url,
                )
                print("  rbp's four raw tables alone, COPY, against COPY into the minimal schema:")
                report(same, theirs, target=None)
            if args.floor:
                floor = side(
                    "floor: rbp's tables, COPY",
                    "bench.ingest:floor_pg_case",
                    admin=pg.admin_url,
                    source=source,
                )
                print("  the storage floor (rbp's raw and summary rows, COPY) against COPY:")
                report(floor, theirs, target=None)
                print("  rbp log_many against the floor:")
                report(ours, floor, target=None)
            for database in ("rbp_bench_ingest_rbp", "rbp_bench_ingest_copy", FLOOR_DATABASE):
                pg.drop(database)
    if args.floor:
        unlink(source)


def report(ours: Any, theirs: Any, *, target: float | None) -> None:
    """Throughput of both sides, their ratio (against the target, if there is one),
    and the row check."""
    n = ours.answer["logged"]
    for r in (ours, theirs):
        print(f"  {r.name:<26} {n / r.best:10,.0f} interactions/s")
    ratio = theirs.best / ours.best
    against = (
        "a reference point, no target"
        if target is None
        else f"target >= {target:.1f}x: {'met' if ratio >= target else 'NOT met'}"
    )
    print(
        f"  ratio {ours.name} / {theirs.name} (throughput): {ratio:.2f}x wall ({against}), "
        f"{theirs.best_cpu / ours.best_cpu:.2f}x CPU (SQLite: a check when the "
        f"machine is busy; PostgreSQL: the client's CPU only)"
    )
    # the rows of the tables both sides write (the areas and topics too, where both do)
    same = all(
        ours.answer[k] == theirs.answer[k] for k in ours.answer.keys() & theirs.answer.keys()
    )
    print(f"  same rows on both sides: {'yes' if same else 'NO'}")
    if not same:
        print(f"    rbp {ours.answer}\n    baseline {theirs.answer}")


if __name__ == "__main__":
    main()
