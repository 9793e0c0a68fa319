"""Reading a damaged Micro QR symbol from its one finder pattern, with unseen and doubtful
modules as Reed-Solomon erasures.

The erasure stage (kzscam.qr.erasure) reads QR Code from three finders or a located symbol. A
Micro QR symbol (M1-M4, kzscam.qr.micro) has a single finder in a corner and timing patterns
along the two edges that meet there; a scratch or a reflection on it defeats zxing-cpp just as on
a QR Code (scripts/qr_micro_study.py). From one finder found in the picture the grid is laid out
for each of the four sides the symbol may lie on and each size, each fitted (a fraction of a
module at a time) until the finder, its separator, the timing patterns and the quiet zone read
as the standard draws them; a grid whose timing modules and format information then read as
no valid symbol is dropped. The modules are called as the erasure stage calls them and the one
block decoded under the same risk bound (`symbol.false_accept`, 10^-9 per try). An M1 symbol
has two check codewords, which only detect errors: no try of it stays within the bound, so it
is never read here. The corrected symbol is redrawn and read again by zxing-cpp as Micro QR at
the version sampled.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from typing import Any

from kzscam.qr import erasure, micro
from kzscam.qr.decoders import Symbol, read_zxing

_STEPS = (0.5, 0.25, 0.12)  # modules an anchor moves per try, coarse to fine
_ANGLES = 30  # finder orientations tried over a quarter turn
_GMD_STEP = 1  # least reliable codewords added to the erasures per retry of the block


def _anchors(n: int) -> Any:
    """Module coordinates of the four points a grid is fitted by: the finder's centre and the
    symbol's other three corner modules."""
    import numpy as np

    return np.array([[3.5, 3.5], [n - 0.5, 0.5], [0.5, n - 0.5], [n - 0.5, n - 0.5]],
                    dtype=np.float32)


def _pattern(n: int) -> tuple[Any, Any, Any]:
    """Rows, columns and signs (+1 dark, -1 light) of the modules a grid is fitted to: the fixed
    patterns and one ring of quiet zone (row and column -1 and n)."""
    import numpy as np

    cells = {cell: dark for cell, dark in micro.function_modules((n - 9) // 2).items()
             if cell not in set(micro.format_cells((n - 9) // 2))}
    for i in range(-1, n + 1):
        for cell in ((-1, i), (n, i), (i, -1), (i, n)):
            cells[cell] = False
    rows = np.array([r for r, _ in cells], dtype=np.float32)
    cols = np.array([c for _, c in cells], dtype=np.float32)
    sign = np.array([1.0 if d else -1.0 for d in cells.values()], dtype=np.float32)
    return rows, cols, sign


class _Scorer:
    """How well the fixed patterns read on a grid placed by the four anchor points."""

    def __init__(self, picture: Any, n: int, pitch: float, box: tuple[int, int, int, int]):
        import cv2
        import numpy as np

        x0, y0, x1, y1 = box
        self.x0, self.y0 = x0, y0
        crop = picture[y0:y1, x0:x1]
        # A Gaussian of a quarter module (half a pixel at least): without it the pass does not
        # read the scratched tune photo microqrcode-1/7 (docs/scan-qr.md, "Micro QR").
        self.smooth = cv2.GaussianBlur(crop, (0, 0), max(0.5, 0.25 * pitch))
        self.level = (float(np.percentile(self.smooth, 90)) +
                      float(np.percentile(self.smooth, 10))) / 2 if crop.size else 0.0
        self.n = n
        rows, cols, self.sign = _pattern(n)
        # Module centres of the fixed cells and of the data cells, in module coordinates.
        data = [(r, c) for r in range(n) for c in range(n)
                if (r, c) not in micro.function_modules((n - 9) // 2)]
        self.fixed = np.stack([cols + 0.5, rows + 0.5], axis=-1)[None].astype(np.float32)
        self.data = np.array([[c + 0.5, r + 0.5] for r, c in data], dtype=np.float32)[None]
        self.anchors = _anchors(n)
        self.cells = len(self.sign) + self.data.shape[1]

    def __call__(self, points: Any) -> float:
        import cv2
        import numpy as np

        g = cv2.getPerspectiveTransform(self.anchors, points)
        fixed = cv2.perspectiveTransform(self.fixed, g)[0]
        data = cv2.perspectiveTransform(self.data, g)[0]
        xy = np.concatenate([fixed, data]) - (self.x0, self.y0)
        got = cv2.remap(self.smooth, xy[:, 0:1].astype(np.float32),
                        xy[:, 1:2].astype(np.float32), cv2.INTER_LINEAR,
                        borderMode=cv2.BORDER_REPLICATE)[:, 0]
        diff = self.level - got
        k = len(self.sign)
        return float(np.sum(self.sign * diff[:k]) + 0.5 * np.sum(np.abs(diff[k:])))


def orientation(picture: Any, x: float, y: float, size: float) -> float:
    """The finder's rotation (radians, modulo a quarter turn): the angle at which its nested
    squares and the light ring around them read best."""
    import cv2
    import numpy as np

    ideal = [(r, c, (r in (0, 6) or c in (0, 6) or (2 <= r <= 4 and 2 <= c <= 4))
              and -1 < r < 7 and -1 < c < 7) for r in range(-1, 8) for c in range(-1, 8)]
    uv = np.array([[c - 3, r - 3] for r, c, _ in ideal], dtype=np.float32)
    sign = np.array([1.0 if d else -1.0 for _, _, d in ideal], dtype=np.float32)
    best, angle = -math.inf, 0.0
    for i in range(_ANGLES):
        a = i * (math.pi / 2) / _ANGLES
        for scale in (0.9, 1.0, 1.1):
            m = size / 7 * scale
            rot = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]]) * m
            xy = (uv @ rot.T + (x, y)).astype(np.float32)
            got = cv2.remap(picture, xy[:, 0:1], xy[:, 1:2], cv2.INTER_LINEAR,
                            borderMode=cv2.BORDER_REPLICATE)[:, 0]
            value = float(np.sum(sign * (float(np.mean(got)) - got)))
            if value > best:
                best, angle = value, a
    return angle


def grids(picture: Any, x: float, y: float, size: float,
          deadline: float) -> Iterator[tuple[Any, int]]:
    """(grid, version) for each side the symbol may lie on and each size whose grid, fitted
    coarsely, has format information that reads as a valid format; those then fitted finely,
    the best coarse fit first. The coarse fit and the format check weed out most of the sixteen
    layouts of a finder for a few milliseconds each (a QR Code's finder among them)."""
    import cv2
    import numpy as np

    h, w = picture.shape[:2]
    base = orientation(picture, x, y, size)
    module = size / 7
    centre = np.array([x, y])
    kept: list[tuple[float, int, _Scorer, Any]] = []
    for version in micro.VERSIONS:
        n = micro.size(version)
        reach = int((n + 3) * module * 1.5) + 2
        box = (max(0, int(x - reach)), max(0, int(y - reach)), min(w, int(x + reach) + 1),
               min(h, int(y + reach) + 1))
        score = _Scorer(picture, n, module, box)
        for turn in range(4):
            if time.monotonic() > deadline:
                return
            a = base + turn * math.pi / 2
            u = np.array([math.cos(a), math.sin(a)]) * module
            v = np.array([-math.sin(a), math.cos(a)]) * module
            points = np.array([centre + (p[0] - 3.5) * u + (p[1] - 3.5) * v
                               for p in _anchors(n)], dtype=np.float32)
            value, points = _ascent(score, points, module, deadline, _STEPS[:1], 2)
            grid = cv2.getPerspectiveTransform(_anchors(n), points)
            dark, _ = erasure.modules(*erasure.sample(picture, grid, version, n=n))
            if _plausible(dark, version):
                kept.append((value / score.cells, version, score, points))
    for _, version, score, points in sorted(kept, key=lambda r: -r[0]):
        if time.monotonic() > deadline:
            return
        value, points = _ascent(score, points, module, deadline)
        _, points = _corner(score, points, value, module, deadline)
        yield cv2.getPerspectiveTransform(_anchors(micro.size(version)), points), version


_FORMAT_BITS = 2  # format bits a coarsely fitted grid may miss
_TIMING = 0.75  # share of the timing modules it must read right


def _plausible(dark: Any, version: int) -> bool:
    """Whether a coarsely fitted grid reads like a Micro QR symbol of this size: its format
    information within two bits of a valid word and three in four of its timing modules right
    (modules at random pass about once in 600 to 1,500 grids; a QR Code's finder rarely: its
    timing runs along the finder's inner edge, not its outer one)."""
    n = micro.size(version)
    timing = [(0, i) for i in range(8, n)] + [(i, 0) for i in range(8, n)]
    right = sum(bool(dark[r, c]) == (max(r, c) % 2 == 0) for r, c in timing)
    if right < _TIMING * len(timing):
        return False
    printed = 0
    for r, c in micro.format_cells(version):
        printed = printed << 1 | int(bool(dark[r, c]))
    return any(bin(printed ^ micro.format_word(version, level, mask)).count("1") <= _FORMAT_BITS
               for level in micro.levels(version) for mask in range(4))


_CORNER_REACH = 4  # half modules the far corner is searched over each way


def _corner(score: _Scorer, points: Any, best: float, pitch: float,
            deadline: float) -> tuple[float, Any]:
    """The far corner, which only the data and the quiet zone place (a tilt moves it most),
    searched for over two modules each way, then the ascent again from the best place."""
    import numpy as np

    start, moved = points[3].copy(), False
    for dx in range(-_CORNER_REACH, _CORNER_REACH + 1):
        for dy in range(-_CORNER_REACH, _CORNER_REACH + 1):
            if time.monotonic() > deadline:
                return best, points
            trial = points.copy()
            trial[3] = start + np.array((dx, dy), dtype=np.float32) * 0.5 * pitch
            value = score(trial)
            if value > best:
                best, points, moved = value, trial, True
    return _ascent(score, points, pitch, deadline) if moved else (best, points)


def _ascent(score: _Scorer, points: Any, pitch: float, deadline: float,
            steps: tuple[float, ...] = _STEPS, sweeps: int = 4) -> tuple[float, Any]:
    """Coordinate ascent of the pattern score over the four anchor points, coarse to fine."""
    return erasure.ascend(score, points, score(points), pitch, deadline, steps, sweeps)


def _formats(dark: Any, reliability: Any, version: int,
             slack: float) -> list[tuple[float, str, int]]:
    """(weighted distance, level, mask) of the format words within `slack` of the printed one."""
    out = []
    cells = micro.format_cells(version)
    for level in micro.levels(version):
        for mask in range(4):
            word = micro.format_word(version, level, mask)
            cost = sum(float(reliability[r, c]) + 0.05 for i, (r, c) in enumerate(cells)
                       if bool(dark[r, c]) != bool(word >> (14 - i) & 1))
            out.append((cost, level, mask))
    out.sort()
    return [f for f in out if f[0] <= slack][:3]


def decode(dark: Any, reliability: Any, version: int) -> Iterator[tuple[str, int, list[int]]]:
    """Corrected codewords of a sampled grid for each plausible format: unseen codewords erased,
    then the least reliable ones too, one at a time, while the risk bound of the erasure stage
    allows (`erasure.decode_block`).

    The four-bit codeword of M1 and M3 enters the Reed-Solomon code as its four bits followed by
    four zeros (ISO/IEC 18004, and segno). Its corrected value is not required to end in zeros:
    the printed M3 symbol of zxing-cpp's sample microqrcode-1/7 reads 0000 there and checks only
    as 11111111, one error that zxing-cpp corrects too."""
    for _, level, mask in _formats(dark, reliability, version, 1.0):
        data, ec = micro.layout(version, level)
        word = micro.values(version, level, mask, dark)
        cells = micro.codeword_cells(version, level)
        weakest = [min(float(reliability[r, c]) for r, c in cw) for cw in cells]
        fixed = erasure.decode_block(data + ec, ec, word, weakest, _GMD_STEP)
        if fixed is not None:
            yield level, mask, fixed


_SHIFTS = ((0.0, 0.0), (-0.25, -0.25), (0.25, 0.25), (-0.25, 0.25), (0.25, -0.25))


def read(picture: Any, grid: Any, version: int, frame: int, deadline: float) -> Symbol | None:
    """The Micro QR symbol on `grid`, its modules called as the erasure stage calls them (the
    highlight model's calls, then the local mean's), confirmed by zxing-cpp. At two or three
    pixels a module the fit may settle a quarter module off: the grid is also read shifted by
    that much diagonally, the decoder judging."""
    import numpy as np

    from kzscam.qr.elastic import render

    n = micro.size(version)
    for du, dv in _SHIFTS:
        if time.monotonic() > deadline:
            return None
        moved = grid @ np.array([[1.0, 0.0, du], [0.0, 1.0, dv], [0.0, 0.0, 1.0]])
        means, darkest = erasure.sample(picture, moved, version, n=n)
        dark, weight = erasure.modules(means, darkest)
        local, local_weight = erasure.local_calls(means, darkest)
        # Paper printed near white saturates too: a module the highlight model sees (a light
        # one beside dark modules that keep their contrast) is not erased in the local reading.
        local_weight = np.where(weight > 0, np.maximum(local_weight, 1e-3), 0.0)
        for calls, weights, method in ((dark, weight, "erasure-micro"),
                                       (local, local_weight, "erasure-micro-local")):
            for level, mask, codewords in decode(calls, weights, version):
                matrix = micro.draw(version, level, mask, codewords)
                found, _ = read_zxing(render(matrix), pure=True, frame=frame)
                for s in found:
                    if s.symbology == "Micro QR Code" and s.version == f"M{version}":
                        return Symbol(s.raw, s.text, erasure.corners_of(grid, version, n),
                                      s.decoder, s.symbology, s.version, s.ec_level, method,
                                      frame)
    return None
