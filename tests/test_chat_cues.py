"""The chat vocabulary is rule data (kzscam/rules/chat_steps.toml), checked when it is read."""

from __future__ import annotations

import pytest

from kzscam.chat.analyse import fired_rules
from kzscam.chat.cues import parse, vocabulary
from kzscam.chat.steps import StepMatcher
from kzscam.checks import ChatCheck
from kzscam.engine import get_engine
from kzscam.pipeline.text import check_text
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


# Advice that check-text reads as advice, through each of the text engine's negations: a negation
# word before the request, a sentence of what someone never does, Kazakh negative imperatives and
# "емес", quoted reported speech (деген).
ADVICE = [
    "никому не называйте код",
    "Никому не сообщайте код из SMS, даже сотруднику банка.",
    "кодты ешкімге айтпаңыз",
    "Кодты ешкімге жібермеңіз.",
    "Кодты жібермеңіз",
    "we will never ask for your code",
    "We will never ask you to send us the code.",
    "Сотрудники банка никогда не попросят вас назвать код из SMS.",
    "Ұлттық банк кодты айтуды сұрамайды.",
    "«Кодты айтыңыз» деген хабарламаларға сенбеңіз.",
    "Код керек емес.",
    "Never share the code with anyone, not even support.",
]
REQUESTS = [
    "Назовите код из SMS, пожалуйста",
    "Кодты айтыңыз",
    "Send us the code you received",
    "Скиньте мне код, который пришёл",
]


@pytest.mark.parametrize("text", ADVICE)
def test_advice_is_advice_in_a_chat_as_in_check_text(text: str) -> None:
    engine = get_engine()
    report = check_text(engine, text, name="advice", lang="en")
    assert not [f.rule_id for f in report.findings if "code" in f.tags]
    assert "code_request" not in StepMatcher(engine.catalog.lexicon).match(text, report.findings)


@pytest.mark.parametrize("text", REQUESTS)
def test_requests_are_still_requests(text: str) -> None:
    engine = get_engine()
    report = check_text(engine, text, name="request", lang="en")
    assert "code_request" in StepMatcher(engine.catalog.lexicon).match(text, report.findings)


@pytest.mark.parametrize("chat", [
    "Support: This is WhatsApp support. || Support: We will never ask you to send us the code.",
    "Support: Бұл WhatsApp қолдау қызметі. || Support: Кодты ешкімге жібермеңіз.",
    "Support: Это служба поддержки WhatsApp. || Support: «Кодты айтыңыз» деген хабарламаларға "
    "сенбеңіз.",
])
def test_support_giving_advice_is_no_chain(chat: str) -> None:
    assert not fired_rules(chat) & {"CHAT-SUPPORT-001", "CHAT-TAKEOVER-001"}


def test_negation_is_the_text_rules_negation_not_chat_data() -> None:
    steps = vocabulary().steps
    assert steps["code_request"].negations == ("@negation",)
    with pytest.raises(RuleError, match="unknown top-level keys"):
        parse({"negations": ["не"], "negation_words": 3, "steps": []})


@pytest.mark.parametrize(("data", "problem"), [
    ({"steps": [{"name": "a", "terms": ["x"], "negation_window": 0}]}, "negation_window"),
    ({"steps": [{"name": "a", "terms": ["x"]}], "chains": [{"check": "chat.code_given",
                                                            "steps": [["a"], ["a"], ["a"]],
                                                            "answered": True}]},
     "exactly two steps"),
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
