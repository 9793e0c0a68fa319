"""Strongly tilted codes on ordinary-resolution photos: the erasure stage's bent grid (a
second-order warp in module coordinates on top of the homography, erasure.module_points), and
the synthetic tilt's own geometry (qrsynth.quad_forward) that scripts/qr_perspective_study.py
takes its truth from. Each rescue is on a real photo of ../shared/corpus/qr tilted the way
`scripts/eval_qr_photos.py` tilts it (same seeds) that zxing-cpp alone cannot read and that the
homography grid alone does not read, and each comes with cases that must not be misread.
"""

from __future__ import annotations

import hashlib
import math
import random

import pytest
from test_qr_hard import assert_never_misread, damaged, photo, read_by_zxing_alone, run

from kzscam.qr import erasure, local, symbol
from kzscam.qr.decoders import read_zxing
from kzscam.qr.grids import _grids
from kzscam.qr.regional import _regions
from qrsynth import perspective_quad, quad_forward

pytestmark = pytest.mark.corpus

# Tilted photos the bent grid reads and nothing before it did (tune split of the hard photos).
RESCUED = ["java-qrcode-5/13.png", "qrcode-2/19.webp", "qrcode-4/17.webp"]


def _seed(kind: str, name: str) -> int:
    """The evaluation's seed of one damaged photo (test_qr_hard.damaged uses the same)."""
    return int.from_bytes(hashlib.blake2b(f"{kind}/{name}".encode(), digest_size=8).digest(),
                          "big")


@pytest.mark.parametrize("name", RESCUED)
def test_bent_grid_reads_a_strongly_tilted_code(name: str) -> None:
    img, expected = damaged(name, "perspective")
    assert expected not in read_by_zxing_alone(img)
    result = run(img)
    assert [s.text for s in result.symbols] == [expected]
    assert result.symbols[0].method in {"erasure-bent", "erasure-local-bent"}
    assert "bent" in result.passes and "elastic" not in result.passes
    # The reported corners are the code's: each within two modules of where the tilt moved
    # the clean photo's corner (zxing-cpp's corners there, carried through the known tilt).
    import numpy as np

    clean, _ = photo(name)
    hit = next(s for s in read_zxing(clean)[0] if s.text == expected)
    pitch = math.dist(hit.corners[0], hit.corners[1]) / symbol.size(int(hit.version))
    quad = perspective_quad(*clean.size, random.Random(_seed("perspective", name)))
    truth = quad_forward(quad, clean.size, np.array(hit.corners))
    got = np.array(result.symbols[0].corners)
    assert np.max(np.linalg.norm(got - truth, axis=1)) < 2 * pitch


def test_the_homography_alone_does_not_read_the_rescued_code() -> None:
    # What the bent grid adds: on the same grids, read without bending, nothing comes out.
    import numpy as np

    img, _ = damaged("java-qrcode-5/13.png", "perspective")
    picture = local.as_array(img).astype(np.float32)
    kept = []
    for grid, version, lost, _ in _grids(_regions(img, []), []):
        fitted = erasure.fit(picture, grid, version, math.inf, lost)
        if fitted is not None:
            kept.append((fitted, version))
    assert kept
    assert all(erasure.read_fitted(picture, g, v, 0, math.inf, bent=False) is None
               for g, v in kept)
    assert any(erasure.read_fitted(picture, g, v, 0, math.inf, bent=True) is not None
               for g, v in kept)


def test_a_bent_grid_at_the_wrong_version_reads_nothing() -> None:
    # The rescued code's grid sampled at the versions either side: the bend search has more
    # freedom than a homography, and must still give up rather than guess.
    import numpy as np

    img, _ = damaged("qrcode-4/17.webp", "perspective")
    picture = local.as_array(img).astype(np.float32)
    for grid, version, lost, _ in _grids(_regions(img, []), []):
        fitted = erasure.fit(picture, grid, version, math.inf, lost)
        if fitted is None or erasure.read_fitted(picture, fitted, version, 0, math.inf) is None:
            continue
        corners = erasure.corners_of(fitted, version)
        for wrong in (version - 1, version + 1):
            other = erasure.grid_from_corners(corners, wrong)
            assert erasure.read_fitted(picture, other, wrong, 0, math.inf) is None
        return
    pytest.fail("no grid of the rescued photo reads")


@pytest.mark.parametrize("name", RESCUED)
def test_the_rescued_photos_never_misread_under_other_damage(name: str) -> None:
    assert_never_misread(name, ("bright-spots", "blurred", "damaged", "glare"))


def test_no_bend_is_the_homography_and_a_bend_keeps_the_anchors() -> None:
    import cv2
    import numpy as np

    version = 4
    n = symbol.size(version)
    grid = erasure.grid_from_corners(((10.0, 12.0), (160.0, 20.0), (150.0, 170.0), (5.0, 150.0)),
                                     version)
    base = np.arange(n, dtype=np.float32) + 0.5
    uu, vv = np.meshgrid(base, base)
    plain = cv2.perspectiveTransform(np.stack([uu, vv], -1).reshape(1, -1, 2), grid)[0]
    assert np.allclose(erasure.module_points(grid, version), plain.reshape(n, n, 2), atol=1e-3)
    anchors = np.array([[3.5, 3.5], [n - 3.5, 3.5], [3.5, n - 3.5], [n - 3.5, n - 3.5]],
                       dtype=np.float32)
    bend = (1.0, -0.5, 0.25, 0.5, -1.5, 0.0)
    points = cv2.perspectiveTransform(anchors[None], grid)[0]
    bent = cv2.getPerspectiveTransform(erasure.bent_anchors(anchors, n, bend), points)
    moved = erasure.module_points(bent, version, bend)
    for (u, v), p in zip(anchors, points, strict=True):
        assert np.allclose(moved[int(v), int(u)], p, atol=1e-2)
    # ... and moves the modules in between (by up to a module and a half here).
    assert np.max(np.linalg.norm(moved - plain.reshape(n, n, 2), axis=-1)) > 3.0


def test_quad_forward_follows_pillows_quad_transform() -> None:
    # The study's truth: a dot in the clean picture lands where quad_forward says.
    import numpy as np
    from PIL import Image

    w, h = 240, 200
    rng = random.Random(3)
    for _ in range(4):
        quad = perspective_quad(w, h, rng)
        x, y = rng.uniform(40, 200), rng.uniform(40, 160)
        yy, xx = np.mgrid[0:h, 0:w]
        dot = np.exp(-((xx - x) ** 2 + (yy - y) ** 2) / (2 * 0.8 ** 2)) * 255
        src = Image.fromarray(dot.astype(np.uint8), "L")
        out = np.asarray(src.transform((w, h), Image.Transform.QUAD,
                                       tuple(v for p in quad for v in p),
                                       Image.Resampling.BILINEAR, fillcolor=0), dtype=float)
        peak = np.unravel_index(np.argmax(out), out.shape)
        fx, fy = quad_forward(quad, (w, h), np.array([x, y]))
        assert math.dist((fx, fy), (peak[1], peak[0])) <= 1.0


def test_a_tilted_version_1_code_is_fitted_before_the_erasure_stage() -> None:
    # The retry ladder's order by yield (docs/scan-qr.md): a version 1 symbol zxing-cpp located
    # is fitted elastically before the erasure stage, whose search on this photo took 1-3.5 s
    # and read nothing, so the code no longer depends on the load of the machine.
    img, expected = damaged("qrcode-2/low-res-v1-a.webp", "perspective")
    assert expected not in read_by_zxing_alone(img)
    result = run(img)
    assert [s.text for s in result.symbols] == [expected]
    assert result.symbols[0].method == "elastic"
    assert result.passes[-1] == "elastic-v1"
    assert not {"erasure", "bent", "cylinder"} & set(result.passes)


def test_the_bent_pass_reads_one_grid_a_picture(monkeypatch: pytest.MonkeyPatch) -> None:
    # Every bent read of the tune split came from the first grid the erasure stage kept; the
    # others cost 0.2-0.4 s each and read nothing. This tilted photo had four, none of them read.
    calls: list[int] = []
    read_bent = erasure.read_bent

    def counted(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return read_bent(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(erasure, "read_bent", counted)
    img, _ = damaged("qrcode-2/29.webp", "perspective")
    result = run(img)
    assert "bent" in result.passes and len(calls) == 1
