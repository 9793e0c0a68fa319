"""The rule schema: what a rule file may say, checked strictly when rules load.

A typo in a rule file must fail loudly with the file and rule named, never silently disable a check.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from kzscam.i18n import LANGS
from kzscam.model import Severity, record

SUBJECTS = ("text", "url", "qr", "host", "chat")
RULE_KEYS = {
    "id", "name", "subject", "severity", "category", "tags", "languages", "references", "match",
    "texts", "examples", "description",
}
REQUIRED_KEYS = {"id", "name", "subject", "severity", "languages", "references", "match", "texts",
                 "examples"}
# The closed vocabulary of matcher kinds. Text rules combine the first group; detector rules use
# `check` alone (the detector code decides what matched, the rule decides what it means).
TEXT_MATCH_KEYS = {"any", "all", "near", "none", "negations", "negation_window", "signals", "has",
                   "regex"}
CHECK_MATCH_KEYS = {"check"}
ENTITY_KINDS = ("url", "phone", "card", "iin", "short_url", "app_download", "invisible",
                "mixed_script", "address", "own_address", "payee")


class RuleError(Exception):
    """A rule file is invalid; the message names the file and the rule."""


class Texts(NamedTuple):
    """Localised title and advice of one rule, by language."""

    title: Mapping[str, str]
    advice: Mapping[str, str]


@record
class Rule:
    """One validated rule as written in its file (matching is compiled separately)."""

    id: str
    name: str
    subject: str
    severity: Severity
    category: str
    tags: tuple[str, ...]
    languages: tuple[str, ...]
    references: tuple[str, ...]
    match: Mapping[str, Any]
    texts: Texts
    hits: tuple[str, ...]
    misses: tuple[str, ...]
    source: str
    description: str = ""

    def __init__(self, id: str, name: str, subject: str, severity: Severity, category: str,
                 tags: tuple[str, ...], languages: tuple[str, ...], references: tuple[str, ...],
                 match: Mapping[str, Any], texts: Texts, hits: tuple[str, ...],
                 misses: tuple[str, ...], source: str, description: str = "") -> None:
        _set = object.__setattr__
        _set(self, "id", id)
        _set(self, "name", name)
        _set(self, "subject", subject)
        _set(self, "severity", severity)
        _set(self, "category", category)
        _set(self, "tags", tags)
        _set(self, "languages", languages)
        _set(self, "references", references)
        _set(self, "match", match)
        _set(self, "texts", texts)
        _set(self, "hits", hits)
        _set(self, "misses", misses)
        _set(self, "source", source)
        _set(self, "description", description)

    @property
    def check(self) -> str | None:
        value = self.match.get("check")
        return value if isinstance(value, str) else None


def _str_list(value: Any, what: str, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise RuleError(f"{where}: {what} must be a list of non-empty strings")
    return tuple(value)


def _check_terms(value: Any, what: str, where: str) -> None:
    _str_list(value, what, where)


def validate_match(match: Any, subject: str, where: str) -> None:
    """Reject unknown matcher kinds and malformed shapes."""
    if not isinstance(match, dict) or not match:
        raise RuleError(f"{where}: match must be a non-empty table")
    # A text rule may instead hang on a text detector's check (the learned detector's bands).
    allowed = CHECK_MATCH_KEYS | TEXT_MATCH_KEYS
    unknown = sorted(set(match) - allowed)
    if unknown:
        raise RuleError(f"{where}: unknown matcher kind(s) {', '.join(unknown)}; "
                        f"allowed: {', '.join(sorted(allowed))}")
    if subject != "text" and "check" not in match:
        raise RuleError(f"{where}: a {subject} rule needs match.check (a detector check name)")
    if subject == "text" and not (set(match) & {"any", "all", "near", "regex", "signals", "has",
                                                "check"}):
        raise RuleError(f"{where}: a text rule needs a positive matcher (any/all/near/regex/...)")
    for key in ("any", "none", "negations", "regex", "signals"):
        if key in match:
            _check_terms(match[key], f"match.{key}", where)
    if "all" in match:
        groups = match["all"]
        if not isinstance(groups, list) or not groups:
            raise RuleError(f"{where}: match.all must be a list of term lists")
        for g in groups:
            _check_terms(g, "match.all group", where)
    if "near" in match:
        near = match["near"]
        if not isinstance(near, dict) or set(near) - {"within", "groups"}:
            raise RuleError(f"{where}: match.near must be {{ within = N, groups = [[...], ...] }}")
        if not isinstance(near.get("within"), int) or near["within"] <= 0:
            raise RuleError(f"{where}: match.near.within must be a positive integer")
        groups = near.get("groups")
        if not isinstance(groups, list) or len(groups) < 2:
            raise RuleError(f"{where}: match.near.groups needs at least two term lists")
        for g in groups:
            _check_terms(g, "match.near group", where)
    if "negation_window" in match and (
        not isinstance(match["negation_window"], int) or match["negation_window"] <= 0
    ):
        raise RuleError(f"{where}: match.negation_window must be a positive integer")
    if "has" in match:
        # "!kind": the message must NOT have it ("!address": it does not speak to its reader).
        for kind in _str_list(match["has"], "match.has", where):
            if kind.removeprefix("!") not in ENTITY_KINDS:
                raise RuleError(f"{where}: match.has: unknown entity {kind!r}; "
                                f"known: {', '.join(ENTITY_KINDS)}")
    if "check" in match:
        check = match["check"]
        if not isinstance(check, str):
            raise RuleError(f"{where}: match.check must be a string")
        from kzscam.checks import ALL_CHECKS  # only when rules are compiled (start-up time)

        if check not in ALL_CHECKS:
            raise RuleError(f"{where}: match.check: no detector emits {check!r} (the check names "
                            "are listed in kzscam/checks.py)")


def parse_rule(raw: Any, source: str) -> Rule:
    """Validate one `[[rules]]` table from `source` into a Rule."""
    if not isinstance(raw, dict):
        raise RuleError(f"{source}: each [[rules]] entry must be a table")
    rid = raw.get("id", "<no id>")
    where = f"{source}: rule {rid}"
    unknown = sorted(set(raw) - RULE_KEYS)
    if unknown:
        raise RuleError(f"{where}: unknown key(s) {', '.join(unknown)}")
    missing = sorted(REQUIRED_KEYS - set(raw))
    if missing:
        raise RuleError(f"{where}: missing key(s) {', '.join(missing)}")
    if not isinstance(rid, str) or not rid.replace("-", "").isalnum() or rid.upper() != rid:
        raise RuleError(f"{where}: id must look like TXT-OTP-001")
    subject = raw["subject"]
    if subject not in SUBJECTS:
        raise RuleError(f"{where}: subject must be one of {', '.join(SUBJECTS)}")
    try:
        severity = Severity.parse(str(raw["severity"]))
    except ValueError as exc:
        raise RuleError(f"{where}: {exc}") from None
    languages = _str_list(raw["languages"], "languages", where)
    if set(languages) - set(LANGS):
        raise RuleError(f"{where}: languages must be among {', '.join(LANGS)}")
    validate_match(raw["match"], subject, where)
    texts = raw["texts"]
    if not isinstance(texts, dict) or set(texts) != set(LANGS):
        raise RuleError(f"{where}: texts must have exactly kk, ru and en")
    titles: dict[str, str] = {}
    advice: dict[str, str] = {}
    for lang in LANGS:
        entry = texts[lang]
        if not isinstance(entry, dict) or set(entry) != {"title", "advice"}:
            raise RuleError(f"{where}: texts.{lang} must have exactly title and advice")
        if not all(isinstance(entry[k], str) and entry[k].strip() for k in ("title", "advice")):
            raise RuleError(f"{where}: texts.{lang} title and advice must be non-empty")
        titles[lang], advice[lang] = entry["title"].strip(), " ".join(entry["advice"].split())
    examples = raw["examples"]
    if not isinstance(examples, dict) or set(examples) - {"hit", "miss"}:
        raise RuleError(f"{where}: examples must have hit and miss lists")
    hits = _str_list(examples.get("hit", []), "examples.hit", where)
    misses = _str_list(examples.get("miss", []), "examples.miss", where)
    if len(hits) < 2 or len(misses) < 2:
        raise RuleError(f"{where}: needs at least two hit and two miss examples")
    return Rule(
        id=rid, name=str(raw["name"]), subject=subject, severity=severity,
        category=str(raw.get("category", "")), tags=_str_list(raw.get("tags", []), "tags", where)
        if raw.get("tags") else (),
        languages=languages, references=_str_list(raw["references"], "references", where),
        match=raw["match"], texts=Texts(titles, advice), hits=hits, misses=misses, source=source,
        description=str(raw.get("description", "")),
    )
