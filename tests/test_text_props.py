"""Property tests for text extraction and folding: any text is handled without error, and every
entity's offsets point at the text it was read from (findings quote the original message)."""

from __future__ import annotations

from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from kzscam.pipeline.text import text_hits
from kzscam.text.extract import (
    SHORT_NUMBERS,
    Entity,
    extract_all,
    iin_ok,
    luhn_ok,
    undefang,
)
from kzscam.text.normalize import normalize

SETTINGS = settings(max_examples=200, deadline=None)

# Fragments that build numbers, links (plain, defanged, e-mail-like) and disguised words, plus the
# characters that break naive code: non-ASCII digits, invisibles, combining marks, emoji, lone
# surrogates (a JSON "\ud800" escape reaches the API as one).
FRAGMENTS = st.sampled_from([
    "1", "7", "8", "0", "4", "12", "1477", "102", "+7", "+", " ", "-", ".", "(", ")", "\n", "\t",
    ",", ":", "%", "4400 4301 2345 6786", "900101300123", "+7 701 123 45 67", "8 (7172) 77-52-10",
    "http://", "hxxps://", "https://", "www.", "m.", "[.]", "(.)", "{.}", "[dot]", "(dot)", "[:]//",
    "kaspi", "kz", ".kz", ".ru", ".support", "рф", "/", "?", "#", "@", "«", "»", "\"", "'",
    "к", "о", "д", "с к и д к а", "Kаspi", "c0de", "Ұлттық", "ß", "№", "ﬁ", "İ", "\u0301", "١",
    "٣", "\u200b", "\u200d", "\ufeff", "\u202e", "\x00", "\x7f", "😀", "❤️", "\ud800", "\udfff",
])
TEXTS = st.lists(FRAGMENTS | st.text(max_size=3), max_size=40).map("".join)
DIGITS = "0123456789"


def _digits(s: str) -> str:
    return "".join(c for c in s if c in DIGITS)


def _round_trips(text: str, ent: Entity) -> bool:
    """`ent.value` is what `text[start:end]` says, in the entity's cleaned form."""
    src = text[ent.start:ent.end]
    if ent.kind == "url":
        return undefang(src) == ent.value
    if ent.kind == "phone":
        if ent.value in SHORT_NUMBERS and src == ent.value:
            return True
        digits = _digits(src)
        return _digits(ent.value)[-10:] == digits[-10:] and 10 <= len(digits) <= 15
    if ent.kind == "card":
        digits = _digits(src)
        return luhn_ok(digits) and ent.value == digits[:6] + "…" + digits[-4:]
    if ent.kind == "iin":
        return iin_ok(src) and ent.value == src[:6] + "…"
    return False


@SETTINGS
@given(TEXTS)
def test_entities_round_trip(text: str) -> None:
    entities = extract_all(text)
    links = [e for e in entities if e.kind == "url"]
    for ent in entities:
        assert 0 <= ent.start < ent.end <= len(text), ent
        assert _round_trips(text, ent), (ent, text[ent.start:ent.end])
    for a, b in pairwise(links):
        assert a.end <= b.start  # links never overlap
    for ent in entities:  # a number inside a link belongs to the link
        assert ent.kind == "url" or not any(u.start <= ent.start < u.end for u in links)


@SETTINGS
@given(st.text(max_size=200))
def test_any_text_is_extracted_and_folded(text: str) -> None:
    for variant in (text, text + "\ud800 kaspi.kz 87011234567", "\udfff" + text * 3):
        for ent in extract_all(variant):
            assert _round_trips(variant, ent)
        norm = normalize(variant)
        for view in norm.views:
            for pos in (0, len(view.text) // 2, max(len(view.text) - 1, 0)):
                assert 0 <= view.to_original(pos) <= max(len(variant) - 1, 0)


@SETTINGS
@given(TEXTS, st.integers(min_value=0, max_value=3))
def test_long_messages_round_trip(text: str, repeat: int) -> None:
    # Past 1,024 characters the number patterns run in RE2 on an ASCII copy: same offsets.
    long_text = ("x " * 520) + text * (repeat + 1)
    for ent in extract_all(long_text):
        assert _round_trips(long_text, ent), ent


@settings(max_examples=60, deadline=None)
@given(TEXTS)
def test_findings_quote_the_original_text(text: str) -> None:
    from kzscam.engine import get_engine

    message = "Переведите деньги на безопасный счёт, назовите код " + text
    outcome = text_hits(get_engine(), message)
    for hit in outcome.hits:
        for ev in hit.evidence:
            assert 0 <= ev.start <= ev.end <= len(message)
            assert message[ev.start:ev.end] == ev.text
