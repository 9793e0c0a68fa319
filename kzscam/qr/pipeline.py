"""Find every QR code in an image: zxing-cpp first, then retries within a time budget.

Most images decode on the first zxing-cpp pass (about a millisecond). Only when nothing is found do
we try what helps on real photos, cheapest and most productive first (order measured on the dev
corpus by scripts/eval_qr.py): another binariser, libzbar, contrast stretch, upscaling of small
images, blur against moire and halftone dots, downscaling, histogram equalisation, sharpening,
overlapping tiles for small codes in big photos, and finally elastic grid fitting for codes on
curved paper. Every result still passes a decoder's Reed-Solomon check, so retries add reads, not
guesses.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kzscam.qr.decoders import Candidate, Symbol, read_zbar, read_zxing, zbar_status

if TYPE_CHECKING:
    from PIL.Image import Image

    from kzscam.qr.loader import LoadedImage

DEFAULT_BUDGET_S = 4.0


@dataclass(frozen=True)
class ScanOptions:
    """How hard to try: the retry budget per image, and whether zbar may be used."""

    budget_s: float = DEFAULT_BUDGET_S
    use_zbar: bool = True
    retries: bool = True


@dataclass
class ScanResult:
    """The codes found in one image and which passes ran (for --verbose and the eval)."""

    symbols: list[Symbol] = field(default_factory=list)
    passes: list[str] = field(default_factory=list)
    budget_exhausted: bool = False


Pass = tuple[str, Callable[[], list[Symbol]]]


def scan(image: LoadedImage, options: ScanOptions | None = None) -> ScanResult:
    """Decode every code in every distinct frame of `image`."""
    options = options or ScanOptions()
    deadline = time.monotonic() + options.budget_s
    result = ScanResult()
    grays: list[tuple[int, Image]] = []
    seen_frames: set[bytes] = set()
    candidates: list[tuple[int, Candidate]] = []
    for index, frame in enumerate(image.frames):
        gray = frame if frame.mode == "L" else frame.convert("L")
        if len(image.frames) > 1:  # animated GIFs repeat frames; scan each picture once
            digest = _digest(gray)
            if digest in seen_frames:
                continue
            seen_frames.add(digest)
        grays.append((index, gray))
        symbols, cands = read_zxing(gray, frame=index)
        _merge(result.symbols, symbols)
        candidates.extend((index, c) for c in cands)
    result.passes.append("zxing")
    if not options.retries:
        return result
    if result.symbols:
        # A second code zxing located but could not read (one of two stickers is bent).
        leftover = [(f, c) for f, c in candidates if not any(
            s.frame == f and _same_place(s.corners, c.corners) for s in result.symbols)]
        if leftover:
            result.passes.append("elastic")
            for index, gray in grays:
                _merge(result.symbols, _elastic(gray, index, leftover, deadline))
        return result
    use_zbar = options.use_zbar and zbar_status()[0]
    for index, gray in grays:
        for name, run in _retry_passes(gray, index, use_zbar, candidates, deadline):
            if time.monotonic() > deadline:
                result.budget_exhausted = True
                return result
            result.passes.append(name)
            found = run()
            if found:
                _merge(result.symbols, found)
                return result
    return result


def _digest(gray: Image) -> bytes:
    import hashlib

    return hashlib.blake2b(gray.tobytes(), digest_size=16).digest() + repr(gray.size).encode()


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
        return lambda: [s.mapped(scale, method=name) for s in read_zbar(img(), frame=frame)]

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


def _elastic(gray: Image, frame: int, candidates: list[tuple[int, Candidate]],
             deadline: float) -> list[Symbol]:
    from kzscam.qr.elastic import fit_modules, render

    tried: list[Candidate] = []
    out: list[Symbol] = []
    for cand_frame, cand in candidates:
        if cand_frame != frame or any(_same_place(cand.corners, t.corners) for t in tried):
            continue
        tried.append(cand)
        for mesh in (3, 4, 6):
            if time.monotonic() > deadline:
                return out
            matrix = fit_modules(gray, cand, mesh)
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


def _centre(q: tuple[tuple[float, float], ...]) -> tuple[float, float]:
    return sum(p[0] for p in q) / len(q), sum(p[1] for p in q) / len(q)


def _same_place(a: tuple[tuple[float, float], ...], b: tuple[tuple[float, float], ...]) -> bool:
    size = max(math.dist(a[0], a[2]), math.dist(b[0], b[2]), 1.0)
    return math.dist(_centre(a), _centre(b)) < size / 4


def _merge(into: list[Symbol], new: list[Symbol]) -> None:
    """Add symbols not already found (same bytes at the same place, or the same frame twice)."""
    for sym in new:
        if not any(s.raw == sym.raw
                   and (_same_place(s.corners, sym.corners) or s.frame != sym.frame)
                   for s in into):
            into.append(sym)
