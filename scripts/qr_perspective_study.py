"""Why do the perspective photos of the hard-photo set fail, and which could any reader read?
Per photo of the tune split (scripts/eval_qr_photos.py: the development photos, tilted by
`qrsynth.damage`), what kzscam's stages find and what a perfect rectification would read.

The tilt is known exactly: `qrsynth.perspective_quad` gives the quadrilateral Pillow mapped onto
the picture and `qrsynth.quad_forward` where any point of the clean photo lands. The **true
module centres** are the clean photo's grid (zxing-cpp's corners there, refined by kzscam's grid
fit) carried through that map, so nothing is estimated from the photo studied. The study uses it
to ask; kzscam never sees it.

Columns: v / level, px/module (the clean code), min_px and p10_px (pixels per module on the
tilted picture: the smallest and the 10th percentile over the modules of the shorter of the two
module steps, the far edge's), h_err (the largest distance in modules between a true centre and
the best homography through all of them: Pillow's QUAD is bilinear, so the rows bend),
finders (three-finder regions t / lone finders l of kzscam's search), true_finders (how many of
the three true finder centres a found finder lies within 1.5 modules of), located (zxing-cpp's
located-but-unread symbols), grids / kept (the erasure stage's grids, and those its format check
keeps), wrong / unseen (module calls at the true centres against zxing-cpp's reading of the clean
photo, data modules), worst (codewords with a wrong module in the worst block / its check
codewords), true_read (the erasure decoder, errors and erasures under the 1e-9 bound and
zxing-cpp's re-read, on modules sampled at the true centres: what a perfect rectification
buys), b_err (the largest distance in modules between a true centre's module coordinates and
those a bilinear map from the picture through the four anchors gives: kzscam.qr.quadwarp's
model), hom_read (the same on the best single homography through the true centres), true_cubic
(the true centres sampled with bicubic rather than bilinear interpolation).

Usage: python scripts/qr_perspective_study.py [--shared ../shared] [--misses FILE]
       (FILE: an eval_qr_photos.py --save, to study the photos kzscam missed only)
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

from eval_qr_photos import Photo, _seed, degrade
from qr_damage_study import study_parser, study_table, truth

from kzscam.qr import erasure, symbol
from kzscam.qr.decoders import read_zxing
from kzscam.qr.grids import _cut_finder_grids, _grids
from kzscam.qr.regional import _regions
from qrsynth import perspective_quad, quad_forward

CATEGORY = "perspective"


def _clean_grid(p: Photo, version: int) -> Any:
    """The homography of the clean photo's symbol, refined on the clean picture."""
    import numpy as np

    assert p.corners is not None
    clean = np.asarray(p.image, dtype=np.float32)
    grid = erasure.grid_from_corners(tuple(p.corners), version)  # type: ignore[arg-type]
    return erasure.refine(clean, grid, version, math.inf)


def _tilted(p: Photo, grid: Any, version: int, du: float, dv: float) -> Any:
    """Module centres moved by (du, dv) modules, through the clean grid and the known tilt."""
    import cv2
    import numpy as np

    n = symbol.size(version)
    base = np.arange(n, dtype=np.float32) + 0.5
    uu, vv = np.meshgrid(base + du, base + dv)
    src = cv2.perspectiveTransform(np.stack([uu, vv], -1).reshape(1, -1, 2), grid)[0]
    quad = perspective_quad(*p.image.size, random.Random(_seed(CATEGORY, p.name)))
    return quad_forward(quad, p.image.size, src).reshape(n, n, 2)


def true_centres(p: Photo, version: int) -> tuple[Any, Any]:
    """The clean grid (a homography of the clean photo) and the true centres on the tilted
    picture: an (n, n, 2) array, row-major, x then y."""
    grid = _clean_grid(p, version)
    return grid, _tilted(p, grid, version, 0.0, 0.0)


def points_at(p: Photo, version: int, du: float, dv: float) -> Any:
    """True picture points of every module's centre moved by (du, dv) modules."""
    return _tilted(p, _clean_grid(p, version), version, du, dv)


def sample_points(picture: Any, p: Photo, version: int, cubic: bool = False) -> tuple[Any, Any]:
    """Means and darkest-of-five samples as `erasure.sample` takes them, at the true points."""
    import cv2
    import numpy as np

    interp = cv2.INTER_CUBIC if cubic else cv2.INTER_LINEAR
    darkest = None
    means = None
    for du, dv in ((0.0, 0.0), (-0.25, 0.0), (0.25, 0.0), (0.0, -0.25), (0.0, 0.25)):
        xy = points_at(p, version, du, dv).astype(np.float32)
        got = cv2.remap(picture, xy[..., 0], xy[..., 1], interp, borderMode=cv2.BORDER_REPLICATE)
        darkest = got if darkest is None else np.minimum(darkest, got)
        if means is None:
            means = got
    return means, darkest


def decodes(means: Any, darkest: Any, version: int) -> bool:
    """Whether the erasure decoder reads these samples (both module readings), confirmed."""
    from kzscam.qr.elastic import render

    for calls, weights in (erasure.modules(means, darkest), erasure.local_calls(means, darkest)):
        for level, mask, codewords in erasure.decode_grid(calls, weights, version, math.inf):
            matrix = symbol.draw(version, level, mask, codewords)
            found, _ = read_zxing(render(matrix), pure=True, qr_only=True)
            if any(s.version == str(version) for s in found):
                return True
    return False


def study_one(p: Photo) -> dict[str, Any] | None:
    import cv2
    import numpy as np

    got = truth(p)
    if got is None or p.corners is None:
        return None
    version, level, true_dark = got
    n = symbol.size(version)
    img = degrade(p, CATEGORY, random.Random(_seed(CATEGORY, p.name)), None)
    picture = np.asarray(img, dtype=np.float32)
    _, centres = true_centres(p, version)
    step_u = np.linalg.norm(np.diff(centres, axis=1), axis=-1)
    step_v = np.linalg.norm(np.diff(centres, axis=0), axis=-1)
    shorter = np.minimum(step_u[:-1, :], step_v[:, :-1])
    # The best homography through all true centres, and how far the true centres are off it.
    base = np.arange(n, dtype=np.float32) + 0.5
    uu, vv = np.meshgrid(base, base)
    src = np.stack([uu, vv], -1).reshape(-1, 2).astype(np.float32)
    hom, _ = cv2.findHomography(src, centres.reshape(-1, 2).astype(np.float32), 0)
    fitted = cv2.perspectiveTransform(src[None], hom)[0].reshape(n, n, 2)
    pitch = np.median(np.concatenate([step_u.ravel(), step_v.ravel()]))
    h_err = float(np.max(np.linalg.norm(fitted - centres, axis=-1)) / pitch)

    # The same with a smooth second-order correction on top (a quadratic in the module
    # coordinates, least squares): how much of the bend a low-order model follows.
    s_, t_ = (uu.ravel() - n / 2) / (n / 2), (vv.ravel() - n / 2) / (n / 2)
    basis = np.stack([s_ * s_, s_ * t_, t_ * t_, s_, t_, np.ones_like(s_)], -1)
    resid = centres.reshape(-1, 2) - fitted.reshape(-1, 2)
    coef, *_ = np.linalg.lstsq(basis, resid, rcond=None)
    q_err = float(np.max(np.linalg.norm(resid - basis @ coef, axis=-1)) / pitch)

    # A bilinear map from the picture to the module coordinates (kzscam.qr.quadwarp), through
    # the four anchors (the finder centres and the fourth corner's finder place).
    x = centres[..., 0].ravel().astype(np.float64)
    y = centres[..., 1].ravel().astype(np.float64)
    x, y = x - x.mean(), y - y.mean()
    lin = np.stack([np.ones_like(x), x, y, x * y], -1)
    at = [r * n + c for r, c in ((3, 3), (3, n - 4), (n - 4, 3), (n - 4, n - 4))]
    uv = np.stack([uu.ravel(), vv.ravel()], -1)
    b_err = float(np.max(np.linalg.norm(lin @ np.linalg.solve(lin[at], uv[at]) - uv, axis=-1)))

    means, darkest = sample_points(picture, p, version)
    dark, reliability = erasure.modules(means, darkest)
    data = symbol.data_cells(version)
    wrong = dark != true_dark
    unseen = reliability <= 0
    cells = symbol.codeword_cells(version)
    cw_wrong = [any(wrong[r, c] for r, c in cw) for cw in cells]
    worst = (-1.0, "")
    for (total, d), idx in zip(symbol.blocks(version, level), symbol.interleave(version, level),
                               strict=True):
        k = sum(cw_wrong[i] for i in idx)
        if k / (total - d) > worst[0]:
            worst = (k / (total - d), f"{k}/{total - d}")
    true_read = decodes(means, darkest, version)
    true_cubic = decodes(*sample_points(picture, p, version, cubic=True), version)
    hom_read = decodes(*erasure.sample(picture, hom, version), version) if hom is not None \
        else False

    regions = _regions(img, [])
    triples = sum(r.finders is not None for r in regions)
    lone = sum(r.lone is not None for r in regions)
    finders = [f for r in regions for f in (r.finders or ()) + ((r.lone,) if r.lone else ())]
    true_f = [centres[3, 3], centres[3, n - 4], centres[n - 4, 3]]
    near = sum(any(math.dist((f.x, f.y), tuple(t)) < 1.5 * pitch for f in finders)
               for t in true_f)
    _, cands = read_zxing(img)
    grids = _grids(regions, cands)
    grids += _cut_finder_grids(img, regions, len(grids))
    kept = sum(erasure.fit(picture, g, v, math.inf, lost) is not None for g, v, lost, _ in grids)
    return {
        "photo": p.name, "v": f"{version}-{level}",
        "px/module": round(math.dist(p.corners[0], p.corners[1]) / n, 1),
        "min_px": round(float(shorter.min()), 2),
        "p10_px": round(float(np.percentile(shorter, 10)), 2),
        "h_err": round(h_err, 2), "q_err": round(q_err, 2), "b_err": round(b_err, 2),
        "finders": f"{triples}t/{lone}l", "true_finders": near, "located": len(cands),
        "grids": len(grids), "kept": kept,
        "wrong": int(sum(wrong[r, c] and not unseen[r, c] for r, c in data)),
        "unseen": int(sum(unseen[r, c] for r, c in data)),
        "worst": worst[1], "true_read": true_read, "hom_read": hom_read, "true_cubic": true_cubic,
    }


def main() -> int:
    ap = study_parser(__doc__ or "")
    a = ap.parse_args()
    table, skipped = study_table(a, CATEGORY, study_one)
    if not table:
        return 0
    totals: Counter[str] = Counter()
    for r in table:
        totals["photos"] += 1
        totals["min_px >= 2"] += r["min_px"] >= 2
        totals["min_px >= 1.5"] += r["min_px"] >= 1.5
        totals["p10_px >= 2"] += r["p10_px"] >= 2
        for k in ("true_read", "hom_read", "true_cubic"):
            totals[k] += bool(r[k])
        totals["three finders"] += r["finders"][0] != "0"
        totals["all three true finders found"] += r["true_finders"] == 3
        totals["zxing located"] += r["located"] > 0
        totals["a grid kept"] += r["kept"] > 0
    print()
    print("; ".join(f"{k}: {v}" for k, v in totals.items()))
    print(f"skipped (no clean zxing read with a version): {len(skipped)} "
          + ", ".join(skipped))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
