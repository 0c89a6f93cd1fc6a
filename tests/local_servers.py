"""Real local servers the delivery tests send to, on free loopback ports.

* :class:`SmtpServer`: aiosmtpd's ``Controller`` (a real SMTP server running its own event
  loop in a thread) with a handler that keeps every message it accepts, parsed by
  :mod:`email`.
* :class:`WebhookServer`: ``http.server`` taking JSON POSTs; it can answer 500 to the
  first few requests (to test retries) and wait a little in each (to interleave two
  deliverers).

Both run in a daemon thread and stop in ``close()`` (or at the end of a ``with``).
"""

from __future__ import annotations

import email
import email.policy
import json
import socket
import threading
import time
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope

__all__ = ["SmtpServer", "WebhookServer"]


class _Collector:
    """An aiosmtpd handler keeping every message it accepts, parsed by :mod:`email`."""

    def __init__(self) -> None:
        self.received: list[tuple[str, list[str], EmailMessage]] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, _session: Any, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        with self.lock:
            self.received.append((str(envelope.mail_from), list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"


class SmtpServer:
    """A real aiosmtpd server on 127.0.0.1 and a free port; ``received`` holds what it got:
    ``(mail from, recipients, parsed message)`` per message.
    """

    def __init__(self) -> None:
        self._handler = _Collector()
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = int(probe.getsockname()[1])
        self._controller = Controller(self._handler, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    @property
    def received(self) -> list[tuple[str, list[str], EmailMessage]]:
        with self._handler.lock:
            return list(self._handler.received)

    def close(self) -> None:
        self._controller.stop()

    def __enter__(self) -> SmtpServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _HookHandler(BaseHTTPRequestHandler):
    server: _HookHTTP

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        body = json.loads(self.rfile.read(length))
        server = self.server
        time.sleep(server.pause)
        with server.lock:
            fail = server.failures > 0
            if fail:
                server.failures -= 1
            else:
                server.received.append({**body, "auth": self.headers.get("Authorization")})
        self.send_response(500 if fail else 200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        return


class _HookHTTP(ThreadingHTTPServer):
    daemon_threads = True
    received: list[dict[str, Any]]
    failures: int
    pause: float
    lock: threading.Lock


class WebhookServer:
    """A real HTTP server on 127.0.0.1 taking JSON POSTs at any path.

    ``failures`` requests are answered 500 first; each request waits ``pause`` seconds.
    """

    def __init__(self, *, failures: int = 0, pause: float = 0.0) -> None:
        self._server = _HookHTTP(("127.0.0.1", 0), _HookHandler)
        self._server.received = []
        self._server.failures = failures
        self._server.pause = pause
        self._server.lock = threading.Lock()
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/sms"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def received(self) -> list[dict[str, Any]]:
        with self._server.lock:
            return list(self._server.received)

    def fail_next(self, n: int) -> None:
        with self._server.lock:
            self._server.failures = n

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> WebhookServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
