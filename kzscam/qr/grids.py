"""The erasure stage in the retry ladder: module grids from symbols zxing-cpp located and from
finder patterns (also those a scratch cut, found by line scans), read with the modules under
saturated highlights as Reed-Solomon erasures (kzscam.qr.erasure), and the grids kept but not
read, read again bent (rows and columns that bow after a strong tilt) and under a bilinear
picture-to-module map (an image tool's quadrilateral stretch: kzscam.qr.quadwarp).
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from kzscam.qr.places import _merge, _same_place
from kzscam.qr.regional import _FINDER_SIDE

if TYPE_CHECKING:
    from PIL.Image import Image

    from kzscam.qr.budget import _Clock
    from kzscam.qr.decoders import Candidate, Symbol
    from kzscam.qr.local import Region


_ERASURE_PAIRS = 2
_BENT_GRIDS = 1  # grids of a picture the bent pass reads (_bent): every tune read was the first
# Grids the bilinear pass reads (_quad): a located symbol's grid, kept first, can be the wrong
# one (qrcode-1/20 perspective: zxing-cpp's corners at version 11, the code a version 10).
_QUAD_GRIDS = 3


Grid = tuple[Any, int, int | None, int]  # grid, version, lost finder, placement


def _grids(regions: list[Region], located: list[Candidate],
           must: Sequence[Any] = ()) -> list[Grid]:
    """Module grids (module coordinates -> picture) to read with erasures: each symbol zxing-cpp
    located at its version; each three-finder region at the version its finder spacing suggests
    and the two next to it; then pairs of lone finders completed into a symbol (the third finder
    lost under a highlight), at the suggested version and the next ones. Grids of one placement
    of the finders share its number: the format information sits beside the finders, so when it
    reads as nothing at the first version it does at none. With `must`, only triples and pairs
    holding one of those finders."""
    from kzscam.qr import erasure, local

    out: list[Grid] = []
    for cand in located:
        out.append((erasure.grid_from_corners(cand.corners, cand.version), cand.version, None,
                    len(out)))

    def add(finders: tuple[local.Finder, local.Finder, local.Finder], lost: int | None = None) -> None:
        c, a, b = finders
        module = (c.size + a.size + b.size) / 21
        across = (math.dist((c.x, c.y), (a.x, a.y)) + math.dist((c.x, c.y), (b.x, b.y))) / 2
        guess = round((across / module + 7 - 17) / 4)
        placement = len(out)
        for version in (guess, guess - 1, guess + 1):
            if 1 <= version <= 40:
                out.append((erasure.grid_from_finders(finders, version), version, lost,
                            placement))

    for region in regions:
        if region.finders is not None and (not must or set(region.finders) & set(must)):
            add(region.finders)
    lone = [r.lone for r in regions if r.lone is not None]
    pairs = sorted(((p, q) for i, p in enumerate(lone) for q in lone[i + 1:]
                    if (not must or p in must or q in must)
                    and max(p.size, q.size) <= 1.5 * min(p.size, q.size)
                    and 2 * max(p.size, q.size) <= math.dist((p.x, p.y), (q.x, q.y))
                    <= 30 * max(p.size, q.size)),
                   key=lambda pq: max(pq[0].size, pq[1].size) / min(pq[0].size, pq[1].size))
    for p, q in pairs[:_ERASURE_PAIRS]:
        for finders in local.completions(p, q):
            add(finders, next(i for i, f in enumerate(finders) if f is not p and f is not q))
    return out


def _cut_finder_grids(gray: Image, regions: list[Region], first: int) -> list[Grid]:
    """Grids from finder patterns the contour search missed and line scans find (a scratch or a
    reflection across a finder: local.scan_finders), each grouped with the finders already
    known; only triples and pairs holding such a finder (the others are tried already).
    Placements are numbered from `first` on."""
    from PIL.Image import Resampling

    from kzscam.qr import local

    w, h = gray.size
    scale = min(1.0, _FINDER_SIDE / max(w, h))
    small = gray if scale == 1.0 else gray.resize((max(1, int(w * scale)), max(1, int(h * scale))),
                                                  Resampling.BOX)
    known = [f for r in regions for f in (r.finders or ()) + ((r.lone,) if r.lone else ())]
    new = [local.Finder(f.x / scale, f.y / scale, f.size / scale)
           for f in local.scan_finders(local.as_array(small))]
    new = [f for f in new if not any(math.dist((f.x, f.y), (g.x, g.y)) < g.size / 3
                                     for g in known)]
    if not new:
        return []
    grids = _grids(local.group(known + new, w, h)[:8], [], must=new)
    return [(g, v, lost, placement + first) for g, v, lost, placement in grids]


def _erased(gray: Image, frame: int, grids: list[Grid], clock: _Clock,
            bendable: list[tuple[Any, int]]) -> list[Symbol]:
    """Codes read with the modules under saturated highlights as erasures (kzscam.qr.erasure).
    Grids kept but not read are added to `bendable` for the bent and bilinear passes (`_bent`,
    `_quad`; the same grid twice only once): only those
    from finders found or a symbol located (a completed pair's guessed finder leaves too much
    to search), and a few a picture, since each costs a search."""
    from kzscam.qr import erasure, local

    _, np = local._cv()
    picture = local.as_array(gray).astype(np.float32)
    out: list[Symbol] = []
    started: set[int] = set()
    dead: set[int] = set()  # placements whose format read as nothing at the first version
    for grid, version, lost, placement in grids:
        if time.monotonic() > clock.deadline:
            break
        if placement in dead or any(_same_place(s.corners, erasure.corners_of(grid, version))
                                    for s in out):
            continue
        fitted = erasure.fit(picture, grid, version, clock.deadline, lost)
        if fitted is None:
            if placement not in started:
                dead.add(placement)
            started.add(placement)
            continue
        started.add(placement)
        sym = erasure.read_fitted(picture, fitted, version, frame, clock.deadline, bent=False)
        if sym is not None:
            _merge(out, [sym])
        elif lost is None and len(bendable) < max(_BENT_GRIDS, _QUAD_GRIDS) and not any(
                v == version and _same_grid(erasure.corners_of(g, v),
                                            erasure.corners_of(fitted, version), version)
                for g, v in bendable):
            bendable.append((fitted, version))
    return out


def _bent(gray: Image, frame: int, bendable: list[tuple[Any, int]],
          clock: _Clock) -> list[Symbol]:
    """The erasure stage's grids read bent (erasure.read_bent): rows and columns that bow, as
    after a strong tilt no homography follows."""
    from kzscam.qr import erasure, local

    _, np = local._cv()
    picture = local.as_array(gray).astype(np.float32)
    out: list[Symbol] = []
    for grid, version in bendable[:_BENT_GRIDS]:
        if time.monotonic() > clock.deadline:
            break
        if any(_same_place(s.corners, erasure.corners_of(grid, version)) for s in out):
            continue
        sym = erasure.read_bent(picture, grid, version, frame, clock.deadline)
        if sym is not None:
            _merge(out, [sym])
    return out


def _quad(gray: Image, frame: int, bendable: list[tuple[Any, int]],
          clock: _Clock) -> list[Symbol]:
    """The erasure stage's grids kept but not read, under a bilinear picture-to-module map
    (kzscam.qr.quadwarp)."""
    from kzscam.qr import quadwarp

    return quadwarp.read_grids(gray, frame, bendable[:_QUAD_GRIDS], clock.deadline)


def _same_grid(a: tuple[tuple[float, float], ...], b: tuple[tuple[float, float], ...],
               version: int) -> bool:
    """Whether two grids of one version put every corner within a module of the other's."""
    module = math.dist(a[0], a[2]) / math.sqrt(2) / (17 + 4 * version)
    return all(math.dist(p, q) < module for p, q in zip(a, b, strict=True))
