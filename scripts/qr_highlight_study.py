"""Why do the highlight pictures of the high-resolution hard set fail? Per picture of the tune
part (scripts/eval_qr_hires.py, category `highlights` or any other): how much of the code lies
under saturated pixels, how many codewords that touches per Reed-Solomon block against the
block's capacity (errors: half its check codewords; erasures: all of them), whether kzscam's
finder search finds the three finders and zxing-cpp locates the symbol, and whether the
codewords sampled on the true grid of the picture decode once the saturated ones are erased.

The true grid and the highlights' strength come from the generator: the highlights are added
to a picture already made (the same camera, the same seed), and both are kept, so the saturated
modules are not estimated from the picture being studied. "True grid" is the code's corners as
placed by the generator (zxing-cpp's corners on the clean source photo), refined by kzscam's grid
fit; "grids found" are those kzscam builds from the picture alone (the erasure stage's input). A
development tool: nothing in kzscam depends on it.

Usage: python scripts/qr_highlight_study.py [--mirrors DIR] [--category highlights] [--part tune]
"""

from __future__ import annotations

import math
import random
import sys
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from eval_qr_hires import _seed, part_of, sources
from qr_table import photo_eval_parser

import qrsynth
from kzscam.qr import erasure, symbol
from kzscam.qr.decoders import read_zxing
from kzscam.qr.grids import _grids
from kzscam.qr.regional import _regions

SATURATED = 0.98  # highlight strength (share of the way to white) that leaves no contrast


def _grid(quad: list[tuple[float, float]], n: int) -> Any:
    """Picture coordinates of every module centre (n x n x 2)."""
    import cv2
    import numpy as np

    src = np.array([[0, 0], [n, 0], [n, n], [0, n]], dtype=np.float32)
    h = cv2.getPerspectiveTransform(src, np.array(quad, dtype=np.float32))
    cc, rr = np.meshgrid(np.arange(n) + 0.5, np.arange(n) + 0.5)
    pts = np.stack([cc, rr], axis=-1).reshape(-1, 1, 2).astype(np.float32)
    return cv2.perspectiveTransform(pts, h).reshape(n, n, 2)


def _sample(img: Any, grid: Any) -> Any:
    import cv2
    import numpy as np

    return cv2.remap(np.asarray(img, dtype=np.float32), grid[..., 0].astype(np.float32),
                     grid[..., 1].astype(np.float32), cv2.INTER_LINEAR)


def study(category: str, part: str, mirrors: Path) -> list[str]:
    import numpy as np
    import zxingcpp

    found, _ = sources(mirrors)
    chosen = [s for s in found if part_of(s.key) == part]
    picked = sorted(chosen, key=lambda s: _seed("pick", category, s.key))[:25]
    captured: dict[str, Any] = {}
    original = qrsynth._highlights

    def spy(img: Any, code: list[tuple[float, float]], rng: random.Random) -> Any:
        captured["before"] = np.asarray(img, dtype=np.float32).copy()
        out = original(img, code, rng)
        captured["after"] = out
        return out

    rows = ["| photo | v-level | saturated modules | worst block: hit / check cw | blocks "
            "beyond errors / erasures | finders (triples) | zxing located | true grid: "
            "errors-only / with erasures | grids found: read |",
            "|---|---|---:|---:|---:|---|---|---|---|"]
    totals: Counter[str] = Counter()
    qrsynth._highlights = spy
    try:
        for s in picked:
            captured.clear()
            rng = random.Random(_seed("hires", category, s.key))
            img, quad = qrsynth.phone_shot(s.image, category, rng, s.quad, s.modules)
            if "before" not in captured:
                continue
            version = (s.modules - 17) // 4
            clean = zxingcpp.read_barcodes(s.image, formats=(zxingcpp.BarcodeFormat.QRCode,))
            level = next((str(r.ec_level) for r in clean if r.text == s.expected), "")
            if level not in symbol.LEVELS:
                continue
            n = s.modules
            grid = _grid(quad, n)
            before = _sample(captured["before"], grid)
            strength = np.clip((_sample(captured["after"], grid) - before)
                               / np.maximum(255 - before, 1), 0, 1)
            saturated = strength >= SATURATED
            data_cells = symbol.data_cells(version)
            sat_share = np.mean([saturated[r, c] for r, c in data_cells])
            cells = symbol.codeword_cells(version)
            hit = [any(saturated[r, c] for r, c in cw) for cw in cells]
            worst, beyond_err, beyond_era = (0, 1), 0, 0
            for (total, data), idx in zip(symbol.blocks(version, level),
                                          symbol.interleave(version, level), strict=True):
                k = sum(hit[i] for i in idx)
                ec = total - data
                worst = max(worst, (k, ec), key=lambda p: p[0] / p[1])
                beyond_err += 2 * k > ec
                beyond_era += k > ec
            finders = _regions(img, [])
            triples = sum(r.finders is not None for r in finders)
            _, cands = read_zxing(img)
            symbols, _ = read_zxing(img)
            picture = np.asarray(img, dtype=np.float32)
            ok_err, ok_era = _true_grid(picture, quad, version)
            grids = _grids(finders, cands)
            found_read = any(erasure.read(picture, g, v, 0, math.inf, lost) is not None
                             for g, v, lost, _ in grids)
            rows.append(f"| {s.key[-40:]} | {version}-{level} | {100 * sat_share:.1f}% | "
                        f"{worst[0]} / {worst[1]} | {beyond_err} / {beyond_era} of "
                        f"{len(symbol.blocks(version, level))} | {len(finders)} ({triples}) | "
                        f"{'read' if symbols else len(cands)} | "
                        f"{'yes' if ok_err else 'no'} / {'yes' if ok_era else 'no'} | "
                        f"{len(grids)}: {'yes' if found_read else 'no'} |")
            totals["pictures"] += 1
            totals["all blocks within error capacity"] += beyond_err == 0
            totals["all blocks within erasure capacity"] += beyond_era == 0
            totals["three finders grouped"] += triples > 0
            totals["zxing located"] += bool(cands) or bool(symbols)
            totals["true grid, errors only, decodes"] += ok_err
            totals["true grid, saturated erased, decodes"] += ok_era
            totals["grids found (finders, located), read with erasures"] += found_read
            totals[f"level {level}"] += 1
    finally:
        qrsynth._highlights = original
    rows.append("")
    rows += [f"- {k}: {v}" for k, v in totals.items()]
    return rows


def _true_grid(picture: Any, quad: list[tuple[float, float]], version: int) -> tuple[bool, bool]:
    """Whether kzscam's module sampling (kzscam.qr.erasure) on the true grid decodes: with
    errors corrected only (what zxing-cpp's decoder could do with the same modules), and with
    the unseen modules erased."""
    grid = erasure.grid_from_corners(tuple(quad), version)  # type: ignore[arg-type]
    grid = erasure.refine(picture, grid, version, math.inf)
    dark, reliability = erasure.modules(*erasure.sample(picture, grid, version))
    formats = erasure._formats(dark, reliability, version)
    ok_err = False
    if formats:
        _, lvl, mask = formats[0]
        values = [sum(int(bool(dark[r, c]) != symbol.mask_bit(mask, r, c)) << (7 - i)
                      for i, (r, c) in enumerate(cells))
                  for cells in symbol.codeword_cells(version)]
        ok_err = all(symbol.correct([values[i] for i in idx], total - data, [],
                                    (total - data) // 2) is not None
                     for (total, data), idx in zip(symbol.blocks(version, lvl),
                                                   symbol.interleave(version, lvl), strict=True))
    ok_era = erasure.read(picture, grid, version, 0, math.inf) is not None
    return ok_err, ok_era


def main() -> int:
    ap = photo_eval_parser(__doc__, Path(__file__).resolve().parents[1])
    ap.add_argument("--category", default="highlights")
    a = ap.parse_args()
    if a.part == "test":
        print("qr_highlight_study: the test part is not studied", file=sys.stderr)
        return 2
    print("\n".join(study(a.category, "tune", a.mirrors)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
