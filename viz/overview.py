"""The page drawn when a selection has more records than the node cap: its incidents grouped by state and
year, with counts, instead of a network no browser could lay out."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from . import geo
from .model import GraphData


@dataclass
class Overview:
    heading: str
    records: int  # how many records the selection has
    cap: int
    incidents: int
    groups: list[dict]  # {state, code, year, count}, by state then year


def overview(graph: GraphData, ids: set[str] | None, heading: str, records: int, cap: int) -> Overview:
    """Group the incidents of `ids` (None: of the whole build) by the state their place lies in and the
    year they started."""
    incidents = graph.ids_of_class("Incident")
    if ids is not None:
        incidents = sorted(set(incidents) & ids)
    states: dict[str, str] = {}  # place id -> state name
    counts: Counter = Counter()
    for incident in incidents:  # two index look-ups each, not the whole record
        year = (graph.values(incident, "startDate") or [""])[0][:4] or "undated"
        place = (graph.values(incident, "place") or [""])[0]
        if place not in states:
            states[place] = _state_of(graph, place)
        counts[(states[place], year)] += 1
    groups = [{"state": state, "code": geo.state_code(state) if state != "no state recorded" else None,
               "year": year, "count": n} for (state, year), n in sorted(counts.items())]
    return Overview(heading, records, cap, len(incidents), groups)


def _state_of(graph: GraphData, place: str) -> str:
    if not place:
        return "no state recorded"
    for pid in (place, *graph.values(place, "partOf")):  # partOf is materialised transitively
        if graph.is_of(pid, "State"):
            return graph.name(pid)
    return "no state recorded"


__all__ = ["Overview", "overview"]
