"""Advisory language choice: --lang, else KZSCAM_LANG, else the locale, else English."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Mapping
from functools import cache

LANGS: tuple[str, ...] = ("kk", "ru", "en")
DEFAULT_LANG = "en"


def lang_from_locale(env: Mapping[str, str]) -> str | None:
    """`kk_KZ.UTF-8` -> kk, `ru_RU.UTF-8` -> ru; LC_ALL wins over LC_MESSAGES over LANG."""
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(var, "")
        if value:
            code = value.split(".")[0].split("_")[0].lower()
            if code in LANGS:
                return code
            return None
    return None


def choose_lang(flag: str | None, configured: str | None = None,
                env: Mapping[str, str] | None = None) -> str:
    """Pick the advisory language; an explicit choice always wins over guesses."""
    env = os.environ if env is None else env
    for candidate in (flag, env.get("KZSCAM_LANG"), configured):
        if candidate and candidate.lower() in LANGS:
            return candidate.lower()
    return lang_from_locale(env) or DEFAULT_LANG


def lang_is_chosen(flag: str | None, configured: str | None = None,
                   env: Mapping[str, str] | None = None) -> bool:
    """Did anyone choose the language (flag, KZSCAM_LANG, config, a kk/ru locale)?"""
    env = os.environ if env is None else env
    # An English locale is the usual default of a machine, not a choice against Kazakh or Russian.
    return any(c and c.lower() in LANGS for c in (flag, env.get("KZSCAM_LANG"), configured)) or (
        lang_from_locale(env) in ("kk", "ru"))


# Letters only Kazakh uses among the Cyrillic alphabets kzscam meets (і is also Ukrainian and
# Belarusian: those texts have ї, є, ґ or ў as well, and are not taken for Kazakh).
_KAZAKH_ONLY = frozenset("әғқңөұүһі")
_NOT_KAZAKH = frozenset("їєґў")
# Kazakh in Latin letters: the 2018 (á ǵ ı ń ó ú ý) and 2021 (ä ğ ñ ö ş ū ü) alphabets.
_KAZAKH_LATIN = frozenset("áǵıńóúýäğñöşūü")
# Frequent words, typed in their everyday spellings: Kazakh written with Russian letters only
# (жаксы for жақсы, ушин for үшін) and in Latin (rakhmet, sizdin), Russian in Cyrillic and in
# transliteration (nikomu ne soobshchayte), English. Words spelled alike in two of them count
# for one (karta and kod for transliterated Russian, whose bank SMS use them most) or for none (да).
_KK_WORDS = """
рахмет керемет жаксы жане мен сен сиз сизге сизди сиздин сиздер сиздерге биз бизге
бизди олар оган маган саган емес деп жок осы бул ушин кандай калай кайда кашан неге болды болсын
болады болып болса болар екен еди оте тек мына сол бирак немесе ма ме ба бе па пе жатыр келди
кетти берди алды айтты бериниз жибериниз жибер жиберу салем сэлем ассалаумагалейкум калайсын
калайсыз акша карыз коп улкен жана кун бугин ертен кеше уакыт тусинбедим тусиндим рахмет
ойын менин сенин онын бизге сизге ешкимге айтпаныз кодты купия купиясоз картанызды номиринизге
телефоныныз кабылдау толык шыгады шыгарам унады унайды ризамын курметти азамат
rakhmet rahmet raqmet salem salam sizdin sizge sizdi siz jane zhane ushin ýshin emes jok
zhok qalay kalay qaida kaida kerek bolady boldy bolsyn osy bul mynau kartanyz kartanyzdy kodty
jiberu zhiberu jiberiniz zhiberiniz aqsha aksha qaryz karyz tolyktyru tolyqtyru shotty shotqa
bugin erteń ertenge qurmetti kurmetti azamat jaqsy zhaksy jaksy keremet
туралы сосын барып ишинде кейин дейин сиякты тагы барлык барлыгы ким жасау жасап истеу керек
айт айтып келип кетип болмайды болмады жокпа барма жаман сурак жауап алыныз сатып тусинбеймин
жумыс тегин
"""
# Endings of Kazakh words that Russian words (of five letters or more) do not have.
_KK_ENDINGS = ("ныз", "низ", "мыз", "дагы", "деги", "тагы", "лардын", "лердин", "дарга", "дерге",
               "ларга", "лерге")
_RU_WORDS = """
и в во не на что с со по я вы ваш ваша ваше вашей вашего вашу вас вам для это этот эта эти как от
к ко за у из о об но а же бы так все всё уже если или только есть был была было были мы он она
они его её ее их мне меня тебя тебе ты при до без очень когда где сейчас нет можно нужно будет
также который которые просто спасибо привет здравствуйте пожалуйста добрый день уважаемый
уважаемая клиент никому сообщайте код кода карта карты карте карту счет счёт счета сумма сумму
остаток перевод оплата покупка доступно операция операции подтверждения введите пароль ваши
vash vasha vashe vashej vashego vashu vam vas nikomu ne soobshchayte soobschayte soobschajte
soobshchaite soobschaite govorite etot eto chto kak dlya dlia po na ot iz pri bez ili uzhe
tolko mozhno nuzhno budet seychas sejchas segodnya spasibo privet zdravstvujte zdravstvuyte
pozhaluysta pozhalujsta uvazhaemyj uvazhaemiy uvazhaemyi klient karty karte kartu kartochke schet
scheta schetu summa summu ostatok dostupno dostupna dostupnaya oplata pokupka perevod operaciya
operatsiya operacii operatsii snyatie nalichnih nalichnye popolnenie vhod parol vvedite
podtverzhdeniya podtverdite deystvuet dejstvuet minut ballov nachisleno spisanie zachislenie
obratites vybrali gotova ispolzovaniyu rekvizity karta kod rub rur rubley otkaz otmena
otkloneno otklonena vydacha nedostatochno sredstv uspeshno izmenenie platezh avtorizacii zabyta
vernites
"""
_EN_WORDS = """
the to you your yours and of is are was were be been for an in on it its this that these
those with we our us i me my he she they them their have has had do does did not no yes will
would can could should from at or by as if so but all any get got now just please call text txt
reply send sent here there what when where who why how which free win won prize claim account
ur pls thanks thank hi hello dear customer click link verify update code password card bank
"""


@cache
def _lexicon() -> tuple[re.Pattern[str], frozenset[str], frozenset[str], frozenset[str]]:
    """Built on first use: a run that never detects a language pays nothing at start-up."""
    return (re.compile(r"[^\W\d_]+"), frozenset(_KK_WORDS.split()), frozenset(_RU_WORDS.split()),
            frozenset(_EN_WORDS.split()))


@cache
def _kazakh_word() -> re.Pattern[str]:
    """A wholly Cyrillic word with a letter only Kazakh uses (one mixing alphabets, such as
    ВІNАNСЕ with a Cyrillic І, is a disguise and does not count)."""
    return re.compile(r"(?<![^\W\d_])[\u0400-\u04ff]*[әғқңөұүһі][\u0400-\u04ff]*(?![^\W\d_])")


def detect_lang(text: str) -> str | None:
    """The language a message is written in (kk, ru or en), or None when it has no words.

    Kazakh wins when a word has a letter only Kazakh uses (a Kazakh-Russian message is read by
    someone who reads Kazakh); otherwise frequent words decide, so that Kazakh typed with Russian
    letters, and Russian or Kazakh typed in Latin, are recognised too. Without any known word the
    alphabet decides: Cyrillic is Russian, Latin is English. Reads the first 2,000 characters:
    cheap enough for every message of a batch (docs/output.md has its accuracy and cost).
    """
    head = text[:2000].lower()
    if (not _KAZAKH_ONLY.isdisjoint(head) and _NOT_KAZAKH.isdisjoint(head)
            and _kazakh_word().search(head)):
        return "kk"
    word, kk_words, ru_words, en_words = _lexicon()
    words = word.findall(head)
    if not words:
        return None
    kk = ru = en = 0
    cyrillic = latin = 0
    for w in words:
        if "\u0400" <= w[0] <= "\u04ff":
            cyrillic += 1
        else:
            latin += 1
            if not w.isascii() and len(w) > 2 and not _KAZAKH_LATIN.isdisjoint(w):
                kk += 2  # (a lone "ü" is English SMS for "you")
        if w in kk_words or (len(w) > 4 and w.endswith(_KK_ENDINGS)):
            kk += 1
        elif w in ru_words:
            ru += 1
        elif w in en_words:
            en += 1
    if cyrillic >= max(2, len(words) // 5):
        en = 0  # English messages have no Cyrillic words; Latin ones here are names and codes
    if not (kk or ru or en):
        if cyrillic + latin == 0:
            return None
        return "ru" if cyrillic >= latin else "en"
    # Ties go to the alphabet: Cyrillic to Russian, Latin to English.
    best = max(kk, ru, en)
    if kk == best and kk > max(ru, en):
        return "kk"
    if ru == best and (ru > en or cyrillic >= latin):
        return "ru"
    return "en"


# Kept for callers of the earlier name.
guess_lang = detect_lang


# Fixed interface strings (verdict names, headings). Rule advisories live in the rule files,
# the closing advice of a report in kzscam/output/advice.toml.
_UI: dict[str, dict[str, str]] = {
    "safe": {"en": "SAFE", "ru": "БЕЗОПАСНО", "kk": "ҚАУІПСІЗ"},
    "caution": {"en": "CAUTION", "ru": "ОСТОРОЖНО", "kk": "АБАЙ БОЛЫҢЫЗ"},
    "suspicious": {"en": "SUSPICIOUS", "ru": "ПОДОЗРИТЕЛЬНО", "kk": "КҮДІКТІ"},
    "dangerous": {"en": "DANGEROUS", "ru": "ОПАСНО", "kk": "ҚАУІПТІ"},
    "what_to_do": {"en": "What to do", "ru": "Что делать", "kk": "Не істеу керек"},
    "evidence": {"en": "Evidence", "ru": "Фрагмент", "kk": "Дәлел"},
    "no_findings": {
        "en": "No scam indicators found. Stay careful: no checker catches everything.",
        "ru": "Признаков мошенничества не найдено. Будьте внимательны: ни одна проверка не ловит всё.",
        "kk": "Алаяқтық белгілері табылмады. Сақ болыңыз: ешбір тексеру бәрін таба алмайды.",
    },
    "error": {"en": "ERROR", "ru": "ОШИБКА", "kk": "ҚАТЕ"},
    # Names kzscam gives inputs that have none (JSON `input` and stderr keep `message`, `arg2`,
    # `payload1`, `arg1:3`: stable identifiers for pipelines).
    "input_message": {"en": "message", "ru": "сообщение", "kk": "хабарлама"},
    "input_payload": {"en": "QR code", "ru": "QR-код", "kk": "QR-код"},
    "input_line": {"en": "line", "ru": "строка", "kk": "жол"},
    "skipped_blank_line": {"en": "skipped {count} blank line", "ru": "пропущена пустая строка: {count}",
                           "kk": "{count} бос жол өткізілді"},
    "skipped_blank_lines": {"en": "skipped {count} blank lines",
                            "ru": "пропущено пустых строк: {count}",
                            "kk": "{count} бос жол өткізілді"},
}


def ui(key: str, lang: str) -> str:
    """An interface string in `lang`, falling back to English."""
    entry = _UI[key]
    return entry.get(lang) or entry[DEFAULT_LANG]


# A sentence kzscam writes in English (stable for scripts) and the patterns that say it in other
# languages: (the English sentence as a regex with named groups, {lang: template}).
PatternTexts = Iterable[tuple[re.Pattern[str], Mapping[str, str]]]


def by_pattern(table: PatternTexts, text: str, lang: str,
               fill: Callable[[dict[str, str]], dict[str, str]] | None = None) -> str:
    """`text` in `lang` when it is one of `table`'s sentences (its groups filled in, through
    `fill` when given), else as written."""
    for pattern, said in table:
        m = pattern.fullmatch(text)
        if m is None:
            continue
        template = said.get(lang) or said.get("en")
        if template is None:
            return text
        groups = m.groupdict()
        return template.format(**(fill(groups) if fill else groups))
    return text
