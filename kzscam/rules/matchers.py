"""Text rules' matchers: which compiled patterns a rule needs, and when the rule fires."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from kzscam.rules.schema import Rule
from kzscam.rules.table import PatternTable, Scan, Span
from kzscam.rules.terms import expand_terms


class TextMatcher(NamedTuple):
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

    def snapshot(self) -> list[Any]:
        return [list(self.any_ids), list(self.all_ids), list(self.near_ids), self.near_within,
                self.none_id, self.neg_id, self.neg_window, list(self.signals), list(self.has)]

    @classmethod
    def from_snapshot(cls, rule: Rule, snap: list[Any]) -> TextMatcher:
        any_ids, all_ids, near_ids, within, none_id, neg_id, window, signals, has = snap
        return cls(rule, tuple(any_ids), tuple(all_ids), tuple(near_ids), within, none_id, neg_id,
                   window, tuple(signals), tuple(has))

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
        if any(s not in fired for s in self.signals) or any(
                (h[1:] in entities) if h[0] == "!" else (h not in entities) for h in self.has):
            return None
        if self.none_id is not None and scan.occurs(self.none_id):
            return None
        # Cheap test first: every required pattern must occur before any span is computed.
        if self.any_ids and not any(scan.occurs(p) for p in self.any_ids):
            return None
        if not all(scan.occurs(p) for p in self.all_ids) or not all(
            scan.occurs(p) for p in self.near_ids
        ):
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
        # Distances are measured in the ORIGINAL text, so a group found in the transliterated view
        # and another found in the main view can still be near each other. Anchor on each span of
        # the first group and take the nearest span of every other group; bounded by MAX_SPANS.
        placed = [[(s, *s[0].span(s[1], s[2])) for s in group] for group in groups]
        for first in placed[0]:
            chosen = [first] + [min(other, key=lambda p: abs(p[1] - first[1]))
                                for other in placed[1:]]
            if max(p[2] for p in chosen) - min(p[1] for p in chosen) <= self.near_within:
                return [p[0] for p in chosen]
        return None


def compile_text_rule(rule: Rule, table: PatternTable,
                      lexicon: Mapping[str, Sequence[str]]) -> TextMatcher:
    """Turn a validated text rule into pattern ids (errors name the file and rule)."""
    where = f"{rule.source}: rule {rule.id}"
    m = rule.match

    def pattern(key: str, value: Any) -> int:
        # Many rules share the same lists (@code, @money ...): expand and add each list once.
        raw = tuple(value)
        pid = table.list_cache.get(raw)
        if pid is None:
            pid = table.add_terms(expand_terms(value, lexicon, f"{where}: match.{key}"), where)
            table.list_cache[raw] = pid
        return pid

    any_ids: list[int] = []
    if "any" in m:
        any_ids.append(pattern("any", m["any"]))
    for regex in m.get("regex", []):
        any_ids.append(table.add_regex(regex, where))
    all_ids = tuple(pattern("all", g) for g in m.get("all", []))
    near = m.get("near", {})
    near_ids = tuple(pattern("near", g) for g in near.get("groups", []))
    none_id = pattern("none", m["none"]) if "none" in m else None
    neg_id = pattern("negations", m["negations"]) if "negations" in m else None
    return TextMatcher(
        rule=rule, any_ids=tuple(any_ids), all_ids=all_ids, near_ids=near_ids,
        near_within=int(near.get("within", 0)), none_id=none_id, neg_id=neg_id,
        neg_window=int(m.get("negation_window", 25)), signals=tuple(m.get("signals", [])),
        has=tuple(m.get("has", [])),
    )
