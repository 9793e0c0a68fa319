"""Who speaks to whom, by grammar: `addresses_reader` and the `narrated` cap (TXT-CTX-002).

Every message is written for this test. A message that retells a scam in the third person and asks
its reader for nothing stays at caution whatever scam words it quotes; the same scam words spoken
to the reader ("your", an imperative, Kazakh "-ңыз", Russian "ты"-forms) keep their full weight.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kzscam.engine import Engine, get_engine
from kzscam.model import Verdict
from kzscam.pipeline.text import check_text
from kzscam.text.extract import addresses_reader
from kzscam.text.normalize import normalize


def _addressed(text: str) -> bool:
    return addresses_reader(normalize(text).views[0].text, original=text)


@pytest.mark.parametrize("text", [
    "Переведите деньги на резервный счёт.",
    "Вам положена компенсация.",
    "Кодты маған айтыңыз.",
    "Сіздің атыңызға несие рәсімделді.",
    "маған 20 мың керек, каспиге салшы",
    "Можешь щас скинуть 5к?",
    "Мам, кинь 10 тысяч на карту",
    "Click the link to claim the refund.",
    "To apply, first pay a 3,000 tenge fee.",
    "Your parcel is on hold.",
    "Sizdiń shotyńyz buǵattaldy",
    "Ата, ақша керек, каспиге салып жіберші",  # "ата" calls a grandfather
    "Ата-анаңызға айтыңыз, кодты маған жіберіңіз",  # passed on, then a request of its own
    "Ата-анаңызға ақша аударыңыз",
    "В банке пришлите мне выписку.",
    "Сізге несие рәсімделді.",
    "Сізше бұл дұрыс па?",
    "Сіздер үшін жаңа бағдарлама.",
    "Көмекті мына картаға салыңыздар.",  # the polite plural -ңыздар
    "Балалар, бәрің ертең 9-да келіңдер.",
    "Қараңдар, мына бағаны дұрыстаңдар.",
    "Сәлем, срочно карта номеріңді жібер, менікі блок болып қалды",  # a bare imperative
    "Привет мама это я, пишу с нового номера",
    "мама я потеряла телефон",
    "Айтыңшы, кодты маған тез.",  # the softened imperative, not an ordinal
    "Мына картаға салыңшы, ертең қайтарамын",
    "Сайтқа тіркеңдер.",
    "Картаңды маған бересің бе?",
    "Салам мама я в беде",  # a preposition's noun, then an imperative of its own
    "Ата мен апатқа түстім ақша керек",  # "ата" calls a grandfather: no compound follows
    "Ата заңгер хабарласты, мені ұстап алды, 500 мың керек, тез",  # "заңгер" (a lawyer) is no compound
])
def test_a_message_speaking_to_its_reader_is_addressed(text: str) -> None:
    assert _addressed(text)


@pytest.mark.parametrize("text", [
    "Мошенники придумали новую схему. Будьте осторожны и предупредите близких.",
    "Не переводите деньги незнакомым людям.",
    "Алаяқтар банк қызметкері болып хабарласады. Кодты ешкімге айтпаңыз.",
    "Scammers posed as bank staff and stole two million tenge, police said.",
    "Пенсионерка перевела лжесотрудникам 3 миллиона, сообщили в полиции.",
    "Информация опубликована на сайте ведомства.",  # "сайте" is not an imperative
    # nouns after a preposition ("по защите", folded "зашите"; "в кредите") are not imperatives
    "Жалобы поступили в службу по защите прав потребителей, рассказал её руководитель.",
    "Клиенту отказали в кредите из-за долгов, сообщает банк.",
    "О визите министра рассказали в пресс-службе.",
    # Russian nouns that fold into second-person endings, and "СИЗО" (not Kazakh "сіз")
    "Наши подписчики собрали вещи для приюта, сообщили волонтёры.",
    "Розыгрыш и выигрыш: итоги акции опубликовал организатор.",
    "Календарь мероприятий и тендер опубликованы на портале.",
    "Обвиняемого перевели в СИЗО, сообщили в суде.",
    # Kazakh words that end like informal second-person forms: a wish ("болсын", "берсін"), an
    # ordinal, an agent noun, a plural participle or noun (келгендер, жандар), "сосын"
    "Алла разы болсын, еңбектеріне жеміс берсін.",
    "Бірінші орынды құтқарушы алды, сосын екінші орынға келгендер марапатталды.",
    "Полиция ескертеді: алаяқтар тергеуші атынан хабарласады, жандар зардап шекті.",
    "Екінші және жиырмасыншы орындарды алғандар марапатталды.",
    "Құрбан айт қарсаңында алаяқтар зейнеткерлерге хабарласқан, деп ескертті полиция.",
    "Алла сақтасын, мұндай алаяқтар көбейді, деп жазды тілші.",
    # with Kazakh letters, plurals of -н stems and "сыз-" words are told from -ңдар and "сіз"
    "Аудандар мен орындар бойынша көмек алатындар тізімі жарияланды.",
    "Сыздықов мырзаның жобасының сызбасы бекітілді.",
    # the possessive "-сын" (ақшасын: his money), told from "-сың" (you) by the Kazakh letter
    "Алаяқтар зейнеткердің ақшасын алып кетті, деп хабарлады полиция.",
    # "мама", "ата", "son" as nouns, not calling the reader
    "Сегодня мама погибшего рассказала журналистам о звонке мошенников.",
    "The son of the victim said the caller knew her name.",
    # a family word that opens a compound names the thing: Ата Заң (the constitution), ана тілі
    "Ата Заң күніне орай алаяқтар жаңа хабарламалар таратуда, деп ескертті полиция.",
    "Ана тілі мерекесіне орай мектепте байқау өтті.",
    # Kazakh names who to tell first: a warning passed on to the family
    "Алаяқтар полиция атынан хабарласады екен. Ата-анаңызға айтыңыз.",
    "Жақындарыңызға ескертіңіз, алаяқтар Ұлттық банк атынан қоңырау шалады.",
    "Мошенники видеозвонок жасайды екен от имени полиции. Родителям обязательно айтыңдар",
])
def test_a_third_person_report_is_not_addressed(text: str) -> None:
    assert not _addressed(text)


@pytest.fixture(scope="module")
def engine() -> Iterator[Engine]:
    eng = get_engine()
    saved = eng.learned
    eng.learned = None  # the rules and the policy alone
    yield eng
    eng.learned = saved


# (a news item that quotes a scam's request, the same request spoken to the reader), kk/ru/en
PAIRS = [
    ("Аферисты разослали пенсионерам номер «безопасного счёта» и уговорили перевести туда "
     "сбережения, пока банк их не «заморозил».",
     "Переведите сбережения на безопасный счёт, пока банк их не заморозил."),
    ("Алаяқтар зейнеткерлерге «қауіпсіз шоттың» нөмірін жіберіп, жинақтарын соған аударуды "
     "талап етті.",
     "Жинағыңызды қауіпсіз шотқа аударыңыз, әйтпесе банк оны бұғаттайды."),
    ("Crooks texted pensioners a 'safe account' number and told them to move their savings there "
     "before the bank 'froze' them.",
     "Move your savings to this safe account before the bank freezes them."),
]


def _capped_but_not_said(engine: Engine, quoting: str, saying: str, context_rule: str) -> set[str]:
    """`quoting` ends at caution with `context_rule`, `saying` (the scam itself) is flagged without
    it; the rule ids of `quoting` are returned for further checks."""
    told = check_text(engine, quoting, name="quoting", lang="en")
    ids = {f.rule_id for f in told.findings}
    assert told.verdict == Verdict.CAUTION and context_rule in ids, ids
    said = check_text(engine, saying, name="saying", lang="en")
    assert said.verdict >= Verdict.SUSPICIOUS
    assert context_rule not in {f.rule_id for f in said.findings}
    return ids


@pytest.mark.parametrize("pair", PAIRS, ids=["ru", "kk", "en"])
def test_a_retold_scam_is_capped_and_the_scam_itself_is_not(engine: Engine,
                                                            pair: tuple[str, str]) -> None:
    _capped_but_not_said(engine, *pair, "TXT-CTX-002")
    # the scam words the news item quotes do fire: the cap, not a missing rule, keeps it at caution
    findings = check_text(engine, pair[0], name="news", lang="en").findings
    assert engine.score([f for f in findings if f.rule_id != "TXT-CTX-002"])[1] >= Verdict.SUSPICIOUS


def test_the_cap_holds_below_critical_only(engine: Engine) -> None:
    """Without its cap the news item above is flagged; a critical finding breaks through the cap."""
    from dataclasses import replace

    from kzscam.model import Severity

    findings = check_text(engine, PAIRS[0][0], name="news", lang="en").findings
    loader_caps = engine.catalog.scoring.caps
    assert loader_caps and loader_caps[0].tags == frozenset({"narrated"})
    uncapped = [f for f in findings if f.rule_id != "TXT-CTX-002"]
    assert engine.score(uncapped)[1] >= Verdict.SUSPICIOUS
    worst = max(findings, key=lambda f: f.severity)
    critical = [replace(worst, severity=Severity.CRITICAL) if f is worst else f for f in findings]
    assert engine.score(critical)[1] == Verdict.DANGEROUS


QUESTIONS = [
    ("Это развод или правда Kaspi? Пишут: «Ваш бонус сгорит, перейдите по ссылке kaspi-bonus.kz.top»",
     "Ваш бонус сгорит, перейдите по ссылке kaspi-bonus.kz.top"),
    ("Маған «бонусыңыз күйеді, kaspi-bonus.kz.top сілтемесіне өтіңіз» деп келді, шын ба?",
     "Бонусыңыз бүгін күйеді, kaspi-bonus.kz.top сілтемесіне өтіңіз"),
    ("Is this legit? 'Your bonus expires today, follow kaspi-bonus.kz.top'",
     "Your bonus expires today, follow kaspi-bonus.kz.top"),
]


@pytest.mark.parametrize("pair", QUESTIONS, ids=["ru", "kk", "en"])
def test_a_question_about_a_scam_keeps_the_finding_at_caution(engine: Engine,
                                                             pair: tuple[str, str]) -> None:
    ids = _capped_but_not_said(engine, *pair, "TXT-CTX-003")
    assert any(i.startswith("URL-BRAND") for i in ids)


def test_a_question_in_front_of_a_scams_own_words_is_not_capped(engine: Engine) -> None:
    """'Is this a scam?' prefixed to a scam's own request does not make it a question about one:
    only the writer's words outside quotes decide (`own_address`)."""
    asked = check_text(engine, "Шын ба? «Жинағыңызды Ұлттық банктің қауіпсіз шотына аударыңыз»",
                       name="q", lang="en")
    said = check_text(engine, "Шын ба? Жинағыңызды Ұлттық банктің қауіпсіз шотына аударыңыз",
                      name="s", lang="en")
    assert "TXT-CTX-003" in {f.rule_id for f in asked.findings}
    assert "TXT-CTX-003" not in {f.rule_id for f in said.findings}
    assert said.verdict >= Verdict.SUSPICIOUS


@pytest.mark.parametrize("text", [
    "Люди, осторожно! Маме звонили из «банка». Передайте своим родителям.",
    "Назар аударыңыз! Алаяқтар банк атынан хабарласып жатыр.",
    "Beware of fake refund calls. Forward to friends and family.",
])
def test_passing_a_warning_on_is_not_a_request(text: str) -> None:
    assert not _addressed(text)


@pytest.mark.parametrize(("text", "own"), [
    # Kazakh reported speech: the words before "дейді" are someone else's, as a quotation is
    ("Көршім айтады, біреу хабарласып, картаңызды бұғаттаймыз, кодты айтыңыз дейді.", False),
    ("Соңғы кезде біреулер хабарласып, балаңыз апатқа түсті, 500 мың керек дейді. Абай болыңыздар!", False),
    # the writer's own request after it, or in the same sentence after the verb, still counts
    ("Директор жеткізушіге бүгін төлеу керек дейді. Өз картаңнан аударып жібере тұршы.", True),
    ("Дәрігер 200 мың керек дейді, тезірек жіберші.", True),
    # words before the teller stay the writer's own; with no teller nothing is set aside
    ("Мама, кодты тез айтшы, банктен біреу хабарласып картаңды бұғаттаймыз дейді!", True),
    ("Апа, дәрігер ақшаны осы картаға салыңыз дейді.", True),
    # "be careful" is not a request
    ("Абай болыңыздар, алаяқтар көбейді.", False),
])
def test_reported_words_are_not_the_writers_own(text: str, own: bool) -> None:
    folded = normalize(text).views[0].text
    assert addresses_reader(folded, outside_quotes=True, original=text) is own
