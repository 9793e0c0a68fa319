"""The bilinear pass (kzscam.qr.quadwarp): a strongly tilted code read with a bilinear
picture-to-module map, at the version its version information says. Each rescue is a real
photo of ../shared/corpus/qr tilted the way `scripts/eval_qr_photos.py` tilts it (same seeds)
that zxing-cpp alone cannot read and that neither the homography nor the bent grid reads; each
comes with cases that must not be misread.
"""

from __future__ import annotations

import math

import pytest
from test_qr_hard import assert_never_misread, damaged, read_by_zxing_alone, run

from kzscam.qr import erasure, local, quadwarp, symbol
from kzscam.qr.grids import _grids
from kzscam.qr.regional import _regions

pytestmark = pytest.mark.corpus

# Tilted photos (tune split of the hard photos) the bilinear pass reads and nothing before it.
RESCUED = ["qrcode-1/20.webp", "qrcode-2/1.png", "qrcode-2/14.png", "qrcode-2/17.webp"]


def _kept(name: str) -> tuple[object, list[tuple[object, int]]]:
    """The tilted photo's picture and the grids of its finder triples the erasure stage keeps."""
    import numpy as np

    img, _ = damaged(name, "perspective")
    picture = local.as_array(img).astype(np.float32)
    kept = []
    for grid, version, lost, _ in _grids(_regions(img, []), []):
        fitted = erasure.fit(picture, grid, version, math.inf, lost)
        if fitted is not None and lost is None:
            kept.append((fitted, version))
    return picture, kept


@pytest.mark.parametrize("name", RESCUED)
def test_the_bilinear_pass_reads_a_strongly_tilted_code(name: str) -> None:
    img, expected = damaged(name, "perspective")
    assert expected not in read_by_zxing_alone(img)
    result = run(img)
    assert [s.text for s in result.symbols] == [expected]
    assert result.symbols[0].method in {"erasure-quad", "erasure-local-quad"}
    assert result.passes[-1] == "quad" and "bent" in result.passes


def test_neither_the_homography_nor_the_bent_grid_reads_what_the_bilinear_map_does() -> None:
    picture, kept = _kept("qrcode-2/17.webp")
    assert kept
    assert all(erasure.read_fitted(picture, g, v, 0, math.inf) is None for g, v in kept)
    assert any(quadwarp.read(picture, erasure.refine(picture, g, v, math.inf), v, 0, math.inf)
               is not None for g, v in kept)


def test_white_paper_is_not_a_highlight(monkeypatch: pytest.MonkeyPatch) -> None:
    # qrcode-2/14 is a clean render: its light modules are pure white. Read as unseen (a
    # highlight's), 46% of the symbol is erased and nothing reads; read as paper, it reads.
    picture, kept = _kept("qrcode-2/14.png")
    grid, version = next((g, v) for g, v in kept if v == 5)
    grid = erasure.refine(picture, grid, version, math.inf)
    monkeypatch.setattr(quadwarp, "_PAPER_SHARE", 1.0)
    assert quadwarp.read(picture, grid, version, 0, math.inf) is None
    monkeypatch.undo()
    assert quadwarp.read(picture, grid, version, 0, math.inf) is not None


def test_the_version_information_corrects_the_finder_spacings_guess() -> None:
    # qrcode-1/20 is a version 10 symbol; its finder triple's grids at 9, 10 and 11 all say 10.
    picture, kept = _kept("qrcode-1/20.webp")
    assert sorted(v for _, v in kept) == [9, 10, 11]
    assert {quadwarp.printed_version(picture, g, v) for g, v in kept} == {10}
    # qrcode-2/1 is a version 19 symbol the finder spacing puts at 21 (and 20, 22): its two
    # copies are 5 bits off each at 2.7 pixels a module, every other version 17 or more.
    picture, kept = _kept("qrcode-2/1.png")
    assert sorted(v for _, v in kept) == [20, 21, 22]
    assert {quadwarp.printed_version(picture, g, v) for g, v in kept} == {19}
    # Below version 7 there is no version information: the grid's own version stands.
    picture, kept = _kept("qrcode-2/17.webp")
    assert all(quadwarp.printed_version(picture, g, v) == v for g, v in kept if v < 7)


def test_a_bilinear_grid_at_the_wrong_version_reads_nothing() -> None:
    # The rescued code's grid forced to the versions either side: the search must give up.
    picture, kept = _kept("qrcode-2/17.webp")
    grid, version = next((g, v) for g, v in kept if v == 6)
    for wrong in (version - 1, version + 1):
        other = erasure.refine(picture, quadwarp.regrid(grid, version, wrong), wrong, math.inf)
        assert quadwarp.read(picture, other, wrong, 0, math.inf) is None


@pytest.mark.parametrize("name", RESCUED)
def test_the_rescued_photos_never_misread_under_other_damage(name: str) -> None:
    assert_never_misread(name, ("bright-spots", "blurred", "damaged", "glare"))


def test_the_map_goes_through_its_anchors_and_inverts() -> None:
    import numpy as np

    version = 6
    n = symbol.size(version)
    points = np.array([[20.0, 30.0], [180.0, 25.0], [15.0, 170.0], [150.0, 140.0]])
    origin = np.array([10.0, 10.0])
    coef = quadwarp.coefficients(points, n, origin)
    assert coef is not None
    x, y = points[:, 0] - origin[0], points[:, 1] - origin[1]
    basis = np.stack([np.ones(4), x, y, x * y], -1)
    assert np.allclose((basis @ coef.T), quadwarp._anchors(n), atol=1e-9)
    # Every module centre found by inverting the map maps back onto its module coordinates,
    # started from a parallelogram's points several modules off at the far corner.
    grid = erasure.grid_from_corners(((0.0, 0.0), (200.0, 0.0), (200.0, 200.0), (0.0, 200.0)),
                                     version)
    start = erasure.module_points(grid, version).astype(np.float64)
    xy = quadwarp.module_points(coef, start, origin, n)
    u = coef[0] @ np.stack([np.ones(n * n), *(lambda a, b: (a, b, a * b))(
        xy[..., 0].ravel() - origin[0], xy[..., 1].ravel() - origin[1])])
    base = np.arange(n) + 0.5
    assert np.allclose(u.reshape(n, n), np.meshgrid(base, base)[0], atol=1e-3)
    # The four anchors' modules land on the anchors.
    for (mu, mv), p in zip(quadwarp._anchors(n), points, strict=True):
        assert np.allclose(xy[int(mv), int(mu)], p, atol=1e-3)
