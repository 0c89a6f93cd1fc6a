"""Made-up names for the synthetic city, from small built-in lists.

Surnames are glued from syllables, so they are plausible but belong to nobody;
given names are common ones. No external data, no Faker.
"""

from __future__ import annotations

import random

__all__ = ["Namer"]

_GIVEN = (
    "Alex", "Ana", "Andre", "Beatriz", "Carmen", "Chris", "Dana", "Darius", "Elena", "Eli",
    "Fatima", "Grace", "Hana", "Ivan", "Jamal", "Jordan", "Kai", "Keisha", "Lena", "Luis",
    "Maya", "Marcus", "Nadia", "Noah", "Omar", "Priya", "Quinn", "Rosa", "Sam", "Tariq",
    "Tess", "Uma", "Victor", "Wen", "Yara", "Zoe", "Ruth", "Hector", "Imani", "Theo",
)  # fmt: skip
_ONSETS = (
    "Bar", "Bel", "Cal", "Dor", "Fen", "Gar", "Hal", "Kel", "Lor", "Mar", "Nor", "Pel",
    "Quin", "Ros", "Sal", "Tor", "Val", "Wen", "Al", "Ed", "Or", "Ash", "Brin", "Cor",
)  # fmt: skip
_CODAS = (
    "ton", "ley", "man", "wick", "ford", "by", "vell", "ino", "ez", "ova", "sen", "mont",
    "ridge", "ard", "ette", "ani", "ows", "dale",
)  # fmt: skip
_PLACES = (
    "Cedar", "Maple", "Harbor", "Lakeview", "Riverside", "Oak Park", "Hillcrest", "Elm",
    "Westgate", "Northfield", "Southport", "Eastwood", "Pine", "Willow", "Summit", "Meadow",
    "Granite", "Bayside", "Fairview", "Highland", "Sunset", "Brookside", "Linden", "Aspen",
)  # fmt: skip


class Namer:
    """Draws names with the caller's random generator (so a seed fixes them all)."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng

    def surname(self) -> str:
        """A made-up surname, e.g. ``"Calford"``."""
        return self._rng.choice(_ONSETS) + self._rng.choice(_CODAS)

    def person(self) -> str:
        """A full name, e.g. ``"Maya Dorvell"``."""
        return f"{self._rng.choice(_GIVEN)} {self.surname()}"

    def place(self) -> str:
        """A neighbourhood-like word, e.g. ``"Lakeview"``."""
        return self._rng.choice(_PLACES)

    def places(self, n: int) -> list[str]:
        """``n`` distinct place names (numbered once the list runs out)."""
        out = self._rng.sample(_PLACES, min(n, len(_PLACES)))
        i = 2
        while len(out) < n:
            out += [f"{p} {i}" for p in _PLACES[: n - len(out)]]
            i += 1
        return out
