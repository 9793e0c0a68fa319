"""Recognise the conversation steps (rules/chat_steps.toml) in one message.

Cue terms are compiled once per process with the same term syntax and folding as text rules
(`kzscam.rules.matchers.term_regex`, so "ұлттық" also matches "улттык" and "Kаspi" with a
Cyrillic а), into one RE2 pattern per step: linear time on hostile input. A finding of the text
rules whose tags name the step counts as well, so new text rules strengthen the chains for free.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import re2

from kzscam.chat.cues import Step, vocabulary
from kzscam.model import Evidence, Finding
from kzscam.rules.terms import WORD_CLASS, expand_terms, re2_options, term_regex
from kzscam.text.normalize import View, fold, normalize

_WORD = re2.compile(f"[{WORD_CLASS}']+")


def _compile(terms: Sequence[str], lexicon: Mapping[str, Sequence[str]], where: str) -> Any:
    alts = "|".join(term_regex(t) for t in expand_terms(terms, lexicon, where))
    return re2.compile(f"(?:^|[^{WORD_CLASS}])({alts})", options=re2_options())


class StepMatcher:
    """Compiled cues of every step; thread-safe after construction (read-only)."""

    def __init__(self, lexicon: Mapping[str, Sequence[str]]) -> None:
        vocab = vocabulary()
        self._steps = list(vocab.steps.values())
        self._window = vocab.negation_words  # words before a request that can negate it
        self._terms: dict[str, Any] = {}
        self._groups: dict[str, list[Any]] = {}
        for step in self._steps:
            where = f"chat step {step.name}"
            if step.terms:
                self._terms[step.name] = _compile(step.terms, lexicon, where)
            self._groups[step.name] = [_compile(g, lexicon, where) for g in step.all_of]
        self._negations = {fold(n) for n in vocab.negations}

    def _negated(self, view: View, start: int) -> bool:
        before = _WORD.findall(view.text[max(0, start - 40) : start])[-self._window:]
        phrase = " ".join(before)
        return any(w in self._negations for w in before) or any(
            " " in n and n in phrase for n in self._negations)

    def _search(self, pattern: Any, views: Iterable[View], step: Step) -> Evidence | None:
        for view in views:
            for m in pattern.finditer(view.text):
                if step.negatable and self._negated(view, m.start(1)):
                    continue
                end = m.end(1)
                while end > m.start(1) and not view.text[end - 1].isalnum():
                    end -= 1  # the pattern's trailing word boundary is not part of the quote
                start, end = view.span(m.start(1), end)
                return Evidence(view.original[start:end], start, end)
        return None

    def match(self, text: str, findings: Iterable[Finding] = ()) -> dict[str, Evidence]:
        """The steps this message performs, each with the words (or finding) that show it."""
        found: dict[str, Evidence] = {}
        findings = list(findings)
        views = normalize(text).views
        for step in self._steps:
            pattern = self._terms.get(step.name)
            ev = self._search(pattern, views, step) if pattern is not None else None
            groups = self._groups[step.name]
            if ev is None and groups:
                hits = [self._search(g, views, step) for g in groups]
                ev = hits[0] if all(h is not None for h in hits) else None
            if ev is None:  # the cue words did not say it, but a text rule did
                tagged = next((f for f in findings if step.tags & set(f.tags) and f.evidence),
                              None)
                ev = tagged.evidence[0] if tagged is not None else None
            if ev is not None:
                found[step.name] = ev
        return found


_MATCHERS: dict[int, StepMatcher] = {}
_LOCK = threading.Lock()


def step_matcher(lexicon: Mapping[str, Sequence[str]]) -> StepMatcher:
    """One compiled matcher per lexicon (per engine), built on first use."""
    key = id(lexicon)
    matcher = _MATCHERS.get(key)
    if matcher is None:
        with _LOCK:
            matcher = _MATCHERS.get(key)
            if matcher is None:
                matcher = _MATCHERS[key] = StepMatcher(lexicon)
    return matcher
