"""The brief's headline figures and how each is judged good, watch or act.

The thresholds are data (:data:`THRESHOLDS`), each on a share from 0 to 1, so a
department can read them, quote them, and change them in one place.
"""

from __future__ import annotations

import attrs
import pendulum

from rbp._render import count, number, percent

__all__ = ["THRESHOLDS", "Headline", "Threshold"]


@attrs.frozen
class Threshold:
    """Where a share turns from good to watch, and from watch to act.

    ``good`` and ``act`` are shares from 0 to 1. When ``higher_is_better`` a share at
    or above ``good`` is good and one below ``act`` calls to act; otherwise a share at
    or below ``good`` is good and one above ``act`` calls to act. Between them: watch.

    Examples
    --------
    >>> t = Threshold(good=0.6, act=0.4, higher_is_better=True)
    >>> t.judge(0.65), t.judge(0.5), t.judge(0.3), t.judge(None)
    ('good', 'watch', 'act', None)
    >>> t.rule
    'good at 60 % or more; act below 40 %'
    >>> Threshold(good=0.0, act=0.34).rule
    'good when none; act above 34 %'
    """

    good: float
    act: float
    higher_is_better: bool = False

    def judge(self, share: float | None) -> str | None:
        """``"good"``, ``"watch"`` or ``"act"`` for ``share``; None when there is none.

        Parameters
        ----------
        share
            The share to judge, 0 to 1.

        Returns
        -------
        str or None
            The judgement.

        Examples
        --------
        >>> Threshold(good=0.1, act=0.25).judge(0.2)
        'watch'
        """
        if share is None:
            return None
        if self.higher_is_better:
            if share >= self.good:
                return "good"
            return "act" if share < self.act else "watch"
        if share <= self.good:
            return "good"
        return "act" if share > self.act else "watch"

    @property
    def rule(self) -> str:
        """The thresholds in words, as the brief prints them under a figure."""
        if self.higher_is_better:
            return f"good at {percent(self.good)} or more; act below {percent(self.act)}"
        good = "good when none" if self.good == 0 else f"good up to {percent(self.good)}"
        return f"{good}; act above {percent(self.act)}"


THRESHOLDS: dict[str, Threshold] = {
    "coverage": Threshold(good=0.6, act=0.4, higher_is_better=True),
    "key_uncontacted": Threshold(good=0.1, act=0.25),
    "single_threaded": Threshold(good=0.3, act=0.5),
    "cold_ties": Threshold(good=0.2, act=0.4),
    "plans": Threshold(good=0.0, act=0.34),
}
"""The judgement of each headline figure of the brief, on its share:

- ``coverage``: covered / stakeholders in scope; good at 60 % or more, act below 40 %;
- ``key_uncontacted``: key stakeholders with no officer contact within their cadence /
  key stakeholders; good up to 10 %, act above 25 %;
- ``single_threaded``: covered stakeholders held by one officer / covered; good up to
  30 %, act above 50 %;
- ``cold_ties``: officer ties cooling or dormant / ties not lapsed; good up to 20 %, act
  above 40 %;
- ``plans``: open plans with overdue tasks, partners not engaged or a needed sector
  with no partner / open plans; good when none, act above 34 %.
"""


@attrs.frozen(kw_only=True)
class Headline:
    """One headline figure of a brief, now and a quarter before.

    ``value`` of ``of`` (covered of stakeholders, say); ``share`` is ``value / of``
    (None when ``of`` is 0) and is what :data:`THRESHOLDS` judges. ``previous`` and
    ``previous_of`` are the same figure as of ``compared`` (None when not known).

    Examples
    --------
    >>> h = Headline(name="coverage", label="Coverage", value=49, of=100, previous=52,
    ...              previous_of=100, compared=pendulum.datetime(2026, 3, 31))
    >>> h.shown, h.status, h.change
    ('49 %', 'watch', 'down 3 points since 31 Mar 2026 (worse)')
    """

    name: str
    label: str
    value: int
    of: int
    previous: int | None = None
    previous_of: int | None = None
    compared: pendulum.DateTime | None = None
    noun: str = "stakeholder"

    @property
    def share(self) -> float | None:
        """``value / of``; None when ``of`` is 0."""
        return None if self.of == 0 else self.value / self.of

    @property
    def previous_share(self) -> float | None:
        """The share a quarter before; None when not known."""
        if self.previous is None or not self.previous_of:
            return None
        return self.previous / self.previous_of

    @property
    def threshold(self) -> Threshold:
        """This figure's entry in :data:`THRESHOLDS`."""
        return THRESHOLDS[self.name]

    @property
    def status(self) -> str | None:
        """``"good"``, ``"watch"``, ``"act"``, or None when nothing is in scope."""
        return self.threshold.judge(self.share)

    @property
    def shown(self) -> str:
        """The figure as the brief shows it: a percentage for coverage, else a count."""
        return percent(self.share) if self.name == "coverage" else number(self.value)

    @property
    def change(self) -> str:
        """The change since ``compared`` in words, and whether it is better or worse."""
        since = "" if self.compared is None else f" since {self.compared.format('D MMM YYYY')}"
        if self.name == "coverage":
            if self.share is None or self.previous_share is None:
                return f"no earlier figure{since}" if since else ""
            diff = round(100 * self.share) - round(100 * self.previous_share)
            amount = count(abs(diff), "point")
        else:
            if self.previous is None:
                return f"no earlier figure{since}" if since else ""
            diff = self.value - self.previous
            amount = number(abs(diff))
        if diff == 0:
            return f"no change{since}"
        better = (diff > 0) == self.threshold.higher_is_better
        return f"{'up' if diff > 0 else 'down'} {amount}{since} ({'better' if better else 'worse'})"

    @property
    def detail(self) -> str:
        """What the figure counts, in words."""
        if self.of == 0:
            return f"no {count(0, self.noun).removeprefix('0 ')}"
        if self.name == "coverage":
            have = "has" if self.value == 1 else "have"
            of = count(self.of, self.noun)
            return f"{number(self.value)} of {of} {have} recent officer contact"
        return f"{percent(self.share)} of {count(self.of, self.noun)}"


# Threshold's public path is rbp.report; doctest still reads this method's example here.
__test__ = {"Threshold.judge": Threshold.judge}
