"""Reading a code under saturated highlights: unseen modules as erasures.

A specular highlight drives the camera to pure white: the modules under it carry no information,
yet zxing-cpp's binariser calls them light and its decoder spends two check codewords on each
wrong one. Here the module grid is sampled from the finder patterns (or the corners zxing-cpp
located), each module voted on with several local thresholds, and the modules under saturated
pixels are marked unknown. A codeword with an unknown module is an *erasure*, which costs one
check codeword, so up to twice as much of the symbol may be lost (kzscam.qr.symbol). Blocks that
still fail are retried with their least reliable codewords also erased (generalised minimum
distance decoding). A grid that reads as nothing is read a second time with every module called
against the mean of its neighbours (`local_calls`): a scratch or a stain is not the smooth
highlight the first reading models. A grid kept but not read may be read once more bent
(`read_bent`): a second-order warp on top of the homography, for rows and columns that bow
after a strong tilt (scripts/qr_perspective_study.py).

No guess reaches the user: every block must decode within a bound on the chance of turning a
hopeless block into a wrong one (`_RISK` per try, a few check codewords kept unused for that),
and the corrected symbol is redrawn and read again by zxing-cpp, whose own Reed-Solomon check
and payload parser it must pass, at the version the grid was sampled at.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

from kzscam.qr import symbol
from kzscam.qr.decoders import Quad, Symbol, read_zxing

# The chance, per block and per try, that the decoder accepts a block it should have given up on
# (symbol.false_accept). A picture sees a few hundred tries at most.
_RISK = 1e-9
_SATURATED = 248  # a module whose every sample is this bright carries no contrast
_VISIBLE = 40.0  # darkness (255 - grey) a dark module keeps where it still shows
_FORMAT_COST = 1.0
_FIELD_SIGMA = 1.0
_REFINE_STEPS = (0.5, 0.25, 0.12)
_LOST_REACH = 4  # modules a guessed finder is searched for around its guess
_CORNER_REACH = 2  # the same for the fourth corner
_GMD_STEP = 2  # least reliable codewords added to the erasures per retry of a block


def grid_from_finders(finders: tuple[Any, Any, Any], version: int,
                      fourth: tuple[float, float] | None = None) -> Any:
    """Module coordinates -> picture, from the finder centres (corner, top-right, bottom-left)
    and, when known, where the bottom-right finder's centre would be."""
    import cv2
    import numpy as np

    c, a, b = finders
    n = symbol.size(version)
    d = fourth if fourth is not None else (a.x + b.x - c.x, a.y + b.y - c.y)
    src = np.array([[3.5, 3.5], [n - 3.5, 3.5], [3.5, n - 3.5], [n - 3.5, n - 3.5]],
                   dtype=np.float32)
    dst = np.array([[c.x, c.y], [a.x, a.y], [b.x, b.y], list(d)], dtype=np.float32)
    return cv2.getPerspectiveTransform(src, dst)


def grid_from_corners(quad: Quad, version: int) -> Any:
    import cv2
    import numpy as np

    n = symbol.size(version)
    src = np.array([[0, 0], [n, 0], [n, n], [0, n]], dtype=np.float32)
    return cv2.getPerspectiveTransform(src, np.array(quad, dtype=np.float32))


def corners_of(grid: Any, version: int, n: int | None = None) -> Quad:
    """The symbol's corners in the picture (`n` modules a side: a Micro QR symbol's size)."""
    import cv2
    import numpy as np

    n = n or symbol.size(version)
    pts = np.array([[[0, 0], [n, 0], [n, n], [0, n]]], dtype=np.float32)
    out = cv2.perspectiveTransform(pts, grid)[0]
    return tuple((float(x), float(y)) for x, y in out)  # type: ignore[return-value]


Bend = tuple[float, float, float, float, float, float]
_OFFSETS = ((0.0, 0.0), (-0.25, 0.0), (0.25, 0.0), (0.0, -0.25), (0.0, 0.25))


def module_points(grid: Any, version: int, bend: Bend | None = None, du: float = 0.0,
                  dv: float = 0.0, n: int | None = None) -> Any:
    """Picture points (n x n x 2, x then y) of every module's centre moved by (du, dv) modules.
    `bend` adds a smooth second-order warp in module coordinates before the homography: with
    s, t running from -1 to 1 across the symbol, u moves by b0 s^2 + b1 s t + b2 t^2 modules
    and v by b3 s^2 + b4 s t + b5 t^2 (rows and columns that bow: paper not quite flat, or a
    picture stretched by a tool that does not keep straight lines straight)."""
    import cv2
    import numpy as np

    n = n or symbol.size(version)
    base = np.arange(n, dtype=np.float32) + 0.5
    uu, vv = np.meshgrid(base + du, base + dv)
    if bend is not None and any(bend):
        s = (uu - n / 2) / (n / 2)
        t = (vv - n / 2) / (n / 2)
        ss, st, tt = s * s, s * t, t * t
        uu = uu + bend[0] * ss + bend[1] * st + bend[2] * tt
        vv = vv + bend[3] * ss + bend[4] * st + bend[5] * tt
    pts = np.stack([uu, vv], axis=-1).reshape(1, -1, 2).astype(np.float32)
    return cv2.perspectiveTransform(pts, grid).reshape(n, n, 2)


def bent_anchors(anchors: Any, n: int, bend: Bend | None) -> Any:
    """Module points that `bend` moves onto `anchors`' places: the homography built from these
    keeps the anchors (finder centres, the fourth corner) where they were found, whatever the
    bend does in between."""
    import numpy as np

    if bend is None or not any(bend):
        return anchors
    s = (anchors[:, 0] - n / 2) / (n / 2)
    t = (anchors[:, 1] - n / 2) / (n / 2)
    out = anchors.astype(np.float64).copy()
    out[:, 0] += bend[0] * s * s + bend[1] * s * t + bend[2] * t * t
    out[:, 1] += bend[3] * s * s + bend[4] * s * t + bend[5] * t * t
    return out.astype(np.float32)


def sample(picture: Any, grid: Any, version: int, bend: Bend | None = None,
           n: int | None = None) -> tuple[Any, Any]:
    """Per module: the mean over its middle half (sensor noise and JPEG ringing averaged out,
    the neighbours' blur left aside), and the darkest of five point samples (the centre and a
    quarter module each way: a module is unseen only when all of it is saturated)."""
    import cv2
    import numpy as np

    n = n or symbol.size(version)
    quad = np.array(corners_of(grid, version, n))
    pitch = max(1.0, math.dist(quad[0], quad[2]) / (n * math.sqrt(2)))
    points = [module_points(grid, version, bend, du, dv, n) for du, dv in _OFFSETS]
    if bend is not None and any(bend):
        quad = np.concatenate([quad, points[0].reshape(-1, 2)])
    x0, y0 = np.maximum(np.floor(quad.min(axis=0)).astype(int) - 2, 0)
    x1, y1 = np.ceil(quad.max(axis=0)).astype(int) + 3
    crop = picture[y0:y1, x0:x1]
    if crop.size == 0:
        crop, x0, y0 = picture, 0, 0
    k = max(1, int(pitch * 0.5))
    smooth = cv2.blur(crop, (k, k)) if k > 1 else crop
    means = np.zeros((n, n), dtype=np.float32)
    darkest = np.full((n, n), 255.0, dtype=np.float32)
    for i, xy in enumerate(points):
        mx = (xy[..., 0] - x0).astype(np.float32)
        my = (xy[..., 1] - y0).astype(np.float32)
        got = cv2.remap(crop, mx, my, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
        darkest = np.minimum(darkest, got)
        if i == 0:
            means = cv2.remap(smooth, mx, my, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    return means, darkest


def modules(means: Any, darkest: Any) -> tuple[Any, Any]:
    """Dark modules and a reliability per module (0 for unseen ones).

    A highlight adds light in proportion to what is missing: a pixel v becomes
    255 - (255 - v)(1 - s) for a highlight of strength s. In the *darkness* 255 - v it is a
    factor, so in log(255 - v) it is a smooth offset shared by the dark and the light modules
    around. The dark and the light level are each followed as a smooth field (a Gaussian average
    over a module or two of the modules of that class, refined twice from a first local-mean
    guess) and every module is called against the mid-level between them. The reliability is
    the distance from that mid-level in grey levels: it shrinks with the highlight's (1 - s) as
    the signal does against the sensor's noise. Saturated modules are unseen and left out."""
    import cv2
    import numpy as np

    seen = (darkest < _SATURATED).astype(np.float32)
    logd = np.log(np.maximum(255.0 - means, 1.0)).astype(np.float32)

    def smooth(values: Any, weight: Any, sigma: float) -> tuple[Any, Any]:
        total = cv2.GaussianBlur(values * weight, (0, 0), sigma, borderType=cv2.BORDER_REFLECT)
        count = cv2.GaussianBlur(weight, (0, 0), sigma, borderType=cv2.BORDER_REFLECT)
        return total / np.maximum(count, 1e-6), count

    first, _ = smooth(logd, seen, 2.0)
    dark = logd > first
    mid = first
    for _ in range(3):
        levels = []
        for cls in (dark, ~dark):
            weight = seen * cls.astype(np.float32)
            near, count = smooth(logd, weight, 1.2)
            far, _ = smooth(logd, weight, 3.0)
            levels.append(np.where(count > 0.08, near, far))
        mid = (levels[0] + levels[1]) / 2
        dark = logd > mid
    # One attenuation field for both classes: log-darkness = field + the class's level.
    for _ in range(2):
        kd = float(np.percentile(logd[(seen > 0) & dark], 75)) if np.any((seen > 0) & dark) else 5.0
        kl = float(np.percentile(logd[(seen > 0) & ~dark], 75)) if np.any((seen > 0) & ~dark) else 3.0
        resid = logd - np.where(dark, kd, kl)
        field = _plane_fit(resid, seen, _FIELD_SIGMA)
        mid = field + (kd + kl) / 2
        dark = logd > mid
    # A saturated module beside clearly dark ones is a light module (overexposed paper, or the
    # edge of a highlight where a dark module would still show): only where no dark module
    # nearby keeps its contrast is it unseen.
    weight = seen * dark.astype(np.float32)
    dark_level, count = smooth(logd, weight, 1.2)
    light = (seen == 0) & (count > 0.15) & (dark_level > math.log(_VISIBLE))
    dark &= ~light
    threshold = 255.0 - np.exp(mid)
    reliability = np.where(seen > 0, np.abs(means - threshold) / 255.0,
                           np.where(light, 0.5 * np.abs(means - threshold) / 255.0, 0.0))
    return dark, reliability


def _plane_fit(values: Any, weight: Any, sigma: float) -> Any:
    """At every module, the value at that module of a plane fitted by Gaussian-weighted least
    squares to the neighbours' `values` (a highlight's falloff is steep: a local mean lags it,
    a local plane follows it); the local mean where the plane is ill-posed."""
    import cv2
    import numpy as np

    n = values.shape[0]
    yy, xx = np.mgrid[0:n, 0:n].astype(np.float32)

    impulse = np.zeros((9, 9), dtype=np.float32)
    impulse[4, 4] = 1.0
    own = float(cv2.GaussianBlur(impulse, (0, 0), sigma)[4, 4])

    def blur(a: Any) -> Any:
        """Weighted neighbourhood sums, the module itself left out (it must not vote for its
        own threshold)."""
        return cv2.GaussianBlur(a * weight, (0, 0), sigma, borderType=cv2.BORDER_REFLECT) \
            - own * a * weight

    s0, sx, sy = blur(np.ones_like(xx)), blur(xx), blur(yy)
    sxx, syy, sxy = blur(xx * xx), blur(yy * yy), blur(xx * yy)
    sv, svx, svy = blur(values), blur(values * xx), blur(values * yy)
    safe = np.maximum(s0, 1e-6)
    mean_x, mean_y, mean_v = sx / safe, sy / safe, sv / safe
    cxx = sxx / safe - mean_x ** 2
    cyy = syy / safe - mean_y ** 2
    cxy = sxy / safe - mean_x * mean_y
    cvx = svx / safe - mean_v * mean_x
    cvy = svy / safe - mean_v * mean_y
    det = cxx * cyy - cxy ** 2
    ok = (det > 0.05 * sigma ** 4) & (s0 > 0.05)
    gx = np.where(ok, (cvx * cyy - cvy * cxy) / np.where(ok, det, 1.0), 0.0)
    gy = np.where(ok, (cvy * cxx - cvx * cxy) / np.where(ok, det, 1.0), 0.0)
    plane = mean_v + gx * (xx - mean_x) + gy * (yy - mean_y)
    far = cv2.GaussianBlur(values * weight, (0, 0), 3.0, borderType=cv2.BORDER_REFLECT) / \
        np.maximum(cv2.GaussianBlur(weight, (0, 0), 3.0, borderType=cv2.BORDER_REFLECT), 1e-6)
    return np.where(s0 > 0.05, plane, far)


def symbol_crop(picture: Any, grid: Any, version: int,
                reach: int) -> tuple[Any, Any, int, int, float] | None:
    """The picture around a grid's symbol (its quiet zone and `reach` modules more, for a search
    that moves the corners), the same crop box-blurred at half a module, its top-left corner and
    the module pitch in pixels; None when the box falls outside the picture."""
    import cv2
    import numpy as np

    n = symbol.size(version)
    quad = np.array(corners_of(grid, version))
    pitch = max(1.0, math.dist(quad[0], quad[2]) / (n * math.sqrt(2)))
    pad = int((4 + reach) * pitch) + 2
    x0, y0 = np.maximum(np.floor(quad.min(axis=0)).astype(int) - pad, 0)
    x1, y1 = np.ceil(quad.max(axis=0)).astype(int) + pad
    crop = picture[y0:y1, x0:x1]
    if crop.size == 0:
        return None
    k = max(1, int(pitch * 0.5))
    smooth = cv2.blur(crop, (k, k)) if k > 1 else crop
    return crop, smooth, int(x0), int(y0), pitch


def fixed_modules(version: int) -> tuple[Any, Any, Any]:
    """Rows, columns and signs (+1 dark, -1 light) of the modules the standard fixes: a grid is
    scored by how well it sees them. The format and version cells vary from code to code."""
    import numpy as np

    varying = set(symbol.format_cells(version)[0] + symbol.format_cells(version)[1])
    if version >= 7:
        varying |= set(symbol.version_cells(version)[0] + symbol.version_cells(version)[1])
    fixed = {cell: d for cell, d in symbol.function_modules(version).items()
             if cell not in varying}
    rows = np.array([r for r, _ in fixed])
    cols = np.array([c for _, c in fixed])
    sign = np.array([1.0 if d else -1.0 for d in fixed.values()], dtype=np.float32)
    return rows, cols, sign


def refine(picture: Any, grid: Any, version: int, deadline: float,
           lost: int | None = None, fine: bool = True, bent: bool = False) -> Any:
    """The grid moved to fit the symbol: the picture points of the finder centres and of the
    fourth corner's (the one a parallelogram or a lost finder only guesses) shifted, a fraction
    of a module at a time, to where the fixed patterns (finders, separators, timing, alignment)
    read as the standard draws them and the data modules are the most contrasted. With `bent`,
    a (grid, bend) pair: the same search with the six coefficients of `module_points`' bend
    moved alongside the four points."""
    import cv2
    import numpy as np

    n = symbol.size(version)
    anchors = np.array([[3.5, 3.5], [n - 3.5, 3.5], [3.5, n - 3.5], [n - 3.5, n - 3.5]],
                       dtype=np.float32)
    points = cv2.perspectiveTransform(anchors[None], grid)[0].astype(np.float32)
    around = symbol_crop(picture, grid, version, _corner_reach(n) if bent else 0)
    if around is None:
        return grid
    _crop, smooth, x0, y0, pitch = around
    rows, cols, sign = fixed_modules(version)
    # Module centres and the bend's terms, computed once: the search scores thousands of grids.
    base = np.arange(n, dtype=np.float64) + 0.5
    uu, vv = np.meshgrid(base, base)
    s, t = (uu - n / 2) / (n / 2), (vv - n / 2) / (n / 2)
    terms = (s * s, s * t, t * t)

    def score(pts: Any, bend: Bend | None = None) -> float:
        u, v = uu, vv
        if bend is not None and any(bend):
            u = uu + bend[0] * terms[0] + bend[1] * terms[1] + bend[2] * terms[2]
            v = vv + bend[3] * terms[0] + bend[4] * terms[1] + bend[5] * terms[2]
        g = cv2.getPerspectiveTransform(bent_anchors(anchors, n, bend), pts)
        w = g[2, 0] * u + g[2, 1] * v + g[2, 2]
        mx = ((g[0, 0] * u + g[0, 1] * v + g[0, 2]) / w - x0).astype(np.float32)
        my = ((g[1, 0] * u + g[1, 1] * v + g[1, 2]) / w - y0).astype(np.float32)
        got = cv2.remap(smooth, mx, my, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
        mid = cv2.blur(got, (5, 5), borderType=cv2.BORDER_REFLECT)
        diff = mid - got
        return float(np.sum(sign * diff[rows, cols]) + 0.5 * np.sum(np.abs(diff)))

    if bent:
        return _bend_search(score, points, pitch, deadline, anchors)

    best = score(points)
    # Points placed by guess are searched for first, over a few modules each way, before the
    # fine moves: a finder lost (under a highlight, say) and placed as in a square, and the
    # fourth corner, placed as a parallelogram's (perspective moves it by modules).
    for index, reach in ((lost, _LOST_REACH), (3, _CORNER_REACH), (lost, 1)):
        if index is None or fine:
            continue
        start = points[index].copy()
        for dx in range(-reach, reach + 1):
            for dy in range(-reach, reach + 1):
                if time.monotonic() > deadline:
                    return cv2.getPerspectiveTransform(anchors, points)
                trial = points.copy()
                trial[index] = start + np.array((dx * pitch, dy * pitch), dtype=np.float32)
                value = score(trial)
                if value > best:
                    best, points = value, trial
    if fine:
        _, points = ascend(score, points, best, pitch, deadline, _REFINE_STEPS)
    return cv2.getPerspectiveTransform(anchors, points)


def ascend(score: Callable[[Any], float], points: Any, best: float, pitch: float,
           deadline: float, steps: tuple[float, ...], sweeps: int = 4) -> tuple[float, Any]:
    """Coordinate ascent of a pattern score over four anchor points (picture coordinates),
    each moved by `steps` of a module, coarse to fine (kzscam.qr.microread too)."""
    for step in steps:
        for _ in range(sweeps):
            moved = False
            for i in range(4):
                for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1)):
                    if time.monotonic() > deadline:
                        return best, points
                    trial = points.copy()
                    trial[i] += (dx * step * pitch, dy * step * pitch)
                    value = score(trial)
                    if value > best:
                        best, points, moved = value, trial, True
            if not moved:
                break
    return best, points


_BEND_STEPS = (0.5, 0.25, 0.12)  # modules a bend coefficient moves per try, coarse to fine
_BEND_LIMIT = 4.0  # modules: no coefficient bends the grid further
_BEND_COARSE = (-2.5, -2.0, -1.5, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0, 2.5)
_BEND_NEAR = (-1.0, -0.5, 0.0, 0.5, 1.0)
_CORNER_SHARE = 5
_BENT_STARTS = 3  # places of the fourth corner each bent grid is searched from


def _corner_reach(n: int) -> int:
    """Modules the bent search looks for the fourth corner over, each way. A parallelogram's
    guess is often a fifth of the symbol off under a strong tilt (up to a quarter on the tune
    photos); searching a third of the symbol read nothing more for more time."""
    return max(3, n // _CORNER_SHARE)


def _bend_search(score: Callable[[Any, Bend | None], float], points: Any, pitch: float,
                 deadline: float, anchors: Any) -> list[tuple[Any, Bend]]:
    """Bent grids, best first: coordinate ascent of the pattern score over the four anchor
    points and the six bend coefficients together, from the best few places of the fourth
    corner (the pattern score alone does not always rank the right one first; the decoder
    judges)."""
    import cv2
    import numpy as np

    n = round(float(anchors[3][0]) + 3.5)
    out: list[tuple[float, Any, Bend]] = []

    def coarse(pts: Any, bend: Any, best: float,
               values: tuple[float, ...] = _BEND_COARSE) -> tuple[Any, float]:
        """A tilt the homography misjudges stretches one axis unevenly and shears the other
        with it (u by s^2 with v by s t, or v by t^2 with u by s t): a coarse grid of those
        pairs (`values` from zero, or around the bend so far), since the ascent alone stops in
        the nearest of the optima a module apart."""
        centre = bend.copy()
        around = values is not _BEND_COARSE
        for a, b in ((0, 4), (5, 1)):
            for va in values:
                for vb in values:
                    if time.monotonic() > deadline:
                        return bend, best
                    trial = centre.copy() if around else np.zeros(6)
                    trial[a] += va
                    trial[b] += vb
                    value = score(pts, tuple(trial))
                    if value > best:
                        best, bend = value, trial
        return bend, best

    def corner(pts: Any, bend: Any, best: float, reach: int,
               stride: float) -> tuple[Any, float, list[tuple[float, Any]]]:
        """The fourth corner, which only the alignment pattern and the data place, searched
        for under a bend; also every place tried, with its score."""
        start = pts[3].copy()
        tried: list[tuple[float, Any]] = []
        for dx in range(-reach, reach + 1):
            for dy in range(-reach, reach + 1):
                if time.monotonic() > deadline:
                    return pts, best, tried
                trial = pts.copy()
                trial[3] = start + np.array((dx, dy), dtype=np.float32) * stride * pitch
                value = score(trial, tuple(bend))
                tried.append((value, trial))
                if value > best:
                    best, pts = value, trial
        return pts, best, tried

    bend, _ = coarse(points, np.zeros(6), score(points, None))
    _, _, tried = corner(points, bend, -math.inf, _corner_reach(n), 1.0)
    starts: list[Any] = []
    for _, trial in sorted(tried, key=lambda vt: -vt[0]):
        if all(math.dist(tuple(trial[3]), tuple(p[3])) >= 2 * pitch for p in starts):
            starts.append(trial)
        if len(starts) == _BENT_STARTS:
            break
    for pts in starts:
        b, value = coarse(pts, bend, score(pts, tuple(bend)), _BEND_NEAR)
        pts, value, _ = corner(pts, b, value, 2, 0.5)
        pts, b, value = _ascent(score, pts, b, value, pitch, deadline)
        final: Bend = tuple(float(v) for v in b)  # type: ignore[assignment]
        out.append((value, cv2.getPerspectiveTransform(bent_anchors(anchors, n, final), pts),
                    final))
        if time.monotonic() > deadline:
            break
    out.sort(key=lambda r: -r[0])
    return [(g, b) for _, g, b in out]


def _ascent(score: Callable[[Any, Bend | None], float], points: Any, bend: Any, best: float,
            pitch: float, deadline: float) -> tuple[Any, Any, float]:
    """Coordinate ascent over the four points and the six coefficients, coarse to fine."""
    for step in _BEND_STEPS:
        for _ in range(6):
            moved = False
            for i in range(4):
                for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1)):
                    if time.monotonic() > deadline:
                        return points, bend, best
                    trial = points.copy()
                    trial[i] += (dx * step * pitch, dy * step * pitch)
                    value = score(trial, tuple(bend))
                    if value > best:
                        best, points, moved = value, trial, True
            for j in range(6):
                for sign in (1.0, -1.0):
                    if time.monotonic() > deadline:
                        return points, bend, best
                    trial_bend = bend.copy()
                    trial_bend[j] += sign * step
                    if abs(trial_bend[j]) > _BEND_LIMIT:
                        continue
                    value = score(points, tuple(trial_bend))
                    if value > best:
                        best, bend, moved = value, trial_bend, True
            if not moved:
                break
    return points, bend, best


def _formats(dark: Any, reliability: Any, version: int,
             slack: float = _FORMAT_COST) -> list[tuple[float, str, int]]:
    """(weighted distance, level, mask) of the format words nearest both printed copies."""
    out = []
    copies = symbol.format_cells(version)
    for level in symbol.LEVELS:
        for mask in range(8):
            word = symbol.format_word(level, mask)
            best = math.inf
            for cells in copies:
                cost = sum(float(reliability[r, c]) + 0.05 for i, (r, c) in enumerate(cells)
                           if bool(dark[r, c]) != bool(word >> (14 - i) & 1))
                best = min(best, cost)
            out.append((best, level, mask))
    out.sort()
    return [f for f in out if f[0] <= slack][:3]


def _version_ok(dark: Any, reliability: Any, version: int) -> bool:
    """For versions 7 and up: a printed copy of the version information within 3 bits."""
    if version < 7:
        return True
    word = symbol.version_word(version)
    for cells in symbol.version_cells(version):
        wrong = sum(1 for i, (r, c) in enumerate(cells)
                    if reliability[r, c] > 0 and bool(dark[r, c]) != bool(word >> (17 - i) & 1))
        if wrong <= 3:
            return True
    return False


def decode_grid(dark: Any, reliability: Any, version: int,
                deadline: float) -> Iterator[tuple[str, int, list[int]]]:
    """Corrected codewords (placement order) for each plausible format of a sampled grid."""
    if not _version_ok(dark, reliability, version):
        return
    cells = symbol.codeword_cells(version)
    for _, level, mask in _formats(dark, reliability, version):
        values, weakest = [], []
        for cw in cells:
            v = 0
            for r, c in cw:
                v = v << 1 | int(bool(dark[r, c]) != symbol.mask_bit(mask, r, c))
            values.append(v)
            weakest.append(min(float(reliability[r, c]) for r, c in cw))
        out = list(values)
        for (total, data), idx in zip(symbol.blocks(version, level),
                                      symbol.interleave(version, level), strict=True):
            if time.monotonic() > deadline:
                return
            fixed = decode_block(total, total - data, [values[i] for i in idx],
                           [weakest[i] for i in idx])
            if fixed is None:
                break
            for i, v in zip(idx, fixed, strict=True):
                out[i] = v
        else:
            yield level, mask, out


def decode_block(length: int, ec: int, word: list[int], weakest: list[float],
           step: int = _GMD_STEP) -> list[int] | None:
    """One block, errors and erasures: the unseen codewords erased, then the least reliable ones
    too, `step` at a time, while the risk bound allows (kzscam.qr.microread too)."""
    unseen = [i for i, w in enumerate(weakest) if w <= 0]
    order = sorted((i for i, w in enumerate(weakest) if w > 0), key=lambda i: weakest[i])
    synd = symbol.syndromes(word, ec)
    extra = 0
    while True:
        erased = unseen + order[:extra]
        limit = symbol.max_errors(length, ec, len(erased), _RISK)
        if limit is None:
            return None
        fixed = symbol.correct(word, ec, erased, limit, synd)
        if fixed is not None:
            return fixed
        extra += step


def fit(picture: Any, grid: Any, version: int, deadline: float,
        lost: int | None = None) -> Any | None:
    """The grid with its guessed points found (a lost finder, the fourth corner), or None when
    its format information then reads as no valid format: the grid is not the symbol's (most
    completions of a finder pair are not), and costs no more."""
    if not 1 <= version <= symbol.MAX_VERSION:
        return None
    grid = refine(picture, grid, version, deadline, lost, fine=False)
    dark, reliability = modules(*sample(picture, grid, version))
    if not _formats(dark, reliability, version, 2 * _FORMAT_COST):
        return None
    return grid


def read_fitted(picture: Any, grid: Any, version: int, frame: int,
                deadline: float, bent: bool = True) -> Symbol | None:
    """The code on a grid `fit` kept, read with unseen modules erased and confirmed by
    zxing-cpp, or None; when the homography reads nothing and `bent`, the grid bent as well."""
    grid = refine(picture, grid, version, deadline)
    sym = _read_sampled(*sample(picture, grid, version), version, frame, deadline, "")
    if sym is not None or not bent or time.monotonic() > deadline:
        return None if sym is None else replace(sym, corners=corners_of(grid, version))
    return _read_bent(picture, grid, version, frame, deadline)


def read_bent(picture: Any, grid: Any, version: int, frame: int,
              deadline: float) -> Symbol | None:
    """The bent reading alone of a grid `fit` kept (read_fitted without bending read nothing
    from it): a pass of its own, later in the retry ladder, since the search costs more."""
    return _read_bent(picture, refine(picture, grid, version, deadline), version, frame,
                      deadline)


def _read_bent(picture: Any, grid: Any, version: int, frame: int,
               deadline: float) -> Symbol | None:
    # Rows and columns that bow: no homography follows them (scripts/qr_perspective_study.py).
    for bent_grid, bend in refine(picture, grid, version, deadline, bent=True):
        sym = _read_sampled(*sample(picture, bent_grid, version, bend), version, frame,
                            deadline, "-bent")
        if sym is not None:
            return replace(sym, corners=_bent_corners(bent_grid, version, bend))
    return None


def _bent_corners(grid: Any, version: int, bend: Bend) -> Quad:
    import cv2
    import numpy as np

    n = symbol.size(version)
    pts = np.array([[0, 0], [n, 0], [n, n], [0, n]], dtype=np.float64)
    s = (pts[:, 0] - n / 2) / (n / 2)
    t = (pts[:, 1] - n / 2) / (n / 2)
    pts[:, 0] += bend[0] * s * s + bend[1] * s * t + bend[2] * t * t
    pts[:, 1] += bend[3] * s * s + bend[4] * s * t + bend[5] * t * t
    out = cv2.perspectiveTransform(pts[None].astype(np.float32), grid)[0]
    return tuple((float(x), float(y)) for x, y in out)  # type: ignore[return-value]


def _read_sampled(means: Any, darkest: Any, version: int, frame: int, deadline: float,
                  suffix: str) -> Symbol | None:
    """The sampled modules read (the highlight model's calls, then the local mean's), the
    corrected symbol redrawn and confirmed by zxing-cpp at the version sampled."""
    from kzscam.qr.elastic import render

    dark, reliability = modules(means, darkest)
    for calls, weights, method in ((dark, reliability, "erasure"),
                                   (*local_calls(means, darkest), "erasure-local")):
        for level, mask, codewords in decode_grid(calls, weights, version, deadline):
            matrix = symbol.draw(version, level, mask, codewords)
            found, _ = read_zxing(render(matrix), pure=True, frame=frame, qr_only=True)
            for s in found:
                if s.version == str(version):
                    return Symbol(s.raw, s.text, s.corners, s.decoder, s.symbology, s.version,
                                  s.ec_level, method + suffix, frame)
    return None


_LOCAL_SIZE = 5  # modules a side of the neighbourhood local_calls compares a module with


def local_calls(means: Any, darkest: Any) -> tuple[Any, Any]:
    """Modules called against the mean grey level of the 5 x 5 modules around them (the module
    itself left out), the reliability the distance from it: the second reading of a grid.

    The log-darkness model of `modules` follows a highlight's smooth falloff; a scratch or a
    stain is not smooth: a stroke of ink or of light across the code shifts the levels the model
    fits around it, and on damaged photos of the hard-photo set a plain local mean calls fewer
    modules wrong (scripts/qr_damage_study.py). Saturated modules stay unseen."""
    import cv2
    import numpy as np

    k = _LOCAL_SIZE
    box = cv2.blur(means, (k, k), borderType=cv2.BORDER_REFLECT)
    local = (k * k * box - means) / (k * k - 1)
    dark = means < local
    reliability = np.where(darkest < _SATURATED, np.abs(means - local) / 255.0, 0.0)
    return dark, reliability


def read(picture: Any, grid: Any, version: int, frame: int, deadline: float,
         lost: int | None = None) -> Symbol | None:
    """The code on `grid` (module coordinates -> picture): `fit`, then `read_fitted`."""
    fitted = fit(picture, grid, version, deadline, lost)
    return None if fitted is None else read_fitted(picture, fitted, version, frame, deadline)
