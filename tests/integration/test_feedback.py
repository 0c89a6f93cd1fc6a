"""Survey invitations, responses and kudos, checked with plain SQL on every backend.

Consent is checked when a message is made (a refused one is stored as suppressed with
its reason); bad responses are refused before anything is written, one by one or in
bulk (all or nothing, every bad item named); a kudos message to an officer never names
the respondent or repeats the comment.
"""

from __future__ import annotations

import pendulum
import pytest

import rbp
from rbp.engagement import Response
from rbp.interactions import Interaction
from tests.databases import TZ, PlainSQL

T0 = pendulum.datetime(2026, 3, 2, 18, tz=TZ)


def _world(crm: rbp.Store) -> int:
    crm.directory.add_many(
        [
            rbp.Area("b-1"),
            rbp.Officer("P1", contact=rbp.Contact(email="ruiz@pd.example")),
            rbp.Officer("P2"),  # no e-mail address
            rbp.CommunityMember(
                "m-text",
                name="Jo Lee",
                may_text=True,
                contact=rbp.Contact(phone="+15550101", email="jo@example.org"),
            ),
            rbp.CommunityMember(
                "m-mail", may_contact=True, contact=rbp.Contact(email="sam@example.org")
            ),
            rbp.CommunityMember("m-none", contact=rbp.Contact(email="x@example.org")),
            rbp.CommunityMember("m-nophone", may_text=True),
            rbp.PartnerAgency("org-1"),
        ]
    )
    return crm.interactions.log(
        Interaction(
            at=T0,
            kind="meeting",
            participants=("P1", "P2", "m-text", "m-mail", "m-none", "m-nophone", "org-1"),
            areas=("b-1",),
        )
    )


def test_invitations_follow_consent_and_wait_a_day(crm: rbp.Store, sql: PlainSQL) -> None:
    iid = _world(crm)
    ids = crm.feedback.invite(iid, at=T0.add(hours=1))
    rows = sql.rows(
        "SELECT recipient, channel, status, reason, not_before FROM messages "
        "WHERE kind = 'survey' ORDER BY recipient"
    )
    due = T0.add(hours=24).in_timezone("UTC")
    due_us = (due.int_timestamp) * 1_000_000
    assert rows == [
        ("m-mail", "email", "queued", None, due_us),
        ("m-none", None, "suppressed", "no consent to be contacted", due_us),
        ("m-nophone", None, "suppressed", "no phone number", due_us),
        ("m-text", "sms", "queued", None, due_us),
    ]
    assert len(ids) == 4
    # Again: no second invitation, the same ids.
    assert crm.feedback.invite(iid, at=T0.add(hours=2)) == ids
    assert sql.count("messages", "kind = 'survey'") == 4


def test_an_opted_out_address_is_not_invited(crm: rbp.Store, sql: PlainSQL) -> None:
    iid = _world(crm)
    with crm.engine.begin() as conn:  # the address said STOP earlier
        conn.exec_driver_sql(
            "INSERT INTO opt_outs (channel, address, at) VALUES ('sms', '+15550101', 0)"
        )
    crm.feedback.invite(iid, at=T0)
    # m-text may be texted but said STOP on sms, and gave no consent to e-mail.
    assert sql.rows("SELECT channel, status, reason FROM messages WHERE recipient = 'm-text'") == [
        (None, "suppressed", "opted out of sms")
    ]


def test_sms_texts_fit_one_message(crm: rbp.Store, sql: PlainSQL) -> None:
    iid = _world(crm)
    crm.feedback.invite(iid, at=T0)
    for (text,) in sql.rows("SELECT text FROM messages WHERE channel = 'sms'"):
        assert len(text) <= 160
        assert "Jo Lee" not in text


@pytest.mark.parametrize(
    ("fields", "error", "field"),
    [
        ({"overall": 6}, rbp.ValidationError, "overall"),
        ({"overall": 0}, rbp.ValidationError, "overall"),
        ({"respect": 4.0}, rbp.ValidationError, "respect"),
        ({"trust": True}, rbp.ValidationError, "trust"),
        ({"voice": "5"}, rbp.ValidationError, "voice"),
    ],
)
def test_answers_are_whole_numbers_from_1_to_5(
    fields: dict[str, object], error: type[Exception], field: str
) -> None:
    with pytest.raises(error) as info:
        Response(at=T0, interaction=1, **fields)  # type: ignore[arg-type]
    assert getattr(info.value, "field", None) == field


def test_bad_responses_are_refused_and_nothing_is_written(crm: rbp.Store, sql: PlainSQL) -> None:
    iid = _world(crm)
    with pytest.raises(rbp.UnknownKeyError) as unknown:
        crm.feedback.record(Response(at=T0, interaction=iid + 7, overall=4))
    assert unknown.value.field == "interaction"
    with pytest.raises(rbp.ValidationError) as early:
        crm.feedback.record(Response(at=T0.subtract(seconds=1), interaction=iid, overall=4))
    assert early.value.field == "at"
    with pytest.raises(rbp.UnknownKeyError) as nobody:
        crm.feedback.record(Response(at=T0, interaction=iid, overall=4, respondent="m-404"))
    assert nobody.value.field == "respondent"
    assert sql.count("survey_responses") == 0
    assert crm.feedback.record(Response(at=T0, interaction=iid, overall=4)) == 1


def test_record_many_is_all_or_nothing_and_names_every_bad_item(
    crm: rbp.Store, sql: PlainSQL
) -> None:
    iid = _world(crm)

    def items():  # a generator: streamed, longer than one batch
        for i in range(12_000):
            if i in (3, 7_500):
                yield {"at": T0, "interaction": 10_000 + i, "overall": 3}
            elif i == 11_999:
                yield {"at": T0.subtract(days=1), "interaction": iid, "overall": 3}
            elif i == 8:
                yield {"at": T0, "interaction": iid, "overall": 9}
            else:
                yield Response(at=T0.add(minutes=i), interaction=iid, overall=1 + i % 5)

    with pytest.raises(rbp.BulkValidationError) as info:
        crm.feedback.record_many(items())
    assert [(e.row, e.field) for e in info.value.errors] == [
        (3, "interaction"),
        (8, "overall"),
        (7_500, "interaction"),
        (11_999, "at"),
    ]
    assert sql.count("survey_responses") == 0
    assert sql.count("messages") == 0
    good = [Response(at=T0.add(minutes=i), interaction=iid, overall=1 + i % 5) for i in range(50)]
    assert crm.feedback.record_many(good) == 50
    assert sql.count("survey_responses") == 50
    assert sql.count("survey_responses", "overall >= 4") == 20


def test_kudos_reach_every_officer_and_never_name_the_respondent(
    crm: rbp.Store, sql: PlainSQL
) -> None:
    iid = _world(crm)
    comment = "Officer Ruiz was kind to my son"
    crm.feedback.record(
        Response(
            at=T0.add(days=1), interaction=iid, overall=5, comment=comment, respondent="m-text"
        )
    )
    crm.feedback.record(Response(at=T0.add(days=1), interaction=iid, overall=3, comment="meh"))
    crm.feedback.record(Response(at=T0.add(days=1), interaction=iid, overall=5))  # no comment
    rows = sql.rows(
        "SELECT recipient, channel, status, reason, text FROM messages "
        "WHERE kind = 'kudos' ORDER BY recipient"
    )
    assert [r[:4] for r in rows] == [
        ("P1", "email", "queued", None),
        ("P2", None, "suppressed", "no e-mail address"),
    ]
    for *_, text in rows:
        for private in ("m-text", "Jo Lee", "jo@example.org", "+15550101", "son", comment):
            assert private not in text
    listed = crm.feedback.kudos(as_of=T0.add(days=2))
    assert [(k.officer, k.overall, k.comment) for k in listed] == [
        ("P1", 5, comment),
        ("P2", 5, comment),
    ]
    assert comment not in repr(listed)
    assert comment not in listed.to_html()
    assert crm.feedback.kudos("P2", as_of=T0) == ()  # not yet given


def test_erasing_a_member_clears_their_comments_and_concern_texts(
    crm: rbp.Store, sql: PlainSQL
) -> None:
    iid = _world(crm)
    crm.feedback.record(
        Response(at=T0, interaction=iid, overall=5, comment="lovely", respondent="m-text")
    )
    crm.feedback.record(Response(at=T0, interaction=iid, overall=2, comment="slow"))
    crm.concerns.report(
        rbp.engagement.Concern(
            at=T0, area="b-1", category="noise", text="my neighbour", reporter="m-text"
        )
    )
    crm.directory.erase("m-text")
    assert sql.rows("SELECT overall, comment FROM survey_responses ORDER BY overall") == [
        (2, "slow"),
        (5, None),
    ]
    assert sql.rows("SELECT text, reporter FROM concerns") == [("", "m-text")]
    assert crm.feedback.cpss(as_of=T0, min_n=1).n == 2
    # An erased member gets no more messages.
    crm.feedback.invite(iid, at=T0)
    assert sql.rows(
        "SELECT status, reason FROM messages WHERE recipient = 'm-text' AND kind = 'survey'"
    ) == [("suppressed", "erased")]
