"""The ``rbp`` command: the demo, quick answers from a store, diagrams and reports.

::

    rbp demo [--out DIR]
    rbp summary DB
    rbp coverage DB [--as-of DATE] [--area A]
    rbp gaps DB [--as-of DATE] [--area A]
    rbp departure DB OFFICER [--as-of DATE]
    rbp diagram DB {network,ego,matrix,keyperson,plan} [KEY] [--area A] [--as-of DATE] -o FILE
    rbp report DB -o report.html [--as-of DATE] [--area A]

``DB`` is a SQLite file (it must exist) or a SQLAlchemy URL. A diagram's format comes
from the suffix of ``-o`` (``.svg``, ``.png`` or ``.pdf``). Errors are one clear line
on stderr and exit code 2; long work prints progress lines to stderr.
"""

from __future__ import annotations

import argparse
import inspect
import sys
import time
from pathlib import Path
from typing import Any

import pendulum

import rbp
from rbp.errors import RbpError

DIAGRAMS = {
    "network": "diagram",
    "ego": "ego_diagram",
    "matrix": "matrix_diagram",
    "keyperson": "keyperson_diagram",
    "plan": "plan_diagram",
}
FORMATS = ("svg", "png", "pdf")


class _UsageError(RbpError):
    """A command-line mistake, reported like any other error."""


def _as_of(text: str | None, tz: str) -> pendulum.DateTime | None:
    if text is None:
        return None
    try:
        parsed = pendulum.parse(text, tz=tz)
    except Exception:
        raise _UsageError(f"--as-of {text!r} is not a date; use YYYY-MM-DD") from None
    if not isinstance(parsed, pendulum.DateTime):
        if not isinstance(parsed, pendulum.Date):
            raise _UsageError(f"--as-of {text!r} is not a date; use YYYY-MM-DD")
        parsed = pendulum.datetime(parsed.year, parsed.month, parsed.day, tz=tz)
    return parsed.end_of("day") if len(text) == 10 else parsed


def _progress(line: str) -> None:
    print(f"rbp: {line}", file=sys.stderr, flush=True)


def _check_db(db: str) -> None:
    if "://" not in db and not Path(db).is_file():
        raise _UsageError(f"no database file {db!r}; give an existing SQLite file or a URL")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="rbp", description="relationship-based policing")
    sub = parser.add_subparsers(dest="command", required=True)
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
        p.add_argument("--tz", default="UTC", help="agency time zone (IANA name)")
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
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the ``rbp`` command; returns the exit code.

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
        _check_db(args.db)
        as_of = _as_of(getattr(args, "as_of", None), args.tz)
        with rbp.open(args.db, tz=args.tz) as crm:
            area = getattr(args, "area", None)
            if area is not None and area not in crm.directory.areas():
                raise _UsageError(f"--area {area!r}: no such area in {args.db}")
            if args.command == "summary":
                print(crm.directory.summary())
                print(f"{'interactions':<28}{crm.interactions.count():>8}")
            elif args.command == "coverage":
                print(crm.graph.coverage(as_of=as_of, area=args.area))
            elif args.command == "gaps":
                print(crm.graph.gaps(as_of=as_of, area=args.area))
            elif args.command == "departure":
                print(crm.graph.simulate_departure(args.officer, as_of=as_of))
            elif args.command == "diagram":
                _diagram(crm, args, as_of)
            else:
                from rbp.report import write_report

                started = time.perf_counter()
                out = write_report(
                    crm, args.output, as_of=as_of, area=args.area, progress=_progress
                )
                _progress(f"done in {time.perf_counter() - started:.1f} s")
                print(out)
    except RbpError as exc:
        print(f"rbp: {str(exc).splitlines()[0]}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"rbp: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), file=sys.stderr)
        return 2
    return 0


def _diagram(crm: rbp.Store, args: argparse.Namespace, as_of: pendulum.DateTime | None) -> None:
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
