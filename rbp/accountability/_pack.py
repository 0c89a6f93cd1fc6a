"""The accreditation pack: sections of evidence, each naming the standard it supports."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs
import pendulum

from rbp._render import Renderable, Report, Table, count
from rbp.errors import ValidationError
from rbp.model._fields import check_text

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["CHAPTER_45", "SECTIONS", "AccreditationPack", "Section", "Standard", "standards_of"]


@attrs.frozen
class Standard:
    """An accreditation standard: its id in the edition used, and its title.

    Examples
    --------
    >>> Standard("45.2", "Community involvement").id
    '45.2'
    """

    id: str
    title: str


SECTIONS = {
    "activity": "Community-involvement activity by area and kind",
    "liaisons": "Liaisons with community groups and partner agencies",
    "meetings": "Community meetings and events",
    "concerns": "Concerns raised and what was done",
    "surveys": "Community surveys",
    "plans": "Action plans with goals and measures",
    "training": "Training of the officers doing the work",
}
"""The sections of a pack, in order, with their headings."""

CHAPTER_45 = {
    "activity": Standard("45.2", "Community involvement"),
    "liaisons": Standard("45.2", "Community involvement"),
    "meetings": Standard("45.2", "Community involvement"),
    "concerns": Standard("45.2", "Community involvement"),
    "surveys": Standard("45.2", "Community involvement"),
    "plans": Standard("45.1", "Crime prevention"),
    "training": Standard("45.2", "Community involvement"),
}
"""The default standards: CALEA law enforcement chapter 45 (crime prevention and
community involvement), named at the level of its two parts; pass ``standards=`` to
name the standards of your edition."""


def standards_of(value: object) -> dict[str, Standard]:
    """The standards to name: the defaults, with a mapping of section to
    :class:`Standard` (or ``(id, title)``) laid over them."""
    if value is None:
        return dict(CHAPTER_45)
    if not isinstance(value, Mapping):
        raise TypeError(
            f"standards must be a mapping of section to Standard, got {type(value).__name__}"
        )
    out = dict(CHAPTER_45)
    for section, standard in value.items():
        if section not in SECTIONS:
            raise ValidationError(
                f"standards: no section {section!r:.60}; the sections are {sorted(SECTIONS)}",
                field="standards",
            )
        if isinstance(standard, tuple) and len(standard) == 2:
            standard = Standard(*standard)
        if not isinstance(standard, Standard):
            raise ValidationError(
                f"standards[{section!r}] must be a Standard or (id, title)", field="standards"
            )
        out[section] = Standard(
            check_text(standard.id, "standards", 40), check_text(standard.title, "standards", 300)
        )
    return out


@attrs.frozen(kw_only=True, eq=False)
class Section:
    """One section of a pack: what it shows, the standard it supports, its frame.

    Examples
    --------
    >>> import pandas as pd
    >>> s = Section(key="surveys", title="Community surveys",
    ...             standard=Standard("45.2", "Community involvement"),
    ...             frame=pd.DataFrame({"responses": [12]}))
    >>> s.standard.id, len(s.frame)
    ('45.2', 1)
    """

    key: str
    title: str
    standard: Standard
    frame: pd.DataFrame = attrs.field(repr=False)


@attrs.frozen(kw_only=True, repr=False, eq=False)
class AccreditationPack(Renderable):
    """The evidence an assessor asks for, for a period, section by section.

    Made by :meth:`rbp.accountability.Accountability.accreditation_pack`; ``to_html``
    is the document an accreditation manager hands an assessor.

    Examples
    --------
    >>> pack = crm.accountability.accreditation_pack(start=T.subtract(months=3), end=T)
    >>> [s.key for s in pack.sections][:3]
    ['activity', 'liaisons', 'meetings']
    >>> pack.sections[0].standard.id
    '45.2'
    """

    start: pendulum.DateTime
    end: pendulum.DateTime
    agency: str
    sections: tuple[Section, ...]

    def section(self, key: str) -> Section:
        """The section ``key`` ("activity", "liaisons", ...).

        Parameters
        ----------
        key
            The section's key.

        Returns
        -------
        Section
            Its title, standard and frame.

        Raises
        ------
        KeyError
            No such section.

        Examples
        --------
        >>> pack = crm.accountability.accreditation_pack(start=T.subtract(months=1), end=T)
        >>> pack.section("plans").standard.title
        'Crime prevention'
        """
        for s in self.sections:
            if s.key == key:
                return s
        raise KeyError(key)

    def _report(self) -> Report:
        tables = []
        for s in self.sections:
            frame = s.frame
            rows: list[dict[str, Any]] = [
                {str(k): v for k, v in r.items()}
                for r in frame.astype(object).where(frame.notna(), None).to_dict("records")
            ]
            name = f"{s.title} — standard {s.standard.id} ({s.standard.title})"
            tables.append(Table(name, tuple(str(c) for c in frame.columns), rows))
        return Report(
            f"{self.agency}: accreditation evidence",
            as_of=self.end,
            summary=(
                f"{self.start.to_date_string()} to {self.end.to_date_string()}: "
                f"{count(len(self.sections), 'section')}, each naming the standard it supports."
            ),
            tables=tuple(tables),
            notes=("Keys, kinds, counts and dates only: no names, contacts or notes.",),
        )
