"""Every rule's own examples must behave as the rule says; the catalogue must be complete."""

from __future__ import annotations

from importlib import resources

import pytest

from kzscam.i18n import LANGS
from kzscam.rules import RULE_FILES, SUPPORT_FILES
from kzscam.rules.examples import RUNNERS, runner
from kzscam.rules.loader import load_catalog

CATALOG = load_catalog()
CASES = [(r.id, ex, True) for r in CATALOG.rules for ex in r.hits] + [
    (r.id, ex, False) for r in CATALOG.rules for ex in r.misses
]


@pytest.mark.parametrize(("rule_id", "example", "should_fire"), CASES,
                         ids=[f"{c[0]}-{'hit' if c[2] else 'miss'}{i}" for i, c in enumerate(CASES)])
def test_rule_example(rule_id: str, example: str, should_fire: bool) -> None:
    rule = CATALOG.by_id[rule_id]
    fired = runner(rule.subject)(example)
    if should_fire:
        assert rule_id in fired, f"{rule_id} should fire on {example!r}; fired: {sorted(fired)}"
    else:
        assert rule_id not in fired, f"{rule_id} must not fire on {example!r}"


def test_every_rule_has_three_languages_and_examples() -> None:
    for rule in CATALOG.rules:
        assert set(rule.texts.title) == set(LANGS) == set(rule.texts.advice)
        assert len(rule.hits) >= 2 and len(rule.misses) >= 2
        assert rule.references


def test_every_subject_has_a_runner() -> None:
    assert {r.subject for r in CATALOG.rules} <= set(RUNNERS)


def test_every_rule_file_is_registered() -> None:
    root = resources.files("kzscam.rules")
    found: set[str] = set()

    def walk(node: object, prefix: str) -> None:
        for child in node.iterdir():  # type: ignore[attr-defined]
            if child.is_dir():
                walk(child, f"{prefix}{child.name}/")
            elif child.name.endswith(".toml"):
                found.add(prefix + child.name)

    walk(root, "")
    assert found == set(RULE_FILES) | set(SUPPORT_FILES)


def test_rule_ids_are_unique_and_prefixed() -> None:
    prefixes = {"text": "TXT-", "url": "URL-", "qr": "QR-", "host": "HOST-", "chat": "CHAT-"}
    ids = [r.id for r in CATALOG.rules]
    assert len(ids) == len(set(ids))
    for rule in CATALOG.rules:
        assert rule.id.startswith(prefixes[rule.subject]), rule.id
