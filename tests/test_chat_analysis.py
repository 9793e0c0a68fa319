"""Conversation-level judgement: chains beat their parts, order and sender matter, family chats stay safe."""

from __future__ import annotations

from pathlib import Path

import pytest

from kzscam.chat.analyse import check_chat, check_messages, parse_example
from kzscam.chat.model import ChatMessage
from kzscam.chat.summary import Summary
from kzscam.config import Config
from kzscam.engine import get_engine
from kzscam.model import Report, Verdict
from kzscam.output.jsonout import result_dict

FIX = Path(__file__).parent / "fixtures" / "chat"
SUPPORT = "Support: Здравствуйте, это служба поддержки WhatsApp."
DELETE = "Support: С вашего номера поступила заявка на удаление аккаунта."
CODE = "Support: Чтобы отменить удаление, продиктуйте код из SMS."


def judge(example: str, **kwargs: object) -> Report:
    return check_messages(iter(parse_example(example)), name="chat", lang="en",
                          config=Config(), **kwargs)  # type: ignore[arg-type]


def chat_rules(report: Report) -> set[str]:
    return {f.rule_id for f in report.findings}


def test_takeover_chain_scores_higher_than_each_message() -> None:
    report = check_chat(FIX / "telegram_takeover.json")
    assert report.verdict is Verdict.DANGEROUS
    assert "CHAT-TAKEOVER-001" in chat_rules(report)
    assert "CHAT-SUPPORT-001" not in chat_rules(report)  # implied by the stronger chain
    assert report.score > max(p.score for p in report.parts)
    finding = next(f for f in report.findings if f.rule_id == "CHAT-TAKEOVER-001")
    assert finding.params["messages"] == "#1, #3, #4"
    senders = {s["name"]: s for s in report.details["senders"]}
    assert senders["Telegram Support"]["chains"] == ["CHAT-TAKEOVER-001", "CHAT-CODE-001"]
    assert senders["Telegram Support"]["verdict"] == "dangerous"
    assert senders["Алия Нурлановна"] == {**senders["Алия Нурлановна"], "verdict": "safe",
                                          "flagged": 0, "chains": []}
    # Алия forwarded the bank's OTP text after the code request: the code may be gone already.
    sent = next(f for f in report.findings if f.rule_id == "CHAT-CODE-001")
    assert (sent.params["replier"], sent.params["messages"]) == ("Алия Нурлановна", "#7, #9")
    # The forwarded OTP ("никому не сообщайте") is shown as that answer, not as a scam message.
    answer = next(p for p in report.parts if p.details["index"] == 9)
    assert answer.findings == () and answer.verdict is Verdict.SAFE


def test_the_same_messages_in_another_order_are_no_chain() -> None:
    in_order = judge(" || ".join([SUPPORT, DELETE, CODE]))
    shuffled = judge(" || ".join([CODE, DELETE, SUPPORT]))
    assert "CHAT-TAKEOVER-001" in chat_rules(in_order)
    assert "CHAT-TAKEOVER-001" not in chat_rules(shuffled)
    assert in_order.score > shuffled.score


def test_steps_by_different_senders_are_no_chain() -> None:
    report = judge(" || ".join([SUPPORT, DELETE.replace("Support:", "Mom:"), CODE]))
    assert "CHAT-TAKEOVER-001" not in chat_rules(report)


def test_steps_too_far_apart_are_no_chain() -> None:
    filler = " || ".join(f"Support: сообщение номер {i}" for i in range(45))
    threat = "Support: Аккаунт будет удалён через час."  # a threat, no "support" claim
    near = judge(" || ".join([SUPPORT, threat, CODE]))
    far = judge(" || ".join([SUPPORT, filler, threat, CODE]))
    assert "CHAT-TAKEOVER-001" in chat_rules(near)
    assert "CHAT-TAKEOVER-001" not in chat_rules(far)


def test_one_message_with_every_step_is_left_to_the_text_rules() -> None:
    report = judge("Support: Это служба поддержки WhatsApp, на ваш аккаунт поступила заявка на "
                   "удаление, продиктуйте код из SMS.")
    assert chat_rules(report) == set()
    assert report.verdict >= Verdict.SUSPICIOUS  # still flagged, message by message


@pytest.mark.parametrize("name", ["telegram_family.json", "whatsapp_android_kk.txt"])
def test_family_chats_stay_safe(name: str) -> None:
    report = check_chat(FIX / name)
    assert report.verdict is Verdict.SAFE and report.worst is Verdict.SAFE
    assert report.findings == () and report.parts == ()
    assert report.details["checked"] >= 8


@pytest.mark.parametrize(("name", "rule"), [
    ("whatsapp_android_ru.txt", "CHAT-RELATIVE-001"),
    ("whatsapp_android_en_us.txt", "CHAT-TAKEOVER-001"),
    ("whatsapp_ios_chat.txt", "CHAT-JOB-001"),
])
def test_whatsapp_scam_chats(name: str, rule: str) -> None:
    report = check_chat(FIX / name)
    assert rule in chat_rules(report)
    assert report.worst >= Verdict.SUSPICIOUS


def test_message_parts_quote_their_own_text() -> None:
    report = check_chat(FIX / "telegram_takeover.json")
    assert report.parts_key == "messages"
    for part in report.parts:
        text = part.details["text"]
        for finding in part.findings:
            for ev in finding.evidence:
                assert text[ev.start : ev.end] == ev.text


def test_json_result_shape() -> None:
    doc = result_dict(check_chat(FIX / "whatsapp_android_en_us.txt"))
    assert {"input", "verdict", "score", "findings", "senders", "messages", "format"} <= set(doc)
    first = doc["messages"][0]
    assert {"index", "date", "sender", "text", "verdict", "findings"} <= set(first)
    assert first["date"] == "2026-11-18T19:02:00"
    assert {"name", "verdict", "messages", "flagged", "chains"} <= set(doc["senders"][0])


def test_all_messages_lists_everything_including_media() -> None:
    report = check_chat(FIX / "whatsapp_android_ru.txt", all_messages=True)
    assert [p.details["index"] for p in report.parts] == list(range(1, 12))
    assert report.parts[3].details["kind"] == "media"


def test_advice_in_the_chosen_language() -> None:
    report = check_chat(FIX / "whatsapp_android_ru.txt", lang="kk")
    finding = next(f for f in report.findings if f.rule_id == "CHAT-RELATIVE-001")
    assert finding.title.startswith("Тётя Гуля ақша сұрайды")
    assert "1477" in finding.advice


def test_parallel_workers_give_the_same_report() -> None:
    lines = [SUPPORT, DELETE, CODE] + [f"Mom: Купи хлеба, пожалуйста {i}" for i in range(300)]
    lines += ["Сестра: Срочно переведи 50000 на карту", "Сестра: Не могу говорить, потом объясню"]
    example = " || ".join(lines)
    serial, parallel = judge(example), judge(example, jobs=2)
    assert result_dict(parallel) == result_dict(serial)
    assert {"CHAT-TAKEOVER-001", "CHAT-RELATIVE-001"} <= chat_rules(parallel)


def test_summary_keeps_only_the_riskiest_when_capped() -> None:
    summary = Summary(get_engine(), max_shown=2)
    for i, (verdict, score) in enumerate([(1, 3), (3, 20), (2, 9), (1, 1)], 1):
        msg = ChatMessage(i, "d", "X", f"m{i}")
        summary.add(msg, Report(f"c#{i}", Verdict(verdict), score, details={"index": i}))
    report = summary.report("c", get_engine())
    assert [p.details["index"] for p in report.parts] == [2, 3]
    assert report.details["messages_omitted"] == 2
    assert report.details["flagged"] == 4


# The victim answers the request with the code: the chat must say the code may be gone already.
ASK = "Support: Чтобы отменить заявку, сообщите нам код, который пришёл на ваш телефон."
VICTIM_REPLIES = [
    (ASK + " || Aliya: 482915", "Aliya"),
    (ASK + " || A: 1 || A: 2 || A: 3 || A: 4 || A: 5 || A: 6 || A: 7 || A: 8 || Me: 482915", "Me"),
    (" || ".join([SUPPORT, "Aliya: Здравствуйте", CODE, "Aliya: 482-915"]), "Aliya"),
    (" || ".join([SUPPORT, DELETE, "Aliya: Міне код: 4829"]), "Aliya"),
    ("Bank: Сообщите код из SMS для отмены операции || Me: ок || Me: 482915", "Me"),
    ("Tech: This is technical support, your account will be blocked today. || Me: here is the "
     "code 482 915", "Me"),
    ("Support: Назовите код, который пришёл || Aliya: Вот код 482915 🙏", "Aliya"),
    (ASK + " || Aliya: Kaspi.kz: Код подтверждения 482915. Никому не сообщайте этот код.",
     "Aliya"),
]


@pytest.mark.parametrize(("example", "victim"), VICTIM_REPLIES)
def test_a_code_sent_in_reply_is_reported_with_what_to_do_now(example: str, victim: str) -> None:
    report = judge(example)
    finding = next(f for f in report.findings if f.rule_id == "CHAT-CODE-001")
    assert finding.params["replier"] == victim and victim in finding.title
    assert "1477" in finding.advice and "bank" in finding.advice
    assert report.verdict is Verdict.DANGEROUS
    # The chain is the asker's; the victim's own row stays as their messages are.
    asker = finding.params["sender"]
    senders = {s["name"]: s for s in report.details["senders"]}
    assert "CHAT-CODE-001" in senders[asker]["chains"]
    assert "CHAT-CODE-001" not in senders[victim]["chains"]
    # The answer is quoted and its message shown.
    answer = int(finding.params["messages"].rsplit("#", 1)[1])
    assert answer in {p.details["index"] for p in report.parts}


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_a_code_sent_in_reply_in_every_language(lang: str) -> None:
    report = check_messages(iter(parse_example(VICTIM_REPLIES[0][0])), name="chat", lang=lang,
                            config=Config())
    finding = next(f for f in report.findings if f.rule_id == "CHAT-CODE-001")
    assert "Aliya" in finding.title and "1477" in finding.advice


# Ordinary numbers: prices, times, dates, phone numbers, years, order numbers, door codes; and a
# code sent by the asker themself or before any request.
@pytest.mark.parametrize("example", [
    "Shop: Доставка будет завтра || Me: Сколько стоит? || Shop: 4500",
    "Mom: Во сколько приедешь? || Me: 18:30",
    "Mom: Когда у Даны день рождения? || Me: 12.05.2026",
    "Dad: Скинь номер мастера || Me: 8 701 123 45 67",
    "Support: Это служба поддержки магазина. Назовите номер заказа. || Me: 482915",
    "Asel: Скажи код от домофона, я у подъезда || Me: 4829",
    "Asel: What's the wifi code? || Me: 48291234",
    ASK + " || Me: 150 000",
    ASK + " || Me: 2026",
    ASK + " || Me: 5000 ₸",
    ASK + " || Me: Никому не скажу, позвоню в банк.",
    ASK + " || Support: 482915",
    "Aliya: 482-915 || " + ASK,
    # advice is no request (the text engine's negation), so a code after it is no answer
    "Me: Мама, если придёт СМС с кодом, никому не говори этот код || Mom: Kaspi.kz: Код "
    "подтверждения 482915. Никому не сообщайте этот код.",
    "Me: Мама, никому не говори код из СМС || Mom: 4829",
    ASK + " || A: 1 || A: 2 || A: 3 || A: 4 || A: 5 || A: 6 || A: 7 "
    "|| A: 8 || A: 9 || A: 10 || Me: 482915",
])
def test_ordinary_numbers_are_not_a_code_sent(example: str) -> None:
    assert "CHAT-CODE-001" not in chat_rules(judge(example))


def test_family_chat_numbers_are_not_a_code_sent() -> None:
    """The family chats written for these tests (sums, times, dates, a relative) stay quiet."""
    for name in ("telegram_family.json", "whatsapp_android_kk.txt", "whatsapp_android_ru.txt"):
        assert "CHAT-CODE-001" not in chat_rules(check_chat(FIX / name))
