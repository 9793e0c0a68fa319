"""Load the packaged rule files (and a user's extra rules directory) into one validated catalogue."""

from __future__ import annotations

import os
import zlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from kzscam.model import Severity, Verdict
from kzscam.rules import RULE_FILES, SUPPORT_FILES
from kzscam.rules.schema import Rule, RuleError, parse_rule


# Plain records are NamedTuples: they cost a fraction of a dataclass to define at import, and
# this module is on every command's start-up path.
class Combo(NamedTuple):
    """Extra points when findings together carry all of `tags` (an authority AND a money request)."""

    tags: frozenset[str]
    bonus: int
    name: str = ""


class Cap(NamedTuple):
    """The highest verdict of a message whose findings carry all of `tags` (a third-person report
    that asks the reader for nothing), unless one finding reaches `unless` severity."""

    tags: frozenset[str]
    verdict: str
    unless: Severity
    name: str = ""


SCORE_MODES = ("sum", "max", "worst")


class Scoring(NamedTuple):
    """How findings add up to a verdict, and parts to a whole; data in rules/scoring.toml."""

    points: Mapping[Severity, int]
    caution: int
    suspicious: int
    dangerous: int
    floors: Mapping[Severity, str]
    combos: tuple[Combo, ...] = ()
    # The learned detector's bands: (check, lowest probability), highest band first.
    learned: tuple[tuple[str, float], ...] = ()
    # Per subject (text, image, host, chat, ...): how its score folds its parts' ("sum", "max",
    # "worst"); a verdict is always the worst of its own and its parts'.
    subjects: Mapping[str, str] = {}
    # Minimum verdict of a finding of a rule bound to a detector check (a running tool, a code
    # nobody can read), whatever its points.
    check_floors: Mapping[str, str] = {}
    # Minimum verdict of an input read only in part (a chat export that broke off).
    incomplete: str = "caution"
    # Tags of findings that lower the learned detector's band one step: a message about a scam (a
    # question, a warning, a news item) shares its wording without being it.
    learned_demote: frozenset[str] = frozenset()
    caps: tuple[Cap, ...] = ()


class Catalog(NamedTuple):
    """Every rule, the shared lexicon and the scoring table."""

    rules: tuple[Rule, ...]
    lexicon: Mapping[str, Sequence[str]]
    scoring: Scoring
    by_id: Mapping[str, Rule]


def _read_toml(text: str, source: str) -> dict[str, Any]:
    import tomllib  # only when the engine cache is cold, or for a user's rule files

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RuleError(f"{source}: invalid TOML: {exc}") from None
    except RecursionError:  # arrays or inline tables nested ~1,000 deep: the parser recurses
        raise RuleError(f"{source}: invalid TOML: nested too deeply") from None


RULES_DIR = Path(__file__).resolve().parent

def _package_bytes() -> dict[str, bytes]:
    return {name: (RULES_DIR / name).read_bytes() for name in (*RULE_FILES, *SUPPORT_FILES)}


def sources_hash(files: dict[str, bytes]) -> str:
    """A change detector (not a security check): CRC-32 and size of every file."""
    return ";".join(f"{name}:{len(raw)}:{zlib.crc32(raw):08x}" for name, raw in sorted(files.items()))


def packaged_digest() -> str:
    """Identity of the packaged rule files for the engine cache key: size and modification time
    of every .toml file under kzscam/rules/ (found on disk, not taken from a list).

    The same test the cache applies to its code files; reading and checksumming every rule file
    instead cost more than a millisecond of each start-up (measured).
    """
    stats: list[tuple[str, os.stat_result]] = []
    folders = [""]  # relative to RULES_DIR; os.scandir rather than rglob: this runs at every start
    try:
        while folders:
            rel = folders.pop()
            with os.scandir(os.path.join(RULES_DIR, rel)) as entries:
                for entry in entries:
                    name = f"{rel}/{entry.name}" if rel else entry.name
                    if entry.is_dir():
                        folders.append(name)
                    elif entry.name.endswith(".toml"):
                        stats.append((name, entry.stat()))
    except OSError:
        return sources_hash(_package_bytes())
    return ";".join(f"{name}:{st.st_size}:{st.st_mtime_ns}" for name, st in sorted(stats))


def packaged_data() -> dict[str, dict[str, Any]]:
    """Every packaged rule file parsed from its TOML (the compiled engine is cached per user)."""
    return {name: _read_toml(raw.decode("utf-8"), f"kzscam/rules/{name}")
            for name, raw in _package_bytes().items()}


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
        learned = tuple(sorted(((str(b["check"]), float(b["min_probability"]))
                                for b in data.get("learned", [])), key=lambda b: -b[1]))
        if any(not 0.0 < floor < 1.0 for _c, floor in learned):
            raise RuleError(f"{source}: learned min_probability must be between 0 and 1")
        if set(points) != set(Severity):
            raise RuleError(f"{source}: points must list every severity")
        subjects = {str(k): str(v["score"]) for k, v in data.get("subjects", {}).items()}
        for name, mode in subjects.items():
            if mode not in SCORE_MODES:
                raise RuleError(f"{source}: subjects.{name}: score must be one of "
                                f"{', '.join(SCORE_MODES)}, not {mode!r}")
        check_floors = {str(k): str(v) for k, v in data.get("check_floors", {}).items()}
        incomplete = str(data.get("incomplete", {}).get("verdict", "caution"))
        learned_demote = frozenset(str(t) for t in data.get("learned_demote", {}).get("tags", []))
        caps = tuple(Cap(frozenset(str(t) for t in c["tags"]), str(c["verdict"]),
                         Severity.parse(str(c["unless"])), str(c.get("name", "")))
                     for c in data.get("caps", []))
        if any(not c.tags for c in caps):
            raise RuleError(f"{source}: a cap needs tags")
        for value in (*floors.values(), *check_floors.values(), incomplete,
                      *(c.verdict for c in caps)):
            Verdict.parse(value)
        from kzscam.checks import ALL_CHECKS  # only when rules are compiled (start-up time)

        unknown = sorted({*check_floors, *(c for c, _f in learned)} - ALL_CHECKS)
        if unknown:
            raise RuleError(f"{source}: no detector emits {', '.join(unknown)} "
                            "(the check names are listed in kzscam/checks.py)")
        return Scoring(points, int(th["caution"]), int(th["suspicious"]), int(th["dangerous"]),
                       floors, combos, learned, subjects, check_floors, incomplete, learned_demote,
                       caps)
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
    packaged = packaged_data()
    for name in RULE_FILES:
        rules.extend(_parse_file(packaged[name], f"kzscam/rules/{name}"))
    lexicon = _parse_lexicon(packaged["lexicon.toml"], "kzscam/rules/lexicon.toml")
    scoring = _parse_scoring(packaged["scoring.toml"], "kzscam/rules/scoring.toml")
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
