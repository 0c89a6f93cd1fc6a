"""The rules of messages: who may be told on which channel, and what fits one sms.

Examples
--------
>>> from rbp.model._messages import choose_channel, fit_sms
>>> choose_channel(officer=True, may_contact=False, may_text=False, email="p1@pd.example",
...                phone=None)
(<Channel.EMAIL: 'email'>, None)
"""

from __future__ import annotations

import enum

from rbp.model._engagement import Channel

__all__ = [
    "SMS_LIMIT",
    "Keyword",
    "choose_channel",
    "fit_sms",
    "gsm7_length",
    "keyword",
    "normal_address",
]


def choose_channel(
    *,
    officer: bool,
    may_contact: bool,
    may_text: bool,
    email: str | None,
    phone: str | None,
    opted_out: frozenset[Channel] = frozenset(),
) -> tuple[Channel | None, str | None]:
    """The channel a message to one person goes by, or why none may be used.

    A community member or agency is texted when they may be texted (``may_text``), have
    a phone and did not opt out of sms; otherwise e-mailed when they may be contacted
    (``may_contact``), have an e-mail address and did not opt out of e-mail. An officer
    (staff) is e-mailed at work unless they opted out.

    Parameters
    ----------
    officer
        The recipient is an officer.
    may_contact
        The recipient's consent to e-mail.
    may_text
        The recipient's consent to sms.
    email
        The recipient's e-mail address, if any.
    phone
        The recipient's phone number, if any.
    opted_out
        Channels the recipient's addresses opted out of (STOP).

    Returns
    -------
    tuple
        ``(channel, None)`` when a message may be made, else ``(None, reason)``.

    Examples
    --------
    >>> choose_channel(officer=False, may_contact=True, may_text=True, email="a@b.example",
    ...                phone="+15550100", opted_out=frozenset({Channel.SMS}))
    (<Channel.EMAIL: 'email'>, None)
    >>> choose_channel(officer=False, may_contact=False, may_text=False, email=None, phone=None)
    (None, 'no consent to be contacted')
    """
    if officer:
        if not email:
            return None, "no e-mail address"
        if Channel.EMAIL in opted_out:
            return None, "opted out of email"
        return Channel.EMAIL, None
    reasons = []
    if may_text:
        if not phone:
            reasons.append("no phone number")
        elif Channel.SMS in opted_out:
            reasons.append("opted out of sms")
        else:
            return Channel.SMS, None
    if may_contact:
        if not email:
            reasons.append("no e-mail address")
        elif Channel.EMAIL in opted_out:
            reasons.append("opted out of email")
        else:
            return Channel.EMAIL, None
    return None, "; ".join(reasons) or "no consent to be contacted"


_GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM7_EXTENDED = set("^{}\\[~]|€\f")  # each takes an escape and a character
SMS_LIMIT = 160


def gsm7_length(text: str) -> int | None:
    """Septets ``text`` takes in the GSM-7 alphabet, or None if it has a character outside it.

    Parameters
    ----------
    text
        The message text.

    Returns
    -------
    int or None
        Characters of the extension table count twice.

    Examples
    --------
    >>> gsm7_length("Reply 1-5"), gsm7_length("€5"), gsm7_length("✓")
    (9, 3, None)
    """
    n = 0
    for ch in text:
        if ch in _GSM7_BASIC:
            n += 1
        elif ch in _GSM7_EXTENDED:
            n += 2
        else:
            return None
    return n


def fit_sms(text: str) -> str:
    """``text`` in the GSM-7 alphabet and at most 160 septets, shortened with "..." if long.

    Characters outside the alphabet become "?".

    Parameters
    ----------
    text
        The message text.

    Returns
    -------
    str
        A text that one sms carries.

    Examples
    --------
    >>> len(fit_sms("x" * 200)), fit_sms("Café ✓")
    (160, 'Café ?')
    """
    clean = "".join(ch if ch in _GSM7_BASIC or ch in _GSM7_EXTENDED else "?" for ch in text)
    if (gsm7_length(clean) or 0) <= SMS_LIMIT:
        return clean
    out = clean
    while (gsm7_length(out + "...") or 0) > SMS_LIMIT:
        out = out[:-1]
    return out + "..."


def normal_address(channel: Channel, address: str) -> str:
    """An address as opt-outs keep it: a phone number's digits (and a leading +), an
    e-mail address in lower case.

    Parameters
    ----------
    channel
        The channel the address belongs to.
    address
        The address as written.

    Returns
    -------
    str
        The address in the one form that opt-outs compare.

    Examples
    --------
    >>> normal_address(Channel.SMS, "+1 (555) 010-0"), normal_address(Channel.EMAIL, " Jo@X.org")
    ('+15550100', 'jo@x.org')
    """
    text = address.strip()
    if channel is Channel.EMAIL:
        return text.lower()
    digits = "".join(ch for ch in text if ch.isdigit())
    return ("+" if text.startswith("+") else "") + digits


class Keyword(enum.Enum):
    """What an inbound text asks for: to stop messages, to start them again, or help."""

    STOP = "stop"
    START = "start"
    HELP = "help"


_KEYWORDS = {
    **dict.fromkeys(
        ("stop", "stopall", "unsubscribe", "cancel", "end", "quit", "optout", "revoke"),
        Keyword.STOP,
    ),
    **dict.fromkeys(("start", "unstop", "yes", "subscribe"), Keyword.START),
    **dict.fromkeys(("help", "info"), Keyword.HELP),
}


def keyword(text: str) -> Keyword | None:
    """The keyword an inbound text is (its first word, any case), or None.

    Parameters
    ----------
    text
        The inbound text.

    Returns
    -------
    Keyword or None
        STOP and its usual synonyms (STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT), START
        (UNSTOP, YES), HELP (INFO); None for anything else.

    Examples
    --------
    >>> keyword(" Stop please"), keyword("unsubscribe"), keyword("thanks")
    (<Keyword.STOP: 'stop'>, <Keyword.STOP: 'stop'>, None)
    """
    words = text.strip().split(maxsplit=1)
    if not words:
        return None
    return _KEYWORDS.get(words[0].strip(".!").lower())


Keyword.__module__ = "rbp.engagement"
