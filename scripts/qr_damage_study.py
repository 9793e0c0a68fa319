"""Why do the damaged and bright-spot photos of the hard-photo set fail? Per photo of the tune
split (scripts/eval_qr_photos.py: the development photos, scratched, stained or spotted by
`qrsynth.damage`): whether kzscam's finder search and zxing-cpp's detector give the erasure
stage a grid at all, and on the true grid how many modules the damage changed, how many of
them kzscam's module calls get wrong or leave unseen, and how many codewords per Reed-Solomon
block that touches against the block's capacity.

The damage does not move the code, so the **true grid** is the one fitted to the clean photo
(zxing-cpp's corners there, refined by kzscam's grid fit) and the **true modules** are zxing-cpp's
own reading of the clean photo (`Barcode.to_image`). A module is *damaged* when the damage moved
its grey level by more than a quarter of the code's contrast (the clean and the damaged photo
compared, so nothing is estimated from the photo studied). A development tool: nothing in
kzscam depends on it.

Columns: wrong_calls / unseen (kzscam's module calls on the true grid against the truth: wrong
and seen, or left unseen), wrong_local_mean and wrong_global (the same modules called against
the mean of the 5 x 5 around, or one threshold for the symbol), worst_block_damaged /
worst_block_wrong (codewords holding a damaged / a wrongly called module in the worst block,
against its check codewords), fits_errors (every block within what errors-and-erasures
decoding of the calls can fix), damaged_as_erasures_fit (every block decodes at the 1e-9 risk
bound were exactly the damaged codewords erased), finders (triples t / lone finders l of the
contour search), located (zxing-cpp's located-but-unread symbols), grids and kept (the
erasure stage's grids, and those whose format information reads), cut_finder_grids (grids from
finders only the line scans find), grids_read and true_grid_read (the erasure stage reads the
code from the grids found / from the true grid).

Usage: python scripts/qr_damage_study.py [--shared ../shared] [--category damaged]
       [--only NAME,...] [--misses FILE]   (FILE: an eval_qr_photos.py --save, to study misses only)
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from eval_qr_photos import Photo, _seed, degrade, photos

from kzscam.qr import erasure, symbol
from kzscam.qr.decoders import read_zxing
from kzscam.qr.grids import _cut_finder_grids, _grids
from kzscam.qr.regional import _regions


def truth(p: Photo) -> tuple[int, str, Any] | None:
    """Version, level and the module matrix (True = dark) zxing-cpp reads on the clean photo."""
    import numpy as np
    import zxingcpp

    for r in zxingcpp.read_barcodes(p.image, formats=(zxingcpp.BarcodeFormat.QRCode,)):
        if r.text != p.expected:
            continue
        text = str((r.extra or {}).get("Version", ""))
        if not text.isdigit():
            return None
        version = int(text)
        n = symbol.size(version)
        img = np.asarray(r.to_image()) < 128
        q = (img.shape[0] - n) // 2
        return version, str(r.ec_level), img[q:q + n, q:q + n]
    return None


def study_one(p: Photo, category: str) -> dict[str, Any] | None:
    import numpy as np

    got = truth(p)
    if got is None or p.corners is None:
        return None
    version, level, true_dark = got
    rng = random.Random(_seed(category, p.name))
    img = degrade(p, category, rng, None)
    clean = np.asarray(p.image, dtype=np.float32)
    picture = np.asarray(img, dtype=np.float32)
    grid = erasure.grid_from_corners(tuple(p.corners), version)  # type: ignore[arg-type]
    grid = erasure.refine(clean, grid, version, math.inf)
    n = symbol.size(version)
    cm, _ = erasure.sample(clean, grid, version)
    dm, dd = erasure.sample(picture, grid, version)
    contrast = float(np.percentile(cm, 90) - np.percentile(cm, 10))
    damaged = np.abs(dm - cm) > 0.25 * contrast
    dark, reliability = erasure.modules(dm, dd)
    cdark, _ = erasure.modules(cm, *erasure.sample(clean, grid, version)[1:])
    data = symbol.data_cells(version)
    wrong = dark != true_dark
    unseen = reliability <= 0
    cells = symbol.codeword_cells(version)
    cw_damaged = [any(damaged[r, c] for r, c in cw) for cw in cells]
    cw_wrong = [any(wrong[r, c] and not unseen[r, c] for r, c in cw) for cw in cells]
    cw_unseen = [any(unseen[r, c] for r, c in cw) for cw in cells]
    worst = (0.0, "")
    fits_err = fits_era = True
    for (total, d), idx in zip(symbol.blocks(version, level), symbol.interleave(version, level),
                               strict=True):
        ec = total - d
        k_dmg = sum(cw_damaged[i] for i in idx)
        k_err = sum(cw_wrong[i] and not cw_unseen[i] for i in idx)
        k_era = sum(cw_unseen[i] for i in idx)
        ratio = k_dmg / ec
        if ratio > worst[0]:
            worst = (ratio, f"{k_dmg}/{ec}")
        fits_err &= 2 * k_err + k_era <= ec
        lim = symbol.max_errors(total, ec, k_dmg, 1e-9)
        fits_era &= lim is not None
    # Other ways to call the modules on the same grid: a local mean threshold over the 5 x 5
    # modules around (the module itself left out), and one global threshold for the symbol.
    import cv2

    box = cv2.blur(dm, (5, 5), borderType=cv2.BORDER_REFLECT)
    local_mean = (25 * box - dm) / 24
    data_mask = np.zeros((n, n), dtype=bool)
    for r, c in data:
        data_mask[r, c] = True
    wrong_local = int(np.sum(((dm < local_mean) != true_dark) & data_mask))
    wrong_global = int(np.sum(((dm < (np.percentile(dm, 10) + np.percentile(dm, 90)) / 2)
                               != true_dark) & data_mask))
    cw_any_wrong = [any(wrong[r, c] for r, c in cw) for cw in cells]
    oracle = (0.0, "")
    for (total, d), idx in zip(symbol.blocks(version, level), symbol.interleave(version, level),
                               strict=True):
        k = sum(cw_any_wrong[i] for i in idx)
        if k / (total - d) >= oracle[0]:
            oracle = (k / (total - d), f"{k}/{total - d}")
    regions = _regions(img, [])
    triples = sum(r.finders is not None for r in regions)
    lone = sum(r.lone is not None for r in regions)
    _, cands = read_zxing(img)
    grids = _grids(regions, cands)
    cut = _cut_finder_grids(img, regions, len(grids))
    kept = 0
    read = False
    for g, v, lost, _ in grids:
        fitted = erasure.fit(picture, g, v, math.inf, lost)
        if fitted is None:
            continue
        kept += 1
        if not read and erasure.read_fitted(picture, fitted, v, 0, math.inf) is not None:
            read = True
    true_read = erasure.read(picture, grid, version, 0, math.inf) is not None
    return {
        "photo": p.name, "v": version, "level": level, "px/module": round(
            math.dist(p.corners[0], p.corners[1]) / n, 1),
        "clean_wrong": int(np.sum((cdark != true_dark)[tuple(zip(*data, strict=True))])),
        "damaged_modules": int(sum(damaged[r, c] for r, c in data)),
        "wrong_calls": int(sum(wrong[r, c] and not unseen[r, c] for r, c in data)),
        "unseen": int(sum(unseen[r, c] for r, c in data)),
        "wrong_local_mean": wrong_local, "wrong_global": wrong_global,
        "worst_block_damaged": worst[1], "worst_block_wrong": oracle[1],
        "fits_errors": fits_err, "damaged_as_erasures_fit": fits_era,
        "finders": f"{triples}t/{lone}l", "located": len(cands), "grids": len(grids),
        "cut_finder_grids": len(cut),
        "kept": kept, "grids_read": read, "true_grid_read": true_read,
    }


def study_table(a: argparse.Namespace, category: str,
                study: Callable[[Photo], dict[str, Any] | None]) -> tuple[list[dict[str, Any]], list[str]]:
    """The photos a study looks at (--only, --misses, --per-category of the development photos),
    each studied and printed as one Markdown table row, and the names of those skipped; shared with
    qr_perspective_study.py."""
    root = a.shared / "corpus" / "qr"
    labelled = [p for p in photos(root) if p.expected is not None]
    chosen = sorted(labelled, key=lambda p: _seed("pick", category, p.name))[:a.per_category]
    if a.only:
        chosen = [p for p in chosen if p.name in a.only.split(",")]
    if a.misses:
        saved = json.loads(a.misses.read_text())
        chosen = [p for p in chosen if not saved.get(f"qr:{category}:{p.name}")]
    rows = [study(p) for p in chosen]
    table = [r for r in rows if r is not None]
    skipped = [p.name for p, r in zip(chosen, rows, strict=True) if r is None]
    if not table:
        print("nothing to study")
        return table, skipped
    keys = list(table[0])
    print("| " + " | ".join(keys) + " |")
    print("|" + "---|" * len(keys))
    for r in table:
        print("| " + " | ".join(str(r[k]) for k in keys) + " |")
    return table, skipped


def study_parser(doc: str) -> argparse.ArgumentParser:
    """The options every photo study shares: where the photos are, which ones, how many."""
    ap = argparse.ArgumentParser(description=doc.split("\n")[0])
    ap.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared")
    ap.add_argument("--only", help="comma-separated photo names")
    ap.add_argument("--misses", type=Path, help="an eval_qr_photos.py --save: misses only")
    ap.add_argument("--per-category", type=int, default=40)
    return ap


def main() -> int:
    ap = study_parser(__doc__ or "")
    ap.add_argument("--category", default="damaged")
    a = ap.parse_args()
    table, skipped = study_table(a, a.category, lambda p: study_one(p, a.category))
    if not table:
        return 0
    totals: Counter[str] = Counter()
    for r in table:
        totals["photos"] += 1
        for k in ("fits_errors", "damaged_as_erasures_fit", "grids_read", "true_grid_read"):
            totals[k] += bool(r[k])
        totals["has grid"] += r["grids"] > 0
        totals["grid kept by format check"] += r["kept"] > 0
        totals["three finders"] += r["finders"][0] != "0"
        totals["zxing located"] += r["located"] > 0
    print()
    print("; ".join(f"{k}: {v}" for k, v in totals.items()))
    print(f"skipped (no clean zxing read with a version): {len(skipped)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
