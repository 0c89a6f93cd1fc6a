"""The rules of messages: consent by channel, GSM-7 length, inbound keywords, addresses.

Each is checked against a table or a rule written here again (the GSM 03.38 basic
set and extension table from the standard's listing, the consent rules from DESIGN).
"""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rbp.engagement import Channel
from rbp.model._messages import (
    Keyword,
    choose_channel,
    fit_sms,
    gsm7_length,
    keyword,
    normal_address,
)

BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
).replace("\x1b", "")  # the escape itself is not a character to send
EXTENSION = "\f^{}\\[~]|€"


@settings(max_examples=300, derandomize=True)
@given(st.text(alphabet=st.sampled_from(BASIC + EXTENSION + "✓😀ŁЖ"), max_size=250))
def test_fit_sms_always_fits_one_message(text: str) -> None:
    out = fit_sms(text)
    septets = sum(2 if ch in EXTENSION else 1 for ch in out)
    assert all(ch in BASIC or ch in EXTENSION for ch in out)
    assert septets <= 160
    clean = "".join(ch if ch in BASIC or ch in EXTENSION else "?" for ch in text)
    if sum(2 if ch in EXTENSION else 1 for ch in clean) <= 160:
        assert out == clean
    else:
        assert out.endswith("...")
        assert clean.startswith(out[:-3])


def test_gsm7_length_counts_the_extension_table_twice() -> None:
    assert gsm7_length(BASIC) == len(BASIC)
    assert gsm7_length(EXTENSION) == 2 * len(EXTENSION)
    assert gsm7_length("ok✓") is None


@pytest.mark.parametrize(
    ("officer", "may_contact", "may_text", "email", "phone", "stopped"),
    list(
        itertools.product(
            (False, True),
            (False, True),
            (False, True),
            (None, "a@b.example"),
            (None, "+15550100"),
            (frozenset(), frozenset({Channel.SMS}), frozenset({Channel.EMAIL})),
        )
    ),
)
def test_consent_by_channel(
    officer: bool,
    may_contact: bool,
    may_text: bool,
    email: str | None,
    phone: str | None,
    stopped: frozenset[Channel],
) -> None:
    channel, reason = choose_channel(
        officer=officer,
        may_contact=may_contact,
        may_text=may_text,
        email=email,
        phone=phone,
        opted_out=stopped,
    )
    if officer:  # staff are e-mailed at work unless they opted out
        want = Channel.EMAIL if email and Channel.EMAIL not in stopped else None
    elif may_text and phone and Channel.SMS not in stopped:
        want = Channel.SMS
    elif may_contact and email and Channel.EMAIL not in stopped:
        want = Channel.EMAIL
    else:
        want = None
    assert channel is want
    assert (reason is None) == (want is not None)


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("STOP", Keyword.STOP),
        ("stop.", Keyword.STOP),
        ("  Unsubscribe me", Keyword.STOP),
        ("QUIT", Keyword.STOP),
        ("Start", Keyword.START),
        ("UNSTOP", Keyword.START),
        ("help!", Keyword.HELP),
        ("INFO", Keyword.HELP),
        ("", None),
        ("please stop", None),
        ("5", None),
    ],
)
def test_keywords(text: str, want: Keyword | None) -> None:
    assert keyword(text) is want


def test_addresses_compare_in_one_form() -> None:
    assert normal_address(Channel.SMS, "+1 (555) 010-0100") == "+15550100100"
    assert normal_address(Channel.SMS, "555.010.0100") == "5550100100"
    assert normal_address(Channel.EMAIL, "  Jo.Lee@Example.ORG ") == "jo.lee@example.org"
