"""Real local servers the delivery tests send to, on free loopback ports.

* :class:`SmtpServer`: a small SMTP server on ``socketserver`` (aiosmtpd is not in the
  test environment): EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT, one thread per
  connection; it keeps every message it accepts, parsed by :mod:`email`.
* :class:`WebhookServer`: ``http.server`` taking JSON POSTs; it can answer 500 to the
  first few requests (to test retries) and wait a little in each (to interleave two
  deliverers).

Both run in a daemon thread and stop in ``close()`` (or at the end of a ``with``).
"""

from __future__ import annotations

import email
import email.policy
import json
import socketserver
import threading
import time
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = ["SmtpServer", "WebhookServer"]


class _SmtpHandler(socketserver.StreamRequestHandler):
    server: _SmtpTCP

    def _say(self, line: str) -> None:
        self.wfile.write(line.encode("ascii") + b"\r\n")

    def handle(self) -> None:
        self._say("220 localhost test SMTP")
        sender: str | None = None
        rcpts: list[str] = []
        while True:
            raw = self.rfile.readline(65_536)
            if not raw:
                return
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            verb = line[:4].upper()
            if verb in ("EHLO", "HELO"):
                self._say("250-localhost" if verb == "EHLO" else "250 localhost")
                if verb == "EHLO":
                    self._say("250 8BITMIME")
            elif verb == "MAIL":
                sender, rcpts = line.split(":", 1)[1].strip(), []
                self._say("250 OK")
            elif verb == "RCPT":
                rcpts.append(line.split(":", 1)[1].strip().strip("<>"))
                self._say("250 OK")
            elif verb == "DATA":
                self._say("354 End data with <CR><LF>.<CR><LF>")
                body = bytearray()
                while True:
                    chunk = self.rfile.readline(65_536)
                    if chunk in (b".\r\n", b".\n", b""):
                        break
                    body += chunk[1:] if chunk.startswith(b"..") else chunk
                parsed = email.message_from_bytes(bytes(body), policy=email.policy.default)
                with self.server.lock:
                    self.server.received.append((sender, list(rcpts), parsed))  # type: ignore[arg-type]
                self._say("250 OK: queued")
            elif verb in ("RSET", "NOOP"):
                self._say("250 OK")
            elif verb == "QUIT":
                self._say("221 Bye")
                return
            else:
                self._say("502 Command not implemented")


class _SmtpTCP(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    received: list[tuple[str | None, list[str], EmailMessage]]
    lock: threading.Lock


class SmtpServer:
    """A real SMTP server on 127.0.0.1 and a free port; ``received`` holds what it got."""

    def __init__(self) -> None:
        self._server = _SmtpTCP(("127.0.0.1", 0), _SmtpHandler)
        self._server.received = []
        self._server.lock = threading.Lock()
        self.port = int(self._server.server_address[1])
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def received(self) -> list[tuple[str | None, list[str], EmailMessage]]:
        with self._server.lock:
            return list(self._server.received)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

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
