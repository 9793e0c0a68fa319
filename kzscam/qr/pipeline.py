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
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from typing import TYPE_CHECKING, Any

from kzscam.qr.decoders import Candidate, Quad, Symbol, read_zbar, read_zxing, zbar_status

if TYPE_CHECKING:
    from PIL.Image import Image

    from kzscam.qr.loader import LoadedImage
    from kzscam.qr.local import Region

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


class _Clock:
    """The per-image budget as a ceiling: a pass starts only when the longest pass so far would
    still end in time, so one image overruns the budget by a fraction of a pass at most."""

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline
        self.longest = 0.0
        self.exhausted = False

    def allows(self, share: float = 1.0) -> bool:
        if time.monotonic() + self.longest * share > self.deadline:
            self.exhausted = True
        return not self.exhausted

    def run(self, work: Callable[[], list[Symbol]]) -> list[Symbol]:
        started = time.monotonic()
        try:
            return work()
        finally:
            self.longest = max(self.longest, time.monotonic() - started)


# The local repairs run after this many ladder passes (the cheap whole-image ones). From the
# `_COSTLY` pass on, the ladder continues only when the picture holds something code-like (a
# finder pattern, or a symbol zxing located): the rest rescues located-but-unread codes.
_CHEAP = 3
_COSTLY = "equalize"
_EARLY_ELASTIC_VERSION = 1
_EARLY_ELASTIC_MODULE_PX = 10.0


def _ladder(gray: Image, frame: int, use_zbar: bool, candidates: list[tuple[int, Candidate]],
            clock: _Clock, result: ScanResult) -> None:
    """Retries on a frame nothing was read from, until one reads something (a zbar read that
    zxing-cpp could not confirm and whose bytes are not text does not count: see _settled)."""
    regions: list[Region] | None = None
    bendable: list[tuple[Any, int]] = []
    early: list[Candidate] = []
    for step, (name, run) in enumerate(_retry_passes(gray, frame, use_zbar, candidates,
                                                     clock.deadline)):
        if step == _CHEAP and clock.allows():
            regions = _regions(gray, [])
            if regions and _pass(result, clock, "local",
                                 partial(_local, gray, frame, regions, clock)):
                return
        located = any(f == frame for f, _ in candidates)
        # A Micro QR symbol under a scratch: its one finder (kzscam.qr.microread), here when
        # nothing else looks code-like (a finder a scratch cut is found by line scans only),
        # else after the erasure stage, which reads the QR Codes of most such pictures. The
        # pass runs only with a finder to fit (_micro_finders): a picture with no code stops
        # here after a coarse line scan.
        if name == _COSTLY and not regions and not located:
            lone = _micro_finders(gray, []) if clock.allows() else []
            if lone and _pass(result, clock, "micro", partial(_micro, gray, frame, lone, clock)):
                return
            result.passes.append("nothing-code-like")
            return
        if name == _COSTLY:
            # A small version 1 symbol zxing-cpp located is fitted elastically first: its fit
            # costs a few hundred milliseconds, the erasure stage's search on such a picture up
            # to 3.5 s (docs/scan-qr.md, "The retry ladder's order by yield"). A fit's cost grows
            # with the symbol's pixels: at 16-19 pixels a module it took 3 s.
            small = [(f, c) for f, c in candidates
                     if f == frame and c.version <= _EARLY_ELASTIC_VERSION
                     and math.dist(c.corners[0], c.corners[2]) / math.sqrt(2)
                     <= _EARLY_ELASTIC_MODULE_PX * (17 + 4 * c.version)]
            if small and clock.allows() and _pass(
                    result, clock, "elastic-v1", partial(_elastic, gray, frame, small,
                                                         clock.deadline)):
                return
            early = [c for _, c in small]
            # Codes under saturated highlights, once the cheap whole-picture passes are done
            # (they read most other pictures the local repairs leave, for less).
            grids = _grids(regions or [], [c for f, c in candidates if f == frame])
            if clock.allows():
                grids += _cut_finder_grids(gray, regions or [], len(grids))
            if grids and clock.allows() and _pass(
                    result, clock, "erasure", partial(_erased, gray, frame, grids, clock,
                                                      bendable)):
                return
            lone = _micro_finders(gray, regions or []) if clock.allows() else []
            if lone and clock.allows() and _pass(result, clock, "micro",
                                                 partial(_micro, gray, frame, lone, clock)):
                return
        # A code on a bottle or a pillar, before the costlier fit for any bent paper. (After
        # the bent grids it would read the same tune photos 0.1-0.2 s sooner, and lose a
        # curved high-resolution one to the budget: docs/scan-qr.md.)
        if name == "elastic" and regions and clock.allows() and _pass(
                result, clock, "cylinder", partial(_cylinder, gray, frame, regions, clock)):
            return
        # The erasure stage's grids bent (a strong tilt), before elastic fitting.
        if name == "elastic" and bendable and clock.allows() and _pass(
                result, clock, "bent", partial(_bent, gray, frame, bendable, clock)):
            return
        if name == "elastic" and early:
            # The symbols fitted before the erasure stage are not fitted again.
            rest = [(f, c) for f, c in candidates
                    if not any(_same_place(c.corners, e.corners) for e in early)]
            run = partial(_elastic, gray, frame, rest, clock.deadline)
        if not clock.allows() or _pass(result, clock, name, run):
            return


def _pass(result: ScanResult, clock: _Clock, name: str, work: Callable[[], list[Symbol]]) -> bool:
    """Run one pass of the ladder and keep its reads; True when they end the ladder."""
    result.passes.append(name)
    found = clock.run(work)
    if not found:
        return False
    _merge(result.symbols, found)
    return _settled(found)


def _settled(found: list[Symbol]) -> bool:
    """Whether these reads end the retry ladder. A zbar read zxing-cpp could not confirm, whose
    bytes are not UTF-8, is kept but does not: zbar does not apply the QR charsets (Shift-JIS
    text comes out as bytes), so a later pass zxing-cpp reads, at the same place with the same
    bytes, replaces it with the text (_merge)."""
    return any(s.decoder != "zbar" or s.text is not None for s in found)


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


def _area(q: tuple[tuple[float, float], ...]) -> float:
    return abs(sum(q[i][0] * q[(i + 1) % len(q)][1] - q[(i + 1) % len(q)][0] * q[i][1]
                   for i in range(len(q)))) / 2


def _inside(point: tuple[float, float], q: tuple[tuple[float, float], ...], grow: float) -> bool:
    cx, cy = _centre(q)
    grown = [(cx + (x - cx) * grow, cy + (y - cy) * grow) for x, y in q]
    sign = 0.0
    for i in range(len(grown)):
        (x0, y0), (x1, y1) = grown[i], grown[(i + 1) % len(grown)]
        cross = (x1 - x0) * (point[1] - y0) - (y1 - y0) * (point[0] - x0)
        if cross != 0:
            if sign and (cross > 0) != (sign > 0):
                return False
            sign = cross
    return True


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
    # Box (area) averaging: as good an anti-aliasing filter for finding finders as the default
    # bicubic, and a third of its cost on a phone photo (where it decides the median time).
    small = gray if scale == 1.0 else gray.resize((max(1, int(w * scale)), max(1, int(h * scale))),
                                                  Resampling.BOX)
    # The codes read are blanked out of the search (their outline grown by 5%: a neighbouring
    # code's finder lies a quiet zone of four modules away at least).
    skip = [_grown(q, 1.05, scale) for q in done]
    finders = [local.Finder(f.x / scale, f.y / scale, f.size / scale)
               for f in local.find_finders(local.as_array(small), thorough=thorough, skip=skip)]
    finders = [f for f in finders if not any(_inside((f.x, f.y), q, 1.2) for q in done)]
    return local.group(finders, w, h)[:6]


def _grown(q: tuple[tuple[float, float], ...], grow: float,
           scale: float) -> tuple[tuple[float, float], ...]:
    cx, cy = _centre(q)
    return tuple(((cx + (x - cx) * grow) * scale, (cy + (y - cy) * grow) * scale) for x, y in q)


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
_ERASURE_PAIRS = 2
_BENT_GRIDS = 1  # grids of a picture the bent pass reads (_bent): every tune read was the first


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
    Grids kept but not read are added to `bendable` for the bent pass (`_bent`): only those
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
        elif lost is None and len(bendable) < _BENT_GRIDS:
            bendable.append((fitted, version))
    return out


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


def _bent(gray: Image, frame: int, bendable: list[tuple[Any, int]],
          clock: _Clock) -> list[Symbol]:
    """The erasure stage's grids read bent (erasure.read_bent): rows and columns that bow, as
    after a strong tilt no homography follows."""
    from kzscam.qr import erasure, local

    _, np = local._cv()
    picture = local.as_array(gray).astype(np.float32)
    out: list[Symbol] = []
    for grid, version in bendable:
        if time.monotonic() > clock.deadline:
            break
        if any(_same_place(s.corners, erasure.corners_of(grid, version)) for s in out):
            continue
        sym = erasure.read_bent(picture, grid, version, frame, clock.deadline)
        if sym is not None:
            _merge(out, [sym])
    return out


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


def _centre(q: tuple[tuple[float, float], ...]) -> tuple[float, float]:
    return sum(p[0] for p in q) / len(q), sum(p[1] for p in q) / len(q)


def _same_place(a: tuple[tuple[float, float], ...], b: tuple[tuple[float, float], ...]) -> bool:
    size = max(math.dist(a[0], a[2]), math.dist(b[0], b[2]), 1.0)
    return math.dist(_centre(a), _centre(b)) < size / 4


def _merge(into: list[Symbol], new: list[Symbol]) -> None:
    """Add symbols not already found (same bytes at the same place, or the same frame twice)."""
    for sym in new:
        same = [i for i, s in enumerate(into) if s.raw == sym.raw
                and (_same_place(s.corners, sym.corners) or s.frame != sym.frame)]
        if not same:
            into.append(sym)
        elif sym.text is not None and into[same[0]].text is None:
            into[same[0]] = sym  # zxing-cpp's reading of bytes zbar gave raw (see _settled)
