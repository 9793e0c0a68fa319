"""Conversation steps and the chains they form, read from `kzscam/rules/chat_steps.toml`.

The vocabulary is rule data (kk/ru/en cue terms, chain definitions) beside the CHAT-… rules in
chat.toml; this module only gives it types. Negation is not chat data of its own: a step names
its negation terms like a text rule does (`negations = ["@negation"]`) and `kzscam.chat.steps`
applies them with the text rules' machinery. Chain checks must be declared in
`kzscam.checks.ChatCheck`, like every detector check.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from typing import Any

from kzscam.checks import ChatCheck
from kzscam.rules.schema import RuleError

SOURCE = "kzscam/rules/chat_steps.toml"


@dataclass(frozen=True)
class Step:
    """One move of a scam script. `all_of` groups must all occur in the same message."""

    name: str
    terms: tuple[str, ...] = ()
    tags: frozenset[str] = frozenset()
    all_of: tuple[tuple[str, ...], ...] = ()
    regex: tuple[str, ...] = ()  # RE2 over folded text, like a text rule's `regex`
    none: tuple[str, ...] = ()  # terms that rule the step out ("код от домофона")
    # Terms that turn a cue into advice ("никому не называйте код"), as in a text rule's match.
    negations: tuple[str, ...] = ()
    negation_window: int = 25


@dataclass(frozen=True)
class Chain:
    """Steps (each a set of alternatives) that one sender goes through, in order unless not."""

    check: str
    steps: tuple[tuple[str, ...], ...]
    window: int = 40  # at most this many chat messages from the first step to the last
    ordered: bool = True
    supersedes: tuple[str, ...] = ()  # weaker chains this one makes redundant
    # Two steps, the second by ANOTHER sender answering the first ("send the code" -> "482-915").
    # The chain is the asker's; several reply chains may share a check (it fires once a chat).
    answered: bool = False


@dataclass(frozen=True)
class Vocabulary:
    """Every step and every chain."""

    steps: dict[str, Step]
    chains: tuple[Chain, ...]


def _ask(verbs: list[str], objects: list[str]) -> tuple[str, ...]:
    """Both word orders of verb and object, up to three words apart."""
    return tuple(t for v in verbs for o in objects for t in (f"{v} .. {o}", f"{o} .. {v}"))


def _strs(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise RuleError(f"{SOURCE}: {where} must be a list of non-empty strings")
    return tuple(value)


def _step(raw: dict[str, Any]) -> Step:
    name = str(raw.get("name", ""))
    where = f"step {name or '?'}"
    unknown = set(raw) - {"name", "tags", "terms", "all_of", "regex", "none", "negations",
                          "negation_window", "ask_verbs", "ask_objects"}
    if not name or unknown:
        raise RuleError(f"{SOURCE}: {where}: needs a name; unknown keys {sorted(unknown)}")
    terms = _ask(list(_strs(raw.get("ask_verbs", []), where)),
                 list(_strs(raw.get("ask_objects", []), where)))
    terms += _strs(raw.get("terms", []), where)
    groups = tuple(_strs(g, where + " all_of") for g in raw.get("all_of", []))
    regex = _strs(raw.get("regex", []), where + " regex")
    if not terms and not groups and not regex and not raw.get("tags"):
        raise RuleError(f"{SOURCE}: {where}: needs terms, all_of groups, regex or tags")
    window = raw.get("negation_window", 25)
    if not isinstance(window, int) or isinstance(window, bool) or window <= 0:
        raise RuleError(f"{SOURCE}: {where}: negation_window must be a positive integer")
    return Step(name, terms, frozenset(_strs(raw.get("tags", []), where)), groups, regex,
                _strs(raw.get("none", []), where + " none"),
                _strs(raw.get("negations", []), where + " negations"), window)


def _chain(raw: dict[str, Any], steps: dict[str, Step]) -> Chain:
    try:
        check = ChatCheck(raw["check"])
        supersedes = tuple(ChatCheck(c) for c in raw.get("supersedes", []))
    except (KeyError, ValueError) as exc:
        raise RuleError(f"{SOURCE}: chain: no chat check {exc} (see kzscam/checks.py)") from None
    alternatives = tuple(_strs(s, f"chain {check} steps") for s in raw.get("steps", []))
    missing = sorted({s for alt in alternatives for s in alt} - set(steps))
    if len(alternatives) < 2 or missing:
        raise RuleError(f"{SOURCE}: chain {check}: needs two or more known steps (unknown: "
                        f"{', '.join(missing) or 'none'})")
    answered = bool(raw.get("answered", False))
    if answered and len(alternatives) != 2:
        raise RuleError(f"{SOURCE}: chain {check}: an answered chain has exactly two steps "
                        "(the question and its answer)")
    return Chain(check, alternatives, int(raw.get("window", 40)), bool(raw.get("ordered", True)),
                 supersedes, answered)


def parse(data: dict[str, Any]) -> Vocabulary:
    """The vocabulary from the parsed TOML; RuleError names what is wrong."""
    steps = {s.name: s for s in map(_step, data.get("steps", []))}
    chains = tuple(_chain(c, steps) for c in data.get("chains", []))
    unknown = set(data) - {"steps", "chains"}
    if unknown:
        raise RuleError(f"{SOURCE}: unknown top-level keys {sorted(unknown)}")
    return Vocabulary(steps, chains)


@cache
def vocabulary() -> Vocabulary:
    """The packaged vocabulary, read once per process."""
    from kzscam.rules.loader import RULES_DIR

    return parse(tomllib.loads((RULES_DIR / "chat_steps.toml").read_text(encoding="utf-8")))
