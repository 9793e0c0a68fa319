"""Which rule terms occur in a message: an Aho-Corasick literal prefilter confirmed by RE2.

Every term of every text rule is one small RE2 regex. A rule's term list is a "pattern": it occurs
when any of its terms occurs. One Aho-Corasick pass over each view finds the terms whose required
literal word is present; only those are compiled (lazily, ~40 us each, once per process) and
confirmed. Measured here: an RE2 Set of all ~3,300 terms was slower (its DFA outgrows any sane
memory budget and RE2 falls back to the NFA: ~2.4 ms per message against ~0.6 ms), so there is no
Set. RE2 never backtracks, so hostile input cannot make matching slower than linear.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import re2

from kzscam.rules.schema import RuleError
from kzscam.rules.terms import NW, is_cyrillic, narrow_classes, re2_options, term_literals, term_regex
from kzscam.text.normalize import Normalized, View

# Generated term regexes alternate disjoint character classes, so the stdlib engine (10x less call
# overhead than the RE2 binding) matches them in linear time per start position; its worst case is
# quadratic in the text length, which is harmless up to this many characters. Longer texts and
# rule authors' own regexes always go through RE2.
SHORT_TEXT = 1024
ALWAYS_SET_AFTER = 32
_CLAUSE_ENDS = ",.;:!?\n"
_RAW = "re:"  # snapshot key prefix of a rule's own regex (terms are stored as their text)
MAX_SPANS = 16  # evidence per term per view: enough to quote, bounded on huge inputs


@dataclass
class PatternTable:
    """Terms (deduplicated), patterns (tuples of term ids) and the machinery to find them."""

    term_sources: list[str] = field(default_factory=list)
    term_keys: list[str] = field(default_factory=list)
    term_literal: list[str | None] = field(default_factory=list)
    term_cyrillic: list[bool] = field(default_factory=list)
    patterns: list[tuple[int, ...]] = field(default_factory=list)
    list_cache: dict[tuple[str, ...], int] = field(default_factory=dict)
    _term_index: dict[str, int] = field(default_factory=dict)
    _pattern_index: dict[tuple[int, ...], int] = field(default_factory=dict)
    _compiled: list[Any] = field(default_factory=list)
    _quick: list[Any] = field(default_factory=list)
    _always: list[int] = field(default_factory=list)
    pattern_sets: list[frozenset[int]] = field(default_factory=list)
    term_patterns: list[list[int]] = field(default_factory=list)
    _pattern_compiled: dict[int, Any] = field(default_factory=dict)
    _automaton: Any = None
    _always_set: Any = None
    _views_seen: int = 0

    def __getstate__(self) -> dict[str, Any]:
        """Compiled regexes and Sets are not picklable: they are rebuilt lazily after loading."""
        state = dict(self.__dict__)
        state["_compiled"] = [None] * len(self.term_sources)
        state["_quick"] = [None] * len(self.term_sources)
        state["_pattern_compiled"] = {}
        state["_always_set"] = None
        state["_views_seen"] = 0
        for build_only in ("_term_index", "_pattern_index", "list_cache", "term_keys"):
            state[build_only] = type(state[build_only])()
        return state

    def snapshot(self) -> dict[str, Any]:
        """Compact form for the rule image: term texts (their regexes are in the term cache)."""
        return {"terms": self.term_keys, "patterns": [list(p) for p in self.patterns]}

    @classmethod
    def from_snapshot(cls, snap: dict[str, Any]) -> PatternTable:
        table = cls()
        for key in snap["terms"]:
            if key.startswith(_RAW):
                table._add_term(key[len(_RAW):], None, key=key)
            else:
                table._add_term(f"(?:^|{NW})({term_regex(key)})", term_literals(key), key=key)
        table.patterns = [tuple(p) for p in snap["patterns"]]
        return table

    def _add_term(self, source: str, literal: str | None, compiled: Any = None, *,
                  key: str) -> int:
        tid = self._term_index.get(source)
        if tid is None:
            tid = self._term_index[source] = len(self.term_sources)
            self.term_sources.append(source)
            self.term_keys.append(key)
            self.term_literal.append(literal)
            self.term_cyrillic.append(is_cyrillic(source))
            self._compiled.append(compiled)
            self._quick.append(None)
        return tid

    def _add_pattern(self, tids: Sequence[int]) -> int:
        key = tuple(sorted(set(tids)))
        pid = self._pattern_index.get(key)
        if pid is None:
            pid = self._pattern_index[key] = len(self.patterns)
            self.patterns.append(key)
        return pid

    def add_terms(self, terms: Sequence[str], where: str) -> int:
        return self._add_pattern([
            self._add_term(f"(?:^|{NW})({term_regex(t)})", term_literals(t), key=t) for t in terms
        ])

    def add_regex(self, pattern: str, where: str) -> int:
        source = f"({narrow_classes(pattern)})"
        try:
            compiled = re2.compile(source, options=re2_options())
        except Exception as exc:  # re2.error: a rule author's mistake, reported at load time
            raise RuleError(f"{where}: pattern does not compile in RE2: {exc}") from None
        return self._add_pattern([self._add_term(source, None, compiled, key=_RAW + source)])

    def pattern_regex(self, pid: int) -> Any:
        """One RE2 alternation of a pattern's terms (for short searches such as negation windows)."""
        compiled = self._pattern_compiled.get(pid)
        if compiled is None:
            source = "|".join(self.term_sources[t] for t in self.patterns[pid])
            compiled = self._pattern_compiled[pid] = re2.compile(source, options=re2_options())
        return compiled

    def quick(self, tid: int) -> Any:
        """The stdlib-`re` form of a generated term, for short texts only (see SHORT_TEXT)."""
        pattern = self._quick[tid]
        if pattern is None:
            pattern = self._quick[tid] = re.compile(self.term_sources[tid])
        return pattern

    def compiled(self, tid: int) -> Any:
        pattern = self._compiled[tid]
        if pattern is None:
            pattern = self._compiled[tid] = re2.compile(self.term_sources[tid], options=re2_options())
        return pattern

    def freeze(self) -> None:
        import ahocorasick

        self.pattern_sets = [frozenset(p) for p in self.patterns]
        self.term_patterns = [[] for _ in self.term_sources]
        for pid, tids in enumerate(self.patterns):
            for tid in tids:
                self.term_patterns[tid].append(pid)
        owners: dict[str, list[int]] = {}
        for tid, lit in enumerate(self.term_literal):
            if lit is None:
                self._always.append(tid)
            else:
                owners.setdefault(lit, []).append(tid)
        if owners:
            automaton = ahocorasick.Automaton()
            for lit, owner_ids in owners.items():
                automaton.add_word(lit, tuple(owner_ids))
            automaton.make_automaton()
            self._automaton = automaton

    def terms_in(self, view: View) -> list[int]:
        """Ids of terms that occur in `view` (translit views only run Cyrillic terms)."""
        if not self.term_sources:
            return []
        candidates: set[int] = set()
        self._views_seen += 1
        if self._always:
            # Rule authors' regexes have no literal to prefilter on. The first few views search them
            # one by one (cheap to set up); after that one RE2 Set pass finds them all.
            if self._always_set is None and self._views_seen > ALWAYS_SET_AFTER:
                always_set = re2.Set.SearchSet(re2_options())
                for tid in self._always:
                    always_set.Add(self.term_sources[tid])
                always_set.Compile()
                self._always_set = always_set
            if self._always_set is not None:
                found = self._always_set.Match(view.text) or []
                candidates.update(self._always[i] for i in found)
            else:
                candidates.update(t for t in self._always
                                  if self.compiled(t).search(view.text) is not None)
        if self._automaton is not None:
            for _, tids in self._automaton.iter(view.text):
                candidates.update(tids)
        if view.name == "translit":
            candidates = {tid for tid in candidates if self.term_cyrillic[tid]}
        text = view.text
        confirmed = [tid for tid in candidates if self.term_literal[tid] is None]
        literal = [tid for tid in candidates if self.term_literal[tid] is not None]
        # stdlib `re` searches cost less per call but compile ~10x slower than RE2: worth it only
        # once a batch is under way.
        if len(text) <= SHORT_TEXT and self._views_seen > ALWAYS_SET_AFTER:
            confirmed += [tid for tid in literal if self.quick(tid).search(text) is not None]
        else:
            confirmed += [tid for tid in literal if self.compiled(tid).search(text) is not None]
        return confirmed


Span = tuple[View, int, int]


class Scan:
    """Per-message matching state: which terms occur in which view; spans computed on demand."""

    def __init__(self, table: PatternTable, norm: Normalized) -> None:
        self.table = table
        self.view_terms: list[tuple[View, set[int]]] = []
        found: set[int] = set()
        for view in norm.views:
            tids = set(table.terms_in(view))
            if tids:
                self.view_terms.append((view, tids))
                found |= tids
        self.found = found
        self.patterns_found: set[int] = set()
        for tid in found:
            self.patterns_found.update(table.term_patterns[tid])
        self._spans: dict[int, list[Span]] = {}

    def occurs(self, pid: int) -> bool:
        return pid in self.patterns_found

    def spans(self, pid: int) -> list[Span]:
        cached = self._spans.get(pid)
        if cached is not None:
            return cached
        out: list[Span] = []
        terms = self.table.pattern_sets[pid]
        for view, tids in self.view_terms:
            for tid in sorted(tids & terms):
                for n, m in enumerate(self.table.compiled(tid).finditer(view.text)):
                    if n >= MAX_SPANS:
                        break
                    start, end = m.span(1)
                    while end > start and not view.text[end - 1].isalnum():
                        end -= 1
                    out.append((view, start, end))
        out.sort(key=lambda s: s[1])
        self._spans[pid] = out
        return out

    def negated(self, span: Span, neg_pid: int | None, window: int) -> bool:
        """A negation term ends within `window` characters before the span ("никому не" + "сообщ")."""
        if neg_pid is None:
            return False
        view, start, _ = span
        chunk = view.text[max(0, start - window) : start]
        # Negation does not cross a clause boundary: "не доставлена, обновите" negates nothing.
        cut = max(chunk.rfind(c) for c in _CLAUSE_ENDS)
        if cut >= 0:
            chunk = chunk[cut + 1 :]
        if not chunk.strip():
            return False
        return self.table.pattern_regex(neg_pid).search(chunk) is not None
