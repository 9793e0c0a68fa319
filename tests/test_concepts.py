"""Concept-level detection: who claims to be whom x what is asked x how, in kk, ru and en.

Every message is written for this test (none comes from an evaluation corpus). The scams combine a
persona (a state body, the National Bank, a boss, a relative, a contest), a request (money, a code,
a phone number, a QR scan) and a pressure (a messenger chat, secrecy, "can't talk") in varied order
and wording; each must end `suspicious` or worse with the rules alone (no learned detector). The
look-alikes (bank code texts, warnings, news and advice about scams, third-person accounts) must stay
below `suspicious`, and a third-person mention of a remote-access tool at most `caution`.
"""

from __future__ import annotations

import pytest

from kzscam.engine import Engine, get_engine
from kzscam.model import Verdict


@pytest.fixture(scope="module")
def engine() -> Engine:
    eng = get_engine()
    saved = eng.learned
    eng.learned = None
    yield eng
    eng.learned = saved


SCAMS: list[tuple[str, str]] = [
    # 1. a code request that names the digits
    ("item1", "Please send us the 6-digit code that just arrived so we can confirm the refund."),
    ("item1", "Tell me the four digits from the text message, quickly."),
    ("item1", "Продиктуйте шесть цифр, которые пришли в сообщении, это для отмены платежа."),
    ("item1", "Назовите 4-значный код из SMS, чтобы подтвердить личность."),
    ("item1", "Телефоныңызға келген 6 санды айтып жіберіңізші."),
    ("item1", "SMS-тегі 4 таңбалы кодты маған жіберші."),
    # 2. a state body named without "I am", a messenger chat, secrecy
    ("item2", "Қаржылық мониторинг агенттігі: атыңызға күдікті аударым тіркелді. "
              "Telegram-ға жазыңыз, бұл туралы ешкімге айтпаңыз."),
    ("item2", "Следственный отдел: по вашему делу нужна беседа. Свяжитесь с нами в "
              "WhatsApp и никому не рассказывайте."),
    ("item2", "District court notice: proceedings have started in your name. Contact "
              "us on Telegram and keep this confidential."),
    # 3. what the National Bank never does
    ("item3", "Ұлттық Банк сізге 180 000 теңге өтемақы төлейді: алдымен 2% алым төлеңіз."),
    ("item3", "Национальный банк выплачивает вам компенсацию, для получения оплатите сбор 4500 тенге."),
    ("item3", "The National Bank will refund your lost savings once you pay the release fee."),
    ("item3", "Ұлттық Банк маманы ертең үйіңізге келіп, қолма-қол ақшаңызды "
              "тексеріп, жаңа банкноттарға ауыстырады."),
    ("item3", "Завтра курьер Нацбанка заберёт ваши наличные на проверку подлинности купюр."),
    ("item3", "A National Bank officer will visit your home to exchange your old banknotes."),
    ("item3", "Высылаем сертификат о резервировании средств с печатью Национального банка."),
    ("item3", "Ұлттық Банктің мөрі бар резервтелген қаражат туралы анықтаманы жібердік."),
    ("item3", "You will receive a reserved funds certificate stamped by the National Bank."),
    ("item3", "Сақтау үшін ақшаңызды Ұлттық Банктің қауіпсіз шотына аударыңыз."),
    ("item3", "Переведите сбережения на защищённый счёт, так они будут в безопасности."),
    ("item3", "Move your money to a safe account until the check is over."),
    # 4. votes, paid surveys, QR in the bank app
    ("item4", "Қызым байқауға қатысып жатыр, дауыс беріңізші: konkurs-balalar.site, "
              "телефон нөміріңізді енгізіңіз."),
    ("item4", "Проголосуйте за мою племянницу: golos-detyam.online, там введите "
              "номер телефона и код из смс."),
    ("item4", "Please vote for my son in the drawing contest: kids-vote.top, enter "
              "your phone number to confirm."),
    ("item4", "Сауалнамадан өтіп, 15 000 теңге алыңыз: opros-sau.site, карта нөміріңізді енгізіңіз."),
    ("item4", "Пройдите опрос о качестве услуг и получите 10 000 тенге: "
              "anketa-pay.site, укажите номер карты и CVV."),
    ("item4", "Complete our short survey and get $50: quick-poll.xyz, enter your "
              "card number for the payout."),
    ("item4", "Қайтарымды алу үшін осы QR-кодты банк қосымшасында сканерлеңіз."),
    ("item4", "Отсканируйте этот QR-код в приложении банка, чтобы получить возврат."),
    ("item4", "Scan this QR code in your banking app to receive your refund."),
    # 5. a relative or a boss asking for money, no link, no code
    ("item5", "Мама, я попал в аварию, срочно нужно 80 тысяч, переведи на эту карту."),
    ("item5", "Пап, это мой новый номер, старый сломался. Скинь 15000 на карту, потом объясню."),
    ("item5", "Апа, апатқа түстім, тез арада 100 мың аударып жіберші."),
    ("item5", "Апа, апатка тустим, тез 100 мын аударып жиберши."),
    ("item5", "Сәлем, бұл менің жаңа нөмірім, 20 мың аударып жіберші, кейін түсіндірем."),
    ("item5", "Сәлеметсіз бе, бастығыңызбын. Жиналыстамын, сөйлесе алмаймын, мына "
              "картаға 300 мың аударып жіберіңізші."),
    ("item5", "Мам, телефон сломался, пишу с чужого. Срочно аударып жіберші 20 мың, потом объясню."),
    ("item5", "Добрый день, это ваш руководитель. Я на совещании, не могу говорить, "
              "срочно переведите 200 тысяч поставщику."),
    ("item5", "Mum, I dropped my phone, this is my new number. Can you send me $250 for the repair today?"),
    ("item5", "Hi, it's your boss. I'm in a meeting and can't talk, please buy three "
              "gift cards for a client right now."),
    # 6. easy-money posts disguised with look-alike letters
    ("item6", "Пαссивный дοхοд от 400$ в неделю, пишите в лс"),
    ("item6", "ᴅᴏʜᴏᴅ каждый день, удалённо, пиши в личку"),
    ("item6", "Нужны люди на удαлёнку, зαрαбοтοк от 15к в день, подробности в лс"),
    ("item6", "Күніне тαбыс 30 мың, жеке хабарламаға жазыңыз"),
]

LEGIT: list[tuple[str, str]] = [
    ("item1", "Ваш код 604211. Никому не сообщайте эти 6 цифр, даже сотрудникам банка."),
    ("item1", "Растау коды: 7731. Бұл 4 санды ешкімге айтпаңыз."),
    ("item1", "Your verification code is 550912. Never tell these 6 digits to anyone."),
    ("item1", "Enter the 6-digit code we sent to finish signing in."),
    ("item7", "Код для входа в eGov: 318844. Введите его на egov.kz. Никому не сообщайте."),
    ("item7", "eGov: растау коды 318844. Кодты egov.kz сайтына енгізіңіз, ешкімге айтпаңыз."),
    ("item7", "Your eGov code: 318844. Enter it on egov.kz only. Do not share it."),
    ("item7", "A real police officer would never ask for your code or send you to WhatsApp."),
    ("item7", "Настоящий следователь никогда не попросит код из SMS."),
    ("item7", "Нағыз полиция қызметкері ешқашан SMS-кодты сұрамайды."),
    ("item7", "Безопасный счёт — это миф: не переводите деньги по просьбе звонящих."),
    ("item7", "A \"safe account\" is a myth; no bank will ask you to move your money."),
    ("item7", "Алаяқтар Ұлттық Банк қызметкері деп хабарласып, ақшаны қауіпсіз шотқа аударуды сұрайды."),
    ("item7", "Мошенники звонят от имени прокуратуры и требуют никому не говорить о разговоре."),
    ("item7", "Scammers pose as prosecutors and tell victims to keep the call secret."),
    ("item7", "Полиция задержала мошенников, которые выдавали себя за сотрудников Нацбанка."),
    ("item7", "Ұлттық Банк азаматтарға өтемақы төлемейді және қолма-қол ақшаны үйде айырбастамайды."),
    ("item7", "The National Bank does not pay compensation or exchange cash at home."),
    ("item7", "Мам, переведи мне 5000 на карту, на обед не хватает."),
    ("item7", "Апа, кешке 5 мың аударып жіберші, дүкенге барамын."),
    ("item7", "Mom, can you send me 20 dollars for lunch?"),
    ("item7", "Жиналыстамын, кейін хабарласамын."),
    ("item7", "I'm in a meeting, call you back in an hour."),
    ("item7", "Я на совещании, перезвоню позже."),
    ("item7", "Проголосуйте на выборах 20 октября, участки открыты с 7 утра."),
]

REMOTE_MENTIONS: list[str] = [
    "Мошенники заставили его установить AnyDesk и вывели деньги.",
    "The fraudsters had him install AnyDesk and emptied his account.",
    "Алаяқтар оны AnyDesk орнатуға көндірген.",
]

REMOTE_REQUESTS: list[str] = [
    "Установите AnyDesk и продиктуйте мне код.",
    "Install AnyDesk and tell me the code on the screen.",
    "AnyDesk орнатып, экрандағы кодты айтыңыз.",
]


@pytest.mark.parametrize(("item", "text"), SCAMS, ids=[f"{s[0]}-{i}" for i, s in enumerate(SCAMS)])
def test_concept_scam_is_flagged(engine: Engine, item: str, text: str) -> None:
    report = engine.check_text(text, name="t", lang="en")
    assert report.verdict >= Verdict.SUSPICIOUS, (item, report.score,
                                                  [f.rule_id for f in report.findings])


@pytest.mark.parametrize(("item", "text"), LEGIT, ids=[f"{s[0]}-{i}" for i, s in enumerate(LEGIT)])
def test_concept_look_alike_stays_below_suspicious(engine: Engine, item: str, text: str) -> None:
    report = engine.check_text(text, name="t", lang="en")
    assert report.verdict < Verdict.SUSPICIOUS, (item, report.score,
                                                 [f.rule_id for f in report.findings])


@pytest.mark.parametrize("text", REMOTE_MENTIONS)
def test_third_person_remote_tool_is_caution_at_most(engine: Engine, text: str) -> None:
    assert engine.check_text(text, name="t", lang="en").verdict <= Verdict.CAUTION


@pytest.mark.parametrize("text", REMOTE_REQUESTS)
def test_remote_tool_with_code_request_is_dangerous(engine: Engine, text: str) -> None:
    assert engine.check_text(text, name="t", lang="en").verdict == Verdict.DANGEROUS
