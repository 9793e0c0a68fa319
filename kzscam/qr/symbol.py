"""The structure of a QR Code symbol (ISO/IEC 18004) and a Reed-Solomon errors-and-erasures
decoder over its codewords.

zxing-cpp corrects errors only: a codeword it cannot see costs it two check codewords. A module
under a saturated reflection is not an unknown value to zxing-cpp but a light one, often wrong.
When we know which modules cannot be seen, each such codeword is an *erasure* and costs one check
codeword, so twice as much of the symbol may be lost. This module gives what that needs: where
the function patterns, format and version information and each codeword's eight modules lie, the
block layout of every version and level, the data masks, and the decoder. The corrected symbol is
redrawn and read by zxing-cpp (kzscam.qr.erasure), which checks it again and parses the payload.
"""

from __future__ import annotations

import math
from collections.abc import Container, Sequence
from functools import cache

Cell = tuple[int, int]  # (row, column)

# ISO/IEC 18004 Table 9: check codewords per block and number of blocks, versions 1-40.
_EC_PER_BLOCK = {
    "L": (7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28, 28, 28,
          30, 30, 26, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30),
    "M": (10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26, 26, 28,
          28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28),
    "Q": (13, 22, 18, 26, 18, 24, 18, 22, 20, 24, 28, 26, 24, 20, 30, 24, 28, 28, 26, 30, 28, 30,
          30, 30, 30, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30),
    "H": (17, 28, 22, 16, 22, 28, 26, 26, 24, 28, 24, 28, 22, 24, 24, 30, 28, 28, 26, 28, 30, 24,
          30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30),
}
_BLOCKS = {
    "L": (1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8, 8, 9, 9, 10, 12, 12, 12, 13,
          14, 15, 16, 17, 18, 19, 19, 20, 21, 22, 24, 25),
    "M": (1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16, 17, 17, 18, 20, 21, 23,
          25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49),
    "Q": (1, 1, 2, 2, 4, 4, 6, 6, 8, 8, 8, 10, 12, 16, 12, 17, 16, 18, 21, 20, 23, 23, 25, 27, 29,
          34, 34, 35, 38, 40, 43, 45, 48, 51, 53, 56, 59, 62, 65, 68),
    "H": (1, 1, 2, 4, 4, 4, 5, 6, 8, 8, 11, 11, 16, 16, 18, 16, 19, 21, 25, 25, 25, 34, 30, 32, 35,
          37, 40, 42, 45, 48, 51, 54, 57, 60, 63, 66, 70, 74, 77, 81),
}
LEVELS = ("L", "M", "Q", "H")
_LEVEL_BITS = {"L": 1, "M": 0, "Q": 3, "H": 2}  # the two EC level bits of the format information
MAX_VERSION = 40


def size(version: int) -> int:
    return 17 + 4 * version


def alignment_centres(version: int) -> tuple[int, ...]:
    """Row/column coordinates of the alignment pattern centres (ISO/IEC 18004 Annex E)."""
    if version < 2:
        return ()
    count = version // 7 + 2
    last = 4 * version + 10
    step = 26 if version == 32 else (version * 4 + count * 2 + 1) // (2 * count - 2) * 2
    return (6, *sorted(last - i * step for i in range(count - 1)))


def finders_and_timing(n: int) -> dict[Cell, bool]:
    """The three finder patterns with their light separators and the two timing lines of an n x n
    symbol (True = dark): the part of the fixed pattern every version shares."""
    fixed: dict[Cell, bool] = {}
    for r0, c0 in ((0, 0), (0, n - 7), (n - 7, 0)):
        for r in range(-1, 8):
            for c in range(-1, 8):
                if 0 <= r0 + r < n and 0 <= c0 + c < n:
                    ring = r in (-1, 7) or c in (-1, 7)
                    dark = r in (0, 6) or c in (0, 6) or (2 <= r <= 4 and 2 <= c <= 4)
                    fixed[(r0 + r, c0 + c)] = dark and not ring
    for i in range(8, n - 8):
        fixed[(6, i)] = fixed[(i, 6)] = i % 2 == 0
    return fixed


@cache
def function_modules(version: int) -> dict[Cell, bool]:
    """Every module the standard fixes or reserves, True where it is dark. The format and version
    information cells are reserved here as light; `draw` fills them in."""
    n = size(version)
    fixed = finders_and_timing(n)
    centres = alignment_centres(version)
    corners = {(6, 6), (6, n - 7), (n - 7, 6)}
    for r in centres:
        for c in centres:
            if (r, c) in corners:
                continue  # where a finder is
            for dr in range(-2, 3):
                for dc in range(-2, 3):
                    fixed[(r + dr, c + dc)] = max(abs(dr), abs(dc)) != 1
    for cell in format_cells(version)[0] + format_cells(version)[1]:
        fixed[cell] = False
    fixed[(n - 8, 8)] = True  # the dark module
    if version >= 7:
        for cells in version_cells(version):
            for cell in cells:
                fixed[cell] = False
    return fixed


def format_cells(version: int) -> tuple[list[Cell], list[Cell]]:
    """The two copies of the 15 format bits, most significant bit first."""
    n = size(version)
    first = [(8, c) for c in range(6)] + [(8, 7), (8, 8), (7, 8)] + [(r, 8) for r in range(5, -1, -1)]
    second = [(r, 8) for r in range(n - 1, n - 8, -1)] + [(8, c) for c in range(n - 8, n)]
    return first, second


def version_cells(version: int) -> tuple[list[Cell], list[Cell]]:
    """The two copies of the 18 version bits (versions 7 and up), most significant bit first."""
    n = size(version)
    top_right = [(r, c) for r in range(5, -1, -1) for c in range(n - 9, n - 12, -1)]
    bottom_left = [(c, r) for r, c in top_right]
    return top_right, bottom_left


def _bch(value: int, bits: int, generator: int) -> int:
    """`value` followed by its BCH remainder for `generator` (a polynomial over GF(2))."""
    degree = generator.bit_length() - 1
    rem = value << degree
    for shift in range(bits + degree - 1, degree - 1, -1):
        if rem >> shift & 1:
            rem ^= generator << (shift - degree)
    return value << degree | rem


def format_word(level: str, mask: int) -> int:
    """The 15 format bits for an EC level and a mask, masked as printed."""
    return _bch(_LEVEL_BITS[level] << 3 | mask, 5, 0x537) ^ 0x5412


def version_word(version: int) -> int:
    return _bch(version, 6, 0x1F25)


def mask_bit(mask: int, r: int, c: int) -> bool:
    """Whether data mask `mask` inverts the module at row r, column c."""
    if mask == 0:
        return (r + c) % 2 == 0
    if mask == 1:
        return r % 2 == 0
    if mask == 2:
        return c % 3 == 0
    if mask == 3:
        return (r + c) % 3 == 0
    if mask == 4:
        return (r // 2 + c // 3) % 2 == 0
    if mask == 5:
        return (r * c) % 2 + (r * c) % 3 == 0
    if mask == 6:
        return ((r * c) % 2 + (r * c) % 3) % 2 == 0
    return ((r + c) % 2 + (r * c) % 3) % 2 == 0


@cache
def data_cells(version: int) -> tuple[Cell, ...]:
    """Every module outside the function patterns, in placement order (the two-column zigzag
    from the bottom-right corner, column 6 skipped: the vertical timing pattern)."""
    return zigzag(size(version), function_modules(version), skip=6)


def zigzag(n: int, fixed: Container[Cell], skip: int | None = None) -> tuple[Cell, ...]:
    """The modules not in `fixed`, two columns at a time from the right, upwards first and
    turning at each edge; column `skip` is stepped over (QR Code's vertical timing pattern;
    Micro QR has none to skip)."""
    order: list[Cell] = []
    col, upward = n - 1, True
    while col > 0:
        if col == skip:
            col -= 1
        rows = range(n - 1, -1, -1) if upward else range(n)
        for r in rows:
            for c in (col, col - 1):
                if (r, c) not in fixed:
                    order.append((r, c))
        col -= 2
        upward = not upward
    return tuple(order)


@cache
def codeword_cells(version: int) -> tuple[tuple[Cell, ...], ...]:
    """The eight modules of each codeword, most significant bit first (the leftover remainder
    bits belong to none)."""
    order = data_cells(version)
    return tuple(tuple(order[i:i + 8]) for i in range(0, len(order) - len(order) % 8, 8))


def blocks(version: int, level: str) -> list[tuple[int, int]]:
    """(codewords, data codewords) of each block, in order."""
    total = len(codeword_cells(version))
    count = _BLOCKS[level][version - 1]
    ec = _EC_PER_BLOCK[level][version - 1]
    short = total // count
    longs = total % count
    return [(short + (i >= count - longs), short + (i >= count - longs) - ec) for i in range(count)]


def interleave(version: int, level: str) -> list[list[int]]:
    """For each block, the indexes (in placement order) of its codewords: data then check."""
    layout = blocks(version, level)
    out: list[list[int]] = [[] for _ in layout]
    index = 0
    for i in range(max(d for _, d in layout)):
        for b, (_, data) in enumerate(layout):
            if i < data:
                out[b].append(index)
                index += 1
    for i in range(max(t - d for t, d in layout)):
        for b, (total, data) in enumerate(layout):
            if i < total - data:
                out[b].append(index)
                index += 1
    return out


def draw(version: int, level: str, mask: int, codewords: Sequence[int]) -> list[list[bool]]:
    """A clean module matrix: the function patterns, the format and version information, and
    `codewords` (in placement order) under the mask."""
    n = size(version)
    matrix = [[False] * n for _ in range(n)]
    for (r, c), dark in function_modules(version).items():
        matrix[r][c] = dark
    word = format_word(level, mask)
    for cells in format_cells(version):
        for i, (r, c) in enumerate(cells):
            matrix[r][c] = bool(word >> (14 - i) & 1)
    if version >= 7:
        vword = version_word(version)
        for cells in version_cells(version):
            for i, (r, c) in enumerate(cells):
                matrix[r][c] = bool(vword >> (17 - i) & 1)
    for r, c in data_cells(version):  # remainder bits are 0 before masking
        matrix[r][c] = mask_bit(mask, r, c)
    for value, modules in zip(codewords, codeword_cells(version), strict=False):
        for i, (r, c) in enumerate(modules):
            matrix[r][c] = bool(value >> (7 - i) & 1) != mask_bit(mask, r, c)
    return matrix


# GF(256) with the QR polynomial x^8 + x^4 + x^3 + x^2 + 1.
_EXP = [0] * 512
_LOG = [0] * 256
_x = 1
for _i in range(255):
    _EXP[_i] = _x
    _LOG[_x] = _i
    _x <<= 1
    if _x & 0x100:
        _x ^= 0x11D
for _i in range(255, 512):
    _EXP[_i] = _EXP[_i - 255]


def _mul(a: int, b: int) -> int:
    return 0 if a == 0 or b == 0 else _EXP[_LOG[a] + _LOG[b]]


def _div(a: int, b: int) -> int:
    return 0 if a == 0 else _EXP[(_LOG[a] - _LOG[b]) % 255]


def _eval(poly: Sequence[int], x: int) -> int:
    """A polynomial with coefficients lowest degree first, at x."""
    out = 0
    for coef in reversed(poly):
        out = _mul(out, x) ^ coef
    return out


def _syndromes(word: Sequence[int], ec: int) -> list[int]:
    """S_j = r(alpha^j), j < ec; word[0] is the coefficient of the highest power."""
    out = []
    for j in range(ec):
        x, acc = _EXP[j], 0
        for c in word:
            acc = _mul(acc, x) ^ c
        out.append(acc)
    return out


def encode_block(data: Sequence[int], ec: int) -> list[int]:
    """Data codewords followed by their `ec` check codewords (the generator's roots are
    alpha^0 .. alpha^(ec-1), as in QR Code)."""
    gen = [1]
    for j in range(ec):
        gen = [a ^ _mul(b, _EXP[j]) for a, b in zip([*gen, 0], [0, *gen], strict=True)]
    # gen is highest degree first here: multiplying by (x - a) shifts and adds.
    rem = list(data) + [0] * ec
    for i in range(len(data)):
        coef = rem[i]
        if coef:
            for k in range(1, ec + 1):
                rem[i + k] ^= _mul(gen[k], coef)
    return list(data) + rem[len(data):]


def false_accept(length: int, ec: int, erasures: int, errors: int) -> float:
    """The chance that a random word of `length` codewords with `erasures` of them erased lies
    within `errors` corrections of some codeword: the chance the decoder, so bounded, turns a
    hopeless block into a wrong one."""
    spare = ec - erasures
    if spare < 2 * errors:
        return 1.0
    volume = sum(math.comb(length - erasures, i) * 255 ** i for i in range(errors + 1))
    return float(min(1.0, volume / 256.0 ** spare))


def max_errors(length: int, ec: int, erasures: int, risk: float) -> int | None:
    """The most errors to correct beside `erasures` so that `false_accept` stays at or below
    `risk`; None when even erasures alone would exceed it."""
    best = None
    for t in range((ec - erasures) // 2 + 1):
        if false_accept(length, ec, erasures, t) <= risk:
            best = t
    return best


def syndromes(word: Sequence[int], ec: int) -> list[int]:
    """The block's syndromes, all zero for a codeword; `correct` takes them precomputed when it
    is tried on one block with several erasure sets."""
    return _syndromes(word, ec)


def correct(word: Sequence[int], ec: int, erasures: Sequence[int], limit: int,
            synd: list[int] | None = None) -> list[int] | None:
    """Reed-Solomon errors-and-erasures decoding of one block (word[0] first transmitted):
    the corrected block, or None when more than `limit` errors beside the erasures would be
    needed. Berlekamp-Massey seeded with the erasure locator, Chien search, Forney."""
    n = len(word)
    erasures = sorted(set(erasures))
    if len(erasures) > ec:
        return None
    if synd is None:
        synd = _syndromes(word, ec)
    if not any(synd):
        return list(word)
    # Erasure locator: prod (1 - X x), X = alpha^(n-1-i) for codeword i.
    gamma = [1]
    for i in erasures:
        x = _EXP[n - 1 - i]
        gamma = [a ^ _mul(x, b) for a, b in zip([*gamma, 0], [0, *gamma], strict=True)]
    lam, prev = list(gamma), list(gamma)
    length, shift, last = len(erasures), 1, 1
    for r in range(len(erasures), ec):
        delta = 0
        for i, coef in enumerate(lam):
            if r - i >= 0:
                delta ^= _mul(coef, synd[r - i])
        if delta == 0:
            shift += 1
            continue
        factor = _div(delta, last)
        update = [0] * shift + [_mul(factor, c) for c in prev]
        new = [a ^ b for a, b in zip(lam + [0] * max(0, len(update) - len(lam)),
                                     update + [0] * max(0, len(lam) - len(update)), strict=True)]
        if 2 * length <= r + len(erasures):
            prev, length, last, shift = lam, r + 1 + len(erasures) - length, delta, 1
        else:
            shift += 1
        lam = new
    while len(lam) > 1 and lam[-1] == 0:
        lam.pop()
    degree = len(lam) - 1
    errors = degree - len(erasures)
    if errors < 0 or errors > limit or 2 * errors + len(erasures) > ec:
        return None
    positions = [i for i in range(n) if _eval(lam, _EXP[(255 - (n - 1 - i)) % 255]) == 0]
    if len(positions) != degree:
        return None
    omega = [0] * ec
    for i, s in enumerate(synd):
        for j, coef in enumerate(lam):
            if i + j < ec:
                omega[i + j] ^= _mul(s, coef)
    deriv = [lam[i] if i % 2 == 1 else 0 for i in range(1, len(lam))]
    out = list(word)
    for i in positions:
        x = _EXP[n - 1 - i]
        x_inv = _EXP[(255 - (n - 1 - i)) % 255]
        den = _eval(deriv, x_inv)
        if den == 0:
            return None
        out[i] ^= _mul(x, _div(_eval(omega, x_inv), den))
    if any(_syndromes(out, ec)):
        return None
    return out
