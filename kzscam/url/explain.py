"""Explanations of brand matches in plain words, and brand names found in path words."""

from __future__ import annotations

from kzscam.checks import UrlCheck
from kzscam.url.brands import Keyword, index, words
from kzscam.url.lookalike import BrandMatch
from kzscam.url.skeleton import describe, fold_char, imitates_ascii, variants


def _chars_why(label: str, kw: Keyword) -> str:
    odd = [(i, c) for i, c in enumerate(label) if imitates_ascii(c)]
    if odd:
        return "; ".join(f"letter {i + 1} is {describe(c)}, not Latin '{fold_char(c)}'"
                         for i, c in odd[:3])
    return f"'{label}' is written with look-alike characters for '{kw.word}'"


def describe_match(match: BrandMatch) -> tuple[str, str]:
    """(hit check name, English one-line reason) for a brand match."""
    kw, label = match.keyword, match.label
    if match.kind == "homoglyph":
        return UrlCheck.HOMOGLYPH, _chars_why(label, kw)
    if match.kind == "subdomain":
        return UrlCheck.BRAND_SUBDOMAIN, (
            f"'{label}' is only a prefix: the address really belongs to {match.extra}")
    if match.kind == "layout":
        return UrlCheck.LOOKALIKE, (
            f"'{kw.word}' typed with the Russian/Kazakh keyboard layout on (reads '{match.extra}')")
    if match.kind == "split":
        return UrlCheck.LOOKALIKE, f"the name '{kw.word}' cut into parts by dots"
    if match.kind == "typo":
        return UrlCheck.LOOKALIKE, (
            f"'{label}' differs from '{kw.word}' by {max(match.distance, 1)} character(s)")
    if match.kind == "combo":
        return UrlCheck.COMBOSQUAT, f"the name '{kw.word}' with '{match.extra}' added"
    return UrlCheck.TLD_SWAP, f"'{label}' under another ending instead of {kw.real}"


def brand_in_words(tokens: list[str]) -> Keyword | None:
    """A brand named among `tokens` (path words): distinctive names, or everyday ones with lures."""
    idx, vocab = index(), words()
    lures = any(vocab.is_lure(t) for t in tokens)
    for token in tokens[:60]:
        for kw in idx.lookup(variants(token)):
            if (not kw.generic and len(kw.key) >= 4) or lures:
                return kw
    return None
