"""Micro QR in the retry ladder: finder patterns that may be a Micro QR symbol's (grouped with
no other, or found by line scans only: a scratch across them), each read with erasures from its
one finder (kzscam.qr.microread).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from kzscam.qr.places import _merge
from kzscam.qr.regional import _FINDER_SIDE

if TYPE_CHECKING:
    from PIL.Image import Image

    from kzscam.qr.budget import _Clock
    from kzscam.qr.decoders import Symbol
    from kzscam.qr.local import Region


# Micro QR: finders tried a picture, and the side under which a picture is searched at twice
# its size (a symbol of 2 pixels a module has a finder too small for the line scans). A larger
# picture is scanned at half the finder search's scale first: over the whole picture at that
# scale the line scan cost 10-50 ms on a 480-640 pixel photo, most of the time spent on photos
# with no code (see docs/scan-qr.md, "Micro QR: a coarse scan first").
_MICRO_FINDERS = 4
_MICRO_SMALL = 400


def _micro_finders(gray: Image, regions: list[Region]) -> list[Any]:
    """Finder patterns that may be a Micro QR symbol's: those grouped with no other, and those
    only line scans find (a scratch across them). A small picture is scanned at twice its size;
    a larger one at half the finder search's scale, and each finder found there is scanned
    again at that scale, in a crop around it, for its place and size (a finder the coarse scan
    alone sees is dropped)."""
    found = [r.lone for r in regions if r.lone is not None]
    w, h = gray.size
    if max(w, h) <= _MICRO_SMALL:
        scanned = _line_scanned(gray, 2.0)
    else:
        scale = min(1.0, _FINDER_SIDE / max(w, h))
        scanned = _confirmed(gray, scale, _line_scanned(gray, scale / 2))
    known = found + [f for r in regions for f in r.finders or ()]
    for g in scanned:
        if not any(math.dist((g.x, g.y), (k.x, k.y)) < k.size / 3 for k in known):
            found.append(g)
            known.append(g)
    return found[:_MICRO_FINDERS]


def _line_scanned(gray: Image, scale: float) -> list[Any]:
    """local.scan_finders on the picture resized by `scale`, in the picture's coordinates."""
    from kzscam.qr import local

    return [local.Finder(f.x / scale, f.y / scale, f.size / scale)
            for f in local.scan_finders(local.as_array(_resized(gray, scale)))]


def _confirmed(gray: Image, scale: float, coarse: list[Any]) -> list[Any]:
    """The finders local.scan_finders finds on the picture resized by `scale` near the `coarse`
    ones, scanning only a crop around each: the finder and a threshold block on every side, so
    each pixel of it is thresholded as in the whole picture."""
    from kzscam.qr import local

    if not coarse:
        return []
    small = local.as_array(_resized(gray, scale))
    h, w = small.shape
    blocks = local.scan_blocks(w, h)
    out: list[Any] = []
    for c in coarse:
        reach = int(c.size * scale) + blocks[-1] // 2 + 2
        x, y = int(c.x * scale), int(c.y * scale)
        x0, y0 = max(0, x - reach), max(0, y - reach)
        for f in local.scan_finders(small[y0:y + reach + 1, x0:x + reach + 1], blocks):
            g = local.Finder((f.x + x0) / scale, (f.y + y0) / scale, f.size / scale)
            if not any(math.dist((g.x, g.y), (k.x, k.y)) < k.size / 3 for k in out):
                out.append(g)
    return out


def _resized(gray: Image, scale: float) -> Image:
    """The picture resized by `scale` as the line scans take it: bicubic up, box-averaged down."""
    from PIL.Image import Resampling

    w, h = gray.size
    if scale == 1.0:
        return gray
    return gray.resize((max(1, int(w * scale)), max(1, int(h * scale))),
                       Resampling.BICUBIC if scale > 1 else Resampling.BOX)


def _micro(gray: Image, frame: int, finders: list[Any], clock: _Clock) -> list[Symbol]:
    """Micro QR symbols read from one finder each, with erasures (kzscam.qr.microread)."""
    from kzscam.qr import local, microread

    _, np = local._cv()
    picture = local.as_array(gray).astype(np.float32)
    out: list[Symbol] = []
    for f in finders:
        for grid, version in microread.grids(picture, f.x, f.y, f.size, clock.deadline):
            sym = microread.read(picture, grid, version, frame, clock.deadline)
            if sym is not None:
                _merge(out, [sym])
                break
    return out
