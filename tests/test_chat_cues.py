"""The chat vocabulary is rule data (kzscam/rules/chat_steps.toml), checked when it is read."""

from __future__ import annotations

import pytest

from kzscam.chat.cues import parse, vocabulary
from kzscam.chat.steps import StepMatcher
from kzscam.checks import ChatCheck
from kzscam.engine import get_engine
from kzscam.rules.schema import RuleError


def test_every_chain_check_is_declared_and_claimed_by_a_rule() -> None:
    chains = {c.check for c in vocabulary().chains}
    claimed = {r.check for r in get_engine().catalog.rules if r.subject == "chat"}
    assert chains <= set(ChatCheck) and chains <= claimed


def test_the_data_drives_the_matcher() -> None:
    matcher = StepMatcher(get_engine().catalog.lexicon)
    assert "code_request" in matcher.match("Назовите код из SMS, пожалуйста")
    assert "code_request" not in matcher.match("Никому не называйте код из SMS")
    assert "code_request" not in matcher.match("Никому не сообщайте код из SMS")


@pytest.mark.parametrize(("data", "problem"), [
    ({"steps": [{"name": "a", "terms": ["x"]}], "chains": [{"check": "chat.nope",
                                                            "steps": [["a"], ["a"]]}]},
     "no chat check"),
    ({"steps": [{"name": "a", "terms": ["x"]}], "chains": [{"check": "chat.support_code",
                                                            "steps": [["a"], ["b"]]}]},
     "unknown: b"),
    ({"steps": [{"name": "a", "terms": ["x"], "typo": 1}]}, "unknown keys"),
    ({"steps": [{"name": "a"}]}, "needs terms"),
])
def test_bad_data_is_refused_with_its_file(data: dict[str, object], problem: str) -> None:
    with pytest.raises(RuleError, match=r"chat_steps\.toml") as info:
        parse(data)
    assert problem in str(info.value)
