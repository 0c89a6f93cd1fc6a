"""The community's voice on the ``rbp`` command: CPSS tables and delivering the outbox.

::

    rbp feedback DB [--by {area,officer}] [--as-of DATE] [--min-n N] [-o FILE]
    rbp outbox deliver DB --smtp HOST:PORT [--sender ADDRESS] [--as-of DATE]

``feedback`` prints CPSS and the PJ index by area (or by officer), scores from fewer
than ``--min-n`` responses left out; ``-o`` also writes a page with both tables.
``outbox deliver`` sends the due e-mail of the outbox through an SMTP server (quiet
hours, consent and opt-outs checked as :meth:`rbp.engagement.Outbox.deliver` checks
them) and prints how many were sent, deferred, suppressed and failed.
"""

from __future__ import annotations

import argparse
from typing import Any

import rbp
from rbp._render import Report
from rbp.cli._answers import UsageError, as_of_arg

__all__ = ["add_parsers", "run"]

COMMANDS = ("feedback", "outbox")


def add_parsers(sub: Any) -> None:
    """Add ``feedback`` and ``outbox deliver`` to the command's subparsers."""
    fb = sub.add_parser("feedback", help="CPSS and PJ index by area or officer")
    fb.add_argument("db", help="SQLite file or SQLAlchemy URL")
    fb.add_argument("--tz", help="agency time zone; default: the zone the store recorded")
    fb.add_argument("--as-of", dest="as_of", help="YYYY-MM-DD (end of that day)")
    fb.add_argument("--by", choices=("area", "officer"), default="area")
    fb.add_argument("--min-n", dest="min_n", type=int, help="fewest responses a score shows")
    fb.add_argument("-o", "--output", help="also write a page of both tables (HTML)")
    out = sub.add_parser("outbox", help="deliver the outbox's due messages")
    verbs = out.add_subparsers(dest="verb", required=True)
    deliver = verbs.add_parser("deliver", help="send the due e-mail through an SMTP server")
    deliver.add_argument("db", help="SQLite file or SQLAlchemy URL")
    deliver.add_argument("--tz", help="agency time zone; default: the zone the store recorded")
    deliver.add_argument("--smtp", required=True, metavar="HOST:PORT", help="the SMTP server")
    deliver.add_argument(
        "--sender", default="noreply@localhost", help="the From address (default noreply@localhost)"
    )
    deliver.add_argument("--as-of", dest="as_of", help="YYYY-MM-DD HH:MM; default now")


def _host_port(text: str) -> tuple[str, int]:
    host, sep, port = text.rpartition(":")
    if not sep or not host or not port.isdigit():
        raise UsageError(f"--smtp {text!r} is not HOST:PORT")
    return host, int(port)


def run(crm: rbp.Store, args: argparse.Namespace) -> None:
    """Answer ``feedback`` or ``outbox deliver`` on an open store."""
    as_of = as_of_arg(args.as_of, crm.tz)
    if args.command == "outbox":
        from rbp.engagement import SmtpSender

        host, port = _host_port(args.smtp)
        sender = SmtpSender(host, port, sender=args.sender)
        report = crm.outbox.deliver(sender, as_of=as_of)
        print(
            f"sent {len(report.sent)}, deferred {len(report.deferred)}, "
            f"suppressed {len(report.suppressed)}, failed {len(report.failed)}"
        )
        return
    shown = crm.feedback.cpss(as_of=as_of, by=args.by, min_n=args.min_n)
    print(shown)
    if args.output:
        other = "officer" if args.by == "area" else "area"
        both = Report(
            "Community satisfaction by area and by officer",
            as_of=shown.as_of,
            parts=(shown, crm.feedback.cpss(as_of=shown.as_of, by=other, min_n=args.min_n)),
        )
        print(both.to_html(args.output))
