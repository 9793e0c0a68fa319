"""Compile text rules' matchers into RE2 patterns and evaluate them on normalised text.

All term lists of all rules become one table of RE2 patterns, scanned per message by one RE2 `Set`
(a single linear pass that says which patterns occur anywhere); only rules whose trigger pattern
occurred are evaluated further, and spans are computed only for patterns that occurred. RE2 never
backtracks, so hostile input cannot make matching slower than linear.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import re2

from kzscam.rules.schema import Rule, RuleError
from kzscam.text.normalize import Normalized, View, fold

# Word characters of FOLDED text (lower case, Kazakh letters folded, diacritics stripped). Narrow
# classes instead of \p{L}: RE2 compiles a \p{L} pattern in ~2 ms but this one in ~0.05 ms, and
# start-up time is a feature. Letters of other scripts count as separators, which is harmless here.
WORD_CLASS = "0-9a-zа-я"
_W = f"[{WORD_CLASS}]"
_NW = f"[^{WORD_CLASS}]"
_GAP = rf"(?:{_NW}+{_W}+){{0,3}}{_NW}+"
MAX_SPANS = 16  # evidence per pattern per view: enough to quote, bounded on huge inputs


def _options() -> Any:
    opts = re2.Options()
    opts.max_mem = 64 << 20
    return opts


# term -> (regex, literal), filled from the compiled rule image so start-up skips recompiling terms.
TERM_CACHE: dict[str, tuple[str, str]] = {}


def term_regex(term: str) -> str:
    """One term ("назов* .. код*") -> an RE2 alternative for already-folded text."""
    cached = TERM_CACHE.get(term)
    if cached is not None:
        return cached[0]
    words = fold(term).split()
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
        esc = re2.escape(core)
        if i > 0 and words[i - 1] != "..":
            parts.append(f"{_NW}+")
        if stem:
            parts.append(esc + f"{_W}*")
        elif i == len(words) - 1:
            parts.append(esc + f"(?:$|{_NW})")
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


def _is_cyrillic(pattern: str) -> bool:
    return any("а" <= c <= "я" for c in pattern)


# After this many messages a process is running a batch: compiling an RE2 Set of every pattern
# (tens of ms) then pays for itself. Before that, a literal prefilter keeps start-up cheap.
SET_AFTER = 200


def term_literals(term: str) -> str:
    """The longest literal word of a term: the pattern cannot match unless it occurs as is."""
    cached = TERM_CACHE.get(term)
    if cached is not None:
        return cached[1]
    words = [w.rstrip("*") for w in fold(term).split() if w != ".."]
    return max(words, key=len)


@dataclass
class PatternTable:
    """Deduplicated RE2 patterns and the machinery that finds which of them occur in a view.

    Two ways to the same answer: an Aho-Corasick scan for each pattern's required literals with
    lazily compiled RE2 confirmation (cheap to set up, for one message), and one RE2 Set over all
    patterns (one linear pass per view, for batches).
    """

    sources: list[str] = field(default_factory=list)
    literals: list[tuple[str, ...] | None] = field(default_factory=list)
    cyrillic: list[bool] = field(default_factory=list)
    _compiled: list[Any] = field(default_factory=list)
    _index: dict[str, int] = field(default_factory=dict)
    _always: list[int] = field(default_factory=list)
    _automaton: Any = None
    _sets: tuple[Any, Any, list[int]] | None = None
    _scans: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, source: str, where: str, literals: tuple[str, ...] | None,
            validate: bool = False) -> int:
        if source in self._index:
            return self._index[source]
        compiled = None
        if validate:
            try:
                compiled = re2.compile(source, options=_options())
            except Exception as exc:  # re2.error
                raise RuleError(f"{where}: pattern does not compile in RE2: {exc}") from None
        self._index[source] = len(self.sources)
        self.sources.append(source)
        self.literals.append(literals)
        self._compiled.append(compiled)
        self.cyrillic.append(_is_cyrillic(source))
        return self._index[source]

    def add_terms(self, terms: Sequence[str], where: str) -> int:
        alts = "|".join(term_regex(t) for t in terms)
        lits = tuple(dict.fromkeys(term_literals(t) for t in terms))
        return self.add(f"(?:^|{_NW})({alts})", where, lits)

    def add_regex(self, pattern: str, where: str) -> int:
        return self.add(f"({narrow_classes(pattern)})", where, None, validate=True)

    def compiled(self, pid: int) -> Any:
        pattern = self._compiled[pid]
        if pattern is None:
            pattern = self._compiled[pid] = re2.compile(self.sources[pid], options=_options())
        return pattern

    def freeze(self) -> None:
        import ahocorasick

        automaton = ahocorasick.Automaton()
        owners: dict[str, list[int]] = {}
        for pid, lits in enumerate(self.literals):
            if lits is None:
                self._always.append(pid)
                continue
            for lit in lits:
                owners.setdefault(lit, []).append(pid)
        for lit, pids in owners.items():
            automaton.add_word(lit, tuple(pids))
        if owners:
            automaton.make_automaton()
            self._automaton = automaton

    def _build_sets(self) -> tuple[Any, Any, list[int]]:
        set_all = re2.Set.SearchSet(_options())
        set_cyr = re2.Set.SearchSet(_options())
        cyr_ids: list[int] = []
        for pid, src in enumerate(self.sources):
            set_all.Add(src)
            if self.cyrillic[pid]:
                set_cyr.Add(src)
                cyr_ids.append(pid)
        set_all.Compile()
        set_cyr.Compile()
        return set_all, set_cyr, cyr_ids

    def occurring(self, view: View) -> list[int]:
        """Ids of patterns that occur in `view` (translit views only run Cyrillic patterns)."""
        if not self.sources:
            return []
        self._scans += 1
        if self._sets is None and self._scans > SET_AFTER:
            with self._lock:
                if self._sets is None:
                    self._sets = self._build_sets()
        if self._sets is not None:
            set_all, set_cyr, cyr_ids = self._sets
            if view.name == "translit":
                return [cyr_ids[i] for i in (set_cyr.Match(view.text) or [])]
            return list(set_all.Match(view.text) or [])
        candidates: set[int] = set(self._always)
        if self._automaton is not None:
            for _, pids in self._automaton.iter(view.text):
                candidates.update(pids)
        if view.name == "translit":
            candidates = {pid for pid in candidates if self.cyrillic[pid]}
        return [pid for pid in sorted(candidates)
                if self.compiled(pid).search(view.text) is not None]


Span = tuple[View, int, int]


class Scan:
    """Per-message matching state: which patterns occur where, spans computed on demand."""

    def __init__(self, table: PatternTable, norm: Normalized) -> None:
        self.table = table
        self.norm = norm
        self.where: dict[int, list[View]] = {}
        for view in norm.views:
            for pid in table.occurring(view):
                self.where.setdefault(pid, []).append(view)
        self._spans: dict[int, list[Span]] = {}

    def occurs(self, pid: int) -> bool:
        return pid in self.where

    def spans(self, pid: int) -> list[Span]:
        cached = self._spans.get(pid)
        if cached is not None:
            return cached
        out: list[Span] = []
        pattern = self.table.compiled(pid)
        for view in self.where.get(pid, ()):
            for n, m in enumerate(pattern.finditer(view.text)):
                if n >= MAX_SPANS:
                    break
                start, end = m.span(1)
                while end > start and not view.text[end - 1].isalnum():
                    end -= 1
                out.append((view, start, end))
        self._spans[pid] = out
        return out

    def negated(self, span: Span, neg_pid: int | None, window: int) -> bool:
        if neg_pid is None:
            return False
        view, start, _ = span
        chunk = view.text[max(0, start - window) : start]
        return bool(chunk) and self.table.compiled(neg_pid).search(chunk) is not None


@dataclass(frozen=True)
class TextMatcher:
    """A text rule's compiled match: pattern ids per matcher kind."""

    rule: Rule
    any_ids: tuple[int, ...]
    all_ids: tuple[int, ...]
    near_ids: tuple[int, ...]
    near_within: int
    none_id: int | None
    neg_id: int | None
    neg_window: int
    signals: tuple[str, ...]
    has: tuple[str, ...]

    @property
    def trigger(self) -> int | None:
        """A pattern that must occur for this rule to fire (None: always evaluate)."""
        if self.any_ids and len(self.any_ids) == 1:
            return self.any_ids[0]
        if self.all_ids:
            return self.all_ids[0]
        if self.near_ids:
            return self.near_ids[0]
        return None

    def evaluate(self, scan: Scan, fired: set[str], entities: set[str]) -> list[Span] | None:
        """Evidence spans when the rule fires, else None."""
        if any(s not in fired for s in self.signals) or any(h not in entities for h in self.has):
            return None
        if self.none_id is not None and scan.occurs(self.none_id):
            return None
        evidence: list[Span] = []
        if self.any_ids:
            found = [s for pid in self.any_ids if scan.occurs(pid) for s in scan.spans(pid)
                     if not scan.negated(s, self.neg_id, self.neg_window)]
            if not found:
                return None
            evidence.extend(found)
        for pid in self.all_ids:
            found = [s for s in scan.spans(pid) if not scan.negated(s, self.neg_id, self.neg_window)]
            if not found:
                return None
            evidence.extend(found[:2])
        if self.near_ids:
            best = self._near(scan)
            if best is None:
                return None
            evidence.extend(best)
        return evidence

    def _near(self, scan: Scan) -> list[Span] | None:
        groups: list[list[Span]] = []
        for pid in self.near_ids:
            found = [s for s in scan.spans(pid) if not scan.negated(s, self.neg_id, self.neg_window)]
            if not found:
                return None
            groups.append(found)
        # Anchor on each span of the first group; pick the nearest span of every other group in
        # the same view. Bounded by MAX_SPANS per group, so this stays small.
        for anchor in groups[0]:
            view = anchor[0]
            chosen = [anchor]
            for other in groups[1:]:
                same = [s for s in other if s[0] is view]
                if not same:
                    break
                chosen.append(min(same, key=lambda s: abs(s[1] - anchor[1])))
            else:
                lo = min(s[1] for s in chosen)
                hi = max(s[2] for s in chosen)
                if hi - lo <= self.near_within:
                    return chosen
        return None


def compile_text_rule(rule: Rule, table: PatternTable,
                      lexicon: Mapping[str, Sequence[str]]) -> TextMatcher:
    """Turn a validated text rule into pattern ids (errors name the file and rule)."""
    where = f"{rule.source}: rule {rule.id}"
    m = rule.match

    def terms(key: str, value: Any) -> list[str]:
        return expand_terms(value, lexicon, f"{where}: match.{key}")

    any_ids: list[int] = []
    if "any" in m:
        any_ids.append(table.add_terms(terms("any", m["any"]), where))
    for pattern in m.get("regex", []):
        any_ids.append(table.add_regex(pattern, where))
    all_ids = tuple(table.add_terms(terms("all", g), where) for g in m.get("all", []))
    near = m.get("near", {})
    near_ids = tuple(table.add_terms(terms("near", g), where) for g in near.get("groups", []))
    none_id = table.add_terms(terms("none", m["none"]), where) if "none" in m else None
    neg_id = table.add_terms(terms("negations", m["negations"]), where) if "negations" in m else None
    return TextMatcher(
        rule=rule, any_ids=tuple(any_ids), all_ids=all_ids, near_ids=near_ids,
        near_within=int(near.get("within", 0)), none_id=none_id, neg_id=neg_id,
        neg_window=int(m.get("negation_window", 25)), signals=tuple(m.get("signals", [])),
        has=tuple(m.get("has", [])),
    )
