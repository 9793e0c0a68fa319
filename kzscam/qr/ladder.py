"""The retry ladder for a frame nothing was read from: the passes over the whole picture
(kzscam.qr.whole) in order, with the local repairs (kzscam.qr.regional) after the cheap ones, then,
only on pictures holding something code-like, early elastic fitting of a small version 1 symbol,
the erasure stage (kzscam.qr.grids), Micro QR (kzscam.qr.microscan), the cylinder pass and the
bent grids before elastic fitting. The order follows the passes' measured yield per second
(docs/scan-qr.md, "The retry ladder's order by yield").
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from kzscam.qr.grids import _bent, _cut_finder_grids, _erased, _grids, _quad
from kzscam.qr.microscan import _micro, _micro_finders
from kzscam.qr.places import _merge, _same_place
from kzscam.qr.regional import _cylinder, _local, _regions
from kzscam.qr.whole import _elastic, _retry_passes

if TYPE_CHECKING:
    from PIL.Image import Image

    from kzscam.qr.budget import ScanResult, _Clock
    from kzscam.qr.decoders import Candidate, Symbol
    from kzscam.qr.local import Region


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
        # The erasure stage's grids kept but not read, bent (a smooth second-order warp), then
        # under a bilinear picture-to-module map (an image tool's quadrilateral stretch:
        # kzscam.qr.quadwarp), before elastic fitting. (The other way round, the bilinear pass
        # delayed three bent reads of the tune split past the budget and read none of them.)
        if name == "elastic" and bendable and clock.allows() and _pass(
                result, clock, "bent", partial(_bent, gray, frame, bendable, clock)):
            return
        if name == "elastic" and bendable and clock.allows() and _pass(
                result, clock, "quad", partial(_quad, gray, frame, bendable, clock)):
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
