"""Node positions computed in Python, so a large page needs no physics in the browser and a small one starts
from a readable arrangement instead of a ball.

The layout is radial: each connected part is laid out around a centre (the focused incident, else its most
connected record), every record on the ring of its distance from that centre, in the angular order of the
record it was reached from, so a neighbourhood fans out from its hub. Rings grow to fit the records on them.
Parts are then placed side by side in rows, largest first. Everything is O(n log n) and deterministic.
"""

from __future__ import annotations

import math
from collections import defaultdict, deque

RING = 260.0  # distance between rings, in vis-network's canvas units
SPACING = 90.0  # the least arc between two neighbours on a ring
GAP = 160.0  # between two parts


def radial(nodes: list[str], edges: list[tuple[str, str]], focus: list[str] = ()) -> dict[str, tuple[float, float]]:
    """Positions for `nodes` (ids) joined by `edges`; the `focus` records (when drawn) are centres."""
    neighbours: dict[str, list[str]] = defaultdict(list)
    known = set(nodes)
    for a, b in edges:
        if a in known and b in known and a != b:
            neighbours[a].append(b)
            neighbours[b].append(a)
    for ids in neighbours.values():
        ids.sort()
    order = sorted(nodes, key=lambda n: (n not in focus, -len(neighbours[n]), n))
    placed: dict[str, tuple[float, float]] = {}
    parts: list[tuple[dict[str, tuple[float, float]], float]] = []
    seen: set[str] = set()
    for centre in order:
        if centre in seen:
            continue
        part, radius = _part(centre, neighbours, seen)
        parts.append((part, radius))
    # the first part (the focus's, or the largest) at the origin; the others on shelves to its right, in rows
    # about as wide as the square root of their total area
    parts[1:] = sorted(parts[1:], key=lambda p: -p[1])
    if not parts:
        return placed
    first, r0 = parts[0]
    placed.update({n: (round(x, 1), round(y, 1)) for n, (x, y) in first.items()})
    width = max(math.sqrt(sum((2 * r + GAP) ** 2 for _, r in parts[1:])), 2 * r0)
    left = r0 + GAP
    x, y, row_height = left, -r0, 0.0
    for part, radius in parts[1:]:
        size = 2 * radius + GAP
        if x > left and x + size > left + width:
            x, y, row_height = left, y + row_height, 0.0
        cx, cy = x + radius, y + radius
        x += size
        row_height = max(row_height, size)
        for node, (px, py) in part.items():
            placed[node] = (round(cx + px, 1), round(cy + py, 1))
    return placed


def _part(centre: str, neighbours, seen: set[str]) -> tuple[dict[str, tuple[float, float]], float]:
    """One connected part around `centre`: breadth-first rings, each child in its parent's angular order."""
    seen.add(centre)
    queue = deque([centre])
    parent_angle: dict[str, float] = {centre: 0.0}
    depth = {centre: 0}
    children: dict[str, list[str]] = defaultdict(list)
    while queue:
        node = queue.popleft()
        for other in neighbours[node]:
            if other not in seen:
                seen.add(other)
                depth[other] = depth[node] + 1
                children[node].append(other)
                queue.append(other)
    # angles: each ring ordered by its parents' order, evenly spread
    positions: dict[str, tuple[float, float]] = {centre: (0.0, 0.0)}
    level = [centre]
    radius = 0.0
    k = 0
    while True:
        nxt = [c for n in level for c in children[n]]
        if not nxt:
            break
        k += 1
        radius = max(k * RING, len(nxt) * SPACING / (2 * math.pi), radius + RING)
        step = 2 * math.pi / len(nxt)
        # rotate each ring so that children sit near their parent's angle
        first_parent = parent_angle.get(level[0], 0.0)
        for index, node in enumerate(nxt):
            angle = first_parent + index * step
            parent_angle[node] = angle
            positions[node] = (radius * math.cos(angle), radius * math.sin(angle))
        level = nxt
    return positions, max(radius, SPACING / 2)


__all__ = ["radial"]
