"""Where decoded symbols sit: quadrilaterals' areas, centres and containment, and one read per code.

`_merge` keeps each code once (same bytes at the same place), so the passes of the retry ladder
(kzscam.qr.ladder) may read a code more than once.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kzscam.qr.decoders import Symbol


def _area(q: tuple[tuple[float, float], ...]) -> float:
    return abs(sum(q[i][0] * q[(i + 1) % len(q)][1] - q[(i + 1) % len(q)][0] * q[i][1]
                   for i in range(len(q)))) / 2


def _inside(point: tuple[float, float], q: tuple[tuple[float, float], ...], grow: float) -> bool:
    cx, cy = _centre(q)
    grown = [(cx + (x - cx) * grow, cy + (y - cy) * grow) for x, y in q]
    sign = 0.0
    for i in range(len(grown)):
        (x0, y0), (x1, y1) = grown[i], grown[(i + 1) % len(grown)]
        cross = (x1 - x0) * (point[1] - y0) - (y1 - y0) * (point[0] - x0)
        if cross != 0:
            if sign and (cross > 0) != (sign > 0):
                return False
            sign = cross
    return True


def _grown(q: tuple[tuple[float, float], ...], grow: float,
           scale: float) -> tuple[tuple[float, float], ...]:
    cx, cy = _centre(q)
    return tuple(((cx + (x - cx) * grow) * scale, (cy + (y - cy) * grow) * scale) for x, y in q)


def _centre(q: tuple[tuple[float, float], ...]) -> tuple[float, float]:
    return sum(p[0] for p in q) / len(q), sum(p[1] for p in q) / len(q)


def _same_place(a: tuple[tuple[float, float], ...], b: tuple[tuple[float, float], ...]) -> bool:
    size = max(math.dist(a[0], a[2]), math.dist(b[0], b[2]), 1.0)
    return math.dist(_centre(a), _centre(b)) < size / 4


def _merge(into: list[Symbol], new: list[Symbol]) -> None:
    """Add symbols not already found (same bytes at the same place, or the same frame twice)."""
    for sym in new:
        same = [i for i, s in enumerate(into) if s.raw == sym.raw
                and (_same_place(s.corners, sym.corners) or s.frame != sym.frame)]
        if not same:
            into.append(sym)
        elif sym.text is not None and into[same[0]].text is None:
            into[same[0]] = sym  # zxing-cpp's reading of bytes zbar gave raw (see _settled)
