"""Micro QR under scratches: the symbol's tables (kzscam.qr.micro) against the standard and an
independent encoder, and the reading from one finder (kzscam.qr.microread, the `micro` pass)
on real Micro QR photos of ../shared/corpus/qr scratched the way `scripts/eval_qr_photos.py`
scratches them (same seeds), each of which zxing-cpp alone cannot read; and the gate that keeps
the pass off pictures with no finder to read (the QR-free photos of the same corpus).
"""

from __future__ import annotations

import random

import pytest
import segno
from conftest import qr_free_photos, shared_path
from PIL import Image, ImageOps
from test_qr_hard import GENEROUS, assert_never_misread, damaged, read_by_zxing_alone, run

from kzscam.qr import local, micro, microread, microscan, pipeline, symbol
from kzscam.qr.decoders import read_zxing
from kzscam.qr.elastic import render
from kzscam.qr.loader import Source, load

# ISO/IEC 18004: the symbol numbers 0-7 the format information carries are M1, M2-L, ... M4-Q.
SYMBOLS = [(1, ""), (2, "L"), (2, "M"), (3, "L"), (3, "M"), (4, "L"), (4, "M"), (4, "Q")]
# ISO/IEC 18004: data bits and check codewords of each Micro QR symbol.
DATA_BITS = {(1, ""): 20, (2, "L"): 40, (2, "M"): 32, (3, "L"): 84, (3, "M"): 68,
             (4, "L"): 128, (4, "M"): 112, (4, "Q"): 80}
CHECK = {(1, ""): 2, (2, "L"): 5, (2, "M"): 6, (3, "L"): 6, (3, "M"): 8, (4, "L"): 8,
         (4, "M"): 10, (4, "Q"): 14}


def bch_15_5(data: int) -> int:
    """Five data bits and the ten-bit remainder of x^10 * data divided by the generator
    x^10 + x^8 + x^5 + x^4 + x^2 + x + 1, by long division written out here."""
    generator = [1, 0, 1, 0, 0, 1, 1, 0, 1, 1, 1]
    bits = [data >> (4 - i) & 1 for i in range(5)] + [0] * 10
    for i in range(5):
        if bits[i]:
            for j, g in enumerate(generator):
                bits[i + j] ^= g
    return data << 10 | int("".join(map(str, bits[5:])), 2)


@pytest.mark.parametrize(("number", "version", "level"),
                         [(i, v, lv) for i, (v, lv) in enumerate(SYMBOLS)])
def test_format_words_are_the_standards(number: int, version: int, level: str) -> None:
    for mask in range(4):
        assert micro.format_word(version, level, mask) == bch_15_5(number << 2 | mask) ^ 0b100010001000101


def test_any_two_format_words_differ_in_seven_bits_or_more() -> None:
    words = [micro.format_word(v, lv, m) for v, lv in SYMBOLS for m in range(4)]
    assert len(set(words)) == 32
    assert min(bin(a ^ b).count("1") for i, a in enumerate(words) for b in words[i + 1:]) >= 7


@pytest.mark.parametrize(("version", "level"), SYMBOLS)
def test_capacities_match_the_standard(version: int, level: str) -> None:
    n = micro.size(version)
    assert n == 9 + 2 * version
    # The finder and its separator (8 x 8), two timing lines, 15 format modules: the rest is data.
    assert len(micro.data_cells(version)) == n * n - 64 - 2 * (n - 8) - 15
    data, ec = micro.layout(version, level)
    assert ec == CHECK[(version, level)]
    cells = micro.codeword_cells(version, level)
    assert sum(len(c) for c in cells[:data]) == DATA_BITS[(version, level)]
    assert sum(len(c) for c in cells) == len(micro.data_cells(version))


def test_symbols_of_an_independent_encoder_are_read_back_exactly() -> None:
    rng = random.Random(14)
    for _ in range(40):
        version, level = rng.choice(SYMBOLS)
        text = "".join(rng.choice("0123456789") for _ in range(rng.randint(1, 5)))
        qr = segno.make_micro(text, version=f"M{version}", error=level or None,
                              boost_error=False)
        matrix = [[bool(v) for v in row] for row in qr.matrix]
        printed = 0
        for r, c in micro.format_cells(version):
            printed = printed << 1 | matrix[r][c]
        assert printed == micro.format_word(version, level, qr.mask)
        words = micro.values(version, level, qr.mask, matrix)
        assert not any(symbol.syndromes(words, micro.layout(version, level)[1]))
        assert micro.draw(version, level, qr.mask, words) == matrix


def test_corrected_codewords_redrawn_are_what_zxing_cpp_reads() -> None:
    import numpy as np

    rng = random.Random(18004)
    for version, level in SYMBOLS[1:]:
        text = "".join(rng.choice("0123456789") for _ in range(3))
        qr = segno.make_micro(text, version=f"M{version}", error=level, boost_error=False)
        dark = np.array(qr.matrix, dtype=bool)
        weights = np.ones(dark.shape)
        for r, c in micro.codeword_cells(version, level)[1]:  # one codeword flipped, doubtful
            dark[r, c] = not dark[r, c]
            weights[r, c] = 0.1
        [(got_level, mask, words)] = list(microread.decode(dark, weights, version))
        assert (got_level, mask) == (level, qr.mask)
        found, _ = read_zxing(render(micro.draw(version, level, mask, words)), pure=True)
        assert [(s.text, s.version) for s in found] == [(text, f"M{version}")]


def test_m1_is_never_read_within_the_risk_bound() -> None:
    # Two check codewords only detect errors: even an exact match would be accepted from a random
    # word once in 65,536, far past 1e-9.
    assert symbol.max_errors(5, 2, 0, 1e-9) is None


@pytest.mark.parametrize("name", ["microqrcode-1/7.webp", "microqrcode-1/M4-Mixed.png"])
def test_scratched_micro_qr_is_read_from_its_one_finder(name: str) -> None:
    img, expected = damaged(name, "damaged")
    assert expected not in read_by_zxing_alone(img)
    result = run(img)
    reads = {(s.text, s.symbology, s.method) for s in result.symbols}
    assert reads in ({(expected, "Micro QR Code", "erasure-micro")},
                     {(expected, "Micro QR Code", "erasure-micro-local")})
    # Nothing else in either picture looks code-like: the pass runs where the ladder would
    # otherwise stop, on the finder the line scans find (674 pixels wide: the coarser scan).
    assert result.passes[-1] == "micro" and "nothing-code-like" not in result.passes


def test_a_spotted_micro_qr_beyond_the_bound_is_never_misread() -> None:
    # Five or six codewords wrong of ten check codewords (scripts/qr_micro_study.py): a decoder
    # that may correct four at 1e-9 must give up rather than guess.
    img, expected = damaged("microqrcode-1/3.webp", "bright-spots")
    assert expected not in read_by_zxing_alone(img)
    assert {s.text for s in run(img).symbols} <= {expected}


def test_grids_from_a_finder_in_noise_read_nothing() -> None:
    import numpy as np

    rng = np.random.default_rng(3)
    noise = rng.integers(0, 256, (120, 120)).astype(np.float32)
    noise[16:52, 16:52] = 255.0  # a finder of 4-pixel modules in its light separator
    noise[20:48, 20:48] = 0.0
    noise[24:44, 24:44] = 255.0
    noise[28:40, 28:40] = 0.0
    for grid, version in microread.grids(noise, 34.0, 34.0, 28.0, float("inf")):
        assert microread.read(noise, grid, version, 0, float("inf")) is None
    # The weeding above may keep no layout at all; every layout the finder allows, read without
    # it, must still give nothing: the risk bound and the format check reject noise on their own.
    import cv2

    tried = 0
    for version in micro.VERSIONS:
        n = micro.size(version)
        for turn in range(4):
            corners = np.array([[16.0, 16.0], [16 + 4.0 * n, 16.0], [16 + 4.0 * n, 16 + 4.0 * n],
                                [16.0, 16 + 4.0 * n]], dtype=np.float32)
            corners = np.roll(corners, turn, axis=0)
            src = np.array([[0.0, 0.0], [n, 0.0], [n, n], [0.0, n]], dtype=np.float32)
            grid = cv2.getPerspectiveTransform(src, corners)
            assert microread.read(noise, grid, version, 0, float("inf")) is None
            tried += 1
    assert tried == 4 * len(micro.VERSIONS)


@pytest.mark.parametrize("name", ["microqrcode-1/7.webp", "microqrcode-1/M4-Mixed.png"])
def test_the_rescued_micro_photos_never_misread_under_other_damage(name: str) -> None:
    assert_never_misread(name, ("bright-spots", "blurred", "perspective", "glare"))


def test_the_finders_of_qr_codes_read_as_no_micro_qr_symbol() -> None:
    # A QR Code's corner looks like a Micro QR finder with its separator; its timing runs along
    # the finder's inner edge instead, and its format information is QR Code's.
    import numpy as np
    from test_qr_hard import photo

    from kzscam.qr import local

    tried = 0
    for name in ("java-qrcode-1/13.png", "qrcode-3/01.webp", "java-qrcode-4/22.png"):
        img, _ = photo(name)
        picture = local.as_array(img).astype(np.float32)
        for f in local.find_finders(local.as_array(img)):
            for grid, version in microread.grids(picture, f.x, f.y, f.size, float("inf")):
                assert microread.read(picture, grid, version, 0, float("inf")) is None
            tried += 1
    assert tried >= 9


def test_photos_without_codes_stop_before_the_micro_pass() -> None:
    # Every QR-free photo that nothing looks code-like in once ran the pass (a line scan at the
    # finder search's scale, and the grids of any finder-like texture it found) before stopping.
    paths = qr_free_photos()
    assert len(paths) > 20
    stopped = []
    for path in paths:
        result = pipeline.scan(load(Source(str(path), path=path)), GENEROUS)
        assert result.symbols == [], path
        if result.passes[-1] == "nothing-code-like":
            assert "micro" not in result.passes, (path, result.passes)
            stopped.append(path)
    assert len(stopped) >= 0.9 * len(paths)


def test_finder_like_texture_seen_at_full_scale_only_is_not_handed_to_the_pass() -> None:
    # A QR-free photo whose texture holds 1:1:3:1:1 crossings at a few pixels a module: the
    # line scan at the finder search's scale takes them for finders, the pass's coarser scan
    # does not, so the pass gets no finder to fit its sixteen layouts to.
    path = shared_path("corpus", "qr", "falsepositives-1", "15.webp")
    with Image.open(path) as im:
        gray = ImageOps.exif_transpose(im).convert("L")
    assert max(gray.size) > microscan._MICRO_SMALL
    assert len(local.scan_finders(local.as_array(gray))) >= 4
    assert microscan._micro_finders(gray, []) == []
