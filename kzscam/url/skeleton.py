"""Fold look-alike characters to the ASCII letters they imitate, per Unicode TR39 confusables.

`fold("kаspі")` is ``"kaspi"`` (Cyrillic а and і). `loose()` also folds characters that phishing
domains use for one another (``0``/``o``, ``1``/``l``, ``i``/``l``) and `variants()` adds the
form with letter pairs read as one letter (``rn``/``m``, ``vv``/``w``, ``cl``/``d``), so that
``"rnvbank"`` meets ``"mvbank"``. The confusables table of the confusable-homoglyphs
package is loaded on first use of a non-ASCII character only: ASCII input never pays for it.
"""

from __future__ import annotations

import functools
import re
import unicodedata

# Letters that the TR39 table does not send to ASCII but that pass for ASCII letters in a
# lower-case address bar (Cyrillic and Kazakh letters, Latin letters with strokes, Greek).
_EXTRA: dict[str, str] = {
    "ł": "l", "ø": "o", "đ": "d", "ħ": "h", "ŧ": "t", "ı": "i", "ĸ": "k", "ɨ": "i", "ɇ": "e",
    "ƀ": "b", "ǥ": "g", "ɉ": "j", "ɍ": "r", "ɏ": "y", "ƶ": "z", "ʉ": "u", "ꞑ": "n", "ŋ": "n",
    "ə": "a", "ǝ": "e", "æ": "ae", "œ": "oe", "ß": "ss",
    "а": "a", "в": "b", "ԁ": "d", "е": "e", "ё": "e", "һ": "h", "і": "i", "ї": "i", "ј": "j",
    "к": "k", "ӏ": "l", "м": "m", "н": "h", "о": "o", "р": "p", "ԛ": "q", "ѕ": "s", "т": "t",
    "у": "y", "ѵ": "v", "ԝ": "w", "х": "x", "с": "c", "ь": "b", "ԍ": "g", "ә": "a", "қ": "k",
    "ң": "h", "ө": "o", "ұ": "y", "ү": "y",
    "ƿ": "p", "ƅ": "b", "ɩ": "i", "ɑ": "a", "ɡ": "g",
    "α": "a", "β": "b", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t",
    "υ": "u", "χ": "x", "ω": "w",
}

# ASCII look-alikes, applied after folding: digits and bars that read as letters, then letter
# pairs that read as one letter. Pairs are tried as an alternative form only (see `variants`):
# folding "cl" to "d" unconditionally would hide that "kccll" is one letter from "kcell".
_ASCII_ONE = str.maketrans({"0": "o", "1": "l", "|": "l", "!": "l"})
_ASCII_PAIRS: tuple[tuple[str, str], ...] = (("rn", "m"), ("vv", "w"), ("cl", "d"), ("lc", "k"))
# Lower-case letters that dnstwist-style homoglyph lists pair up (c/e, b/d, g/q, u/v, n/m): too
# weak to fold always, used as a last form for exact matches only.
_ASCII_CLASSES = str.maketrans({"e": "c", "d": "b", "q": "g", "v": "u", "m": "n"})
_NAME = re.compile(r"^LATIN (?:SMALL |CAPITAL )?LETTER (?:SMALL CAPITAL |DOTLESS )?([A-Z])(?: |$)")


@functools.cache
def _table() -> dict[str, str]:
    """Non-ASCII character -> ASCII letter(s) it imitates, from confusables.json plus _EXTRA."""
    import json
    from importlib import resources

    data = json.loads(
        resources.files("confusable_homoglyphs").joinpath("confusables.json").read_text("utf-8")
    )
    table: dict[str, str] = {}
    for key, glyphs in data.items():
        if len(key) == 1 and key.isascii() and key.isalnum():
            for glyph in glyphs:
                char = glyph["c"].strip("\u200e")
                if len(char) == 1 and not char.isascii():
                    table.setdefault(char, key.lower())
    for key, glyphs in data.items():
        if len(key) == 1 and not key.isascii() and key not in table:
            for glyph in glyphs:
                char = glyph["c"].strip("\u200e")
                if len(char) == 1 and char.isascii() and char.isalnum():
                    table[key] = char.lower()
                    break
    table.update(_EXTRA)
    return table


@functools.lru_cache(maxsize=4096)
def fold_char(ch: str) -> str:
    """The ASCII text `ch` imitates, or `ch` itself when it imitates nothing."""
    if ch.isascii():
        return ch.lower()
    low = ch.lower()
    hit = _table().get(low) or _table().get(ch)
    if hit:
        return hit
    base = "".join(c for c in unicodedata.normalize("NFKD", low) if not unicodedata.combining(c))
    if base and base.isascii() and base.isalnum():
        return base.lower()
    # A Latin letter with a hook, stroke or tilde is read as the bare letter (ɗ, ɫ, ⱪ, ʙ).
    try:
        named = _NAME.match(unicodedata.name(ch))
    except ValueError:
        named = None
    return named.group(1).lower() if named else ch


def fold(text: str) -> str:
    """Fold every character; ASCII text comes back lower-cased and otherwise unchanged."""
    if text.isascii():
        return text.lower()
    return "".join(fold_char(c) for c in text)


def _base(text: str) -> str:
    return fold(text).translate(_ASCII_ONE)


def loose(text: str) -> str:
    """`fold` plus digits and letters that read alike (0 -> o, 1 -> l, i -> l): the main key."""
    return _base(text).replace("i", "l")


def variants(text: str) -> tuple[str, str, str]:
    """Comparison forms of `text`, always three (some may be equal): `loose(text)`, the form with
    letter pairs read as one letter (rn -> m, cl -> d), and that form with weakly similar letters
    merged (c/e, b/d), which only exact comparisons use."""
    base = _base(text)
    alt = base
    for pair, single in _ASCII_PAIRS:
        if pair in alt:
            alt = alt.replace(pair, single)
    alt = alt.replace("i", "l")
    return base.replace("i", "l"), alt, alt.translate(_ASCII_CLASSES)


def script_of(ch: str) -> str:
    """Unicode script family of a letter (LATIN, CYRILLIC, GREEK, ...); COMMON for the rest."""
    if ch.isascii():
        return "LATIN" if ch.isalpha() else "COMMON"
    if not ch.isalpha():
        return "COMMON"
    try:
        return unicodedata.name(ch).split(" ", 1)[0]
    except ValueError:
        return "UNKNOWN"


def scripts(label: str) -> set[str]:
    """The scripts of the letters in `label` (digits and hyphens do not count)."""
    if label.isascii():
        return {"LATIN"} if any(c.isalpha() for c in label) else set()
    return {s for s in (script_of(c) for c in label) if s != "COMMON"}


def imitates_ascii(ch: str) -> bool:
    """True for a non-ASCII letter that folds to ASCII (Cyrillic а, Latin å, Greek ο, ...)."""
    return not ch.isascii() and fold_char(ch).isascii()


def describe(ch: str) -> str:
    """`U+0430 CYRILLIC SMALL LETTER A` (safe to print: names only, never the raw character)."""
    try:
        name = unicodedata.name(ch)
    except ValueError:
        name = "CONTROL CHARACTER" if unicodedata.category(ch) == "Cc" else "UNNAMED CHARACTER"
    return f"U+{ord(ch):04X} {name}"
