"""Find every QR code in an image: zxing-cpp first, then retries within a time budget.

Most images decode on the first zxing-cpp pass (about a millisecond). Only when nothing is found do
we try what helps on real photos, cheapest and most productive first (order measured on the dev
corpus by scripts/eval_qr.py): another binariser, libzbar, contrast stretch, local repairs of the
regions holding finder patterns (kzscam.qr.local: rectification, highlight suppression,
module-scale sharpening, CLAHE; kzscam.qr.deblur: deconvolution of defocus), upscaling of
small images, blur against moire and halftone dots, downscaling, codes under saturated
highlights or scratches read with their unseen modules as Reed-Solomon erasures
(kzscam.qr.erasure; grids also from finder patterns a scratch cut, found by line scans),
Micro QR symbols read the same way from their one finder (kzscam.qr.microread),
histogram equalisation, sharpening, overlapping tiles for small codes in big photos, views
unrolled off a cylinder (codes on bottles and pillars), the erasure stage's grids bent (rows and
columns that bow after a strong tilt), and finally elastic grid fitting for codes on curved
paper (a small version 1 symbol, cheap to fit, before the erasure stage). The order of the
costly passes follows their measured yield per second (docs/scan-qr.md). After a read, the rest
of the picture is searched for more codes. Every result still passes zxing-cpp's Reed-Solomon
check (zbar reads are handed back to zxing-cpp to confirm), so retries add reads, not guesses.

The ladder and its stages live in their own modules, lower layers first: kzscam.qr.places
(geometry, merging reads), kzscam.qr.budget (options, result, clock), the stages
(kzscam.qr.whole, kzscam.qr.regional, kzscam.qr.grids, kzscam.qr.microscan) and
kzscam.qr.ladder (their order); this module runs them on every frame.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from kzscam.qr.budget import DEFAULT_BUDGET_S, ScanOptions, ScanResult, _Clock
from kzscam.qr.decoders import Candidate, read_zxing, zbar_status
from kzscam.qr.ladder import _ladder
from kzscam.qr.places import _area, _merge, _same_place
from kzscam.qr.regional import _local, _regions
from kzscam.qr.whole import _elastic

if TYPE_CHECKING:
    from PIL.Image import Image

    from kzscam.qr.loader import LoadedImage

__all__ = ["DEFAULT_BUDGET_S", "ScanOptions", "ScanResult", "scan"]


def scan(image: LoadedImage, options: ScanOptions | None = None) -> ScanResult:
    """Decode every code in every distinct frame of `image`."""
    options = options or ScanOptions()
    clock = _Clock(time.monotonic() + options.budget_s)
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
    use_zbar = options.use_zbar and zbar_status()[0]
    for index, gray in grays:
        if not any(s.frame == index for s in result.symbols):
            _ladder(gray, index, use_zbar, candidates, clock, result)
        if any(s.frame == index for s in result.symbols):
            _more(gray, index, candidates, clock, result)
        if clock.exhausted:
            result.budget_exhausted = True
            break
    return result


def _more(gray: Image, frame: int, candidates: list[tuple[int, Candidate]], clock: _Clock,
          result: ScanResult) -> None:
    """After a read: look for codes in the parts of the picture not decoded yet."""
    done = [s.corners for s in result.symbols if s.frame == frame]
    leftover = [(f, c) for f, c in candidates if f == frame and not any(
        _same_place(q, c.corners) for q in done)]
    if leftover and clock.allows():
        # A second code zxing located but could not read (one of two stickers is bent).
        result.passes.append("elastic")
        _merge(result.symbols, clock.run(lambda: _elastic(gray, frame, leftover, clock.deadline)))
    w, h = gray.size
    covered = sum(_area(q) for q in done)
    if covered > 0.4 * w * h or not clock.allows():
        return  # the code fills the picture: nothing else fits beside it
    regions = _regions(gray, done)
    if regions:
        result.passes.append("local-more")
        _merge(result.symbols, clock.run(lambda: _local(gray, frame, regions, clock)))


def _digest(gray: Image) -> bytes:
    import hashlib

    return hashlib.blake2b(gray.tobytes(), digest_size=16).digest() + repr(gray.size).encode()
