"""Defocused codes: the Wiener deconvolution of a region at the code's scale (kzscam.qr.deblur,
the `deblur` repair of the local stage). Each rescue is a real photo of ../shared/corpus/qr
blurred the way `scripts/eval_qr_photos.py` blurs it (same seeds) that zxing-cpp alone cannot
read and that the rest of the ladder does not read either, and each comes with cases that must
not be misread.
"""

from __future__ import annotations

import math

import pytest
from test_qr_hard import assert_never_misread, damaged, photo, read_by_zxing_alone, run

from kzscam.qr import deblur, local, regional
from kzscam.qr.decoders import read_zxing

pytestmark = pytest.mark.corpus

# Blurred photos (a Gaussian of 0.47-0.48 module) the deconvolution reads and nothing before it
# did (tune split of the hard photos; scripts/qr_blur_study.py).
RESCUED = ["java-qrcode-4/46.png", "java-qrcode-4/01.png", "qrcode-4/29.webp",
           "qrcode-3/21.webp"]


@pytest.mark.parametrize("name", RESCUED)
def test_deconvolution_reads_a_defocused_code(name: str) -> None:
    img, expected = damaged(name, "blurred")
    assert expected not in read_by_zxing_alone(img)
    result = run(img)
    assert [s.text for s in result.symbols] == [expected]
    assert result.symbols[0].method == "deblur", result.passes
    # Blur moves nothing: the reported corners are the clean photo's, within two modules.
    clean, _ = photo(name)
    hit = next(s for s in read_zxing(clean)[0] if s.text == expected)
    pitch = math.dist(hit.corners[0], hit.corners[1]) / (17 + 4 * int(hit.version))
    assert max(math.dist(a, b) for a, b in zip(result.symbols[0].corners, hit.corners,
                                               strict=True)) < 2 * pitch


def test_without_the_deconvolution_the_ladder_reads_nothing(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # What the stage adds: the same photo, every other pass of the ladder, nothing read.
    img, _ = damaged("java-qrcode-4/46.png", "blurred")
    monkeypatch.setattr(regional, "_DEBLUR_SHARES", ())
    assert run(img).symbols == []


def test_the_wiener_filter_undoes_a_known_blur_of_a_real_photo() -> None:
    import cv2
    import numpy as np

    clean, expected = photo("java-qrcode-4/46.png")
    sharp = local.as_array(clean).astype(np.float32)
    blurred = cv2.GaussianBlur(sharp, (0, 0), 2.2)
    quantised = np.clip(np.round(blurred), 0, 255).astype(np.uint8)
    assert expected not in read_by_zxing_alone(local.to_image(quantised))
    restored = deblur.wiener(quantised, 2.2, 1e-3)
    assert restored.shape == quantised.shape and restored.dtype == np.uint8
    inner = (slice(10, -10), slice(10, -10))
    err_blurred = float(np.mean(np.abs(blurred[inner] - sharp[inner])))
    err_restored = float(np.mean(np.abs(restored[inner].astype(np.float32) - sharp[inner])))
    assert err_restored < 0.6 * err_blurred, (err_restored, err_blurred)
    assert expected in read_by_zxing_alone(local.to_image(restored))


def test_a_tiny_crop_is_deconvolved_without_failing() -> None:
    import numpy as np

    # Narrower than the mirrored margin the filter needs: edge padding instead of reflection.
    tiny = np.full((5, 7), 200, dtype=np.uint8)
    out = deblur.wiener(tiny, 3.0, 1e-3)
    assert out.shape == (5, 7)
    assert int(np.max(np.abs(out.astype(int) - 200))) <= 1


@pytest.mark.parametrize("name", RESCUED[:2])
def test_a_wrong_blur_size_reads_the_code_or_nothing(name: str) -> None:
    # Far too small or far too large a kernel rings or leaves the blur: zxing-cpp's check then
    # rejects the symbol; it never yields another payload.
    import numpy as np

    img, expected = damaged(name, "blurred")
    arr = local.as_array(img)
    regions = regional._regions(img, [])
    assert regions
    read = set()
    for region in regions:
        x0, y0, x1, y1 = region.box
        for share in np.arange(0.1, 1.6, 0.1):
            for nsr in (1e-4, 1e-3, 1e-2):
                fixed = deblur.wiener(arr[y0:y1, x0:x1], share * region.module, nsr)
                for binarizer in ("LocalAverage", "GlobalHistogram"):
                    read |= {s.text for s in read_zxing(local.to_image(fixed),
                                                        binarizer=binarizer)[0]}
    assert read == {expected}


@pytest.mark.parametrize("name", RESCUED[2:])
def test_the_rescued_photos_never_misread_under_other_damage(name: str) -> None:
    assert_never_misread(name, ("glare", "bright-spots", "shadow", "perspective", "damaged"))

