"""Personal data (names of people, contact details) never shows in reprs."""

from __future__ import annotations

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import rbp
from rbp import CommunityMember, Contact, Officer, PartnerAgency
from tests import strategies as strat

SECRET = st.from_regex(r"SECRET-[A-Za-z0-9]{4,12}", fullmatch=True)
"""Text that cannot appear in a repr by accident."""


@given(
    person=strat.stakeholders(["b-1"]),
    name=SECRET,
    email=SECRET,
    phone=SECRET,
    address=SECRET,
)
def test_repr_and_str_hold_no_name_or_contact(
    person: rbp.Officer, name: str, email: str, phone: str, address: str
) -> None:
    changes = {"contact": Contact(email=email, phone=phone, address=address)}
    if not getattr(person, "pseudonymous", False):
        changes["name"] = name
    person = attrs.evolve(person, **changes)
    for text in (repr(person), str(person), repr(person.contact), str(person.contact)):
        for secret in (name, email, phone, address):
            assert secret not in text


def test_repr_still_shows_the_key_and_the_non_personal_fields() -> None:
    m = CommunityMember("m-17", name="J. Lee", sector="faith", area="b-0111")
    text = repr(m)
    for shown in ("m-17", "FAITH", "b-0111"):
        assert shown in text
    assert "J. Lee" not in text


def test_personal_data_is_still_there_to_read() -> None:
    contact = Contact(email="a@example.org", phone="555-0100", address="1 Main St")
    for cls in (Officer, CommunityMember, PartnerAgency):
        person = cls("k-1", name="Name", contact=contact)
        assert person.name == "Name"
        assert person.contact.email == "a@example.org"


def test_validation_errors_do_not_repeat_personal_text() -> None:
    for bad in ("x" * 301, "J. Lee\x00"):
        with pytest.raises(rbp.ValidationError) as info:
            CommunityMember("m-1", name=bad)
        assert bad not in str(info.value)
