"""Why do the blurred photos of the hard-photo set fail, and which would a deconvolution read?
Per photo of the tune split (scripts/eval_qr_photos.py: the development photos, defocused by
`qrsynth.damage`): the blur applied, the code's module size, what kzscam's finder search and
zxing-cpp's detector find, and whether undoing the blur with the TRUE kernel reads the code.

The blur is known exactly: `qrsynth.damage` draws it from a generator seeded by the photo's name
(a Gaussian of max(0.8, module x U(0.3, 0.5)) pixels, Pillow's GaussianBlur), so the study
draws the same number. Nothing in kzscam sees it; the study uses it to ask what is reachable.
The true grid (the clean photo's, as in scripts/qr_damage_study.py) is used for the erasure
decoder's bound only.

Columns: v (version-level), px/module, sigma (pixels) and sigma/module, finders (three-finder
regions t / lone finders l of kzscam's search), located (zxing-cpp's located-but-unread
symbols), then for the picture as it is and for each deconvolution with the true sigma
(Wiener at noise-to-signal ratios 1e-3 and 1e-2, Richardson-Lucy with 10 and 30 iterations):
zx (zxing-cpp alone reads the expected payload from the deconvolved picture), scan (kzscam's
whole ladder does, budget 4 s) and grid (the erasure decoder on the true grid, 1e-9 bound,
zxing-cpp's re-read). `--kzscam` adds kzscam's own stage's reading (kzscam.qr.regional) with
the blur estimated from the picture, for comparison with the bound.

Usage: python scripts/qr_blur_study.py [--shared ../shared] [--misses FILE] [--only NAME,...]
       (FILE: an eval_qr_photos.py --save, to study the photos kzscam missed only)
"""

from __future__ import annotations

import math
import random
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from eval_qr_photos import Photo, _code_box, _seed, _zx, degrade
from qr_damage_study import study_parser, study_table, truth

from kzscam.qr import deblur, erasure
from kzscam.qr.decoders import read_zxing
from kzscam.qr.loader import LoadedImage
from kzscam.qr.pipeline import ScanOptions, scan
from kzscam.qr.regional import _regions

CATEGORY = "blurred"


def true_sigma(p: Photo) -> tuple[float, float]:
    """The Gaussian's sigma in pixels qrsynth.damage applied, and the module size it used."""
    rng = random.Random(_seed(CATEGORY, p.name))
    _, _, side = _code_box(p)
    module = side / p.modules
    return max(0.8, module * rng.uniform(0.3, 0.5)), module


def richardson_lucy(gray: Any, sigma: float, iterations: int) -> Any:
    """`gray` with a Gaussian blur of `sigma` pixels undone by Richardson-Lucy iterations; uint8.
    The kernel is symmetric, so its adjoint is itself: each step is two Gaussian blurs."""
    import cv2
    import numpy as np

    observed = np.asarray(gray, dtype=np.float32) + 1.0
    estimate = observed.copy()
    for _ in range(iterations):
        blurred = cv2.GaussianBlur(estimate, (0, 0), sigma, borderType=cv2.BORDER_REFLECT)
        ratio = observed / np.maximum(blurred, 1e-3)
        estimate *= cv2.GaussianBlur(ratio, (0, 0), sigma, borderType=cv2.BORDER_REFLECT)
    return np.clip(estimate - 1.0, 0, 255).astype(np.uint8)


def restorations(sigma: float) -> list[tuple[str, Callable[[Any], Any]]]:
    return [("wiener-1e-3", lambda a: deblur.wiener(a, sigma, 1e-3)),
            ("wiener-1e-2", lambda a: deblur.wiener(a, sigma, 1e-2)),
            ("rl-10", lambda a: richardson_lucy(a, sigma, 10)),
            ("rl-30", lambda a: richardson_lucy(a, sigma, 30))]


def study_one(p: Photo, with_kzscam: bool) -> dict[str, Any] | None:
    import numpy as np
    from PIL import Image

    got = truth(p)
    if got is None or p.corners is None:
        return None
    version, level, _ = got
    img = degrade(p, CATEGORY, random.Random(_seed(CATEGORY, p.name)), None)
    sigma, module = true_sigma(p)
    clean = np.asarray(p.image, dtype=np.float32)
    grid = erasure.refine(clean, erasure.grid_from_corners(tuple(p.corners), version),  # type: ignore[arg-type]
                          version, math.inf)
    regions = _regions(img, [])
    _, cands = read_zxing(img)
    row: dict[str, Any] = {
        "photo": p.name, "v": f"{version}-{level}", "px/module": round(module, 2),
        "sigma": round(sigma, 2), "sigma/module": round(sigma / module, 2),
        "finders": f"{sum(r.finders is not None for r in regions)}t/"
                   f"{sum(r.lone is not None for r in regions)}l",
        "located": len(cands),
    }
    options = ScanOptions(budget_s=4.0)
    arr = np.asarray(img, dtype=np.uint8)
    for name, restore in [("as is", lambda a: a), *restorations(sigma)]:
        fixed = restore(arr)
        pic = Image.fromarray(fixed, "L")
        zx = any(r.text == p.expected for r in _zx(pic))
        kz = zx or any(s.text == p.expected for s in
                       scan(LoadedImage(p.name, (pic,), "PNG"), options).symbols)
        on_grid = erasure.read(fixed.astype(np.float32), grid, version, 0, math.inf)
        row[name] = ("zx " if zx else "") + ("scan " if kz else "") + \
            ("grid" if on_grid is not None and on_grid.text == p.expected else "") or "-"
    if with_kzscam:
        found = scan(LoadedImage(p.name, (img,), "PNG"), options)
        row["kzscam"] = ",".join(sorted({s.method for s in found.symbols
                                         if s.text == p.expected})) or "-"
    return row


def main() -> int:
    ap = study_parser(__doc__ or "")
    ap.add_argument("--kzscam", action="store_true", help="add kzscam's own reading")
    a = ap.parse_args()
    table, skipped = study_table(a, CATEGORY, lambda p: study_one(p, a.kzscam))
    if not table:
        return 0
    totals: Counter[str] = Counter()
    for r in table:
        totals["photos"] += 1
        totals["three finders"] += r["finders"][0] != "0"
        totals["zxing located"] += r["located"] > 0
        for k in ("as is", "wiener-1e-3", "wiener-1e-2", "rl-10", "rl-30"):
            for what in ("zx", "scan", "grid"):
                totals[f"{k} {what}"] += what in r[k]
        totals["any true-kernel restoration, any reader"] += any(
            r[k] != "-" for k in ("wiener-1e-3", "wiener-1e-2", "rl-10", "rl-30"))
    print()
    print("; ".join(f"{k}: {v}" for k, v in totals.items()))
    print(f"skipped (no clean zxing read with a version): {len(skipped)} " + ", ".join(skipped))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
