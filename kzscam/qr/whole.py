"""The retry ladder's passes over the whole picture, cheapest first: another binariser, libzbar
(its reads confirmed by zxing-cpp), contrast stretch, upscaling, blur, downscaling, histogram
equalisation, sharpening, overlapping tiles, and elastic grid fitting (kzscam.qr.elastic).
Each pass is built lazily; kzscam.qr.ladder runs them in order, with the other stages between.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import TYPE_CHECKING

from kzscam.qr.decoders import Candidate, Symbol, read_zbar, read_zxing
from kzscam.qr.places import _merge, _same_place

if TYPE_CHECKING:
    from PIL.Image import Image


Pass = tuple[str, Callable[[], list[Symbol]]]


def _retry_passes(gray: Image, frame: int, use_zbar: bool,
                  candidates: list[tuple[int, Candidate]], deadline: float) -> Iterator[Pass]:
    """The retry ladder for one frame; each pass is built lazily so unused ones cost nothing."""
    from PIL import ImageFilter, ImageOps
    from PIL.Image import Resampling

    w, h = gray.size

    def zx(img: Callable[[], Image], scale: float = 1.0, binarizer: str = "LocalAverage",
           name: str = "") -> Callable[[], list[Symbol]]:
        def run() -> list[Symbol]:
            found, cands = read_zxing(img(), binarizer=binarizer, frame=frame)
            candidates.extend((frame, _scaled(c, scale)) for c in cands)
            return [s.mapped(scale, method=name) for s in found]
        return run

    def zb(img: Callable[[], Image], scale: float = 1.0,
           name: str = "") -> Callable[[], list[Symbol]]:
        def run() -> list[Symbol]:
            image = img()
            return [_confirm(image, s).mapped(scale, method=name)
                    for s in read_zbar(image, frame=frame)]
        return run

    yield "global-histogram", zx(lambda: gray, binarizer="GlobalHistogram", name="global-histogram")
    if use_zbar:
        yield "zbar", zb(lambda: gray, name="zbar")
    yield "autocontrast", zx(lambda: ImageOps.autocontrast(gray, cutoff=1), name="autocontrast")
    if max(w, h) <= 1600:
        up = _memo(lambda: gray.resize((w * 2, h * 2), Resampling.BICUBIC))
        yield "upscale", zx(up, 2.0, name="upscale")
        yield "upscale-global", zx(up, 2.0, "GlobalHistogram", name="upscale")
    blur = _memo(lambda: gray.filter(ImageFilter.GaussianBlur(1)))
    yield "blur", zx(blur, binarizer="GlobalHistogram", name="blur")
    yield "blur-local", zx(blur, name="blur")
    if min(w, h) >= 160:
        half = _memo(lambda: gray.resize((w // 2, h // 2), Resampling.LANCZOS))
        yield "downscale", zx(half, 0.5, "GlobalHistogram", name="downscale")
        yield "downscale-local", zx(half, 0.5, name="downscale")
    yield "equalize", zx(lambda: ImageOps.equalize(gray), binarizer="GlobalHistogram",
                         name="equalize")
    yield "sharpen", zx(lambda: gray.filter(ImageFilter.UnsharpMask(2, 150, 3)), name="sharpen")
    if use_zbar:
        yield "zbar-autocontrast", zb(lambda: ImageOps.autocontrast(gray, cutoff=1),
                                      name="zbar-autocontrast")
        yield "zbar-blur", zb(blur, name="zbar-blur")
    if max(w, h) >= 800:
        yield "tiles", lambda: _tiles(gray, frame)
    yield "elastic", lambda: _elastic(gray, frame, candidates, deadline)


def _confirm(image: Image, sym: Symbol) -> Symbol:
    """zxing-cpp's reading of a code zbar found, when it can be had: zxing is handed the code
    straightened out of zbar's corners. zxing honours ECI and the QR charsets, which zbar's raw
    bytes do not tell us (a Shift-JIS text would otherwise stay binary)."""
    from kzscam.qr import local

    try:
        rect, _ = local.unwarp(local.as_array(image), sym.corners)
    except ValueError:
        return sym
    for repaired in (rect, local.flatten(rect, 6.0)):
        for found in read_zxing(local.to_image(repaired), frame=sym.frame)[0]:
            if found.raw == sym.raw or sym.text is None:
                return replace(found, corners=sym.corners)
    return sym


def _memo(make: Callable[[], Image]) -> Callable[[], Image]:
    cache: list[Image] = []

    def get() -> Image:
        if not cache:
            cache.append(make())
        return cache[0]
    return get


def _scaled(c: Candidate, scale: float) -> Candidate:
    corners = tuple((x / scale, y / scale) for x, y in c.corners)
    return Candidate(corners, c.version)  # type: ignore[arg-type]


def _tiles(gray: Image, frame: int) -> list[Symbol]:
    """Overlapping 2x2 tiles, upscaled: small codes in large photos get more pixels per module."""
    from PIL.Image import Resampling

    w, h = gray.size
    tw, th = int(w * 0.6), int(h * 0.6)
    out: list[Symbol] = []
    for x0 in (0, w - tw):
        for y0 in (0, h - th):
            tile = gray.crop((x0, y0, x0 + tw, y0 + th))
            scale = 2.0 if max(tw, th) <= 1600 else 1.0
            if scale != 1.0:
                tile = tile.resize((int(tw * scale), int(th * scale)), Resampling.BICUBIC)
            found, _ = read_zxing(tile, frame=frame)
            _merge(out, [s.mapped(scale, x0, y0, method="tiles") for s in found])
    return out


# Elastic fitting is pure Python: about this many seconds per module of the symbol on an idle
# core (measured: 0.2-0.4 s for a version 4 symbol). The first fit of an image is planned with it.
_FIT_S_PER_CELL = 2.5e-4


def _elastic(gray: Image, frame: int, candidates: list[tuple[int, Candidate]],
             deadline: float) -> list[Symbol]:
    from kzscam.qr.elastic import fit_modules, render

    tried: list[Candidate] = []
    out: list[Symbol] = []
    per_cell = _FIT_S_PER_CELL  # a fit costs about this per module; refined by each fit
    for cand_frame, cand in candidates:
        if cand_frame != frame or any(_same_place(cand.corners, t.corners) for t in tried):
            continue
        tried.append(cand)
        cells = (17 + 4 * cand.version + 2) ** 2
        for mesh in (3, 4, 6):
            if time.monotonic() + per_cell * cells > deadline:
                return out
            started = time.monotonic()
            matrix = fit_modules(gray, cand, mesh, deadline)
            per_cell = max(per_cell, (time.monotonic() - started) / cells)
            if matrix is None:
                break
            found, _ = read_zxing(render(matrix), pure=True, frame=frame)
            good = [s for s in found if s.version == str(cand.version)]
            if good:
                # Report the place in the photo, not in the redrawn symbol.
                s = good[0]
                out.append(Symbol(s.raw, s.text, cand.corners, s.decoder, s.symbology, s.version,
                                  s.ec_level, "elastic", frame))
                break
    return out
