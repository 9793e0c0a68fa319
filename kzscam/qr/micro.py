"""The structure of a Micro QR Code symbol (ISO/IEC 18004, M1-M4) for the erasure stage.

A Micro QR symbol has one finder pattern (top-left), timing patterns along its top row and left
column, 15 bits of format information beside the finder with a mask of their own, a data
placement without QR Code's column skip, one Reed-Solomon block, and in M1 and M3 a last data
codeword of four bits. kzscam.qr.symbol holds what both kinds share (the Galois field, the
errors-and-erasures decoder, the risk bound, the mask formulas); this module lays out the rest.
The corrected symbol is redrawn with `draw` and read again by zxing-cpp, which reads Micro QR
independently (kzscam.qr.erasure).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from kzscam.qr import symbol

Cell = tuple[int, int]  # (row, column)

# ISO/IEC 18004's error correction characteristics for M1-M4: (symbol number, version, level,
# data codewords, check codewords). The symbol number is what the format information carries.
_SYMBOLS = ((0, 1, "", 3, 2), (1, 2, "L", 5, 5), (2, 2, "M", 4, 6), (3, 3, "L", 11, 6),
            (4, 3, "M", 9, 8), (5, 4, "L", 16, 8), (6, 4, "M", 14, 10), (7, 4, "Q", 10, 14))
_MASKS = (1, 4, 6, 7)  # Micro QR mask patterns 00-11 are QR Code's patterns 001, 100, 110, 111
_FORMAT_XOR = 0x4445  # the format information's mask for Micro QR (QR Code: 0x5412)
VERSIONS = (1, 2, 3, 4)


def size(version: int) -> int:
    return 9 + 2 * version


def levels(version: int) -> tuple[str, ...]:
    return tuple(level for _, v, level, _, _ in _SYMBOLS if v == version)


def layout(version: int, level: str) -> tuple[int, int]:
    """(data codewords, check codewords) of the symbol's one block."""
    for _, v, lv, data, ec in _SYMBOLS:
        if v == version and lv == level:
            return data, ec
    raise ValueError(f"no Micro QR symbol M{version}-{level}")


def short_codeword(version: int, level: str) -> int | None:
    """Index of the data codeword that has four bits (M1 and M3), else None."""
    return layout(version, level)[0] - 1 if version in (1, 3) else None


def format_word(version: int, level: str, mask: int) -> int:
    """The 15 format bits for a symbol and a mask (0-3), masked as printed."""
    number = next(s for s, v, lv, _, _ in _SYMBOLS if v == version and lv == level)
    return symbol._bch(number << 2 | mask, 5, 0x537) ^ _FORMAT_XOR


def format_cells(version: int) -> list[Cell]:
    """The 15 format bits, most significant first: row 8 from column 1 to 8, then column 8
    from row 7 up to row 1."""
    return [(8, c) for c in range(1, 9)] + [(r, 8) for r in range(7, 0, -1)]


def mask_bit(mask: int, r: int, c: int) -> bool:
    return symbol.mask_bit(_MASKS[mask], r, c)


@cache
def function_modules(version: int) -> dict[Cell, bool]:
    """The finder, its separator, the two timing patterns (True = dark) and the format cells
    (reserved as light; `draw` fills them in)."""
    n = size(version)
    fixed: dict[Cell, bool] = {}
    for r in range(8):
        for c in range(8):
            ring = r == 7 or c == 7
            fixed[(r, c)] = not ring and (r in (0, 6) or c in (0, 6) or (2 <= r <= 4 and 2 <= c <= 4))
    for i in range(8, n):
        fixed[(0, i)] = fixed[(i, 0)] = i % 2 == 0
    for cell in format_cells(version):
        fixed[cell] = False
    return fixed


@cache
def data_cells(version: int) -> tuple[Cell, ...]:
    """Every module outside the function patterns in placement order: QR Code's two-column
    zigzag from the bottom-right corner, with no column to skip."""
    return symbol.zigzag(size(version), function_modules(version))


@cache
def codeword_cells(version: int, level: str) -> tuple[tuple[Cell, ...], ...]:
    """The modules of each codeword (data, then check), most significant bit first; the short
    codeword of M1 and M3 has four."""
    order = data_cells(version)
    data, ec = layout(version, level)
    short = short_codeword(version, level)
    out: list[tuple[Cell, ...]] = []
    at = 0
    for i in range(data + ec):
        width = 4 if i == short else 8
        out.append(tuple(order[at:at + width]))
        at += width
    return tuple(out)


def draw(version: int, level: str, mask: int, codewords: Sequence[int]) -> list[list[bool]]:
    """A clean module matrix. `codewords` as `values` gives them: the short codeword's four
    bits in its high nibble (its low nibble is zero)."""
    n = size(version)
    matrix = [[False] * n for _ in range(n)]
    for (r, c), dark in function_modules(version).items():
        matrix[r][c] = dark
    word = format_word(version, level, mask)
    for i, (r, c) in enumerate(format_cells(version)):
        matrix[r][c] = bool(word >> (14 - i) & 1)
    for r, c in data_cells(version):  # any bit left over is 0 before masking
        matrix[r][c] = mask_bit(mask, r, c)
    for value, modules in zip(codewords, codeword_cells(version, level), strict=True):
        for i, (r, c) in enumerate(modules):
            matrix[r][c] = bool(value >> (7 - i) & 1) != mask_bit(mask, r, c)
    return matrix


def values(version: int, level: str, mask: int, dark: Any) -> list[int]:
    """The codewords of a module matrix (rows of booleans, or a 2-D array) unmasked, the short
    codeword's four bits as its high nibble."""
    out = []
    for modules in codeword_cells(version, level):
        v = 0
        for r, c in modules:
            v = v << 1 | int(bool(dark[r][c]) != mask_bit(mask, r, c))
        out.append(v << (8 - len(modules)))
    return out
