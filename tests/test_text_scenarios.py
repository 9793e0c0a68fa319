"""The National Bank notices' scenarios, in Kazakh, Russian and English, must be caught by check-text.

Every scam message below is written for this test (none comes from the evaluation corpus): each
scenario of the two seed notices and of the issue's scenario list, plus Latin-script Kazakh and
mixed-script / spaced-out variants. The legitimate look-alikes (bank OTP texts with "never tell
anyone", transaction notices, the National Bank's own warnings, news about scams, family talk about
money) must stay below `suspicious`. `expect` names rules of which at least one must fire, so a test
also fails when a message is caught only by accident.
"""

from __future__ import annotations

import pytest

from kzscam.engine import Engine, get_engine
from kzscam.model import Verdict
from kzscam.pipeline.text import check_text

SCAMS: list[tuple[str, str, tuple[str, ...]]] = [
    # -- National Bank impersonation and the claims it never makes (both notices) ---------------
    ("Здравствуйте! Вас беспокоит сотрудник Национального банка. По вашему счёту подозрительная "
     "операция, для защиты средств переведите их на резервный счёт.", "ru", ("TXT-NBK-001",)),
    ("Сәлеметсіз бе! Мен Қазақстан Ұлттық Банкінің қызметкерімін. Қаражатыңызды сақтау үшін оны "
     "қауіпсіз шотқа аудару керек.", "kk", ("TXT-NBK-001", "TXT-NBK-002")),
    ("Hello, I am an officer of the National Bank of Kazakhstan. Your deposit is at risk: move it "
     "to a protected account today.", "en", ("TXT-NBK-001",)),
    ("Salemetsiz be, men Ulttyq Bank qyzmetkerimin. Aqshanyzdy saqtau ushin qauipsiz shotqa "
     "audaryp jiberiniz.", "kk-latin", ("TXT-NBK-001", "TXT-AUTH-001")),
    ("Ұлттық Банктің атынан резервтелген ұяшықтың құжаттарын жібердік, қол мен мөр қойылған.",
     "kk", ("TXT-NBK-003", "TXT-NBK-008")),
    ("Ваши средства забронированы Нацбанком. Высылаем справку о забронированных средствах.", "ru",
     ("TXT-NBK-003",)),
    ("Your booked funds will be released once you join the payment operation carried out jointly "
     "with the National Bank.", "en", ("TXT-NBK-003", "TXT-NBK-006")),
    ("Вы участвуете в платёжной операции, проводимой совместно с Национальным банком, никому не "
     "говорите об этом звонке.", "ru", ("TXT-NBK-006",)),
    ("Сейчас с вами по видеосвязи в WhatsApp свяжется представитель Нацбанка, ответьте.", "ru",
     ("TXT-NBK-007",)),
    ("Ваши сбережения застрахованы Национальным банком, риска нет, переводите спокойно.", "ru",
     ("TXT-NBK-004",)),
    ("Направляем официальное письмо с печатью и подписью уполномоченного лица Национального банка.",
     "ru", ("TXT-NBK-008",)),
    ("Нaциoнaльный бaнк: вaши cредcтвa под угрозой. Cooбщите кoд из SMS для зaщиты.", "ru-mixed",
     ("TXT-CODE-001", "TXT-CODE-004")),
    # -- law enforcement, КНБ, АФМ, prosecutors (nbk-ai-notice: "power structures") ---------------
    ("Вас беспокоит старший следователь департамента полиции. В отношении вас возбуждено уголовное "
     "дело. Не кладите трубку и никому не говорите об этом разговоре.", "ru",
     ("TXT-AUTH-002", "TXT-PRES-001")),
    ("Сізге ІІМ тергеушісі хабарласып тұр. Сіздің атыңызға несие рәсімделді, бұл туралы ешкімге "
     "айтпаңыз.", "kk", ("TXT-AUTH-007",)),
    ("This is the prosecutor's office: your account is linked to a criminal case. Do not tell your "
     "family and transfer your savings to the account we give you.", "en",
     ("TXT-PRES-001", "TXT-PRES-005")),
    ("Сотрудник КНБ: на ваших счетах выявлены неучтённые средства, их необходимо задекларировать.",
     "ru", ("TXT-AUTH-009",)),
    ("Агентство по финансовому мониторингу: для проверки переведите средства на специальный счёт.",
     "ru", ("TXT-NBK-001",)),
    ("Мы проводим секретную операцию по задержанию сотрудников банка, помогите следствию.", "ru",
     ("TXT-AUTH-004",)),
    # -- bank security service --------------------------------------------------------------------
    ("Служба безопасности Kaspi: на ваше имя оформляется кредит. Чтобы отменить заявку, назовите "
     "код из SMS.", "ru", ("TXT-CODE-001", "TXT-AUTH-007")),
    ("Бұл Halyk Bank қауіпсіздік қызметі. Картаңыздан ақша шешуге тырысып жатыр, SMS кодты "
     "айтыңыз.", "kk", ("TXT-CODE-002",)),
    ("Fraud department of your bank: someone is trying to withdraw money from your card. Please "
     "read me the code we just sent.", "en", ("TXT-CODE-001", "TXT-CODE-004")),
    ("Поступила заявка на изменение кодового слова по вашей карте из другого города.", "ru",
     ("TXT-AUTH-010",)),
    # -- fake messenger / operator support (nbk-2025-04-03, nbk-ai-notice) -----------------------
    ("Техподдержка WhatsApp: поступила заявка на удаление вашего аккаунта. Чтобы отменить, "
     "перейдите на сайт wa-support.top и введите номер и код.", "ru", ("TXT-SUP-003", "TXT-SUP-004")),
    ("WhatsApp қолдау қызметі: аккаунтыңызды жоюға өтініш түсті. Күшін жою үшін сайтқа өтіп, "
     "кодты енгізіңіз.", "kk", ("TXT-SUP-003", "TXT-SUP-004")),
    ("Telegram Support: your account will be deleted in 24 hours. To keep it, enter your number "
     "and the login code at telegram-verify.xyz", "en", ("TXT-SUP-011", "TXT-CODE-006")),
    ("Kcell: срок действия вашей SIM-карты истекает. Для продления продиктуйте код, который "
     "придёт по SMS.", "ru", ("TXT-CODE-002", "TXT-SUP-006")),
    ("Beeline: нөміріңіздің мерзімі аяқталады, ұзарту үшін телефонға келген кодты айтыңыз.", "kk",
     ("TXT-CODE-002",)),
    ("Подключите новые функции WhatsApp по ссылке whatsapp-new.online и введите код.", "ru",
     ("TXT-SUP-005", "TXT-CODE-005")),
    ("Сейчас вам придёт код от оператора, просьба сообщить его мне.", "ru", ("TXT-CODE-003",)),
    # -- codes and passwords ------------------------------------------------------------------------
    ("Продиктуйте, пожалуйста, код из СМС, это для подтверждения возврата.", "ru",
     ("TXT-CODE-001",)),
    ("Телефоныңызға келген төрт таңбалы кодты айтып жіберіңізші.", "kk", ("TXT-CODE-002",)),
    ("Hi, I sent my code to your number by mistake, can you send me the code back?", "en",
     ("TXT-CODE-001",)),
    ("Назовите к о д из смс", "ru-spaced", ("TXT-CODE-001",)),
    ("Prodiktuyte kod iz SMS, eto sluzhba bezopasnosti banka", "ru-latin",
     ("TXT-CODE-002", "TXT-CODE-004")),
    # -- relatives and hijacked accounts (nbk-2025-04-03), voice clones (nbk-ai-notice) ----------
    ("Мам, привет, это мой новый номер, старый сломался. Срочно нужны деньги, скинь 50 000 на "
     "карту, потом объясню.", "ru", ("TXT-REL-003", "TXT-REL-004")),
    ("Апа, бұл менің жаңа нөмірім. Қазір сөйлесе алмаймын, мына картаға 30 мың аударып жіберші, "
     "кейін түсіндіремін.", "kk", ("TXT-REL-004",)),
    ("Mum, I broke my phone, this is my new number. Can't talk now, transfer 200 pounds to this "
     "account please, I'll explain later.", "en", ("TXT-REL-004",)),
    ("Отправил голосовое, послушай. Короче, переведи 20 тысяч на Kaspi, очень надо.", "ru",
     ("TXT-REL-006",)),
    ("Әке, мен апатқа түстім, тез көмектес, ақша керек.", "kk", ("TXT-REL-002",)),
    ("Кинь на карту друга 15 000, моя заблокирована, срочно.", "ru", ("TXT-REL-007",)),
    # -- scripts that themselves talk about "scammers" or quote a warning: the request decides ------
    ("Алаяқтар сіздің атыңызға несие рәсімдеп жатыр. Тоқтату үшін SMS-тегі кодты айтыңыз.", "kk",
     ("TXT-CODE-002",)),
    ("Scammers opened a loan in your name. To cancel it, tell me the code we have just sent.", "en",
     ("TXT-CODE-001",)),
    ("Национальный банк предупреждает: на ваше имя оформляют кредит. Сообщите код из SMS для "
     "отмены.", "ru", ("TXT-CODE-001",)),
    ("Ұлттық Банк ескертеді: алаяқтар шотыңызға кірді, ақшаңызды қауіпсіз шотқа аударыңыз.", "kk",
     ("TXT-NBK-001",)),
    ("Fraudsters have access to your account. Move your savings to a safe account now.", "en",
     ("TXT-NBK-001",)),
    ("Апа, телефонымды алаяқтар бұзып алды, бұл жаңа нөмірім. Шұғыл 40 000 керек, мына картаға "
     "салшы.", "kk", ("TXT-REL-005", "TXT-REL-003")),
    ("Hi dad, scammers hacked my phone, this is my new number. Please send 150 000 to this card "
     "urgently.", "en", ("TXT-REL-005", "TXT-REL-001")),
    ("Мы проводим совместную с Национальным банком операцию по задержанию мошенников, от вас "
     "требуется перевести деньги на указанный счёт.", "ru", ("TXT-NBK-006",)),
    # -- advance fees, fake courts, couriers, rentals, messenger log-ins, absurd pay ---------------
    ("Займ одобрен! Перед выдачей нужно оплатить страховку 9 000 тг на карту менеджера.", "ru",
     ("TXT-LURE-030",)),
    ("Несиеңіз бекітілді, ақшаны алу үшін алдымен 12 000 теңге сақтандыру жарнасын төлеңіз.", "kk",
     ("TXT-LURE-030",)),
    ("Сот шешімі бойынша айыппұлды бүгін sot-kz.top сілтемесі арқылы төлеңіз, әйтпесе қамауға "
     "аласыз.", "kk", ("TXT-LURE-031",)),
    ("You have an unpaid court fine. Pay it at fines-kz.online within 24 hours, otherwise a warrant "
     "will be issued.", "en", ("TXT-LURE-031",)),
    ("Полиция: ваша дочь сбила пешехода. Чтобы закрыть дело, нужно 700 000 тг, к вам заедет "
     "курьер. Никому не звоните.", "ru", ("TXT-REL-009",)),
    ("Пәтер бос, бірақ мен басқа қаладамын, іссапардамын. Кепілақыны картаға аударыңыз, кілтті "
     "поштамен жіберемін.", "kk", ("TXT-LURE-032",)),
    ("Participate in the national poll and receive 12,000 KZT. Log in with Telegram: poll-kz.site",
     "en", ("TXT-LURE-033",)),
    ("Отсканируйте QR-код на остановке и получите единовременное пособие.", "ru", ("TXT-LINK-008",)),
    ("Күніне 2 сағат қана, айына 600 000 теңгеге дейін табыс! WhatsApp-қа жазыңыз.", "kk",
     ("TXT-JOB-013",)),
    ("Сәлем, мен қателесіп саған кодты жібердім, соны маған қайтарып жіберші.", "kk",
     ("TXT-CODE-008", "TXT-CODE-002")),
    ("Мен Ұлттық Банктенмін. Сіздің атыңызға күдікті несие рәсімделді, кодты айтыңыз.", "kk",
     ("TXT-AUTH-001", "TXT-CODE-002")),
    # -- links, apps, remote access, QR codes ------------------------------------------------------
    ("Установите RustDesk и продиктуйте ID, наш специалист проверит ваш телефон.", "ru",
     ("TXT-LINK-003",)),
    ("AnyDesk бағдарламасын орнатыңыз, банк маманы шотыңызды тексереді.", "kk", ("TXT-LINK-003",)),
    ("Install AnyDesk so our bank specialist can secure your account.", "en", ("TXT-LINK-003",)),
    ("Включите демонстрацию экрана в WhatsApp, я покажу, как отменить перевод.", "ru",
     ("TXT-LINK-004",)),
    ("Отсканируйте QR-код, чтобы получить компенсацию от банка.", "ru", ("TXT-LINK-008",)),
    ("Для защиты счёта скачайте приложение: http://kaspi-protect.top/kaspi.apk", "ru",
     ("TXT-ENT-001", "TXT-LINK-002")),
    # -- personal data --------------------------------------------------------------------------------
    ("Для получения выплаты пришлите фото удостоверения с двух сторон и ИИН.", "ru",
     ("TXT-PD-003",)),
    ("Ұтысты алу үшін карта нөмірін, мерзімін және артқы жағындағы үш санды жазыңыз.", "kk",
     ("TXT-PD-001",)),
    ("To receive your refund, reply with your card number, expiry date and CVV.", "en",
     ("TXT-PD-001",)),
    ("Назовите кодовое слово для подтверждения личности.", "ru", ("TXT-PD-005",)),
    # -- jobs and droppers (nbk-2025-04-03: high-paying jobs) ---------------------------------------
    ("Удалённая работа! Доход от 15 000 тенге в день, опыт не нужен, пиши в лс.", "ru",
     ("TXT-JOB-001",)),
    ("Жалақысы жоғары жұмыс: күніне 20 000 теңге, тәжірибе қажет емес, жекеге жазыңыз.", "kk",
     ("TXT-JOB-001",)),
    ("Ищем людей для приёма переводов на карту: нужно принимать деньги и переводить дальше, 5% "
     "твои.", "ru", ("TXT-JOB-007",)),
    ("Картаңды жалға бер, аптасына 40 мың төлейміз.", "kk", ("TXT-JOB-008",)),
    ("Looking for people to receive payments to their bank accounts and forward them, weekly pay.",
     "en", ("TXT-JOB-007",)),
    # -- contests, surveys, prizes, loans, investments (nbk-ai-notice and the list) --------
    ("Сәлем! Қызымның суреті байқауға қатысып жатыр, дауыс беріп жіберші: konkurs-detey.kz", "kk",
     ("TXT-LURE-010",)),
    ("Привет! Проголосуй, пожалуйста, за мою племянницу в конкурсе, вот ссылка: golos-konkurs.ru",
     "ru", ("TXT-LURE-010",)),
    ("Hi! Could you vote for my daughter in the drawing contest? Here's the link.", "en",
     ("TXT-LURE-010",)),
    ("Пройдите опрос о социальных выплатах и получите 10 000 тенге: opros-gov.kz", "ru",
     ("TXT-LURE-011",)),
    ("Құттықтаймыз! Сіз ұтыс ойынында iPhone 16 ұтып алдыңыз. Сыйлықты алу үшін сілтемеге өтіңіз.",
     "kk", ("TXT-LURE-001",)),
    ("Поздравляем! Ваш номер выиграл 500 000 тенге. Для получения приза перейдите по ссылке.",
     "ru", ("TXT-LURE-001",)),
    ("Кредит без отказа за 10 минут, даже с плохой кредитной историей! Пишите в личку.", "ru",
     ("TXT-LURE-019",)),
    ("Инвестируйте в Казатомпром от 50 000 тенге и получайте доход от 300 000 в месяц!", "ru",
     ("TXT-INV-008",)),
    ("Join our crypto trading group: guaranteed 20% weekly returns! Message me for details.", "en",
     ("TXT-INV-002",)),
    ("Крипто арбитраж: күніне 3% табыс, тәжірибе қажет емес, жекеге жазыңыз.", "kk",
     ("TXT-INV-002", "TXT-INV-005")),
    # -- deliveries, marketplaces, blocked cards, numbers, eGov, fines -----------------------------
    ("Қазпошта: сәлемдемеңіз жеткізілмеді, мекенжайды растаңыз: kazpost-kz.top", "kk",
     ("TXT-LURE-008",)),
    ("Ваша посылка задержана на таможне. Оплатите пошлину 1 500 тг по ссылке: cdek-pay.site",
     "ru", ("TXT-LURE-008",)),
    ("Покупатель оплатил товар на OLX. Для получения оплаты перейдите по ссылке и укажите данные "
     "карты.", "ru", ("TXT-LURE-015",)),
    ("Ваша карта Halyk заблокирована. Для разблокировки позвоните +7 700 123 45 67", "ru",
     ("TXT-LURE-012",)),
    ("Уважаемый абонент! Ваш номер будет отключён через 2 часа. Для продления договора нажмите 1.",
     "ru", ("TXT-SUP-006",)),
    ("eGov: Сізге 42 500 теңге әлеуметтік төлем тағайындалды. Алу үшін сілтемеге өтіңіз: "
     "egov-kz.site", "kk", ("TXT-LURE-013", "TXT-LURE-014")),
    ("Уведомление о штрафе ПДД: оплатите штраф 23 000 тг по ссылке shtraf-kz.online", "ru",
     ("TXT-LURE-013",)),
]

LEGIT: list[tuple[str, str]] = [
    # real-style bank OTP deliveries with "never tell anyone"
    ("Код подтверждения: 4521. Никому не сообщайте этот код, даже сотрудникам банка. Kaspi.kz", "ru"),
    ("Код: 1234. Никому не сообщайте его.", "ru"),
    ("Растау коды: 7712. Кодты ешкімге айтпаңыз, тіпті банк қызметкеріне де.", "kk"),
    ("Your Halyk verification code is 882913. Never share it with anyone; Halyk staff never ask.",
     "en"),
    ("Вход в Homebank. Код: 5521. Если это не вы, позвоните 7111.", "ru"),
    ("Для подтверждения перевода введите код 6620 в приложении. Никому его не сообщайте.", "ru"),
    # transactions and balances
    ("Покупка 12 500 ₸, SMALL Алматы, карта *1234. Доступно 85 300 ₸", "ru"),
    ("Сізге 15 000 ₸ аударым түсті. Қолжетімді: 120 340 ₸", "kk"),
    ("Баланс вашей карты *4421: 203 450 ₸", "ru"),
    ("Kaspi Gold: перевод 5 000 ₸ от Айгуль Н. зачислен.", "ru"),
    ("Payment of 25.00 USD to NETFLIX.COM approved. Card *7781. Available: 1 204.55 USD", "en"),
    # the National Bank's own warnings and news about scams
    ("Национальный банк предупреждает: мошенники звонят через WhatsApp от имени сотрудников "
     "Нацбанка и просят перевести деньги на «безопасный счёт». Нацбанк не звонит гражданам. "
     "Контакт-центр: 1477.", "ru"),
    ("Ұлттық Банк ескертеді: алаяқтар мессенджерлерде Ұлттық Банк қызметкерлерінің атынан жазып, "
     "ақшаны «қауіпсіз шотқа» аударуды сұрайды. Ұлттық Банк азаматтарға қоңырау шалмайды.", "kk"),
    ("Ұлттық Банк NoToDesk, RustDesk, RUDesktop, AnyDesk, TeamViewer сияқты қашықтан қол жеткізуге "
     "арналған қосымшаларды орнатпауға шақырады.", "kk"),
    ("Police warn that scammers pose as bank security staff and ask victims to read out SMS codes; "
     "never share codes with anyone.", "en"),
    ("МВД предупреждает: мошенники рассылают просьбы проголосовать за ребёнка в конкурсе, чтобы "
     "угнать аккаунт.", "ru"),
    ("Ұлттық Банк жеке тұлғалардың шотына қызмет көрсетпейді және ақша құралдарын сақтандырумен "
     "айналыспайды.", "kk"),
    ("Мошенники звонят от имени банка и просят назвать код из SMS. Никогда не сообщайте код.", "ru"),
    ("Алаяқтар банк қызметкері болып хабарласып, SMS кодты айтуды сұрайды. Кодты ешкімге айтпаңыз.",
     "kk"),
    ("Scammers often call pretending to be the bank and ask you to read out the SMS code. Never do "
     "it.", "en"),
    ("Fraudsters may ask you to move money to a 'safe account'. There is no such thing; hang up and "
     "call 1477.", "en"),
    ("Национальный банк напоминает: мы не просим переводить деньги на «безопасные счета».", "ru"),
    ("Если вам звонят и говорят, что на ваше имя оформляют кредит, положите трубку: это мошенники.",
     "ru"),
    ("Мошенники пишут с новых номеров от имени родственников и просят срочно перевести деньги на "
     "карту.", "ru"),
    ("Злоумышленники под видом сотрудников Нацбанка предлагают перевести сбережения на «специальный "
     "счёт».", "ru"),
    # colleagues mentioning a remote-access tool without asking anyone to install it
    ("AnyDesk в офисе запрещён, для подключения используйте корпоративный VPN.", "ru"),
    ("Мы поставили TeamViewer на рабочие компьютеры, админ подключается удалённо.", "ru"),
    ("Алаяқтар несие мақұлданды деп, алдымен сақтандыру жарнасын төлеуді сұрайды. Сақ болыңыз!",
     "kk"),
    ("Scammers call elderly people claiming their grandson was in an accident and a courier will "
     "collect cash to settle the case.", "en"),
    ("Сдаю квартиру, показ в любое время, предоплата при заселении.", "ru"),
    ("Вчера по ошибке отправил тебе код от подъезда, правильный 4512.", "ru"),
    ("Отсканируйте QR-код на чеке, чтобы получить кэшбэк в приложении.", "ru"),
    # ordinary family talk about money
    ("Мам, переведи мне 5000 на обед, пожалуйста, зарплата только в пятницу.", "ru"),
    ("Апа, кешке 10 мың аударып жіберші, ертең қайтарамын.", "kk"),
    ("Dad, can you send me 20 quid for the train? Will pay you back Friday.", "en"),
    ("Я попал в аварию, но всё хорошо, машину починят за неделю.", "ru"),
    ("Запиши мой новый номер, старый больше не работает.", "ru"),
    ("Бабушка в больнице, заедем к ней после работы?", "ru"),
    # ordinary service messages that share words with scams
    ("Ваш заказ №12345 доставлен в постамат на Абая 10. Код получения: 4471", "ru"),
    ("Казпочта: посылка RR123456789KZ ожидает вас в отделении до 25.11.", "ru"),
    ("eGov: ваша заявка на справку о несудимости исполнена. Результат в личном кабинете.", "ru"),
    ("Требуется продавец-консультант. Зарплата от 250 000 тенге в месяц, график 5/2.", "ru"),
    ("Биткоин опять упал, хорошо что я не вкладывался.", "ru"),
    ("Оплатить можно по QR в Kaspi, он висит у кассы.", "ru"),
    ("Қызым мектептегі сурет байқауында бірінші орын алды!", "kk"),
]


@pytest.fixture(scope="module")
def engine() -> Engine:
    return get_engine()


@pytest.mark.parametrize(("text", "lang", "expect"), SCAMS, ids=[f"{s[1]}-{i}" for i, s in
                                                                 enumerate(SCAMS)])
def test_scam_is_flagged(engine: Engine, text: str, lang: str, expect: tuple[str, ...]) -> None:
    report = check_text(engine, text, name="t", lang="en")
    fired = {f.rule_id for f in report.findings}
    assert report.verdict >= Verdict.SUSPICIOUS, (report.verdict, sorted(fired))
    assert fired & set(expect), f"expected one of {expect}, fired {sorted(fired)}"


@pytest.mark.parametrize(("text", "lang"), LEGIT, ids=[f"{s[1]}-{i}" for i, s in
                                                       enumerate(LEGIT)])
def test_legit_is_not_flagged(engine: Engine, text: str, lang: str) -> None:
    report = check_text(engine, text, name="t", lang="en")
    fired = sorted(f.rule_id for f in report.findings)
    assert report.verdict < Verdict.SUSPICIOUS, (report.verdict, report.score, fired)


def test_advice_is_localised_and_says_what_to_do(engine: Engine) -> None:
    text = "Сәлеметсіз бе, мен Ұлттық Банктің қызметкерімін. Ақшаңызды қауіпсіз шотқа аударыңыз."
    for lang, word in (("kk", "1477"), ("ru", "1477"), ("en", "1477")):
        report = check_text(engine, text, name="t", lang=lang)
        assert report.verdict == Verdict.DANGEROUS
        assert any(word in f.advice for f in report.findings), lang


def test_evidence_quotes_the_original_words(engine: Engine) -> None:
    text = "Срочно!!! Переведите деньги на БЕЗОПАСНЫЙ счёт, иначе потеряете всё."
    report = check_text(engine, text, name="t", lang="ru")
    safe = next(f for f in report.findings if f.rule_id == "TXT-NBK-001")
    quoted = {e.text for e in safe.evidence}
    assert "БЕЗОПАСНЫЙ счёт" in quoted
    for ev in safe.evidence:
        assert text[ev.start:ev.end] == ev.text


def test_negated_request_is_advice_not_scam(engine: Engine) -> None:
    asked = check_text(engine, "Сообщите код из SMS.", name="t", lang="ru")
    advised = check_text(engine, "Никогда не сообщайте код из SMS.", name="t", lang="ru")
    assert "TXT-CODE-001" in {f.rule_id for f in asked.findings}
    assert "TXT-CODE-001" not in {f.rule_id for f in advised.findings}
    assert advised.verdict < Verdict.SUSPICIOUS <= asked.verdict
