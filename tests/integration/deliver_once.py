"""One deliverer in a process of its own, for the at-most-once test of the outbox.

``python deliver_once.py URL WEBHOOK AS_OF START`` opens the store at URL, waits until
the wall clock reaches START (epoch seconds, so that two processes begin together),
delivers through a WebhookSender to WEBHOOK as of AS_OF (ISO 8601), and prints the ids
it sent as JSON.
"""

from __future__ import annotations

import json
import sys
import time

import pendulum

import rbp
from rbp.engagement import WebhookSender


def main() -> None:
    url, webhook, as_of, start = sys.argv[1:5]
    with rbp.open(url) as crm:
        time.sleep(max(0.0, float(start) - time.time()))
        report = crm.outbox.deliver(WebhookSender(webhook, timeout=30), as_of=pendulum.parse(as_of))
    print(json.dumps(list(report.sent)))


if __name__ == "__main__":
    main()
