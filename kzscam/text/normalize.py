"""Fold message text once into the forms rules match against, keeping a way back to the original.

Scammers and ordinary typists write the same words many ways: Kazakh on a Russian keyboard
("улттык" for "ұлттық"), Latin-script Kazakh ("Ulttyq Bank"), homoglyphs ("Kаspi" with a Cyrillic а,
"НАЦИОНАЛЬНЬІЙ"), leetspeak ("c0de"), spaced letters ("к о д") and invisible characters. Rules are
written once in natural spelling and folded by the same functions, so they meet the text halfway.

Three views are produced, each mapping positions back to the original string:
  * main: per-character fold (NFKC, case fold, diacritics stripped, Kazakh letters to their Russian
    base, и/й/ы/і merged, soft/hard signs dropped, invisible characters dropped), then homoglyphs and
    leetspeak repaired inside words that mix scripts or letters and digits;
  * collapsed: only when spaced-out letters occur ("к о д" -> "код");
  * translit: only for Latin-dominant text, Latin words rewritten in folded Cyrillic so Russian and
    Kazakh terms also catch "perevedite dengi" and "ulttyq bank".
Every step is linear-time: per-character tables and RE2 (no backtracking).
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from typing import NamedTuple

from kzscam.lazyre import lazy_re, lazy_re2

# Zero-width, bidi controls and other invisible format characters: dropped, but their presence is a
# signal (used to hide words from filters or to reverse how a link reads).
INVISIBLE = (
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b\u200c\u200d\u200e\u200f"
    "\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069"
    "\u206a\u206b\u206c\u206d\u206e\u206f\u3164\ufeff\uffa0"
)
# Also dropped and counted: control characters (not tab/newline), DEL, variation selectors, Unicode
# tag characters, the braille blank and interlinear annotation marks, all used to split words.
_INVISIBLE_RANGES = ((0x00, 0x08), (0x0B, 0x0C), (0x0E, 0x1F), (0x7F, 0x7F), (0x180B, 0x180D),
                     (0x2800, 0x2800), (0xFE00, 0xFE0F), (0xFFF9, 0xFFFB), (0xE0000, 0xE007F),
                     (0xE0100, 0xE01EF))
_INVISIBLE_CLASS = "[" + INVISIBLE + "".join(
    chr(a) if a == b else f"{chr(a)}-{chr(b)}" for a, b in _INVISIBLE_RANGES) + "]"
_INVISIBLE_SET = frozenset(INVISIBLE)


def is_invisible(ch: str) -> bool:
    """Dropped by folding and counted as a signal (a plain test: no regex to compile at start-up)."""
    if ch in _INVISIBLE_SET:
        return True
    code = ord(ch)
    return any(a <= code <= b for a, b in _INVISIBLE_RANGES)


# Variation selectors and tag characters belong to the character before them: after an emoji
# ("⚡️", "❗️", a flag's tags) they are ordinary even when a word follows with no space ("❗️Срочно").
_SELECTORS = "[\ufe00-\ufe0f\U000e0000-\U000e007f\U000e0100-\U000e01ef]"
_OTHER_INVISIBLE = "[" + INVISIBLE + "".join(
    chr(a) if a == b else f"{chr(a)}-{chr(b)}" for a, b in _INVISIBLE_RANGES
    if not (0xFE00 <= a <= 0xFE0F or a >= 0xE0000)) + "]"


@lru_cache(maxsize=1)
def invisible_in_word() -> re.Pattern[str]:
    """Invisible characters touching a letter or digit (compiled only when a message has any).

    Only those count as the signal: inside emoji sequences (❤️ with U+FE0F, family emoji joined by
    U+200D, flag tags) and keycaps (4️⃣: a digit, U+FE0F, U+20E3) they are ordinary. A selector
    counts only after a letter or digit; the others on either side of one.
    """
    keycap = "(?![\ufe0e\ufe0f]\u20e3)"
    return re.compile(f"(?<=\\w){keycap}{_SELECTORS}|(?<=\\w){_OTHER_INVISIBLE}"
                      f"|{_OTHER_INVISIBLE}(?=\\w)")


# Kazakh (and a few other Cyrillic) letters folded to the Russian letter people type instead.
_CYR_LOOSE = {
    "ә": "а", "ғ": "г", "қ": "к", "ң": "н", "ө": "о", "ұ": "у", "ү": "у", "һ": "х",
    "і": "и", "ї": "и", "ы": "и", "й": "и", "ё": "е", "є": "е", "ў": "у", "ь": "", "ъ": "", "щ": "ш",
}
# Latin letters of the Kazakh Latin alphabets whose base letter would lose the sound.
# Small capitals (ᴋᴀsᴘɪ) look like Latin letters but NFKC leaves them alone.
_SMALL_CAPS = dict(zip("ᴀʙᴄᴅᴇꜰɢʜɪᴊᴋʟᴍɴᴏᴘǫʀꜱᴛᴜᴠᴡʏᴢᴩ", "abcdefghijklmnopqrstuvwyzp", strict=True))
# Small capitals that look like Cyrillic letters and like no Latin one ("ʙᴀᴋᴀɴᴄɪя", "ᴨɪɯɪ"): folded
# to those letters, and a Latin word made with them is repaired back ("ʙɪɴᴀɴᴄᴇ" -> binance) like any
# mixed-script word. ʙ stays b: "ʙᴀɴᴋ" is bank, and b is в's look-alike in Cyrillic words; ɯ (a
# turned m) stays: upside-down text ("ɯnsdᴉ ɯǝɹo˥") uses it for m.
_SMALL_CAPS.update({"ɴ": "н", "ᴨ": "п", "ᴦ": "г", "ᴧ": "л"})
# ý is у in the 2018 Kazakh Latin alphabet ("aýdarý" = аудару), not a y with an accent.
_LATIN_SPECIAL = {"ş": "sh", "ç": "ch", "ı": "i", "ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d",
                  "ý": "u"}
# Greek letters that pass for Latin or Cyrillic ones ("зαрαбοтοк", "ΚΑSΡΙ"): folded to the Latin
# look-alike, so a word that mixes them with Cyrillic is repaired and reported as mixed-script.
_GREEK = dict(zip("αβγειкνορτυχω".replace("к", "κ"), "abyeikvoptuxw", strict=True))


def _fold_char(ch: str) -> str:
    if is_invisible(ch):
        return ""
    if "\ud800" <= ch <= "\udfff":
        return "\ufffd"  # a lone surrogate: RE2's binding cannot encode it; one character for one
    out = []
    for c in unicodedata.normalize("NFKC", ch).casefold():
        c = _LATIN_SPECIAL.get(c) or _SMALL_CAPS.get(c) or _GREEK.get(c, c)
        for d in unicodedata.normalize("NFKD", c):
            if unicodedata.combining(d):
                continue
            out.append(_CYR_LOOSE.get(d, d))
    return "".join(out)


class _FoldTable(dict[int, str]):
    """str.translate table filled lazily: C-speed lookups after the first sight of a character."""

    def __missing__(self, key: int) -> str:
        value = _fold_char(chr(key))
        self[key] = value
        return value


class _FoldLenTable(dict[int, str]):
    """Maps a character to chr(length of its fold): lets offsets be checked with str.translate."""

    def __missing__(self, key: int) -> str:
        value = chr(min(len(FOLD[key]), 0x10FFFF))
        self[key] = value
        return value


class _InvisibleOnlyTable(dict[int, str | None]):
    """Keeps only invisible characters: `text.translate` then says at C speed whether any occur."""

    def __missing__(self, key: int) -> str | None:
        ch = chr(key)
        value = ch if is_invisible(ch) else None
        self[key] = value
        return value


_INVISIBLE_ONLY = _InvisibleOnlyTable()
_invisible_calls = 0


def _has_invisible(text: str) -> bool:
    """Any invisible character? A translate table for the first messages (nothing to compile),
    then a compiled class, which is several times faster per message in a batch."""
    global _invisible_calls
    if _invisible_calls > 32:
        return _invisible_search()(text) is not None
    _invisible_calls += 1
    return bool(text.translate(_INVISIBLE_ONLY))


@lru_cache(maxsize=1)
def _invisible_search() -> Callable[[str], re.Match[str] | None]:
    return re.compile(_INVISIBLE_CLASS).search
FOLD = _FoldTable()
FOLD_LEN = _FoldLenTable()
for _c in range(128):
    FOLD[_c] = "" if is_invisible(chr(_c)) else chr(_c).lower()


def fold(text: str) -> str:
    """Character-level fold only (used for rule terms and by other detectors)."""
    return text.translate(FOLD)


# Look-alike letters between Latin and (folded) Cyrillic, by shape in either case.
# u and d pass for и and д in Cyrillic words ("людu", "dоход"); 6 for б ("зара6оток").
_LAT_TO_CYR = str.maketrans("aceopxykmthbi03ud", "асеорхукмтнвиозид")
# In a Latin word a Cyrillic н is more often Kazakh ң typed by sound ("zhaңa") than a fake h.
_CYR_TO_LAT = str.maketrans("асеорхукмтнви", "aceopxykmtnbi")
_LAT_LOOKS = frozenset("aceopxykmthbiud")
_CYR_LOOKS = frozenset("асеорхукмтнви")
_LEET_LAT = str.maketrans("013457@$", "oieastas")
_LEET_CYR = str.maketrans("01346@", "оизчба")
# A wallet or contract address ("0x79c9...") is hex, not leetspeak: its letters stay as written.
_HEX_ADDRESS = lazy_re(r"0x[0-9a-f]{6,}")

_MIXED_WORD = lazy_re2(
    r"[0-9a-zа-я]*(?:[a-z][0-9a-z]*[а-я]|[а-я][0-9а-я]*[a-z])[0-9a-zа-я]*"
)
_LEET_WORD = lazy_re2(r"[0-9a-zа-я@$]*(?:[a-zа-я][0-9@$]|[0-9@$][a-zа-я])[0-9a-zа-я@$]*")
# One class or a fixed-length sequence: linear in the stdlib engine, which costs far less per call.
_HAS_LATIN = re.compile(r"[a-z]")
_HAS_CYR = re.compile(r"[а-я]")
_HAS_DIGIT_IN_WORD = lazy_re(r"[a-zа-я][0-9@$]|[0-9@$][a-zа-я]")
_SEP = "[ .\\-_*·•/|]"
_MAYBE_SPACED = lazy_re(f"[a-zа-я]{_SEP}[a-zа-я]{_SEP}[a-zа-я]")  # prefilter for _SPACED
_SPACED = lazy_re2(r"(?:^|[^0-9a-zа-я])([a-zа-я](?:[ .\-_*·•/|][a-zа-я]){2,})(?:$|[^0-9a-zа-я])")
# Simple, non-nested patterns: safe (linear) in the stdlib engine, which has less per-match overhead.
_LATIN_WORD = lazy_re(r"[a-z][a-z']*")
_WORDS_LATIN3 = lazy_re(r"[a-z]{3,}")
_CYR_CHARS = lazy_re(r"[а-я]")


# A Latin name with a Kazakh or Russian case ending ("Kaspiге", "WhatsAppтан", "iPhoneды") is how
# people write, not a disguise; a lone Cyrillic letter at the end ("kaspі") still is one.
_INFLECTED = lazy_re("[a-z0-9]{2,}[а-я]{2,5}")


def _mixed_words(folded: str) -> list[tuple[int, int]]:
    """Spans of words written in two scripts at once (leetspeak alone does not count)."""
    if not (_HAS_LATIN.search(folded) and _HAS_CYR.search(folded)):
        return []
    return [m.span() for m in _MIXED_WORD.finditer(folded) if not _INFLECTED.fullmatch(m.group())]


def _repair_word(word: str) -> str:
    """Fold a mixed-script or leet word to its dominant script; keeps the length unchanged."""
    lat = sum(1 for c in word if "a" <= c <= "z")
    cyr = sum(1 for c in word if "а" <= c <= "я")
    digits = len(word) - lat - cyr
    if lat and cyr:
        # A letter with no look-alike in the other script decides ("дoxoд" has д: Cyrillic);
        # otherwise the majority does.
        cyr_only = any("а" <= c <= "я" and c not in _CYR_LOOKS for c in word)
        lat_only = any("a" <= c <= "z" and c not in _LAT_LOOKS for c in word)
        to_cyr = cyr_only if cyr_only != lat_only else cyr >= lat
        word = word.translate(_LAT_TO_CYR) if to_cyr else word.translate(_CYR_TO_LAT)
    if digits and (lat + cyr) > digits and len(word) >= 3 and not _HEX_ADDRESS.fullmatch(word):
        if cyr > lat and "3" in word:
            word = _three_as_ye(word)
        word = word.translate(_LEET_CYR if cyr > lat else _LEET_LAT)
    return word


def _three_as_ye(word: str) -> str:
    """'3' is з by its shape ("3аработок") but е between two consonants ("д3нь", "прив3т"),
    where Russian needs a vowel."""
    chars = list(word)
    for i in range(1, len(chars) - 1):
        if chars[i] == "3" and _is_cyr_consonant(chars[i - 1]) and _is_cyr_consonant(chars[i + 1]):
            chars[i] = "е"
    return "".join(chars)


def _is_cyr_consonant(c: str) -> bool:
    return "а" <= c <= "я" and c not in "аеиоуыэюя"


def _repair(folded: str) -> str:
    if not (_HAS_LATIN.search(folded) and _HAS_CYR.search(folded)) and not _HAS_DIGIT_IN_WORD.search(
        folded
    ):
        return folded
    pieces: list[str] = []
    last = 0
    for pattern in (_MIXED_WORD, _LEET_WORD):
        pieces, last = [], 0
        for m in pattern.finditer(folded):
            pieces.append(folded[last : m.start()])
            pieces.append(_repair_word(m.group(0)))
            last = m.end()
        if pieces:
            pieces.append(folded[last:])
            folded = "".join(pieces)
    return folded


# Latin -> folded Cyrillic, digraphs first (Russian and Kazakh informal transliteration). "j" is
# always ж: Kazakh writes ж as j in both its Latin alphabets and in informal ASCII ("jaz", "jiber",
# "jumys"), while Russian transliteration writes я and ю as "ya" and "yu" far more often than "ja", "ju".
_TRANSLIT_DI = {
    "shch": "ш", "sch": "сч", "sh": "ш", "ch": "ч", "zh": "ж", "kh": "х", "ts": "ц", "tc": "ц",
    "ya": "я", "yu": "ю", "yo": "е", "ye": "е", "ck": "к",
    # Kazakh's 2021 Latin alphabet writes я and ю as "ıa", "ıý"/"ıu" (ı folds to i): "alaıaqtar"
    "ia": "я", "iu": "ю",
}
_TRANSLIT_1 = str.maketrans({
    "a": "а", "b": "б", "c": "к", "d": "д", "e": "е", "f": "ф", "g": "г", "h": "х", "i": "и",
    "j": "ж", "k": "к", "l": "л", "m": "м", "n": "н", "o": "о", "p": "п", "q": "к", "r": "р",
    "s": "с", "t": "т", "u": "у", "v": "в", "w": "у", "x": "кс", "y": "и", "z": "з", "'": "",
})
_DIGRAPH_RE = lazy_re2("shch|sch|sh|ch|zh|kh|ts|tc|ya|yu|yo|ye|ia|iu|ck")


@lru_cache(maxsize=65536)
def translit_word(word: str) -> str:
    """Latin word -> folded Cyrillic ("dengi" -> "денги", "ulttyq" -> "улттик")."""
    out: list[str] = []
    last = 0
    for m in _DIGRAPH_RE.finditer(word):
        out.append(word[last : m.start()].translate(_TRANSLIT_1))
        out.append(_TRANSLIT_DI[m.group(0)])
        last = m.end()
    out.append(word[last:].translate(_TRANSLIT_1))
    return "".join(out)


# Per-message objects are plain slotted classes, not dataclasses: cheaper to create in batches and
# to define at import (start-up time is measured).
class _Segment(NamedTuple):
    start: int  # in this view
    length: int
    parent_start: int
    parent_length: int


_FoldMap = tuple[list[int], list[int], list[int], int]
_NOT_ONE = re.compile("[^\x01]")


def _fold_map(original: str) -> _FoldMap:
    """How main-view positions map back to `original`, from the few characters whose fold is not
    exactly one character (dropped ь/ъ and invisibles, expanded ß or №): piecewise offsets.

    Entry k covers view positions from starts[k] up to the next start: they map to fixed[k] when
    that is set (the characters one original character expanded to), else to position + offsets[k].
    Only the exceptions are visited in Python; finding them runs at C speed.
    """
    # Each original character folds to 0, 1 or more characters; FOLD_LEN encodes that count.
    lens = original.translate(FOLD_LEN)
    starts, offsets, fixed = [0], [0], [-1]
    shift = 0  # original index minus view position, past the exceptions seen so far
    for m in _NOT_ONE.finditer(lens):
        i = m.start()
        count = ord(lens[i])
        at = i - shift  # view position where character i's fold begins
        if starts[-1] != at:
            starts.append(at)
            offsets.append(0)
            fixed.append(-1)
        if count == 0:
            shift += 1
            offsets[-1], fixed[-1] = shift, -1
        else:
            fixed[-1] = i
            shift -= count - 1
            starts.append(at + count)
            offsets.append(shift)
            fixed.append(-1)
    return starts, offsets, fixed, len(original) - shift


class View:
    """One folded form of the text and the way back from its positions to the original string."""

    __slots__ = ("_cum", "_starts", "name", "original", "parent", "segments", "text")

    def __init__(self, name: str, text: str, original: str, parent: View | None = None,
                 segments: list[_Segment] | None = None) -> None:
        self.name = name
        self.text = text
        self.original = original
        self.parent = parent
        self.segments = segments or []  # changed regions only, sorted
        self._starts: list[int] = [seg.start for seg in self.segments]
        self._cum: _FoldMap | None = None  # main view: the way back through folding

    def to_original(self, pos: int) -> int:
        """Original index of the character at view position `pos`."""
        if self.parent is None:
            return self._main_to_original(pos)
        i = bisect.bisect_right(self._starts, pos) - 1
        if i >= 0:
            seg = self.segments[i]
            if pos < seg.start + seg.length:
                offset = min(pos - seg.start, max(seg.parent_length - 1, 0))
                return self.parent.to_original(seg.parent_start + offset)
            shift = (seg.parent_start + seg.parent_length) - (seg.start + seg.length)
        else:
            shift = 0
        return self.parent.to_original(pos + shift)

    def _main_to_original(self, pos: int) -> int:
        if self._cum is None:
            self._cum = _fold_map(self.original)
        starts, offsets, fixed, folded_len = self._cum
        if folded_len == 0:
            return min(pos, max(len(self.original) - 1, 0))
        pos = min(pos, folded_len - 1)
        k = bisect.bisect_right(starts, pos) - 1
        return fixed[k] if fixed[k] >= 0 else pos + offsets[k]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original [start, end) of the view span [start, end)."""
        if end <= start:
            o = self.to_original(start)
            return o, o
        return self.to_original(start), self._end_to_original(end)

    def _end_to_original(self, end: int) -> int:
        """Original end of a span ending at `end`: a span that ends where a rewritten piece ends
        ends where that piece ended in the parent ("srochno" read as "срочно" is quoted whole),
        and marks the fold dropped after the last letter (an accent) stay with it."""
        if self.parent is None:
            orig = self.original
            out = self.to_original(end - 1) + 1
            while out < len(orig) and unicodedata.combining(orig[out]):
                out += 1
            return out
        i = bisect.bisect_right(self._starts, end - 1) - 1
        if i >= 0:
            seg = self.segments[i]
            if end - 1 < seg.start + seg.length:
                if end == seg.start + seg.length:
                    return self.parent._end_to_original(seg.parent_start + seg.parent_length)
                return self.parent._end_to_original(
                    seg.parent_start + min(end - seg.start, max(seg.parent_length, 1)))
            shift = (seg.parent_start + seg.parent_length) - (seg.start + seg.length)
        else:
            shift = 0
        return self.parent._end_to_original(end + shift)


def _derived(name: str, parent: View, replacements: list[tuple[int, int, str]]) -> View:
    pieces: list[str] = []
    segments: list[_Segment] = []
    last = 0
    out_len = 0
    for start, end, new in replacements:
        pieces.append(parent.text[last:start])
        out_len += start - last
        segments.append(_Segment(out_len, len(new), start, end - start))
        pieces.append(new)
        out_len += len(new)
        last = end
    pieces.append(parent.text[last:])
    return View(name, "".join(pieces), parent.original, parent, segments)


class Normalized(NamedTuple):
    """All views of one message, plus signals the folding itself uncovered."""

    original: str
    views: tuple[View, ...]
    invisible_chars: int
    mixed_script_words: bool

    @property
    def main(self) -> View:
        return self.views[0]

    def mixed_spans(self) -> list[tuple[int, int]]:
        """Original spans of words that were written in two scripts at once."""
        if not self.mixed_script_words:
            return []
        folded = self.original.translate(FOLD)
        main = self.main
        return [main.span(s, e) for s, e in _mixed_words(folded)]


def normalize(text: str) -> Normalized:
    """Fold `text` into its views (linear time)."""
    folded = text.translate(FOLD)
    invisible = len(invisible_in_word().findall(text)) if _has_invisible(text) else 0
    repaired = _repair(folded)
    mixed = repaired != folded and bool(_mixed_words(folded))
    main = View("main", repaired, text)
    views = [main]
    spaced = ([(m.start(1), m.end(1)) for m in _SPACED.finditer(repaired)]
              if _MAYBE_SPACED.search(repaired) else [])
    if spaced:
        repl = []
        for s, e in spaced:
            chunk = repaired[s:e]
            repl.append((s, e, "".join(c for c in chunk if c.isalpha())))
        views.append(_derived("collapsed", main, repl))
    latin_words = len(_WORDS_LATIN3.findall(repaired[:4096]))
    if latin_words >= 2 and latin_words * 3 > len(_CYR_CHARS.findall(repaired[:4096])):
        repl = [
            (m.start(), m.end(), translit_word(m.group(0)))
            for m in _LATIN_WORD.finditer(repaired)
        ]
        views.append(_derived("translit", main, repl))
    return Normalized(text, tuple(views), invisible, mixed)
