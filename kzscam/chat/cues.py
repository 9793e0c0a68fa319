"""Conversation steps and the chains they form: the data behind the CHAT-… rules.

A step is one move of a scam script, recognised in one message either by its own cue terms
(written like rule terms: folded, `*` for stems, `a .. b` for up to three words between,
`@name` for a shared lexicon list) or by a finding of the text rules carrying one of its tags.
A chain is an ordered series of steps by ONE sender within a window of messages; each chain is a
detector check that a rule in `kzscam/rules/chat.toml` gives an id, severity and advice.
Sources: nbk-2025-04-03 (fake messenger support: "a request to delete your account was filed,
enter the code to cancel it"; hijacked accounts asking relatives for money; high-paid jobs) and
nbk-ai-notice (fake operator support asking for the code; "joint operations" with the National
Bank; voice clones of relatives).
"""

from __future__ import annotations

from dataclasses import dataclass

from kzscam.checks import ChatCheck


@dataclass(frozen=True)
class Step:
    """One move of a scam script. `all_of` groups must all occur in the same message."""

    name: str
    terms: tuple[str, ...] = ()
    tags: frozenset[str] = frozenset()
    all_of: tuple[tuple[str, ...], ...] = ()
    negatable: bool = False  # "никому не называйте код" is advice, not a request


@dataclass(frozen=True)
class Chain:
    """Steps (each a set of alternatives) that one sender goes through, in order unless not."""

    check: str
    steps: tuple[tuple[str, ...], ...]
    window: int = 40  # at most this many chat messages from the first step to the last
    ordered: bool = True
    supersedes: tuple[str, ...] = ()  # weaker chains this one makes redundant


def _ask(verbs: tuple[str, ...], objects: tuple[str, ...]) -> tuple[str, ...]:
    """Both word orders of verb and object, up to three words apart."""
    return tuple(t for v in verbs for o in objects for t in (f"{v} .. {o}", f"{o} .. {v}"))


_CODE_OBJECTS = ("код*", "пароль*", "смс", "sms", "цифр*", "құпиясөз*", "code*", "password*",
                 "pin")
_CODE_VERBS = (
    "назовите", "назови", "продиктуйте", "продиктуй", "скажите", "скажи", "сообщите", "сообщи",
    "отправьте", "отправь", "пришлите", "пришли", "перешлите", "перешли", "скиньте", "скинь",
    "напишите", "напиши", "айтыңыз", "айтыңызшы", "айтшы", "жіберіңіз", "жіберіңізші", "жіберші",
    "жазыңыз", "жазып жіберіңіз", "көрсетіңіз", "tell", "send", "give", "share", "forward",
    "read", "provide",
)

STEPS: dict[str, Step] = {s.name: s for s in (
    Step("support", tags=frozenset({"support"}), terms=(
        "техподдержк*", "техническ* поддержк*", "служб* поддержк*", "поддержк* whatsapp",
        "поддержк* telegram", "поддержк* ватсап*", "поддержк* телеграм*", "whatsapp поддержк*",
        "telegram поддержк*", "администрац* whatsapp", "администрац* telegram",
        "администрац* мессенджер*", "оператор* сотов*", "оператор* связи", "ваш оператор",
        "техникалық қолдау*", "қолдау қызмет*", "қолдау орталығ*", "байланыс оператор*",
        "ұялы байланыс оператор*", "support team", "technical support", "tech support",
        "whatsapp support", "telegram support", "customer support", "support service",
        "help desk", "helpdesk", "your mobile operator", "your operator",
    )),
    Step("account_threat", terms=(
        "удал* .. аккаунт*", "аккаунт* .. удал*", "удал* .. учетн* запис*",
        "учетн* запис* .. удал*", "заявк* на удалени*", "запрос* на удалени*",
        "аккаунт* .. заблокир*", "заблокир* .. аккаунт*", "блокировк* .. аккаунт*",
        "аккаунт* .. деактив*", "номер* .. заблокир*", "заблокир* .. номер*",
        "сим карт* .. заблокир*", "номер* .. отключ*", "отключ* .. номер*", "аккаунт* .. жою*",
        "аккаунт* .. жой*", "жою туралы", "аккаунт* .. бұғатта*", "бұғатта* .. аккаунт*",
        "нөмір* .. бұғатта*", "аккаунт* .. өшір*", "өшір* .. аккаунт*", "delet* .. account*",
        "account* .. delet*", "account* .. block*", "block* .. account*", "account* .. suspend*",
        "suspend* .. account*", "account* .. deactivat*", "deactivat* .. account*",
        "deletion request", "request to delete", "number .. blocked", "number .. disconnected",
    )),
    Step("code_request", tags=frozenset({"code"}), negatable=True,
         terms=(*_ask(_CODE_VERBS, _CODE_OBJECTS), "какой код пришел", "what is the code",
                "code .. you received", "code .. you got", "кодты айт*", "кодты жібер*")),
    Step("authority", tags=frozenset({"authority"}), terms=(
        "это национальн* банк*", "из национальн* банк*", "сотрудник* национальн* банк*",
        "сотрудник* нацбанк*", "из нацбанк*", "вас беспокоит .. служб* безопасност*",
        "с вами говорит .. следовател*", "я следовател*", "я из полиции", "я сотрудник полиции",
        "я сотрудник* .. прокуратур*", "ұлттық банктен", "ұлттық банк қызметкер*",
        "бұл ұлттық банк*", "тергеуш* .. мен", "this is .. national bank",
        "calling from .. national bank", "calling from .. police", "i am .. police officer",
        "from the police", "from the prosecutor*",
    )),
    Step("money_request", tags=frozenset({"money"}), negatable=True, terms=(
        "безопасн* счет*", "резервн* счет*", "резервн* ячейк*", "забронирован* средств*",
        "бронь средств*", "совместн* операци*", "қауіпсіз шот*", "резервтік ұяшық*",
        "safe account", "secure account", "reserved cell", "joint operation*",
    ), all_of=(("@transfer_ask",), ("@money", "@money_dest"))),
    Step("remote_app", tags=frozenset({"remote"}), terms=(
        "anydesk", "эни деск", "энидеск", "rustdesk", "раст деск", "teamviewer", "тимвьюер*",
        "rudesktop", "hoptodesk", "notodesk", "todesk", "ammyy", "aeroadmin", "quicksupport",
        "quick support", "демонстрац* экран*", "трансляц* экран*", "поделит* экраном",
        "экранды көрсет*", "экранды бөліс*", "screen shar*", "share your screen",
    )),
    Step("job_offer", tags=frozenset({"job"}), terms=(
        "удаленн* работ*", "работ* на дому", "подработ*", "заработ* от", "доход от",
        "заработок в день", "пассивн* доход*", "қосымша табыс*", "табыс табу*", "үйден жұмыс*",
        "work from home", "part time job", "part-time job", "earn .. per day", "earn .. a day",
        "easy money", "job offer",
    )),
    Step("upfront_payment", negatable=True, terms=(
        "внес* .. депозит*", "внес* .. взнос*", "страхов* взнос*", "гарантийн* взнос*",
        "вступительн* взнос*", "предоплат*", "оплат* .. обучени*", "оплат* .. активаци*",
        "оплат* .. страховк*", "пополн* .. баланс*", "пополн* .. счет*", "алдын ала төле*",
        "жарна* төле*", "депозит* сал*", "pay .. fee", "registration fee", "deposit .. first",
        "make a deposit", "top up .. account", "activation fee",
    )),
    Step("cannot_talk", terms=(
        "не могу говорить", "не могу разговаривать", "не могу сейчас говорить",
        "не могу ответить", "не звони", "не звоните", "позже объясню", "потом объясню",
        "потом расскажу", "телефон сломался", "қазір сөйлей алмаймын", "сөйлей алмаймын",
        "қоңырау шалма*", "кейін түсіндіремін", "can't talk", "cannot talk", "can't call",
        "don't call", "explain later", "phone is broken",
    )),
)}

CHAINS: tuple[Chain, ...] = (
    Chain(ChatCheck.ACCOUNT_TAKEOVER, (("support",), ("account_threat",), ("code_request",)),
          supersedes=(ChatCheck.SUPPORT_CODE,)),
    Chain(ChatCheck.SUPPORT_CODE, (("support",), ("code_request",))),
    Chain(ChatCheck.AUTHORITY_MONEY, (("authority",), ("money_request",))),
    Chain(ChatCheck.REMOTE_ACCESS, (("support", "authority"), ("remote_app",))),
    Chain(ChatCheck.RELATIVE_MONEY, (("money_request",), ("cannot_talk",)), window=10,
          ordered=False),
    Chain(ChatCheck.JOB_DEPOSIT, (("job_offer",), ("upfront_payment",))),
)

# Words that turn a request into a warning when they come just before it.
NEGATIONS = ("не", "ни", "никому", "никогда", "нельзя", "никаких", "без", "ешкімге", "ешқашан",
             "never", "not", "don't", "dont", "no one", "nobody", "no")
