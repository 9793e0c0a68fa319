"""Local repairs for hard photos: find finder patterns, then fix each code region at its own scale.

zxing-cpp binarises the whole picture with one rule; a glare patch, a bright reflection, a cast
shadow or defocus defeats that rule only where it falls. Here we look for the QR finder patterns
(three nested squares, found as a 3-level contour nesting in an adaptively thresholded image, in
both polarities), group them into likely symbols, and hand zxing-cpp repaired crops of those
regions: local contrast normalisation (CLAHE), highlight suppression (stretch between the local
black and white levels measured at the module scale), sharpening at the module scale, and a
perspective rectification that maps the three finder centres onto a square. zxing-cpp decodes
every repaired crop with its Reed-Solomon check, so a repair can add reads but never invents a
payload.

The finder search doubles as a cheap test of whether anything code-like is in the picture: the
retry ladder stops early when there is none.

OpenCV (opencv-python-headless) and numpy are imported on first use only: commands and images
that never reach the retries do not pay for them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PIL.Image import Image

Box = tuple[int, int, int, int]  # left, top, right, bottom


@dataclass(frozen=True)
class Finder:
    """One finder pattern: centre and outer width (7 modules) in image pixels."""

    x: float
    y: float
    size: float


@dataclass(frozen=True)
class Region:
    """A likely symbol: a crop box, the module size, and the three finders when known
    (corner, the one along the top edge, the one along the left edge)."""

    box: Box
    module: float
    finders: tuple[Finder, Finder, Finder] | None = None
    lone: Finder | None = None  # the finder of a region grouped with no other


@cache
def _cv() -> tuple[Any, Any]:
    import cv2
    import numpy as np

    cv2.setNumThreads(1)
    return cv2, np


def as_array(gray: Image) -> Any:
    _, np = _cv()
    return np.asarray(gray, dtype=np.uint8)


def shrink(gray: Image, width: int, height: int) -> Any:
    """`gray` made `width` x `height` pixels (smaller) as a uint8 array, fast: Pillow's integer
    box reduction first, then bilinear for the rest (at most a halving, so bilinear skips
    little; not a true box average). A box resize to the exact size costs several times as much
    on a phone photo, and after a read this shrink decides much of the median time per photo."""
    cv2, _ = _cv()
    factor = min(gray.width // width, gray.height // height)
    if factor >= 2:
        gray = gray.reduce(factor)
    return cv2.resize(as_array(gray), (width, height), interpolation=cv2.INTER_LINEAR)


def to_image(array: Any) -> Image:
    from PIL import Image as PILImage

    return PILImage.fromarray(array, "L")


def find_finders(gray: Any, limit: int = 60, thorough: bool = True,
                 skip: Sequence[tuple[tuple[float, float], ...]] = ()) -> list[Finder]:
    """Finder-pattern candidates in a uint8 array: dark-on-light and light-on-dark at two
    threshold scales, or (`thorough=False`, a quarter of the work) dark-on-light at one.
    `skip`: quadrilaterals (codes already read) blanked out before the contours are traced:
    their modules are most of a picture's contours, and tracing them most of the search's time
    after a read."""
    cv2, np = _cv()
    polys = [np.array(q, dtype=np.int32) for q in skip if len(q) >= 3]
    h, w = gray.shape
    found: list[Finder] = []
    blocks = sorted({max(11, (min(w, h) // 24) | 1), max(11, (min(w, h) // 8) | 1)})
    polarities: tuple[int, ...] = (cv2.THRESH_BINARY_INV, cv2.THRESH_BINARY)
    if not thorough:
        blocks, polarities = blocks[:1], polarities[:1]
    for block in blocks:
        for inv in polarities:
            bw = cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, inv, block, 4)
            if polys:
                cv2.fillPoly(bw, polys, 0)
            contours, hier = cv2.findContours(bw, cv2.RETR_TREE, cv2.CHAIN_APPROX_SIMPLE)
            if hier is None:
                continue
            links = hier[0]
            child = links[:, 2]
            grandchild = np.where(child >= 0, links[np.maximum(child, 0), 2], -1)
            for i in np.flatnonzero(grandchild >= 0):
                f = _finder(cv2, contours[i], contours[int(grandchild[i])])
                if f is not None and not any(math.dist((f.x, f.y), (g.x, g.y)) < g.size / 3
                                             for g in found):
                    found.append(f)
                    if len(found) >= limit:
                        return found
    return found


# A finder found by line scans needs this many crossing row/column hits per module of its width
# (the centre square alone gives three modules' worth of rows and of columns).
_SCAN_SUPPORT = 1.5
_SCAN_MIN_WIDTH = 14  # pixels: two a module (the erasure stage reads nothing finer)


def scan_blocks(width: int, height: int) -> list[int]:
    """The adaptive threshold's block sizes the line scans use on a picture of this size."""
    return sorted({max(11, (min(width, height) // 24) | 1), max(11, (min(width, height) // 8) | 1)})


def scan_finders(gray: Any, blocks: Sequence[int] | None = None) -> list[Finder]:
    """Finder patterns a scratch, a stain or a reflection has cut: found the way zxing's detector
    looks for them, as dark-light-dark-light-dark runs of 1:1:3:1:1 along the rows and along
    the columns of an adaptively thresholded picture, a row hit and a column hit meeting at the
    same centre with the same width. A stroke across a finder breaks its nested contours (the
    rings join, or open), but only the few rows and columns it crosses: the others still show the
    pattern. Random data shows it too, in a row or two; a finder shows it in every row and column
    of its centre square, so a centre needs many crossing hits. `blocks`: the threshold's block
    sizes, when a crop is scanned as part of a larger picture (scan_blocks of that picture)."""
    cv2, np = _cv()
    h, w = gray.shape
    found: list[Finder] = []
    for block in scan_blocks(w, h) if blocks is None else blocks:
        bw = (cv2.adaptiveThreshold(gray, 1, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV,
                                    block, 4)).astype(np.int8)
        rows = _run_hits(bw)
        cols = _run_hits(np.ascontiguousarray(bw.T))
        if not len(rows) or not len(cols):
            continue
        order = np.argsort(cols[:, 0], kind="stable")
        col_x, col_y, col_w = cols[order, 0], cols[order, 1], cols[order, 2]
        # Every (row hit, column hit) pair within 0.75 module along x, at once: a textured
        # picture has thousands of row hits, and a loop over them was most of the scan's time.
        unit = rows[:, 2] / 7
        lo = np.searchsorted(col_x, rows[:, 1] - 0.75 * unit)
        hi = np.searchsorted(col_x, rows[:, 1] + 0.75 * unit)
        count = hi - lo
        owner = np.repeat(np.arange(len(rows)), count)
        index = np.arange(int(count.sum())) - np.repeat(np.cumsum(count) - count, count) + \
            np.repeat(lo, count)
        ys, ws = col_y[index], col_w[index]
        near = (np.abs(ys - rows[owner, 0]) <= 0.75 * unit[owner]) & \
            (np.abs(ws - rows[owner, 2]) <= 0.4 * rows[owner, 2])
        hits = np.bincount(owner[near], minlength=len(rows))
        ys, ws = ys[near], ws[near]  # grouped by row hit, in column order
        # Each row hit met by a column hit is a centre: its x, the mean y and the mean width of
        # the two. The means of all groups at once, in float32 as np.mean takes them.
        met = np.flatnonzero(hits)
        if not len(met):
            continue
        starts = (np.cumsum(hits) - hits)[met]
        count = hits[met].astype(np.float32)
        mean_y = np.add.reduceat(ys, starts) / count
        mean_w = np.add.reduceat(ws, starts) / count
        centres = list(zip(rows[met, 1].tolist(), mean_y.tolist(),
                           ((rows[met, 2].astype(np.float64) + mean_w) / 2).tolist(), strict=True))
        for f in _clustered(centres):
            if not any(math.dist((f.x, f.y), (g.x, g.y)) < g.size / 3 for g in found):
                found.append(f)
    return found


def _clustered(centres: list[tuple[float, float, float]]) -> list[Finder]:
    """The finders among line-scan centres (x, y, width): the centres, widest first, each joined
    to the first cluster whose first centre lies within a fifth of that one's width; a cluster
    with enough centres (4, and `_SCAN_SUPPORT` a module) is a finder at their median. A
    textured picture has thousands of centres: clusters are looked up in a grid of cells as
    wide as the largest reach, so each centre meets a few clusters, not all of them."""
    _, np = _cv()
    centres = sorted(centres, key=lambda c: c[2], reverse=True)
    if not centres:
        return []
    cell = max(centres[0][2] / 5, 1e-6)
    seeds: list[tuple[float, float, float]] = []
    members: list[list[tuple[float, float, float]]] = []
    grid: dict[tuple[int, int], list[int]] = {}
    for c in centres:
        gx, gy = int(c[0] // cell), int(c[1] // cell)
        near = [i for dx in (-1, 0, 1) for dy in (-1, 0, 1) for i in grid.get((gx + dx, gy + dy), ())
                if math.dist(c[:2], seeds[i][:2]) < seeds[i][2] / 5]
        if near:
            members[min(near)].append(c)
        else:
            grid.setdefault((gx, gy), []).append(len(seeds))
            seeds.append(c)
            members.append([c])
    out = []
    for cluster in members:
        if len(cluster) < 4:
            continue  # too few whatever the width (below)
        a = np.array(cluster)
        f = Finder(float(np.median(a[:, 0])), float(np.median(a[:, 1])),
                   float(np.median(a[:, 2])))
        if len(cluster) >= max(4.0, _SCAN_SUPPORT * f.size / 7):
            out.append(f)
    return out


def _run_hits(bw: Any) -> Any:
    """(row, centre, width) of each dark-light-dark-light-dark sequence of runs in proportion
    1:1:3:1:1 along the rows of a 0/1 array (1 = dark)."""
    _, np = _cv()
    h, w = bw.shape
    padded = np.zeros((h, w + 2), dtype=np.int8)
    padded[:, 1:-1] = bw
    # The edges of all rows in one flat pass: a row's padding keeps its runs apart from the next.
    edges = np.diff(padded.ravel())
    flat = np.flatnonzero(edges)
    if len(flat) < 6:
        return np.zeros((0, 3), dtype=np.float32)
    rows, cols = np.divmod(flat, w + 2)
    length = np.diff(cols)
    # Five runs that start dark (edges alternate within a row, so every other one), lie within
    # one row and are wide enough, before the ratios are tested: most of a textured picture's
    # runs are narrower, and the test then runs on a few of them.
    k = np.flatnonzero((edges[flat[:-5]] == 1) & (rows[5:] == rows[:-5]) &
                       (cols[5:] - cols[:-5] >= _SCAN_MIN_WIDTH))
    total = (cols[k + 5] - cols[k]).astype(np.float32)
    unit = total / 7
    for i, (want, slack) in enumerate(((1, 0.7), (1, 0.7), (3, 1.2), (1, 0.7), (1, 0.7))):
        run = length[k + i].astype(np.float32)
        ok = np.abs(run - np.float32(want) * unit) <= np.maximum(np.float32(slack) * unit, 1.0)
        k, total, unit = k[ok], total[ok], unit[ok]
    centre = cols[k + 2] + length[k + 2] / 2.0
    return np.stack([rows[k].astype(np.float32), centre.astype(np.float32), total], axis=1)


def _finder(cv2: Any, outer: Any, inner: Any) -> Finder | None:
    area_o = cv2.contourArea(outer)
    area_i = cv2.contourArea(inner)
    if area_o < 49 or area_i <= 0:
        return None
    ratio = area_i / area_o
    if not 0.06 <= ratio <= 0.45:  # 9/49 for a flat square pattern
        return None
    (cx, cy), (rw, rh), _ = cv2.minAreaRect(outer)
    if min(rw, rh) <= 0 or max(rw, rh) / min(rw, rh) > 2.5:
        return None
    if cv2.contourArea(cv2.convexHull(outer)) > area_o * 1.35:  # not a solid ring
        return None
    m = cv2.moments(inner)
    if m["m00"] <= 0:
        return None
    ix, iy = m["m10"] / m["m00"], m["m01"] / m["m00"]
    size = math.sqrt(area_o)
    if math.dist((ix, iy), (cx, cy)) > size * 0.2:
        return None
    return Finder(float(ix), float(iy), float(size))


def group(finders: list[Finder], width: int, height: int) -> list[Region]:
    """Likely symbols: triples of finders shaped like a QR code's corners, else lone finders."""
    regions: list[Region] = []
    used: set[int] = set()
    triples: list[tuple[float, tuple[int, int, int]]] = []
    n = len(finders)
    for i in range(n):
        for j in range(i + 1, n):
            for k in range(j + 1, n):
                fit = _triple_fit(finders[i], finders[j], finders[k])
                if fit is not None:
                    triples.append((fit, (i, j, k)))
    for _, (i, j, k) in sorted(triples):
        if {i, j, k} & used:
            continue
        used |= {i, j, k}
        ordered = _orient(finders[i], finders[j], finders[k])
        c, a, b = ordered
        d = (a.x + b.x - c.x, a.y + b.y - c.y)
        module = (c.size + a.size + b.size) / 21
        pad = 8 * module
        xs = [c.x, a.x, b.x, d[0]]
        ys = [c.y, a.y, b.y, d[1]]
        regions.append(Region(_clip((min(xs) - pad, min(ys) - pad, max(xs) + pad, max(ys) + pad),
                                    width, height), module, ordered))
    for idx, f in enumerate(finders):
        if idx in used:
            continue
        # A lone finder: the symbol lies on one of its sides, up to about 40 modules away.
        module = f.size / 7
        reach = 40 * module
        regions.append(Region(_clip((f.x - reach, f.y - reach, f.x + reach, f.y + reach),
                                    width, height), module, lone=f))
    return regions


def _triple_fit(p: Finder, q: Finder, r: Finder) -> float | None:
    sizes = (p.size, q.size, r.size)
    if max(sizes) > 2.2 * min(sizes):
        return None
    d = sorted((math.dist((p.x, p.y), (q.x, q.y)), math.dist((q.x, q.y), (r.x, r.y)),
                math.dist((p.x, p.y), (r.x, r.y))))
    leg1, leg2, hyp = d
    if leg1 < 1.5 * max(sizes) or leg2 > 1.8 * leg1:
        return None
    ratio = hyp / math.hypot(leg1, leg2)
    if not 0.85 <= ratio <= 1.15:
        return None
    if leg2 > 30 * max(sizes):  # finder centres at most ~170 modules apart
        return None
    return abs(ratio - 1) + abs(leg2 / leg1 - 1) + (max(sizes) / min(sizes) - 1)


def _orient(p: Finder, q: Finder, r: Finder) -> tuple[Finder, Finder, Finder]:
    """(corner, top-right, bottom-left) in reading order of the symbol."""
    pts = [p, q, r]
    best = max(range(3), key=lambda i: math.dist((pts[(i + 1) % 3].x, pts[(i + 1) % 3].y),
                                                 (pts[(i + 2) % 3].x, pts[(i + 2) % 3].y)))
    c = pts[best]
    a, b = pts[(best + 1) % 3], pts[(best + 2) % 3]
    cross = (a.x - c.x) * (b.y - c.y) - (a.y - c.y) * (b.x - c.x)
    return (c, a, b) if cross > 0 else (c, b, a)


def completions(p: Finder, q: Finder) -> Iterator[tuple[Finder, Finder, Finder]]:
    """The three-finder layouts (corner, top-right, bottom-left) two finders may belong to when
    the third is lost (under a highlight, say): the pair as the top or the left edge, either
    finder the corner, or as the diagonal; the third placed as in an unskewed square."""
    dx, dy = q.x - p.x, q.y - p.y
    size = (p.size + q.size) / 2
    for corner, other, sign in ((p, q, 1), (p, q, -1), (q, p, 1), (q, p, -1)):
        ox, oy = other.x - corner.x, other.y - corner.y
        third = Finder(corner.x - sign * oy, corner.y + sign * ox, size)
        yield _orient(corner, other, third)
    mx, my = (p.x + q.x) / 2, (p.y + q.y) / 2
    for sign in (1, -1):
        corner = Finder(mx - sign * dy / 2, my + sign * dx / 2, size)
        yield _orient(corner, p, q)


def _clip(box: tuple[float, float, float, float], width: int, height: int) -> Box:
    return (max(0, int(box[0])), max(0, int(box[1])), min(width, math.ceil(box[2])),
            min(height, math.ceil(box[3])))


def clahe(gray: Any, module: float) -> Any:
    """Contrast-limited adaptive histogram equalisation with tiles a few modules wide."""
    cv2, _ = _cv()
    h, w = gray.shape
    tiles = max(2, min(16, int(min(w, h) / max(8.0, module * 6))))
    return cv2.createCLAHE(clipLimit=3.0, tileGridSize=(tiles, tiles)).apply(gray)


def flatten(gray: Any, module: float) -> Any:
    """Highlight and shadow suppression: stretch each pixel between the local black and white
    levels, measured over a few modules, so a glare patch keeps its (faint) module contrast."""
    cv2, np = _cv()
    k = max(3, int(module * 3) | 1)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (k, k))
    white = cv2.GaussianBlur(cv2.dilate(gray, kernel), (0, 0), module * 2).astype(np.float32)
    black = cv2.GaussianBlur(cv2.erode(gray, kernel), (0, 0), module * 2).astype(np.float32)
    span = np.maximum(white - black, 12.0)
    out = (gray.astype(np.float32) - black) / span * 255.0
    return np.clip(out, 0, 255).astype(np.uint8)


def sharpen(gray: Any, module: float) -> Any:
    """Unsharp mask at the module scale (defocus spreads each module into its neighbours)."""
    cv2, np = _cv()
    sigma = max(0.8, module * 0.6)
    blurred = cv2.GaussianBlur(gray, (0, 0), sigma)
    return np.clip(gray.astype(np.float32) * 2.2 - blurred.astype(np.float32) * 1.2, 0,
                   255).astype(np.uint8)


def rectify(gray: Any, region: Region, target_module: float = 6.0) -> tuple[Any, Any] | None:
    """Warp the symbol so its three finder centres sit on a square, modules `target_module` wide;
    also the matrix back to the picture. The fourth corner is first guessed as a parallelogram's,
    then, for versions with an alignment pattern, corrected by finding that pattern in the
    first warp (under perspective the parallelogram guess is wrong by modules)."""
    if region.finders is None:
        return None
    cv2, np = _cv()
    c, a, b = region.finders
    across = (math.dist((c.x, c.y), (a.x, a.y)) + math.dist((c.x, c.y), (b.x, b.y))) / 2
    version = round((across / region.module + 7 - 17) / 4)
    n = 17 + 4 * version if version >= 1 else across / region.module + 7
    quiet = 5.0
    side = int((n + 2 * quiet) * target_module)
    if side > 2400 or side < 40:
        return None

    def at(u: float) -> float:  # module coordinate -> rectified pixel
        return (u + quiet) * target_module

    lo, hi = at(3.5), at(n - 3.5)
    src = np.array([[c.x, c.y], [a.x, a.y], [b.x, b.y], [a.x + b.x - c.x, a.y + b.y - c.y]],
                   dtype=np.float32)
    dst = np.array([[lo, lo], [hi, lo], [lo, hi], [hi, hi]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(src, dst)
    out = cv2.warpPerspective(gray, matrix, (side, side), flags=cv2.INTER_CUBIC,
                              borderMode=cv2.BORDER_REPLICATE)
    if version >= 2:
        found = _alignment(out, at(n - 6.5), target_module)
        if found is not None:
            back = np.linalg.inv(matrix)
            point = cv2.perspectiveTransform(np.array([[found]], dtype=np.float32), back)[0][0]
            src[3] = point
            dst[3] = (at(n - 6.5), at(n - 6.5))
            matrix = cv2.getPerspectiveTransform(src, dst)
            out = cv2.warpPerspective(gray, matrix, (side, side), flags=cv2.INTER_CUBIC,
                                      borderMode=cv2.BORDER_REPLICATE)
    return out, np.linalg.inv(matrix)


def _alignment(rect: Any, expected: float, module: float) -> tuple[float, float] | None:
    """Centre of the bottom-right alignment pattern near where it should be, or None."""
    cv2, np = _cv()
    t = max(1, round(module))
    pattern = np.full((7 * t, 7 * t), 255, dtype=np.uint8)
    pattern[t:6 * t, t:6 * t] = 0
    pattern[2 * t:5 * t, 2 * t:5 * t] = 255
    pattern[3 * t:4 * t, 3 * t:4 * t] = 0
    reach = 5 * module
    x0 = int(max(0, expected - reach - 3.5 * t))
    x1 = int(min(rect.shape[1], expected + reach + 3.5 * t))
    y1 = int(min(rect.shape[0], expected + reach + 3.5 * t))
    window = rect[x0:y1, x0:x1]  # the search square is on the diagonal: same bounds for y
    if window.shape[0] < pattern.shape[0] or window.shape[1] < pattern.shape[1]:
        return None
    scores = cv2.matchTemplate(window, pattern, cv2.TM_CCOEFF_NORMED)
    _, best, _, (bx, by) = cv2.minMaxLoc(scores)
    if best < 0.35:
        return None
    return (x0 + bx + 3.5 * t, x0 + by + 3.5 * t)


def map_points(matrix: Any, points: tuple[tuple[float, float], ...]) -> tuple[tuple[float, float], ...]:
    cv2, np = _cv()
    arr = np.array([points], dtype=np.float32)
    out = cv2.perspectiveTransform(arr, matrix)[0]
    return tuple((float(x), float(y)) for x, y in out)


def unwarp(gray: Any, quad: tuple[tuple[float, float], ...],
           target: int = 400) -> tuple[Any, Any]:
    """A located symbol (corners tl, tr, br, bl) warped into a square with a quiet zone; also the
    matrix back to the picture. ValueError for a degenerate quad."""
    cv2, np = _cv()
    if len(quad) != 4 or _area(quad) < 16:
        raise ValueError("degenerate quadrilateral")
    margin = target // 8
    src = np.array(quad, dtype=np.float32)
    dst = np.array([[margin, margin], [target - margin, margin], [target - margin, target - margin],
                    [margin, target - margin]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(src, dst)
    out = cv2.warpPerspective(gray, matrix, (target, target), flags=cv2.INTER_CUBIC,
                              borderMode=cv2.BORDER_REPLICATE)
    return out, np.linalg.inv(matrix)


def _area(q: tuple[tuple[float, float], ...]) -> float:
    return abs(sum(q[i][0] * q[(i + 1) % len(q)][1] - q[(i + 1) % len(q)][0] * q[i][1]
                   for i in range(len(q)))) / 2


# A code on a bottle or a pillar: the page wrapped around a cylinder. Seen from the front its
# modules narrow towards the cylinder's edges and its rows bow, which no single perspective
# transform (zxing-cpp's sampling, `rectify`) can follow. `unrolled` undoes the wrap for a few
# hypotheses of the cylinder's axis direction, wrap angle and viewing distance (the axis through
# the code's centre, as when a code is photographed head-on), each cheap to try.
_AXIS_STEPS = (0, 4, 2, 6, 1, 3, 5, 7)  # axis direction in eighths of a half-turn from the top edge
_WRAPS = (1.6, 2.0, 1.2, 2.4)  # radians of the cylinder the code spans
_DISTANCES = (3.0, None)  # camera distance in code widths (None: far, no perspective)
_UNROLL_MODULE = 5.0  # pixels per module at the front of the unrolled code
_VIEW_PIXELS = 6e5  # a view's size at most (a big code in a big photo is unrolled coarser)


def unrolled(gray: Any, region: Region) -> Iterator[tuple[Any, Callable[[float, float],
                                                                       tuple[float, float]]]]:
    """The region's code unrolled from cylinders of several axes and radii: each view and a
    function mapping a point of the view back to the picture."""
    if region.finders is None:
        return
    cv2, np = _cv()
    c, a, b = region.finders
    corners = np.array([[c.x, c.y], [a.x, a.y], [b.x, b.y], [a.x + b.x - c.x, a.y + b.y - c.y]])
    centre = (corners[1] + corners[2]) / 2  # the code's centre: mid-point of its diagonal
    top = math.atan2(a.y - c.y, a.x - c.x)
    module = region.module
    step = max(1.0, module / _UNROLL_MODULE)
    for distance in _DISTANCES:
        for k in _AXIS_STEPS:
            psi = top + k * math.pi / 8
            across = np.array([math.cos(psi), math.sin(psi)])
            along = np.array([-math.sin(psi), math.cos(psi)])
            width = float(np.ptp(corners @ across)) + 7 * module
            length = float(np.ptp(corners @ along)) + 7 * module
            for wrap in _WRAPS:
                radius = width / (2 * math.sin(wrap / 2))
                z0 = None if distance is None else distance * max(width, length)
                # The code's half-wrap and its quiet zone, short of the cylinder's silhouette.
                reach = radius * min(math.pi / 2 * 0.97, wrap / 2 + 0.6)
                half = length * 0.75 + 8 * module
                # A view of at most _VIEW_PIXELS: coarser steps for a big code in a big photo.
                pitch = max(step, math.sqrt(4 * reach * half / _VIEW_PIXELS))

                def place(s: Any, t: Any, r: float = radius, z: float | None = z0,
                          ac: Any = across, al: Any = along) -> tuple[Any, Any]:
                    """Picture points of (s, t): arc length across the axis, length along it;
                    s a row and t a column broadcast into a grid."""
                    angle = s / r
                    scale = 1.0 if z is None else z / (z + r * (1 - np.cos(angle)))
                    x = r * np.sin(angle) * scale
                    y = t * scale
                    return centre[0] + x * ac[0] + y * al[0], centre[1] + x * ac[1] + y * al[1]

                s_axis = np.arange(-reach, reach, pitch, dtype=np.float32)[None, :]
                t_axis = np.arange(-half, half, pitch, dtype=np.float32)[:, None]
                map_x, map_y = place(s_axis, t_axis)  # trigonometry per column, not per pixel
                view = cv2.remap(gray, map_x.astype(np.float32), map_y.astype(np.float32),
                                 cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=128)

                def back(x: float, y: float, s0: float = float(s_axis[0, 0]),
                         t0: float = float(t_axis[0, 0]), p: Any = place,
                         d: float = pitch) -> tuple[float, float]:
                    px, py = p(np.float64(s0 + x * d), np.float64(t0 + y * d))
                    return float(px), float(py)

                yield view, back
