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
    rbp report DB -o report.html [--as-of DATE] [--area A]
    rbp import DB FILE --kind K [--map field=Header ...] [--default field=value ...]
               [--tz ZONE] [--separator ;] [--date-format FMT] [--encoding E] [--dry-run]
    rbp export DB --format {csv,graphml,gexf} --out PATH [--as-of DATE] [--pseudonymise]
               [--personal]

``DB`` is a SQLite file (it must exist, except for ``import``, which creates it) or
a SQLAlchemy URL. ``import`` loads one CSV file (:func:`rbp.io.import_csv`; ``--tz`` is
the zone of the file's naive times, and of a store it creates); ``export`` writes the
store as CSV files in the folder ``--out`` or the graph as GraphML or GEXF. Every
command but ``upgrade`` and ``import`` opens it read-only
(``rbp.open(DB, readonly=True)``): it never creates, fills or migrates a file,
refuses an empty file or another application's database,
and asks for ``rbp upgrade DB`` when the store was made by an older rbp. ``--tz`` may
be left out: a store answers in the zone it recorded.

Every answer starts with the time it answers for (``as of 2025-12-31 23:59 UTC``);
when the newest interaction is older than the longest contact window, the next line
says so, with the date of the newest data and the ``--as-of`` that asks for it
(``report`` and ``diagram`` write both lines to stderr, as their stdout is the file
written). A diagram's format comes from the suffix of ``-o`` (``.svg``, ``.png`` or
``.pdf``). Errors are one clear line on stderr and exit code 2; long work prints
progress lines to stderr.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import inspect
import sys
import time
from pathlib import Path
from typing import Any

import pendulum

import rbp
from rbp._identify import Verdict, from_engine, from_file, sqlite_path
from rbp._migrate import head
from rbp._unit import make_engine
from rbp.errors import RbpError

DIAGRAMS = {
    "network": "diagram",
    "ego": "ego_diagram",
    "matrix": "matrix_diagram",
    "keyperson": "keyperson_diagram",
    "plan": "plan_diagram",
}
FORMATS = ("svg", "png", "pdf")
DISTRIBUTION = "rbp-crm"  # the name on the package index; the import name is rbp


class _UsageError(RbpError):
    """A command-line mistake, reported like any other error."""


def _as_of(text: str | None, tz: str, flag: str = "--as-of") -> pendulum.DateTime | None:
    if text is None:
        return None
    try:
        parsed = pendulum.parse(text, tz=tz)
    except Exception:
        raise _UsageError(f"{flag} {text!r} is not a date; use YYYY-MM-DD") from None
    if not isinstance(parsed, pendulum.DateTime):
        if not isinstance(parsed, pendulum.Date):
            raise _UsageError(f"{flag} {text!r} is not a date; use YYYY-MM-DD")
        parsed = pendulum.datetime(parsed.year, parsed.month, parsed.day, tz=tz)
    return parsed.end_of("day") if len(text) == 10 else parsed


def _version() -> str:
    try:
        return f"rbp {importlib.metadata.version(DISTRIBUTION)}"
    except importlib.metadata.PackageNotFoundError:
        return f"rbp {rbp.__version__} (source tree; {DISTRIBUTION} is not installed)"


def _period(crm: rbp.Store) -> tuple[pendulum.DateTime, pendulum.DateTime] | None:
    """The times of the oldest and the newest interaction (None when there are none)."""
    first = crm.interactions.find(limit=1)
    if not first:
        return None
    last = crm.interactions.find(newest_first=True, limit=1)
    return first[0].at, last[0].at


def _header(crm: rbp.Store, at: pendulum.DateTime) -> list[str]:
    """The time an answer is for, and a note when the data ends long before it."""
    lines = [f"as of {at:%Y-%m-%d %H:%M} {crm.tz}"]
    period = _period(crm)
    longest = max(crm.settings.cadence.values())
    if period is not None and (at - period[1]).in_days() > longest:
        newest = period[1]
        lines.append(
            f"note: the newest interaction is from {newest:%Y-%m-%d}, "
            f"{(at - newest).in_days()} days before {at:%Y-%m-%d} and longer ago than the "
            f"longest contact window ({longest} days); to answer for the data's own time, "
            f"add --as-of {newest:%Y-%m-%d}"
        )
    return lines


def _progress(line: str) -> None:
    print(f"rbp: {line}", file=sys.stderr, flush=True)


def _check_db(db: str) -> None:
    if "://" not in db and not Path(db).is_file():
        raise _UsageError(f"no database file {db!r}; give an existing SQLite file or a URL")


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
        ("report", "write the combined HTML report"),
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
        if name in ("diagram", "report"):
            p.add_argument("-o", "--output", required=True, help="file to write")
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
    return parser


def _pairs(values: list[str], option: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for text in values:
        field, sep, value = text.partition("=")
        if not sep or not field.strip():
            raise _UsageError(f"{option} {text!r}: write it as field=value")
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
            as_of = _as_of(args.as_of, crm.tz)
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
        with rbp.open(args.db, tz=args.tz, readonly=True) as crm:
            _answer(crm, args)
    except RbpError as exc:
        print(f"rbp: {_one_line(exc)}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"rbp: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), file=sys.stderr)
        return 2
    return 0


def _answer(crm: rbp.Store, args: argparse.Namespace) -> None:
    """Run one read-only command on an open store."""
    as_of = _as_of(getattr(args, "as_of", None), crm.tz)
    at = crm.now() if as_of is None else as_of
    area = getattr(args, "area", None)
    if area is not None and area not in crm.directory.areas():
        raise _UsageError(f"--area {area!r}: no such area in {args.db}")
    header = _header(crm, at)
    if args.command not in ("diagram", "report", "transparency"):
        print("\n".join(header))
    if args.command == "summary":
        print(crm.directory.summary())
        print(f"{'interactions':<28}{crm.interactions.count():>8}")
        period = _period(crm)
        if period is not None:
            print(f"{'interactions from':<28}{period[0]:%Y-%m-%d} to {period[1]:%Y-%m-%d}")
    elif args.command == "coverage":
        print(crm.graph.coverage(as_of=at, area=args.area))
    elif args.command == "gaps":
        print(crm.graph.gaps(as_of=at, area=args.area))
    elif args.command == "departure":
        print(crm.graph.simulate_departure(args.officer, as_of=at))
    elif args.command == "diagram":
        _diagram(crm, args, at, header)
    elif args.command == "transparency":
        _transparency(crm, args)
    else:
        for line in header:
            _progress(line)
        from rbp.report import write_report

        started = time.perf_counter()
        out = write_report(crm, args.output, as_of=at, area=args.area, progress=_progress)
        _progress(f"done in {time.perf_counter() - started:.1f} s")
        print(out)


def _transparency(crm: rbp.Store, args: argparse.Namespace) -> None:
    """Write transparency.html, transparency.json and csv/*.csv into ``--out``."""
    from rbp.report import write_transparency

    start = _as_of(args.start, crm.tz, "--from")
    end = _as_of(args.end, crm.tz, "--to")
    assert start is not None
    for path in write_transparency(
        crm, args.out, start=start.start_of("day"), end=end, min_n=args.min_n
    ):
        print(path)


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
        raise _UsageError(
            f"{db} is empty, not an rbp store; rbp upgrade only upgrades existing stores"
        )
    if found.verdict is not Verdict.RBP:
        raise _UsageError(found.refusal())
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


def _diagram(
    crm: rbp.Store, args: argparse.Namespace, as_of: pendulum.DateTime, header: list[str]
) -> None:
    import graphviz

    out = Path(args.output)
    fmt = out.suffix.lstrip(".").lower()
    if fmt not in FORMATS:
        raise _UsageError(f"-o {args.output!r}: the file name must end in .svg, .png or .pdf")
    call: list[Any] = []
    if args.kind in ("ego", "plan"):
        if args.key is None:
            what = "an officer" if args.kind == "ego" else "a plan"
            raise _UsageError(
                f"the {args.kind} diagram needs {what} key: rbp diagram DB {args.kind} KEY"
            )
        call.append(args.key)
    elif args.key is not None:
        raise _UsageError(f"the {args.kind} diagram takes no KEY (got {args.key!r})")
    method = getattr(crm.graph, DIAGRAMS[args.kind], None)
    if method is None:
        raise _UsageError(f"the {args.kind} diagram is not available in this version of rbp")
    params = inspect.signature(method).parameters
    options: dict[str, Any] = {}
    if "as_of" in params:
        options["as_of"] = as_of
    if args.area is not None:
        if "area" not in params:
            raise _UsageError(f"the {args.kind} diagram does not take --area")
        options["area"] = args.area
    for line in header:
        _progress(line)
    _progress(f"building the {args.kind} diagram")
    diagram = method(*call, **options)
    _progress(f"rendering {out} with Graphviz")
    try:
        data = diagram.pipe(format=fmt)
    except graphviz.ExecutableNotFound:
        raise _UsageError(
            "Graphviz's dot is not installed; install it with: apt-get install graphviz"
        ) from None
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    print(out)


if __name__ == "__main__":
    sys.exit(main())
