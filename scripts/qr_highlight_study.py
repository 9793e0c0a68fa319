"""Why do the highlight pictures of the high-resolution hard set fail? Per picture of the tune
part (scripts/eval_qr_hires.py, category `highlights` or any other): how much of the code lies
under saturated pixels, how many codewords that touches per Reed-Solomon block against the
block's capacity (errors: half its check codewords; erasures: all of them), whether kzscam's
finder search finds the three finders and zxing-cpp locates the symbol, and whether the
codewords sampled on the true grid of the picture decode once the saturated ones are erased.

The true grid and the true modules come from the generator: the picture is made twice, with and
without the highlights (the same camera, the same seed), so nothing here is estimated from the
picture being studied. A development tool: nothing in kzscam depends on it.

Usage: python scripts/qr_highlight_study.py [--mirrors DIR] [--category highlights] [--part tune]
"""

from __future__ import annotations

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
from kzscam.qr import symbol
from kzscam.qr.decoders import read_zxing
from kzscam.qr.pipeline import _regions

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
            "errors-only / with erasures |", "|---|---|---:|---:|---:|---|---|---|"]
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
            truth = before < (before.max() + before.min()) / 2
            fixed = symbol.function_modules(version)
            totals["function modules agreeing with the true grid (of all)"] += sum(
                bool(truth[r, c]) == d for (r, c), d in fixed.items())
            totals["function modules (all)"] += len(fixed)
            saturated = strength >= SATURATED
            seen = _sample(np.asarray(img, dtype=np.float32), grid)
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
            # Codewords read on the true grid: each module against the local mid-level.
            ok_err, ok_era = _true_grid(seen, truth, saturated, version, level)
            rows.append(f"| {s.key[-40:]} | {version}-{level} | {100 * sat_share:.1f}% | "
                        f"{worst[0]} / {worst[1]} | {beyond_err} / {beyond_era} of "
                        f"{len(symbol.blocks(version, level))} | {len(finders)} ({triples}) | "
                        f"{'read' if symbols else len(cands)} | "
                        f"{'yes' if ok_err else 'no'} / {'yes' if ok_era else 'no'} |")
            totals["pictures"] += 1
            totals["all blocks within error capacity"] += beyond_err == 0
            totals["all blocks within erasure capacity"] += beyond_era == 0
            totals["three finders grouped"] += triples > 0
            totals["zxing located"] += bool(cands) or bool(symbols)
            totals["true grid, errors only, decodes"] += ok_err
            totals["true grid, saturated erased, decodes"] += ok_era
            totals[f"level {level}"] += 1
    finally:
        qrsynth._highlights = original
    rows.append("")
    rows += [f"- {k}: {v}" for k, v in totals.items()]
    return rows


def _true_grid(seen: Any, truth: Any, saturated: Any, version: int,
               level: str) -> tuple[bool, bool]:
    """Whether the codewords sampled at the true module centres decode: errors only, and with the
    saturated codewords erased (the data mask is read from the true modules)."""
    import cv2
    import numpy as np

    n = symbol.size(version)
    # The local mid-level over 5 x 5 modules, saturated modules left out.
    weight = (~saturated).astype(np.float32)
    total = cv2.blur(seen * weight, (5, 5), borderType=cv2.BORDER_REFLECT)
    count = cv2.blur(weight, (5, 5), borderType=cv2.BORDER_REFLECT)
    local = total / np.maximum(count, 1e-3)
    bits = seen < local
    errors = int(np.sum((bits != truth) & ~saturated))
    print(f"  sampling errors outside saturated modules: {errors} of {int(np.sum(~saturated))}",
          file=sys.stderr)
    word = _format_of(truth, version)
    mask = min(range(8), key=lambda m: bin(word ^ symbol.format_word(level, m)).count("1"))
    values, erased = [], []
    for i, cells in enumerate(symbol.codeword_cells(version)):
        v = 0
        for r, c in cells:
            v = v << 1 | int(bool(bits[r, c]) != symbol.mask_bit(mask, r, c))
        values.append(v)
        if any(saturated[r, c] for r, c in cells):
            erased.append(i)
    ok_err = ok_era = True
    for (total, data), idx in zip(symbol.blocks(version, level),
                                  symbol.interleave(version, level), strict=True):
        ec = total - data
        word = [values[i] for i in idx]
        er = [k for k, i in enumerate(idx) if i in set(erased)]
        ok_err &= symbol.correct(word, ec, [], ec // 2) is not None
        limit = symbol.max_errors(total, ec, len(er), 1e-7)
        ok_era &= limit is not None and symbol.correct(word, ec, er, limit) is not None
    del n, np
    return ok_err, ok_era


def _format_of(truth: Any, version: int) -> int:
    return sum(int(bool(truth[r, c])) << (14 - i)
               for i, (r, c) in enumerate(symbol.format_cells(version)[0]))


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
