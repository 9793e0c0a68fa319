"""Quotes people can read: whole words, and never a lone filler word.

A matcher's evidence span can end inside a word (`«назовите код и»` for "код из") or be one
word that says nothing on its own (`«это»`, `«мен»`, `«You»`, picked by the learned model). The
report quotes the words around the span instead; offsets and JSON evidence stay as matched.
"""

from __future__ import annotations

import re
from functools import cache

from kzscam.model import Evidence
from kzscam.output.advice import DATA

_WORD = re.compile(r"\w+(?:[-'’]\w+)*")


@cache
def fillers() -> frozenset[str]:
    """Words that mean nothing alone (advice.toml [quotes] fillers), lower-cased."""
    import tomllib

    data = tomllib.loads(DATA.read_text(encoding="utf-8"))
    return frozenset(w.lower() for w in data["quotes"]["fillers"])


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _near(gap: str) -> bool:
    """Two words belong in one quote when only a space and a mark or two stand between them."""
    return len(gap) <= 3 and "\n" not in gap


def quote(text: str | None, ev: Evidence) -> Evidence:
    """The evidence widened to whole words; a lone filler word takes its next (else previous)
    word along. Links and evidence whose offsets do not index `text` are quoted as matched."""
    if (not text or ev.kind == "link" or not 0 <= ev.start < ev.end <= len(text)
            or text[ev.start:ev.end] != ev.text):
        return ev
    start, end = ev.start, ev.end
    while start > 0 and _is_word_char(text[start - 1]) and _is_word_char(text[start]):
        start -= 1
    while end < len(text) and _is_word_char(text[end - 1]) and _is_word_char(text[end]):
        end += 1
    words = _WORD.findall(text[start:end])
    if len(words) == 1 and words[0].lower() in fillers():
        after = _WORD.search(text, end)
        if after is not None and _near(text[end:after.start()]):
            end = after.end()
        else:
            before = list(_WORD.finditer(text, 0, start))
            if before and _near(text[before[-1].end():start]):
                start = before[-1].start()
    return Evidence(text[start:end], start, end, ev.kind)
