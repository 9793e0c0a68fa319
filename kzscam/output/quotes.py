"""Quotes people can read: whole words, and never only filler words or a bare number.

A matcher's evidence span can end inside a word (`«назовите код и»` for "код из"), be one word
that says nothing on its own (`«это»`, `«мен»`, `«You»`, picked by the learned model), two fillers
side by side (`«Привет, это»`), or one group of a grouped number (`«000»` of "100 000"). The
report quotes the words around the span instead; offsets and JSON evidence stay as matched.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

from kzscam.model import Evidence
from kzscam.output.advice import DATA

_WORD = re.compile(r"\w+(?:[-'’]\w+)*")
# A word grows to its whole only up to this length: a longer run of letters and digits is a code
# or a payload (an EMV field chain such as `kaspi0120KZ86…`), not a word.
_LONGEST_WORD = 30
# How many words a quote without meaning may take along on one side.
_STEPS = 3
# Thousands separators inside a grouped number ("100 000", "100 000").
_GROUP_GAPS = frozenset(" \u00a0\u202f\u2009")


@cache
def fillers() -> frozenset[str]:
    """Words that mean nothing alone (advice.toml [quotes] fillers), lower-cased."""
    import tomllib

    data = tomllib.loads(DATA.read_text(encoding="utf-8"))
    return frozenset(w.lower() for w in data["quotes"]["fillers"])


def _word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _same_kind(a: str, b: str) -> bool:
    """Inside a code, letters with letters and digits with digits: `5911ИП` of a payment code
    is a field length and a name, not one word."""
    return _word_char(a) and _word_char(b) and a.isdigit() == b.isdigit()


def _longest(text: str, start: int, end: int) -> int:
    """The longest run of word characters in text[start:end]."""
    return max((len(m) for m in re.findall(r"\w+", text[start:end])), default=0)


def _near(gap: str) -> bool:
    """Two words belong in one quote when only a space and a mark or two stand between them."""
    return len(gap) <= 3 and "\n" not in gap


def _meaningful(text: str) -> bool:
    """Does the quote hold a word that says something (not a filler, not a bare amount)? A
    phone, card or account number (seven digits or more) says something on its own."""
    if sum(c.isdigit() for c in text) >= 7:
        return True
    return any(not w.isdigit() and w.lower() not in fillers() for w in _WORD.findall(text))


def _grouped_number(text: str, start: int, end: int) -> tuple[int, int]:
    """A digit group grows to its whole grouped number: `000` of "100 000" is "100 000"."""
    while (start >= 2 and text[start - 1] in _GROUP_GAPS and text[start - 2].isdigit()
           and text[start].isdigit()):
        start -= 2
        while start > 0 and text[start - 1].isdigit():
            start -= 1
    while (end + 1 < len(text) and text[end] in _GROUP_GAPS and text[end + 1].isdigit()
           and text[end - 1].isdigit()):
        end += 2
        while end < len(text) and text[end].isdigit():
            end += 1
    return start, end


def _next_word(text: str, start: int, end: int) -> tuple[int, int] | None:
    after = _WORD.search(text, end)
    if after is None or not _near(text[end:after.start()]):
        return None
    return _grouped_number(text, start, after.end())


def _previous_word(text: str, start: int, end: int) -> tuple[int, int] | None:
    before = list(_WORD.finditer(text, max(0, start - 200), start))
    if not before or not _near(text[before[-1].end():start]):
        return None
    return _grouped_number(text, before[-1].start(), end)


def _grow(text: str, start: int, end: int,
          step: Callable[[str, int, int], tuple[int, int] | None]) -> tuple[int, int, int] | None:
    """Words taken along one way until the quote says something: (steps, start, end), or None."""
    s, e = start, end
    for n in range(1, _STEPS + 1):
        grown = step(text, s, e)
        if grown is None:
            return None
        s, e = grown
        if _meaningful(text[s:e]):
            return n, s, e
    return None


def _with_meaning(text: str, start: int, end: int) -> tuple[int, int]:
    """Take the fewest neighbouring words along (up to three, the next ones on a tie) until the
    quote says something; a quote that cannot is left as it was."""
    ways = [g for g in (_grow(text, start, end, _next_word), _grow(text, start, end, _previous_word))
            if g is not None]
    if not ways:
        return start, end
    _, s, e = min(ways, key=lambda g: g[0])
    return s, e


def quote(text: str | None, ev: Evidence) -> Evidence:
    """The evidence widened to whole words and, when it says nothing alone (fillers, a bare
    number), to the words next to it. Links and evidence whose offsets do not index `text` are
    quoted as matched."""
    if (not text or ev.kind == "link" or not 0 <= ev.start < ev.end <= len(text)
            or text[ev.start:ev.end] != ev.text):
        return ev
    start, end = ev.start, ev.end
    while start > 0 and _word_char(text[start - 1]) and _word_char(text[start]):
        start -= 1
    while end < len(text) and _word_char(text[end - 1]) and _word_char(text[end]):
        end += 1
    if _longest(text, start, end) > _LONGEST_WORD:
        # A run this long is a code or a payload: grow only within letters or within digits.
        start, end = ev.start, ev.end
        while start > 0 and _same_kind(text[start - 1], text[start]) and ev.start - start < 20:
            start -= 1
        while end < len(text) and _same_kind(text[end - 1], text[end]) and end - ev.end < 20:
            end += 1
    start, end = _grouped_number(text, start, end)
    if not _meaningful(text[start:end]):
        start, end = _with_meaning(text, start, end)
    return Evidence(text[start:end], start, end, ev.kind)


# Detectors that judge a whole QR payload quote at most its first 200 characters.
WHOLE_PAYLOAD_QUOTE = 200


def adds_nothing(text: str | None, q: Evidence, shown: int) -> bool:
    """A quote that is the whole text (or all the text line shows of it, `shown` characters, or
    the most a whole-payload quote holds) repeats that line: a QR payload quoted by the rule that
    read it, a one-phrase message."""
    if not text:
        return False
    return q.start == 0 and q.end >= min(len(text.rstrip()), shown, WHOLE_PAYLOAD_QUOTE)
