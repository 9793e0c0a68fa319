"""Damaged codes on ordinary-resolution photos: finder patterns cut by a scratch found by line
scans, the second reading of a grid against the local mean, and a zbar read zxing-cpp cannot
confirm no longer ending the retries. Each on a real photo of ../shared/corpus/qr scratched the
way `scripts/eval_qr_photos.py` scratches it (same seeds), that zxing-cpp alone cannot read, and
each with a case it must not misread.
"""

from __future__ import annotations

import math

import pytest
from test_qr_hard import assert_never_misread, blank_and_noise, damaged, photo, read_by_zxing_alone, run

from kzscam.qr import erasure, local
from kzscam.qr.decoders import read_zbar, read_zxing, zbar_status
from kzscam.qr.grids import _cut_finder_grids, _grids
from kzscam.qr.regional import _regions

pytestmark = pytest.mark.corpus


def _finder_centres(name: str) -> list[tuple[float, float]]:
    """The three finder centres of the clean photo's code, from zxing-cpp's corners (a finder's
    centre lies 3.5 modules in from the symbol's corner along both edges)."""
    img, expected = photo(name)
    hit = next(s for s in read_zxing(img)[0] if s.text == expected)
    n = 17 + 4 * int(hit.version)
    tl, tr, _, bl = hit.corners

    def at(u: float, v: float) -> tuple[float, float]:
        return (tl[0] + (tr[0] - tl[0]) * u / n + (bl[0] - tl[0]) * v / n,
                tl[1] + (tr[1] - tl[1]) * u / n + (bl[1] - tl[1]) * v / n)

    return [at(3.5, 3.5), at(n - 3.5, 3.5), at(3.5, n - 3.5)]


def test_line_scans_find_the_finders_a_scratch_cut() -> None:
    # Two scratches cross the top finders: their nested contours break, the contour search keeps
    # only the bottom-left finder, zxing-cpp locates nothing.
    img, expected = damaged("java-qrcode-3/12.png", "damaged")
    assert expected not in read_by_zxing_alone(img)
    assert read_zxing(img)[1] == []
    arr = local.as_array(img)
    truth = _finder_centres("java-qrcode-3/12.png")
    module = math.dist(truth[0], truth[1]) / (17 + 4 * 3 - 7)

    def found(finders: list[local.Finder]) -> int:
        return sum(any(math.dist(t, (f.x, f.y)) < 1.5 * module for f in finders) for t in truth)

    assert found(local.find_finders(arr)) == 1
    assert found(local.scan_finders(arr)) == 3
    regions = _regions(img, [])
    assert _grids(regions, []) == []  # a lone finder: nothing for the erasure stage before
    assert _cut_finder_grids(img, regions, 0)
    result = run(img)
    assert [s.text for s in result.symbols] == [expected]
    assert result.symbols[0].method == "erasure"


def test_line_scans_find_nothing_in_blank_or_noise() -> None:
    for img in blank_and_noise():
        assert local.scan_finders(local.as_array(img)) == []


def test_local_mean_reading_rescues_a_scratched_version_10_code() -> None:
    img, expected = damaged("java-qrcode-1/18.png", "damaged")
    assert expected not in read_by_zxing_alone(img)
    result = run(img)
    assert [s.text for s in result.symbols] == [expected]
    assert result.symbols[0].method == "erasure-local"


def test_a_grid_at_the_wrong_version_reads_nothing() -> None:
    # The grid that reads java-qrcode-1/18 (version 10), sampled at versions 9 and 11: the
    # modules land on the wrong cells; both readings must give up rather than guess.
    import numpy as np

    img, _ = damaged("java-qrcode-1/18.png", "damaged")
    picture = local.as_array(img).astype(np.float32)
    grids = _grids(_regions(img, []), [])
    hits = [(g, v, lost) for g, v, lost, _ in grids
            if erasure.read(picture, g, v, 0, math.inf, lost) is not None]
    assert [v for _, v, _ in hits][:1] == [10]
    grid, _, lost = hits[0]
    fitted = erasure.fit(picture, grid, 10, math.inf, lost)
    assert fitted is not None
    corners = erasure.corners_of(fitted, 10)
    for version in (9, 11):
        wrong = erasure.grid_from_corners(corners, version)
        assert erasure.read_fitted(picture, wrong, version, 0, math.inf) is None


def test_an_unconfirmed_zbar_read_does_not_end_the_retries() -> None:
    # Shift-JIS text under two light scratches: zbar reads the bytes but zxing-cpp cannot be
    # handed the code straightened from zbar's corners; the retries go on, the erasure stage
    # (grids from the finders the scratches cut) reads it, and zxing-cpp's text replaces the
    # bytes.
    img, expected = damaged("java-qrcode-2/19.png", "damaged")
    assert expected not in read_by_zxing_alone(img)
    if zbar_status()[0]:
        zb = read_zbar(img)
        assert zb and all(s.text is None for s in zb)
    result = run(img)
    assert [(s.text, s.decoder) for s in result.symbols] == [(expected, "zxing-cpp")]


@pytest.mark.parametrize("name", ["java-qrcode-3/12.png", "java-qrcode-1/18.png",
                                  "java-qrcode-2/19.png"])
def test_the_rescued_photos_never_misread_under_other_damage(name: str) -> None:
    assert_never_misread(name, ("bright-spots", "perspective", "blurred", "damaged"))
