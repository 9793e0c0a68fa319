"""Every rule's own examples must behave as the rule says; the catalogue must be complete."""

from __future__ import annotations

import re
import tomllib
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


# Every text rule shows a hit and a miss in each language it declares. The language of an example is
# read from its letters: a Kazakh-only letter means Kazakh, other Cyrillic Russian, Latin English.
# Where the letters mislead (Kazakh typed in Latin or without its own letters, Russian typed in Latin,
# English with a look-alike Cyrillic letter) the example's line in the rule file ends with `# kk`,
# `# ru` or `# en`.
KAZAKH_LETTERS = frozenset("әғқңөұүһіӘҒҚҢӨҰҮҺІ")
CYRILLIC = re.compile(r"[А-Яа-яЁё]")
LATIN = re.compile(r"[A-Za-z]")
MARKED_LINE = re.compile(r'^\s*("(?:[^"\\]|\\.)*")\s*,?\s*#\s*(kk|ru|en)\s*$')
TEXT_RULES = [r for r in CATALOG.rules if r.subject == "text"]


def _language_marks() -> dict[str, str]:
    marks: dict[str, str] = {}
    for node in (resources.files("kzscam.rules") / "text").iterdir():
        if not node.name.endswith(".toml"):
            continue
        for line in node.read_text(encoding="utf-8").splitlines():
            found = MARKED_LINE.match(line)
            if found:
                marks[tomllib.loads(f"x = {found.group(1)}")["x"]] = found.group(2)
    return marks


MARKS = _language_marks()


def example_language(example: str) -> str | None:
    """kk, ru or en for one example, as the test tells them apart (see the comment above)."""
    if example in MARKS:
        return MARKS[example]
    if KAZAKH_LETTERS & set(example):
        return "kk"
    if CYRILLIC.search(example):
        return "ru"
    if LATIN.search(example):
        return "en"
    return None


def test_example_languages_are_told_apart() -> None:
    assert example_language("Маған 10 мың теңге аударып жіберші") == "kk"
    assert example_language("Переведи мне 20 000 тенге на карту") == "ru"
    assert example_language("Can you send me the money to this card?") == "en"
    assert example_language("Smsqa kelgen 4 tanbaly kodty aitynyzshy") == "kk"  # marked in codes.toml
    assert example_language("4400 4301 2345 6789") is None


def test_language_marks_name_real_examples() -> None:
    examples = {e for r in TEXT_RULES for e in (*r.hits, *r.misses)}
    assert MARKS, "no marked example found: the mark pattern no longer matches the rule files"
    assert set(MARKS) <= examples, sorted(set(MARKS) - examples)


@pytest.mark.parametrize("rule_id", [r.id for r in TEXT_RULES])
def test_text_rule_has_hit_and_miss_in_each_declared_language(rule_id: str) -> None:
    rule = CATALOG.by_id[rule_id]
    for kind, examples in (("hit", rule.hits), ("miss", rule.misses)):
        found = {example_language(e) for e in examples}
        missing = [lang for lang in rule.languages if lang not in found]
        assert not missing, f"{rule_id} ({rule.source}) has no {kind} example in {', '.join(missing)}"
