"""Find links, phone numbers, payment card numbers and IINs in the ORIGINAL message text.

Scam messages defang or disguise links (`hxxp://`, `kaspi[.]kz`, `bit(.)ly`) and write numbers with
odd spacing; each entity keeps its span in the original text so findings can quote it.

Linear time on any input: links come from one RE2 `finditer` pass; number patterns are searched
match after match (a boundary character may be shared by two numbers), on an ASCII byte copy made
once per message, because the RE2 binding encodes a `str` afresh on every call and a search from
`pos` then costs the whole text (quadratic on a message full of numbers).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any, NamedTuple

from kzscam.lazyre import lazy_re, lazy_re2

# TLDs accepted for links written without a scheme: enough for real messages, strict enough that
# "т.д." or "1.5" are not links. Links with a scheme or www. are accepted with any TLD.
_BARE_TLDS = (
    "kz|ru|com|net|org|info|biz|top|xyz|site|online|click|link|ly|me|io|app|shop|store|co|cc|tk|"
    "ml|ga|cf|gq|pw|ws|su|by|uz|kg|ua|live|vip|pro|icu|cfd|sbs|fun|space|website|tech|cloud|"
    "page|win|bid|loan|work|rest|monster|buzz|best|today|world|digital|pl|de|uk|us|to|gl|gd|"
    "su|am|az|tj|tm|ge|in|cn|io|ai|gg|sh|one|gov|edu|help|support|center|services|life|host|cyou|"
    "lol|рф|қаз|бел|укр|рус|онлайн|сайт"
)
# Longest first: RE2 takes the first alternative that matches, and "x.support" must not stop at ".su".
_TLD_ALTERNATION = "|".join(sorted(set(_BARE_TLDS.split("|")), key=lambda t: (-len(t), t)))
_DOT = r"(?:\.|\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\))"
# Explicit letters instead of \p{L}: RE2 compiles this in a fraction of the time (start-up matters);
# Latin, Russian and Kazakh letters cover the links people meet here.
_LETTERS = "0-9A-Za-zА-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі"
_LABEL = rf"[{_LETTERS}][{_LETTERS}\-]*"
_PATH = r"(?:[/?#][^\s<>\"'«»]*)?"
URL_RE = lazy_re2(
    r"(?i)(?:"
    r"(?:h[tx]{2}ps?|ftp|tg|intent|market|whatsapp|viber|kaspi|otpauth)(?:://|\[:\]//|:/\\\\)[^\s<>\"'«»]+"
    r"|(?:www|m)" + _DOT + _LABEL + r"(?:" + _DOT + _LABEL + r")*" + _PATH +
    r"|(?:" + _LABEL + _DOT + r")+(?:" + _TLD_ALTERNATION + r")(?::\d{1,5})?" + r"(?:[/?#][^\s<>\"'«»]*)?"
    r")"
)
_TRAIL = ".,;:!?)]}»\"'…"


class _Dual:
    """A number pattern in both engines: RE2 (linear on any input) and, once a batch is under way,
    the stdlib engine for short texts, which costs a fraction per call. Only for patterns whose
    repetitions are bounded or over disjoint classes, written with ASCII classes so that both
    engines read them the same way (re.ASCII makes the stdlib's \\d mean [0-9], as in RE2).

    `any_length`: the stdlib form serves long texts too. Only for patterns where a failed start
    costs the stdlib a handful of steps (no optional pieces that can be split several ways): it
    then reads a long text at C speed, where RE2's binding costs several microseconds per match
    (measured: 7x faster on 400 KB of "1477 " or of IINs). The international phone form is not
    one: on "+111…1" runs the stdlib tries thousands of ways to split the digits at every "+".
    """

    __slots__ = ("_calls", "_long", "_short", "any_length", "pattern")
    SHORT_TEXT = 1024
    WARM_UP = 32  # texts before the stdlib form is compiled (a single message never pays for it)

    def __init__(self, pattern: str, *, any_length: bool = False) -> None:
        self.pattern = pattern
        self.any_length = any_length
        self._long = lazy_re2(pattern)  # compiled when a text first needs it
        self._short: re.Pattern[str] | None = None
        self._calls = 0

    def _stdlib(self, text: str) -> re.Pattern[str] | None:
        """The stdlib form when it should serve `text`, compiled on first need."""
        short = len(text) <= self.SHORT_TEXT
        if self._short is None and (short or self.any_length):
            self._calls += 1
            if self._calls > self.WARM_UP or not short:  # a long text is worth the compile
                self._short = re.compile(self.pattern, re.ASCII)
        return self._short if short or self.any_length else None

    def spans(self, text: str) -> Iterator[tuple[int, int]]:
        """Spans of group 1, resuming right after it: a boundary character consumed at the end of one
        match is the leading boundary of the next (so "+7701… +7702…" yields both numbers).

        Each search starts where the last match ended, so the whole loop reads the text about once,
        as long as a search costs only what it scans: true for the stdlib on `str` and for RE2 on
        `bytes`. RE2 gets `text` as ASCII bytes, one byte per character (anything else becomes "?",
        which every pattern here treats as it treats any letter), so its offsets are `text`'s.
        """
        haystack: str | bytes = text
        stdlib = self._short
        if stdlib is None or not (self.any_length or len(text) <= self.SHORT_TEXT):
            stdlib = self._stdlib(text)
        if stdlib is not None:
            search: Any = stdlib.search
        else:
            haystack, search = text.encode("ascii", "replace"), self._long.search
        pos = 0
        while pos <= len(haystack):
            m = search(haystack, pos)
            if m is None:
                return
            start, end = m.span(1)
            yield start, end
            pos = end  # group 1 is never empty, so this is past the match's start


_SEP = r"[ \t\n\f\r\-\.]"  # RE2's \s spelled out: the stdlib's \s also takes \v
_PHONE_RE = _Dual(
    r"(?:^|[^\d+])("
    rf"(?:\+7|8|7){_SEP}?\(?\d{{3,4}}\)?{_SEP}?\d{{2,3}}{_SEP}?\d{{2}}{_SEP}?\d{{2}}"  # KZ/RU
    rf"|\+(?:[1-689]\d{{0,2}}){_SEP}?(?:\(?\d{{1,4}}\)?{_SEP}?){{2,4}}\d{{2,4}}"  # international
    r"|0\d{9,10}"  # UK-style premium and national numbers (09061701461)
    r")(?:$|[^\d])"
)
# Short numbers that matter in Kazakhstan: National Bank 1477, eGov 1414, police 102, 112, ...
SHORT_NUMBERS = frozenset({"1477", "1414", "102", "112", "101", "103", "104", "109"})
_SHORT_RE = _Dual(r"(?:^|[^\d\-+.,:])(1477|1414|102|112|101|103|104|109)(?:$|[^\d\-,:%.]|\.(?:$|\D))",
                  any_length=True)
# A separator, when present, must be taken (a digit cannot match it): one way through per start.
_CARD_RE = _Dual(r"(?:^|[^\d])((?:\d[ \-]?){12,18}\d)(?:$|[^\d])", any_length=True)
_IIN_RE = _Dual(r"(?:^|[^\d])(\d{12})(?:$|[^\d])", any_length=True)
# Necessary conditions, checked with the stdlib engine (cheap per call, linear for these forms)
# before the full RE2 patterns run: a link has a dot (or its defanged form) before a letter or
# digit, or "://"; phones, cards and IINs need enough digits.
_URL_HINT = re.compile(r"[.\]})][A-Za-zА-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі]|www|m[.\[({]|:/|\]//", re.IGNORECASE)


_SHORT_HINT = re.compile("1477|1414|10[1-49]|112")  # any of SHORT_NUMBERS, before _SHORT_RE


def _count_digits(text: str) -> int:
    """ASCII digits in `text` (what RE2's \\d means), counted at C speed on the UTF-8 bytes."""
    raw = text.encode("utf-8", "surrogatepass")
    return len(raw) - len(raw.translate(None, b"0123456789"))
APP_EXTENSIONS = (".apk", ".exe", ".msi", ".ipa", ".dmg", ".scr", ".bat", ".xapk", ".apks", ".pkg")


class Entity(NamedTuple):
    """One extracted item: kind, the value (cleaned), and its span in the original text."""

    kind: str
    value: str
    start: int
    end: int


def undefang(url: str) -> str:
    """`hxxps://kaspi[.]kz` -> `https://kaspi.kz` (what the link really is)."""
    out = url
    for a, b in (("[.]", "."), ("(.)", "."), ("{.}", "."), ("[dot]", "."), ("(dot)", "."),
                 ("[:]//", "://")):
        out = out.replace(a, b).replace(a.upper(), b)
    lower = out[:6].lower()
    if lower.startswith("hxxp"):
        out = "http" + out[4:]
    return out


def extract_urls(text: str) -> list[Entity]:
    """Links, each with its span; one RE2 pass (its `finditer` encodes the text once).

    The binding encodes to strict UTF-8, which a lone surrogate (a JSON "\\ud800" escape) fails:
    then each surrogate becomes U+FFFD, one character for one, so offsets still index `text`.
    """
    try:
        return _urls(text, text)
    except UnicodeEncodeError:
        return _urls(text, re.sub("[\ud800-\udfff]", "\ufffd", text))  # compiled only now


def _urls(text: str, searched: str) -> list[Entity]:
    out: list[Entity] = []
    for m in URL_RE.finditer(searched):
        start, end = m.span()
        while end > start and text[end - 1] in _TRAIL:
            end -= 1
        raw = text[start:end]
        if not raw or (start > 0 and text[start - 1] == "@") or (
            "@" in raw.split("/")[0] and "://" not in raw
        ):
            continue  # an e-mail address, not a link
        out.append(Entity("url", undefang(raw), start, end))
    return out


def _digits(s: str) -> str:
    return "".join(c for c in s if c.isdigit())


def phone_entities(text: str,
                   spans: Callable[[str], Iterable[tuple[int, int]]]) -> Iterator[Entity]:
    """The phone numbers among the long-number candidates `spans(text)` finds."""
    for start, end in spans(text):
        digits = _digits(text[start:end])
        if not 10 <= len(digits) <= 15:
            continue
        if len(digits) == 12 and text[start] != "+":
            # No national number here has 12 digits (Kazakh and Russian ones have 11): an IIN
            # ("ИИН 870412300416", also written in groups) or a contract number, not a phone.
            # Unless its first digit is glued to a word ("MobileUpd8 08001950382"): that digit
            # is the word's, and the number is what follows it. Not when the 12 digits are an IIN
            # written straight after its label ("ИИН870412300416").
            if start and text[start - 1].isalpha() and not iin_ok(digits):
                inner = text[start + 1:end]
                yield from (e._replace(start=e.start + start + 1, end=e.end + start + 1)
                            for e in phone_entities(inner, spans))
            continue
        value = "+" + digits if text[start] == "+" else digits
        if len(digits) == 11 and digits[0] == "8" and digits[1] == "7":
            value = "+7" + digits[1:]  # Kazakh 8-7xx-... trunk prefix
        yield Entity("phone", value, start, end)


def extract_phones(text: str, *, long_numbers: bool = True) -> list[Entity]:
    out = list(phone_entities(text, _PHONE_RE.spans)) if long_numbers else []
    if _SHORT_HINT.search(text) is None:
        return out
    for start, end in _SHORT_RE.spans(text):
        out.append(Entity("phone", text[start:end], start, end))
    return out


def luhn_ok(number: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = ord(ch) - 48
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def iin_ok(iin: str) -> bool:
    """Kazakhstan IIN: YYMMDD + century/sex digit + serial + check digit (weights 1..11, then 3..)."""
    if len(iin) != 12 or not iin.isdigit():
        return False
    month, day = int(iin[2:4]), int(iin[4:6])
    if not (1 <= month <= 12 and 1 <= day <= 31 and iin[6] in "0123456"):
        return False
    digits = [int(c) for c in iin]
    check = sum(d * w for d, w in zip(digits[:11], range(1, 12), strict=True)) % 11
    if check == 10:
        weights = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]
        check = sum(d * w for d, w in zip(digits[:11], weights, strict=True)) % 11
        if check == 10:
            return False
    return check == digits[11]


def extract_cards(text: str) -> list[Entity]:
    out: list[Entity] = []
    for start, end in _CARD_RE.spans(text):
        digits = _digits(text[start:end])
        if 13 <= len(digits) <= 19 and digits[0] in "2345689" and luhn_ok(digits):
            out.append(Entity("card", digits[:6] + "…" + digits[-4:], start, end))
    return out


def extract_iins(text: str) -> list[Entity]:
    return [Entity("iin", text[s:e][:6] + "…", s, e) for s, e in _IIN_RE.spans(text)
            if iin_ok(text[s:e])]


def extract_all(text: str) -> list[Entity]:
    """Every entity in `text`; cheap when there are no links or digits."""
    out: list[Entity] = []
    if _URL_HINT.search(text):
        out.extend(extract_urls(text))
    digits = _count_digits(text)
    if digits < 3:  # the shortest number worth reporting is 102
        return out
    found = extract_phones(text, long_numbers=digits >= 10)
    if digits >= 13:
        found += extract_cards(text)
    if digits >= 12:
        found += extract_iins(text)
    if out:  # numbers inside a link are part of the link
        starts = [e.start for e in out]  # links never overlap: sorted by start and by end
        found = [ent for ent in found if not _inside(out, starts, ent.start)]
    out.extend(found)
    return out


def _inside(links: list[Entity], starts: list[int], pos: int) -> bool:
    """Is `pos` within one of `links`? A bisection, not a scan: a message may hold thousands of
    links and numbers."""
    i = bisect.bisect_right(starts, pos) - 1
    return i >= 0 and pos < links[i].end


# -- who the message speaks to ----------------------------------------------------------------
# Does a message speak to its reader? Second-person words and imperatives, in kk/ru/en.
#
# A scam script addresses its victim: "переведите", "аударыңыз", "your account", "вам положена".
# A news item or a warning that retells a scam talks about "мошенники" and "жертва" in the third
# person and asks the reader for nothing. The text rules see the same scam words in both; this test
# tells them apart by grammar rather than by phrase lists, so it reaches wording no rule lists
# (`match.has = ["!address"]` in a rule, TXT-CTX-002).
#
# It errs towards "addressed": a generic "вам звонят ..." in a warning, or a warning's own "не
# сообщайте код" after a scam's "сообщите код", counts as addressing the reader. Only protective
# imperatives ("будьте осторожны", "предупредите близких") and negated ones ("не переводите",
# "жібермеңіз") do not. Works on the folded main view (й/ы/і -> и, ң -> н, soft sign dropped), one
# linear pass over its words.

def _words(spaced: str) -> frozenset[str]:
    return frozenset(spaced.split())


_WORD = lazy_re(r"[0-9a-zа-я]+(?:['’][a-z]+)?")
# Second-person pronouns and possessives, folded (сіз -> сиз, сенің -> сенин); Latin-script
# Russian and Kazakh as typed ("vam", "vash", "siz", "sizdin").
_PRONOUNS = _words(
    "вы вам вас вами ваш ваша ваше ваши вашего вашей вашему вашим вашими ваших вашу "
    "ти тебе тебя тобои твои твоя твое твоего твоеи твоему твоим твоих твою "
    "сен саган сени сенин сенде сенен сендер сендерге сиз сизге сизди сиздин сизде сизден "
    "сиздер сиздерге сиздерди сиздердин "
    "you your yours yourself yourselves you've you're you'll you'd u ur "
    "vy vam vas vash vasha vashe vashi siz sizge sizdi sizdin sizde sen sagan senin")
# Informal requests: Russian singular imperatives (a bare stem, so listed) and Kazakh -шы/-ші,
# -сың/-сің ("салшы", "аласың ба"), Russian -ешь/-ишь ("можешь скинуть").
_INFORMAL = _words(
    "скин кин переведи отправ проголосуи голосни напиши позвони дай помоги займи одолжи пришли "
    "скажи зайди перейди нажми установи скачаи жми пиши звони подскажи глянь посмотри верни "
    # Kazakh bare (informal) imperatives: "карта нөміріңді жібер", "ақша аудар", "кодты айт", "маған жаз"
    "жибер аудар сал бер аит жаз")
_INFORMAL_ENDINGS = ("ши", "син", "еш", "иш", "shy", "shi", "syn", "sin")
# Russian nouns that fold into those endings or into Kazakh plural imperatives' (-ңдар, -ңдер):
# "наши", "помощи", "вещи" (-ши), "розыгрыш", "выигрыш", "малыш" (ы -> и: -иш), "календарь",
# "тендер" (-ндар, -ндер), "апельсин" (-син). News and adverts are full of them.
_NOT_SECOND_PERSON = _words(
    "наши помоши веши каши души малиши карандаши ландиши товариши роши "
    "розигриш виигриш проигриш малиш финиш фетиш камиш бариш крепиш "
    "бангладеш марракеш апелсин керосин календар тендер гендер "
    # Kazakh: third-person wishes (болсын, берсін: "let it be"), "сосын" (then), "өтініш" (a request,
    # the noun), games and residents (ойындар, тұрғындар)
    "болсин берсин келсин жаусин курсин корсин жетсин калсин отсин тусин шиксин жасасин сосин "
    "сактасин жарилкасин колдасин кеширсин буиирсин алсин жазсин билсин "
    "тилши басши сарапши малши егинши анши жолши "
    "отиниш оииндар тургиндар жандар казандар зандар андар миндар")
# Kazakh suffixes that end like the informal imperative "-шы/-ші" but make nouns and adjectives:
# ordinals (бірінші, 20-сыншы), agent nouns (беруші, құтқарушы), intention (демалмақшы).
_NOT_INFORMAL_SUFFIXES = ("уши", "макши", "мекши", "бакши", "бекши", "пакши", "пекши")
# Ordinals by their numbers (the softened imperative "-ыңшы" ends the same way: айтыңшы, салыңшы),
# and the ordinal ending split from a digit ("1-інші" reads as "1", "инши").
_ORDINAL = lazy_re(r"(?:бир|еки|уш|торт|бес|алти|жети|сегиз|тогиз|он|жиирма|отиз|кирик|кирк|елу|"
                   r"алпис|жетпис|сексен|токсан|жуз|мин)(?:инши|нши|синши)|инши|нши|синши")
# Kazakh "сіз" (you) and its forms: сіз, сізге, сізді, сіздің, сізден, сізбен, сіздер, сізше ("сизо",
# Russian for a detention centre, is not one of them).
_SIZ = lazy_re(r"сиз(?:$|[гдбнлтшс])")
# Calling the reader by a family or friendly name addresses them ("мам, ...", "балам", "bro").
_VOCATIVES = _words(
    "мам мама мамуля мамочка пап папа папуля сынок доча дочка доченька братан братик братишка "
    "бро сестренка бабуля дедуля апа апаи апатаи апеке ага агаи агатаи аже ажеш ата ана анашим "
    "акешим балам кизим улим досим досим жаним бауирим mom mum mommy mummy dad daddy son bro sis")
# Vocatives that are also ordinary nouns (mother, father, grandfather, elder sister, ...).
_NOUN_VOCATIVES = _words("мама папа бабуля дедуля ата ана апа ага аже mom mum dad son")
_CALLED = lazy_re(r"\s*[,!?]")
# Kazakh compounds that open with a family word: Ата Заң (the constitution), ата мекен (homeland),
# ата-баба / ата баба (ancestors), ана тілі (mother tongue), ана сүті (breast milk), ата салты
# (custom). At the start of a message such a word names the thing, not the reader.
_COMPOUND_AFTER = lazy_re(r"\s+(?:зан|заны|занимиз|заннин|занга|занда|заннан|мекен|мекени|мекенимиз|"
                          r"баба|бабамиз|бабалар[а-я]*|салт|салти|дастур[а-я]*|тили|тилин|тилимиз|тилинин|"
                          r"тилине|тилинде|сути)(?![0-9a-zа-я])")
_GREETING_SPAN = 32  # a greeting before the name is short: longer prefixes are never copied
_GREETINGS = _words("привет приветик здравствуи здравствуите алло салем салам салеметсиз ассалаумагалеикум "
                    "hi hello hey") | {""}
# Kazakh "be careful / be alert" ("абай болыңыздар", "сақ болыңыз"): "бол-" after these words.
_KK_CAREFUL = _words("абаи сак мукият кираги сергек")
_KK_BE = _words("болиниз болиниздар болиндар болайик")
# Imperatives that protect the reader rather than ask them for something.
_PROTECTIVE = _words(
    "будте предупредите берегите помните остерегаитес осторожни проверяите прочитаите "
    "предупреждаите подскажите проверте")
# Words with an imperative's ending that are not imperatives ("на сайте", "в защите"), folded as the
# text is (й -> и, щ -> ш): nouns of -ит stems in the prepositional case ("в кредите", "о визите").
_NOT_IMPERATIVE = _words("саите зашите элите ните ките сите шите вите бите кредите депозите лимите "
                         "визите транзите аппетите магните граните орбите дефиците профиците никите")
# A preposition comes before a noun, never before an imperative: "по защите прав", "на сайте".
_PREPOSITIONS = _words("в во на о об обо при по")
# "Передайте родителям", "расскажите близким", "share this with your family": a warning asks to be
# passed on. Only these verbs followed by who to tell, since "передайте деньги курьеру" is a scam's.
_PASS_ON = _words("передаите расскажите поделитес перешлите отправте покажите share forward tell")
_TO_FAMILY = lazy_re(r"\W+(?:своим\W+|всем\W+|(?:with|to)\W+(?:your\W+)?)?(?:близким|родним|родителям|"
                        r"друзям|знакомим|пожилим|родственникам|бабушкам|дедушкам|family|friends|"
                        r"parents|relatives|everyone)(?![0-9a-zа-я])")
# Kazakh puts who to tell first: "ата-анаңызға айтыңыз", "Родителям обязательно айтыңдар",
# "жақындарыңызға ескертіңіз". A pass-on verb after a family word (in the dative) within the last
# three words passes a warning on.
_KK_PASS_ON = _words("аитиниз аитиндар аитиниздар ескертиниз ескертиндер ескертиниздер жеткизиниз "
                     "жеткизиндер болисиниз болисиндер таратиниз таратиндар")
_KK_FAMILY = lazy_re(r"(?:ата|ана|аналар|ата-ана|аке|шеше|жакин|туис|дос|улкен|карт|балалар|отбаси|"
                     r"барлиги|барша|родител|близк|родн|пожил|бабушк|дедушк|друз)"
                     r"[а-я]*(?:га|ге|ка|ке|на|не|ям|им|ам)$")
_NEGATIONS = _words("не никогда нельзя ни never not don't dont")
# Kazakh polite imperatives end in -ңыз/-ңіз (folded -низ), plural -ңдар/-ңдер; their negative
# forms have -ма/-ме/-ба/-бе/-па/-пе before it ("жібермеңіз").
_KK_NEGATIVE = ("маниз", "мениз", "баниз", "бениз", "паниз", "пениз", "мандар", "мендер",
                "бандар", "бендер", "пандар", "пендер")
# English requests that open a sentence ("Click the link", "Reply YES").
_EN_REQUESTS = _words(
    "click tap call text reply send verify confirm enter pay transfer install download visit "
    "claim register sign log update contact dial open scan share join subscribe please kindly "
    "provide submit forward read give buy deposit invest redeem activate unlock")

# Words after which an English request verb is an imperative: "first pay", "then enter", "just click".
_EN_LEAD = _words("first then just simply now and or kindly please so")


# Someone else's words in quotes are reported, not said to the reader: "это развод? «переведите
# деньги»". Single quotes only around words, not an apostrophe inside one ("don't").
_QUOTED = lazy_re(r"«[^»]{0,600}»|“[^”]{0,600}”|„[^“”]{0,600}[“”]|\"[^\"]{0,600}\"|"
                     r"(?<![0-9a-zа-я])'[^'\n]{2,600}'(?![0-9a-zа-я])")


# Kazakh reports speech before its verb: "біреу хабарласып, [балаңыз апатқа түсті, 500 мың керек]
# дейді" (someone calls and says: your son ...). From the teller (someone, a neighbour, scammers,
# "телефон соғып") to "дейді / деп жатыр" the sentence holds someone else's words, as a quotation
# does. Words before the teller stay the writer's own ("Мама, кодты айтшы, банктен біреу ...
# дейді" asks for the code), and without a teller nothing is set aside ("дәрігер ақшаны осы
# картаға салыңыз дейді" relays a request to the reader). Each teller starts one scan of at most
# 400 characters, so the pass stays linear.
_REPORTED_KK = lazy_re(
    r"(?<![0-9a-zа-я])(?:биреу|алаяк|каскунем|коршим|досим|ариптесим|туисим|анама|акеме|ажеме|атама|"
    r"апама|агама|зеинеткерлерге|ата-аналарга|хабарласипти|звондапти|усинипти|усинди|телефон согип|"
    r"конирау шалипти|хабар келди|хабарлама келди|смс келди|sms келди)"
    r"[^.!?\n]{0,400}?(?<![0-9a-zа-я])(?:деиди|деп жатир|deidi)(?![0-9a-zа-я])")


_KK_LETTERS = lazy_re(r"[әіңғүұқөһ]")
_KK_WORD = lazy_re(r"[а-яёәіңғүұқөһ]+")  # each letter is read once: linear in the text


def _kazakh_forms(original: str) -> tuple[frozenset[str], frozenset[str], frozenset[str]] | None:
    """In a message written with Kazakh letters, the folded forms of the words that really end in
    -ңдар/-ңдер/-ңыздар (folded, "-ндар" is also the plural of an -н stem: аудандар, күндер),
    that really start with "сіз" (folded, "сыз-" looks the same: сызба, Сыздықов), and that really
    end in "-сың/-сің" (you: аласың; folded, "-сын" looks the same: ақшасын, болсын)."""
    low = original.lower()
    if _KK_LETTERS.search(low) is None:
        return None
    from kzscam.text.normalize import fold

    words = _KK_WORD.findall(low)
    return (frozenset(fold(w) for w in words if w.endswith(("ңдар", "ңдер", "ңыздар", "ңіздер"))),
            frozenset(fold(w) for w in words if w.startswith("сіз")),
            frozenset(fold(w) for w in words if w.endswith(("сың", "сің"))))


def addresses_reader(folded: str, *, outside_quotes: bool = False, original: str = "") -> bool:
    """True when the message speaks to its reader: a second-person word or a request verb.

    `outside_quotes`: only the writer's own words count (not quoted, not reported with "дейді").
    A question about a scam quotes the scam's
    "переведите" without saying it; a retold call ("«... аударыңыз» деді") still counts as
    addressed by default, because the person retelling it may be about to act on it.
    """
    if outside_quotes:
        folded = _REPORTED_KK.sub(" ", _QUOTED.sub(" ", folded))
    # With Kazakh letters the original settles what folding made ambiguous (see _kazakh_forms).
    forms = _kazakh_forms(original) if original else None
    prev = ""
    last_end = 0
    recent: tuple[str, ...] = ("", "", "")  # the last three words, for Kazakh word order
    for m in _WORD.finditer(folded):
        word = m.group()
        # "ата" calls a grandfather, but "ата-анаңыз" is "your parents"; a name that is also a
        # noun ("мама", "ана") calls the reader only at the start or before a comma or "!"/"?"
        # ("мама погибшего рассказала" is about her)
        vocative = word in _VOCATIVES and not folded.startswith("-", m.end()) and (
            word not in _NOUN_VOCATIVES or _CALLED.match(folded, m.end()) is not None
            or (m.start() <= _GREETING_SPAN and folded[:m.start()].strip(" ,!.-—:;\n") in _GREETINGS
                and not (word in ("ата", "ана") and _COMPOUND_AFTER.match(folded, m.end()))))
        siz = _SIZ.match(word) is not None and (forms is None or word in forms[1])
        if word in _PRONOUNS or vocative or word.startswith(("ваш", "твое")) or siz:
            return True
        if word in _NOT_SECOND_PERSON or (word in _KK_BE and prev in _KK_CAREFUL):
            prev, last_end = word, m.end()
            recent = (*recent[1:], word)
            continue
        if (word in _INFORMAL and not (word == "аит" and prev in ("курбан", "ораза"))) or (
                len(word) >= 4 and word.endswith(_INFORMAL_ENDINGS)
                and not word.endswith(_NOT_INFORMAL_SUFFIXES) and not _ORDINAL.fullmatch(word)
                and not (forms is not None and word.endswith("син") and word not in forms[2])
                and prev not in _NEGATIONS):
            return True
        if (word in _PASS_ON and _TO_FAMILY.match(folded, m.end())) or (
                word in _KK_PASS_ON and any(_KK_FAMILY.match(w) for w in recent)):
            prev, last_end = word, m.end()
            recent = (*recent[1:], word)
            continue
        if word == "аудариниз" and prev == "назар":  # "назар аударыңыз": attention!
            prev, last_end = word, m.end()
            recent = (*recent[1:], word)
            continue
        if (len(word) >= 5 and word.endswith(("ите", "итес")) and word not in _NOT_IMPERATIVE
                and word not in _PROTECTIVE and prev not in _NEGATIONS and prev not in _PREPOSITIONS):
            return True
        # -ңыз/-ңіз and the plural -ңдар/-ңдер (ң folds to н), but not a plural participle
        # (келгендер, алмағандар: "those who came") or a plural noun of an -н stem (жандар).
        if len(word) >= 6 and word.endswith("низ") and not word.endswith(_KK_NEGATIVE):
            return True
        if len(word) >= 6 and word.endswith(("ндар", "ндер")) and not word.endswith(_KK_NEGATIVE) and (
                word in forms[0] if forms is not None
                else not word.endswith(("гендер", "гандар", "кендер", "кандар"))):
            return True
        # the polite plural -ңыздар/-ңіздер (салыңыздар), not its negative (болмаңыздар)
        if len(word) >= 8 and word.endswith(("низдар", "низдер")) and not word[:-3].endswith(_KK_NEGATIVE) \
                and (forms is None or word in forms[0]):
            return True
        if len(word) >= 5 and word.endswith(("ynyz", "iniz", "nyz", "niz")) and word.isascii() \
                and not word.endswith(("manyz", "meniz", "banyz", "beniz", "panyz", "peniz")):
            return True
        gap = folded[last_end:m.start()]
        if word in _EN_REQUESTS and (last_end == 0 or word in ("please", "kindly") or prev in _EN_LEAD
                                     # a new sentence or list item, not "egov-pay.example"
                                     or (gap[-1:].isspace() and any(c in ".!?\n:;,-" for c in gap))):
            return True
        prev, last_end = word, m.end()
        recent = (*recent[1:], word)
    return False
