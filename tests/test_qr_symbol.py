"""The QR symbol structure and the Reed-Solomon errors-and-erasures decoder (kzscam.qr.symbol),
checked against symbols segno draws (an independent encoder) for every version and level."""

from __future__ import annotations

import random

import pytest
import segno

from kzscam.qr import symbol

LEVELS = {"L": "l", "M": "m", "Q": "q", "H": "h"}


def _segno(version: int, level: str, payload: str) -> list[list[bool]]:
    qr = segno.make(payload, version=version, error=LEVELS[level], boost_error=False)
    return [[bool(b) for b in row] for row in qr.matrix]


@pytest.mark.parametrize("version", range(1, 41))
def test_structure_matches_segno_symbols(version: int) -> None:
    """Function patterns, format and version information, codeword placement, data masks and
    the block layout: the codewords read out of a segno symbol form valid Reed-Solomon blocks,
    and drawing them again gives the very same symbol."""
    rng = random.Random(version)
    for level in symbol.LEVELS:
        matrix = _segno(version, level, str(rng.randrange(10 ** 6)))
        assert len(matrix) == symbol.size(version)
        words = {sum(matrix[r][c] << (14 - i) for i, (r, c) in enumerate(cells))
                 for cells in symbol.format_cells(version)}
        assert len(words) == 1
        masks = [m for m in range(8) if symbol.format_word(level, m) in words]
        assert len(masks) == 1
        mask = masks[0]
        if version >= 7:
            for cells in symbol.version_cells(version):
                assert sum(matrix[r][c] << (17 - i) for i, (r, c) in enumerate(cells)) \
                    == symbol.version_word(version)
        codewords = [sum((matrix[r][c] != symbol.mask_bit(mask, r, c)) << (7 - i)
                         for i, (r, c) in enumerate(cells))
                     for cells in symbol.codeword_cells(version)]
        for (total, data), idx in zip(symbol.blocks(version, level),
                                      symbol.interleave(version, level), strict=True):
            block = [codewords[i] for i in idx]
            assert len(block) == total
            assert symbol.correct(block, total - data, [], 0) == block
            assert symbol.encode_block(block[:data], total - data) == block
        assert symbol.draw(version, level, mask, codewords) == matrix


def test_alignment_centres_of_the_standard() -> None:
    assert symbol.alignment_centres(1) == ()
    assert symbol.alignment_centres(2) == (6, 18)
    assert symbol.alignment_centres(7) == (6, 22, 38)
    assert symbol.alignment_centres(32) == (6, 34, 60, 86, 112, 138)
    assert symbol.alignment_centres(40) == (6, 30, 58, 86, 114, 142, 170)


def test_decoder_corrects_errors_and_erasures_within_capacity() -> None:
    rng = random.Random(7)
    for _ in range(400):
        ec = rng.choice((7, 10, 16, 22, 26, 30))
        word = symbol.encode_block([rng.randrange(256) for _ in range(rng.randint(2, 120))], ec)
        erasures = rng.randint(0, ec)
        errors = rng.randint(0, (ec - erasures) // 2)
        where = rng.sample(range(len(word)), erasures + errors)
        damaged = list(word)
        for i in where[:erasures]:
            damaged[i] = rng.randrange(256)  # an erased codeword may even be right by chance
        for i in where[erasures:]:
            damaged[i] ^= rng.randrange(1, 256)
        assert symbol.correct(damaged, ec, where[:erasures], errors) == word


def test_decoder_refuses_more_errors_than_its_limit() -> None:
    rng = random.Random(8)
    word = symbol.encode_block([rng.randrange(256) for _ in range(60)], 20)
    damaged = list(word)
    for i in rng.sample(range(len(word)), 4):
        damaged[i] ^= 0x5A
    assert symbol.correct(damaged, 20, [], 3) is None
    assert symbol.correct(damaged, 20, [], 4) == word


def test_risk_bound_holds_on_hopeless_blocks() -> None:
    """Random words are what a wrong grid, version or mask gives: with the error limit the risk
    bound allows, almost none may be taken for a codeword."""
    rng = random.Random(9)
    length, ec = 44, 16
    for erasures in (0, 6, 12):
        limit = symbol.max_errors(length, ec, erasures, 1e-3)
        assert limit is not None
        accepted = sum(
            symbol.correct([rng.randrange(256) for _ in range(length)], ec,
                           rng.sample(range(length), erasures), limit) is not None
            for _ in range(2000))
        assert accepted <= 10  # expected about 2 (2000 x 1e-3)
    # Near capacity the bound leaves check codewords unused: nothing is decoded on faith.
    assert symbol.max_errors(length, ec, ec, 1e-9) is None
    assert symbol.max_errors(length, ec, ec - 3, 1e-9) is None
    assert symbol.max_errors(length, ec, ec - 4, 1e-9) == 0


def test_false_accept_grows_with_what_is_spent() -> None:
    assert symbol.false_accept(26, 10, 0, 0) < symbol.false_accept(26, 10, 4, 0) \
        < symbol.false_accept(26, 10, 4, 2) < symbol.false_accept(26, 10, 10, 0) == 1.0
