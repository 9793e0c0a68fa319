"""Load the packaged rule files (and a user's extra rules directory) into one validated catalogue."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from kzscam.model import Severity
from kzscam.rules import RULE_FILES
from kzscam.rules.schema import Rule, RuleError, parse_rule


@dataclass(frozen=True)
class Combo:
    """Extra points when findings together carry all of `tags` (an authority AND a money request)."""

    tags: frozenset[str]
    bonus: int
    name: str = ""


@dataclass(frozen=True)
class Scoring:
    """How findings add up to a verdict; data in rules/scoring.toml."""

    points: Mapping[Severity, int]
    caution: int
    suspicious: int
    dangerous: int
    floors: Mapping[Severity, str]
    combos: tuple[Combo, ...] = ()


@dataclass(frozen=True)
class Catalog:
    """Every rule, the shared lexicon and the scoring table."""

    rules: tuple[Rule, ...]
    lexicon: Mapping[str, Sequence[str]]
    scoring: Scoring
    by_id: Mapping[str, Rule] = field(default_factory=dict)


def _read_toml(text: str, source: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RuleError(f"{source}: invalid TOML: {exc}") from None


def _package_text(name: str) -> str:
    return resources.files("kzscam.rules").joinpath(name).read_text(encoding="utf-8")


def _parse_file(data: dict[str, Any], source: str) -> list[Rule]:
    unknown = sorted(set(data) - {"rules"})
    if unknown:
        raise RuleError(f"{source}: unknown top-level key(s) {', '.join(unknown)} (expected [[rules]])")
    raw_rules = data.get("rules", [])
    if not isinstance(raw_rules, list) or not raw_rules:
        raise RuleError(f"{source}: no [[rules]] entries")
    return [parse_rule(r, source) for r in raw_rules]


def _parse_scoring(data: dict[str, Any], source: str) -> Scoring:
    try:
        pts = data["points"]
        points = {Severity.parse(k): int(v) for k, v in pts.items()}
        th = data["thresholds"]
        floors = {Severity.parse(k): str(v) for k, v in data.get("floors", {}).items()}
        combos = tuple(
            Combo(frozenset(c["tags"]), int(c["bonus"]), str(c.get("name", "")))
            for c in data.get("combos", [])
        )
        if set(points) != set(Severity):
            raise RuleError(f"{source}: points must list every severity")
        return Scoring(points, int(th["caution"]), int(th["suspicious"]), int(th["dangerous"]),
                       floors, combos)
    except (KeyError, TypeError, ValueError) as exc:
        raise RuleError(f"{source}: invalid scoring table: {exc}") from None


def _parse_lexicon(data: dict[str, Any], source: str) -> dict[str, list[str]]:
    lex = data.get("lexicon", {})
    if set(data) - {"lexicon"} or not isinstance(lex, dict):
        raise RuleError(f"{source}: expected one [lexicon] table")
    for name, terms in lex.items():
        if not isinstance(terms, list) or not all(isinstance(t, str) and t for t in terms):
            raise RuleError(f"{source}: lexicon {name} must be a list of non-empty strings")
    return lex


def load_catalog(extra_dir: Path | None = None, disabled: frozenset[str] = frozenset()) -> Catalog:
    """Load, validate and index every rule; duplicate ids anywhere are an error."""
    rules: list[Rule] = []
    for name in RULE_FILES:
        source = f"kzscam/rules/{name}"
        rules.extend(_parse_file(_read_toml(_package_text(name), source), source))
    lexicon = _parse_lexicon(_read_toml(_package_text("lexicon.toml"), "lexicon.toml"),
                             "kzscam/rules/lexicon.toml")
    scoring = _parse_scoring(_read_toml(_package_text("scoring.toml"), "scoring.toml"),
                             "kzscam/rules/scoring.toml")
    if extra_dir is not None:
        if not extra_dir.is_dir():
            raise RuleError(f"{extra_dir}: rules directory not found")
        for path in sorted(extra_dir.glob("*.toml")):
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise RuleError(f"{path}: cannot read: {exc}") from None
            data = _read_toml(text, str(path))
            if "lexicon" in data:
                lexicon = {**lexicon, **_parse_lexicon(data, str(path))}
            else:
                rules.extend(_parse_file(data, str(path)))
    by_id: dict[str, Rule] = {}
    for rule in rules:
        if rule.id in by_id:
            raise RuleError(f"{rule.source}: duplicate rule id {rule.id} "
                            f"(also in {by_id[rule.id].source})")
        by_id[rule.id] = rule
    for rule in rules:
        for sig in rule.match.get("signals", []):
            if sig not in by_id:
                raise RuleError(f"{rule.source}: rule {rule.id}: unknown signal {sig}")
    kept = tuple(r for r in _signal_order(rules) if r.id not in disabled)
    return Catalog(kept, lexicon, scoring, {r.id: r for r in kept})


def _signal_order(rules: list[Rule]) -> list[Rule]:
    """Order rules so every rule comes after the rules it uses as signals; reject cycles."""
    by_id = {r.id: r for r in rules}
    done: dict[str, bool] = {}
    out: list[Rule] = []

    def visit(rule: Rule, stack: tuple[str, ...]) -> None:
        if done.get(rule.id):
            return
        if rule.id in stack:
            raise RuleError(f"{rule.source}: rule {rule.id}: signal cycle {' -> '.join(stack)}")
        for sig in rule.match.get("signals", []):
            visit(by_id[sig], (*stack, rule.id))
        done[rule.id] = True
        out.append(rule)

    for r in rules:
        visit(r, ())
    return out
