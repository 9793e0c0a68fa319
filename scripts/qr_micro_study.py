"""Could an erasure decoder for Micro QR read the damaged and bright-spot Micro QR photos of the
hard-photo set? Per photo of the tune split (scripts/eval_qr_photos.py: the development photos,
damaged by `qrsynth.damage`) whose clean photo zxing-cpp reads as Micro QR: on the true grid, how
many modules and codewords the damage changed and kzscam's calls get wrong, whether the one
Reed-Solomon block then decodes within the 1e-9 risk bound, and whether kzscam finds the finder
and a grid from the picture itself (kzscam.qr.microread).

The damage does not move the code, so the **true grid** is the one fitted to the clean photo
(zxing-cpp's corners there, refined by microread's pattern fit) and the **true modules** are
kzscam's calls on the clean photo, checked against zxing-cpp's reading of it (they decode to its
payload). Nothing is estimated from the photo studied. A development tool: nothing in kzscam
depends on it.

Columns: symbol (version-level), px/module, damaged (data modules the damage moved by more than
a quarter of the code's contrast), wrong (data modules kzscam's calls get wrong on the true
grid, highlight model / local mean), unseen, cw_wrong (codewords holding a wrong module, against
the check codewords), bound (the most errors the 1e-9 bound allows with no erasure), oracle
(the block decodes with exactly the wrong codewords erased, within the bound), true_read (the
Micro QR reading reads the code on the true grid), finders (lone finders of the contour search
+ finders only the line scans find, as the micro pass looks for them), grids (grids from them
kept by the timing and format check), read (the Micro QR reading reads the code from a grid it
found).

Usage: python scripts/qr_micro_study.py [--shared ../shared] [--category damaged]
       [--only NAME,...] [--misses FILE]   (FILE: an eval_qr_photos.py --save, to study misses only)
"""

from __future__ import annotations

import math
import random
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from eval_qr_photos import Photo, _seed, _zx, degrade
from qr_damage_study import study_parser, study_table

from kzscam.qr import erasure, micro, microread, symbol


def clean_micro(p: Photo) -> tuple[int, Any] | None:
    """The version and the corners zxing-cpp reads from the clean photo, when it is Micro QR."""
    for r in _zx(p.image):
        version = str((r.extra or {}).get("Version", ""))
        if r.text == p.expected and str(r.format) == "Micro QR Code" and version[1:].isdigit():
            q = r.position
            return int(version[1:]), [(float(c.x), float(c.y)) for c in
                                      (q.top_left, q.top_right, q.bottom_right, q.bottom_left)]
    return None


def true_grid(p: Photo, clean: Any, version: int, corners: Any) -> Any:
    """The grid from zxing-cpp's corners on the clean photo, moved by up to a pixel (its corners
    are pixel edges, not centres) to where kzscam's calls match zxing-cpp's reading best."""
    import cv2
    import numpy as np

    n = micro.size(version)
    hit = next(r for r in _zx(p.image) if r.text == p.expected)
    img = np.asarray(hit.to_image()) < 128
    q = (img.shape[0] - n) // 2
    want = img[q:q + n, q:q + n]
    src = np.array([[0, 0], [n, 0], [n, n], [0, n]], dtype=np.float32)
    best: tuple[int, Any] | None = None
    for dx in (-1.0, -0.5, 0.0, 0.5):
        for dy in (-1.0, -0.5, 0.0, 0.5):
            dst = np.array([(x + dx, y + dy) for x, y in corners], dtype=np.float32)
            grid = cv2.getPerspectiveTransform(src, dst)
            calls, _ = erasure.modules(*erasure.sample(clean, grid, version, n=n))
            wrong = int(np.sum(calls != want))
            if best is None or wrong < best[0]:
                best = (wrong, grid)
    assert best is not None
    return best[1]


def study_one(p: Photo, category: str) -> dict[str, Any] | None:
    import numpy as np

    from kzscam.qr.microscan import _micro_finders
    from kzscam.qr.regional import _regions

    got = clean_micro(p)
    if got is None:
        return None
    version, corners = got
    n = micro.size(version)
    img = degrade(p, category, random.Random(_seed(category, p.name)), None)
    clean = np.asarray(p.image, dtype=np.float32)
    picture = np.asarray(img, dtype=np.float32)
    grid = true_grid(p, clean, version, corners)
    cm, cd = erasure.sample(clean, grid, version, n=n)
    truth, _ = erasure.modules(cm, cd)
    level = next((lv for _, lv, _ in microread._formats(truth, np.ones((n, n)), version, 0.0)),
                 None)
    if level is None or microread.read(clean, grid, version, 0, math.inf) is None:
        why = ("M1: two check codewords, no try within the bound" if version == 1 else
               "the clean photo does not read on the true grid")
        return {"photo": p.name, "symbol": f"M{version}", "px/module": "", "damaged": "",
                "wrong": "", "unseen": "", "cw_wrong": "", "bound": "", "oracle": "",
                "true_read": why, "finders": "",
                "grids": "", "read": ""}
    dm, dd = erasure.sample(picture, grid, version, n=n)
    contrast = float(np.percentile(cm, 90) - np.percentile(cm, 10))
    data = micro.data_cells(version)
    damaged = sum(abs(float(dm[r, c] - cm[r, c])) > 0.25 * contrast for r, c in data)
    model, weights = erasure.modules(dm, dd)
    lmean, _ = erasure.local_calls(dm, dd)
    cells = micro.codeword_cells(version, level)
    d, ec = micro.layout(version, level)
    cw_wrong = sum(any(bool(model[r, c]) != bool(truth[r, c]) for r, c in cw) for cw in cells)
    cw_wrong_local = sum(any(bool(lmean[r, c]) != bool(truth[r, c]) for r, c in cw)
                         for cw in cells)
    best = min(cw_wrong, cw_wrong_local)
    bound = symbol.max_errors(d + ec, ec, 0, 1e-9)
    oracle = symbol.max_errors(d + ec, ec, best, 1e-9) is not None
    true_read = microread.read(picture, grid, version, 0, math.inf)
    regions = _regions(img, [])
    lone = [r.lone for r in regions if r.lone is not None]
    finders = _micro_finders(img, regions)
    found = read = 0
    for f in finders:
        for g, v in microread.grids(picture, f.x, f.y, f.size, math.inf):
            found += 1
            if not read and microread.read(picture, g, v, 0, math.inf) is not None:
                read = 1
    return {
        "photo": p.name, "symbol": f"M{version}-{level}", "px/module": round(
            math.dist(corners[0], corners[1]) / n, 1),
        "damaged": damaged,
        "wrong": f"{sum(bool(model[r, c]) != bool(truth[r, c]) for r, c in data)} / "
                 f"{sum(bool(lmean[r, c]) != bool(truth[r, c]) for r, c in data)}",
        "unseen": int(sum(weights[r, c] <= 0 for r, c in data)),
        "cw_wrong": f"{cw_wrong} / {cw_wrong_local} of {ec}",
        "bound": "none" if bound is None else bound, "oracle": oracle,
        "true_read": true_read is not None and true_read.text == p.expected,
        "finders": f"{len(lone)}+{len(finders) - len(lone)}", "grids": found,
        "read": bool(read),
    }


def main() -> int:
    ap = study_parser(__doc__ or "")
    ap.add_argument("--category", default="damaged")
    a = ap.parse_args()
    _, skipped = study_table(a, a.category, lambda p: study_one(p, a.category))
    print(f"\nnot Micro QR on the clean photo (skipped): {len(skipped)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
