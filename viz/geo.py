"""The offline map of Mexico's states: the vendored SVG of npm's `@svg-maps/mexico` 2.0.0 (CC BY 4.0, Victor
Cazanave; assets/mexico.svg with its licence beside it), and the projection that puts WGS84 points on it.

The SVG carries no georeference. Its outline matches a Mercator projection whose extent is the country's
(Isla Guadalupe in the west to Cozumel in the east, the Colorado delta in the north to the Suchiate in the
south); tests/test_viz.py checks that cities land inside their own state's outline.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from ..core.text import fold

SVG = Path(__file__).resolve().parent / "assets" / "mexico.svg"
ATTRIBUTION = "State outlines: @svg-maps/mexico 2.0.0 by Victor Cazanave, CC BY 4.0"
VIEWBOX = (0.0, 0.0, 793.0, 498.0)
# the extent of the drawn outline: (west, east) longitudes, (north, south) latitudes, and where they fall
WEST, EAST, NORTH, SOUTH = -118.40, -86.71, 32.72, 14.53
X0, X1, Y0, Y1 = 0.29, 792.19, 0.29, 497.21
# names the data gives a state besides the SVG's own label (folded; a name matches by its start)
ALIASES = {
    "cmx": ("ciudad de mexico", "distrito federal", "mexico city", "cdmx"),
    "mex": ("estado de mexico", "state of mexico", "mexico state"),
    "coa": ("coahuila",), "mic": ("michoacan",), "ver": ("veracruz",),
}


class State(NamedTuple):
    code: str  # the SVG path id, e.g. "mic"
    name: str  # its label, e.g. "Michoacán"
    path: str  # the SVG path data, as vendored
    rings: tuple[tuple[tuple[float, float], ...], ...]
    centre: tuple[float, float]


def _mercator(lat: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def project(lon: float, lat: float) -> tuple[float, float]:
    """A WGS84 point in the SVG's coordinates."""
    x = X0 + (lon - WEST) / (EAST - WEST) * (X1 - X0)
    y = Y0 + (_mercator(NORTH) - _mercator(lat)) / (_mercator(NORTH) - _mercator(SOUTH)) * (Y1 - Y0)
    return round(x, 1), round(y, 1)


def _rings(path: str) -> tuple[tuple[tuple[float, float], ...], ...]:
    """The closed outlines of path data made of m/M, l/L and z (all the vendored file uses)."""
    tokens = re.findall(r"[MmLlZz]|-?\d*\.?\d+(?:e-?\d+)?", path)
    x = y = 0.0
    start, command, ring, rings, i = (0.0, 0.0), "M", [], [], 0
    while i < len(tokens):
        token = tokens[i]
        if token in "MmLlZz":
            i += 1
            if token in "Zz":
                x, y = start
                rings.append(tuple(ring))
                ring = []
            else:
                command = token
            continue
        a, b = float(tokens[i]), float(tokens[i + 1])
        i += 2
        x, y = (x + a, y + b) if command in "ml" else (a, b)
        if command in "Mm":
            start, command = (x, y), "l" if command == "m" else "L"
        ring.append((x, y))
    if ring:
        rings.append(tuple(ring))
    return tuple(rings)


@lru_cache(maxsize=1)
def states() -> tuple[State, ...]:
    found = []
    text = SVG.read_text(encoding="utf-8")
    for code, name, path in re.findall(r'<path\s+id="([^"]+)"\s+aria-label="([^"]+)"\s+d="([^"]+)"', text):
        rings = _rings(path)
        points = [p for r in rings for p in r]
        main = max(rings, key=len)  # the mainland outline, not an island's, for where a label goes
        centre = (round(sum(p[0] for p in main) / len(main), 1), round(sum(p[1] for p in main) / len(main), 1))
        found.append(State(code, name, path, rings, centre if points else (0.0, 0.0)))
    return tuple(found)


def contains(state: State, point: tuple[float, float]) -> bool:
    """Even-odd rule over the state's outlines."""
    x, y = point
    inside = False
    for ring in state.rings:
        for (x1, y1), (x2, y2) in zip(ring, ring[-1:] + ring[:-1]):
            if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
                inside = not inside
    return inside


@lru_cache(maxsize=4096)
def state_code(name: str) -> str | None:
    """The SVG state a place name denotes ('Michoacán de Ocampo' -> 'mic'), or None."""
    folded = fold(name)
    for code, names in ALIASES.items():
        if any(folded.startswith(alias) for alias in names):
            return code
    best = None
    for state in states():
        label = fold(state.name)
        if folded == label or (folded.startswith(label + " ") and (best is None or len(label) > len(best[1]))):
            best = (state.code, label)
    return best[0] if best else None


__all__ = ["ATTRIBUTION", "State", "VIEWBOX", "contains", "project", "state_code", "states"]
