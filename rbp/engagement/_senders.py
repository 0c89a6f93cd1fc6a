"""Senders rbp ships: e-mail over SMTP (stdlib ``smtplib``) and sms through a webhook
(JSON over HTTP POST, stdlib ``urllib``), for ``crm.outbox.deliver``.

A sender is any object with a ``channel`` and ``send(message)`` that raises on failure;
these two are tested against real local servers. Neither shows a password or a token
in its repr.
"""

from __future__ import annotations

import json
import smtplib
import urllib.error
import urllib.request
from email.message import EmailMessage

from rbp import _args
from rbp.engagement._records import Message
from rbp.errors import ValidationError
from rbp.model._engagement import Channel, MessageKind

__all__ = ["SmtpSender", "WebhookSender"]

_SUBJECTS = {
    MessageKind.SURVEY: "How did we do?",
    MessageKind.CONCERN_UPDATE: "An update on your concern",
    MessageKind.KUDOS: "Kudos from the community",
    MessageKind.PLAN_MILESTONE: "A plan milestone",
    MessageKind.REPLY: "Your message",
}


def _timeout(value: object) -> float:
    seconds = _args.number(value, "timeout")
    if not 0 < seconds <= 600:
        raise ValidationError("timeout must be from 0 to 600 seconds", field="timeout")
    return seconds


def _address(message: Message) -> str:
    if not message.address:
        raise ValueError("the message has no address")
    return message.address


class SmtpSender:
    """Send e-mail through an SMTP server (the agency's mail relay).

    Parameters
    ----------
    host
        The server's name or address.
    port
        Its port (25, 587, or a test server's).
    sender
        The From address.
    username
        Log in as this user (with ``password``), if the relay asks.
    password
        The password; never shown in the repr.
    starttls
        Upgrade the connection with STARTTLS before logging in.
    timeout
        Seconds to wait for the server.

    Raises
    ------
    ValidationError
        A bad port or timeout, or text that cannot be an address.
    TypeError
        An argument of the wrong type.

    Examples
    --------
    >>> SmtpSender("127.0.0.1", 2525, sender="noreply@agency.example", password="s3cret")
    SmtpSender('127.0.0.1', 2525, sender='noreply@agency.example')
    """

    channel = Channel.EMAIL

    def __init__(
        self,
        host: str,
        port: int = 25,
        *,
        sender: str,
        username: str | None = None,
        password: str | None = None,
        starttls: bool = False,
        timeout: float = 30.0,
    ) -> None:
        self.host = _args.text(host, "host", 300)
        self.port = _args.positive(port, "port", maximum=65_535)
        self.sender = _args.text(sender, "sender", 300)
        self.username = _args.optional_text(username, "username", 300)
        self._password = _args.optional_text(password, "password", 300)
        self.starttls = _args.flag(starttls, "starttls")
        self.timeout = _timeout(timeout)

    def send(self, message: Message) -> None:
        """Send one message as a plain-text e-mail; raises on any failure.

        Parameters
        ----------
        message
            The message, with its ``address``.

        Raises
        ------
        OSError
            The server cannot be reached, or refused the message
            (``smtplib.SMTPException`` is an ``OSError``).
        ValueError
            The message has no address.

        Examples
        --------
        >>> SmtpSender("127.0.0.1", 9, sender="a@b.example", timeout=1).send(Message(
        ...     id=1, to="m-1", channel=Channel.EMAIL, kind=MessageKind.SURVEY, text="Hi",
        ...     not_before=pendulum.datetime(2026, 3, 3), status="queued", reason=None,
        ...     attempts=0, address="m1@example.org"))
        Traceback (most recent call last):
        ...
        ConnectionRefusedError: [Errno 111] Connection refused
        """
        mail = EmailMessage()
        mail["From"] = self.sender
        mail["To"] = _address(message)
        mail["Subject"] = _SUBJECTS[message.kind]
        mail["X-Rbp-Message"] = str(message.id)
        mail.set_content(message.text)
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            if self.starttls:
                smtp.starttls()
            if self.username is not None:
                smtp.login(self.username, self._password or "")
            smtp.send_message(mail)

    def __repr__(self) -> str:
        return f"SmtpSender({self.host!r}, {self.port}, sender={self.sender!r})"


class WebhookSender:
    """Send sms through a gateway's webhook: one JSON POST per message.

    The body is ``{"id": ..., "to": ..., "text": ..., "kind": ...}``; any answer but a
    2xx is a failure.

    Parameters
    ----------
    url
        The gateway's ``http://`` or ``https://`` URL.
    token
        Sent as ``Authorization: Bearer <token>``; never shown in the repr.
    timeout
        Seconds to wait for the gateway.

    Raises
    ------
    ValidationError
        A URL that is not http(s), or a bad timeout.
    TypeError
        An argument of the wrong type.

    Examples
    --------
    >>> WebhookSender("http://127.0.0.1:8025/sms", token="t0ken")
    WebhookSender('http://127.0.0.1:8025/sms')
    """

    channel = Channel.SMS

    def __init__(self, url: str, *, token: str | None = None, timeout: float = 30.0) -> None:
        self.url = _args.text(url, "url", 2_000)
        if not self.url.startswith(("http://", "https://")):
            raise ValidationError("url must start with http:// or https://", field="url")
        self._token = _args.optional_text(token, "token", 2_000)
        self.timeout = _timeout(timeout)

    def send(self, message: Message) -> None:
        """POST one message to the webhook; raises on any failure.

        Parameters
        ----------
        message
            The message, with its ``address``.

        Raises
        ------
        OSError
            The gateway cannot be reached or answered with an error status
            (``urllib.error.URLError`` is an ``OSError``).
        ValueError
            The message has no address.

        Examples
        --------
        >>> WebhookSender("http://127.0.0.1:9/sms", timeout=1).send(Message(
        ...     id=1, to="m-1", channel=Channel.SMS, kind=MessageKind.SURVEY, text="Hi",
        ...     not_before=pendulum.datetime(2026, 3, 3), status="queued", reason=None,
        ...     attempts=0, address="+15550100"))
        Traceback (most recent call last):
        ...
        urllib.error.URLError: <urlopen error [Errno 111] Connection refused>
        """
        body = json.dumps(
            {
                "id": message.id,
                "to": _address(message),
                "text": message.text,
                "kind": message.kind.value,
            }
        ).encode()
        headers = {"Content-Type": "application/json"}
        if self._token is not None:
            headers["Authorization"] = f"Bearer {self._token}"
        request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")  # noqa: S310
        with urllib.request.urlopen(request, timeout=self.timeout) as answer:  # noqa: S310
            if not 200 <= answer.status < 300:  # pragma: no cover - urlopen raises first
                raise urllib.error.HTTPError(
                    self.url, answer.status, "refused", answer.headers, None
                )

    def __repr__(self) -> str:
        return f"WebhookSender({self.url!r})"
