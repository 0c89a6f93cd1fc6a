"""A city shaped like a real department's area tree: hundreds of beats in tens of
districts (27 districts, 271 beats, as a large city's police map has), with enough
people and interactions that every map has something to draw. Built once per run."""

from __future__ import annotations

import functools

import rbp
from rbp import synth


@functools.cache
def _plan() -> synth.Blueprint:
    return synth.blueprint(
        areas=300, officers=300, members=3000, agencies=200, interactions=20_000, seed=3
    )


def area_tree_city() -> tuple[rbp.Store, synth.CityInfo]:
    """A fresh in-memory store holding the city (about 2 s to build), and its facts;
    without the community's voice (its maps are about the area tree)."""
    crm = rbp.open(tz=_plan().tz)
    info = _plan().write(crm, voice=False)
    return crm, info
