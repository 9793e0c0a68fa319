"""Reading a grid whose picture-to-module map is bilinear: a quadrilateral stretch.

An image tool's "perspective" (Pillow's QUAD transform, the hard-photo set's tilt) fills each
output pixel from the bilinear interpolation of four corners, so the map from the *picture* to
the symbol's module coordinates is bilinear: u = a0 + a1 x + a2 y + a3 x y, and v likewise.
Its rows and columns are hyperbolas, not lines: no homography follows them, and the bent pass's
second-order warp (erasure.read_bent) only approximates them. Like a homography the map has
eight coefficients, fixed by four points: the three finder centres and a fourth point at the
far corner's finder place, which only the data and the alignment pattern show. Fitted to the
true module centres of the tune split's tilted misses it is within 0.35 module on every one
(versions 3-40; scripts/qr_perspective_study.py), where the best homography is 1-13 modules
off. So the search is the homography fit's, with this model: the fourth point over a third of
the symbol each way by the grid fit's pattern score, then coordinate ascent of the four points;
the erasure decoder, its risk bound and zxing-cpp's re-read judge as for any grid.
"""

from __future__ import annotations

import math
import time
from typing import Any

from kzscam.qr import erasure, symbol
from kzscam.qr.decoders import Symbol

_STARTS = 2  # places of the fourth point the ascent starts from (the decoder judges)
_REACH_SHARE = 3  # the fourth point is searched over n / this modules each way
_COARSE_STEPS = 16  # at most this many tries a side in the coarse search of the fourth point
_STEPS = (0.5, 0.25, 0.12)  # modules a point moves per try of the ascent, coarse to fine
_PAPER_SHARE = 0.3  # saturated modules beyond this share are white paper (see read)
_NEWTON = 3  # iterations inverting the map from the homography's points


def _anchors(n: int) -> Any:
    import numpy as np

    return np.array([[3.5, 3.5], [n - 3.5, 3.5], [3.5, n - 3.5], [n - 3.5, n - 3.5]])


def coefficients(points: Any, n: int, origin: Any) -> Any | None:
    """The 2 x 4 coefficients of the picture-to-module map through the four anchor points
    (picture coordinates, taken from `origin` for a well-conditioned system), or None when
    they are degenerate."""
    import numpy as np

    x = points[:, 0] - origin[0]
    y = points[:, 1] - origin[1]
    a = np.stack([np.ones(4), x, y, x * y], -1)
    try:
        return np.linalg.solve(a, _anchors(n)).T
    except np.linalg.LinAlgError:
        return None


def module_points(coef: Any, start: Any, origin: Any, n: int, du: float = 0.0,
                  dv: float = 0.0) -> Any:
    """Picture points (n x n x 2) of the module centres moved by (du, dv) modules: the map
    inverted by Newton's method from `start` (the homography's points, n x n x 2)."""
    import numpy as np

    base = np.arange(n, dtype=np.float64) + 0.5
    uu, vv = np.meshgrid(base + du, base + dv)
    x = start[..., 0] - origin[0]
    y = start[..., 1] - origin[1]
    a, b = coef
    for _ in range(_NEWTON):
        fu = a[0] + a[1] * x + a[2] * y + a[3] * x * y - uu
        fv = b[0] + b[1] * x + b[2] * y + b[3] * x * y - vv
        j11, j12 = a[1] + a[3] * y, a[2] + a[3] * x
        j21, j22 = b[1] + b[3] * y, b[2] + b[3] * x
        det = j11 * j22 - j12 * j21
        det = np.where(np.abs(det) < 1e-12, 1e-12, det)
        x = x - (j22 * fu - j12 * fv) / det
        y = y - (j11 * fv - j21 * fu) / det
    return np.stack([x + origin[0], y + origin[1]], -1)


def read(picture: Any, grid: Any, version: int, frame: int, deadline: float) -> Symbol | None:
    """The code on a grid the erasure stage kept but could not read (`grid`: module
    coordinates -> picture, its finders fitted), read under the bilinear model, or None."""
    import cv2
    import numpy as np

    n = symbol.size(version)
    anchors = _anchors(n).astype(np.float32)
    points = cv2.perspectiveTransform(anchors[None], grid)[0].astype(np.float64)
    reach = max(3, n // _REACH_SHARE)
    around = erasure.symbol_crop(picture, grid, version, reach)
    if around is None:
        return None
    crop, smooth, x0, y0, pitch = around
    origin = np.array([x0, y0], dtype=np.float64)
    start = {(du, dv): erasure.module_points(grid, version, None, du, dv).astype(np.float64)
             for du, dv in erasure._OFFSETS}
    rows, cols, sign = erasure.fixed_modules(version)

    def centres(pts: Any, du: float = 0.0, dv: float = 0.0) -> Any | None:
        coef = coefficients(pts - origin, n, np.zeros(2))
        if coef is None:
            return None
        return module_points(coef, start[(du, dv)] - origin, np.zeros(2), n, du, dv)

    def score(pts: Any) -> float:
        xy = centres(pts)
        if xy is None or not np.all(np.isfinite(xy)):
            return -math.inf
        got = cv2.remap(smooth, xy[..., 0].astype(np.float32), xy[..., 1].astype(np.float32),
                        cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
        diff = cv2.blur(got, (5, 5), borderType=cv2.BORDER_REFLECT) - got
        return float(np.sum(sign * diff[rows, cols]) + 0.5 * np.sum(np.abs(diff)))

    # The fourth point over a third of the symbol each way, at most _COARSE_STEPS tries a side.
    stride = max(1.0, 2 * reach / _COARSE_STEPS)
    steps = int(reach / stride)
    tried: list[tuple[float, Any]] = []
    for i in range(-steps, steps + 1):
        for j in range(-steps, steps + 1):
            if time.monotonic() > deadline:
                return None
            trial = points.copy()
            trial[3] += np.array((i, j)) * stride * pitch
            tried.append((score(trial), trial))
    starts: list[Any] = []
    for _, trial in sorted(tried, key=lambda vt: -vt[0]):
        if all(math.dist(tuple(trial[3]), tuple(s[3])) >= 2 * stride * pitch for s in starts):
            starts.append(trial)
        if len(starts) == _STARTS:
            break
    for pts in starts:
        _, pts = erasure.ascend(score, pts, score(pts), pitch, deadline, _STEPS, sweeps=6)
        if time.monotonic() > deadline:
            return None
        means, darkest = _sample(smooth, crop, centres, pts, origin, n)
        if means is None or darkest is None:
            continue
        sym = erasure._read_sampled(means, darkest, version, frame, deadline, "-quad")
        if sym is None and float(np.mean(darkest >= erasure._SATURATED)) > _PAPER_SHARE:
            # White paper, not a highlight: a clean render's light modules are pure white,
            # and read as unseen a third of the symbol or more is erased (qrcode-2/14).
            sym = erasure._read_sampled(means, np.minimum(darkest, erasure._SATURATED - 1),
                                        version, frame, deadline, "-quad")
        if sym is not None:
            xy = centres(pts)
            assert xy is not None
            xy = xy + origin
            # The symbol's corners: half a module beyond the corner modules' centres.
            corners = tuple((float(1.5 * p[0] - 0.5 * q[0]), float(1.5 * p[1] - 0.5 * q[1]))
                            for p, q in
                            ((xy[0, 0], xy[1, 1]), (xy[0, -1], xy[1, -2]),
                             (xy[-1, -1], xy[-2, -2]), (xy[-1, 0], xy[-2, 1])))
            from dataclasses import replace

            return replace(sym, corners=corners)  # type: ignore[arg-type]
    return None


def _sample(smooth: Any, crop: Any, centres: Any, pts: Any, origin: Any,
            n: int) -> tuple[Any, Any] | tuple[None, None]:
    """Means and darkest-of-five samples as erasure.sample takes them, at the bilinear
    model's points (crop coordinates)."""
    import cv2
    import numpy as np

    means = None
    darkest = np.full((n, n), 255.0, dtype=np.float32)
    for du, dv in erasure._OFFSETS:
        xy = centres(pts, du, dv)
        if xy is None:
            return None, None
        mx, my = xy[..., 0].astype(np.float32), xy[..., 1].astype(np.float32)
        got = cv2.remap(crop, mx, my, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
        darkest = np.minimum(darkest, got)
        if means is None:
            means = cv2.remap(smooth, mx, my, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    return means, darkest


_VERSION_REACH = 3  # versions each way of the finder spacing's guess whose information is read
_VERSION_BITS = 12  # of the two copies' 36 bits at most this many wrong (half is chance)


def regrid(grid: Any, version: int, other: int) -> Any:
    """The grid for version `other` through the same picture points of the finder centres and
    the fourth corner's finder place."""
    import cv2
    import numpy as np

    n, m = symbol.size(version), symbol.size(other)
    points = cv2.perspectiveTransform(_anchors(n).astype(np.float32)[None], grid)[0]
    return cv2.getPerspectiveTransform(_anchors(m).astype(np.float32), points)


def printed_version(picture: Any, grid: Any, version: int) -> int:
    """The version the symbol's version information says, read beside the finders (where the
    homography is nearly right even under a strong tilt) at each version near the grid's own:
    the one whose word both printed copies are nearest, in bits, if within _VERSION_BITS of
    the 36 (the finder spacing's guess is two versions off on a tilted version 19 of the tune
    split, whose copies are 5 bits off each at 2.7 pixels a module, the other versions 17 or
    more); the grid's version when none is. Only versions 7 and up print the information, so a
    guess of 4-6 still tries 7 and up and a guess of 3 or less tries nothing. A wrong version costs a
    search, not a read: the decoder and zxing-cpp's re-read judge."""
    best = (_VERSION_BITS + 1, 0, version)
    for other in range(max(7, version - _VERSION_REACH),
                       min(symbol.MAX_VERSION, version + _VERSION_REACH) + 1):
        g = regrid(grid, version, other)
        dark, reliability = erasure.modules(*erasure.sample(picture, g, other))
        word = symbol.version_word(other)
        wrong = sum(1 for cells in symbol.version_cells(other)
                    for i, (r, c) in enumerate(cells)
                    if reliability[r, c] <= 0 or bool(dark[r, c]) != bool(word >> (17 - i) & 1))
        best = min(best, (wrong, abs(other - version), other))
    return best[2]


def read_grids(gray: Any, frame: int, grids: list[tuple[Any, int]],
               deadline: float) -> list[Symbol]:
    """The retry ladder's pass: the grids the erasure stage kept but read nothing from (the
    bent pass's), at the version their version information says, each refined as a
    homography and read under the bilinear model."""
    import numpy as np

    picture = np.asarray(gray, dtype=np.float32)
    out: list[Symbol] = []
    for grid, guess in grids:
        if time.monotonic() > deadline:
            break
        version = printed_version(picture, grid, guess)
        if version != guess:
            grid = regrid(grid, guess, version)
        sym = read(picture, erasure.refine(picture, grid, version, deadline), version, frame,
                   deadline)
        if sym is not None:
            out.append(sym)
    return out
