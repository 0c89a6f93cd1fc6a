"""The read-only answers of the ``rbp`` command: coverage, gaps, departure, diagrams,
the brief and the full report, each saying once the time it answers for."""

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

__all__ = [
    "DIAGRAMS",
    "FORMATS",
    "UsageError",
    "answer",
    "as_of_arg",
    "data_period",
    "progress",
    "time_lines",
]

DIAGRAMS = {
    "network": "diagram",
    "ego": "ego_diagram",
    "matrix": "matrix_diagram",
    "keyperson": "keyperson_diagram",
    "plan": "plan_diagram",
}
FORMATS = ("svg", "png", "pdf")


class UsageError(RbpError):
    """A command-line mistake, reported like any other error."""


def as_of_arg(text: str | None, tz: str, flag: str = "--as-of") -> pendulum.DateTime | None:
    """``--as-of`` (or ``flag``): a date (the end of that day) or a time, in the zone ``tz``."""
    if text is None:
        return None
    try:
        parsed = pendulum.parse(text, tz=tz)
    except Exception:
        raise UsageError(f"{flag} {text!r} is not a date; use YYYY-MM-DD") from None
    if not isinstance(parsed, pendulum.DateTime):
        if not isinstance(parsed, pendulum.Date):
            raise UsageError(f"{flag} {text!r} is not a date; use YYYY-MM-DD")
        parsed = pendulum.datetime(parsed.year, parsed.month, parsed.day, tz=tz)
    return parsed.end_of("day") if len(text) == 10 else parsed


def data_period(crm: rbp.Store) -> tuple[pendulum.DateTime, pendulum.DateTime] | None:
    """The times of the oldest and the newest interaction (None when there are none)."""
    first = crm.interactions.find(limit=1)
    if not first:
        return None
    last = crm.interactions.find(newest_first=True, limit=1)
    return first[0].at, last[0].at


def time_lines(crm: rbp.Store, at: pendulum.DateTime) -> list[str]:
    """The time an answer is for, and a note when the data ends long before it."""
    lines = [f"as of {at:%Y-%m-%d %H:%M} {crm.tz}"]
    period = data_period(crm)
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


def progress(line: str) -> None:
    print(f"rbp: {line}", file=sys.stderr, flush=True)


def answer(crm: rbp.Store, args: argparse.Namespace) -> None:
    """Run one read-only command on an open store."""
    as_of = as_of_arg(getattr(args, "as_of", None), crm.tz)
    at = crm.now() if as_of is None else as_of
    area = getattr(args, "area", None)
    if area is not None and area not in crm.directory.areas():
        raise UsageError(f"--area {area!r}: no such area in {args.db}")
    header = time_lines(crm, at)
    if args.command == "summary":
        print("\n".join(header))
        print(crm.directory.summary())
        print(f"{'interactions':<28}{crm.interactions.count():>8}")
        period = data_period(crm)
        if period is not None:
            print(f"{'interactions from':<28}{period[0]:%Y-%m-%d} to {period[1]:%Y-%m-%d}")
    elif args.command == "coverage":
        _print_titled(crm.graph.coverage(as_of=at, area=args.area), header)
    elif args.command == "gaps":
        _print_titled(crm.graph.gaps(as_of=at, area=args.area), header)
    elif args.command == "departure":
        _print_titled(crm.graph.simulate_departure(args.officer, as_of=at), header)
    elif args.command == "diagram":
        _diagram(crm, args, at, header)
    else:
        _report(crm, args, at, header)


def _print_titled(answer: object, header: list[str]) -> None:
    """An answer whose first line (its title) says the time it is for, then the note on
    old data, if any, then the rest: the time is said once."""
    title, _, rest = str(answer).partition("\n")
    print("\n".join([title, *header[1:], rest]) if rest else "\n".join([title, *header[1:]]))


def _report(
    crm: rbp.Store, args: argparse.Namespace, at: pendulum.DateTime, header: list[str]
) -> None:
    """Write the brief, or the full report with ``--full``, and print its path."""
    from rbp.report import brief, write_report

    for line in header:
        progress(line)
    started = time.perf_counter()
    if args.full:
        out = write_report(
            crm, args.output or "report.html", as_of=at, area=args.area, progress=progress
        )
    else:
        progress("the brief: figures now and a quarter before, gaps, departures, plans")
        page = brief(crm, as_of=at, area=args.area)
        out = Path(args.output or "brief.html")
        progress(f"writing {out}")
        out = page.to_html(out)
    progress(f"done in {time.perf_counter() - started:.1f} s")
    print(out)


def _diagram(
    crm: rbp.Store, args: argparse.Namespace, as_of: pendulum.DateTime, header: list[str]
) -> None:
    import graphviz

    out = Path(args.output)
    fmt = out.suffix.lstrip(".").lower()
    if fmt not in FORMATS:
        raise UsageError(f"-o {args.output!r}: the file name must end in .svg, .png or .pdf")
    call: list[Any] = []
    if args.kind in ("ego", "plan"):
        if args.key is None:
            what = "an officer" if args.kind == "ego" else "a plan"
            raise UsageError(
                f"the {args.kind} diagram needs {what} key: rbp diagram DB {args.kind} KEY"
            )
        call.append(args.key)
    elif args.key is not None:
        raise UsageError(f"the {args.kind} diagram takes no KEY (got {args.key!r})")
    method = getattr(crm.graph, DIAGRAMS[args.kind], None)
    if method is None:
        raise UsageError(f"the {args.kind} diagram is not available in this version of rbp")
    params = inspect.signature(method).parameters
    options: dict[str, Any] = {}
    if "as_of" in params:
        options["as_of"] = as_of
    if args.area is not None:
        if "area" not in params:
            raise UsageError(f"the {args.kind} diagram does not take --area")
        options["area"] = args.area
    for line in header:
        progress(line)
    progress(f"building the {args.kind} diagram")
    diagram = method(*call, **options)
    progress(f"rendering {out} with Graphviz")
    try:
        data = diagram.pipe(format=fmt)
    except graphviz.ExecutableNotFound:
        raise UsageError(
            "Graphviz's dot is not installed; install it with: apt-get install graphviz"
        ) from None
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    print(out)
