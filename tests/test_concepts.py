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
from kzscam.pipeline.text import check_text


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
    # 8. a fee, deposit or insurance to pay first with a job, a loan or a task (TXT-LURE-060/061)
    ("item8", "Несиеңіз бекітілді, 700 000 теңге. Алдымен 9 000 ₸ сақтандыру төлеңіз."),
    ("item8", "Бізге оператор керек, жалақы 300 000 ₸. Жұмысқа кіру үшін 6 000 ₸ төлейсіз."),
    ("item8", "Вам одобрен кредит на 400 000 тенге, нужно внести страховку 5 000 тенге."),
    ("item8", "Требуется курьер, зарплата каждый день. Залог 20 000 на карту куратора."),
    ("item8", "Your loan of 500,000 tenge is approved, pay a 7,000 tenge insurance fee first."),
    ("item8", "We are hiring operators, salary 350,000. Registration deposit 8 000 tenge."),
    # 9. a money request to a card that is not the sender's (TXT-REL-019)
    ("item9", "Менің картам бұғатталды, досымның картасына 25 мың салып жіберші."),
    ("item9", "Лимитім бітті, сенің картаңмен 30 мың аударып жіберші, ертең қайтарам."),
    ("item9", "Моя карта заблокирована, переведи 20 тысяч на карту подруги."),
    ("item9", "Лимит закончился, переведи с твоей карты 15 тысяч, завтра отдам."),
    ("item9", "My card is blocked, please send 100 dollars to my friend's card."),
    ("item9", "Can you send 50 dollars to my wife's card? Mine is not working."),
    # 10. "are you free?" from a new number or before a money request (TXT-REL-020)
    ("item10", "Сәлем, бұл менің жаңа нөмірім, сақтап қой. Қолың бос па?"),
    ("item10", "Қолыңыз бос па? Маған 15 мың аударып жіберіңізші, кешке қайтарам."),
    ("item10", "Привет, это мой новый номер. Ты свободна? Хотела попросить."),
    ("item10", "Ты свободен? Переведи мне 10 тысяч, вечером верну."),
    ("item10", "Hi, this is my new number. Are you free? I need to ask something."),
    ("item10", "Are you free? Can you send me 200 dollars, I will return it tonight."),
    # 11. a boss by name or title: money, a new number, "do whatever they say" (TXT-REL-021/022)
    ("item11", "Бұл Ерлан Серікұлы, жаңа нөмірім. Жеткізушіге 200 мың аударып жіберіңізші."),
    ("item11", "Қазір сізге тергеуші хабарласады, не айтса соны орындаңыз."),
    ("item11", "Это Олег Викторович, мой новый номер. Переведите 150 тысяч поставщику."),
    ("item11", "С вами свяжется следователь, делайте всё что он скажет."),
    ("item11", "Hi, this is Aidos Serikovich, my new number. Please transfer 300,000 tenge to a supplier."),
    ("item11", "A police investigator will contact you, do whatever they say."),
    # 12. promised multiples and monthly percentages (TXT-INV-015/016)
    ("item12", "Платформаға 50 000 теңге салсаңыз, бір айда 3 есе көп аласыз."),
    ("item12", "Біздің қор айына 30% табыс береді, кепілдікпен."),
    ("item12", "Вложите 20 000 тенге, через неделю получите 100 000."),
    ("item12", "Доход 7% в день, вывод на карту."),
    ("item12", "Invest 100 dollars and you will get 1000 in a month."),
    ("item12", "Our fund pays a 25% return monthly, guaranteed."),
    # 13. a request to send a sum written as a bare number (TXT-REL-023)
    ("item13", "Апа, жаңа нөмірім бұл, салып жіберші 5000, жол ақыға жетпей тұр."),
    ("item13", "Мам, это мой новый номер, скинь 3000 срочно."),
    ("item13", "Mum, it's my new number, send me 300 please, I'll explain later."),
    # 15. a sum of money as the prize, claimed through a premium number or a short code
    ("item15", "Lucky you! Win £800 this weekend, text PLAY to 80123 now, 150p/msg."),
    ("item15", "Ваш номер может выиграть 100 000 руб, звоните 09012345678, 150p/min."),
    ("item15", "Ұтыс ойыны: 500 000 тг жүлде! Қатысу үшін 80500 нөміріне GO деп жазыңыз, 150p/msg."),
    # 16. a mail-administrator notice with its button
    ("item16", "IT desk: your mailbox storage is at 97%. Upgrade now to keep receiving messages."),
    ("item16", "Ваш почтовый ящик будет заблокирован сегодня. Подтвердить здесь"),
    ("item16", "Электрондық поштаңыздың құпиясөзінің мерзімі бүгін бітеді. Жаңарту осында"),
    # 17. a closed Telegram group with earnings, or a coin launch with its group
    ("item17", "Make money from home daily, join the team: https://t.me/+Ab12Cd34Ef"),
    ("item17", "Стабильный заработок без вложений, вступай: t.me/joinchat/QwErTy12"),
    ("item17", "Жаңа memecoin 30 секундта шығады, топқа кір: https://t.me/+Zz11Yy22"),
    # 18. betting tips and casino bonuses
    ("item18", "Ставим на тотал больше 2.5 в лайве, кэф 1.85, осталось 3 места."),
    ("item18", "Sure bet today: odds 3.2, join our VIP chat before kick-off."),
    ("item18", "Казинода бірінші депозитке +200% бонус, промокод арнада!"),
    # a photo of the card, both sides
    ("card-photo", "Апа, картаңыздың екі жағын суретке түсіріп жіберіңізші, жәрдемақыны рәсімдеймін."),
    ("card-photo", "Сфоткай карточку с обеих сторон и скинь мне, оформлю выплату."),
    ("card-photo", "To release your refund we need a photo of your card, front and back."),
    # a court paper or a case to open through a link
    ("court-link", "Сізге қатысты іс бойынша шақыру қағазы дайын, танысыңыз: sot-kz.docs-view.site/1288"),
    ("court-link", "Повестка по уголовному делу №4471 доступна по ссылке: mvd-kz.case-online.top"),
    ("court-link", "Court summons issued under case no. 5512. Download: court-notices-kz.info/s/5512"),
]

LEGIT: list[tuple[str, str]] = [
    # a premium-rate advert or subscription without a money prize; a mailbox note from a friend
    ("item15", "New ringtones every week, text TONE to 80123, 150p per tone, txt STOP to end."),
    ("item15", "Подписка на мелодии: 150p/msg, отписка STOP на 80123."),
    ("item15", "Біз ұтыс ойынында жеңдік, ертең кездесеміз!"),
    ("item16", "I will email you the plan once the office upgrade is done next week."),
    ("item16", "Почта переполнена, скинь документы в телеграм."),
    ("item16", "Поштам толып қалды, суреттерді WhatsApp-қа жібер."),
    ("item17", "Our school channel: t.me/school_news, timetables every Monday."),
    ("item17", "Чат дома: https://t.me/+Ab12Cd34Ef, обсуждаем ремонт подъезда."),
    ("item18", "Ставка по депозиту 14% годовых, пополнение в приложении."),
    ("item18", "Ертең футбол көреміз, кім жеңеді деп ойлайсың?"),
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
    ("item8", "Аударым сәтті орындалды: 5 000 ₸, комиссия 0 ₸."),
    ("item8", "Перевод 5 000 ₸ выполнен, без комиссии."),
    ("item8", "Your transfer of 5,000 tenge was completed, no fee."),
    ("item8", "Несиеңіз толық өтелді, рахмет."),
    ("item8", "Кредит погашен досрочно, спасибо."),
    ("item8", "Your loan was repaid in full."),
    ("item9", "Жүргізушінің картасына 2000 аудардым, рахмет."),
    ("item9", "Оплатил такси на карту водителя, всё ок."),
    ("item9", "I paid the driver by card, all good."),
    ("item10", "Қолың бос па? Кешке кино көрейік."),
    ("item10", "Ты свободна в субботу? Пойдём в кино."),
    ("item10", "Are you free on Saturday? Let's go to the cinema."),
    ("item11", "Директор ертең жиналыс өткізеді, бәріңіз келіңіздер."),
    ("item11", "Олег Викторович сдал отчёт вчера."),
    ("item11", "The director will hold a meeting tomorrow."),
    ("item12", "Депозит бойынша жылдық 15% сыйақы."),
    ("item12", "Вклад под 14% годовых, пополнение в приложении."),
    ("item12", "Our savings account pays 13% per year."),
    # reported speech and questions about a message (@reported): they quote a scam, they are none
    ("item14", "Маған «ақшаны қауіпсіз шотқа аударыңыз» деген хабар келді, бұл алаяқтар ма?"),
    ("item14", "Анама «несие бекітілді, 5000 ₸ сақтандыру төлеңіз» деп жазыпты, дұрыс істедім бе, өшірдім."),
    ("item14", "Мне пришло сообщение: «переведите деньги на безопасный счёт». Это развод?"),
    ("item14", "Маме позвонили и сказали перевести деньги, это нормально?"),
    ("item14", "I got a message saying my loan is approved and I must pay a fee first. Is this a scam?"),
    ("item14", "I got a call from someone claiming to be from the police asking for a transfer, "
               "is this legit?"),
    # statements of what an organisation never does negate every request in the sentence
    ("never", "Сотрудник банка никогда не попросит вас назвать код из SMS, CVV или установить "
              "приложение для удалённого доступа."),
    ("never", "Ұлттық банк азаматтарға хабарласып, SMS-кодты немесе карта деректерін сұрамайды."),
    ("never", "Your bank will never ask you to read out a code, share your screen or install AnyDesk."),
    # Kazakh negates after the word or inside the verb
    ("kk-negation", "Балам, карта нөміріңді жібер, стипендияңа қосып саламын, код керек емес."),
    ("kk-negation", "SMS-тегі кодты ешкімге жібермеңіз, банк қызметкеріне де айтпаңыз."),
    ("kk-negation", "Телефонға AnyDesk орнатпаңыздар, ол бөтен адамға экраныңызды көрсетеді."),
    # an official notice pointing to the court's own site
    ("court-link", "Сот отырысы туралы хабарлама office.sud.kz сайтында жарияланды."),
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


# The same message in Kazakh, Russian and English: a concept caught in one language must be caught in
# the others (Kazakh says "I am" with an ending, "мың" folds to a word that also means minutes, a
# fraud word is not always news), and a look-alike must stay below suspicious in all three.
PARALLEL_SCAMS: list[tuple[str, str, str]] = [
    ('Сізге ұтыс шықты, жүлдеңізді алыңыз',
     'Вам выпал выигрыш, заберите приз',
     'You have a winning ticket, collect your prize'),
    ('Банк қызметкерімін, шотыңызға күдікті операция жасалды',
     'Я сотрудник банка, по вашему счёту подозрительная операция',
     'I am a bank employee, there is a suspicious transaction on your account'),
    ('Конкурсқа дауыс беріңізші',
     'Проголосуйте в конкурсе, пожалуйста',
     'Please vote for me in the contest'),
    ('Үйден жұмыс, күніне 20 мың теңге',
     'Работа из дома, 20 тысяч тенге в день',
     'Work from home, 20 thousand tenge a day'),
    ('Сізге мемлекеттен өтемақы тиесілі, алу үшін карта нөмірін жазыңыз',
     'Вам положена компенсация от государства, для получения напишите номер карты',
     'You are entitled to state compensation, send your card number to receive it'),
    ('Мама, телефонымды жоғалттым, бұл жаңа нөмірім, 50 мың аударып жіберші',
     'Мам, я потерял телефон, это мой новый номер, переведи 50 тысяч',
     'Mum, I lost my phone, this is my new number, send me 50 thousand'),
    ('Мен полиция қызметкерімін, сіздің картаңыз алаяқтық іске қатысты, ешкімге айтпаңыз',
     'Я сотрудник полиции, ваша карта связана с мошенничеством, никому не говорите',
     'I am a police officer, your card is linked to a fraud case, do not tell anyone'),
    ('WhatsApp қолдау қызметі: аккаунтыңызды сақтау үшін кодты жіберіңіз',
     'Служба поддержки WhatsApp: чтобы сохранить аккаунт, отправьте код',
     'WhatsApp support: to keep your account, send us the code'),
    ('AnyDesk қосымшасын орнатыңыз, маман көмектеседі',
     'Установите приложение AnyDesk, специалист поможет',
     'Install the AnyDesk app, our specialist will help you'),
    ('Ұлттық банктен хабарласып тұрмыз, ақшаңыз қауіп төнуде',
     'Вам звонят из Национального банка, ваши деньги под угрозой',
     'We are calling from the National Bank, your money is at risk'),
    ('Сізге қатысты қылмыстық іс қозғалды, тергеушіге WhatsApp арқылы хабарласыңыз',
     'В отношении вас возбуждено уголовное дело, свяжитесь со следователем в WhatsApp',
     'A criminal case has been opened against you, contact the investigator on WhatsApp'),
    ('Бастығыңызбын, қазір жиналыстамын, тез арада 100 мың аударыңыз',
     'Это ваш начальник, я на совещании, срочно переведите 100 тысяч',
     'This is your boss, I am in a meeting, transfer 100 thousand urgently'),
    ('Сауалнамаға қатысып, 10 000 теңге алыңыз, карта деректерін енгізіңіз',
     'Пройдите опрос и получите 10 000 тенге, введите данные карты',
     'Take the survey and get 10,000 tenge, enter your card details'),
    ('Сіздің атыңызға біреу несие алуға өтінім берді, тоқтату үшін маманға код айтыңыз',
     'Кто-то подал заявку на кредит на ваше имя, чтобы остановить, назовите код специалисту',
     'Someone applied for a loan in your name, to stop it tell the code to our specialist'),
    ('Аға, WhatsApp-ым бұғатталып қалды, саған келген 6 санды кодты жіберші',
     'Брат, мой WhatsApp заблокировали, пришли код из 6 цифр, который тебе пришёл',
     'Bro, my WhatsApp got blocked, send me the 6-digit code you just got'),
    ('Инвестиция: 50 000 теңге салып, бір аптада 300 000 теңге алыңыз',
     'Инвестиции: вложите 50 000 тенге и получите 300 000 через неделю',
     'Investment: put in 50,000 tenge and get 300,000 in a week'),
    ('Сіздің сәлемдемеңіз кедендe ұсталды, баж салығын төлеңіз',
     'Ваша посылка задержана на таможне, оплатите пошлину',
     'Your parcel is held at customs, pay the duty fee'),
    ('Біз мобильді оператордан хабарласып тұрмыз, SIM-картаңызды ауыстыру үшін SMS-тегі кодты айтыңыз',
     'Это ваш мобильный оператор, для замены SIM-карты назовите код из SMS',
     'This is your mobile operator, to replace your SIM card tell us the SMS code'),
    ('Жеңілдетілген несие: алдын ала 10 000 теңге сақтандыру төлеңіз',
     'Льготный кредит: предварительно оплатите страховку 10 000 тенге',
     'Low-interest loan: pay a 10,000 tenge insurance fee in advance'),
    ('Бұл QR-кодты банк қосымшасында сканерлеп, қайтарымды алыңыз',
     'Отсканируйте этот QR-код в приложении банка, чтобы получить возврат',
     'Scan this QR code in your bank app to receive your refund'),
    ('Экраныңызды көрсетіңіз, мен сізге көмектесемін, демонстрацияны қосыңыз',
     'Включите демонстрацию экрана, я помогу вам всё настроить',
     'Turn on screen sharing and I will help you set everything up'),
    ('Сіздің аккаунтыңызды жою туралы өтініш түсті. Бас тарту үшін сайтқа кіріп, '
      'нөміріңіз бен кодты енгізіңіз',
     'Поступила заявка на удаление вашего аккаунта. Чтобы отменить, зайдите на сайт и введите номер и код',
     'A request to delete your account was received. To cancel it, go to the site and '
      'enter your number and the code'),
    ('WhatsApp-тың жаңа функциясын қосу үшін осы сілтемеге өтіңіз',
     'Чтобы включить новую функцию WhatsApp, перейдите по этой ссылке',
     'To enable the new WhatsApp feature, follow this link'),
    ('Картаңызды жалға беріңіз, айына 100 мың теңге төлейміз',
     'Сдайте свою карту в аренду, платим 100 тысяч тенге в месяц',
     'Rent out your bank card to us, we pay 100 thousand tenge a month'),
    ('Тауарыңызды OLX-те сатып алдым, ақшаны алу үшін сілтемеге өтіп, карта деректерін енгізіңіз',
     'Я купил ваш товар на OLX, чтобы получить деньги, перейдите по ссылке и введите данные карты',
     'I bought your item on OLX, to receive the money follow the link and enter your card details'),
    ('Тапсырма орындап ақша табыңыз: лайк басып, әр тапсырмаға 500 теңге аласыз',
     'Зарабатывайте на заданиях: ставьте лайки и получайте 500 тенге за каждое',
     'Earn money doing tasks: like posts and get 500 tenge for each one'),
    ('Адвокатпын, алаяқтар алған ақшаңызды қайтаруға көмектесемін, алдымен 20 000 теңге төлеңіз',
     'Я адвокат, помогу вернуть деньги, украденные мошенниками, сначала оплатите 20 000 тенге',
     'I am a lawyer, I will help you recover the money stolen by scammers, first pay 20,000 tenge'),
    ('Пәтерді көрсетпес бұрын 50 000 теңге кепілақы аударыңыз',
     'Перед показом квартиры переведите залог 50 000 тенге',
     'Before the viewing, transfer a 50,000 tenge deposit for the flat'),
    ('Ауру балаға көмектесіңіз, осы картаға ақша аударыңыз',
     'Помогите больному ребёнку, переведите деньги на эту карту',
     'Help a sick child, transfer money to this card'),
    ('Картаңыз бұғатталды. Бұғаттан шығару үшін сайтқа өтіп, карта нөмірін енгізіңіз',
     'Ваша карта заблокирована. Для разблокировки перейдите на сайт и введите номер карты',
     'Your card has been blocked. To unblock it, visit the site and enter your card number'),
    ('Ұлттық банк сізге банкноттарды ауыстыру үшін үйіңізге маман жібереді',
     'Национальный банк направит к вам домой специалиста для обмена банкнот',
     'The National Bank will send a specialist to your home to exchange your banknotes'),
    ('Сіздің ақшаңыз Ұлттық банктің резервтелген ұяшығында сақтаулы, растау үшін алым төлеңіз',
     'Ваши деньги хранятся в зарезервированной ячейке Национального банка, для '
      'подтверждения оплатите сбор',
     'Your money is kept in a reserved cell of the National Bank, pay a fee to confirm'),
    ('Прокуратура қызметкері бейнеқоңырау шалады, экранды көрсетіп, нұсқауларды орындаңыз',
     'Сотрудник прокуратуры позвонит вам по видеосвязи, включите экран и выполняйте указания',
     "A prosecutor's office employee will video call you, share your screen and "
      'follow the instructions'),
    ('Бұл менің дауысым, сенбесең дауыстық хабарламаны тыңда. Шұғыл 200 мың керек, аударшы',
     'Это мой голос, не веришь — послушай голосовое. Срочно нужно 200 тысяч, переведи',
     "It's my voice, listen to the voice message if you don't believe me. I urgently "
      'need 200 thousand, transfer it'),
    ('SIM-картаңыздың мерзімі бітеді, ұзарту үшін оператордан келген кодты айтыңыз',
     'Срок действия вашей SIM-карты истекает, для продления назовите код от оператора',
     'Your SIM card is expiring, to extend it tell us the code from your operator'),
    ('Сізге айыппұл салынды, 24 сағат ішінде мына сілтеме арқылы төлеңіз, әйтпесе '
      'сомасы екі есе өседі',
     'Вам выписан штраф, оплатите в течение 24 часов по этой ссылке, иначе сумма удвоится',
     'You have been fined, pay within 24 hours via this link or the amount will double'),
    ('Несиеңіз мақұлданды, ақшаны алу үшін алдымен сақтандыру жарнасын төлеңіз',
     'Ваш кредит одобрен, для получения денег сначала оплатите страховой взнос',
     'Your loan is approved, to receive the money first pay the insurance fee'),
    ('Бастығыңыз Telegram-да жазады, оның тапсырмасын орындап, ешкімге айтпаңыз',
     'Ваш руководитель напишет вам в Telegram, выполните его поручение и никому не говорите',
     'Your manager will text you on Telegram, do what he asks and tell no one'),
    # "you won" said by the Kazakh verb ending alone
    ('Құттықтаймыз, апталық ұтыс ойынында жеңімпаз атандыңыз, сыйлықты алу үшін жазыңыз',
     'Поздравляем, вы стали победителем еженедельного розыгрыша, напишите, чтобы забрать подарок',
     'Congratulations, you are the winner of our weekly draw, write to us to collect your gift'),
    # a vote for a friend, not only for a child
    ('Сәлем, досыма дауыс беріп жіберші, финалға шықты',
     'Привет, проголосуй за подругу, она вышла в финал',
     'Hi, please vote for my friend, she made it to the final'),
    # "I sent a code to your number by mistake, send it over" without "back" or "me"
    ('Сәлем, сенің нөміріңе код кетіп қалды, жіберші тез',
     'Привет, я случайно отправил код на твой номер, скинь пожалуйста',
     'Hi, I accidentally sent a code to your number, can you forward it please'),
    # codes will come (plural), read them out one by one
    ('Қазір телефоныңызға кодтар келеді, оларды маған бір-бірлеп айтыңыз',
     'Сейчас придут коды, называйте мне их по очереди',
     'Codes will arrive now, read them to me one by one'),
    # an investigator: talk to no one, transfer to the account given, or a preventive measure
    ('Тергеуші ретінде ескертемін: ешкіммен сөйлеспеңіз. Қаражатты көрсетілген шотқа '
      'аудармасаңыз, сізге бұлтартпау шарасы қолданылады',
     'Как следователь предупреждаю: ни с кем не говорите. Если не переведёте средства на '
      'указанный счёт, к вам применят меру пресечения',
     'As the investigator I warn you: talk to no one. If you do not transfer the funds to the '
      'safe account, you will be arrested'),
    # the National Bank at home, with secrecy justified by "fraudsters may use it"
    # the National Bank "compensates fraud victims" once a fee is paid
    ('Ұлттық банк алаяқтардан зардап шеккендерге 250 000 ₸ өтемақы береді. Өтінім беру үшін алдымен '
      '3 000 ₸ алым төлеңіз',
     'Нацбанк выплачивает пострадавшим от мошенников компенсацию 250 000 тенге. Для подачи заявки '
      'сначала оплатите сбор 3 000 тенге',
     'The National Bank compensates fraud victims with 250,000 tenge. To apply, first pay a '
      '3,000 tenge fee'),
    # "type «NoToDesk» into Play Market and install it": «…» деп жазып is an instruction, not a report
    ('Play Market-ке «NoToDesk» деп жазып, жүктеп алыңыз, бұл банктің қорғау бағдарламасы',
     'Наберите в Play Market «NoToDesk» и установите, это защитная программа банка',
     'Search Play Market for "NoToDesk" and install it, it is the bank\'s protection app'),
    # "your son is at the police, money settles it, tell no one"
    ('Сіздің балаңыз полицияда. Мәселені шешу үшін 300 000 теңге қажет. Ешкімге айтпаңыз',
     'Ваш сын задержан. Чтобы решить вопрос, нужно 300 000 тенге. Никому не говорите',
     'Your son has been arrested. To settle it we need 300,000 tenge. Tell no one'),
    # the earnings can be withdrawn only after one more payment
    ('Табысыңызды шығару үшін алдымен 12% салықты төлеңіз',
     'Чтобы вывести заработок, сначала оплатите налог 12%',
     'To withdraw your earnings, first pay the 12% tax'),
    # a grandchild in hospital; the money goes to a man who will come by
    ('Әже, бұл немереңмін, ауруханада жатырмын, ақшаны адамнан беріп жіберші, ол қазір барады',
     'Бабушка, это я, лежу в больнице, передай деньги через человека, он сейчас подъедет',
     "Grandma, it's me, I'm in the hospital, give the money to the man who will come by, please help"),
    # a complaint "against you" from the police, call this number
    ('Полиция: сізге қатысты арыз түсті. Түсініктеме беру үшін +7 705 111 22 33 нөміріне хабарласыңыз',
     'Полиция: на вас поступило заявление. Для дачи пояснений позвоните по номеру +7 705 111 22 33',
     'Police: a complaint has been filed against you. Call +7 705 111 22 33 to give an explanation'),
    # "if you tell your family you become an accomplice"
    ('Сіз куә ретінде тартыласыз. Туыстарыңызға айтсаңыз, қылмыстық жауапкершілікке тартыласыз',
     'Вы проходите свидетелем. Если расскажете родственникам, станете соучастником, это уголовная '
     'ответственность',
     'You are a witness in this case. If you tell your family, you face criminal liability as an accomplice'),
    ('Ұлттық банк қызметкері ескі купюраларды ауыстыру үшін үйіңізге келеді. Ешкімге айтпаңыз',
     'Сотрудник Нацбанка приедет к вам домой обменять старые купюры. Никому не говорите, '
      'мошенники могут воспользоваться информацией',
     'A National Bank employee will come to your home to exchange old banknotes. Tell no one, '
      'there are fraudsters in your area who could use it'),
    # the "your account was hacked / someone used your documents" opening, pressed as urgent
    ('Шұғыл! Жеке кабинетіңіз бұзылды, дереу қауіпсіздік қызметіне хабарласыңыз',
     'Срочно! Ваш личный кабинет взломан, немедленно свяжитесь со службой безопасности',
     'Urgent! Your account has been hacked, contact our security team immediately'),
    ('Құжаттарыңызды біреу пайдаланып несие рәсімдеді, шұғыл түрде бізге хабарласыңыз',
     'Вашими документами воспользовались для оформления кредита, срочно перезвоните нам',
     'Someone used your documents to take out a loan, call us back urgently'),
    # a request to change the phone number "came in" (the bank-security call's opening)
    ('Нөміріңізді өзгертуге өтінім түсті, бұл сіз бе? Болмаса қауіпсіздік қызметіне қосамын',
     'Поступила заявка на смену номера телефона, это вы? Если нет, соединю со службой безопасности',
     'We received a request to change your phone number, was it you? If not, I will connect security'),
]

PARALLEL_LEGIT: list[tuple[str, str, str]] = [
    ('Алаяқтар полиция атынан хабарласып, ешкімге айтпауды сұрайды. Мұндай қоңырауды бірден тастаңыз',
     'Мошенники звонят от имени полиции и просят никому не говорить. Сразу кладите трубку',
     'Scammers call pretending to be the police and ask you to tell no one. Hang up at once'),
    ('Байқаудағы дауыс беру жұма күні аяқталады, нәтижесін сайттан қараңыз',
     'Голосование в конкурсе закончится в пятницу, результаты смотрите на сайте',
     'Voting in the contest ends on Friday, see the results on the website'),
    ('Кеше лотереяда көршіміз көлік ұтып алды',
     'Вчера наш сосед выиграл машину в лотерею',
     'Yesterday our neighbour won a car in the lottery'),
    ('Жаңа жұмысымда күніне 8 сағат жұмыс істеймін, жалақы 300 мың',
     'На новой работе я работаю 8 часов в день, зарплата 300 тысяч',
     'At my new job I work 8 hours a day, the salary is 300 thousand'),
    ('Банк қызметкері маған депозит ашуға көмектесті',
     'Сотрудник банка помог мне открыть депозит',
     'A bank employee helped me open a deposit'),
    ('Сенің картаңа алаяқтар кіріп кетіпті деп естідім, банкке хабарлас',
     'Слышал, что к твоей карте получили доступ мошенники, позвони в банк',
     'I heard fraudsters got into your card, call the bank'),
    ('Той суреттерін көру үшін осы сілтемеге өтіңіз',
     'Чтобы посмотреть фото со свадьбы, перейдите по этой ссылке',
     'To see the wedding photos, follow this link'),
    ('Қайырымдылық қорына көмектескіңіз келсе, қордың ресми сайтындағы деректемелерді қараңыз',
     'Если хотите помочь благотворительному фонду, смотрите реквизиты на официальном сайте фонда',
     'If you want to help a charity, check the payment details on its official website'),
    ('Кеше саған 5000 теңге аудардым, келді ме?',
     'Вчера перевёл тебе 5000 тенге, дошли?',
     'I transferred you 5000 tenge yesterday, did it arrive?'),
    ('Bereke Bank: Картаңыз бұғатталды, себебі PIN-код 3 рет қате енгізілді. Бұғаттан '
      'шығару үшін қосымшаға кіріңіз немесе бөлімшеге келіңіз.',
     'Bereke Bank: Ваша карта заблокирована, так как PIN-код трижды введён неверно. '
      'Для разблокировки зайдите в приложение или обратитесь в отделение.',
     'Bereke Bank: Your card has been blocked because the PIN was entered wrongly 3 '
      'times. To unblock it, use the app or visit a branch.'),
    ('Иә, алаяқтық. Досыңның аккаунтын бұзып алған. Оған 2FA қосуды айт, сен ешқандай кодты жіберме.',
     'Да, это мошенники. Взломали аккаунт друга. Скажи ему включить 2FA, а ты никакой код не отправляй.',
     "Yes, it's a scam. They hacked your friend's account. Tell him to turn on 2FA, "
     "and don't send any code."),
    ('Әзірге ешкімге айтпа, бірақ бастығың жұмыстан кетіп жатыр',
     'Никому пока не говори, но твой начальник увольняется',
     "Don't tell anyone yet, but your boss is leaving the company next month"),
    # news: a resident lost money; the police urge citizens not to trust such calls
    ('Ақтөбеде тұрғын «банк қызметкерінің» сөзіне сеніп, 3 миллион теңгесінен айырылды. Алаяқтар '
      'ақшаны қауіпсіз шотқа аударуды талап еткен. Полиция азаматтарды мұндай қоңырауларға '
      'сенбеуге шақырады',
     'В Актобе жительница поверила «сотруднику банка» и лишилась 3 миллионов тенге: её убедили '
      'перевести деньги на безопасный счёт. Полиция призывает граждан не доверять таким звонкам',
     'In Aktobe a resident trusted a "bank employee" and lost 3 million tenge after being told to '
      'move the money to a safe account. The police urge citizens not to trust such calls'),
    # the writer got a call, did not give the code, and asks
    ('Маған «банк қызметкері» деп қоңырау шалды, картаңыз бұғатталады, кодты айтыңыз деді. '
      'Айтқан жоқпын. Шынымен картам бұғатталады ма?',
     'Мне звонил «сотрудник банка», сказал, что карту заблокируют, и просил код. Я положила '
      'трубку. Так бывает вообще?',
     "Someone from 'bank security' said my card will be blocked unless I read them the code. "
     "I didn't. That's fake, right?"),
    # how to spot a fake job; a real employer never takes money
    ('Жалған вакансияны қалай ажыратуға болады: сізден «жұмыс балансына» ақша салуды сұрайды. '
      'Нағыз жұмыс беруші қызметкерден ақша алмайды',
     'Как распознать фейковую вакансию: вас просят внести деньги на «рабочий баланс». '
      'Настоящий работодатель не берёт деньги с сотрудников',
     'How to spot a fake job: you are asked to put money on a "work balance". Real employers '
      'never take money from staff'),
    # a delivery code told to the courier once the parcel is in hand
    ('Курьер кешке келеді. Кодты курьерге тек тапсырысты алған соң айтыңыз: 5520',
     'Курьер приедет вечером. Код назовите курьеру только после получения заказа: 5520',
     'The courier comes tonight. Tell the courier the code only after you receive the parcel: 5520'),
    # a warning about stickers over QR codes
    ('Аялдамалардағы QR-кодтардың үстіне жапсырылған стикерлерді көрсеңіз, әкімдікке хабарлаңыз',
     'Если увидите наклейки поверх QR-кодов на остановках, сообщите в акимат',
     'If you see stickers over the QR codes at bus stops, report them to the city office'),
    # "anyone who offers this is a fraudster"
    ('Ұлттық банк үйге барып ақша айырбастамайды. Мұны ұсынған кез келген адам алаяқ',
     'Нацбанк не меняет деньги на дому. Любой, кто предлагает обмен от имени Нацбанка, мошенник',
     'The National Bank does not exchange cash at home. Anyone offering that in its name is a fraudster'),
    # someone wrote pretending to be support; the writer refused and shares it
    ('Біреу өзін Kaspi қолдау қызметі деп таныстырып, RustDesk орнатуды сұрады. Мен бас тарттым, '
      'ешкім алданбасын деп жазып отырмын',
     'Мне писали якобы из поддержки Kaspi, просили установить RustDesk. Я отказалась, пишу, '
      'чтобы никто не попался',
     'Someone messaged me pretending to be Kaspi support, asking me to install RustDesk. I refused. '
     'Just sharing so nobody falls for it'),
    # news: a man lost money after a fraudster asked for a prepayment
    ('Тұрғын интернеттен тапсырыс беріп, 400 мың теңгесінен айырылды: алаяқ алдымен алдын ала төлем '
      'сұраған',
     'Житель Караганды потерял 400 тысяч тенге: мошенник попросил внести предоплату, а потом ещё раз',
     'A Karaganda man lost 400,000 tenge after a fraudster asked him to pay a deposit, then another'),
    # a contest announcement: the winner will get a smartphone
    ('Байқау басталды! Жеңімпазға смартфон беріледі, нәтижесі жұмада жарияланады',
     'Стартовал конкурс! Победителю подарим смартфон, итоги объявим в пятницу',
     'The contest has started! The winner gets a smartphone; results on Friday'),
    # a sign-in code notice that says where to type it
    ('Жаңа құрылғыдан кірсеңіз, SMS арқылы код келеді. Оны тек ресми сайтта енгізіңіз, логин мен '
      'құпиясөзді ешкімге бермеңіз',
     'При входе с нового устройства придёт код по SMS. Вводите логин и код только на официальном сайте банка',
     'When you sign in from a new device you get a code by SMS. Enter your login only on the official '
     'bank site and never share it'),
    # a vacancy with a street address
    ('Кофеханаға бариста керек, тәжірибесіз болса үйретеміз. Жалақы 200 000 ₸. Мекенжайымызға '
     'келіңіз: Абай 12',
     'В кофейню нужен бариста, без опыта — обучим. Зарплата 200 000 ₸. Приходите на Абая, 12',
     'A coffee shop needs a barista, no experience, we train. Salary 200,000 KZT. Come to our office '
     'at 12 Abai Ave'),
    # a warning about renting out cards, with its consequences
    ('Картаңызды жалға бермеңіз: бұл заңсыз, дроппер ретінде қылмыстық іске тартыласыз',
     'Сдавать свою карту в аренду — это статья, дропов сейчас привлекают как соучастников',
     'Renting out your bank card makes you a money mule, and police are prosecuting it'),
    # a group chat's rules
    ('Чат ережесі: «үйден жұмыс», «картаны жалға беру» деген жарнамалар үшін бан. Әкімшілік',
     'Правила чата: реклама «работы из дома» и «аренды карт» — бан без предупреждения. Админ',
     'Chat rules: posts about "work from home" or "renting cards" get a ban without warning. Admin'),
    # a school contest: just a like, no links and no codes
    ('Қызым суреттер байқауына қатысып жатыр, мектеп парақшасында №7 жұмысқа лайк басыңыздар, '
     'ешқандай сілтеме жоқ',
     'Дочка участвует в конкурсе рисунков, поставьте лайк работе №7 на странице школы, никаких '
     'ссылок и кодов',
     'My daughter is in the school drawing contest, please like picture no. 7 on the school page, no '
     'links or codes'),
    # a vacancy paid per hour, with an office to come to
    ('Тіл мектебіне мұғалім керек, сағатына 5000 ₸, кеңсемізге келіңіз: Абай 150',
     'В школу английского нужен преподаватель, оплата 5000 тг в час, собеседование в офисе на Абая 150',
     'An English school needs a teacher, 5,000 KZT per hour, interviews at our office at 150 Abai Ave'),
    # a card number asked for to pay a debt back
    ('Карта нөміріңді жіберші, кешегі 5000 қарызды қайтарайын',
     'Скинь номер карты, верну долг за ужин, 8500 же было?',
     "Send me your card number, I owe you for dinner, it was 8,500 right?"),
    # "30% a week is a pyramid"
    ('Аптасына 30% пайда уәде етсе, бұл пирамида. Нағыз инвестиция жылына 10-15% ғана береді',
     'Если обещают 30% в неделю, это пирамида. Настоящие инвестиции дают 10-15% в год',
     "If they promise 30% a week, it's a ponzi. Real investments give 10-15% a year"),
    # someone got a "paid likes" DM, ignored it and asks the group
    ('Сендерге де «лайк басып ақша табу» туралы хат келді ме? Мен жауап бермедім, сенбеймін',
     'Вам тоже пишут про «лайки за деньги»? Я проигнорировала, это развод же',
     "Anyone else get a DM about liking YouTube videos for money? I ignored it, feels like a scam"),
    # paying the rent of a flat to the usual card
    ('Пәтерақыны бұрынғы картаға аударамын, нөмірі сол',
     'Номер карты для перевода за аренду квартиры тот же, перевожу как обычно',
     'The card for the rent of the flat is the same one, I am paying the rent as usual'),
    # changing one's own number, advice about documents, a neighbour's real earnings
    ('Нөміріңізді өзгертуге ХҚКО-да өтініш толтырасыз, жеке куәлік керек',
     'Чтобы сменить номер, заполните заявление в ЦОН, нужно удостоверение личности',
     'To change your number, fill in an application at the service centre, bring your ID'),
    ('Біреу құжаттарыңызды қолданды ма? Несие тарихыңызды тегін тексеріңіз',
     'Кто-то использовал ваши документы? Срочно проверьте кредитную историю бесплатно',
     'Did someone use your documents? Check your credit report for free'),
    ('Көршінің баласы студент, кафеде жұмыс істеп айына 150 мың таба бастады',
     'Сын соседки, студент, начал зарабатывать 150 тысяч в месяц, работая в кафе',
     'The neighbour\'s son, a student, started earning 150 thousand a month working at a cafe'),
]


@pytest.mark.parametrize("triple", PARALLEL_SCAMS, ids=[f"scam-{i}" for i in range(len(PARALLEL_SCAMS))])
def test_a_scam_is_caught_in_all_three_languages(engine: Engine, triple: tuple[str, str, str]) -> None:
    verdicts = {lang: check_text(engine, text, name="t", lang=lang).verdict
                for lang, text in zip(("kk", "ru", "en"), triple, strict=True)}
    assert all(v >= Verdict.SUSPICIOUS for v in verdicts.values()), verdicts


@pytest.mark.parametrize("triple", PARALLEL_LEGIT, ids=[f"legit-{i}" for i in range(len(PARALLEL_LEGIT))])
def test_a_look_alike_stays_below_suspicious_in_all_three(engine: Engine,
                                                          triple: tuple[str, str, str]) -> None:
    verdicts = {lang: check_text(engine, text, name="t", lang=lang).verdict
                for lang, text in zip(("kk", "ru", "en"), triple, strict=True)}
    assert all(v < Verdict.SUSPICIOUS for v in verdicts.values()), verdicts


@pytest.mark.parametrize(("item", "text"), SCAMS, ids=[f"{s[0]}-{i}" for i, s in enumerate(SCAMS)])
def test_concept_scam_is_flagged(engine: Engine, item: str, text: str) -> None:
    report = check_text(engine, text, name="t", lang="en")
    assert report.verdict >= Verdict.SUSPICIOUS, (item, report.score,
                                                  [f.rule_id for f in report.findings])


@pytest.mark.parametrize(("item", "text"), LEGIT, ids=[f"{s[0]}-{i}" for i, s in enumerate(LEGIT)])
def test_concept_look_alike_stays_below_suspicious(engine: Engine, item: str, text: str) -> None:
    report = check_text(engine, text, name="t", lang="en")
    assert report.verdict < Verdict.SUSPICIOUS, (item, report.score,
                                                 [f.rule_id for f in report.findings])


@pytest.mark.parametrize("text", REMOTE_MENTIONS)
def test_third_person_remote_tool_is_caution_at_most(engine: Engine, text: str) -> None:
    assert check_text(engine, text, name="t", lang="en").verdict <= Verdict.CAUTION


@pytest.mark.parametrize("text", REMOTE_REQUESTS)
def test_remote_tool_with_code_request_is_dangerous(engine: Engine, text: str) -> None:
    assert check_text(engine, text, name="t", lang="en").verdict == Verdict.DANGEROUS

# Kazakh and Russian mixed in one message, as people write: a Kazakh object with a Russian verb
# ("кодты скажите"), Russian money words in a Kazakh sentence, and so on.
MIXED_SCAMS: list[str] = [
    'Сәлем, это я, жаңа номер. Срочно 30 мың керек, на каспи скинь пожалуйста',
    'Апа, мен аварияға түстім, срочно деньги нужны, переведи 100 мың',
    'Здравствуйте, Ұлттық банк қызметкерімін, ваши деньги под угрозой, қауіпсіз шотқа аударыңыз',
    'WhatsApp поддержка: аккаунтыңыз удаляется, кодты отправьте осы чатқа',
    'Привет, проголосуй за мою қызым в конкурсе, сілтеме ниже',
    'Үйден работа, күніне от 20 000 теңге, опыт не нужен, пиши в лс',
    'Полициядан звоним, сіздің картаңыз мошенниктерге қатысты, никому не говорите',
    'Кодты скажите пожалуйста, ол қате келіп қалды',
]


@pytest.mark.parametrize("text", MIXED_SCAMS, ids=[f"mixed-{i}" for i in range(len(MIXED_SCAMS))])
def test_a_mixed_kazakh_russian_scam_is_flagged(engine: Engine, text: str) -> None:
    report = check_text(engine, text, name="t", lang="kk")
    assert report.verdict >= Verdict.SUSPICIOUS, [f.rule_id for f in report.findings]
