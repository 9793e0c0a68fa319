"""One registry of check names (kzscam/checks.py) for every subject.

Detectors emit members of their enum, never free strings; every declared check is claimed by a
rule; a rule on an undeclared check does not load; a hit on one does not stamp.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from conftest import ROOT

from kzscam.checks import ALL_CHECKS, DETECTOR_CHECKS
from kzscam.config import Config
from kzscam.engine import UnknownCheck, get_engine
from kzscam.model import Hit
from kzscam.rules.loader import load_catalog
from kzscam.rules.schema import RuleError

RULE = """
[[rules]]
id = "USER-X-001"
name = "user-rule"
subject = "url"
severity = "low"
languages = ["kk", "ru", "en"]
references = ["https://example.org"]
match = {{ check = "{check}" }}
[rules.texts.en]
title = "t"
advice = "a"
[rules.texts.ru]
title = "t"
advice = "a"
[rules.texts.kk]
title = "t"
advice = "a"
[rules.examples]
hit = ["https://bit.ly/a", "https://bit.ly/b"]
miss = ["https://kaspi.kz", "https://egov.kz"]
"""


def test_every_declared_check_is_claimed_by_a_rule_and_back() -> None:
    claimed = {r.check for r in load_catalog().rules if r.check}
    assert claimed == set(ALL_CHECKS)


@pytest.mark.parametrize("detector", sorted(DETECTOR_CHECKS))
def test_each_detector_names_its_checks_with_its_own_prefix(detector: str) -> None:
    assert all(c.value.startswith(detector + ".") for c in DETECTOR_CHECKS[detector])


def test_no_detector_writes_a_check_name_as_a_free_string() -> None:
    """Check names are written once, in kzscam/checks.py; detectors use the enum members (a
    name built at run time goes through the enum's constructor, which refuses unknown ones)."""
    found = []
    for path in sorted((ROOT / "kzscam").rglob("*.py")):
        if path.name == "checks.py" and path.parent.name == "kzscam":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and node.value in ALL_CHECKS:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.value}")
    assert found == []


def _rules_dir(tmp_path: Path, check: str) -> Path:
    (tmp_path / "user.toml").write_text(RULE.format(check=check), encoding="utf-8")
    return tmp_path


def test_a_rule_on_a_check_no_detector_emits_does_not_load(tmp_path: Path) -> None:
    with pytest.raises(RuleError, match=r"no detector emits 'url\.lookslike'"):
        load_catalog(_rules_dir(tmp_path, "url.lookslike"))


def test_a_user_rule_on_a_declared_check_loads(tmp_path: Path) -> None:
    catalog = load_catalog(_rules_dir(tmp_path, "url.shortener"))
    assert catalog.by_id["USER-X-001"].check == "url.shortener"


def test_a_hit_no_rule_claims_is_refused_and_a_disabled_rule_is_quiet() -> None:
    with pytest.raises(UnknownCheck):
        get_engine().stamp([Hit("url.lookslike")], "en")
    config = Config(disabled_rules=frozenset({"URL-KIND-001"}))
    engine = get_engine(config)
    rule = next(r for r in get_engine().catalog.rules if r.check == "url.shortener")
    assert rule.id == "URL-KIND-001"
    assert engine.stamp([Hit("url.shortener")], "en") == []
