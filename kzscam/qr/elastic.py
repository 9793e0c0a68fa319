"""Elastic grid fitting: read QR codes printed on curved or crumpled paper.

zxing-cpp locates such a symbol (finder patterns, version, format) but samples it through one
perspective transform; on a bent sheet the module grid is curved and the data fails error
correction. Here we start from zxing's corners, add a smooth displacement field (bilinear over a
coarse K x K mesh of control points) and move each control point to where the sampled module
centres are most clearly dark or light, with the known function patterns (finders, timing,
alignment, quiet zone) anchoring the grid. The sampled module matrix is then redrawn as a clean
image and decoded by zxing-cpp, so Reed-Solomon error correction still guards every payload.
Pure Python over Pillow bytes: it runs only on images nothing else could read.
"""

from __future__ import annotations

import math
import time
from typing import TYPE_CHECKING

from kzscam.qr.decoders import Candidate, Quad
from kzscam.qr.symbol import finders_and_timing

if TYPE_CHECKING:
    from PIL.Image import Image

Cell = tuple[int, int]  # (row, column); row/column -1 and n are the quiet-zone ring
# Alignment pattern centres per version (ISO/IEC 18004 Annex E), versions 1-20.
_ALIGN: tuple[tuple[int, ...], ...] = (
    (), (), (6, 18), (6, 22), (6, 26), (6, 30), (6, 34), (6, 22, 38), (6, 24, 42), (6, 26, 46),
    (6, 28, 50), (6, 30, 54), (6, 32, 58), (6, 34, 62), (6, 26, 46, 66), (6, 26, 48, 70),
    (6, 26, 50, 74), (6, 30, 54, 78), (6, 30, 56, 82), (6, 30, 58, 86), (6, 34, 62, 90),
)
MAX_VERSION = len(_ALIGN) - 1


def known_modules(n: int, version: int) -> dict[Cell, bool]:
    """Modules whose colour the standard fixes (True = dark), plus the light quiet-zone ring."""
    known = finders_and_timing(n)
    centres = _ALIGN[version]
    for r in centres:
        for c in centres:
            if (r, c) in known:
                continue
            for dr in range(-2, 3):
                for dc in range(-2, 3):
                    known[(r + dr, c + dc)] = max(abs(dr), abs(dc)) != 1
    for i in range(-1, n + 1):
        for cell in ((-1, i), (n, i), (i, -1), (i, n)):
            known[cell] = False
    return known


class _Sampler:
    """Bilinear sampling of an 8-bit grayscale image, clamped at the borders."""

    def __init__(self, image: Image) -> None:
        self.w, self.h = image.size
        self.data = image.tobytes()

    def __call__(self, x: float, y: float) -> float:
        w = self.w
        x = min(max(x, 0.0), w - 1.001)
        y = min(max(y, 0.0), self.h - 1.001)
        xi, yi = int(x), int(y)
        fx, fy = x - xi, y - yi
        d, i = self.data, yi * w + xi
        top = d[i] + (d[i + 1] - d[i]) * fx
        bottom = d[i + w] + (d[i + w + 1] - d[i + w]) * fx
        return top + (bottom - top) * fy


def _homography(q: Quad, n: int) -> tuple[float, ...]:
    """Coefficients mapping the module square [0,n]^2 onto the quad (Heckbert's square-to-quad)."""
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = q
    dx3, dy3 = x0 - x1 + x2 - x3, y0 - y1 + y2 - y3
    g = h = 0.0
    if abs(dx3) > 1e-9 or abs(dy3) > 1e-9:
        dx1, dx2, dy1, dy2 = x1 - x2, x3 - x2, y1 - y2, y3 - y2
        den = dx1 * dy2 - dx2 * dy1
        if abs(den) < 1e-9:
            raise ValueError("degenerate quadrilateral")
        g, h = (dx3 * dy2 - dx2 * dy3) / den, (dx1 * dy3 - dx3 * dy1) / den
    return (x1 - x0 + g * x1, x3 - x0 + h * x3, x0, y1 - y0 + g * y1, y3 - y0 + h * y3, y0,
            g, h, float(n))


def _project(hm: tuple[float, ...], u: float, v: float) -> tuple[float, float]:
    a, b, c, d, e, f, g, h, n = hm
    u, v = u / n, v / n
    z = g * u + h * v + 1.0
    return (a * u + b * v + c) / z, (d * u + e * v + f) / z


def fit_modules(gray: Image, cand: Candidate, mesh: int,
                deadline: float | None = None) -> list[list[bool]] | None:
    """Sample the module matrix of `cand` after fitting a `mesh` x `mesh` displacement field.
    At `deadline` (a `time.monotonic()` value) the fit stops where it is: the scan's budget is a
    ceiling, and a fit's cost is only estimated beforehand (it varies with the machine's load)."""
    from PIL import ImageFilter

    if not 1 <= cand.version <= MAX_VERSION:
        return None
    n = 17 + 4 * cand.version
    q = cand.corners
    module = max(math.dist(q[0], q[1]), math.dist(q[0], q[3])) / n
    if module < 1.0:
        return None
    img = _Sampler(gray.filter(ImageFilter.GaussianBlur(max(0.6, module * 0.25))))
    local_mean = _Sampler(gray.filter(ImageFilter.BoxBlur(max(2, int(module * 2.5)))))
    try:
        hm = _homography(q, n)
    except ValueError:
        return None
    known = known_modules(n, cand.version)
    cells = [(r, c) for r in range(-1, n + 1) for c in range(-1, n + 1)
             if (0 <= r < n and 0 <= c < n) or (r, c) in known]
    base = {rc: _project(hm, rc[1] + 0.5, rc[0] + 0.5) for rc in cells}
    span = n / mesh
    disp = [[0.0, 0.0] for _ in range((mesh + 1) ** 2)]
    weights: dict[Cell, tuple[tuple[int, float], ...]] = {}
    touched: dict[int, list[Cell]] = {}
    for r, c in cells:
        u = min(max((c + 0.5) / span, 0.0), mesh - 1e-9)
        v = min(max((r + 0.5) / span, 0.0), mesh - 1e-9)
        i, j, fu, fv = int(u), int(v), u - int(u), v - int(v)
        k = j * (mesh + 1) + i
        w = ((k, (1 - fu) * (1 - fv)), (k + 1, fu * (1 - fv)),
             (k + mesh + 1, (1 - fu) * fv), (k + mesh + 2, fu * fv))
        weights[(r, c)] = w
        for point, wt in w:
            if wt > 0:
                touched.setdefault(point, []).append((r, c))

    def darkness(rc: Cell) -> float:
        x, y = base[rc]
        for point, wt in weights[rc]:
            x += disp[point][0] * wt
            y += disp[point][1] * wt
        return local_mean(x, y) - img(x, y)

    polarity = 1.0 if sum(darkness(rc) for rc in ((3, 3), (3, n - 4), (n - 4, 3))) >= 0 else -1.0

    def score(rc: Cell) -> float:
        dark = darkness(rc) * polarity
        expected = known.get(rc)
        if expected is None:
            return abs(dark)
        return dark if expected else -dark

    current = {rc: score(rc) for rc in cells}
    out_of_time = False
    for step in (module * 0.5, module * 0.3, module * 0.15):
        for _ in range(3):
            moved = False
            for point, affected in touched.items():
                if deadline is not None and time.monotonic() > deadline:
                    out_of_time = True
                    break
                best = sum(current[rc] for rc in affected)
                for ddx, ddy in ((step, 0.0), (-step, 0.0), (0.0, step), (0.0, -step)):
                    disp[point][0] += ddx
                    disp[point][1] += ddy
                    trial = {rc: score(rc) for rc in affected}
                    total = sum(trial.values())
                    if total > best + 1e-6:
                        current.update(trial)
                        best, moved = total, True
                    else:
                        disp[point][0] -= ddx
                        disp[point][1] -= ddy
            if not moved or out_of_time:
                break
        if out_of_time:
            break
    return [[darkness((r, c)) * polarity > 0 for c in range(n)] for r in range(n)]


def render(matrix: list[list[bool]], scale: int = 4, border: int = 4) -> Image:
    """Draw a module matrix as a clean black-on-white symbol with a quiet zone."""
    from PIL import Image

    n = len(matrix)
    side = n + 2 * border
    im = Image.new("L", (side, side), 255)
    im.putdata([0 if 0 <= r - border < n and 0 <= c - border < n and matrix[r - border][c - border]
                else 255 for r in range(side) for c in range(side)])
    return im.resize((side * scale, side * scale), Image.Resampling.NEAREST)
