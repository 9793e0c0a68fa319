"""Recognise the conversation steps (rules/chat_steps.toml) in one message.

Cue terms go into a pattern table of their own built by the text rules' machinery
(`kzscam.rules.table`): the same term syntax and folding ("ұлттық" also matches "улттык", "Kаspi"
with a Cyrillic а), the same Aho-Corasick prefilter confirmed by RE2 (linear time on hostile
input), and the same negation as `check-text`: a negation term just before the cue, a sentence
saying what someone never does ("we will never ask for your code"), Kazakh post-negation
("код керек емес"), negative imperatives ("кодты жібермеңіз") and quoted reported speech
(«кодты айтыңыз» деген). So a chat never reads as a request what `check-text` reads as advice.
A finding of the text rules whose tags name the step counts as well, so new text rules strengthen
the chains for free.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

from kzscam.chat.cues import Step, vocabulary
from kzscam.model import Evidence, Finding
from kzscam.rules.table import PatternTable, Scan
from kzscam.rules.terms import expand_terms
from kzscam.text.normalize import normalize


class _Compiled(NamedTuple):
    """A step's pattern ids in the shared step table."""

    step: Step
    terms: int | None
    groups: tuple[int, ...]
    regex: tuple[int, ...]
    none: int | None
    negations: int | None


class StepMatcher:
    """Compiled cues of every step; one pattern table for all of them, built once."""

    def __init__(self, lexicon: Mapping[str, Sequence[str]]) -> None:
        table = PatternTable()

        def pattern(terms: Sequence[str], where: str) -> int:
            return table.add_terms(expand_terms(terms, lexicon, where), where)

        self._steps: list[_Compiled] = []
        for step in vocabulary().steps.values():
            where = f"chat step {step.name}"
            self._steps.append(_Compiled(
                step,
                pattern(step.terms, where) if step.terms else None,
                tuple(pattern(g, where) for g in step.all_of),
                tuple(table.add_regex(r, where) for r in step.regex),
                pattern(step.none, where + " none") if step.none else None,
                pattern(step.negations, where + " negations") if step.negations else None,
            ))
        table.freeze()
        self._table = table

    @staticmethod
    def _first(scan: Scan, pid: int, compiled: _Compiled) -> Evidence | None:
        """The earliest cue of the pattern that no negation governs, in original positions."""
        best: Evidence | None = None
        for span in scan.spans(pid):
            if scan.negated(span, compiled.negations, compiled.step.negation_window):
                continue
            view, start, end = span
            start, end = view.span(start, end)
            if best is None or start < best.start:
                best = Evidence(view.original[start:end], start, end)
        return best

    def match(self, text: str, findings: Iterable[Finding] = ()) -> dict[str, Evidence]:
        """The steps this message performs, each with the words (or finding) that show it."""
        found: dict[str, Evidence] = {}
        findings = list(findings)
        scan = Scan(self._table, normalize(text))
        for compiled in self._steps:
            if compiled.none is not None and scan.occurs(compiled.none):
                continue
            ev = None
            if compiled.terms is not None and scan.occurs(compiled.terms):
                ev = self._first(scan, compiled.terms, compiled)
            for pid in compiled.regex:
                if ev is None and scan.occurs(pid):
                    ev = self._first(scan, pid, compiled)
            if ev is None and compiled.groups and all(scan.occurs(g) for g in compiled.groups):
                hits = [self._first(scan, g, compiled) for g in compiled.groups]
                ev = hits[0] if all(h is not None for h in hits) else None
            if ev is None:  # the cue words did not say it, but a text rule did
                tags = compiled.step.tags
                tagged = next((f for f in findings if tags & set(f.tags) and f.evidence), None)
                ev = tagged.evidence[0] if tagged is not None else None
            if ev is not None:
                found[compiled.step.name] = ev
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
