"""The ``rbp`` command: the demo, and quick answers from a store.

``rbp demo [--out DIR]``, ``rbp summary DB``, ``rbp coverage DB [--as-of DATE] [--area A]``,
``rbp gaps DB [--as-of DATE]``, ``rbp departure DB OFFICER [--as-of DATE]``.
Errors are one clear line on stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import sys

import pendulum

import rbp
from rbp.errors import RbpError


def _as_of(text: str | None, tz: str) -> pendulum.DateTime | None:
    if text is None:
        return None
    try:
        parsed = pendulum.parse(text, tz=tz)
    except Exception:
        raise RbpError(f"--as-of {text!r} is not a date; use YYYY-MM-DD") from None
    if not isinstance(parsed, pendulum.DateTime):
        parsed = pendulum.datetime(parsed.year, parsed.month, parsed.day, tz=tz)  # type: ignore[union-attr]
    return parsed.end_of("day") if len(text) == 10 else parsed


def main(argv: list[str] | None = None) -> int:
    """Run the ``rbp`` command; returns the exit code."""
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
    ):
        p = sub.add_parser(name, help=helptext)
        p.add_argument("db", help="SQLite file or SQLAlchemy URL")
        p.add_argument("--tz", default="UTC", help="agency time zone (IANA name)")
        if name == "departure":
            p.add_argument("officer")
        if name != "summary":
            p.add_argument("--as-of", dest="as_of", help="YYYY-MM-DD (end of that day)")
        if name == "coverage":
            p.add_argument("--area")
    args = parser.parse_args(argv)
    try:
        if args.command == "demo":
            from rbp.demo import main as run_demo

            return run_demo(["--out", args.out, "--size", args.size])
        with rbp.open(args.db, tz=args.tz) as crm:
            if args.command == "summary":
                print(crm.directory.summary())
                print(f"{'interactions':<28}{crm.interactions.count():>8}")
            elif args.command == "coverage":
                print(crm.graph.coverage(_as_of(args.as_of, args.tz), area=args.area))
            elif args.command == "gaps":
                print(crm.graph.gaps(_as_of(args.as_of, args.tz)))
            else:
                print(crm.graph.simulate_departure(args.officer, _as_of(args.as_of, args.tz)))
    except RbpError as exc:
        print(f"rbp: {str(exc).splitlines()[0]}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
