"""Likely symbols found by their finder patterns, and the passes that work on each in place:
local repairs of its crop (kzscam.qr.local: rectification, highlight suppression, module-scale
sharpening, CLAHE; kzscam.qr.deblur: deconvolution of defocus) and views of it unrolled off a
cylinder (codes on bottles and pillars).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from kzscam.qr.decoders import Quad, Symbol, read_zxing
from kzscam.qr.places import _grown, _inside, _merge

if TYPE_CHECKING:
    from PIL.Image import Image

    from kzscam.qr.budget import _Clock
    from kzscam.qr.local import Region


# Finder search runs on at most this many pixels per side (a finder is 7 modules: still found):
# thoroughly on pictures nothing was read from, quickly (a fraction of it) after a read, where it
# runs on most photos and decides the median time per photo.
_FINDER_SIDE = 1200
_FINDER_SIDE_AFTER_READ = 640


def _regions(gray: Image, done: Sequence[tuple[tuple[float, float], ...]]) -> list[Region]:
    """Likely symbols outside the decoded ones, in image coordinates."""
    from PIL.Image import Resampling

    from kzscam.qr import local

    w, h = gray.size
    thorough = not done
    scale = min(1.0, (_FINDER_SIDE if thorough else _FINDER_SIDE_AFTER_READ) / max(w, h))
    size = (max(1, int(w * scale)), max(1, int(h * scale)))
    if scale == 1.0:
        small = local.as_array(gray)
    elif thorough:
        # Box (area) averaging: as good an anti-aliasing filter for finding finders as the
        # default bicubic, and a third of its cost on a phone photo.
        small = local.as_array(gray.resize(size, Resampling.BOX))
    else:  # after a read, where this search decides the median time per photo
        small = local.shrink(gray, *size)
    # The codes read are blanked out of the search (their outline grown by 5%: a neighbouring
    # code's finder lies a quiet zone of four modules away at least).
    skip = [_grown(q, 1.05, scale) for q in done]
    finders = [local.Finder(f.x / scale, f.y / scale, f.size / scale)
               for f in local.find_finders(small, thorough=thorough, skip=skip)]
    finders = [f for f in finders if not any(_inside((f.x, f.y), q, 1.2) for q in done)]
    return local.group(finders, w, h)[:6]


def _local(gray: Image, frame: int, regions: list[Region], clock: _Clock) -> list[Symbol]:
    """Repaired crops of each likely symbol, decoded by zxing-cpp; stops per region at a read."""
    from kzscam.qr import local

    arr = local.as_array(gray)
    out: list[Symbol] = []
    for region in regions:
        if not clock.allows(0.25):
            break
        for sym in _repairs(arr, region, frame, clock.deadline):
            _merge(out, [sym])
            break
    return out


def _repairs(arr: Any, region: Region, frame: int, deadline: float) -> Iterator[Symbol]:
    """Decoded symbols from repaired versions of one region, most productive repair first."""
    from kzscam.qr import deblur, local

    rectified = local.rectify(arr, region)
    if rectified is not None:
        rect, back = rectified
        rect_variants: list[tuple[Callable[[], Any], str, str]] = [
                (lambda: rect, "LocalAverage", "rectified"),
                (lambda: local.flatten(rect, 6.0), "LocalAverage", "rectified-flatten"),
                (lambda: local.sharpen(rect, 6.0), "LocalAverage", "rectified-sharpen"),
                (lambda: local.clahe(rect, 6.0), "LocalAverage", "rectified-clahe")]
        for repaired, binarizer, method in rect_variants:
            if time.monotonic() > deadline:
                return
            found, _ = read_zxing(local.to_image(repaired()), binarizer=binarizer, frame=frame)
            for s in found:
                corners: Quad = local.map_points(back, s.corners)  # type: ignore[assignment]
                yield replace(s, corners=corners, method=method)
    x0, y0, x1, y1 = region.box
    crop = arr[y0:y1, x0:x1]
    if crop.size == 0:
        return
    scale = 1.0
    module = region.module
    if module < 4.0:
        scale = min(3.0, 5.0 / max(module, 0.5))
        if max(crop.shape) * scale > 2400:
            scale = max(1.0, 2400 / max(crop.shape))
    if scale > 1.0:
        import cv2

        crop = cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
        module *= scale
    variants: list[tuple[Callable[[], Any], str, str]] = [
            (lambda: local.flatten(crop, module), "LocalAverage", "flatten"),
            (lambda: local.flatten(crop, module), "GlobalHistogram", "flatten"),
            (lambda: local.clahe(crop, module), "LocalAverage", "clahe"),
            (lambda: local.sharpen(crop, module), "LocalAverage", "sharpen"),
            (lambda: crop, "GlobalHistogram", "crop")]
    for repaired, binarizer, method in variants:
        if time.monotonic() > deadline:
            return
        found, _ = read_zxing(local.to_image(repaired()), binarizer=binarizer, frame=frame)
        for s in found:
            yield s.mapped(scale, x0, y0, method=method)
    # Defocus undone at the code's scale: a Gaussian of a few sizes relative to the module, the
    # decoder judging which (kzscam.qr.deblur; scripts/qr_blur_study.py). A large code is
    # shrunk to a few pixels a module first: the blur shrinks with it, and the transform's cost
    # with the square of the side.
    if module > _DEBLUR_MODULE:
        import cv2

        shrink = _DEBLUR_MODULE / module
        crop = cv2.resize(crop, None, fx=shrink, fy=shrink, interpolation=cv2.INTER_AREA)
        module *= shrink
        scale *= shrink
    for share in _DEBLUR_SHARES:
        if time.monotonic() > deadline:
            return
        fixed = deblur.wiener(crop, share * module, _DEBLUR_NSR)
        for s in read_zxing(local.to_image(fixed), frame=frame)[0]:
            yield s.mapped(scale, x0, y0, method="deblur")


# Deconvolution of a defocused region: the Gaussian's sigma as shares of the module, most likely
# first, and the Wiener filter's noise-to-signal ratio (scripts/qr_blur_study.py).
_DEBLUR_SHARES = (0.5, 0.4, 0.6)
_DEBLUR_NSR = 1e-3
_DEBLUR_MODULE = 6.0  # pixels a module at most in the deconvolved crop
_CYLINDER_REGIONS = 2


def _cylinder(gray: Image, frame: int, regions: list[Region], clock: _Clock) -> list[Symbol]:
    """Symbols read from views of the (at most two) best three-finder regions unrolled off a
    cylinder: up to 64 views each, so further, weaker groupings are not worth their time."""
    from kzscam.qr import local

    arr = local.as_array(gray)
    out: list[Symbol] = []
    for region in [r for r in regions if r.finders is not None][:_CYLINDER_REGIONS]:
        for view, back in local.unrolled(arr, region):
            if time.monotonic() > clock.deadline:
                return out
            found, _ = read_zxing(local.to_image(view), frame=frame, qr_only=True)
            if found:
                for sym in found:
                    corners: Quad = tuple(back(x, y) for x, y in sym.corners)  # type: ignore[assignment]
                    _merge(out, [replace(sym, corners=corners, method="cylinder")])
                break
    return out
