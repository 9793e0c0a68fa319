"""Rule terms ("назов* .. код*") as RE2 regular expressions over folded text, and their literals."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import re2

from kzscam.rules.schema import RuleError
from kzscam.text.normalize import fold

# Word characters of FOLDED text (lower case, Kazakh letters folded, diacritics stripped). Narrow
# classes instead of \p{L}: RE2 compiles a \p{L} pattern in ~2 ms but this one in ~0.05 ms, and
# start-up time is a feature. Letters of other scripts count as separators, which is harmless here.
WORD_CLASS = "0-9a-zа-я"
_W = f"[{WORD_CLASS}]"
NW = f"[^{WORD_CLASS}]"
_GAP = rf"(?:{NW}+{_W}+){{0,3}}{NW}+"


def re2_options() -> Any:
    opts = re2.Options()
    opts.max_mem = 64 << 20
    # RE2 logs "DFA out of memory" to stderr on huge, rule-word-dense texts before it falls back to
    # its (still linear) NFA; stderr carries one line per problem, so no library chatter. Invalid
    # patterns still raise.
    opts.log_errors = False
    return opts


# Each term's regex and literal, computed once per process: the lexicon lists (@code, @money ...)
# bring the same terms into many rules, about 68,000 uses of 7,700 distinct terms, and computing
# them afresh for each use was most of compiling the rules when the engine cache is cold.
_REGEX: dict[str, str] = {}
_LITERAL: dict[str, str] = {}


def term_regex(term: str) -> str:
    """One term ("назов* .. код*") -> an RE2 alternative for already-folded text."""
    cached = _REGEX.get(term)
    if cached is None:
        cached = _REGEX[term] = _term_regex(term)
    return cached


# Kazakh voices a stem's final к/қ and п before a vowel ending: куәлік -> куәлігі, ұяшық -> ұяшығы,
# кітап -> кітабы. A stem term written in Kazakh ("жеке куәлік*") also matches the voiced form.
_KAZAKH_LETTERS = frozenset("әіңғүұқөһ")
_VOICED = {"к": "[кг]", "п": "[пб]"}


def _voicing(term: str, folded: list[str]) -> list[bool]:
    """Which folded words are Kazakh stems ending in a consonant that voices before a vowel."""
    original = term.lower().split()
    if len(original) != len(folded):
        return [False] * len(folded)
    return [w.endswith("*") and len(w) > 3 and w.rstrip("*")[-1] in _VOICED
            and not _KAZAKH_LETTERS.isdisjoint(o) for w, o in zip(folded, original, strict=True)]


def _term_regex(term: str) -> str:
    words = fold(term).split()
    voiced = _voicing(term, words)
    if not words:
        raise RuleError(f"empty term {term!r}")
    parts: list[str] = []
    for i, word in enumerate(words):
        if word == "..":
            if i == 0 or i == len(words) - 1:
                raise RuleError(f"term {term!r}: '..' must stand between words")
            parts.append(_GAP)
            continue
        stem = word.endswith("*")
        core = word.rstrip("*")
        if not core:
            raise RuleError(f"term {term!r}: a bare '*'")
        esc = re2.escape(core[:-1]) + _VOICED[core[-1]] if voiced[i] else re2.escape(core)
        if i > 0 and words[i - 1] != "..":
            parts.append(f"{NW}+")
        if stem:
            parts.append(esc + f"{_W}*")
        elif i == len(words) - 1:
            parts.append(esc + f"(?:$|{NW})")
        else:
            parts.append(esc)
    return "".join(parts)


def narrow_classes(pattern: str) -> str:
    """Rewrite \\p{L}, \\p{N}, \\w in a rule regex to the folded-text classes (see WORD_CLASS)."""
    out: list[str] = []
    in_class = False
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            token = pattern[i : i + 5] if pattern[i + 1] == "p" else pattern[i : i + 2]
            repl = {"\\p{L}": "a-zа-я", "\\p{N}": "0-9", "\\w": WORD_CLASS + "_"}.get(token)
            if repl is not None:
                out.append(repl if in_class else f"[{repl}]")
                i += len(token)
                continue
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if ch == "[" and not in_class:
            in_class = True
        elif ch == "]" and in_class:
            in_class = False
        out.append(ch)
        i += 1
    return "".join(out)


def expand_terms(terms: Iterable[str], lexicon: Mapping[str, Sequence[str]], where: str,
                 _seen: frozenset[str] = frozenset()) -> list[str]:
    """Replace `@name` entries with the named lexicon list (nesting allowed, cycles rejected)."""
    out: list[str] = []
    for term in terms:
        if term.startswith("@"):
            name = term[1:]
            if name in _seen:
                raise RuleError(f"{where}: lexicon cycle through @{name}")
            if name not in lexicon:
                raise RuleError(f"{where}: unknown lexicon list @{name}")
            out.extend(expand_terms(lexicon[name], lexicon, where, _seen | {name}))
        else:
            out.append(term)
    return out


_CYRILLIC = re.compile("[а-я]")


def is_cyrillic(pattern: str) -> bool:
    """Does a pattern need Cyrillic text (and so also run on the transliterated view)?"""
    return _CYRILLIC.search(pattern) is not None


_VOICED_LETTER = {"к": "г", "п": "б"}


def term_atoms(term: str) -> list[tuple[tuple[str, ...], bool]]:
    """A term's words as the literal prefilter sees them: (the literals, any of which may start
    the word; is a stem). A voiced Kazakh stem has two: куалик, куалиг."""
    folded = fold(term).split()
    voiced = _voicing(term, folded)
    out: list[tuple[tuple[str, ...], bool]] = []
    for w, v in zip(folded, voiced, strict=True):
        if w == "..":
            continue
        core = w.rstrip("*")
        out.append(((core, core[:-1] + _VOICED_LETTER[core[-1]]) if v else (core,), w.endswith("*")))
    return out


def term_literals(term: str) -> str:
    """The longest literal word of a term: the pattern cannot match unless it occurs as is."""
    cached = _LITERAL.get(term)
    if cached is None:
        # the longest substring every match must hold (a voiced stem's letters before the last)
        words = [lits[0] if len(lits) == 1 else lits[0][:-1] for lits, _stem in term_atoms(term)]
        cached = _LITERAL[term] = max(words, key=len)
    return cached
