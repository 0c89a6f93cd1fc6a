"""Open concerns and tips as a counts-only layer on the maps (``crm.graph.diagram``),
drawn by the REAL Graphviz on the demo's city.

What the boxes and titles say is checked against a second path: the open concerns and
tips read with plain SQL (the last status event at or before T) and rolled up the area
tree by a plain loop over the ``areas`` table. The maps stay readable
(tests/svg_geometry.py) and never carry a concern's or a tip's text.
"""

from __future__ import annotations

import os
import shutil
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

import rbp
from rbp import synth
from rbp.engagement import Concern, ConcernStatus, Tip
from tests.svg_geometry import SVG, problems, svg_of

pytestmark = [
    pytest.mark.dot,
    pytest.mark.skipif(
        shutil.which("dot") is None and os.environ.get("RBP_REQUIRE_DOT") != "1",
        reason="Graphviz `dot` is NOT installed (set RBP_REQUIRE_DOT=1 to make this a failure)",
    ),
]

SECRET = "SECRET-TEXT-do-not-draw"


@pytest.fixture(scope="module")
def city() -> Iterator[tuple[rbp.Store, synth.CityInfo]]:
    with rbp.open(tz="America/Chicago") as crm:
        info = synth.city(crm, size="small", seed=7)
        t0 = info.end.subtract(days=20)
        beats = info.beats
        for i in range(7):
            key = crm.concerns.report(
                Concern(at=t0.add(hours=i), area=beats[i % 3], category="noise", text=SECRET)
            )
            if i == 6:
                crm.concerns.set_status(key, ConcernStatus.CLOSED, at=t0.add(days=1))
        crm.concerns.tip(Tip(at=t0, area=beats[0], category="drugs", text=SECRET))
        crm.concerns.tip(Tip(at=info.end.add(days=1), area=beats[1], category="x", text=SECRET))
        yield crm, info


def _open_by_area(crm: rbp.Store, at: int) -> dict[str, list[int]]:
    """Area key -> [open concerns, open tips] at ``at`` (micros), rolled up, by plain SQL."""
    with crm.engine.connect() as conn:
        parent = dict(conn.execute(sa.text("SELECT key, parent FROM areas")).all())
        rows = conn.execute(
            sa.text(
                "SELECT c.area, c.tip, (SELECT e.status FROM concern_events e "
                " WHERE e.concern = c.key AND e.status IS NOT NULL AND e.at <= :t "
                " ORDER BY e.at DESC, e.id DESC LIMIT 1) FROM concerns c WHERE c.at <= :t"
            ),
            {"t": at},
        ).all()
    out: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for area, tip, status in rows:
        if status in ("resolved", "closed"):
            continue
        a = area
        while a is not None:
            out[a][1 if tip else 0] += 1
            a = parent[a]
    return out


def _words(n: list[int]) -> str:
    concerns, tips = n
    parts = []
    if concerns:
        parts.append(f"{concerns} concern{'s' if concerns != 1 else ''}")
    if tips:
        parts.append(f"{tips} tip{'s' if tips != 1 else ''}")
    return " and ".join(parts) + " open"


def _texts(svg: str) -> list[str]:
    return ["".join(t.itertext()) for t in ET.fromstring(svg).iter(f"{SVG}text")]


def _micros(info: synth.CityInfo) -> int:
    return int(info.end.in_timezone("UTC").timestamp()) * 1_000_000 + info.end.microsecond


def test_area_boxes_count_open_concerns_and_tips(
    city: tuple[rbp.Store, synth.CityInfo],
) -> None:
    crm, info = city
    expected = _open_by_area(crm, _micros(info))
    assert expected  # the fixture left some open
    for scope in (None, info.districts[0]):
        d = crm.graph.diagram(as_of=info.end, area=scope, level="areas")
        svg = svg_of(d)
        assert problems(svg) == []
        texts = _texts(svg)
        # the department's boxes are its beats (framed by districts); a district's, its beats
        parents = info.districts if scope is None else (scope,)
        with crm.engine.connect() as conn:
            drawn = [
                k
                for p in parents
                for (k,) in conn.execute(
                    sa.text("SELECT key FROM areas WHERE parent = :p"), {"p": p}
                )
            ]
        for area in drawn:
            if area in expected:
                assert _words(expected[area]) in texts, (scope, area)
        shown = sum(1 for t in texts if t.endswith(" open"))
        # one per box with open concerns, one sample in the legend
        assert shown == sum(1 for a in drawn if a in expected) + 1, scope
        assert "concerns and anonymous tips not yet resolved" in texts
        assert SECRET not in d.source


def test_beat_and_people_maps_say_it_in_the_title(
    city: tuple[rbp.Store, synth.CityInfo],
) -> None:
    crm, info = city
    expected = _open_by_area(crm, _micros(info))
    beat = info.beats[0]
    words = _words(expected[beat])
    # the city's own concerns, and ours: 0 and 3 of the seven (6 is closed), and the tip
    assert expected[beat][0] >= 2
    assert expected[beat][1] >= 1
    people = crm.graph.diagram(as_of=info.end, area=beat, level="people")
    svg = svg_of(people)
    assert problems(svg) == []
    assert any(words in t for t in _texts(svg))
    sectors = crm.graph.diagram(as_of=info.end, area=beat, level="areas")
    assert any(words in t for t in _texts(svg_of(sectors)))
    quiet = [b for b in info.beats if b not in expected]
    for b in quiet:
        assert " open" not in crm.graph.diagram(as_of=info.end, area=b, level="people").source
    assert SECRET not in people.source
