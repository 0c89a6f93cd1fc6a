"""The ``rbp`` command: the demo, quick answers from a store, diagrams and reports.

::

    rbp --version
    rbp demo [--out DIR]
    rbp upgrade DB [--tz ZONE]
    rbp summary DB
    rbp coverage DB [--as-of DATE] [--area A]
    rbp gaps DB [--as-of DATE] [--area A]
    rbp departure DB OFFICER [--as-of DATE]
    rbp diagram DB {network,ego,matrix,keyperson,plan} [KEY] [--area A] [--as-of DATE] -o FILE
    rbp report DB [-o brief.html] [--full] [--as-of DATE] [--area A]
    rbp import DB FILE --kind K [--map field=Header ...] [--default field=value ...]
               [--tz ZONE] [--separator ;] [--date-format FMT] [--encoding E] [--dry-run]
    rbp export DB --format {csv,graphml,gexf} --out PATH [--as-of DATE] [--pseudonymise]
               [--personal]
    rbp feedback DB [--by {area,officer}] [--as-of DATE] [--min-n N] [-o FILE]
    rbp outbox deliver DB --smtp HOST:PORT [--sender ADDRESS] [--as-of DATE]

``DB`` is a SQLite file (it must exist, except for ``import``, which creates it) or
a SQLAlchemy URL. ``import`` loads one CSV file (:func:`rbp.io.import_csv`; ``--tz`` is
the zone of the file's naive times, and of a store it creates); ``export`` writes the
store as CSV files in the folder ``--out`` or the graph as GraphML or GEXF. ``feedback``
and ``outbox deliver`` are in :mod:`rbp.cli._engagement`. Every command but ``upgrade``,
``import`` and ``outbox deliver`` opens it read-only
(``rbp.open(DB, readonly=True)``): it never creates, fills or migrates a file,
refuses an empty file or another application's database,
and asks for ``rbp upgrade DB`` when the store was made by an older rbp. ``--tz`` may
be left out: a store answers in the zone it recorded.

``report`` writes the one-page brief (:func:`rbp.report.brief`; ``-o`` defaults to
``brief.html``); ``--full`` writes the full report (:func:`rbp.report.write_report`;
``-o`` defaults to ``report.html``).

Every answer starts with the time it answers for: the first line of ``coverage``,
``gaps`` and ``departure`` is the report's title with its time (``Coverage — as of
2025-12-31 23:59 UTC``), the others start with ``as of 2025-12-31 23:59 UTC``. When the
newest interaction is older than the longest contact window, the next line says so,
with the date of the newest data and the ``--as-of`` that asks for it (``report`` and
``diagram`` write both lines to stderr, as their stdout is the file written). A
diagram's format comes from the suffix of ``-o`` (``.svg``, ``.png`` or ``.pdf``).
Errors are one clear line on stderr and exit code 2; long work prints progress lines
to stderr.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import sys
from pathlib import Path
from typing import Any

import rbp
from rbp._identify import Verdict, from_engine, from_file, sqlite_path
from rbp._migrate import head
from rbp._unit import make_engine
from rbp.cli import _engagement
from rbp.cli._answers import (
    DIAGRAMS,
    UsageError,
    answer,
    as_of_arg,
)
from rbp.cli._public import transparency
from rbp.errors import RbpError

DISTRIBUTION = "rbp-crm"  # the name on the package index; the import name is rbp


def _version() -> str:
    try:
        return f"rbp {importlib.metadata.version(DISTRIBUTION)}"
    except importlib.metadata.PackageNotFoundError:
        return f"rbp {rbp.__version__} (source tree; {DISTRIBUTION} is not installed)"


def _check_db(db: str) -> None:
    if "://" not in db and not Path(db).is_file():
        raise UsageError(f"no database file {db!r}; give an existing SQLite file or a URL")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="rbp", description="relationship-based policing")
    parser.add_argument("--version", action="version", version=_version())
    sub = parser.add_subparsers(dest="command", required=True)
    upgrade = sub.add_parser("upgrade", help="bring a store made by an older rbp up to date")
    upgrade.add_argument("db", help="SQLite file or SQLAlchemy URL")
    upgrade.add_argument(
        "--tz", help="agency time zone to record, for a store that has none yet (default UTC)"
    )
    demo = sub.add_parser("demo", help="build a synthetic city and print its reports")
    demo.add_argument("--out", default="demo-out")
    demo.add_argument("--size", default="small")
    for name, helptext in (
        ("summary", "counts of a store"),
        ("coverage", "coverage report"),
        ("gaps", "gap report"),
        ("departure", "impact of an officer leaving"),
        ("diagram", "render a diagram to SVG, PNG or PDF"),
        ("report", "write the one-page brief (or, with --full, the full report) as HTML"),
    ):
        p = sub.add_parser(name, help=helptext)
        p.add_argument("db", help="SQLite file or SQLAlchemy URL")
        p.add_argument(
            "--tz", help="agency time zone (IANA name); default: the zone the store recorded"
        )
        if name == "departure":
            p.add_argument("officer")
        if name == "diagram":
            p.add_argument("kind", choices=sorted(DIAGRAMS))
            p.add_argument("key", nargs="?", help="officer key (ego) or plan key (plan)")
        if name != "summary":
            p.add_argument("--as-of", dest="as_of", help="YYYY-MM-DD (end of that day)")
        if name in ("coverage", "gaps", "diagram", "report"):
            p.add_argument("--area")
        if name == "diagram":
            p.add_argument("-o", "--output", required=True, help="file to write")
        if name == "report":
            p.add_argument(
                "-o", "--output", help="file to write (default brief.html, or report.html)"
            )
            p.add_argument(
                "--full",
                action="store_true",
                help="the full report (every table, a departure, a network map) instead",
            )
    pub = sub.add_parser(
        "transparency", help="write the public transparency report (HTML, JSON, CSV)"
    )
    pub.add_argument("db", help="SQLite file or SQLAlchemy URL")
    pub.add_argument("--tz", help="agency time zone (IANA name)")
    pub.add_argument("--from", dest="start", required=True, help="YYYY-MM-DD (start of day)")
    pub.add_argument("--to", dest="end", required=True, help="YYYY-MM-DD (end of day)")
    pub.add_argument("--min-n", dest="min_n", type=int, default=5, help="smallest count shown")
    pub.add_argument("--out", required=True, help="folder to write into")
    imp = sub.add_parser("import", help="load a CSV file of one kind of record")
    imp.add_argument("db", help="SQLite file (created if missing) or SQLAlchemy URL")
    imp.add_argument("file", help="the CSV file")
    imp.add_argument(
        "--kind",
        required=True,
        help="areas, officers, members, agencies, relationships or interactions",
    )
    imp.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="FIELD=HEADER",
        help="rbp's field from the file's column (repeat)",
    )
    imp.add_argument(
        "--default",
        action="append",
        default=[],
        metavar="FIELD=VALUE",
        help="a value for a field the file lacks (repeat)",
    )
    imp.add_argument("--tz", help="zone of naive times in the file (default: the store's)")
    imp.add_argument("--separator", default=";", help="splits list cells (default ;)")
    imp.add_argument("--date-format", dest="date_format", help="strptime format of times")
    imp.add_argument("--encoding", default="utf-8")
    imp.add_argument(
        "--dry-run", dest="dry_run", action="store_true", help="check everything, write nothing"
    )
    exp = sub.add_parser("export", help="write the store as CSV, GraphML or GEXF")
    exp.add_argument("db", help="SQLite file or SQLAlchemy URL")
    exp.add_argument("--format", required=True, choices=("csv", "graphml", "gexf"))
    exp.add_argument("--out", required=True, help="folder (csv) or file (graphml, gexf)")
    exp.add_argument("--as-of", dest="as_of", help="YYYY-MM-DD (graph formats)")
    exp.add_argument("--pseudonymise", action="store_true", help="aliases for keys (graphs)")
    exp.add_argument("--personal", action="store_true", help="names, contacts, notes (csv)")
    exp.add_argument("--tz", help="agency time zone; default: the zone the store recorded")
    _engagement.add_parsers(sub)
    return parser


def _pairs(values: list[str], option: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for text in values:
        field, sep, value = text.partition("=")
        if not sep or not field.strip():
            raise UsageError(f"{option} {text!r}: write it as field=value")
        out[field.strip()] = value
    return out


def _bar(what: str) -> Any:
    """A tqdm progress bar on stderr when it is a terminal (and tqdm is installed)."""
    if not sys.stderr.isatty():
        return None
    try:
        from tqdm import tqdm
    except ImportError:
        return None
    return tqdm(desc=what, unit=" rows", file=sys.stderr, leave=False)


def _import(args: argparse.Namespace) -> None:
    import rbp.io

    columns = _pairs(args.map, "--map")
    defaults = _pairs(args.default, "--default")
    if "://" not in args.db and not Path(args.db).exists():
        crm = rbp.open(args.db, tz=args.tz or "UTC")
    else:
        crm = rbp.open(args.db)
    bar = _bar("import")

    def progress(n: int) -> None:
        if bar is not None:
            bar.update(n - bar.n)

    try:
        with crm:
            report = rbp.io.import_csv(
                crm,
                args.file,
                args.kind,
                columns=columns,
                defaults=defaults,
                tz=args.tz,
                date_format=args.date_format,
                separator=args.separator,
                encoding=args.encoding,
                dry_run=args.dry_run,
                progress=progress,
            )
    finally:
        if bar is not None:
            bar.close()
    verb = "would add" if report.dry_run else "added"
    n = report.records if report.dry_run else report.added
    print(f"{report.source}: {report.rows} rows of {report.kind}; {verb} {n}")


def _export(args: argparse.Namespace) -> None:
    import rbp.io

    _check_db(args.db)
    with rbp.open(args.db, tz=args.tz, readonly=True) as crm:
        if args.format == "csv":
            out = rbp.io.export_csv(crm, args.out, personal=args.personal)
        else:
            as_of = as_of_arg(args.as_of, crm.tz)
            write = rbp.io.write_graphml if args.format == "graphml" else rbp.io.write_gexf
            out = write(crm, args.out, as_of=as_of, pseudonymise=args.pseudonymise)
    print(out)


def _one_line(exc: RbpError) -> str:
    from rbp.errors import BulkValidationError

    first = str(exc).splitlines()[0]
    if isinstance(exc, BulkValidationError) and exc.errors:
        first = first.split(";")[0]
        return f"{first}; first: {str(exc.errors[0]).splitlines()[0]}"
    return first


def main(argv: list[str] | None = None) -> int:
    """Run the ``rbp`` command; returns the exit code.

    Parameters
    ----------
    argv
        The arguments after the command name; default ``sys.argv[1:]``.

    Returns
    -------
    int
        The exit code: 0 on success, 2 for a refused argument or store.

    Examples
    --------
    >>> main(["summary", "no-such-file.db"])
    2
    """
    args = _parser().parse_args(argv)
    try:
        if args.command == "demo":
            from rbp.demo import main as run_demo

            return run_demo(["--out", args.out, "--size", args.size])
        if args.command == "import":
            _import(args)
            return 0
        if args.command == "export":
            _export(args)
            return 0
        _check_db(args.db)
        if args.command == "upgrade":
            _upgrade(args.db, args.tz)
            return 0
        if args.command in _engagement.COMMANDS:
            readonly = args.command != "outbox"
            with rbp.open(args.db, tz=args.tz, readonly=readonly) as crm:
                _engagement.run(crm, args)
            return 0
        with rbp.open(args.db, tz=args.tz, readonly=True) as crm:
            if args.command == "transparency":
                transparency(crm, args)
            else:
                answer(crm, args)
    except RbpError as exc:
        print(f"rbp: {_one_line(exc)}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"rbp: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), file=sys.stderr)
        return 2
    return 0


def _upgrade(db: str, tz: str | None) -> None:
    """Run the migrations an existing store lacks; refuse anything that is not one."""
    path = sqlite_path(db)
    if path is not None:
        found = from_file(path)
    else:
        engine = make_engine(db, echo=False, readonly=True)
        try:
            found = from_engine(engine)
        finally:
            engine.dispose()
    if found.verdict in (Verdict.MISSING, Verdict.EMPTY):
        raise UsageError(
            f"{db} is empty, not an rbp store; rbp upgrade only upgrades existing stores"
        )
    if found.verdict is not Verdict.RBP:
        raise UsageError(found.refusal())
    if found.revision == head() and found.zone is not None:
        print(f"{db}: up to date (schema revision {head()}, time zone {found.zone})")
        return
    with rbp.open(db, tz=tz) as crm:
        zone = crm.tz
    recorded = "" if found.zone is not None else " (recorded now)"
    print(
        f"{db}: upgraded from schema revision {found.revision} to {head()}; "
        f"time zone {zone}{recorded}"
    )


if __name__ == "__main__":
    sys.exit(main())
