"""The records engagement reads return: scores, kudos, messages, concerns, receipts.

Frozen attrs records; personal data (comments, concern and tip texts, reporters,
receipt codes, addresses) is kept out of every repr and every shown column.
"""

from __future__ import annotations

import datetime as dt

import attrs
import pendulum

from rbp._queries.concerns import OverdueConcern
from rbp._render import Renderable, Report, Table
from rbp.model._engagement import Channel, ConcernStatus, MessageKind, MessageStatus, ScoreBy

__all__ = [
    "ConcernEvent",
    "ConcernRecord",
    "Kudos",
    "Message",
    "OverdueConcern",
    "Receipt",
    "Satisfaction",
    "Score",
    "TipNote",
    "TipStatus",
    "TrendPoint",
]


@attrs.frozen
class Score:
    """CPSS and PJ index of one group (an officer, an area, or everything).

    ``n`` counts responses with an overall answer and ``pj_n`` those that answered any
    procedural-justice item; a score from fewer than ``min_n`` responses is None.

    Examples
    --------
    >>> Score("P1", n=3, score=None, pj_n=3, pj=None)
    Score(key='P1', n=3, score=None, pj_n=3, pj=None)
    """

    key: str | None
    n: int = attrs.field(kw_only=True)
    score: float | None = attrs.field(kw_only=True)
    pj_n: int = attrs.field(kw_only=True)
    pj: float | None = attrs.field(kw_only=True)


@attrs.frozen(kw_only=True, repr=False)
class Satisfaction(Renderable):
    """CPSS and the PJ index as of a time, overall and by group.

    Made by :meth:`rbp.engagement.Feedback.cpss`. ``score``, ``n``, ``pj``, ``pj_n``
    are over every response in the window; ``groups`` maps an officer's or an area's
    key to its :class:`Score` (empty when ``by`` is None).

    Examples
    --------
    >>> s = Satisfaction(as_of=pendulum.datetime(2026, 6, 30), window=pendulum.duration(days=365),
    ...                  min_n=5, by=None, overall=Score(None, n=9, score=77.8, pj_n=9, pj=70.0),
    ...                  groups={})
    >>> s.score, s.n, s.pj
    (77.8, 9, 70.0)
    """

    as_of: pendulum.DateTime
    window: dt.timedelta
    min_n: int
    by: ScoreBy | None
    overall: Score
    groups: dict[str, Score]

    @property
    def score(self) -> float | None:
        """CPSS over every response in the window (None under ``min_n``)."""
        return self.overall.score

    @property
    def n(self) -> int:
        """Responses with an overall answer in the window."""
        return self.overall.n

    @property
    def pj(self) -> float | None:
        """The PJ index over every response in the window (None under ``min_n``)."""
        return self.overall.pj

    @property
    def pj_n(self) -> int:
        """Responses that answered any procedural-justice item in the window."""
        return self.overall.pj_n

    def _report(self) -> Report:
        column = "group" if self.by is None else self.by.value
        rows = [
            {column: k, "n": g.n, "cpss": g.score, "pj_n": g.pj_n, "pj": g.pj}
            for k, g in sorted(self.groups.items())
        ]
        cpss = "—" if self.score is None else f"{self.score:.1f}"
        pj = "—" if self.pj is None else f"{self.pj:.1f}"
        return Report(
            "Community satisfaction",
            as_of=self.as_of,
            window=self.window,
            summary=(
                f"CPSS {cpss} from {self.n} responses, PJ index {pj} from {self.pj_n}; "
                f"scores from fewer than {self.min_n} responses are not shown."
            ),
            tables=(Table(f"By {column}", (column, "n", "cpss", "pj_n", "pj"), rows),),
        )


@attrs.frozen(kw_only=True)
class TrendPoint:
    """CPSS and the PJ index of the responses of one calendar month (agency's zone).

    Examples
    --------
    >>> TrendPoint(month="2026-03", start=pendulum.datetime(2026, 3, 1), n=2, score=None,
    ...            pj_n=2, pj=None).month
    '2026-03'
    """

    month: str
    start: pendulum.DateTime
    n: int
    score: float | None
    pj_n: int
    pj: float | None


@attrs.frozen(kw_only=True)
class Kudos:
    """Praise for an officer: a response with overall 4 or 5 and a comment.

    The comment is the respondent's words (personal data, left out of the repr); the
    respondent is never named.

    Examples
    --------
    >>> k = Kudos(officer="P1", at=pendulum.datetime(2026, 3, 3), interaction=4, overall=5,
    ...           comment="Thank you")
    >>> "Thank" in repr(k)
    False
    """

    officer: str
    at: pendulum.DateTime
    interaction: int
    overall: int
    comment: str = attrs.field(repr=False)


@attrs.frozen(kw_only=True)
class Message:
    """One automatic message of the outbox.

    ``to`` is the recipient's stakeholder key (None for an answer to an address that is
    nobody's); ``channel`` is None for a message suppressed before one was chosen;
    ``reason`` says why a message was suppressed or failed.

    Examples
    --------
    >>> m = Message(id=1, to="m-1", channel=Channel.SMS, kind=MessageKind.SURVEY,
    ...             text="How did we do?", not_before=pendulum.datetime(2026, 3, 3),
    ...             status=MessageStatus.QUEUED, reason=None, attempts=0, ref="1")
    >>> m.status.value, m.channel.value
    ('queued', 'sms')
    """

    id: int
    to: str | None
    channel: Channel | None
    kind: MessageKind
    text: str
    not_before: pendulum.DateTime
    status: MessageStatus
    reason: str | None
    attempts: int
    ref: str | None = None
    sent: pendulum.DateTime | None = None
    address: str | None = attrs.field(default=None, repr=False)


@attrs.frozen(kw_only=True)
class ConcernEvent:
    """One change of a concern: a status, an owner, or a tipster's reply.

    Examples
    --------
    >>> e = ConcernEvent(at=pendulum.datetime(2026, 3, 3), kind="status",
    ...                  status=ConcernStatus.RECEIVED, owner=None, note="Called back")
    >>> e.kind, "Called" in repr(e)
    ('status', False)
    """

    at: pendulum.DateTime
    kind: str
    status: ConcernStatus | None
    owner: str | None
    note: str | None = attrs.field(default=None, repr=False)
    public: bool = False


@attrs.frozen(kw_only=True)
class ConcernRecord:
    """A concern (or a tip) as it stood at a time, with its history up to then.

    ``interactions`` are the ids of the interactions logged with ``concern=`` its key
    up to then (the work done on it); ``plans`` the keys of the action plans linked to
    it by then (``crm.plans``), in key order.

    Examples
    --------
    >>> import rbp
    >>> from rbp.engagement import Concern
    >>> crm = rbp.open()
    >>> crm.directory.add(rbp.Area("b-1"))
    >>> key = crm.concerns.report(Concern(at=pendulum.datetime(2026, 3, 3), area="b-1",
    ...                                   category="noise", text="Loud music"))
    >>> c = crm.concerns.get(key)
    >>> c.status.value, c.tip, "Loud" in repr(c)
    ('received', False, False)
    """

    key: str
    at: pendulum.DateTime
    area: str
    category: str
    text: str = attrs.field(repr=False)
    reporter: str | None = attrs.field(repr=False)
    tip: bool
    status: ConcernStatus
    owner: str | None
    history: tuple[ConcernEvent, ...] = attrs.field(repr=False)
    acknowledged: pendulum.DateTime | None = None
    resolved: pendulum.DateTime | None = None
    interactions: tuple[int, ...] = ()
    plans: tuple[str, ...] = ()


@attrs.frozen
class Receipt:
    """What a tipster gets back: the tip's key and the code, shown this once.

    The store keeps only a salted slow hash of the code; the code is left out of the
    repr so that it does not end up in a log.

    Examples
    --------
    >>> r = Receipt("T-000001", "T-000001-ABCD-EFGH-JKLM-NPQR")
    >>> r
    Receipt(key='T-000001')
    """

    key: str
    code: str = attrs.field(repr=False)


@attrs.frozen
class TipNote:
    """A public note on a tip, as its tipster may read it.

    Examples
    --------
    >>> TipNote(pendulum.datetime(2026, 3, 3), "Passed to the district").text
    'Passed to the district'
    """

    at: pendulum.DateTime
    text: str = attrs.field(repr=False)


@attrs.frozen(kw_only=True)
class TipStatus:
    """What a tipster sees with their code: the status and the public notes.

    Examples
    --------
    >>> TipStatus(key="T-1", status=ConcernStatus.RECEIVED, notes=()).status.value
    'received'
    """

    key: str
    status: ConcernStatus
    notes: tuple[TipNote, ...]


def message_columns() -> tuple[str, ...]:
    """The columns a list of messages shows (never the address)."""
    return ("id", "to", "channel", "kind", "not_before", "status", "reason", "attempts")


# Users import these from ``rbp.engagement``: reprs and docs show that path.
for _cls in (
    ConcernEvent,
    ConcernRecord,
    Kudos,
    Message,
    OverdueConcern,
    Receipt,
    Satisfaction,
    Score,
    TipNote,
    TipStatus,
    TrendPoint,
):
    _cls.__module__ = "rbp.engagement"
